import { parsePeriod } from './period';
import { figureValue } from './report.model';
import type { ReferralRow } from './rows';
import { timelinessFigures } from './timeliness';

const ZONE = 'Europe/London';

/** A referral received at 09:00 on day `day` of November, screened `screening` minutes later (or never). */
function referral(day: number, screening: number | null, source = 'gp'): ReferralRow {
  const received = new Date(Date.UTC(2026, 10, day, 9, 0));
  return {
    referralId: `r${day}`,
    personId: `p${day}`,
    source,
    legalContext: 'informal',
    team: null,
    receivedAt: received,
    screenedAt: screening === null ? null : new Date(received.getTime() + screening * 60000),
    screeningResult: screening === null ? null : 'accepted',
    allocatedAt: null,
    assessmentId: null,
    doctorsRequestedAt: null,
    doctorsArrivedAt: null,
    interviewAt: null,
    decisionAt: null,
    applicationAt: null,
    admittedAt: null,
    withdrawnAt: null,
    linkedAtIntake: false,
  };
}

describe('timeliness: median and 90th percentile of a step, worked on twelve referrals', () => {
  // Referral → screening, minutes: sorted 5 8 12 15 20 25 30 40 45 60 90 240.
  // Median: rank 5.5 → (25 + 30) / 2 = 27.5 → 28 shown (whole minutes). p90: rank 9.9 → 60 + 0.9 × 30 = 87.
  const twelve = [30, 5, 240, 12, 45, 8, 60, 20, 90, 15, 25, 40].map((m, i) => referral(i + 2, m, i < 6 ? 'gp' : 'cmht'));
  const rows = [
    ...twelve,
    referral(20, null), // never screened: left out of the step, still in the cohort
    { ...referral(25, 10), receivedAt: new Date('2026-10-31T09:00:00Z'), screenedAt: new Date('2026-10-31T09:10:00Z') }, // October
  ];
  const sel = { period: parsePeriod({ period: '2026-11' }, ZONE, '2999-12-31'), filters: {}, zone: ZONE, bankHolidays: new Set<string>() };
  const figures = timelinessFigures(sel, rows);
  const shown = (key: string, suppress = false) => {
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return figureValue(f, suppress);
  };

  it.each([
    ['all.referral-to-screening.count', 12],
    ['all.referral-to-screening.median', 28],
    ['all.referral-to-screening.p90', 87],
    // gp: 30 5 240 12 45 8 → sorted 5 8 12 30 45 240: median 21, p90 rank 4.5 → 45 + 0.5 × 195 = 142.5 → 143.
    ['source-gp.referral-to-screening.median', 21],
    ['source-gp.referral-to-screening.p90', 143],
    // cmht: 60 20 90 15 25 40 → sorted 15 20 25 40 60 90: median 32.5 → 33, p90 75.
    ['source-cmht.referral-to-screening.median', 33],
    ['source-cmht.referral-to-screening.p90', 75],
    ['all.screening-to-allocation.count', 0],
    ['all.screening-to-allocation.median', null],
  ])('%s is %s', (key, expected) => {
    expect(shown(key)).toBe(expected);
  });

  it('names each source and legal context in words, as the referral and its outcome report do (not "Gp", "Ae liaison")', () => {
    const labelled = timelinessFigures(sel, [referral(3, 5, 'gp'), referral(4, 5, 'ae-liaison'), referral(5, 5, 'cmht')]);
    expect([
      ...new Set(labelled.filter((f) => f.section.startsWith('source-') || f.section.startsWith('legal-')).map((f) => f.sectionLabel)),
    ]).toEqual([
      'Source: A&E liaison team',
      'Source: Community mental health team',
      'Source: GP',
      'Legal context: Informal: no holding power or police power in force',
    ]);
  });

  it('suppressed, a step timed for 1 to 4 referrals shows [c], and a count is rounded to 5', () => {
    const few = timelinessFigures(sel, twelve.slice(0, 3));
    const median = few.find((f) => f.section === 'all' && f.group === 'referral-to-screening' && f.measure === 'median')!;
    expect(figureValue(median, true)).toBe('[c]');
    expect(shown('all.referral-to-screening.count', true)).toBe(10);
    expect(shown('all.referral-to-screening.median', true)).toBe(28);
  });

  it('sorts the whole time from referral to decision into bands', () => {
    const decided = [30, 59, 60, 300, 1439, 5000].map((m, i) => ({
      ...referral(i + 2, 5),
      decisionAt: new Date(Date.UTC(2026, 10, i + 2, 9, m)),
    }));
    const bands = timelinessFigures(sel, decided).filter((f) => f.section === 'distribution');
    expect(Object.fromEntries(bands.map((f) => [f.group, figureValue(f, false)]))).toEqual({
      'under-1h': 2,
      '1h-4h': 1,
      '4h-12h': 1,
      '12h-24h': 1,
      '24h-72h': 0,
      '72h-plus': 1,
    });
  });

  it('the records behind a step are the referrals timed', () => {
    const f = figures.find((x) => x.section === 'all' && x.group === 'referral-to-screening' && x.measure === 'p90')!;
    expect(f.members.map((m) => m.referralId).sort()).toEqual(twelve.map((r) => r.referralId).sort());
  });
});

describe('timeliness: a referral withdrawn as the duplicate of another open referral (DUTY-02) is timed once, on the first', () => {
  const sel = { period: parsePeriod({ period: '2026-11' }, ZONE, '2999-12-31'), filters: {}, zone: ZONE, bankHolidays: new Set<string>() };
  const withdrawnAt = new Date('2026-11-05T10:00:00Z');
  it.each<[string, Partial<ReferralRow>, number]>([
    ['a referral of its own', {}, 2],
    ['the duplicate, linked at intake and withdrawn after it was screened', { withdrawnAt, linkedAtIntake: true }, 1],
    ['withdrawn, never linked', { withdrawnAt }, 2],
  ])('%s: %s referrals timed', (_what, second, expected) => {
    const figures = timelinessFigures(sel, [referral(5, 10), { ...referral(6, 30), ...second }]);
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === 'all.referral-to-screening.count')!;
    expect(figureValue(f, false)).toBe(expected);
  });
});
