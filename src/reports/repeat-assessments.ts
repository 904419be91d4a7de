/**
 * Report 6, repeat assessments: how many of the people assessed in the period had 2 or more assessments in the 12
 * months up to their last one in it (local calendar months); and, of the decisions "not detained" in the period, how
 * many were followed by a new referral of the same person within 28 and within 90 local calendar days
 * (reReferralWindowEnd). Pure.
 */
import { addDays, endOfLocalDay, localDate } from '../statute/time';
import { countFigure, type Member, type RawFigure } from './report.model';
import { onOrAfterTwelveMonthsBefore } from './period';
import { duplicateWithdrawn, member, selected, type AssessmentRow, type ReferralRow, type Selection, type Withdrawal } from './rows';

const UNABLE = 'unable-to-complete';
export const RE_REFERRAL_DAYS = [28, 90] as const;

/**
 * The end (half-open) of the window "within N days" of a decision "not detained": N local calendar days, the day after
 * the decision's local date being day 1, to the end of day N (local midnight). Calendar days, as a lead reads "within
 * 28 days", not N × 24 hours: a window across a clock change is an hour shorter or longer, and a decision at 23:50 has
 * the same last day as one at 00:10 that day.
 */
export function reReferralWindowEnd(decidedAt: Date, days: number, zone: string): Date {
  return endOfLocalDay(addDays(localDate(decidedAt, zone), days), zone);
}
const BANDS: Array<[string, string, (n: number) => boolean]> = [
  ['1', 'One', (n) => n === 1],
  ['2', 'Two', (n) => n === 2],
  ['3', 'Three', (n) => n === 3],
  ['4-plus', 'Four or more', (n) => n >= 4],
];

export const REPEAT_DEFINITIONS = [
  "People assessed: each person with an assessment arranged in the period, counted once, at their last assessment in it. Assessments in 12 months: the person's assessments arranged in the 12 months up to and including that one (whenever the earlier ones were).",
  'Not detained: an assessment decided in the period as not detained, the assessment completed (not ended as unable to complete). Re-referred within 28 (90) days: a new referral of the same person (not one withdrawn as the duplicate of another open referral, DUTY-02) received after the decision and by the end of the 28th (90th) local calendar day after it: the day after the local date of the decision is day 1, so a decision on 1 November has until the end of 29 November (30 January) local time, whatever the time of day of the decision and across a change of the clocks. A decision counts in the denominator only once its 28 (90) days have passed (after the end of that last day), so recent decisions do not lower the share.',
];

/**
 * The figures. `assessments` must reach 12 months before the period; `referrals` 90 days after it. `now` decides
 * which decisions' windows have ended.
 */
export function repeatAssessmentFigures(
  sel: Selection,
  assessments: readonly AssessmentRow[],
  referrals: ReadonlyArray<Pick<ReferralRow, 'personId' | 'receivedAt'> & Withdrawal>,
  now: Date,
): RawFigure[] {
  const out: RawFigure[] = [];
  const byPerson = new Map<string, Date[]>();
  for (const a of assessments) {
    const times = byPerson.get(a.personId);
    if (times) times.push(a.openedAt);
    else byPerson.set(a.personId, [a.openedAt]);
  }
  const last = new Map<string, AssessmentRow>();
  for (const a of assessments)
    if (selected(sel, a, a.openedAt)) {
      const before = last.get(a.personId);
      if (
        !before ||
        a.openedAt > before.openedAt ||
        (a.openedAt.getTime() === before.openedAt.getTime() && a.assessmentId > before.assessmentId)
      )
        last.set(a.personId, a);
    }
  const counted = [...last.values()].map((a) => {
    const n = (byPerson.get(a.personId) ?? []).filter(
      (t) => t <= a.openedAt && onOrAfterTwelveMonthsBefore(t, a.openedAt, sel.zone),
    ).length;
    return { n, m: member(a, a.openedAt) };
  });
  const people = { section: 'people', sectionLabel: 'People assessed in the period', group: 'all', groupLabel: 'All' };
  const all = counted.map((c) => c.m);
  const repeat = counted.filter((c) => c.n >= 2).map((c) => c.m);
  out.push(countFigure({ ...people, measure: 'people', measureLabel: 'People assessed' }, all));
  out.push(countFigure({ ...people, measure: 'people-2-plus', measureLabel: '2 or more assessments in 12 months' }, repeat));
  out.push({
    ...people,
    measure: 'share-2-plus',
    measureLabel: 'Share with 2 or more',
    unit: 'share',
    members: all,
    value: { kind: 'share', numerator: repeat.length },
  });
  for (const [code, label, match] of BANDS)
    out.push(
      countFigure(
        {
          section: 'assessments-in-12-months',
          sectionLabel: 'People by assessments in 12 months',
          group: code,
          groupLabel: label,
          measure: 'people',
          measureLabel: 'People',
        },
        counted.filter((c) => match(c.n)).map((c) => c.m),
      ),
    );
  const notDetained = assessments.filter(
    (a) => a.outcomeKind === 'not-detained' && !a.alternatives.includes(UNABLE) && selected(sel, a, a.decidedAt),
  );
  const referralTimes = new Map<string, Date[]>();
  // A duplicate withdrawn (DUTY-02) duplicated a referral still open: not a new referral.
  for (const r of referrals.filter((x) => !duplicateWithdrawn(x))) {
    const times = referralTimes.get(r.personId);
    if (times) times.push(r.receivedAt);
    else referralTimes.set(r.personId, [r.receivedAt]);
  }
  for (const days of RE_REFERRAL_DAYS) {
    const windowEnd = (a: AssessmentRow) => reReferralWindowEnd(a.decidedAt!, days, sel.zone);
    const ended = notDetained.filter((a) => windowEnd(a).getTime() <= now.getTime());
    const decided: Member[] = ended.map((a) => member(a, a.decidedAt!));
    const again = ended
      .filter((a) => {
        const end = windowEnd(a).getTime();
        return (referralTimes.get(a.personId) ?? []).some((t) => t > a.decidedAt! && t.getTime() < end);
      })
      .map((a) => member(a, a.decidedAt!));
    const dims = {
      section: 're-referral',
      sectionLabel: 'Re-referral after "not detained"',
      group: `within-${days}-days`,
      groupLabel: `Within ${days} days`,
    };
    out.push(countFigure({ ...dims, measure: 'not-detained', measureLabel: 'Not detained (window ended)' }, decided));
    out.push(countFigure({ ...dims, measure: 're-referred', measureLabel: 'Re-referred' }, again));
    out.push({
      ...dims,
      measure: 'share',
      measureLabel: 'Share re-referred',
      unit: 'share',
      members: decided,
      value: { kind: 'share', numerator: again.length },
    });
  }
  return out;
}
