import {
  BROAD_ETHNIC_GROUP_LABELS,
  BROAD_ETHNIC_GROUPS,
  broadEthnicGroup,
  crudeRate,
  directlyStandardisedRate,
  EXACT_POISSON_MAX,
  poissonInterval,
  rateRatio,
  REFERENCE_GROUP,
  type Estimate,
} from './equity-stats';
import { ETHNIC_CATEGORIES } from '../statute/code-lists';

/** Every number in an estimate is finite or null: never NaN or Infinity. */
const finiteOrNull = (e: Estimate) => [e.value, e.lower, e.upper].every((x) => x === null || Number.isFinite(x));

describe('the 95% interval of a count (exact Poisson up to 1,000, Byar above)', () => {
  // The exact limits as published in the standard tables of Poisson confidence limits (Garwood 1936; reproduced in
  // every public health statistics text): O = 0 → 0 to 3.689; 1 → 0.0253 to 5.572; 2 → 0.242 to 7.225;
  // 5 → 1.624 to 11.668; 10 → 4.795 to 18.390; 100 → 81.36 to 121.63.
  it.each([
    [0, 0, 3.689],
    [1, 0.0253, 5.572],
    [2, 0.242, 7.225],
    [5, 1.624, 11.668],
    [10, 4.795, 18.39],
    [100, 81.36, 121.63],
  ])('a count of %i has limits %d to %d (exact)', (observed, lower, upper) => {
    const ci = poissonInterval(observed);
    expect(ci.method).toBe('exact-poisson');
    expect(ci.lower).toBeCloseTo(lower, lower < 1 ? 3 : 2);
    expect(ci.upper).toBeCloseTo(upper, 2);
  });

  it("above 1,000 Byar's approximation takes over, continuing the exact limits", () => {
    // Byar for O = 10,000 by hand: z/(3√O) = 1.96/300 = 0.0065332; 1/(9O) = 0.0000111;
    // lower = 10000·(1 − 0.0000111 − 0.0065332)³ = 10000·0.9934557³ = 10000·0.980495 = 9804.95;
    // upper = 10001·(1 − 0.0000111 + 0.0065329)³ = 10001·1.0065218³ = 10001·1.019693 = 10197.95.
    const big = poissonInterval(10_000);
    expect(big.method).toBe('byar');
    expect(big.lower).toBeCloseTo(9804.95, 1);
    expect(big.upper).toBeCloseTo(10197.95, 1);
    // At the switch the two methods agree to well under one count.
    const exact = poissonInterval(EXACT_POISSON_MAX);
    const byar = poissonInterval(EXACT_POISSON_MAX + 1);
    expect(byar.method).toBe('byar');
    expect(byar.lower - exact.lower).toBeCloseTo(1, 0);
    expect(byar.upper - exact.upper).toBeCloseTo(1, 0);
  });

  it.each([-1, 2.5, Number.NaN, Infinity])('refuses a count of %p', (n) => {
    expect(() => poissonInterval(n)).toThrow(RangeError);
  });
});

describe('crude rate per 100,000', () => {
  it.each<[string, number, number, Partial<Estimate>]>([
    // 10 detentions in 50,000 people: 10/50,000·100,000 = 20.0; limits 4.795 and 18.390 over 50,000 → 9.59 to 36.78.
    ['10 in 50,000', 10, 50_000, { value: 20, lower: 9.59, upper: 36.78 }],
    // The ADASS benchmark scale: 268 in 100,000 is 268.0. Its limits, by Byar's formula by hand (which agrees with
    // the exact ones here to 0.01): 268·(1 − 1/2412 − 1.96/(3·16.3707))³ = 268·0.959676³ = 236.87 and
    // 269·(1 − 1/2421 + 1.96/(3·16.4012))³ = 269·1.039422³ = 302.08.
    ['268 in 100,000', 268, 100_000, { value: 268, lower: 236.87, upper: 302.08 }],
    // None in 3,200: the rate is 0, and the upper limit 3.689/3,200·100,000 = 115.28 says how high it could be.
    ['none in 3,200', 0, 3_200, { value: 0, lower: 0, upper: 115.28 }],
  ])('%s', (_name, count, population, expected) => {
    const r = crudeRate(count, population);
    expect(r.reason).toBeNull();
    expect(r.method).toBe('exact-poisson');
    expect(r.value).toBeCloseTo(expected.value!, 2);
    expect(r.lower).toBeCloseTo(expected.lower!, 1);
    expect(r.upper).toBeCloseTo(expected.upper!, 1);
  });

  it('no population gives no rate, with the reason, whatever the count', () => {
    for (const count of [0, 4]) {
      const r = crudeRate(count, 0);
      expect(r).toEqual({ value: null, lower: null, upper: null, reason: 'no-population', method: 'exact-poisson' });
      expect(finiteOrNull(r)).toBe(true);
    }
  });

  it.each<[number, number]>([
    [-1, 100],
    [1.5, 100],
    [3, -10],
    [3, Number.NaN],
  ])('refuses a count of %p in a population of %p', (count, population) => {
    expect(() => crudeRate(count, population)).toThrow(RangeError);
  });
});

