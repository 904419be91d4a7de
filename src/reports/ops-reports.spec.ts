import { bedsAndConveyanceFigures } from './beds-and-conveyance';
import type { OpsAssessmentRow } from './ops-rows';
import { outOfHoursFigures, type DecisionRow, type HandoverItemRow } from './out-of-hours';
import { parsePeriod } from './period';
import { figureKey, figureValue, type RawFigure } from './report.model';
import type { Selection } from './rows';
import {
  complianceJudgedOn,
  myWorkloadFigures,
  workforceDefinitions,
  workforceFigures,
  type PractitionerRow,
  type ShiftRow,
} from './workforce';

const ZONE = 'Europe/London';
const sel = (period = '2026-11', filters: Selection['filters'] = {}): Selection => ({
  period: parsePeriod({ period }, ZONE, '2999-12-31'),
  filters,
  zone: ZONE,
  bankHolidays: new Set(),
});
const d = (iso: string) => new Date(iso);
const values = (figures: RawFigure[], suppress = false) => Object.fromEntries(figures.map((f) => [figureKey(f), figureValue(f, suppress)]));

let n = 0;
const assessment = (over: Partial<OpsAssessmentRow>): OpsAssessmentRow => ({
  assessmentId: `a${++n}`,
  referralId: `r${n}`,
  personId: `p${n}`,
  source: 'gp',
  legalContext: 'community',
  team: 'North',
  leadAmhpUserId: 'amhp-1',
  openedAt: d('2026-11-10T10:00:00Z'),
  decidedAt: null,
  outcomeKind: null,
  section: null,
  ctoDecision: null,
  alternatives: [],
  applicationAt: null,
  bedIdentifiedAt: null,
  bedOutOfArea: null,
  conveyanceArrivedAt: null,
  conveyanceMode: null,
  admittedAt: null,
  lastDelayReason: null,
  ...over,
});
const application = (decidedAt: string, over: Partial<OpsAssessmentRow> = {}) =>
  assessment({ outcomeKind: 'application', section: 's2', decidedAt: d(decidedAt), applicationAt: d(decidedAt), ...over });

