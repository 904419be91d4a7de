import { equityFigures, type EquityAssessmentRow, type EquityReferralRow } from './equity';
import { outOfAreaFigures } from './out-of-area';
import { parsePeriod } from './period';
import { rateChart } from './report.html';
import type { PopulationRow } from './populations';
import { figureKey, figureValue, type RawFigure } from './report.model';
import { repeatAssessmentFigures } from './repeat-assessments';
import type { AssessmentRow, ReferralRow, Selection, Withdrawal } from './rows';

const ZONE = 'Europe/London';
const sel = (period: string, filters: Selection['filters'] = {}): Selection => ({
  period: parsePeriod({ period }, ZONE, '2999-12-31'),
  filters,
  zone: ZONE,
  bankHolidays: new Set(),
});
const shown = (figures: RawFigure[], suppress = false) => Object.fromEntries(figures.map((f) => [figureKey(f), figureValue(f, suppress)]));

const equityRow = (id: string, over: Partial<EquityAssessmentRow>): EquityAssessmentRow => ({
  assessmentId: id,
  referralId: `r-${id}`,
  personId: `p-${id}`,
  source: 'gp',
  legalContext: 'informal',
  team: null,
  openedAt: new Date('2026-11-10T10:00:00Z'),
  decidedAt: null,
  outcomeKind: null,
  section: null,
  ethnicCategory: 'A',
  sex: 'female',
  ageYears: 30,
  ...over,
  // The age on the day decided: the age opened unless a row says otherwise.
  ageYearsDecided: over.ageYearsDecided !== undefined ? over.ageYearsDecided : 'ageYears' in over ? over.ageYears! : 30,
});
const referralRow = (id: string, over: Partial<EquityReferralRow>): EquityReferralRow => ({
  referralId: id,
  personId: `p-${id}`,
  source: 'gp',
  legalContext: 'informal',
  team: null,
  receivedAt: new Date('2026-11-10T10:00:00Z'),
  status: 'received',
  otherAuthority: null,
  transferredTo: null,
  assessed: false,
  ethnicCategory: 'A',
  sex: 'female',
  ageYears: 30,
  withdrawnAt: null,
  linkedAtIntake: false,
  ...over,
});
const pop = (
  ethnicGroup: string,
  sex: 'female' | 'male',
  population: number,
  ageBand: PopulationRow['ageBand'] = '18-34',
): PopulationRow => ({
  year: 2024,
  ageBand,
  sex,
  ethnicGroup,
  population,
});

