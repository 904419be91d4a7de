import { canonicalRequest, type RequestForKey } from './idempotency.interceptor';

const ID = '04bbea9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const base: RequestForKey = {
  method: 'POST',
  route: '/people/:id/relatives',
  params: { id: ID },
  query: {},
  body: { name: 'Sam', relationship: 'sibling' },
};

describe('canonicalRequest: what one Idempotency-Key stands for', () => {
  // [what differs, the request, the same request as `base`?]
  const cases: Array<[string, Partial<RequestForKey>, boolean]> = [
    ['nothing', {}, true],
    ['the id in capitals (the same id)', { params: { id: ID.toUpperCase() } }, true],
    ['a bare trailing "?" (no query, parsed as none)', { query: {} }, true],
    ['no query object at all', { query: undefined }, true],
    ['the body keys in another order', { body: { relationship: 'sibling', name: 'Sam' } }, true],
    ['an added body field', { body: { name: 'Sam', relationship: 'sibling', relativeId: ID.toUpperCase() } }, false],
    ['the method in lower case', { method: 'post' }, true],
    ['another person', { params: { id: ID.replace('04', '05') } }, false],
    ['another body', { body: { name: 'Alex', relationship: 'sibling' } }, false],
    ['a query parameter', { query: { force: 'true' } }, false],
    ['another method', { method: 'PATCH' }, false],
    ['another route', { route: '/people/:id/objections' }, false],
    ['a name that differs only in case (not an id: kept)', { body: { name: 'SAM', relationship: 'sibling' } }, false],
  ];
  it.each(cases)('%s', (_what, change, same) => {
    expect(canonicalRequest({ ...base, ...change }) === canonicalRequest(base)).toBe(same);
  });

  it('a uuid in the body is the same id in either case', () => {
    const withId = (id: string) => canonicalRequest({ ...base, body: { relativeId: id } });
    expect(withId(ID.toUpperCase())).toBe(withId(ID));
  });

  it('query values are compared parsed, in any order', () => {
    const q = (query: object) => canonicalRequest({ ...base, query });
    expect(q({ a: '1', b: '2' })).toBe(q({ b: '2', a: '1' }));
    expect(q({ a: ['1', '2'] })).not.toBe(q({ a: ['2', '1'] }));
  });
});