describe('beds and conveyance: a worked example', () => {
  // Three s.2 applications decided in November: beds found after 60, 120 and 300 minutes; conveyance 30, 90 and 30
  // minutes after that. The median of 60, 120, 300 is 120; the 90th percentile is 120 + 0.8 × (300 − 120) = 264.
  const rows = [
    application('2026-11-03T10:00:00Z', {
      bedIdentifiedAt: d('2026-11-03T11:00:00Z'),
      bedOutOfArea: true,
      conveyanceArrivedAt: d('2026-11-03T11:30:00Z'),
      conveyanceMode: 'ambulance',
      admittedAt: d('2026-11-03T12:30:00Z'),
    }),
    application('2026-11-10T10:00:00Z', {
      bedIdentifiedAt: d('2026-11-10T12:00:00Z'),
      bedOutOfArea: false,
      conveyanceArrivedAt: d('2026-11-10T13:30:00Z'),
      conveyanceMode: 'police-vehicle',
      admittedAt: d('2026-11-10T14:00:00Z'),
    }),
    application('2026-11-20T10:00:00Z', {
      bedIdentifiedAt: d('2026-11-20T15:00:00Z'),
      conveyanceArrivedAt: d('2026-11-20T15:30:00Z'),
      admittedAt: d('2026-11-20T16:00:00Z'),
    }),
    // Signed on 29 November and not admitted at the end of the month: waiting 1 day 13 h (2,220 minutes) then.
    application('2026-11-29T11:00:00Z', { section: 's3' }),
    // A s.4 signed the evening of 30 November: waiting 2 hours at midnight (the month ends at 00:00 GMT).
    application('2026-11-30T22:00:00Z', { section: 's4' }),
    // A s.2 signed 20 days before the end: past the 14 days of s.6(1), no longer waiting.
    application('2026-11-10T23:00:00Z', { applicationAt: d('2026-11-10T23:00:00Z'), decidedAt: d('2026-10-30T10:00:00Z') }),
    // Guardianship is not an application for admission.
    application('2026-11-12T10:00:00Z', { section: 's7' }),
    // Not completed: once for want of a bed, once because the person was not found.
    assessment({
      outcomeKind: 'not-detained',
      decidedAt: d('2026-11-14T02:00:00Z'),
      alternatives: ['unable-to-complete'],
      lastDelayReason: 'no-bed',
    }),
    assessment({
      outcomeKind: 'not-detained',
      decidedAt: d('2026-11-15T02:00:00Z'),
      alternatives: ['unable-to-complete'],
      lastDelayReason: 'person-not-found',
    }),
  ];
  const v = values(bedsAndConveyanceFigures(sel(), rows, d('2026-12-04T00:00:00Z')));

  it('times decision → bed → conveyance by median and 90th percentile', () => {
    expect(v['steps.decision-to-bed.count']).toBe(3);
    expect(v['steps.decision-to-bed.median']).toBe(120);
    expect(v['steps.decision-to-bed.p90']).toBe(264);
    expect(v['steps.bed-to-conveyance.median']).toBe(30);
    expect(v['steps.decision-to-conveyance.median']).toBe(210);
  });

  it('counts the beds out of area and the conveyances by mode', () => {
    expect(v['summary.all.applications']).toBe(5);
    expect(v['summary.all.bed-identified']).toBe(3);
    expect(v['summary.all.out-of-area']).toBe(1);
    expect(v['summary.all.in-area']).toBe(1);
    expect(v['summary.all.area-not-recorded']).toBe(1);
    expect(v['summary.all.admitted']).toBe(3);
    expect(v['conveyance-mode.ambulance.conveyances']).toBe(1);
    expect(v['conveyance-mode.police-vehicle.conveyances']).toBe(1);
    expect(v['conveyance-mode.not-recorded.conveyances']).toBe(1);
  });

  it('counts the people waiting with an application signed at the end of the period, and how long', () => {
    expect(v['waiting.all.waiting']).toBe(2);
    expect(v['waiting.all.median-wait']).toBe(1170);
    expect(v['waiting.all.longest-wait']).toBe(2220);
  });

  it('counts the assessments not completed for want of a bed', () => {
    expect(v['not-completed.all.not-completed']).toBe(2);
    expect(v['not-completed.all.no-bed']).toBe(1);
  });

  it('measures the wait to now while the period has not ended', () => {
    const now = d('2026-11-30T23:00:00Z');
    const w = values(bedsAndConveyanceFigures(sel(), rows, now));
    expect(w['waiting.all.waiting']).toBe(2);
    expect(w['waiting.all.longest-wait']).toBe(2160);
  });
});

describe('beds and conveyance: waiting while the application can be acted on (s.6(1))', () => {
  // A s.2 or s.3: 14 local calendar days beginning with the day of signing (day 1), to local midnight at the end of
  // day 14, across the clock changes (Europe/London: forward on 29 March 2026, back on 25 October 2026). A s.4: 24
  // elapsed hours from signing.
  it.each([
    // [what, section, signed, as at (now, the period not ended), period, waiting]
    [
      's.2 signed 23:30 GMT on 20 Mar: at 23:30 BST on 2 Apr (day 14) still waiting',
      's2',
      '2026-03-20T23:30:00Z',
      '2026-04-02T22:30:00Z',
      '2026-04',
      1,
    ],
    [
      's.2 signed 23:30 GMT on 20 Mar: at 00:30 BST on 3 Apr (day 15) no longer',
      's2',
      '2026-03-20T23:30:00Z',
      '2026-04-02T23:30:00Z',
      '2026-04',
      0,
    ],
    ['s.3 signed 00:30 GMT on 20 Mar: at 00:30 BST on 3 Apr no longer', 's3', '2026-03-20T00:30:00Z', '2026-04-02T23:30:00Z', '2026-04', 0],
    [
      's.2 signed 00:30 BST on 21 Oct: at 23:45 GMT on 3 Nov (day 14) still waiting',
      's2',
      '2026-10-20T23:30:00Z',
      '2026-11-03T23:45:00Z',
      '2026-11',
      1,
    ],
    [
      's.2 signed 00:30 BST on 21 Oct: at 00:00 GMT on 4 Nov (day 15) no longer',
      's2',
      '2026-10-20T23:30:00Z',
      '2026-11-04T00:00:00Z',
      '2026-11',
      0,
    ],
    [
      's.4 signed 23:30 GMT on 28 Mar: 23 h 45 min later (across the spring change) still waiting',
      's4',
      '2026-03-28T23:30:00Z',
      '2026-03-29T23:15:00Z',
      '2026-03',
      1,
    ],
    ['s.4 signed 23:30 GMT on 28 Mar: 24 h 15 min later no longer', 's4', '2026-03-28T23:30:00Z', '2026-03-29T23:45:00Z', '2026-03', 0],
  ] as Array<[string, string, string, string, string, number]>)('%s', (_what, section, signed, asAt, period, expected) => {
    const row = application(signed, { section, decidedAt: d('2025-01-01T10:00:00Z') });
    expect(values(bedsAndConveyanceFigures(sel(period), [row], d(asAt)))['waiting.all.waiting']).toBe(expected);
  });
});