describe('the equity report', () => {
  // Worked example: 100,000 White and 20,000 Black residents aged 18-34 (half female); in November, 10 White people
  // detained under s.2 and 8 Black people under s.3 (four of each with code M, four with N).
  const population = [pop('A', 'female', 50000), pop('B', 'male', 50000), pop('M', 'female', 10000), pop('N', 'male', 10000)];
  const detained = (id: string, ethnicCategory: string, section: string, over: Partial<EquityAssessmentRow> = {}) =>
    equityRow(id, { ethnicCategory, outcomeKind: 'application', section, decidedAt: new Date('2026-11-11T10:00:00Z'), ...over });
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => detained(`w${i}`, i % 2 ? 'A' : 'B', 's2', { sex: i % 2 ? 'female' : 'male' })),
    ...Array.from({ length: 8 }, (_, i) => detained(`b${i}`, i % 2 ? 'M' : 'N', 's3', { sex: 'male', ageYears: i < 2 ? 16 : 40 })),
  ];

  it('gives rates per 100,000 with exact intervals and the ratio to the White rate by the log method', () => {
    const v = shown(equityFigures(sel('2026-11'), rows, [], population));
    const d = 'detentions-by-broad-ethnic-group';
    expect(v[`${d}.white.rate`]).toBe(10); // 10 / 100,000
    expect([v[`${d}.white.rate-lower`], v[`${d}.white.rate-upper`]]).toEqual([4.8, 18.4]);
    expect(v[`${d}.black.rate`]).toBe(40); // 8 / 20,000
    expect([v[`${d}.black.ratio`], v[`${d}.black.ratio-lower`], v[`${d}.black.ratio-upper`]]).toEqual([4, 1.58, 10.13]);
    expect(v[`${d}.white.ratio`]).toBeUndefined();
    expect(v[`${d}.all.rate`]).toBe(15); // 18 / 120,000
    // Detailed codes from a detailed population: 4 with code M in 10,000 = 40, ratio 4 to White.
    expect([v['detentions-by-ethnic-category.M.count'], v['detentions-by-ethnic-category.M.rate']]).toEqual([4, 40]);
    expect(v['detentions-by-ethnic-category.M.ratio']).toBe(4);
    // A group without an estimate has a count only.
    expect(v['detentions-by-ethnic-category.H.count']).toBe(0);
    expect(v['detentions-by-ethnic-category.Z.rate']).toBeUndefined();
    // By age band: two 16-year-olds, no population of that band loaded: count only.
    expect([v['detentions-by-age-band.16-17.count'], v['detentions-by-age-band.16-17.rate']]).toEqual([2, undefined]);
    expect(v['detentions-by-sex.male.count']).toBe(13);
    expect(v['detentions-by-sex.male.rate']).toBe(21.7); // 13 / 60,000
    expect(v['detentions-s2-by-broad-ethnic-group.white.count']).toBe(10);
  });

  it('no rate or ratio on a population smaller than its count (a mistyped line is not the group): a count only', () => {
    // 10 White people detained, and a White population of 3 (the Black group's 20,000 as before).
    const typo = [pop('A', 'female', 2), pop('B', 'male', 1), pop('M', 'female', 10000), pop('N', 'male', 10000)];
    const v = shown(equityFigures(sel('2026-11'), rows, [], typo));
    const d = 'detentions-by-broad-ethnic-group';
    expect([v[`${d}.white.count`], v[`${d}.white.rate`]]).toEqual([10, undefined]);
    expect(v[`${d}.black.rate`]).toBe(40);
    expect(v[`${d}.black.ratio`]).toBeUndefined(); // its reference, the White rate, is not one
    expect(v['detentions-by-ethnic-category.A.rate']).toBeUndefined();
  });

  it('suppressed: rates from the rounded counts, [c] where a count is 1 to 4', () => {
    const v = shown(equityFigures(sel('2026-11'), rows, [], population), true);
    const d = 'detentions-by-broad-ethnic-group';
    expect([v[`${d}.black.count`], v[`${d}.black.rate`], v[`${d}.black.ratio`]]).toEqual([10, 50, 5]);
    expect([
      v['detentions-by-ethnic-category.M.count'],
      v['detentions-by-ethnic-category.M.rate'],
      v['detentions-by-ethnic-category.M.ratio'],
    ]).toEqual(['[c]', '[c]', '[c]']);
  });

  it('counts only without a population; repeats within 12 months; s.136 when received; the share of unrecorded ethnicity', () => {
    const assessments = [
      equityRow('a1', { personId: 'p1', openedAt: new Date('2025-11-12T10:00:00Z'), ethnicCategory: 'Z' }),
      equityRow('a2', { personId: 'p1', openedAt: new Date('2026-11-11T10:00:00Z'), ethnicCategory: 'Z' }), // within 12 months
      equityRow('a3', { personId: 'p2', openedAt: new Date('2025-11-09T10:00:00Z'), ethnicCategory: null }),
      equityRow('a4', { personId: 'p2', openedAt: new Date('2026-11-10T10:00:00Z'), ethnicCategory: null }), // 12 months and a day later
      equityRow('a5', { personId: 'p3', ethnicCategory: 'N' }),
      equityRow('a6', { personId: 'p4', ethnicCategory: '99' }),
    ];
    const referrals = [referralRow('s1', { legalContext: 's136', ethnicCategory: 'M' }), referralRow('s2', { legalContext: 'informal' })];
    const f = equityFigures(sel('2026-11'), assessments, referrals, []);
    expect(f.some((x) => x.unit === 'rate' || x.unit === 'ratio')).toBe(false);
    const v = shown(f);
    expect(v['assessments-by-broad-ethnic-group.all.count']).toBe(4);
    expect(v['repeat-assessments-by-broad-ethnic-group.all.count']).toBe(1);
    expect(v['repeat-assessments-by-broad-ethnic-group.not-stated.count']).toBe(1);
    expect(v['s136-by-broad-ethnic-group.black.count']).toBe(1);
    expect([v['ethnicity-recorded.assessments.not-stated'], v['ethnicity-recorded.assessments.not-known']]).toEqual([0.25, 0.5]);
    // The filters of every report apply: no assessment came from a CMHT.
    expect(
      shown(equityFigures(sel('2026-11', { source: 'cmht' }), assessments, referrals, []))['assessments-by-broad-ethnic-group.all.count'],
    ).toBe(0);
  });
});

