import fc from 'fast-check';
import type { RegimeConfig } from './assessment.types';
import { DEFAULT_REGIME_CONFIG, legalRegime } from './legal-regime';
import { addDays } from './time';

const NONE: RegimeConfig = { ...DEFAULT_REGIME_CONFIG };
const ALL = (from: string): RegimeConfig => ({
  nominatedPersonFrom: from,
  newCriteriaFrom: from,
  autismLdGateFrom: from,
  shorterS3PeriodFrom: from,
});

describe('legalRegime (MHA25-*, commenced by configuration): which law applies on a date', () => {
  it('by default nothing of the MHA 2025 civil Part 2 changes has commenced (unconfirmed, so all dates are null data)', () => {
    expect(DEFAULT_REGIME_CONFIG).toEqual({
      nominatedPersonFrom: null,
      newCriteriaFrom: null,
      autismLdGateFrom: null,
      shorterS3PeriodFrom: null,
      s3RenewalMonths2025: null,
    });
    const regime = legalRegime('2026-06-01', DEFAULT_REGIME_CONFIG);
    expect(regime).toMatchObject({
      id: 'mha1983',
      representative: 'nearest-relative',
      objectionBlocks: true,
      criteria: '1983',
      autismLdGate: false,
      s3FirstPeriodMonths: 6,
    });
    expect(regime.basis).toHaveLength(4);
    for (const line of regime.basis) expect(line).toContain('not commenced');
  });

  it('the default config cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_REGIME_CONFIG)).toBe(true);
  });

  it.each([
    [
      'the day before commencement is still under the 1983 Act',
      '2026-12-31',
      { id: 'mha1983', representative: 'nearest-relative', objectionBlocks: true },
      'commences Fri 1 Jan 2027, after Thu 31 Dec 2026',
    ],
    [
      'the commencement date itself is under the 2025 Act',
      '2027-01-01',
      { id: 'mha2025-partial', representative: 'nominated-person', objectionBlocks: false },
      'in force from Fri 1 Jan 2027, on or before Fri 1 Jan 2027',
    ],
    [
      'a later date is under the 2025 Act',
      '2027-06-30',
      { id: 'mha2025-partial', representative: 'nominated-person', objectionBlocks: false },
      'in force from Fri 1 Jan 2027',
    ],
  ])('regime switch (nominated person from 1 Jan 2027): %s', (_name, date, expected, basis) => {
    const regime = legalRegime(date, { ...NONE, nominatedPersonFrom: '2027-01-01' });
    expect(regime).toMatchObject(expected);
    expect(regime.basis[0]).toContain(basis);
  });

  it.each<[keyof RegimeConfig, Partial<ReturnType<typeof legalRegime>>]>([
    [
      'nominatedPersonFrom',
      { representative: 'nominated-person', objectionBlocks: false, criteria: '1983', autismLdGate: false, s3FirstPeriodMonths: 6 },
    ],
    [
      'newCriteriaFrom',
      { representative: 'nearest-relative', objectionBlocks: true, criteria: '2025', autismLdGate: false, s3FirstPeriodMonths: 6 },
    ],
    [
      'autismLdGateFrom',
      { representative: 'nearest-relative', objectionBlocks: true, criteria: '1983', autismLdGate: true, s3FirstPeriodMonths: 6 },
    ],
    [
      'shorterS3PeriodFrom',
      { representative: 'nearest-relative', objectionBlocks: true, criteria: '1983', autismLdGate: false, s3FirstPeriodMonths: 3 },
    ],
  ])('commencing only %s switches only that feature on (a partial 2025 regime)', (key, expected) => {
    const regime = legalRegime('2027-03-01', { ...NONE, [key]: '2027-01-01' });
    expect(regime).toMatchObject({ id: 'mha2025-partial', ...expected });
  });

  it("all four commenced on or before the date: the full 2025 regime, with s.3's first period 3 months", () => {
    expect(legalRegime('2027-01-01', ALL('2027-01-01'))).toMatchObject({
      id: 'mha2025',
      representative: 'nominated-person',
      objectionBlocks: false,
      criteria: '2025',
      autismLdGate: true,
      s3FirstPeriodMonths: 3,
    });
  });

  it('features commencing on different dates give a partial regime between them', () => {
    const config: RegimeConfig = {
      nominatedPersonFrom: '2027-01-01',
      newCriteriaFrom: '2027-01-01',
      autismLdGateFrom: '2028-04-01',
      shorterS3PeriodFrom: '2027-01-01',
    };
    expect(legalRegime('2028-03-31', config).id).toBe('mha2025-partial');
    expect(legalRegime('2028-04-01', config).id).toBe('mha2025');
  });

  it('the basis explains each feature with the date relied on', () => {
    const basis = legalRegime('2027-02-01', { ...NONE, newCriteriaFrom: '2027-01-01', shorterS3PeriodFrom: '2027-03-01' }).basis;
    expect(basis[0]).toMatch(/^MHA25-05\/MHA25-06.*not commenced/);
    expect(basis[1]).toMatch(/^MHA25-02.*in force from Fri 1 Jan 2027, on or before Mon 1 Feb 2027.*2025 detention criteria/);
    expect(basis[3]).toMatch(/^MHA25-09.*commences Mon 1 Mar 2027, after Mon 1 Feb 2027.*6 months/);
  });

  // APP-18 (s.20(2)): after its first period a s.3 is renewable for 6 months, then a year at a time; MHA25-09 ✱: once
  // the shorter first period commences, the renewals are the configured schedule (default 3, then 6, then 12 months).
  it.each<[string, string, RegimeConfig, 6 | 3, number[]]>([
    ['1983: 6 months, renewable for 6 months, then a year at a time', '2026-06-01', NONE, 6, [6, 12]],
    ['the day before the shorter period commences is still 1983', '2026-12-31', { ...NONE, shorterS3PeriodFrom: '2027-01-01' }, 6, [6, 12]],
    [
      'commenced, with no schedule configured: the default (3, then 6, then 12)',
      '2027-01-01',
      { ...NONE, shorterS3PeriodFrom: '2027-01-01' },
      3,
      [3, 6, 12],
    ],
    [
      'commenced, with a schedule configured: that schedule, in its order',
      '2027-01-01',
      { ...NONE, shorterS3PeriodFrom: '2027-01-01', s3RenewalMonths2025: [3, 3, 6, 12] },
      3,
      [3, 3, 6, 12],
    ],
    ['a schedule configured but not commenced changes nothing', '2026-06-01', { ...NONE, s3RenewalMonths2025: [3] }, 6, [6, 12]],
  ])('s.3 periods: %s', (_name, date, config, first, renewals) => {
    const regime = legalRegime(date, config);
    expect(regime.s3FirstPeriodMonths).toBe(first);
    expect(regime.s3RenewalMonths).toEqual(renewals);
  });

  it.each([
    ['a date that is not a calendar date', '2026-02-30', NONE],
    ['an empty renewal schedule', '2026-03-01', { ...NONE, s3RenewalMonths2025: [] }],
    ['a renewal period of 0 months', '2026-03-01', { ...NONE, s3RenewalMonths2025: [3, 0] }],
    ['a renewal period longer than a year', '2026-03-01', { ...NONE, s3RenewalMonths2025: [3, 13] }],
    ['a renewal period that is not a whole month', '2026-03-01', { ...NONE, s3RenewalMonths2025: [1.5] }],
    ['a date in another format', '01/03/2026', NONE],
    ['a commencement date that is not a calendar date', '2026-03-01', { ...NONE, newCriteriaFrom: '2026-13-01' }],
  ])('rejects %s', (_name, date, config) => {
    expect(() => legalRegime(date, config)).toThrow(RangeError);
  });

  it('property: a feature applies exactly when the date is on or after its commencement date', () => {
    const day = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2026-01-01', n));
    fc.assert(
      fc.property(day, fc.option(day, { nil: null }), (date, from) => {
        const regime = legalRegime(date, { ...NONE, autismLdGateFrom: from });
        const applies = from !== null && date >= from;
        expect(regime.autismLdGate).toBe(applies);
        expect(regime.id).toBe(applies ? 'mha2025-partial' : 'mha1983');
      }),
    );
  });
});