describe('workforce and rota: a worked example', () => {
  const practitioner = (id: string, over: Partial<PractitionerRow> = {}): PractitionerRow => ({
    practitionerId: id,
    userId: `u-${id}`,
    profession: 'social-worker',
    team: 'North',
    fte: 1,
    active: true,
    supervisionIntervalDays: 30,
    createdAt: d('2024-01-01T00:00:00Z'),
    ...over,
  });
  const shift = (startsAt: string, hours: number, requiredCount: number, assignedCount: number): ShiftRow => ({
    shiftId: startsAt,
    startsAt: d(startsAt),
    endsAt: new Date(d(startsAt).getTime() + hours * 3600_000),
    requiredCount,
    assignedCount,
  });
  const input = {
    practitioners: [
      practitioner('a', { fte: 1 }),
      practitioner('b', { profession: 'mental-health-nurse', fte: 0.6 }),
      practitioner('c', { fte: 0.4, team: 'South' }),
      // No approval in effect on 30 November: not an AMHP.
      practitioner('d'),
      // Inactive: not counted.
      practitioner('e', { active: false }),
    ],
    approvals: [
      // Ends 31 March 2027: within six months of 30 November 2026.
      { practitionerId: 'a', startsOn: '2022-04-01', endsOn: '2027-03-31', endedOn: null, approvingAuthority: 'Northshire County Council' },
      { practitionerId: 'b', startsOn: '2025-01-01', endsOn: '2029-12-31', endedOn: null, approvingAuthority: 'Northshire County Council' },
      { practitionerId: 'c', startsOn: '2025-12-01', endsOn: '2030-11-30', endedOn: null, approvingAuthority: 'Northshire County Council' },
      { practitionerId: 'd', startsOn: '2020-01-01', endsOn: '2024-12-31', endedOn: null, approvingAuthority: 'Northshire County Council' },
      { practitionerId: 'e', startsOn: '2025-01-01', endsOn: '2029-12-31', endedOn: null, approvingAuthority: 'Northshire County Council' },
    ],
    // a met 18 hours in each approval year; b's first approval year (2025) ended with 10 of the 18: short; c's first
    // year has not ended.
    training: [
      ...['2022', '2023', '2024', '2025'].map((y) => ({
        practitionerId: 'a',
        completedOn: `${y}-06-01`,
        hours: 18,
        mentalHealthSpecific: true,
      })),
      { practitionerId: 'b', completedOn: '2025-06-01', hours: 10, mentalHealthSpecific: true },
    ],
    // a supervised on 15 November (in date); b on 1 October (due 31 October: overdue); c never (due 30 days after 2024-01-01).
    supervision: [
      { practitionerId: 'a', heldOn: '2026-11-15', type: 'professional' as const },
      { practitionerId: 'b', heldOn: '2026-10-01', type: 'professional' as const },
      { practitionerId: 'c', heldOn: '2026-11-20', type: 'managerial' as const },
    ],
    shifts: [
      // Monday 2 November 09:00-17:00 local: in hours, 2 required, 2 assigned.
      shift('2026-11-02T09:00:00Z', 8, 2, 2),
      // Monday night 17:00 to 09:00: out of hours, 1 required, none assigned (a gap).
      shift('2026-11-02T17:00:00Z', 16, 1, 0),
      // Saturday 7 November: weekend, 2 required, 3 assigned (filled counts 2).
      shift('2026-11-07T09:00:00Z', 24, 2, 3),
    ],
    assessments: [
      assessment({ openedAt: d('2026-11-02T18:00:00Z') }),
      assessment({ openedAt: d('2026-11-02T23:00:00Z') }),
      assessment({ openedAt: d('2026-11-07T12:00:00Z') }),
      assessment({ openedAt: d('2026-11-02T10:00:00Z') }),
    ],
  };
  const policy = { trainingHoursPerYear: 18, trainingMentalHealthHoursPerYear: 0, approvingCouncils: ['Northshire County Council'] };
  /** Today in the worked example: after November 2026 has ended. */
  const TODAY = '2026-12-06';
  const v = values(workforceFigures(sel(), input, policy, TODAY));

  it('counts AMHPs by headcount, FTE and profession on the last day of the period', () => {
    expect(v['amhps.all.headcount']).toBe(3);
    // An approval by a council with no arrangement with this one does not make its holder one of ours (AMHP-01).
    const elsewhere = {
      ...input,
      approvals: input.approvals.map((a) => (a.practitionerId === 'a' ? { ...a, approvingAuthority: 'Eastshire County Council' } : a)),
    };
    expect(values(workforceFigures(sel(), elsewhere, policy, TODAY))['amhps.all.headcount']).toBe(2);
    expect(v['amhps.all.fte']).toBe(2);
    expect(v['amhps.social-worker.headcount']).toBe(2);
    expect(v['amhps.social-worker.fte']).toBe(1.4);
    expect(v['amhps.mental-health-nurse.fte']).toBe(0.6);
  });

  it('counts approvals ending in the next six months, and supervision and training compliance', () => {
    expect(v['compliance.all.approvals-ending']).toBe(1);
    expect(v['compliance.all.supervision-in-date']).toBe(1);
    expect(v['compliance.all.supervision-overdue']).toBe(2);
    expect(v['compliance.all.training-short']).toBe(1);
    expect(v['compliance.all.training-met']).toBe(2);
  });

  // A status is a fact as at a day: a period that has not ended is judged as at today, not at its last day, which
  // would assume that no supervision or training will be recorded before then. a was supervised on 15 November (due
  // 15 December), b on 1 October (overdue since 1 November), c never; c's first approval year ends on 30 November 2026
  // with no training. [period, today, judged on, supervision in date, overdue, training short]
  it.each([
    ['2026-11', '2026-12-06', '2026-11-30', 1, 2, 1],
    ['2026-Q4', '2026-12-06', '2026-12-06', 1, 2, 2],
    ['2026-Q4', '2026-11-29', '2026-11-29', 1, 2, 1],
    ['2026-12', '2026-12-15', '2026-12-15', 1, 2, 2],
    ['2026-12', '2026-12-16', '2026-12-16', 0, 3, 2],
    ['2026-Q4', '2027-01-10', '2026-12-31', 0, 3, 2],
  ] as const)(
    'judges supervision and training in %s, today %s, as at %s (the earlier of its last day and today), and says so',
    (period, today, judgedOn, inDate, overdue, short) => {
      expect(complianceJudgedOn(sel(period).period.to, today)).toBe(judgedOn);
      const fs = workforceFigures(sel(period), input, policy, today);
      const w = values(fs);
      expect([
        w['compliance.all.supervision-in-date'],
        w['compliance.all.supervision-overdue'],
        w['compliance.all.training-short'],
      ]).toEqual([inDate, overdue, short]);
      const label = (measure: string) => fs.find((f) => f.section === 'compliance' && f.measure === measure)!.measureLabel;
      for (const measure of ['supervision-in-date', 'supervision-overdue', 'training-short', 'training-met'])
        expect(label(measure)).toMatch(new RegExp(`, as at ${judgedOn}$`));
      // Headcount and approvals ending stay at the period's last day: an approval's end is known ahead.
      expect(label('approvals-ending')).toBe('Approvals ending in the next 6 months');
      expect(workforceDefinitions(sel(period).period.to, today)).toContainEqual(
        expect.stringContaining(`Supervision and training are judged as at ${judgedOn}`),
      );
    },
  );

  it('measures rota fill and gaps: filled never counts more than required', () => {
    expect(v['rota.all.shifts']).toBe(3);
    expect(v['rota.all.required']).toBe(5);
    expect(v['rota.all.filled']).toBe(4);
    expect(v['rota.all.fill-rate']).toBe(0.8);
    expect(v['rota.all.gaps']).toBe(1);
    expect(v['rota.out.gaps']).toBe(1);
    expect(v['rota.weekend.filled']).toBe(2);
  });

  it('divides the assessments by FTE, and the out-of-hours assessments by out-of-hours shift', () => {
    expect(v['productivity.all.assessments']).toBe(4);
    expect(v['productivity.all.per-fte']).toBe(2);
    expect(v['out-of-hours-load.all.shifts']).toBe(2);
    expect(v['out-of-hours-load.all.assessments']).toBe(3);
    expect(v['out-of-hours-load.all.per-shift']).toBe(1.5);
    expect(v['out-of-hours-load.all.busiest']).toBe(2);
  });

  it('keeps to one team when asked, and suppresses small counts of staff and their FTE (one AMHP’s hours are hers)', () => {
    const south = values(workforceFigures(sel('2026-11', { team: 'South' }), input, policy, TODAY));
    expect(south['amhps.all.headcount']).toBe(1);
    expect(south['amhps.all.fte']).toBe(0.4);
    const suppressed = values(workforceFigures(sel(), input, policy, TODAY), true);
    expect(suppressed['amhps.all.headcount']).toBe('[c]');
    expect(suppressed['amhps.all.fte']).toBe('[c]');
    // What is derived from a hidden count is hidden too (secondary suppression).
    expect(suppressed['productivity.all.assessments']).toBe('[c]');
    expect(suppressed['productivity.all.per-fte']).toBe('[c]');
    expect(suppressed['out-of-hours-load.all.per-shift']).toBe('[c]');
  });

  it('lists behind each staff and rota figure the practitioners or shifts it counts, a shift once per place', () => {
    const fs = workforceFigures(sel(), input, policy, TODAY);
    const of = (key: string) => fs.find((f) => `${f.section}.${f.group}.${f.measure}` === key)!.members;
    expect(of('amhps.all.headcount').map((m) => m.practitionerId)).toHaveLength(v['amhps.all.headcount'] as number);
    expect(of('amhps.all.headcount').every((m) => m.personId === null && m.referralId === null)).toBe(true);
    expect(of('rota.all.required')).toHaveLength(v['rota.all.required'] as number);
    expect(of('rota.all.filled')).toHaveLength(v['rota.all.filled'] as number);
    expect(of('rota.all.gaps').map((m) => m.shiftId)).toHaveLength(1);
    expect(of('out-of-hours-load.all.busiest')).toHaveLength(2);
  });
});

