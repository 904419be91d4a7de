/**
 * Equity statistics for the reports (equity of access and non-discriminatory practice): crude rates per 100,000
 * with 95% confidence intervals, the rate ratio to the White group, directly age-standardised rates, and the broad
 * ethnic group of an NHS ethnic category code. Pure: no Nest, no I/O.
 *
 * Methods, as the national Mental Health Act statistics and public health practice use them:
 * - a count's 95% interval is the exact Poisson interval (Garwood), i.e. the chi-square one: lower = χ²(0.025; 2O)/2,
 *   upper = χ²(0.975; 2O+2)/2, found here from the Poisson distribution itself (the two are the same), for counts
 *   up to 1,000; above that Byar's approximation, whose error there is far below the rounding of any report;
 * - a rate ratio's interval is the log method: exp(ln(RR) ± 1.96·√(1/a + 1/b));
 * - a directly standardised rate's interval is Dobson's method, from the exact interval of the total count.
 *
 * Nothing here returns NaN or Infinity: what cannot be computed (no population, a zero count where a logarithm is
 * needed) is null, with the reason. Counts must be whole numbers of 0 or more and populations 0 or more; anything
 * else is a RangeError (bad input is a bug upstream, never a statistic).
 */
import { ETHNIC_CATEGORY_LABELS, type EthnicCategory } from '../statute/code-lists';

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;
/** Rates are per this many people. */
export const PER = 100_000;
/** Counts above this use Byar's approximation instead of the exact Poisson interval. */
export const EXACT_POISSON_MAX = 1000;

export type NoValueReason =
  /** The population (or every band's) is zero or missing: a rate has no meaning. */
  | 'no-population'
  /** A count of zero: the rate is 0, but the log method gives no interval for a ratio. */
  | 'zero-count'
  /** The reference group's count is zero: there is nothing to divide by. */
  | 'zero-reference-count'
  /** A band with people in the standard population has no population here: its rate is unknown. */
  | 'band-without-population';

export type IntervalMethod = 'exact-poisson' | 'byar' | 'log' | 'dobson';

export interface Estimate {
  /** The rate (per 100,000) or ratio; null when it cannot be computed. */
  value: number | null;
  /** The 95% confidence interval; null when it cannot be computed. */
  lower: number | null;
  upper: number | null;
  /** Why value or the interval is null; null when all three are given. */
  reason: NoValueReason | null;
  /** How the interval was computed. */
  method: IntervalMethod;
}

function requireCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number of 0 or more, not ${n}`);
}

function requirePopulation(name: string, n: number): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a number of 0 or more, not ${n}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The interval of a Poisson count

/** ln P(X ≤ k) for X ~ Poisson(mean), summed in log space (no underflow for large means). */
function logPoissonCdf(k: number, mean: number): number {
  if (k < 0) return -Infinity;
  if (mean === 0) return 0;
  const logMean = Math.log(mean);
  let logFactorial = 0;
  let max = -Infinity;
  const terms: number[] = [];
  for (let i = 0; i <= k; i++) {
    if (i > 0) logFactorial += Math.log(i);
    const t = -mean + i * logMean - logFactorial;
    terms.push(t);
    if (t > max) max = t;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}

/** The mean at which `f` (decreasing in the mean) crosses `target`, by bisection. */
function solveMean(f: (mean: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The 95% interval of an observed count O, as counts: exact Poisson (O ≤ 1,000), else Byar's approximation.
 * Exact: the lower limit L has P(X ≥ O | L) = 2.5% and the upper U has P(X ≤ O | U) = 2.5%; L = 0 when O = 0.
 * Byar: L = O·(1 − 1/(9O) − z/(3√O))³, U = (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³.
 */
export function poissonInterval(observed: number): { lower: number; upper: number; method: 'exact-poisson' | 'byar' } {
  requireCount('The count', observed);
  const o = observed;
  if (o > EXACT_POISSON_MAX) {
    const lower = o * (1 - 1 / (9 * o) - Z_95 / (3 * Math.sqrt(o))) ** 3;
    const upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z_95 / (3 * Math.sqrt(o + 1))) ** 3;
    return { lower, upper, method: 'byar' };
  }
  const tail = Math.log(0.025);
  const hi = o + 10 * Math.sqrt(o + 1) + 10;
  // P(X ≥ O | mean) = 1 − P(X ≤ O−1) rises with the mean: solve on its complement, which falls.
  const lower = o === 0 ? 0 : solveMean((m) => logPoissonCdf(o - 1, m), Math.log(0.975), 0, hi);
  const upper = solveMean((m) => logPoissonCdf(o, m), tail, 0, hi);
  return { lower, upper, method: 'exact-poisson' };
}

// ---------------------------------------------------------------------------------------------------------------
// Rates

/** A crude rate per 100,000 with its 95% interval (the count's interval over the population). */
export function crudeRate(count: number, population: number): Estimate {
  requireCount('The count', count);
  requirePopulation('The population', population);
  const { lower, upper, method } = poissonInterval(count);
  if (population === 0) return { value: null, lower: null, upper: null, reason: 'no-population', method };
  return { value: (count / population) * PER, lower: (lower / population) * PER, upper: (upper / population) * PER, reason: null, method };
}

export interface GroupCount {
  count: number;
  population: number;
}

/**
 * The rate ratio of a group to the reference group (White) with its 95% interval by the log method:
 * RR = (a/Na)/(b/Nb), exp(ln(RR) ± z·√(1/a + 1/b)). A group count of zero gives RR 0 with no interval; a
 * reference count of zero, or no population on either side, gives no ratio.
 */
export function rateRatio(group: GroupCount, reference: GroupCount): Estimate {
  requireCount("The group's count", group.count);
  requireCount("The reference group's count", reference.count);
  requirePopulation("The group's population", group.population);
  requirePopulation("The reference group's population", reference.population);
  const none = (reason: NoValueReason): Estimate => ({ value: null, lower: null, upper: null, reason, method: 'log' });
  if (group.population === 0 || reference.population === 0) return none('no-population');
  if (reference.count === 0) return none('zero-reference-count');
  const ratio = group.count / group.population / (reference.count / reference.population);
  if (group.count === 0) return { value: 0, lower: null, upper: null, reason: 'zero-count', method: 'log' };
  const se = Math.sqrt(1 / group.count + 1 / reference.count);
  const ln = Math.log(ratio);
  return { value: ratio, lower: Math.exp(ln - Z_95 * se), upper: Math.exp(ln + Z_95 * se), reason: null, method: 'log' };
}

export interface AgeBand {
  /** The band's name, e.g. "18-34", for messages. */
  band: string;
  count: number;
  population: number;
  /** The standard population of the band (e.g. the 2013 European Standard Population, or England's). */
  standard: number;
}

export interface StandardisedRate extends Estimate {
  /** The bands that made the rate null (band-without-population). */
  bands?: string[];
}

/**
 * The directly age-standardised rate per 100,000: Σ wᵢ·Oᵢ/nᵢ with wᵢ = Wᵢ/ΣW, and its 95% interval by Dobson's
 * method: DSR + √(Var(DSR)/O)·(O_L − O) and DSR + √(Var(DSR)/O)·(O_U − O), Var(DSR) = Σ wᵢ²·Oᵢ/nᵢ², O = ΣOᵢ with
 * exact limits O_L, O_U. A band with a standard population but no population here makes the rate unknown (null);
 * a total count of zero gives a rate of 0 with no interval (Dobson's method divides by O).
 */
export function directlyStandardisedRate(bands: AgeBand[]): StandardisedRate {
  for (const b of bands) {
    requireCount(`The count of band ${b.band}`, b.count);
    requirePopulation(`The population of band ${b.band}`, b.population);
    requirePopulation(`The standard population of band ${b.band}`, b.standard);
  }
  const none = (reason: NoValueReason, more: Partial<StandardisedRate> = {}): StandardisedRate => ({
    value: null,
    lower: null,
    upper: null,
    reason,
    method: 'dobson',
    ...more,
  });
  const totalStandard = bands.reduce((s, b) => s + b.standard, 0);
  const used = bands.filter((b) => b.standard > 0);
  if (totalStandard === 0 || used.every((b) => b.population === 0)) return none('no-population');
  const unknown = used.filter((b) => b.population === 0);
  if (unknown.length) return none('band-without-population', { bands: unknown.map((b) => b.band) });
  let dsr = 0;
  let variance = 0;
  let observed = 0;
  for (const b of used) {
    const w = b.standard / totalStandard;
    dsr += (w * b.count) / b.population;
    variance += (w * w * b.count) / (b.population * b.population);
    observed += b.count;
  }
  if (observed === 0) return { value: 0, lower: null, upper: null, reason: 'zero-count', method: 'dobson' };
  const { lower, upper } = poissonInterval(observed);
  const scale = Math.sqrt(variance / observed);
  return {
    value: dsr * PER,
    lower: (dsr + scale * (lower - observed)) * PER,
    upper: (dsr + scale * (upper - observed)) * PER,
    reason: null,
    method: 'dobson',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Broad ethnic groups

export const BROAD_ETHNIC_GROUPS = ['white', 'mixed', 'asian', 'black', 'other', 'not-stated', 'not-known'] as const;
export type BroadEthnicGroup = (typeof BROAD_ETHNIC_GROUPS)[number];

export const BROAD_ETHNIC_GROUP_LABELS: Record<BroadEthnicGroup, string> = {
  white: 'White',
  mixed: 'Mixed',
  asian: 'Asian or Asian British',
  black: 'Black or Black British',
  other: 'Other ethnic groups',
  'not-stated': 'Not stated',
  'not-known': 'Not known',
};

/** The rate ratio's reference group, as the national statistics use it. */
export const REFERENCE_GROUP: BroadEthnicGroup = 'white';

/** Every NHS ethnic category code to its broad group: A-C White, D-G Mixed, H-L Asian, M-P Black, R-S Other. */
const BROAD_OF: Record<EthnicCategory, BroadEthnicGroup> = {
  A: 'white',
  B: 'white',
  C: 'white',
  D: 'mixed',
  E: 'mixed',
  F: 'mixed',
  G: 'mixed',
  H: 'asian',
  J: 'asian',
  K: 'asian',
  L: 'asian',
  M: 'black',
  N: 'black',
  P: 'black',
  R: 'other',
  S: 'other',
  Z: 'not-stated',
  '99': 'not-known',
};

/** The broad group of an NHS ethnic category code; 'not-known' for none recorded; null for a code not in the list. */
export function broadEthnicGroup(code: string | null | undefined): BroadEthnicGroup | null {
  if (code === null || code === undefined || code === '') return 'not-known';
  return Object.hasOwn(ETHNIC_CATEGORY_LABELS, code) ? BROAD_OF[code as EthnicCategory] : null;
}
