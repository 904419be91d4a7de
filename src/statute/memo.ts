/**
 * Keeps a pure function's answers by a key made from its arguments. The rules' local-time arithmetic goes through
 * luxon, whose every conversion asks Intl for the zone's offset: that was most of the CPU of a rota assignment's
 * working-time check and of an eligibility check. The same few shift times and dates are asked about again and again,
 * so their answers are kept: at most `max` of them, after which the store starts again (a bounded memory, whatever the
 * inputs: ~10,000 short strings, a megabyte or two at most, for each function kept this way). Only for functions whose answer depends on their arguments alone, and is a value (a string or a number:
 * never a mutable object that a caller could change under the next caller). The key must tell any two argument lists
 * apart: a number has no separator in it, and a string before another field goes with its length.
 */
export function memoised<A extends unknown[], R extends string | number | boolean | null>(
  fn: (...args: A) => R,
  key: (...args: A) => string,
  max = 10_000,
): (...args: A) => R {
  const kept = new Map<string, R>();
  return (...args: A): R => {
    const k = key(...args);
    const hit = kept.get(k);
    if (hit !== undefined || kept.has(k)) return hit as R;
    const value = fn(...args);
    if (kept.size >= max) kept.clear();
    kept.set(k, value);
    return value;
  };
}
