/**
 * NHS number validation (the NHS number standard): ten digits, the last a modulus 11 check digit over the first
 * nine with weights 10 down to 2. A remainder giving 11 makes the check digit 0; one giving 10 means the number
 * cannot be valid. Pure.
 */

const TEN_DIGITS = /^\d{10}$/;

/** The digits of an NHS number as written (spaces or hyphens in the usual 3-3-4 grouping allowed), or null. */
export function normaliseNhsNumber(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\d{3}[ -]?\d{3}[ -]?\d{4}$/.test(trimmed)) return null;
  return trimmed.replace(/[ -]/g, '');
}

/** The check digit for the first nine digits, or null when no check digit is possible (11 − remainder = 10). */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError(`expected nine digits, not "${firstNine}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/**
 * Exactly ten digits, the last the modulus 11 check digit of the first nine. Strict, so that what passes is what is
 * stored: pass written forms ("943 476 5919") through normaliseNhsNumber first.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!TEN_DIGITS.test(value)) return false;
  const check = nhsCheckDigit(value.slice(0, 9));
  return check !== null && check === Number(value[9]);
}