describe('rate ratio to the White group (log method)', () => {
  it.each<[string, [number, number], [number, number], Partial<Estimate>]>([
    // 40 in 20,000 (200 per 100,000) against 100 in 200,000 (50): RR = 4. SE = √(1/40 + 1/100) = √0.035 = 0.187083;
    // ln 4 = 1.386294 ∓ 1.96·0.187083 = 0.366683 → exp(1.019611) = 2.772, exp(1.752977) = 5.772.
    ['4 times the rate', [40, 20_000], [100, 200_000], { value: 4, lower: 2.772, upper: 5.772 }],
    // 12 in 30,000 (40) against 150 in 300,000 (50): RR = 0.8. SE = √(1/12 + 1/150) = √0.09 = 0.3;
    // ln 0.8 = −0.223144 ∓ 0.588 → exp(−0.811144) = 0.4444, exp(0.364856) = 1.4403: no evidence of a difference.
    ['a lower rate, interval spanning 1', [12, 30_000], [150, 300_000], { value: 0.8, lower: 0.4444, upper: 1.4403 }],
    // The same rate: RR = 1. SE = √(1/50 + 1/50) = 0.2; exp(∓0.392) = 0.6757 to 1.4799.
    ['the same rate', [50, 10_000], [50, 10_000], { value: 1, lower: 0.6757, upper: 1.4799 }],
  ])('%s', (_name, [a, na], [b, nb], expected) => {
    const r = rateRatio({ count: a, population: na }, { count: b, population: nb });
    expect(r.reason).toBeNull();
    expect(r.method).toBe('log');
    expect(r.value).toBeCloseTo(expected.value!, 6);
    expect(r.lower).toBeCloseTo(expected.lower!, 3);
    expect(r.upper).toBeCloseTo(expected.upper!, 3);
  });

  it.each<[string, [number, number], [number, number], Estimate]>([
    [
      'none in the group: the ratio is 0, with no interval (ln 0)',
      [0, 5_000],
      [100, 200_000],
      { value: 0, lower: null, upper: null, reason: 'zero-count', method: 'log' },
    ],
    [
      'none in the White group: no ratio',
      [7, 5_000],
      [0, 200_000],
      { value: null, lower: null, upper: null, reason: 'zero-reference-count', method: 'log' },
    ],
    [
      'no population for the group',
      [7, 0],
      [100, 200_000],
      { value: null, lower: null, upper: null, reason: 'no-population', method: 'log' },
    ],
    [
      'no population for the White group',
      [7, 5_000],
      [0, 0],
      { value: null, lower: null, upper: null, reason: 'no-population', method: 'log' },
    ],
  ])('%s', (_name, [a, na], [b, nb], expected) => {
    const r = rateRatio({ count: a, population: na }, { count: b, population: nb });
    expect(r).toEqual(expected);
    expect(finiteOrNull(r)).toBe(true);
  });

  it('the reference group is White', () => {
    expect(REFERENCE_GROUP).toBe('white');
  });
});

