import { percentile, sampleStatistic, share, suppressCount } from './figures';

describe('percentile: linear interpolation between closest ranks (PERCENTILE.INC)', () => {
  // Twelve referrals' screening times in minutes, as recorded (unsorted). Sorted: 5 8 12 15 20 25 30 40 45 60 90 240.
  const twelve = [30, 5, 240, 12, 45, 8, 60, 20, 90, 15, 25, 40];
  it.each([
    // p, rank h = 11 × p / 100, value
    [0, 5, 'the smallest'],
    [50, 27.5, 'h = 5.5: halfway between the 6th (25) and 7th (30)'],
    [90, 87, 'h = 9.9: 60 + 0.9 × (90 - 60)'],
    [25, 14.25, 'h = 2.75: 12 + 0.75 × (15 - 12)'],
    [100, 240, 'the largest'],
  ])('the %ith percentile of the twelve is %d (%s)', (p, expected) => {
    expect(percentile(twelve, p)).toBeCloseTo(expected, 10);
  });

  it.each([
    [[7], 50, 7],
    [[7], 90, 7],
    [[10, 20], 50, 15],
    [[10, 20, 30], 50, 20],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1],
  ])('%j: percentile %i is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('has no value for an empty sample and refuses a percentile outside 0-100', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('small-number suppression', () => {
  it.each([
    [0, 0],
    [1, '[c]'],
    [4, '[c]'],
    [5, 5],
    [7, 5],
    [8, 10],
    [12, 10],
    [13, 15],
    [22, 20],
    [23, 25],
    [102, 100],
    [103, 105],
  ])('a count of %i shows as %s', (n, shown) => {
    expect(suppressCount(n)).toBe(shown);
  });

  it.each([
    [3, 10, false, 0.3],
    [2, 3, false, 0.667],
    [0, 0, false, undefined],
    [3, 10, true, '[c]'],
    [7, 20, true, 0.25],
    [0, 12, true, 0],
    [6, 6, true, 1],
  ])('a share of %i in %i (suppressed: %s) is %s', (num, den, suppress, expected) => {
    expect(share(num, den, suppress)).toBe(expected);
  });

  it('hides a statistic of one to four step times when suppressed, and rounds it to a whole minute', () => {
    expect(sampleStatistic([10, 20, 30, 40], 50, true)).toBe('[c]');
    expect(sampleStatistic([10, 20, 30, 40], 50, false)).toBe(25);
    expect(sampleStatistic([10, 20, 30, 40, 51], 90, true)).toBe(47);
    expect(sampleStatistic([], 50, true)).toBeUndefined();
  });
});
