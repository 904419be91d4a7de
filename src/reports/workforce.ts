/**
 * Report 8, workforce and rota, and an AMHP's own workload. Pure.
 *
 * An AMHP is a practitioner record, active, with an approval in effect on the last day of the period (its start on
 * or before that day, its end, or its early end, on or after it). Compliance is as at that day, or as at today when
 * the period has not ended (`judgedOn`: nothing recorded after today is known yet, so a status judged at a day to come
 * would be a projection that assumes none will be): supervision by the
 * practitioner's own interval (supervision.rules `supervisionDue`), training by the years of the approval in effect
 * (workforce.rules `trainingByApprovalYear`: any year ended short of the hours is a shortfall). The rota counts the
 * shifts starting in the period, each in the hours band of its start.
 */
import { addMonths, type IsoDate, localDate } from '../statute/time';
import { lastProfessionalSupervision, type SessionFacts, supervisionDue } from '../supervision/supervision.rules';
import { approvedHere, effectiveEnd, trainingByApprovalYear, type WorkforcePolicy } from '../workforce/workforce.rules';
import { monthLabel, OUTCOME_LABELS, outcomeCode } from './activity';
import { quotientFigure, type OpsAssessmentRow, shiftMember, staffMember } from './ops-rows';
import { HOURS_BAND_LABELS, HOURS_BANDS, hoursBand, localMonth } from './period';
import { countFigure, labelOf, type Member, type RawFigure } from './report.model';
import { member, selected, type Selection } from './rows';

export interface PractitionerRow {
  practitionerId: string;
  userId: string;
  profession: string;
  team: string | null;
  fte: number;
  active: boolean;
  supervisionIntervalDays: number;
  createdAt: Date;
}
export interface ApprovalRow {
  practitionerId: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
  endedOn: IsoDate | null;
  approvingAuthority: string;
}
export interface TrainingRow {
  practitionerId: string;
  completedOn: IsoDate;
  hours: number;
  mentalHealthSpecific: boolean;
}
export interface SupervisionRow {
  practitionerId: string;
  heldOn: IsoDate;
  type: SessionFacts['type'];
}
export interface ShiftRow {
  shiftId: string;
  startsAt: Date;
  endsAt: Date;
  requiredCount: number;
  assignedCount: number;
}

export interface WorkforceInput {
  practitioners: readonly PractitionerRow[];
  approvals: readonly ApprovalRow[];
  training: readonly TrainingRow[];
  supervision: readonly SupervisionRow[];
  shifts: readonly ShiftRow[];
  /** Assessments opened in the period (what selects and lists them, and when). */
  assessments: ReadonlyArray<
    Pick<OpsAssessmentRow, 'assessmentId' | 'referralId' | 'personId' | 'source' | 'legalContext' | 'team' | 'openedAt'>
  >;
}

/** The professions an AMHP may be approved from (AMHP-03), in the workforce survey's order. */
export const PROFESSION_LABELS: Record<string, string> = {
  'social-worker': 'Social worker',
  'mental-health-nurse': 'Mental health nurse',
  'learning-disability-nurse': 'Learning disability nurse',
  'occupational-therapist': 'Occupational therapist',
  psychologist: 'Chartered psychologist',
};

/**
 * The day supervision and training are judged at: the period's last day, or today if that is earlier (a period that
 * has not ended yet). Statuses (in date, overdue, short) are facts as at a day, and what is recorded between today and
 * a later day is not known: judged at the later day they would be a projection that assumes nothing more is recorded.
 */
export function complianceJudgedOn(periodTo: IsoDate, today: IsoDate): IsoDate {
  return periodTo < today ? periodTo : today;
}

export function workforceDefinitions(periodTo: IsoDate, today: IsoDate): string[] {
  const judgedOn = complianceJudgedOn(periodTo, today);
  return [
    'AMHPs: practitioners, active, with an approval in effect on the last day of the period by this council or one with an arrangement with it (APPROVING_COUNCILS); FTE as recorded on the practitioner record.',
    'Approvals ending: the approval in effect ends (or was ended early) in the six months after the period.',
    judgedOn === periodTo
      ? `Supervision and training are judged as at ${judgedOn}, the last day of the period.`
      : `Supervision and training are judged as at ${judgedOn}, today: the period ends on ${periodTo}, and what will be recorded before then is not known yet.`,
    "Supervision in date: the last professional supervision is within the practitioner's own interval on the day judged (never supervised: counted from the record's creation).",
    'Training short: a year of the approval in effect that had ended by the day judged ended with fewer training hours (or mental-health-specific hours) than required.',
    'Rota: the shifts starting in the period, by the hours band of their start. Filled: AMHPs assigned, up to the number required. A gap: a shift with fewer AMHPs assigned than required. The records behind the places required (or filled) list each shift once per place.',
    'Assessments per FTE: the assessments opened in the period divided by the FTE of the AMHPs on its last day.',
    'Out-of-hours load: the assessments opened during a shift starting out of hours or at a weekend or bank holiday, per such shift.',
  ];
}

