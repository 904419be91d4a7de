import fc from 'fast-check';
import { deref, Schema } from './contract';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The last word, singular: `referralId` → referral, `ownerUserIds` → user, `supervision-sessions` → session. */
export function kindOf(name: string): string {
  const base = (
    name
      .replace(/Ids?$/, '')
      .split(/(?=[A-Z])|-/)
      .at(-1) ?? ''
  ).toLowerCase();
  if (base === 'people') return 'person';
  return base.replace(/ies$/, 'y').replace(/s$/, '');
}

/**
 * Ids of real rows (filled as the run creates and reads records), by kind, so that path and body ids often name a
 * real row of the right kind: `/referrals/{id}` draws from the referrals seen, `userId` from the users.
 */
export class IdPool {
  private readonly all: string[] = [];
  private readonly byKind = new Map<string, string[]>();
  /** Ids never drawn: the callers' own accounts, which a generated PATCH /users/{id} could otherwise disable. */
  readonly excluded = new Set<string>();
  add(id: unknown, kind?: string): void {
    if (typeof id !== 'string' || !UUID.test(id) || this.excluded.has(id)) return;
    if (!this.all.includes(id)) this.all.push(id);
    if (this.all.length > 500) this.all.splice(0, 100);
    if (!kind) return;
    const list = this.byKind.get(kind) ?? [];
    if (!list.includes(id)) list.push(id);
    if (list.length > 100) list.splice(0, 20);
    this.byKind.set(kind, list);
  }
  /** Every `id`/`...Id` in a response body; the top-level ids (and a list's items') are of `kind`. */
  collect(body: unknown, kind?: string, depth = 0): void {
    if (depth > 4 || !body || typeof body !== 'object') return;
    if (Array.isArray(body)) return body.slice(0, 10).forEach((b) => this.collect(b, kind, depth + 1));
    for (const [k, v] of Object.entries(body)) {
      if (k === 'id') this.add(v, kind);
      else if (k.endsWith('Id')) this.add(v, kindOf(k));
      else if (k.endsWith('Ids') && Array.isArray(v)) v.forEach((x) => this.add(x, kindOf(k)));
      else if (k === 'items') this.collect(v, kind, depth + 1);
      else if (typeof v === 'object') this.collect(v, kindOf(k), depth + 1);
    }
  }
  /** An index into the pool, chosen when the request is generated and resolved when it is sent. */
  pick(index: number, kind?: string): string {
    const list = (kind && this.byKind.get(kind)) || this.all;
    return list.length ? list[index % list.length] : '00000000-0000-4000-8000-000000000000';
  }
}

/** A value made when the request is sent, from the pool as it is then: `{ poolIndex }`. */
export interface PoolRef {
  poolIndex: number;
  kind?: string;
}
export const isPoolRef = (v: unknown): v is PoolRef => !!v && typeof v === 'object' && 'poolIndex' in v;

const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\udc00\ud800'];
const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
const nestArray = (depth: number): unknown => (depth === 0 ? [] : [nestArray(depth - 1)]);

