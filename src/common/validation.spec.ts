import 'reflect-metadata';
import { IsInt, IsString, IsUUID, Min, ValidateNested, getMetadataStorage, validate } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { ParseIdPipe, memoiseValidationMetadata, validationPipe } from './validation';

class Inner {
  @IsInt()
  @Min(1)
  count!: number;
}

class Outer {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

const errorsOf = async (cls: new () => object, plain: object) =>
  (await validate(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true })).map((e) => [
    e.property,
    Object.keys(e.constraints ?? {}),
    (e.children ?? []).map((c) => [c.property, Object.keys(c.constraints ?? {})]),
  ]);

describe('validation rules, looked up once per class', () => {
  beforeAll(() => {
    validationPipe(); // memoises, as the app does at start-up
    memoiseValidationMetadata(); // a second call changes nothing
  });

  it.each([
    ['a valid body', { name: 'Robin', inner: { count: 2 } }, []],
    ['a wrong type at the top', { name: 3, inner: { count: 2 } }, [['name', ['isString'], []]]],
    ['a rule broken in a nested object', { name: 'Robin', inner: { count: 0 } }, [['inner', [], [['count', ['min']]]]]],
    ['an unknown field', { name: 'Robin', inner: { count: 1 }, extra: true }, [['extra', ['whitelistValidation'], []]]],
  ])('%s gets the same findings every time', async (_what, plain, expected) => {
    for (let i = 0; i < 3; i++) await expect(errorsOf(Outer, plain)).resolves.toEqual(expected);
  });

  it('a rule declared after a first validation applies (the kept lookups are forgotten)', async () => {
    class Later {
      @IsString()
      code!: string;
    }
    await expect(errorsOf(Later, { code: 5 })).resolves.toEqual([['code', ['isString'], []]]);
    // A class validated before its rules were all declared: a rule added now is seen at once.
    IsInt()(Later.prototype, 'code');
    await expect(errorsOf(Later, { code: 5 })).resolves.toEqual([['code', ['isString'], []]]);
    await expect(errorsOf(Later, { code: 'x' })).resolves.toEqual([['code', ['isInt'], []]]);
  });

  it('the storage answers with the same lists as before it was memoised', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Outer, '', false, false);
    expect(storage.getTargetValidationMetadatas(Outer, '', false, false)).toBe(first);
    expect(first.map((m) => m.propertyName).sort()).toEqual(['inner', 'name']);
  });
});

class Named {
  @IsUUID()
  id!: string;

  @IsUUID('all', { each: true })
  others!: string[];

  @IsString()
  note!: string;
}

class Holder {
  @IsUUID()
  ownerId!: string;

  @ValidateNested({ each: true })
  @Type(() => Named)
  named!: Named[];
}

describe('ids in capitals reach the handler in lower case (canonicalIds)', () => {
  const A = '6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B';
  const B = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';

  it('lower-cases every field validated as a uuid, in nested DTOs and lists, and nothing else', async () => {
    const dto = (await validationPipe().transform(
      { ownerId: A, named: [{ id: B, others: [A, B], note: `Said ${A} on the phone` }] },
      { type: 'body', metatype: Holder, data: undefined },
    )) as Holder;
    expect(dto.ownerId).toBe(A.toLowerCase());
    expect(dto.named[0].id).toBe(B.toLowerCase());
    expect(dto.named[0].others).toEqual([A.toLowerCase(), B.toLowerCase()]);
    // Free text that happens to hold an id is the caller's own words.
    expect(dto.named[0].note).toBe(`Said ${A} on the phone`);
  });

  it('a path parameter that is a uuid comes in lower case; one that is not is refused', async () => {
    const pipe = new ParseIdPipe();
    expect(await pipe.transform(A, { type: 'param', data: 'id' })).toBe(A.toLowerCase());
    await expect(pipe.transform('not-an-id', { type: 'param', data: 'id' })).rejects.toMatchObject({
      status: 400,
      extensions: { errors: [{ field: 'id', messages: ['id must be a UUID'] }] },
    });
  });
});