export function workforceFigures(
  sel: Selection,
  input: WorkforceInput,
  policy: Pick<WorkforcePolicy, 'trainingHoursPerYear' | 'trainingMentalHealthHoursPerYear' | 'approvingCouncils'>,
  /** The hub's local date today. */
  today: IsoDate,
): RawFigure[] {
  const figures: RawFigure[] = [];
  const on = sel.period.to;
  const judgedOn = complianceJudgedOn(on, today);
  const approvalOf = (p: PractitionerRow) =>
    input.approvals
      .filter(
        (a) =>
          a.practitionerId === p.practitionerId &&
          a.startsOn <= on &&
          effectiveEnd(a) >= on &&
          approvedHere(a.approvingAuthority, policy.approvingCouncils),
      )
      .sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0];
  const amhps = input.practitioners
    .filter((p) => p.active && (sel.filters.team === undefined || p.team === sel.filters.team))
    .flatMap((p) => {
      const approval = approvalOf(p);
      return approval ? [{ p, approval }] : [];
    });
  const fteOf = (xs: typeof amhps) => xs.reduce((s, x) => s + x.p.fte, 0);
  // The staff behind a figure, as at the end of the period's last day.
  const asAt = new Date(sel.period.end.getTime() - 1);
  const people = (xs: typeof amhps): Member[] => xs.map((x) => staffMember(x.p.practitionerId, asAt));
  const fteFigure = (dims: Omit<RawFigure, 'members' | 'value' | 'unit'>, xs: typeof amhps): RawFigure => ({
    ...dims,
    unit: 'fte',
    members: people(xs),
    value: { kind: 'sum', total: fteOf(xs) },
  });

  const staff = (group: string, groupLabel: string, xs: typeof amhps) => {
    const dims = { section: 'amhps', sectionLabel: 'AMHPs on the last day of the period', group, groupLabel };
    figures.push(countFigure({ ...dims, measure: 'headcount', measureLabel: 'Headcount' }, people(xs)));
    figures.push(fteFigure({ ...dims, measure: 'fte', measureLabel: 'FTE' }, xs));
  };
  staff('all', 'All', amhps);
  for (const profession of [...new Set<string>([...Object.keys(PROFESSION_LABELS), ...amhps.map((x) => x.p.profession)])])
    staff(
      profession,
      labelOf(profession, PROFESSION_LABELS),
      amhps.filter((x) => x.p.profession === profession),
    );

  const sixMonths = addMonths(on, 6);
  const compliance = { section: 'compliance', sectionLabel: 'Approvals, supervision and training', group: 'all', groupLabel: 'All AMHPs' };
  const tally = (measure: string, measureLabel: string, xs: typeof amhps) =>
    figures.push(countFigure({ ...compliance, measure, measureLabel }, people(xs)));
  // The day a status was judged at is in its label, so that it travels with the figure (JSON, CSV, HTML, PDF).
  const judged = (label: string) => `${label}, as at ${judgedOn}`;
  tally(
    'approvals-ending',
    'Approvals ending in the next 6 months',
    amhps.filter((x) => effectiveEnd(x.approval) > on && effectiveEnd(x.approval) <= sixMonths),
  );
  const supervision = amhps.map(({ p }) =>
    supervisionDue(
      {
        lastProfessionalOn: lastProfessionalSupervision(
          input.supervision.filter((s) => s.practitionerId === p.practitionerId),
          judgedOn,
        ),
        intervalDays: p.supervisionIntervalDays,
        recordCreatedOn: localDate(p.createdAt, sel.zone),
      },
      judgedOn,
    ),
  );
  tally(
    'supervision-in-date',
    judged('Supervision in date'),
    amhps.filter((_, i) => supervision[i].status === 'in-date'),
  );
  tally(
    'supervision-overdue',
    judged('Supervision overdue'),
    amhps.filter((_, i) => supervision[i].status === 'overdue'),
  );
  const short = amhps.filter(({ p, approval }) =>
    trainingByApprovalYear(
      approval,
      input.training.filter((t) => t.practitionerId === p.practitionerId),
      policy,
      judgedOn,
    ).some((y) => y.status === 'short'),
  );
  tally('training-short', judged('Training: an approval year ended short of the hours'), short);
  tally(
    'training-met',
    judged('Training: no approval year short'),
    amhps.filter((x) => !short.includes(x)),
  );

  const shifts = input.shifts.filter((s) => s.startsAt >= sel.period.start && s.startsAt < sel.period.end);
  const bands = new Map(shifts.map((s) => [s, hoursBand(s.startsAt, sel.zone, sel.bankHolidays)]));
  const band = (s: ShiftRow) => bands.get(s)!;
  for (const [group, groupLabel, rows] of [
    ['all', 'All shifts', shifts],
    ...HOURS_BANDS.map((b) => [b, HOURS_BAND_LABELS[b], shifts.filter((s) => band(s) === b)] as const),
  ] as const) {
    const dims = { section: 'rota', sectionLabel: 'Rota fill and gaps', group, groupLabel };
    // A place: one AMHP a shift needs (each shift listed once per place); filled up to the number required.
    const places = (x: ShiftRow, n: number) => Array.from({ length: Math.max(0, n) }, () => shiftMember(x.shiftId, x.startsAt));
    const required = rows.flatMap((x) => places(x, x.requiredCount));
    const filled = rows.flatMap((x) => places(x, Math.min(x.assignedCount, x.requiredCount)));
    figures.push(
      countFigure(
        { ...dims, measure: 'shifts', measureLabel: 'Shifts' },
        rows.map((x) => shiftMember(x.shiftId, x.startsAt)),
      ),
    );
    figures.push(countFigure({ ...dims, measure: 'required', measureLabel: 'AMHPs required' }, required));
    figures.push(countFigure({ ...dims, measure: 'filled', measureLabel: 'Filled' }, filled));
    figures.push({
      ...dims,
      measure: 'fill-rate',
      measureLabel: 'Filled / required',
      unit: 'share',
      members: required,
      value: { kind: 'share', numerator: filled.length },
    });
    figures.push(
      countFigure(
        { ...dims, measure: 'gaps', measureLabel: 'Shifts with a gap' },
        rows.filter((x) => x.assignedCount < x.requiredCount).map((x) => shiftMember(x.shiftId, x.startsAt)),
      ),
    );
  }

  const opened = input.assessments.filter((a) => selected(sel, a, a.openedAt));
  const fte = fteOf(amhps);
  const prod = { section: 'productivity', sectionLabel: 'Assessments per FTE', group: 'all', groupLabel: 'All' };
  figures.push(
    countFigure(
      { ...prod, measure: 'assessments', measureLabel: 'Assessments opened' },
      opened.map((a) => member(a, a.openedAt)),
    ),
  );
  figures.push(fteFigure({ ...prod, measure: 'fte', measureLabel: 'FTE' }, amhps));
  figures.push(
    quotientFigure(
      { ...prod, measure: 'per-fte', measureLabel: 'Assessments per FTE' },
      opened.length,
      { sum: fte, members: amhps.length },
      opened.map((a) => member(a, a.openedAt)),
    ),
  );

  const oohShifts = shifts.filter((s) => band(s) !== 'in');
  // The assessments opened during each shift, [start, end): found by binary search in the openings in time order.
  const order = opened.map((_, i) => i).sort((i, j) => opened[i].openedAt.getTime() - opened[j].openedAt.getTime());
  const times = order.map((i) => opened[i].openedAt.getTime());
  const firstAtOrAfter = (t: number) => {
    let [lo, hi] = [0, times.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const duringAny = new Array<boolean>(opened.length).fill(false);
  const loads = oohShifts.map((s) => {
    const [from, to] = [firstAtOrAfter(s.startsAt.getTime()), firstAtOrAfter(s.endsAt.getTime())];
    for (let k = from; k < to; k++) duringAny[order[k]] = true;
    return Math.max(0, to - from);
  });
  const inOoh = opened.filter((_, i) => duringAny[i]);
  const ooh = {
    section: 'out-of-hours-load',
    sectionLabel: 'Out-of-hours load per shift',
    group: 'all',
    groupLabel: 'Out-of-hours and weekend shifts',
  };
  figures.push(
    countFigure(
      { ...ooh, measure: 'shifts', measureLabel: 'Shifts' },
      oohShifts.map((s) => shiftMember(s.shiftId, s.startsAt)),
    ),
  );
  figures.push(
    countFigure(
      { ...ooh, measure: 'assessments', measureLabel: 'Assessments opened during them' },
      inOoh.map((a) => member(a, a.openedAt)),
    ),
  );
  figures.push(
    quotientFigure(
      { ...ooh, measure: 'per-shift', measureLabel: 'Assessments per shift (mean)' },
      loads.reduce((s, x) => s + x, 0),
      { count: loads.length },
      oohShifts.map((s) => shiftMember(s.shiftId, s.startsAt)),
      // An assessment during two overlapping shifts counts in each: the assessments figure beside it is hidden too.
      { alongside: [inOoh.length] },
    ),
  );
  // The busiest shift: the first of those with the most assessments (none when there was no such shift).
  const most = loads.reduce((max, x) => Math.max(max, x), 0);
  const busiest = oohShifts[loads.indexOf(most)];
  const busiestOpened = busiest
    ? order.slice(firstAtOrAfter(busiest.startsAt.getTime()), firstAtOrAfter(busiest.endsAt.getTime())).map((k) => opened[k])
    : [];
  figures.push(
    countFigure(
      { ...ooh, measure: 'busiest', measureLabel: 'Assessments in the busiest shift' },
      busiestOpened.map((a) => member(a, a.openedAt)),
    ),
  );
  return figures;
}

export const MY_WORKLOAD_DEFINITIONS = [
  'Your own figures: the assessments you led, opened in the period (by the hours band and the local month they were opened in), and their outcomes decided in the period.',
  'Out of hours: opened on a weekday before 09:00 or from 17:00, or at a weekend or on a bank holiday.',
];

/** The caller's own workload: `rows` are the assessments she led. */
export function myWorkloadFigures(sel: Selection, rows: readonly OpsAssessmentRow[]): RawFigure[] {
  const figures: RawFigure[] = [];
  const opened = rows.filter((a) => selected(sel, a, a.openedAt));
  const decided = rows.filter((a) => a.outcomeKind !== null && selected(sel, a, a.decidedAt));
  const bands = new Map(opened.map((a) => [a, hoursBand(a.openedAt, sel.zone, sel.bankHolidays)]));
  const outOfHours = (a: OpsAssessmentRow) => bands.get(a) !== 'in';
  const o = (a: OpsAssessmentRow) => member(a, a.openedAt);
  const all = { section: 'summary', sectionLabel: 'Summary', group: 'all', groupLabel: 'All' };
  figures.push(countFigure({ ...all, measure: 'led', measureLabel: 'Assessments led' }, opened.map(o)));
  figures.push(
    countFigure({ ...all, measure: 'out-of-hours', measureLabel: 'Of which out of hours or weekend' }, opened.filter(outOfHours).map(o)),
  );
  figures.push(
    countFigure(
      { ...all, measure: 'decided', measureLabel: 'Decided' },
      decided.map((a) => member(a, a.decidedAt!)),
    ),
  );
  for (const code of [...Object.keys(OUTCOME_LABELS), ...decided.map((a) => outcomeCode(a)!)].filter((v, i, xs) => xs.indexOf(v) === i))
    figures.push(
      countFigure(
        {
          section: 'by-outcome',
          sectionLabel: 'By outcome',
          group: code,
          groupLabel: labelOf(code, OUTCOME_LABELS),
          measure: 'decided',
          measureLabel: 'Decided',
        },
        decided.filter((a) => outcomeCode(a) === code).map((a) => member(a, a.decidedAt!)),
      ),
    );
  const byMonth = new Map<string, OpsAssessmentRow[]>();
  for (const a of opened) {
    const month = localMonth(a.openedAt, sel.zone);
    const rows = byMonth.get(month);
    if (rows) rows.push(a);
    else byMonth.set(month, [a]);
  }
  for (const month of sel.period.months) {
    const inMonth = byMonth.get(month) ?? [];
    const dims = { section: 'by-month', sectionLabel: 'By month', group: month, groupLabel: monthLabel(month) };
    figures.push(countFigure({ ...dims, measure: 'led', measureLabel: 'Assessments led' }, inMonth.map(o)));
    figures.push(
      countFigure({ ...dims, measure: 'out-of-hours', measureLabel: 'Out of hours or weekend' }, inMonth.filter(outOfHours).map(o)),
    );
  }
  return figures;
}
