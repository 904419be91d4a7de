import {
  clocksFor,
  clockStop,
  DEFAULT_CLOCK_POLICY,
  DEFAULT_RESPONSE_TARGETS,
  DEFAULT_S29_APPEAL_DAYS,
  type DisplacementApplicationFacts,
  displacementsKnownAt,
  s29AppealDisposalProblem,
  s29AppealLodgingProblem,
  s29ExtendedLastDay,
  s29OrderStands,
  s2End,
  s2InForce,
  type S29AppealFacts,
} from './clocks';
import { detentionRemaining } from './assessment-rules';

/**
 * NR-11 (MHA 1983 s.29(4), (5)): an appeal against the county court's decision on a s.29 application made during a s.2.
 * "Finally disposed of" waits for the time for appealing (S29_APPEAL_DAYS, a setting: 21 days by default) or, once an
 * appeal is brought in it, for the appeal to be determined or withdrawn; the s.2 runs 7 days more while an order stands.
 */
const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);
const app = (
  filedAt: string,
  status: DisplacementApplicationFacts['status'],
  disposedOn: string | null,
  appeal: S29AppealFacts | null = null,
): DisplacementApplicationFacts => ({ filedAt: at(filedAt), status, disposedOn, appeal });
const lodged = (lodgedOn: string): S29AppealFacts => ({ lodgedOn, outcome: null, disposedOn: null });
const ended = (lodgedOn: string, outcome: S29AppealFacts['outcome'], disposedOn: string): S29AppealFacts => ({
  lodgedOn,
  outcome,
  disposedOn,
});

describe('s29OrderStands (NR-11, s.29(4)(b)): whether an order stands once the application is finally disposed of', () => {
  it.each([
    ['an order, no appeal', 'order', null, true],
    ['a refusal, no appeal', 'refused', null, false],
    ['an application withdrawn', 'withdrawn', null, false],
    ['an order upheld on appeal', 'order', 'order-upheld', true],
    ['an order set aside on appeal', 'order', 'order-set-aside', false],
    ['an appeal against an order withdrawn: the order stands as made', 'order', 'withdrawn', true],
    ['a refusal upheld on appeal', 'refused', 'refusal-upheld', false],
    ['a refusal reversed on appeal, with an order made', 'refused', 'refusal-reversed', true],
    ['an appeal against a refusal withdrawn: the refusal stands', 'refused', 'withdrawn', false],
  ] as const)('%s: %s', (_name, status, outcome, stands) => {
    expect(s29OrderStands(status, outcome)).toBe(stands);
  });
});

