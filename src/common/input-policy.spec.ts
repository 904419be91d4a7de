import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { duplicateJsonKey, hasLoneSurrogate, jsonDepthExceeds, mediaTypeRefusal, unacceptableFields } from './json-body';
import { ConflictProblem } from './problem';
import { badlyEncodedQueryParameters } from './query-parameters';
import { clientErrorResponse } from './problem.filter';
import { hasAtMostDecimalPlaces } from './validators';

describe('JSON depth is measured on the text, before parsing', () => {
  it.each([
    ['{}', 1, false],
    ['[[]]', 1, true],
    ['[[]]', 2, false],
    ['{"a":{"b":[1,{"c":2}]}}', 3, true],
    ['{"a":{"b":[1,{"c":2}]}}', 4, false],
    ['"[[[[[["', 1, false], // brackets in a string are text
    ['["\\"[[[["]', 1, false], // an escaped quote does not end the string
    ['["\\\\",[[]]]', 2, true], // an escaped backslash does
    ['[1,2],[3]', 1, false], // siblings do not add up
  ])('%s deeper than %i: %p', (text, max, deeper) => {
    expect(jsonDepthExceeds(text, max)).toBe(deeper);
  });

  it('3,000 opening brackets are found too deep at the 33rd', () => expect(jsonDepthExceeds('['.repeat(3000), 32)).toBe(true));
});

describe('a field named twice in one object is found on the text, by its path', () => {
  it.each([
    ['{"status":"allocated","status":"in-assessment"}', 'status'],
    ['{"a":1,"b":2}', undefined],
    ['{"a":{"x":1},"b":{"x":2}}', undefined], // the same name in two objects is two fields
    ['{"risks":{"weapons":true,"weapons":false}}', 'risks.weapons'],
    ['{"items":[{"a":1},{"b":1,"b":2}]}', 'items.1.b'],
    ['{"s":"\\u0073tatus","status":1}', undefined], // a value that spells a key is not a key
    ['{"status":1,"\\u0073tatus":2}', 'status'], // a key is compared as parsed
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'], // an escaped quote does not end the key
    ['[{"a":1},{"a":1}]', undefined],
    ['{"a":[1,2],"c":{"d":{}},"a":3}', 'a'],
  ])('%s: %p', (text, field) => expect(duplicateJsonKey(text)).toBe(field));
});

describe('lone UTF-16 surrogates are found and named by field path', () => {
  it.each([
    ['a\ud800b', true],
    ['a\udc00', true],
    ['\udc00\ud800', true], // a low before a high is two lone halves
    ['😀', false],
    ['plain', false],
    ['', false],
  ])('%j: %p', (s, lone) => expect(hasLoneSurrogate(s)).toBe(lone));

  it('names nested fields and array items as validation errors do', () => {
    expect(unacceptableFields({ a: 'ok', b: { c: ['x', 'y\ud800'] }, d: 1, e: null })).toEqual([
      { field: 'b.c.1', messages: ['b.c.1 must not contain a lone UTF-16 surrogate'] },
    ]);
    expect(unacceptableFields({ ['k\udfff']: 1 }).map((e) => e.field)).toEqual(['k\udfff']);
    expect(unacceptableFields('\ud800').map((e) => e.field)).toEqual(['body']);
    expect(unacceptableFields({ note: 'a\u0000b' })).toEqual([{ field: 'note', messages: ['note must not contain a NUL character'] }]);
  });

  it.each([
    ['{"notes":"a","constructor":"x"}', 'constructor'],
    ['{"toString":1}', 'toString'],
    ['{"hasOwnProperty":1}', 'hasOwnProperty'],
    ['{"valueOf":1}', 'valueOf'],
    ['{"__defineGetter__":1}', '__defineGetter__'],
    ['{"prototype":1}', 'prototype'],
    ['{"__proto__":{"isAdmin":true}}', '__proto__'],
    ['{"overrides":[{"code":"x","hasOwnProperty":1}]}', 'overrides.0.hasOwnProperty'],
    ['{"notes":{"constructor":{"prototype":{}}}}', 'notes.constructor'],
  ])('%s: the field %s, named after a member of every object, is unknown', (json, field) => {
    expect(unacceptableFields(JSON.parse(json))).toEqual([{ field, messages: [`${field} is not a field this endpoint accepts`] }]);
  });

  it('a value that merely says "constructor" is text like any other', () => {
    expect(unacceptableFields({ notes: 'constructor', tags: ['__proto__'] })).toEqual([]);
  });
});

describe('a body is taken in the media types the route declares, and in UTF-8 only', () => {
  const json = ['application/json'];
  it.each([
    ['application/json', json, undefined],
    ['Application/JSON; charset=UTF-8', json, undefined],
    ['application/json;charset="utf-8"', json, undefined],
    ['application/json; boundary=x', json, undefined],
    ['text/csv; charset=utf-8', ['text/csv'], undefined],
    ['application/json; charset=iso-8859-1', json, 'Send the body as UTF-8 (charset=utf-8), not iso-8859-1.'],
    ['application/json; charset="utf-16"', json, 'Send the body as UTF-8 (charset=utf-8), not utf-16.'],
    ['application/json; charset=bogus', json, 'Send the body as UTF-8 (charset=utf-8), not bogus.'],
    ['application/json; charset=', json, 'Send the body as UTF-8 (charset=utf-8), not an empty charset.'],
    ['text/csv', json, 'This endpoint takes application/json, not text/csv.'],
    ['application/json', ['text/csv'], 'This endpoint takes text/csv, not application/json.'],
    [undefined, json, 'This endpoint takes application/json, not a body without a Content-Type.'],
  ])('%s to a route taking %j: %p', (contentType, consumes, refusal) => expect(mediaTypeRefusal(contentType, consumes)).toBe(refusal));
});