describe('the repeat-assessment report', () => {
  const a = (id: string, personId: string, openedAt: string, over: Partial<AssessmentRow> = {}): AssessmentRow => ({
    assessmentId: id,
    referralId: `r-${id}`,
    personId,
    source: 'gp',
    legalContext: 'informal',
    team: null,
    openedAt: new Date(openedAt),
    decidedAt: null,
    outcomeKind: null,
    section: null,
    ctoDecision: null,
    alternatives: [],
    lastDelayReason: null,
    ...over,
  });
  const r = (id: string, personId: string, receivedAt: string, withdrawal: Partial<Withdrawal> = {}) =>
    ({
      referralId: id,
      personId,
      receivedAt: new Date(receivedAt),
      withdrawnAt: null,
      linkedAtIntake: false,
      ...withdrawal,
    }) as ReferralRow;

  it('people with 2 or more assessments in 12 months; re-referral within 28 and 90 days of "not detained", once the window has passed', () => {
    const notDetained = (id: string, personId: string, at: string, alternatives: string[] = []) =>
      a(id, personId, at, { outcomeKind: 'not-detained', decidedAt: new Date(at), alternatives });
    const assessments = [
      a('x1', 'p1', '2026-01-05T10:00:00Z'),
      a('x2', 'p1', '2026-06-05T10:00:00Z'),
      a('x3', 'p1', '2026-11-05T10:00:00Z'), // three in 12 months
      a('y1', 'p2', '2025-10-30T10:00:00Z'),
      a('y2', 'p2', '2026-11-02T10:00:00Z'), // the earlier one is over 12 months before: one
      notDetained('z1', 'p3', '2026-11-01T10:00:00Z'), // re-referred on day 20 (within 28 and 90)
      notDetained('z2', 'p4', '2026-11-03T10:00:00Z'), // re-referred on day 60 (within 90 only)
      notDetained('z3', 'p5', '2026-11-04T10:00:00Z', ['unable-to-complete']), // not completed: not counted
      notDetained('z4', 'p6', '2026-11-29T10:00:00Z'), // its 28 days have not passed by 20 December
    ];
    const referrals = [r('n1', 'p3', '2026-11-21T10:00:00Z'), r('n2', 'p4', '2027-01-02T10:00:00Z'), r('n3', 'p6', '2026-12-01T10:00:00Z')];
    const v = shown(repeatAssessmentFigures(sel('2026-11'), assessments, referrals, new Date('2026-12-20T10:00:00Z')));
    expect(v).toMatchObject({
      'people.all.people': 6,
      'people.all.people-2-plus': 1,
      'assessments-in-12-months.1.people': 5,
      'assessments-in-12-months.3.people': 1,
      're-referral.within-28-days.not-detained': 2,
      're-referral.within-28-days.re-referred': 1,
      're-referral.within-28-days.share': 0.5,
      // 90 days from 1 and 3 November end in January and February: none has passed.
      're-referral.within-90-days.not-detained': 0,
    });
    const later = shown(repeatAssessmentFigures(sel('2026-11'), assessments, referrals, new Date('2027-03-01T10:00:00Z')));
    expect([later['re-referral.within-90-days.not-detained'], later['re-referral.within-90-days.re-referred']]).toEqual([3, 3]);
  });

  // "Within 28 days" is local calendar days: the day after the local date of the decision is day 1, and the window ends
  // with the end of day 28 (local midnight), not 28 × 24 hours after the decision, across the clock changes too
  // (Europe/London: forward on 29 March 2026, back on 25 October 2026).
  it.each([
    // [what, period, decided, re-referred, now, [decided and window ended, re-referred]]
    [
      'autumn: 10:00 BST on 10 Oct, re-referred 20:00 GMT on 7 Nov (day 28)',
      '2026-10',
      '2026-10-10T09:00:00Z',
      '2026-11-07T20:00:00Z',
      '2026-12-01T00:00:00Z',
      [1, 1],
    ],
    [
      'autumn: re-referred 00:30 GMT on 8 Nov (day 29)',
      '2026-10',
      '2026-10-10T09:00:00Z',
      '2026-11-08T00:30:00Z',
      '2026-12-01T00:00:00Z',
      [1, 0],
    ],
    [
      'autumn: 23:30 BST on 20 Oct, re-referred 23:15 GMT on 17 Nov (day 28)',
      '2026-10',
      '2026-10-20T22:30:00Z',
      '2026-11-17T23:15:00Z',
      '2026-12-01T00:00:00Z',
      [1, 1],
    ],
    [
      'autumn: at noon on day 28 the window has not ended',
      '2026-10',
      '2026-10-10T09:00:00Z',
      '2026-11-07T10:00:00Z',
      '2026-11-07T12:00:00Z',
      [0, 0],
    ],
    [
      'autumn: at local midnight after day 28 it has',
      '2026-10',
      '2026-10-10T09:00:00Z',
      '2026-11-07T10:00:00Z',
      '2026-11-08T00:00:00Z',
      [1, 1],
    ],
    [
      'spring: 00:30 GMT on 10 Mar, re-referred 23:30 BST on 7 Apr (day 28)',
      '2026-03',
      '2026-03-10T00:30:00Z',
      '2026-04-07T22:30:00Z',
      '2026-05-01T00:00:00Z',
      [1, 1],
    ],
    [
      'spring: 23:30 GMT on 10 Mar, re-referred 00:15 BST on 8 Apr (day 29)',
      '2026-03',
      '2026-03-10T23:30:00Z',
      '2026-04-07T23:15:00Z',
      '2026-05-01T00:00:00Z',
      [1, 0],
    ],
    [
      'spring: re-referred the same day as the decision, after it',
      '2026-03',
      '2026-03-10T00:30:00Z',
      '2026-03-10T09:00:00Z',
      '2026-05-01T00:00:00Z',
      [1, 1],
    ],
    [
      'spring: a referral before the decision is not a re-referral',
      '2026-03',
      '2026-03-10T10:30:00Z',
      '2026-03-10T09:00:00Z',
      '2026-05-01T00:00:00Z',
      [1, 0],
    ],
  ] as Array<[string, string, string, string, string, [number, number]]>)(
    're-referral within 28 local calendar days: %s',
    (_what, period, decided, received, now, expected) => {
      const decision = a('d', 'p1', decided, { outcomeKind: 'not-detained', decidedAt: new Date(decided) });
      const v = shown(repeatAssessmentFigures(sel(period), [decision], [r('n', 'p1', received)], new Date(now)));
      expect([v['re-referral.within-28-days.not-detained'], v['re-referral.within-28-days.re-referred']]).toEqual(expected);
    },
  );

  it('re-referral within 90 local calendar days: from 23:30 BST on 20 Oct, day 90 is 18 Jan', () => {
    const decided = '2026-10-20T22:30:00Z';
    const decision = a('d', 'p1', decided, { outcomeKind: 'not-detained', decidedAt: new Date(decided) });
    const v = (received: string) =>
      shown(repeatAssessmentFigures(sel('2026-10'), [decision], [r('n', 'p1', received)], new Date('2027-03-01T00:00:00Z')))[
        're-referral.within-90-days.re-referred'
      ];
    expect([v('2027-01-18T23:59:00Z'), v('2027-01-19T00:00:00Z')]).toEqual([1, 0]);
  });
});

