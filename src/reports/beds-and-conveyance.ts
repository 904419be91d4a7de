/**
 * Report 4, beds and conveyance. Pure.
 *
 * The cohort is the applications for admission (s.2, s.3, s.4) decided in the period. Each step is timed from the
 * instant of the step before it: decision → bed identified (the first "bed identified" on the timeline) → conveyance
 * arrived (the first "conveyance arrived"). The people waiting are those with an application signed and not yet
 * admitted at the end of the period (or now, if the period has not ended), while the application can still be acted
 * on (applicationActionableUntil): 14 local calendar days beginning with the day of signing for s.2 and s.3 (APP-13,
 * s.6(1)(a): the day of signing is day 1, the latest the last medical examination can have been), 24 hours from
 * signing for s.4 (APP-14, s.6(1)(b)).
 */
import { CONVEYANCE_MODES } from '../assessments/dto/assessment.dto';
import { CONVEYANCE_DAYS, S4_CONVEYANCE_HOURS } from '../statute/assessment-rules';
import { addDays, endOfLocalDay, localDate } from '../statute/time';
import { countFigure, labelOf, type Member, type RawFigure } from './report.model';
import { minutesBetween, type OpsAssessmentRow } from './ops-rows';
import { member, selected, type Selection } from './rows';

const HOUR = 3600_000;
const ADMISSION_SECTIONS = ['s2', 's3', 's4'];

export const CONVEYANCE_MODE_LABELS: Record<string, string> = {
  ambulance: 'Ambulance',
  'police-vehicle': 'Police vehicle',
  'secure-transport': 'Secure transport (private provider)',
  'hospital-transport': 'Hospital or trust transport',
  other: 'Other',
  'not-recorded': 'Not recorded',
};

/**
 * The first instant an application for admission signed at `signedAt` can no longer be acted on (half-open), counted
 * from the signing, the latest the examinations it rests on can have been. A s.2 or s.3 (APP-13, s.6(1)(a)): 14 days
 * *beginning with* the day, so local calendar days, the day of signing day 1, to the end of the 14th (local midnight,
 * whatever the clock change between). A s.4 (APP-14, s.6(1)(b)): 24 hours, elapsed hours, from the signing.
 */
export function applicationActionableUntil(section: string | null, signedAt: Date, zone: string): Date {
  if (section === 's4') return new Date(signedAt.getTime() + S4_CONVEYANCE_HOURS * HOUR);
  return endOfLocalDay(addDays(localDate(signedAt, zone), CONVEYANCE_DAYS - 1), zone);
}

export const BEDS_AND_CONVEYANCE_DEFINITIONS = [
  'Cohort: applications for admission (s.2, s.3, s.4) decided in the period.',
  'Decision → bed identified → conveyance arrived: from the decision to the first "bed identified" on the timeline, then to the first "conveyance arrived", in minutes; an application missing either end is left out of that step. Median and 90th percentile by linear interpolation.',
  "Out-of-area bed: the bed identified was recorded as outside the council's area. Mode of conveyance: as recorded on the conveyance's arrival (or its request).",
  'Waiting: an application signed and the person not admitted at the end of the period (or now, if earlier), while it can still be acted on (s.6(1)): for a s.2 or s.3, to the end of the 14th local calendar day, the day of signing being day 1 (so one signed at any time on 1 March can be acted on until midnight at the end of 14 March, local time, across a change of the clocks); for a s.4, 24 hours from signing, in elapsed hours. The wait is from signing to then.',
  'Not completed for want of a bed: the outcome "unable to complete" decided in the period, the last delay reason on its timeline "no bed".',
];

