/**
 * Report 1, activity and outcomes: every figure defined once, here. Pure: rows in, figures out.
 *
 * Each event counts in the month (local time) it happened, and in the hours band of that instant:
 * - referrals: received; of those, withdrawn as the duplicate of another open referral of the same person (DUTY-02:
 *   linked at intake, then withdrawn) and withdrawn otherwise, each in the month received; screened out: the screening
 *   decision was "not accepted" or "transferred";
 * - assessments arranged: opened; completed: an outcome recorded other than "unable to complete"; not completed: the
 *   outcome "unable to complete", by the last delay reason on its timeline (e.g. no bed, person not found);
 * - outcomes: the decision, by section (s.2, s.3, s.4 applications, s.7 guardianship, CTO agreed or not), an
 *   assessment not completed as such (never as "not detained"), and, for a completed one not detained, by each
 *   alternative recorded (one assessment may record several);
 * - detentions: applications under s.2, s.3 or s.4; detention rate: detentions / assessments completed.
 */
import { DateTime } from 'luxon';
import { HOURS_BAND_LABELS, HOURS_BANDS, hoursBand, localMonth } from './period';
import { countFigure, labelOf, type Member, type RawFigure } from './report.model';
import { type AssessmentRow, duplicateWithdrawn, member, type ReferralRow, selected, type Selection } from './rows';

export const ACTIVITY_DEFINITIONS = [
  'Each event counts in the local month (Europe/London) and the hours band of the instant it happened.',
  'Referrals: received. Of those, duplicates withdrawn: linked at intake to another open referral of the same person (DUTY-02) and then withdrawn, the same episode counted once already; withdrawn: any other referral withdrawn. Both count in the month the referral was received. Screened out: the screening decision was not accepted, or transferred to another council.',
  'Assessments arranged: opened. Completed: an outcome recorded other than "unable to complete". Not completed: "unable to complete", by the last delay reason on its timeline.',
  'Detentions: applications under s.2, s.3 or s.4. Detention rate: detentions / assessments completed.',
  'Outcomes: each decided assessment once, by its decision; one not completed is counted as not completed, never as not detained. Alternatives: those recorded on completed assessments where the person was not detained (one may record several).',
  'In hours: Monday to Friday 09:00-17:00 local time, not a bank holiday; weekend: Saturday, Sunday or a bank holiday.',
];

const UNABLE = 'unable-to-complete';
const DETENTION_SECTIONS = ['s2', 's3', 's4'];

export const OUTCOME_LABELS: Record<string, string> = {
  'application-s2': 'Application s.2',
  'application-s3': 'Application s.3',
  'application-s4': 'Application s.4 (emergency)',
  'application-s7': 'Guardianship application s.7',
  'cto-agree': 'CTO: AMHP agreed',
  'cto-disagree': 'CTO: AMHP did not agree',
  'cto-revocation-agree': 'CTO revocation (recall): AMHP agreed',
  'cto-revocation-disagree': 'CTO revocation (recall): AMHP did not agree',
  'not-detained': 'Not detained',
  'not-completed': 'Not completed (unable to complete)',
};

/**
 * The outcome code of a decided assessment (as in OUTCOME_LABELS). One that could not be completed is recorded as not
 * detained with "unable to complete" (no decision on detention was made): it is `not-completed`, never counted as a
 * decision not to detain.
 */
export function outcomeCode(a: {
  outcomeKind: string | null;
  section: string | null;
  ctoDecision?: string | null;
  legalContext?: string | null;
  alternatives?: readonly string[] | null;
}): string | null {
  if (a.outcomeKind === 'application') return `application-${a.section ?? 'unknown'}`;
  if (a.outcomeKind === 'not-detained' && a.alternatives?.includes(UNABLE)) return 'not-completed';
  // CTO-03 (s.17F(4)): for a recalled patient the AMHP's decision is on revoking the CTO, not on making one (CTO-01).
  if (a.outcomeKind === 'cto-decision') return `cto-${a.legalContext === 'cto-recall' ? 'revocation-' : ''}${a.ctoDecision ?? 'unknown'}`;
  return a.outcomeKind;
}