describe("an AMHP's own workload: a worked example", () => {
  const rows = [
    assessment({ openedAt: d('2026-10-30T10:00:00Z') }),
    assessment({ openedAt: d('2026-11-02T10:00:00Z'), outcomeKind: 'not-detained', decidedAt: d('2026-11-02T13:00:00Z') }),
    assessment({ openedAt: d('2026-11-07T03:00:00Z'), outcomeKind: 'application', section: 's2', decidedAt: d('2026-11-07T06:00:00Z') }),
    assessment({ openedAt: d('2026-11-09T20:00:00Z') }),
  ];
  it('counts the assessments she led, out of hours, by outcome and by month', () => {
    const v = values(myWorkloadFigures(sel('2026-Q4'), rows));
    expect(v['summary.all.led']).toBe(4);
    expect(v['summary.all.out-of-hours']).toBe(2);
    expect(v['summary.all.decided']).toBe(2);
    expect(v['by-outcome.not-detained.decided']).toBe(1);
    expect(v['by-outcome.application-s2.decided']).toBe(1);
    expect(v['by-month.2026-10.led']).toBe(1);
    expect(v['by-month.2026-11.led']).toBe(3);
    expect(v['by-month.2026-11.out-of-hours']).toBe(2);
    expect(v['by-month.2026-12.led']).toBe(0);
  });
});

