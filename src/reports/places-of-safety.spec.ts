import { parsePeriod } from './period';
import { breached, limitOf, oneRowPerDetention, placesOfSafetyFigures } from './places-of-safety';
import { figureKey, figureValue } from './report.model';
import type { PlaceOfSafetyRow } from './rows';

const row = (over: Partial<PlaceOfSafetyRow>): PlaceOfSafetyRow => ({
  referralId: 'r',
  personId: 'p',
  source: 'police-s136',
  legalContext: 's136',
  team: null,
  receivedAt: new Date('2026-11-09T08:00:00Z'),
  placeType: 'health-based',
  under18: false,
  arrivedAt: new Date('2026-11-09T08:00:00Z'),
  assessmentStartedAt: null,
  extensionHours: null,
  extensionReason: null,
  assessmentId: null,
  outcomeKind: null,
  section: null,
  alternatives: [],
  withdrawnAt: null,
  linkedAtIntake: false,
  ...over,
});

describe('the place-of-safety limit: 24 h from arrival, plus a s.136B extension', () => {
  const now = new Date('2026-11-20T00:00:00Z');
  it.each([
    [
      'started 23 h 59 min after arrival',
      row({ assessmentStartedAt: new Date('2026-11-10T07:59:00Z') }),
      '2026-11-10T08:00:00.000Z',
      false,
    ],
    ['started exactly at 24 h', row({ assessmentStartedAt: new Date('2026-11-10T08:00:00Z') }), '2026-11-10T08:00:00.000Z', false],
    ['started 24 h 1 min after arrival', row({ assessmentStartedAt: new Date('2026-11-10T08:01:00Z') }), '2026-11-10T08:00:00.000Z', true],
    [
      'started 30 h after arrival, with a 12 h extension',
      row({ assessmentStartedAt: new Date('2026-11-10T14:00:00Z'), extensionHours: 12 }),
      '2026-11-10T20:00:00.000Z',
      false,
    ],
    [
      'started 31 h 30 min after arrival, with a 7 h 30 min extension: at its very end',
      row({ assessmentStartedAt: new Date('2026-11-10T15:30:00Z'), extensionHours: 7.5 }),
      '2026-11-10T15:30:00.000Z',
      false,
    ],
    [
      'started 31 h 31 min after arrival, with a 7 h 30 min extension: a minute late',
      row({ assessmentStartedAt: new Date('2026-11-10T15:31:00Z'), extensionHours: 7.5 }),
      '2026-11-10T15:30:00.000Z',
      true,
    ],
    [
      'a 6 h 20 min extension as the view reads it (380 / 60.0): the limit to the minute, not a millisecond short',
      row({ assessmentStartedAt: new Date('2026-11-10T14:20:00Z'), extensionHours: Number('6.3333333333333333') }),
      '2026-11-10T14:20:00.000Z',
      false,
    ],
    ['never started, the limit long past', row({}), '2026-11-10T08:00:00.000Z', true],
    ['never started, the limit still ahead', row({ arrivedAt: new Date('2026-11-19T12:00:00Z') }), '2026-11-20T12:00:00.000Z', false],
  ])('%s: limit %s, breach %s', (_, r, limit, breach) => {
    expect(limitOf(r)!.toISOString()).toBe(limit);
    expect(breached(r, now)).toBe(breach);
  });

  it('without a recorded arrival there is no limit to measure, so no breach', () => {
    expect(limitOf(row({ arrivedAt: null }))).toBeUndefined();
    expect(breached(row({ arrivedAt: null }), now)).toBe(false);
  });
});