const completed = (a: AssessmentRow) => a.outcomeKind !== null && !a.alternatives.includes(UNABLE);
const notCompleted = (a: AssessmentRow) => a.outcomeKind === 'not-detained' && a.alternatives.includes(UNABLE);
const detained = (a: AssessmentRow) => a.outcomeKind === 'application' && DETENTION_SECTIONS.includes(a.section ?? '');

const monthLabels = new Map<string, string>();
/** `2026-11` → `November 2026` (each month's label formatted once). */
export function monthLabel(m: string): string {
  let label = monthLabels.get(m);
  if (label === undefined) {
    label = DateTime.fromISO(`${m}-01`, { zone: 'UTC' }).setLocale('en-GB').toFormat('LLLL yyyy');
    if (monthLabels.size < 10_000) monthLabels.set(m, label);
  }
  return label;
}

/** Groups members by a key, keeping the keys in the order given first, then any others sorted. */
function groupBy(items: Array<[string, Member]>, order: readonly string[] = []): Array<[string, Member[]]> {
  const map = new Map<string, Member[]>(order.map((k) => [k, []]));
  for (const [k, m] of items) {
    const group = map.get(k);
    if (group) group.push(m);
    else map.set(k, [m]);
  }
  const ordered = new Set(order);
  const rest = [...map.keys()].filter((k) => !ordered.has(k)).sort();
  return [...order, ...rest].map((k) => [k, map.get(k)!]);
}

/** What activity reads of a referral: who, what selects it, and when it was received and screened. */
export type ActivityReferralRow = Pick<
  ReferralRow,
  | 'referralId'
  | 'personId'
  | 'assessmentId'
  | 'source'
  | 'legalContext'
  | 'team'
  | 'receivedAt'
  | 'screenedAt'
  | 'screeningResult'
  | 'withdrawnAt'
  | 'linkedAtIntake'
>;