describe('a referral withdrawn as the duplicate of another open referral (DUTY-02) is the same episode, counted once', () => {
  const withdrawnAt = new Date('2026-11-10T11:00:00Z');
  const cases: Array<[string, Partial<Withdrawal>, number]> = [
    ['a referral of its own', {}, 1],
    ['linked at intake and then withdrawn: the duplicate', { withdrawnAt, linkedAtIntake: true }, 0],
    ['withdrawn, never linked: an episode that ended', { withdrawnAt }, 1],
    ['linked at intake, not withdrawn: kept as a referral of its own', { linkedAtIntake: true }, 1],
  ];
  it.each(cases)('s.136 detentions by ethnicity, age and sex: %s counts %s', (_what, withdrawal, expected) => {
    const v = shown(equityFigures(sel('2026-11'), [], [referralRow('s', { legalContext: 's136', ...withdrawal })], []));
    expect([v['s136-by-broad-ethnic-group.all.count'], v['s136-by-sex.female.count'], v['ethnicity-recorded.s136.records']]).toEqual([
      expected,
      expected,
      expected,
    ]);
  });
  it.each(cases)("other areas' residents: %s counts %s", (_what, withdrawal, expected) => {
    const v = shown(outOfAreaFigures(sel('2026-11'), [referralRow('o', { otherAuthority: 'Southvale Council', ...withdrawal })]));
    expect(v['other-areas-residents.total.referrals']).toBe(expected);
  });
  it.each(cases)('re-referral within 28 days after "not detained": %s counts %s', (_what, withdrawal, expected) => {
    const decided = new Date('2026-11-02T10:00:00Z');
    const notDetained: AssessmentRow = {
      assessmentId: 'a',
      referralId: 'first',
      personId: 'p',
      source: 'gp',
      legalContext: 'informal',
      team: null,
      openedAt: decided,
      decidedAt: decided,
      outcomeKind: 'not-detained',
      section: null,
      ctoDecision: null,
      alternatives: [],
      lastDelayReason: null,
    };
    const again = { personId: 'p', receivedAt: new Date('2026-11-09T10:00:00Z'), withdrawnAt: null, linkedAtIntake: false, ...withdrawal };
    const v = shown(repeatAssessmentFigures(sel('2026-11'), [notDetained], [again], new Date('2026-12-20T10:00:00Z')));
    expect([v['re-referral.within-28-days.not-detained'], v['re-referral.within-28-days.re-referred']]).toEqual([1, expected]);
  });
});