describe('a query parameter must be validly percent-encoded UTF-8, and is named when it is not', () => {
  it.each([
    ['/users', []],
    ['/users?q=ann&limit=5', []],
    ['/users?q=%F0%9F%99%82', []],
    ['/users?q=50%25+off', []],
    ['/users?q=a+b&role=amhp', []],
    ['/users?q=%FF', ['q']],
    ['/users?q=a%ED%A0%80b', ['q']],
    ['/users?q=%E2%82', ['q']],
    ['/users?q=50%', ['q']],
    ['/users?q=%zz&limit=5', ['q']],
    ['/users?limit=5&q=ok&team=%C0%AF', ['team']],
    ['/users?%FF=1', ['%FF']],
    ['/users?flag%FF', ['flag%FF']],
    ['/users?a=%FF&b=%FE', ['a', 'b']],
  ])('%s: %j', (url, fields) => expect(badlyEncodedQueryParameters(url).map((e) => e.field)).toEqual(fields));
});

describe('decimal places are counted on the number, whatever its notation', () => {
  it.each([
    [1e-7, 2, false],
    [0.125, 2, false],
    [0.12, 2, true],
    [1.25, 2, true],
    [37.5, 1, true],
    [37.55, 1, false],
    [2.5e1, 0, true],
    [5e-324, 2, false],
    [1e21, 2, true],
    [Number.NaN, 2, false],
    [Number.POSITIVE_INFINITY, 2, false],
  ])('%p with at most %i places: %p', (value, places, ok) => expect(hasAtMostDecimalPlaces(value, places)).toBe(ok));

  it('every hundredth from 0 to 200 has at most 2 places, despite binary floating point', () => {
    const range = (n: number) => Array.from({ length: n + 1 }, (_, k) => k);
    expect(range(20000).filter((k) => !hasAtMostDecimalPlaces(k / 100, 2))).toEqual([]);
    expect(range(2000).filter((k) => hasAtMostDecimalPlaces(k / 10 + 0.05, 1))).toEqual([]);
  });
});

describe('problem bodies', () => {
  it("an extension cannot replace a standard member: status stays the HTTP status (a leave's is leaveStatus)", () => {
    const body = new ConflictProblem('The leave is already declined.', 'leave-closed', {
      status: 'declined',
      leaveStatus: 'declined',
    }).toProblem();
    expect(body.status).toBe(409);
    expect(body.leaveStatus).toBe('declined');
  });

  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_INVALID_METHOD', 400],
  ])("Node's refusal %s is written as a %i problem+json response", (code, status) => {
    const text = clientErrorResponse({ code });
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toContain('Content-Type: application/problem+json');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toMatchObject({ status, code: `http-${status}` });
  });
});

/** Every DTO class of the API, loaded so that its decorators register their metadata. */
function loadDtos(): void {
  const root = join(__dirname, '..');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const files = walk(root).filter((f) => f.endsWith('.dto.ts') || f.endsWith('pagination.ts'));
  for (const f of files) jest.requireActual(f);
}

describe('every DTO follows the input policy', () => {
  let all: ValidationMetadata[] = [];
  beforeAll(() => {
    loadDtos();
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<new () => object, ValidationMetadata[]> };
    all = [...storage.validationMetadatas.values()].flat();
  });
  const has = (m: ValidationMetadata, name: string) =>
    all.some((o) => o.target === m.target && o.propertyName === m.propertyName && o.name === name);
  const where = (m: ValidationMetadata) => `${(m.target as { name: string }).name}.${m.propertyName}`;

  it('loads the DTOs', () => expect(all.length).toBeGreaterThan(500));

  it('a nested object is declared with Nested, so an absent value or an item that is not an object is refused', () => {
    const bare = all.filter((m) => m.type === 'nestedValidation' && !has(m, 'isNestedObject')).map(where);
    expect(bare).toEqual([]);
  });

  it("no number uses class-validator's maxDecimalPlaces, which throws on 1e-7; MaxDecimalPlaces instead", () => {
    const unsafe = all
      .filter(
        (m) => m.name === 'isNumber' && (m.constraints?.[0] as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces !== undefined,
      )
      .map(where);
    expect(unsafe).toEqual([]);
  });

  it('a property the contract declares nullable accepts null (it is @IsOptional)', () => {
    const declared = new Map<string, ValidationMetadata>();
    for (const m of all) {
      const api = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, (m.target as { prototype: object }).prototype, m.propertyName) as
        { nullable?: boolean } | undefined;
      if (api?.nullable) declared.set(where(m), m);
    }
    const refusing = [...declared.values()].filter((m) => !has(m, 'isOptional')).map(where);
    expect(refusing).toEqual([]);
  });
});