describe('directly age-standardised rate (Dobson interval)', () => {
  it('two bands, worked by hand', () => {
    // Band 18-64: 10 in 10,000, standard 60,000; band 65+: 30 in 5,000, standard 40,000. Weights 0.6 and 0.4.
    // DSR = 0.6·0.001 + 0.4·0.006 = 0.003 → 300 per 100,000.
    // Var(DSR) = 0.36·10/10,000² + 0.16·30/5,000² = 3.6e−8 + 1.92e−7 = 2.28e−7; O = 40, exact limits 28.577 to 54.469.
    // √(Var/O) = √5.7e−9 = 7.5498e−5. Lower = 0.003 − 7.5498e−5·11.423 = 0.0021376 → 213.76;
    // upper = 0.003 + 7.5498e−5·14.469 = 0.0040924 → 409.24.
    const r = directlyStandardisedRate([
      { band: '18-64', count: 10, population: 10_000, standard: 60_000 },
      { band: '65+', count: 30, population: 5_000, standard: 40_000 },
    ]);
    expect(r.reason).toBeNull();
    expect(r.method).toBe('dobson');
    expect(r.value).toBeCloseTo(300, 6);
    expect(r.lower).toBeCloseTo(213.76, 1);
    expect(r.upper).toBeCloseTo(409.24, 1);
  });

  it('with one band it is the crude rate, and Dobson gives back the exact interval', () => {
    // DSR = O/n; Var = O/n²; √(Var/O) = 1/n: the limits are O_L/n and O_U/n, as for the crude rate.
    const dsr = directlyStandardisedRate([{ band: 'all', count: 10, population: 50_000, standard: 1 }]);
    const crude = crudeRate(10, 50_000);
    expect(dsr.value).toBeCloseTo(crude.value!, 9);
    expect(dsr.lower).toBeCloseTo(crude.lower!, 9);
    expect(dsr.upper).toBeCloseTo(crude.upper!, 9);
  });

  it('a band with no standard population carries no weight, even without a local population', () => {
    const r = directlyStandardisedRate([
      { band: '18-64', count: 10, population: 10_000, standard: 60_000 },
      { band: '65+', count: 30, population: 5_000, standard: 40_000 },
      { band: 'under 16', count: 0, population: 0, standard: 0 },
    ]);
    expect(r.value).toBeCloseTo(300, 6);
  });

  it.each<[string, Parameters<typeof directlyStandardisedRate>[0], Partial<Estimate> & { bands?: string[] }]>([
    [
      'no events: a rate of 0, with no interval (Dobson divides by the count)',
      [
        { band: '18-64', count: 0, population: 10_000, standard: 60_000 },
        { band: '65+', count: 0, population: 5_000, standard: 40_000 },
      ],
      { value: 0, lower: null, upper: null, reason: 'zero-count' },
    ],
    [
      'a weighted band with no population here: the rate is unknown, naming the band',
      [
        { band: '18-64', count: 10, population: 10_000, standard: 60_000 },
        { band: '65+', count: 0, population: 0, standard: 40_000 },
      ],
      { value: null, lower: null, upper: null, reason: 'band-without-population', bands: ['65+'] },
    ],
    [
      'no population at all',
      [
        { band: '18-64', count: 0, population: 0, standard: 60_000 },
        { band: '65+', count: 0, population: 0, standard: 40_000 },
      ],
      { value: null, lower: null, upper: null, reason: 'no-population' },
    ],
    ['no bands', [], { value: null, lower: null, upper: null, reason: 'no-population' }],
  ])('%s', (_name, bands, expected) => {
    const r = directlyStandardisedRate(bands);
    expect(r).toMatchObject({ ...expected, method: 'dobson' });
    expect(finiteOrNull(r)).toBe(true);
  });

  it('refuses a negative count or population', () => {
    expect(() => directlyStandardisedRate([{ band: '18-64', count: -1, population: 10, standard: 10 }])).toThrow(
      'The count of band 18-64 must be a whole number of 0 or more, not -1',
    );
    expect(() => directlyStandardisedRate([{ band: '65+', count: 1, population: 10, standard: -5 }])).toThrow(RangeError);
  });
});

describe('broad ethnic group from the NHS ethnic category code', () => {
  it.each([
    ['A', 'white'],
    ['B', 'white'],
    ['C', 'white'],
    ['D', 'mixed'],
    ['E', 'mixed'],
    ['F', 'mixed'],
    ['G', 'mixed'],
    ['H', 'asian'],
    ['J', 'asian'],
    ['K', 'asian'],
    ['L', 'asian'],
    ['M', 'black'],
    ['N', 'black'],
    ['P', 'black'],
    ['R', 'other'],
    ['S', 'other'],
    ['Z', 'not-stated'],
    ['99', 'not-known'],
  ])('%s is %s', (code, group) => {
    expect(broadEthnicGroup(code)).toBe(group);
  });

  it('every code of the list has a group', () => {
    expect(ETHNIC_CATEGORIES.map((c) => broadEthnicGroup(c))).not.toContain(null);
    expect(new Set(ETHNIC_CATEGORIES.map((c) => broadEthnicGroup(c)))).toEqual(new Set(BROAD_ETHNIC_GROUPS));
  });

  it('nothing recorded is not known; a code not in the list has no group', () => {
    expect(broadEthnicGroup(null)).toBe('not-known');
    expect(broadEthnicGroup(undefined)).toBe('not-known');
    expect(broadEthnicGroup('')).toBe('not-known');
    for (const code of ['I', 'O', 'Q', 'a', '9', 'toString']) expect(broadEthnicGroup(code)).toBeNull();
  });

  it('each group has a label', () => {
    expect(BROAD_ETHNIC_GROUPS.map((g) => BROAD_ETHNIC_GROUP_LABELS[g])).toEqual([
      'White',
      'Mixed',
      'Asian or Asian British',
      'Black or Black British',
      'Other ethnic groups',
      'Not stated',
      'Not known',
    ]);
  });
});