export function activityFigures(
  sel: Selection,
  referrals: readonly ActivityReferralRow[],
  assessments: readonly AssessmentRow[],
): RawFigure[] {
  const zone = sel.zone;
  const receivedRows = referrals.filter((r) => selected(sel, r, r.receivedAt));
  const received = receivedRows.map((r) => member(r, r.receivedAt));
  const duplicates = receivedRows.filter(duplicateWithdrawn).map((r) => member(r, r.receivedAt));
  const withdrawn = receivedRows.filter((r) => r.withdrawnAt !== null && !duplicateWithdrawn(r)).map((r) => member(r, r.receivedAt));
  const screenedOut = referrals
    .filter((r) => (r.screeningResult === 'not-accepted' || r.screeningResult === 'transferred') && selected(sel, r, r.screenedAt))
    .map((r) => ({ code: r.screeningResult!, m: member(r, r.screenedAt!) }));
  const arranged = assessments.filter((a) => selected(sel, a, a.openedAt)).map((a) => member(a, a.openedAt));
  const decided = assessments.filter((a) => a.outcomeKind !== null && selected(sel, a, a.decidedAt));
  const done = decided.filter(completed).map((a) => ({ a, m: member(a, a.decidedAt!) }));
  const undone = decided.filter(notCompleted).map((a) => ({ a, m: member(a, a.decidedAt!) }));
  const detentions = decided.filter(detained).map((a) => member(a, a.decidedAt!));

  const figures: RawFigure[] = [];
  // (localMonth and hoursBand ask the time zone once per day: a cache per instant would cost more than it saves.)
  const monthOf = (at: Date) => localMonth(at, zone);
  const month = (m: Member) => [monthOf(m.at), m] as [string, Member];
  const byMonth = (measure: string, measureLabel: string, members: Member[]) => {
    for (const [group, ms] of groupBy(members.map(month), sel.period.months))
      figures.push(
        countFigure({ section: 'by-month', sectionLabel: 'By month', group, groupLabel: monthLabel(group), measure, measureLabel }, ms),
      );
    figures.push(
      countFigure(
        { section: 'by-month', sectionLabel: 'By month', group: 'total', groupLabel: 'Whole period', measure, measureLabel },
        members,
      ),
    );
  };
  byMonth('referrals', 'Referrals', received);
  byMonth('duplicates-withdrawn', 'Of which duplicates withdrawn (DUTY-02)', duplicates);
  byMonth('withdrawn', 'Of which withdrawn (other)', withdrawn);
  byMonth(
    'screened-out',
    'Screened out',
    screenedOut.map((s) => s.m),
  );
  byMonth('arranged', 'Assessments arranged', arranged);
  byMonth(
    'completed',
    'Assessments completed',
    done.map((d) => d.m),
  );
  byMonth(
    'not-completed',
    'Assessments not completed',
    undone.map((d) => d.m),
  );
  byMonth('detentions', 'Detentions (s.2, s.3, s.4)', detentions);
  // The rate of each month (and the whole period): detentions among that month's completed assessments.
  const completedByMonth = new Map(groupBy(done.map((d) => month(d.m))));
  const detentionsByMonth = new Map(groupBy(detentions.map(month)));
  for (const group of [...sel.period.months, 'total']) {
    const denominator = group === 'total' ? done.map((d) => d.m) : (completedByMonth.get(group) ?? []);
    const numerator = group === 'total' ? detentions.length : (detentionsByMonth.get(group)?.length ?? 0);
    figures.push({
      section: 'by-month',
      sectionLabel: 'By month',
      group,
      groupLabel: group === 'total' ? 'Whole period' : monthLabel(group),
      measure: 'detention-rate',
      measureLabel: 'Detention rate (detentions / completed)',
      unit: 'share',
      members: denominator,
      value: { kind: 'share', numerator },
    });
  }

  const section = (
    name: string,
    label: string,
    measure: string,
    measureLabel: string,
    items: Array<[string, Member]>,
    order: string[],
    labels: Record<string, string> = {},
  ) => {
    for (const [group, ms] of groupBy(items, order))
      figures.push(
        countFigure({ section: name, sectionLabel: label, group, groupLabel: labelOf(group, labels), measure, measureLabel }, ms),
      );
  };
  section(
    'screened-out-by-reason',
    'Screened out, by reason',
    'screened-out',
    'Screened out',
    screenedOut.map((s) => [s.code, s.m]),
    ['not-accepted', 'transferred'],
    { 'not-accepted': 'Not accepted (no assessment needed)', transferred: 'Transferred to another council' },
  );
  section(
    'not-completed-by-reason',
    'Assessments not completed, by reason',
    'not-completed',
    'Not completed',
    undone.map((d) => [d.a.lastDelayReason ?? 'not-recorded', d.m]),
    [],
    { 'no-bed': 'No bed', 'person-not-found': 'Person not found', 'not-recorded': 'Reason not recorded' },
  );
  section(
    'outcomes',
    'Outcomes, by section',
    'assessments',
    'Assessments',
    decided.map((a) => [outcomeCode(a)!, member(a, a.decidedAt!)]),
    Object.keys(OUTCOME_LABELS),
    OUTCOME_LABELS,
  );
  section(
    'alternatives',
    'Not detained: alternatives recorded',
    'assessments',
    'Assessments',
    // Of the completed assessments: "unable to complete" is no alternative (counted as not completed above).
    done
      .filter(({ a }) => a.outcomeKind === 'not-detained')
      .flatMap(({ a, m }) => a.alternatives.map((alt) => [alt, m] as [string, Member])),
    [],
  );
  const band = (m: Member) => [hoursBand(m.at, zone, sel.bankHolidays), m] as [string, Member];
  for (const [measure, measureLabel, members] of [
    ['referrals', 'Referrals', received],
    ['arranged', 'Assessments arranged', arranged],
    ['completed', 'Assessments completed', done.map((d) => d.m)],
    ['detentions', 'Detentions (s.2, s.3, s.4)', detentions],
  ] as Array<[string, string, Member[]]>)
    section('hours', 'In hours, out of hours and weekends', measure, measureLabel, members.map(band), [...HOURS_BANDS], HOURS_BAND_LABELS);
  return figures;
}