describe('out-of-hours safeguarding and DoLS: a worked example', () => {
  const decision = (type: string, occurredAt: string, over: Partial<DecisionRow> = {}): DecisionRow => ({
    decisionId: `${type}-${occurredAt}`,
    type,
    personId: null,
    occurredAt: d(occurredAt),
    signedAt: d(occurredAt),
    sac: null,
    extensionDecision: null,
    extensionDays: null,
    ...over,
  });
  const decisions = [
    decision('adult-safeguarding', '2026-11-02T22:00:00Z', {
      sac: {
        typeOfRisk: ['physical', 'domestic-abuse'],
        locationOfRisk: 'own-home',
        sourceOfRisk: 'other-known-to-individual',
        lackedCapacity: 'no',
        mspAsked: 'asked-outcomes-expressed',
      },
    }),
    decision('adult-safeguarding', '2026-11-08T03:00:00Z', {
      sac: {
        typeOfRisk: ['self-neglect'],
        locationOfRisk: 'own-home',
        enquiryConcluded: true,
        action: 'risk-identified-action-taken',
        riskOutcome: 'reduced',
      },
    }),
    decision('adult-safeguarding', '2026-11-09T03:00:00Z'),
    decision('dols-urgent-authorisation', '2026-11-04T21:00:00Z'),
    decision('dols-extension', '2026-11-05T21:00:00Z', { extensionDecision: 'extended', extensionDays: 7 }),
    decision('dols-extension', '2026-11-06T21:00:00Z', { extensionDecision: 'refused' }),
    decision('best-interests', '2026-10-31T21:00:00Z'),
  ];
  // Handed over at 08:00; acknowledged after 30, 60 and 240 minutes; one not acknowledged.
  const item = (itemType: string, ackMinutes: number | null): HandoverItemRow => ({
    itemId: `${itemType}-${ackMinutes}`,
    itemType,
    compiledAt: d('2026-11-03T08:00:00Z'),
    acknowledgedAt: ackMinutes === null ? null : new Date(d('2026-11-03T08:00:00Z').getTime() + ackMinutes * 60000),
  });
  const items = [item('decision', 30), item('decision', 60), item('referral', 240), item('action', null)];
  const v = values(outOfHoursFigures(sel(), decisions, items));

  it('counts decisions by type in the period', () => {
    expect(v['by-type.adult-safeguarding.decisions']).toBe(3);
    expect(v['by-type.dols-extension.decisions']).toBe(2);
    expect(v['by-type.best-interests.decisions']).toBe(0);
    expect(v['by-type.total.decisions']).toBe(6);
  });

  it('counts s.42 decisions in each SAC category they are coded to, and those not coded', () => {
    expect(v['sac-typeOfRisk.physical.decisions']).toBe(1);
    expect(v['sac-typeOfRisk.domestic-abuse.decisions']).toBe(1);
    expect(v['sac-typeOfRisk.self-neglect.decisions']).toBe(1);
    expect(v['sac-typeOfRisk.not-coded.decisions']).toBe(1);
    expect(v['sac-locationOfRisk.own-home.decisions']).toBe(2);
    expect(v['sac-action.risk-identified-action-taken.decisions']).toBe(1);
    expect(v['sac-action.not-coded.decisions']).toBe(2);
    expect(v['sac-riskOutcome.reduced.decisions']).toBe(1);
  });

  it('counts DoLS extensions by decision', () => {
    expect(v['dols.all.urgent-authorisations']).toBe(1);
    expect(v['dols.all.extensions']).toBe(2);
    expect(v['dols.all.extended']).toBe(1);
    expect(v['dols.all.refused']).toBe(1);
    expect(v['dols.all.median-days']).toBe(7);
  });

  it('measures the time to acknowledge handover items: median of 30, 60, 240 is 60; 90th percentile 60 + 0.8 × 180 = 204', () => {
    expect(v['handover.all.items']).toBe(4);
    expect(v['handover.all.acknowledged']).toBe(3);
    expect(v['handover.all.not-acknowledged']).toBe(1);
    expect(v['handover.all.median']).toBe(60);
    expect(v['handover.all.p90']).toBe(204);
    expect(v['handover.decision.items']).toBe(2);
  });

  it('keeps to the hours band asked for', () => {
    const weekend = values(outOfHoursFigures(sel('2026-11', { hours: 'weekend' }), decisions, items));
    // Sunday 8 November 03:00 is the only decision at a weekend.
    expect(weekend['by-type.total.decisions']).toBe(1);
  });
});