export function bedsAndConveyanceFigures(sel: Selection, rows: readonly OpsAssessmentRow[], now: Date): RawFigure[] {
  const figures: RawFigure[] = [];
  const cohort = rows.filter(
    (r) => r.outcomeKind === 'application' && ADMISSION_SECTIONS.includes(r.section ?? '') && selected(sel, r, r.decidedAt),
  );
  const m = (r: OpsAssessmentRow): Member => member(r, r.decidedAt!);

  const summary = { section: 'summary', sectionLabel: 'Applications for admission', group: 'all', groupLabel: 'All' };
  const add = (measure: string, measureLabel: string, rs: OpsAssessmentRow[]) =>
    figures.push(countFigure({ ...summary, measure, measureLabel }, rs.map(m)));
  add('applications', 'Applications decided', cohort);
  add(
    'bed-identified',
    'Bed identified',
    cohort.filter((r) => r.bedIdentifiedAt),
  );
  add(
    'out-of-area',
    'Bed out of area',
    cohort.filter((r) => r.bedIdentifiedAt && r.bedOutOfArea === true),
  );
  add(
    'in-area',
    'Bed in area',
    cohort.filter((r) => r.bedIdentifiedAt && r.bedOutOfArea === false),
  );
  add(
    'area-not-recorded',
    'Bed: area not recorded',
    cohort.filter((r) => r.bedIdentifiedAt && r.bedOutOfArea === null),
  );
  add(
    'conveyed',
    'Conveyance arrived',
    cohort.filter((r) => r.conveyanceArrivedAt),
  );
  add(
    'admitted',
    'Admitted',
    cohort.filter((r) => r.admittedAt),
  );

  const steps: Array<[string, string, (r: OpsAssessmentRow) => number | undefined]> = [
    ['decision-to-bed', 'Decision → bed identified', (r) => minutesBetween(r.decidedAt, r.bedIdentifiedAt)],
    ['bed-to-conveyance', 'Bed identified → conveyance arrived', (r) => minutesBetween(r.bedIdentifiedAt, r.conveyanceArrivedAt)],
    ['decision-to-conveyance', 'Decision → conveyance arrived (whole)', (r) => minutesBetween(r.decidedAt, r.conveyanceArrivedAt)],
  ];
  for (const [group, groupLabel, minutes] of steps) {
    const timed = cohort.flatMap((r) => {
      const v = minutes(r);
      return v === undefined ? [] : [{ v, who: m(r) }];
    });
    const dims = { section: 'steps', sectionLabel: 'Time of each step (minutes)', group, groupLabel };
    const members = timed.map((x) => x.who);
    const sample = timed.map((x) => x.v);
    figures.push({ ...dims, measure: 'count', measureLabel: 'Applications timed', unit: 'count', members, value: { kind: 'count' } });
    figures.push({
      ...dims,
      measure: 'median',
      measureLabel: 'Median (minutes)',
      unit: 'minutes',
      members,
      value: { kind: 'percentile', p: 50, sample },
    });
    figures.push({
      ...dims,
      measure: 'p90',
      measureLabel: '90th percentile (minutes)',
      unit: 'minutes',
      members,
      value: { kind: 'percentile', p: 90, sample },
    });
  }

  const conveyed = cohort.filter((r) => r.conveyanceArrivedAt || r.conveyanceMode);
  for (const mode of [...CONVEYANCE_MODES, 'not-recorded', ...new Set(conveyed.map((r) => r.conveyanceMode ?? 'not-recorded'))].filter(
    (v, i, all) => all.indexOf(v) === i,
  ))
    figures.push(
      countFigure(
        {
          section: 'conveyance-mode',
          sectionLabel: 'Mode of conveyance',
          group: mode,
          groupLabel: labelOf(mode, CONVEYANCE_MODE_LABELS),
          measure: 'conveyances',
          measureLabel: 'Conveyances',
        },
        conveyed.filter((r) => (r.conveyanceMode ?? 'not-recorded') === mode).map(m),
      ),
    );

  // Waiting at the end of the period (or now): signed, not admitted, still within s.6(1).
  const asAt = new Date(Math.min(sel.period.end.getTime(), now.getTime()));
  // Signed before then (the filters applying to the signing), and still actionable then.
  const signedBefore: Selection = { ...sel, period: { ...sel.period, start: new Date(-8.64e15), end: asAt } };
  const waiting = rows.filter(
    (r) =>
      r.outcomeKind === 'application' &&
      ADMISSION_SECTIONS.includes(r.section ?? '') &&
      selected(signedBefore, r, r.applicationAt) &&
      asAt < applicationActionableUntil(r.section, r.applicationAt, sel.zone) &&
      !(r.admittedAt && r.admittedAt < asAt),
  );
  const waitDims = {
    section: 'waiting',
    sectionLabel: 'Waiting with an application signed, at the end of the period',
    group: 'all',
    groupLabel: 'All',
  };
  const waitMembers = waiting.map((r) => member(r, r.applicationAt!));
  const waits = waiting.map((r) => Math.round((asAt.getTime() - r.applicationAt!.getTime()) / 60000));
  figures.push(countFigure({ ...waitDims, measure: 'waiting', measureLabel: 'People waiting' }, waitMembers));
  figures.push({
    ...waitDims,
    measure: 'median-wait',
    measureLabel: 'Median wait so far (minutes)',
    unit: 'minutes',
    members: waitMembers,
    value: { kind: 'percentile', p: 50, sample: waits },
  });
  figures.push({
    ...waitDims,
    measure: 'longest-wait',
    measureLabel: 'Longest wait so far (minutes)',
    unit: 'minutes',
    members: waitMembers,
    value: { kind: 'percentile', p: 100, sample: waits },
  });

  const decided = rows.filter((r) => r.outcomeKind !== null && selected(sel, r, r.decidedAt));
  const notCompleted = decided.filter((r) => r.outcomeKind === 'not-detained' && r.alternatives.includes('unable-to-complete'));
  const nc = { section: 'not-completed', sectionLabel: 'Assessments not completed', group: 'all', groupLabel: 'All' };
  figures.push(
    countFigure(
      { ...nc, measure: 'not-completed', measureLabel: 'Not completed (any reason)' },
      notCompleted.map((r) => member(r, r.decidedAt!)),
    ),
  );
  figures.push(
    countFigure(
      { ...nc, measure: 'no-bed', measureLabel: 'Not completed for want of a bed' },
      notCompleted.filter((r) => r.lastDelayReason === 'no-bed').map((r) => member(r, r.decidedAt!)),
    ),
  );
  return figures;
}
