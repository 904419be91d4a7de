import { assertVersion, etagFor, versionFromIfMatch } from './etag';
import { decodeCursor, encodeCursor, pageOf } from './pagination';
import { BadRequestProblem, PreconditionFailedProblem } from './problem';

describe('ETag / If-Match', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"v3"', 3],
    ['W/"v12"', 12],
  ])('If-Match %j names version %j', (header, version) => {
    expect(versionFromIfMatch(header)).toBe(version);
  });

  it.each(['v3', '"3"', '"v-1"', '"vx"', 'garbage'])('rejects the malformed If-Match %j with 400', (header) => {
    expect(() => versionFromIfMatch(header)).toThrow(BadRequestProblem);
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
