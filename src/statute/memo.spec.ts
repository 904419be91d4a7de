import { memoised } from './memo';

describe('memoised: a pure function asked again gives its kept answer', () => {
  const counted = () => {
    const calls: string[] = [];
    const f = memoised(
      (a: string, b: string) => {
        calls.push(`${a}/${b}`);
        if (a === 'bad') throw new RangeError(`not a date: ${a}`);
        return `${a}+${b}`;
      },
      (a, b) => `${a.length}:${a}${b}`,
      3,
    );
    return { f, calls };
  };

  it('works a repeated question out once', () => {
    const { f, calls } = counted();
    expect([f('x', 'y'), f('x', 'y'), f('x', 'y')]).toEqual(['x+y', 'x+y', 'x+y']);
    expect(calls).toEqual(['x/y']);
  });

  it.each([
    ['a|b', 'c', 'a', 'b|c'],
    ['ab', 'c', 'a', 'bc'],
  ])('tells (%s, %s) from (%s, %s): the first string is keyed with its length', (a1, b1, a2, b2) => {
    const { f } = counted();
    expect(f(a1, b1)).toBe(`${a1}+${b1}`);
    expect(f(a2, b2)).toBe(`${a2}+${b2}`);
  });

  it('keeps no answer for a call that threw: the error comes again', () => {
    const { f, calls } = counted();
    expect(() => f('bad', 'y')).toThrow(RangeError);
    expect(() => f('bad', 'y')).toThrow(RangeError);
    expect(calls).toEqual(['bad/y', 'bad/y']);
  });

  it('keeps at most its limit, then starts again: answers stay right after that', () => {
    const { f, calls } = counted();
    for (const a of ['1', '2', '3', '4', '1']) expect(f(a, 'z')).toBe(`${a}+z`);
    // The fourth answer found the store full (three) and emptied it, so '1' was worked out again.
    expect(calls).toEqual(['1/z', '2/z', '3/z', '4/z', '1/z']);
  });

  it('keeps a null answer as an answer', () => {
    let n = 0;
    const g = memoised(
      (a: string) => (n++, a === 'none' ? null : a),
      (a) => a,
    );
    expect([g('none'), g('none')]).toEqual([null, null]);
    expect(n).toBe(1);
  });
});