describe('s2End with an appeal (NR-11, s.29(5)): worked examples across month ends and the clock changes', () => {
  // Admitted Sun 1 Mar 2026 10:00 GMT: the s.2 would lapse at the end of Sat 28 Mar (GMT), the night before the clocks
  // go forward (Sun 29 Mar). The s.29 (ground c) was filed Fri 20 Mar and decided Fri 27 Mar; every later end is in BST.
  const admitted = at('2026-03-01T10:00:00Z');
  const filed = '2026-03-20T10:00:00Z';
  it.each([
    // No appeal: Fri 27 Mar + 21 days = Fri 17 Apr; an order, 7 days more, to the end of Fri 24 Apr (BST: 23:00 UTC).
    [
      'an order, no appeal: the 21 days, and 7 more, to the end of Fri 24 Apr',
      app(filed, 'order', '2026-03-27'),
      21,
      'decided',
      '2026-04-24T23:00:00.000Z',
    ],
    ['a refusal, no appeal: to the end of Fri 17 Apr', app(filed, 'refused', '2026-03-27'), 21, 'decided', '2026-04-17T23:00:00.000Z'],
    [
      'an order, no appeal, 28 days allowed: to the end of Fri 1 May',
      app(filed, 'order', '2026-03-27'),
      28,
      'decided',
      '2026-05-01T23:00:00.000Z',
    ],
    [
      'an appeal against the order lodged Thu 16 Apr (day 20), pending: no end date',
      app(filed, 'order', '2026-03-27', lodged('2026-04-16')),
      21,
      'pending',
      '2026-03-29T00:00:00.000Z',
    ],
    [
      'an appeal against the refusal lodged on the day of it, pending: no end date',
      app(filed, 'refused', '2026-03-27', lodged('2026-03-27')),
      21,
      'pending',
      '2026-03-29T00:00:00.000Z',
    ],
    [
      'the order upheld on Thu 30 Apr: disposed of that day, and 7 days more, to the end of Thu 7 May (across the month end)',
      app(filed, 'order', '2026-03-27', ended('2026-04-16', 'order-upheld', '2026-04-30')),
      21,
      'decided',
      '2026-05-07T23:00:00.000Z',
    ],
    [
      'the order set aside on Thu 30 Apr: disposed of that day, no order stands, to the end of Thu 30 Apr',
      app(filed, 'order', '2026-03-27', ended('2026-04-16', 'order-set-aside', '2026-04-30')),
      21,
      'decided',
      '2026-04-30T23:00:00.000Z',
    ],
    [
      'the appeal against the order withdrawn Thu 30 Apr: the order stands, to the end of Thu 7 May',
      app(filed, 'order', '2026-03-27', ended('2026-04-16', 'withdrawn', '2026-04-30')),
      21,
      'decided',
      '2026-05-07T23:00:00.000Z',
    ],
    [
      'the refusal upheld on Thu 30 Apr: to the end of that day',
      app(filed, 'refused', '2026-03-27', ended('2026-04-16', 'refusal-upheld', '2026-04-30')),
      21,
      'decided',
      '2026-04-30T23:00:00.000Z',
    ],
    [
      'the refusal reversed on Thu 30 Apr with an order made: 7 days more, to the end of Thu 7 May',
      app(filed, 'refused', '2026-03-27', ended('2026-04-16', 'refusal-reversed', '2026-04-30')),
      21,
      'decided',
      '2026-05-07T23:00:00.000Z',
    ],
    [
      'the appeal against the refusal withdrawn Mon 30 Mar: disposed of that day, to the end of Mon 30 Mar (BST)',
      app(filed, 'refused', '2026-03-27', ended('2026-03-28', 'withdrawn', '2026-03-30')),
      21,
      'decided',
      '2026-03-30T23:00:00.000Z',
    ],
    [
      'an appeal determined early, the order set aside on Sat 28 Mar, the day the s.2 would lapse anyway: not extended',
      app(filed, 'order', '2026-03-27', ended('2026-03-27', 'order-set-aside', '2026-03-28')),
      21,
      'none',
      '2026-03-29T00:00:00.000Z',
    ],
    [
      'the appeal days do not count once an appeal is determined: 28 days allowed, the order upheld Thu 30 Apr, still the end of Thu 7 May',
      app(filed, 'order', '2026-03-27', ended('2026-04-16', 'order-upheld', '2026-04-30')),
      28,
      'decided',
      '2026-05-07T23:00:00.000Z',
    ],
  ] as const)('%s', (_name, application, appealDays, kind, end) => {
    const judged = s2End(admitted, [application], LONDON, appealDays);
    expect(judged.unextendedEnd.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(judged.extension.kind).toBe(kind);
    expect(judged.end.toISOString()).toBe(end);
    // While the appeal is pending the s.2 is in force however late.
    if (kind === 'pending') expect(s2InForce(judged, at('2027-01-01T00:00:00Z'))).toBe(true);
  });

  // Admitted Sun 20 Sep 2026: the s.2 would lapse at the end of Sat 17 Oct (BST). Refused Sun 4 Oct.
  it.each([
    [21, '2026-10-25', '2026-10-26T00:00:00.000Z'], // Sun 25 Oct, the day the clocks go back: its end is midnight GMT
    [28, '2026-11-01', '2026-11-02T00:00:00.000Z'],
    [1, '2026-10-05', '2026-10-17T23:00:00.000Z'], // the end of Mon 5 Oct, before the s.2's own end: not extended
  ] as const)('S29_APPEAL_DAYS=%i: a refusal of Sun 4 Oct is final at the end of %s', (appealDays, lastDay, end) => {
    const refusal = app('2026-10-01T10:00:00Z', 'refused', '2026-10-04');
    expect(s29ExtendedLastDay({ ...refusal, status: 'refused', disposedOn: '2026-10-04' }, appealDays)).toBe(lastDay);
    expect(s2End(at('2026-09-20T10:00:00Z'), [refusal], LONDON, appealDays).end.toISOString()).toBe(end);
  });

  it('refuses appeal days that are not a whole number of days, at least one', () => {
    expect(() => s2End(admitted, [], LONDON, 0)).toThrow(RangeError);
    expect(() => s2End(admitted, [], LONDON, 2.5)).toThrow(RangeError);
  });
});

describe('s29AppealLodgingProblem (NR-11, s.29(5)): an appeal is lodged on or after the decision and within the time for appealing', () => {
  it.each([
    // [what, decided on, lodged on, today, appeal days, the problem's code]
    ['the day of the decision', '2026-11-21', '2026-11-21', '2026-12-31', 21, null],
    ['day 20', '2026-11-21', '2026-12-11', '2026-12-31', 21, null],
    ['day 21, the last day allowed', '2026-11-21', '2026-12-12', '2026-12-31', 21, null],
    ['day 22: out of time', '2026-11-21', '2026-12-13', '2026-12-31', 21, 'appeal-out-of-time'],
    ['day 22 with 28 days allowed', '2026-11-21', '2026-12-13', '2026-12-31', 28, null],
    ['day 29 with 28 days allowed: out of time', '2026-11-21', '2026-12-20', '2026-12-31', 28, 'appeal-out-of-time'],
    ['the day before the decision', '2026-11-21', '2026-11-20', '2026-12-31', 21, 'appeal-before-decision'],
    ['a decision of Sun 31 Jan 2027, 28 days: the last day is Sun 28 Feb', '2027-01-31', '2027-02-28', '2027-03-31', 28, null],
    [
      'a decision of Sun 31 Jan 2027, 28 days: Mon 1 Mar is out of time',
      '2027-01-31',
      '2027-03-01',
      '2027-03-31',
      28,
      'appeal-out-of-time',
    ],
    ['lodged today, day 19', '2026-11-21', '2026-12-10', '2026-12-10', 21, null],
    ['lodged after today (day 20 on day 19)', '2026-11-21', '2026-12-11', '2026-12-10', 21, 'in-future'],
  ] as const)('%s', (_name, decidedOn, lodgedOn, today, appealDays, code) => {
    const problem = s29AppealLodgingProblem(decidedOn, lodgedOn, today, appealDays);
    expect(problem?.code ?? null).toBe(code);
    if (problem) expect(problem.field).toBe('lodgedOn');
  });
});

describe('s29AppealDisposalProblem (NR-11): an outcome that fits the decision, on or after the lodging, not in the future', () => {
  it.each([
    ['an order upheld', 'order', 'order-upheld', '2026-12-14', null, null],
    ['an order: refusal-upheld does not fit', 'order', 'refusal-upheld', '2026-12-14', 'appeal-outcome-mismatch', 'outcome'],
    ['a refusal reversed', 'refused', 'refusal-reversed', '2026-12-14', null, null],
    ['a refusal: order-set-aside does not fit', 'refused', 'order-set-aside', '2026-12-14', 'appeal-outcome-mismatch', 'outcome'],
    ['withdrawn on the day it was lodged', 'refused', 'withdrawn', '2026-12-11', null, null],
    ['before the lodging', 'order', 'order-upheld', '2026-12-10', 'appeal-disposed-before-lodged', 'disposedOn'],
    ['after today', 'order', 'order-upheld', '2026-12-15', 'in-future', 'disposedOn'],
  ] as const)('%s', (_name, status, outcome, disposedOn, code, field) => {
    const problem = s29AppealDisposalProblem(status, '2026-12-11', outcome, disposedOn, '2026-12-14');
    expect(problem?.code ?? null).toBe(code);
    expect(problem?.field ?? null).toBe(field);
  });
});

describe('the s.2 clock, its stop and what was known when (NR-11 with an appeal)', () => {
  // Admitted Sat 24 Oct 2026 10:00 BST: the s.2 would lapse at the end of Fri 20 Nov. Filed Thu 19 Nov, order Fri 20 Nov.
  const context = { kind: 'already-s2', admittedAt: at('2026-10-24T09:00:00Z') } as const;
  const clock = (apps: DisplacementApplicationFacts[], appealDays = DEFAULT_S29_APPEAL_DAYS) =>
    clocksFor(
      context,
      [],
      DEFAULT_RESPONSE_TARGETS,
      at('2026-11-19T09:00:00Z'),
      'urgent',
      { ...DEFAULT_CLOCK_POLICY, s29AppealDays: appealDays },
      apps,
    ).find((c) => c.id === 'APP-17')!;

  it('an appeal pending stops the clock at the filing (met), saying the appeal is pending; determined, the clock ends 7 days after it', () => {
    const pending = [app('2026-11-19T10:00:00Z', 'order', '2026-11-20', lodged('2026-12-10'))];
    expect(clock(pending).basis).toContain('lodged on 2026-12-10 and is pending');
    const stop = clockStop(clock(pending), { displacementApplications: pending, s29AppealDays: DEFAULT_S29_APPEAL_DAYS });
    expect(stop).toMatchObject({ stoppedAt: at('2026-11-19T10:00:00Z'), stopRule: 'NR-11', result: 'met' });
    expect(stop!.reason).toContain('an appeal against the court');
    const upheld = [app('2026-11-19T10:00:00Z', 'order', '2026-11-20', ended('2026-12-10', 'order-upheld', '2026-12-15'))];
    expect(clock(upheld).deadline.toISOString()).toBe('2026-12-23T00:00:00.000Z');
    expect(clock(upheld).basis).not.toContain('later if an appeal is brought');
    expect(clockStop(clock(upheld), { displacementApplications: upheld, s29AppealDays: DEFAULT_S29_APPEAL_DAYS })).toBeNull();
  });

  it('the appeal days are a parameter: 28 instead of 21 moves the end of an order of Fri 20 Nov from the end of Fri 18 Dec to the end of Fri 25 Dec', () => {
    const order = [app('2026-11-19T10:00:00Z', 'order', '2026-11-20')];
    expect(clock(order).deadline.toISOString()).toBe('2026-12-19T00:00:00.000Z');
    expect(clock(order, 28).deadline.toISOString()).toBe('2026-12-26T00:00:00.000Z');
    expect(clock(order, 28).basis).toContain('the 28 days allowed for an appeal');
    // The stop reads its own days: with 28 the s.2 is still in force on Sat 19 Dec, so nothing stops it there.
    expect(clockStop(clock(order, 28), { displacementApplications: order, s29AppealDays: 28 })).toBeNull();
  });

  it('displacementsKnownAt: an appeal lodged after the day asked about is not known; one determined after it is still pending', () => {
    const appeal = ended('2026-12-10', 'order-upheld', '2026-12-15');
    const apps = [app('2026-11-19T10:00:00Z', 'order', '2026-11-20', appeal)];
    expect(displacementsKnownAt(apps, at('2026-12-09T12:00:00Z'), LONDON)[0].appeal).toBeNull();
    expect(displacementsKnownAt(apps, at('2026-12-12T12:00:00Z'), LONDON)[0].appeal).toEqual(lodged('2026-12-10'));
    expect(displacementsKnownAt(apps, at('2026-12-15T12:00:00Z'), LONDON)[0].appeal).toEqual(appeal);
  });

  it('NR-03: the detention remaining while an appeal is pending has no end, and says the appeal is why', () => {
    const pending = [app('2026-11-19T10:00:00Z', 'order', '2026-11-20', lodged('2026-12-10'))];
    const remaining = detentionRemaining(
      at('2026-12-21T12:00:00Z'),
      { detainedUnderS2: { admittedAt: context.admittedAt }, displacementApplications: pending, s29AppealDays: 21 },
      LONDON,
    );
    expect(remaining.detention).toMatchObject({ rule: 'APP-17', endsAt: null });
    expect(remaining.text).toContain('while an appeal against the court');
  });
});
