/**
 * Report 2, timeliness: the median and 90th percentile of the time each step of a referral took. Pure.
 *
 * The cohort is the referrals received in the period (and matching the filters), less the duplicates withdrawn (DUTY-02). A step's time is from the instant of
 * the step before it to its own, in minutes, for each referral that has both and in that order; a referral missing a
 * step is left out of that step only. Percentiles are by linear interpolation (figures.ts `percentile`).
 */
import { LEGAL_CONTEXT_LABELS, REFERRAL_SOURCE_LABELS } from '../referrals/referral-labels';
import { labelOf, type Member, type RawFigure } from './report.model';
import { duplicateWithdrawn, member, type ReferralRow, selected, type Selection } from './rows';

/** The steps of a referral in order, each with the row field holding its instant. */
export const STEPS = [
  ['referral', 'Referral received', 'receivedAt'],
  ['screening', 'Screening decision', 'screenedAt'],
  ['allocation', 'Allocated to an AMHP', 'allocatedAt'],
  ['doctors-requested', 'Doctors requested', 'doctorsRequestedAt'],
  ['doctors-arrived', 'Doctors arrived (the last)', 'doctorsArrivedAt'],
  ['interview', 'Interview started', 'interviewAt'],
  ['decision', 'Decision', 'decisionAt'],
  ['application', 'Application signed', 'applicationAt'],
  ['admitted', 'Admitted', 'admittedAt'],
] as const satisfies ReadonlyArray<readonly [string, string, keyof ReferralRow]>;

export const TIMELINESS_DEFINITIONS = [
  'Cohort: the referrals received in the period, less any withdrawn as the duplicate of another open referral of the same person (DUTY-02: the same episode, timed once). A step takes from the instant of the step before it to its own, in minutes; a referral missing either end is left out of that step.',
  'Doctors arrived: the last doctor to arrive. Decision, application and admission: of the first assessment of the referral. Admitted: the admission recorded on its timeline; for a patient already in hospital, the hospital managers’ receipt of the application (s.5(1): the patient is treated as admitted then).',
  'Median and 90th percentile by linear interpolation between closest ranks (as PERCENTILE.INC): the median of an even number of times is the mean of the middle two.',
  'Referral to decision: the whole time from the referral received to the decision; its distribution counts the referrals in each band of that time.',
];

interface Step {
  code: string;
  label: string;
  minutes: (r: ReferralRow) => number | undefined;
}

const between = (a: Date | null, b: Date | null) => {
  if (!a || !b) return undefined;
  const ms = b.getTime() - a.getTime();
  return ms >= 0 ? Math.round(ms / 60000) : undefined;
};

type StepField = (typeof STEPS)[number][2];
/** Each step's instant, read by name (a read by a computed key is several times slower on ten years of rows). */
const INSTANT_OF: Record<StepField, (r: ReferralRow) => Date | null> = {
  receivedAt: (r) => r.receivedAt,
  screenedAt: (r) => r.screenedAt,
  allocatedAt: (r) => r.allocatedAt,
  doctorsRequestedAt: (r) => r.doctorsRequestedAt,
  doctorsArrivedAt: (r) => r.doctorsArrivedAt,
  interviewAt: (r) => r.interviewAt,
  decisionAt: (r) => r.decisionAt,
  applicationAt: (r) => r.applicationAt,
  admittedAt: (r) => r.admittedAt,
};

/** Each consecutive step (referral → screening, ..., application → admitted), then the whole referral → decision. */
export const STEP_TIMES: Step[] = [
  ...STEPS.slice(1).map(([code, label, field], i): Step => {
    const [fromCode, fromLabel, fromField] = STEPS[i];
    const [from, to] = [INSTANT_OF[fromField], INSTANT_OF[field]];
    return {
      code: `${fromCode}-to-${code}`,
      // Lower case after the arrow, but an acronym (AMHP) stays as it is.
      label: `${fromLabel} → ${label.charAt(0).toLowerCase()}${label.slice(1)}`,
      minutes: (r) => between(from(r), to(r)),
    };
  }),
  { code: 'referral-to-decision', label: 'Referral received → decision (whole)', minutes: (r) => between(r.receivedAt, r.decisionAt) },
];

/** The bands of the distribution of the whole time from referral to decision, in minutes: [from, to). */
export const DECISION_TIME_BANDS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['under-1h', 'Under 1 hour', 0, 60],
  ['1h-4h', '1 to 4 hours', 60, 240],
  ['4h-12h', '4 to 12 hours', 240, 720],
  ['12h-24h', '12 to 24 hours', 720, 1440],
  ['24h-72h', '24 to 72 hours', 1440, 4320],
  ['72h-plus', '72 hours or more', 4320, Infinity],
];

const MEASURES = [
  ['median', 'Median (minutes)', 50],
  ['p90', '90th percentile (minutes)', 90],
] as const;

export function timelinessFigures(sel: Selection, referrals: readonly ReferralRow[]): RawFigure[] {
  // A duplicate withdrawn (DUTY-02) is the episode timed on the referral it duplicated.
  const cohort = referrals.filter((r) => !duplicateWithdrawn(r) && selected(sel, r, r.receivedAt));
  // Each referral's record (the member of every figure it is in) and the minutes of each of its steps, worked out
  // once and shared by the blocks (all, by source, by legal context), which list referrals by their place in the cohort.
  const who = cohort.map((r) => member(r, r.receivedAt));
  const minutes = STEP_TIMES.map((step) => cohort.map((r) => step.minutes(r)));
  const figures: RawFigure[] = [];
  const block = (section: string, sectionLabel: string, rows: readonly number[]) => {
    for (const [s, step] of STEP_TIMES.entries()) {
      const members: Member[] = [];
      const sample: number[] = [];
      for (const i of rows) {
        const m = minutes[s][i];
        if (m === undefined) continue;
        members.push(who[i]);
        sample.push(m);
      }
      const dims = { section, sectionLabel, group: step.code, groupLabel: step.label };
      figures.push({ ...dims, measure: 'count', measureLabel: 'Referrals timed', unit: 'count', members, value: { kind: 'count' } });
      for (const [measure, measureLabel, p] of MEASURES)
        figures.push({ ...dims, measure, measureLabel, unit: 'minutes', members, value: { kind: 'percentile', p, sample } });
    }
  };
  const positions = cohort.map((_, i) => i);
  block('all', 'All referrals', positions);
  const whole = minutes[STEP_TIMES.length - 1];
  for (const [group, groupLabel, from, to] of DECISION_TIME_BANDS) {
    const members = positions.filter((i) => {
      const m = whole[i];
      return m !== undefined && m >= from && m < to;
    });
    figures.push({
      section: 'distribution',
      sectionLabel: 'Referral received → decision: distribution',
      group,
      groupLabel,
      measure: 'referrals',
      measureLabel: 'Referrals',
      unit: 'count',
      members: members.map((i) => who[i]),
      value: { kind: 'count' },
    });
  }
  for (const source of [...new Set(cohort.map((r) => r.source))].sort())
    block(
      `source-${source}`,
      `Source: ${labelOf(source, REFERRAL_SOURCE_LABELS)}`,
      positions.filter((i) => cohort[i].source === source),
    );
  for (const context of [...new Set(cohort.map((r) => r.legalContext))].sort())
    block(
      `legal-context-${context}`,
      `Legal context: ${labelOf(context, LEGAL_CONTEXT_LABELS)}`,
      positions.filter((i) => cohort[i].legalContext === context),
    );
  return figures;
}