/** Values that no field should accept and none should crash on. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    '\u0000',
    ...LONE_SURROGATES,
    1e-7,
    1e308,
    -1e308,
    -0,
    0,
    -1,
    2 ** 31,
    2 ** 53 + 1,
    'NaN',
    'Infinity',
    '-0',
    '1e-7',
    '1e308',
    true,
    false,
    [],
    {},
    [[]],
    [null],
    { '': null },
    JSON.parse('{"__proto__":{"roles":["admin"]}}'),
    { constructor: { prototype: { x: 1 } } },
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
    '2026-02-30',
    '2026-13-01T25:61:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    "'; DROP TABLE users; --",
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '%00%ff',
    'x'.repeat(10_001),
    '\u202e\u0301\ufeff',
    '🙂'.repeat(50),
  ),
  fc.integer({ min: 1, max: 40 }).map(nest),
  fc.integer({ min: 1, max: 40 }).map(nestArray),
  fc.constant(nest(2000)),
  fc.double(),
  fc.string({ maxLength: 20, unit: 'binary' }),
);

function boundaryString(s: Schema): fc.Arbitrary<unknown> {
  const out: unknown[] = [];
  if (typeof s.maxLength === 'number') out.push('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1), '🙂'.repeat(s.maxLength));
  if (typeof s.minLength === 'number') out.push('a'.repeat(s.minLength), 'a'.repeat(Math.max(0, s.minLength - 1)));
  if (!out.length) out.push('', 'a'.repeat(5000));
  return fc.constantFrom(...out);
}

function boundaryNumber(s: Schema): fc.Arbitrary<unknown> {
  const out: unknown[] = [0, -0, 1e-7, 1e308, 0.5, -1];
  if (typeof s.minimum === 'number') out.push(s.minimum, s.minimum - 1, s.minimum - 1e-7, String(s.minimum));
  if (typeof s.maximum === 'number') out.push(s.maximum, s.maximum + 1, s.maximum + 1e-7);
  return fc.constantFrom(...out);
}

const instant = fc
  .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function validString(s: Schema, name?: string): fc.Arbitrary<unknown> {
  const kind = name ? kindOf(name) : undefined;
  if (s.format === 'uuid') return fc.oneof({ weight: 6, arbitrary: fc.nat().map((poolIndex) => ({ poolIndex, kind })) }, fc.uuid());
  if (s.format === 'date-time') return instant;
  if (s.format === 'date') return instant.map((i) => i.slice(0, 10));
  if (s.format === 'email') return fc.constantFrom('a@example.org', 'someone.else@test.amhp-hub.local');
  if (s.format === 'uri') return fc.constantFrom('https://example.org/hook', 'http://127.0.0.1/x');
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 1000) && v.length >= (s.minLength ?? 0));
    } catch {
      return fc.constant(s.example ?? 'a');
    }
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, min + 40);
  return fc.oneof(
    ...(s.example !== undefined && typeof s.example === 'string' ? [fc.constant(s.example)] : []),
    fc.string({ minLength: min, maxLength: max }).filter((v) => v.trim().length >= min),
  );
}

/** A value for `schema`: mostly valid, sometimes at or beyond a bound, sometimes garbage. */
export function valueFor(doc: Schema, schema: Schema | undefined, depth = 0, name?: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: validFor(doc, schema, depth, true, name) },
    { weight: 1, arbitrary: boundaryFor(doc, schema) },
    { weight: 1, arbitrary: garbage },
  );
}

function boundaryFor(doc: Schema, raw: Schema | undefined): fc.Arbitrary<unknown> {
  const s = deref(doc, raw) ?? {};
  if (s.type === 'string') return boundaryString(s);
  if (s.type === 'integer' || s.type === 'number') return boundaryNumber(s);
  if (s.type === 'array') {
    const n = typeof s.maxItems === 'number' ? s.maxItems + 1 : 1001;
    return fc.constantFrom<unknown>([], new Array(n).fill(s.items?.enum?.[0] ?? 'a'));
  }
  return fc.constantFrom<unknown>(null, {}, []);
}

/** A value the schema accepts; with `fuzzFields`, each top-level field is sometimes at a bound or garbage instead. */
export function validFor(doc: Schema, raw: Schema | undefined, depth = 0, fuzzFields = true, name?: string): fc.Arbitrary<unknown> {
  const s = deref(doc, raw) ?? {};
  if (depth > 6) return fc.constant(null);
  const branches = (s.allOf ?? s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (branches?.length) {
    const merged = branches.length === 1 ? { ...deref(doc, branches[0]), ...s, allOf: undefined } : undefined;
    return merged ? validFor(doc, merged, depth, fuzzFields) : fc.oneof(...branches.map((b) => validFor(doc, b, depth, fuzzFields)));
  }
  const nullable = s.nullable ? [fc.constant(null)] : [];
  const base = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    switch (s.type) {
      case 'string':
        return validString(s, name);
      case 'integer':
        return fc.integer({ min: Math.ceil(s.minimum ?? -1000), max: Math.floor(s.maximum ?? 100_000) });
      case 'number': {
        const step = s.multipleOf ?? 0.25;
        const lo = Math.ceil((s.minimum ?? -1000) / step);
        const hi = Math.floor((s.maximum ?? 100_000) / step);
        return fc.integer({ min: lo, max: Math.max(lo, hi) }).map((n) => Math.round(n * step * 1e6) / 1e6);
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(validFor(doc, s.items, depth + 1, true, name), {
          minLength: s.minItems ?? 0,
          maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
        });
      case 'object':
      case undefined: {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const keys = Object.keys(props);
        if (!keys.length) return fc.constantFrom<unknown>({}, { note: 'x' });
        const required = new Set<string>(s.required ?? []);
        const fields: Record<string, fc.Arbitrary<unknown>> = {};
        for (const k of keys)
          fields[k] = depth === 0 && fuzzFields ? valueFor(doc, props[k], depth + 1) : validFor(doc, props[k], depth + 1);
        return fc.record(fields, { requiredKeys: keys.filter((k) => required.has(k)) });
      }
      default:
        return fc.constant('x');
    }
  })();
  return nullable.length ? fc.oneof({ weight: 6, arbitrary: base }, { weight: 1, arbitrary: nullable[0] }) : base;
}
