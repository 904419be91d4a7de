/**
 * The arithmetic every report shares, each defined once. Pure: numbers in, numbers out.
 */

/**
 * The p-th percentile (0-100) of a sample, by linear interpolation between closest ranks (the "inclusive" method:
 * Excel PERCENTILE.INC, R type 7). Sorted ascending, the value at rank h = (n - 1) × p / 100 (counting from 0); a
 * fractional rank lies between its two neighbours in proportion. So the median of an even sample is the mean of its
 * two middle values. Undefined for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile: ${p} is not between 0 and 100`);
  // Numbers in a typed array sort ascending by value natively (no comparison callback: a sample of ten years is fast).
  const sorted = Float64Array.from(values).sort();
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** What a suppressed count shows instead of 1 to 4. */
export const SUPPRESSED = '[c]';

/**
 * Small-number suppression for a copy that leaves the council (the published statistics' rule): 0 stays 0, 1 to 4
 * show as `[c]`, and every other count is rounded to the nearest 5 (halves do not arise: counts are whole).
 */
export function suppressCount(n: number): number | typeof SUPPRESSED {
  if (n === 0) return 0;
  if (n > 0 && n < 5) return SUPPRESSED;
  return Math.round(n / 5) * 5;
}

/**
 * A share (0-1, to 3 decimals) of two counts, undefined when the denominator is 0. Suppressed: `[c]` when either
 * count would show as `[c]`, otherwise the share of the rounded counts (so it can be checked against the table).
 */
export function share(numerator: number, denominator: number, suppress: boolean): number | typeof SUPPRESSED | undefined {
  if (denominator === 0) return undefined;
  if (!suppress) return Math.round((numerator / denominator) * 1000) / 1000;
  const [n, d] = [suppressCount(numerator), suppressCount(denominator)];
  if (n === SUPPRESSED || d === SUPPRESSED) return SUPPRESSED;
  return d === 0 ? undefined : Math.round((n / d) * 1000) / 1000;
}

/** A statistic of a sample of step times: suppressed (`[c]`) when the sample has 1 to 4 members, as a count would be. */
export function sampleStatistic(sample: readonly number[], p: number, suppress: boolean): number | typeof SUPPRESSED | undefined {
  if (suppress && sample.length > 0 && sample.length < 5) return SUPPRESSED;
  const v = percentile(sample, p);
  return v === undefined ? undefined : Math.round(v);
}