describe('the age band of a detention: the age on the day it was decided', () => {
  it.each([
    ['17 when assessed, 18 the day it was decided', 17, 18, '18-34'],
    ['64 when assessed, 65 the day it was decided', 64, 65, '65+'],
    ['15 throughout', 15, 15, '0-15'],
    ['no date of birth', null, null, 'not-known'],
  ])('%s: detentions in %s', (_what, opened, decided, band) => {
    const row = equityRow('d', {
      ageYears: opened,
      ageYearsDecided: decided,
      outcomeKind: 'application',
      section: 's2',
      openedAt: new Date('2026-11-09T22:00:00Z'),
      decidedAt: new Date('2026-11-10T02:00:00Z'),
    });
    const v = shown(equityFigures(sel('2026-11'), [row], [], []));
    expect(v[`detentions-by-age-band.${band}.count`]).toBe(1);
    expect(v[`detentions-s2-by-broad-ethnic-group.white.count`]).toBe(1);
    // The assessment itself counts when arranged, at the age then.
    expect(
      v[`assessments-by-age-band.${opened === null ? 'not-known' : opened <= 15 ? '0-15' : opened <= 17 ? '16-17' : '50-64'}.count`],
    ).toBe(1);
  });
});

describe('the out-of-area report', () => {
  it("counts other areas' residents by their council, and our residents' referrals transferred", () => {
    const referrals = [
      referralRow('o1', { otherAuthority: 'Southvale Council', assessed: true }),
      referralRow('o2', { otherAuthority: 'Southvale Council', status: 'transferred', transferredTo: 'Southvale Council' }),
      referralRow('o3', { otherAuthority: 'Eastshire Council', status: 'transferred', transferredTo: null }),
      referralRow('u1', { status: 'transferred', transferredTo: 'Westborough Council' }),
      referralRow('u2', { status: 'transferred', transferredTo: null }),
      referralRow('u3', {}),
      referralRow('late', { otherAuthority: 'Southvale Council', receivedAt: new Date('2026-12-01T00:00:00Z') }),
    ];
    const v = shown(outOfAreaFigures(sel('2026-11'), referrals));
    expect(v).toEqual({
      'other-areas-residents.Eastshire Council.referrals': 1,
      'other-areas-residents.Eastshire Council.assessed-here': 0,
      'other-areas-residents.Eastshire Council.transferred': 1,
      'other-areas-residents.Southvale Council.referrals': 2,
      'other-areas-residents.Southvale Council.assessed-here': 1,
      'other-areas-residents.Southvale Council.transferred': 1,
      'other-areas-residents.total.referrals': 3,
      'other-areas-residents.total.assessed-here': 1,
      'other-areas-residents.total.transferred': 2,
      'our-residents-elsewhere.Westborough Council.referrals': 1,
      'our-residents-elsewhere.not-named.referrals': 1,
      'our-residents-elsewhere.total.referrals': 2,
    });
  });
});

describe('the chart of rates with their intervals', () => {
  it('draws a whisker from the lower to the upper limit, writes the values, escapes labels, and draws none for [c]', () => {
    const svg = rateChart('Rates <by group>', [
      { label: 'Black & Black British', value: 40, lower: 20, upper: 80 },
      { label: 'Mixed', value: '[c]', lower: '[c]', upper: '[c]' },
    ]);
    expect(svg).toContain('<title>Rates &lt;by group&gt;</title>');
    expect(svg).toContain('Black &amp; Black British');
    expect(svg).toContain('40 (20-80)');
    expect(svg).toContain('[c]');
    // The axis runs to the largest upper limit (80, in steps of 20 → 380 px from x = 200): the whisker spans 295 to
    // 580, in the middle of the first row (under a 16 px header, 4 px in, 6 px down).
    expect(svg).toContain('<line x1="295" y1="26" x2="580" y2="26"');
    expect(svg).toContain('text-anchor="middle">80</text>');
    expect(svg.match(/<line /g)).toHaveLength(3);
  });
});
