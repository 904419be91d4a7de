import { assertVersion, etagFor, versionFromIfMatch } from './etag';
import { decodeCursor, encodeCursor, pageOf } from './pagination';
import { BadRequestProblem, PreconditionFailedProblem } from './problem';

describe('ETag / If-Match', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"v3"', 3],
    ['"v0"', 0],
    [' "v3"\t', 3], // optional whitespace around the value
    ['"v12", "v17"', [12, 17]], // a list: any may match
    ['"v12",,  "v17" ,', [12, 17]], // empty list elements are ignored
    [
      ['"v12"', '"v17"'],
      [12, 17],
    ], // two If-Match fields are one list
    // a bare weak tag never matches (strong comparison, RFC 9110 §13.1.1): it names no version
    ['W/"v12"', []],
    ['W/"v12", "v17"', 17],
    // a polled read's tag names the record's version it was given for (its hash covers the clocks' states)
    ['W/"v12.Ab3_-xyz"', 12],
  ])('If-Match %j names version(s) %j', (header, version) => {
    expect(versionFromIfMatch(header)).toEqual(version);
  });

  it.each(['v3', '"3"', '"v-1"', '"vx"', 'garbage', '', ' , ', '"v012"', '"v12.0"', '"v3" "v4"', '*, "v3"', 'w/"v3"', 'W/"abc"'])(
    'rejects the malformed If-Match %j with 400',
    (header) => {
      expect(() => versionFromIfMatch(header)).toThrow(BadRequestProblem);
    },
  );

  it.each([
    [3, 3, true],
    [3, 4, false],
    [[12, 17], 17, true],
    [[12, 17], 13, false],
    [[], 1, false],
    [undefined, 9, true],
  ] as const)('expected %j, current version %i: matches %p', (expected, actual, matches) => {
    if (matches) expect(() => assertVersion(expected, actual)).not.toThrow();
    else expect(() => assertVersion(expected, actual)).toThrow(PreconditionFailedProblem);
  });

  it('round-trips a version through its ETag', () => {
    expect(versionFromIfMatch(etagFor(7))).toBe(7);
  });

  it('a stale version is a 412 naming the current ETag', () => {
    expect(() => assertVersion(2, 2)).not.toThrow();
    expect(() => assertVersion(undefined, 5)).not.toThrow();
    try {
      assertVersion(1, 2);
      throw new Error('expected 412');
    } catch (e) {
      expect(e).toBeInstanceOf(PreconditionFailedProblem);
      expect((e as PreconditionFailedProblem).extensions.currentETag).toBe('"v2"');
    }
  });
});

describe('keyset cursors', () => {
  it('round-trips the key of the last row', () => {
    const cursor = encodeCursor(['2026-11-21T10:00:00.000Z', 'abc']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['string', 'string'])).toEqual(['2026-11-21T10:00:00.000Z', 'abc']);
  });

  it.each([
    ['not base64 json', 'zzz'],
    ['wrong arity', encodeCursor(['a'])],
    ['wrong types', encodeCursor([1, 'a'])],
  ])('refuses a cursor with %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, ['string', 'string'])).toThrow(BadRequestProblem);
  });

  it.each([
    ['9223372036854775807', true], // 2^63 - 1, the largest a bigint column holds
    ['9223372036854775808', false],
    ['9999999999999999999', false],
    ['0', true],
    ['-1', false],
    ['1e3', false],
  ])('a bigint id %s is a cursor value: %p', (id, ok) => {
    const decode = () => decodeCursor(encodeCursor([id]), ['bigint']);
    if (ok) expect(decode()).toEqual([id]);
    else expect(decode).toThrow(BadRequestProblem);
  });

  it('gives a next cursor only when there is another page', () => {
    const rows = [{ k: 1 }, { k: 2 }, { k: 3 }];
    expect(
      pageOf(
        rows,
        2,
        (r) => [r.k],
        (r) => r.k,
      ),
    ).toEqual({ items: [1, 2], nextCursor: encodeCursor([2]) });
    expect(
      pageOf(
        rows,
        3,
        (r) => [r.k],
        (r) => r.k,
      ),
    ).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