describe('one detention across places of safety (s.136(3), s.135(3A)): a further referral is folded into the first', () => {
  const at = (iso: string) => new Date(iso);
  const first = row({ referralId: 'a', arrivedAt: at('2026-12-05T20:00:00Z'), extensionHours: 12, extensionReason: 'patient-condition' });
  const further = (over: Partial<PlaceOfSafetyRow> = {}) =>
    row({ referralId: 'b', continuesReferralId: 'a', arrivedAt: at('2026-12-05T20:00:00Z'), ...over });
  it.each<[string, PlaceOfSafetyRow[], Array<Partial<PlaceOfSafetyRow>>]>([
    ['no continuation: each referral is a detention', [first, row({ referralId: 'c' })], [{ referralId: 'a' }, { referralId: 'c' }]],
    [
      'interviewed at the second place: the detention has that interview and outcome, and the first referral’s extension',
      [first, further({ assessmentStartedAt: at('2026-12-06T03:00:00Z'), assessmentId: 'x', outcomeKind: 'application', section: 's2' })],
      [{ referralId: 'a', assessmentStartedAt: at('2026-12-06T03:00:00Z'), outcomeKind: 'application', section: 's2', extensionHours: 12 }],
    ],
    [
      'the earlier interview wins, and the first referral’s outcome stays',
      [
        { ...first, assessmentStartedAt: at('2026-12-06T05:00:00Z'), outcomeKind: 'not-detained' },
        further({ assessmentStartedAt: at('2026-12-06T03:00:00Z'), outcomeKind: 'application' }),
      ],
      [{ referralId: 'a', assessmentStartedAt: at('2026-12-06T03:00:00Z'), outcomeKind: 'not-detained' }],
    ],
    ['under 18 by the further referral', [first, further({ under18: true })], [{ referralId: 'a', under18: true }]],
    ['the first referral not among the rows: the further one stands alone', [further()], [{ referralId: 'b' }]],
  ])('%s', (_what, rows, expected) => {
    const out = oneRowPerDetention(rows);
    expect(out).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(out[i]).toMatchObject(e));
  });
});

describe('a s.136 referral withdrawn as the duplicate of another open referral (DUTY-02) is no detention of its own', () => {
  const withdrawnAt = new Date('2026-11-09T09:00:00Z');
  const sel = {
    period: parsePeriod({ period: '2026-11' }, 'Europe/London', '2999-12-31'),
    filters: {},
    zone: 'Europe/London',
    bankHolidays: new Set<string>(),
  };
  it.each<[string, Partial<PlaceOfSafetyRow>, number]>([
    ['a second detention of the same person', {}, 2],
    ['the duplicate, linked at intake and withdrawn', { withdrawnAt, linkedAtIntake: true }, 1],
    ['withdrawn, never linked (the police let the person go)', { withdrawnAt }, 2],
  ])('%s: %s detentions', (_what, second, expected) => {
    const rows = [row({ referralId: 'a' }), row({ referralId: 'b', ...second })];
    const v = Object.fromEntries(
      placesOfSafetyFigures(sel, rows, 180, new Date('2026-11-20T00:00:00Z')).map((f) => [figureKey(f), figureValue(f, false)]),
    );
    expect([
      v['summary.all.detentions'],
      v['summary.s136.detentions'],
      v['place-type.health-based.detentions'],
      v['summary.all.breaches'],
    ]).toEqual([expected, expected, expected, expected]);
  });
});

describe('detentions by type of place of safety: a private dwelling (POL-10) is a type of its own, in words, never dropped or counted as another', () => {
  const sel = {
    period: parsePeriod({ period: '2026-11' }, 'Europe/London', '2999-12-31'),
    filters: {},
    zone: 'Europe/London',
    bankHolidays: new Set<string>(),
  };
  const byType = (rows: PlaceOfSafetyRow[]) =>
    placesOfSafetyFigures(sel, rows, 180, new Date('2026-11-20T00:00:00Z'))
      .filter((f) => f.section === 'place-type' && f.measure === 'detentions')
      .map((f) => [f.group, f.groupLabel, figureValue(f, false)]);

  it.each<[string, PlaceOfSafetyRow[], Array<[string, string, number]>]>([
    [
      'one at a health-based place and two at private dwellings, one a child',
      [
        row({ referralId: 'a' }),
        row({ referralId: 'b', placeType: 'private-dwelling' }),
        row({ referralId: 'c', placeType: 'private-dwelling', under18: true }),
      ],
      [
        ['health-based', 'Health-based place of safety', 1],
        ['police-station', 'Police station', 0],
        ['a-and-e', 'A&E', 0],
        ['private-dwelling', 'Private dwelling', 2],
        ['other', 'Other', 0],
        ['not-recorded', 'Not recorded', 0],
      ],
    ],
    [
      'none at a private dwelling: the type is still listed, with none',
      [row({ referralId: 'a', placeType: 'other' })],
      [
        ['health-based', 'Health-based place of safety', 0],
        ['police-station', 'Police station', 0],
        ['a-and-e', 'A&E', 0],
        ['private-dwelling', 'Private dwelling', 0],
        ['other', 'Other', 1],
        ['not-recorded', 'Not recorded', 0],
      ],
    ],
  ])('%s', (_what, rows, expected) => {
    expect(byType(rows)).toEqual(expected);
  });
});
