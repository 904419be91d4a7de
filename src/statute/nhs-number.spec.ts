import fc from 'fast-check';
import { isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber } from './nhs-number';

describe('NHS number (modulus 11, weights 10..2)', () => {
  it.each([
    ['9434765919', 'the commonly published test number (sum 299, remainder 2, check 9)'],
    ['4010232137', 'another published example'],
    ['9434765870', 'a number whose check digit is 0 (11 − 0 = 11 → 0)'],
    ['1000000060', 'a remainder of 0 gives check digit 0'],
  ])('%s is valid: %s', (input) => {
    expect(isValidNhsNumber(input)).toBe(true);
  });

  it.each([
    ['9434765918', 'wrong check digit'],
    ['9434765910', 'wrong check digit (0)'],
    ['1000000010', 'first nine digits give 11 − remainder = 10: no check digit can be valid'],
    ['943476591', 'nine digits'],
    ['94347659190', 'eleven digits'],
    ['943 476 5919', 'spaces (normalise first)'],
    [' 9434765919', 'a leading space'],
    ['94347b5919', 'a letter'],
    ['', 'empty'],
  ])('%s is invalid: %s', (input) => {
    expect(isValidNhsNumber(input)).toBe(false);
  });

  it('computes the check digit, and none when the remainder gives 10', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(nhsCheckDigit('100000001')).toBeNull();
    expect(() => nhsCheckDigit('12345')).toThrow(RangeError);
  });

  it.each([
    [' 943 476 5919 ', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['9434765919', '9434765919'],
    ['9434 765919', null],
    ['943.476.5919', null],
  ])('normalises the written form %j to %j', (input, expected) => {
    expect(normaliseNhsNumber(input)).toBe(expected);
  });

  it('a normalised written form of a valid number is valid', () => {
    expect(isValidNhsNumber(normaliseNhsNumber('943 476 5919')!)).toBe(true);
  });

  it('property: nine digits plus their check digit are valid, and every other last digit is not', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (nine) => {
        const check = nhsCheckDigit(nine);
        const valid = [...'0123456789'].filter((d) => isValidNhsNumber(nine + d));
        return check === null ? valid.length === 0 : valid.length === 1 && valid[0] === String(check);
      }),
    );
  });
});
