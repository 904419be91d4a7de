import { nhsNumber, prng } from './demo-history';

describe('the demo history is the same on every fresh start', () => {
  it('the PRNG gives the same sequence for the same seed, and another for another seed', () => {
    const a = prng(42);
    const b = prng(42);
    const c = prng(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it.each([
    // Worked: 9434765919 is a valid NHS number (the demo's own), 4010232137 from 401023213 (check digit 7).
    ['943476591', '9434765919'],
    ['401023213', '4010232137'],
    // 11 - (sum mod 11) = 11 gives check digit 0; = 10 means the nine digits have no valid number.
    ['000000000', '0000000000'],
  ])('the modulus 11 check digit of %s gives %s', (nine, expected) => {
    expect(nhsNumber(nine)).toBe(expected);
  });

  it('has no NHS number when the check digit would be 10', () => {
    // 100000001: 1*10 + 1*2 = 12; 12 mod 11 = 1; 11 - 1 = 10.
    expect(nhsNumber('100000001')).toBeNull();
  });
});
