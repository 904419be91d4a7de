import { Infer, arrayOf, bool, date, enumOf, instant, int, nullable, num, obj, str, uuid } from './schema';

describe('event schema builder', () => {
  it.each([
    ['str', str('A code.'), { type: 'string', description: 'A code.' }],
    ['uuid', uuid(), { type: 'string', format: 'uuid' }],
    ['instant', instant('When.'), { type: 'string', format: 'date-time', description: 'When.' }],
    ['date', date(), { type: 'string', format: 'date' }],
    ['int', int('How many.'), { type: 'integer', description: 'How many.' }],
    ['num', num('How long, in hours.'), { type: 'number', description: 'How long, in hours.' }],
    ['bool', bool(), { type: 'boolean' }],
    ['enumOf', enumOf(['s2', 's3'], 'Section.'), { type: 'string', enum: ['s2', 's3'], description: 'Section.' }],
    ['arrayOf', arrayOf(uuid(), 'Ids.'), { type: 'array', description: 'Ids.', items: { type: 'string', format: 'uuid' } }],
    ['nullable', nullable(uuid('Who.')), { type: 'string', format: 'uuid', description: 'Who.', nullable: true }],
  ])('%s gives the plain JSON schema', (_name, schema, json) => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(json);
    expect(schema).toEqual(json);
  });

  it('obj sorts the properties, requires the required ones only, and refuses a field both required and optional', () => {
    expect(obj({ zed: int(), alpha: uuid() }, { mid: str() })).toEqual({
      type: 'object',
      properties: { alpha: { type: 'string', format: 'uuid' }, mid: { type: 'string' }, zed: { type: 'integer' } },
      required: ['alpha', 'zed'],
    });
    expect(() => obj({ a: str() }, { a: str() })).toThrow('a is both required and optional');
  });

  // Type-level: the lines marked @ts-expect-error must stay errors (npm run typecheck fails otherwise).
  it('carries the TypeScript type of what it accepts', () => {
    const s = obj({ id: uuid(), n: nullable(int()), kind: enumOf(['a', 'b']), ids: arrayOf(uuid()) }, { note: bool() });
    type P = Infer<typeof s>;
    const ok: P[] = [
      { id: 'x', n: null, kind: 'a', ids: [] },
      { id: 'x', n: 1, kind: 'b', ids: ['y'], note: true },
    ];
    // @ts-expect-error null where the schema is not nullable
    const nullId: P = { id: null, n: 1, kind: 'a', ids: [] };
    // @ts-expect-error a code outside the enum
    const badKind: P = { id: 'x', n: 1, kind: 'c', ids: [] };
    // @ts-expect-error a required field missing
    const missing: P = { id: 'x', kind: 'a', ids: [] };
    // @ts-expect-error a field the schema does not have
    const extra: P = { id: 'x', n: 1, kind: 'a', ids: [], name: 'A Person' };
    expect([...ok, nullId, badKind, missing, extra]).toHaveLength(6);
    expect(s.required).toEqual(['id', 'ids', 'kind', 'n']);
  });
});
