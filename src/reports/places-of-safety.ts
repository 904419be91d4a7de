/**
 * Report 3, s.135 and s.136 at a place of safety. Pure.
 *
 * The cohort is the s.135/s.136 referrals whose person arrived at the place of safety in the period (the referral's
 * receipt when no arrival is recorded). The wait is from arrival to the start of the first interview. The limit is
 * 24 hours from arrival (s.136(2A), s.135(3ZA)), plus the s.136B extension when one was authorised (at most 12 h);
 * a breach is an assessment that started after the limit, or had not started when the limit passed.
 */
import { OUTCOME_LABELS, outcomeCode } from './activity';
import { countFigure, labelOf, type Member, type RawFigure } from './report.model';
import { duplicateWithdrawn, member, type PlaceOfSafetyRow, selected, type Selection } from './rows';

const HOUR = 3600_000;

export const PLACE_TYPE_LABELS: Record<string, string> = {
  'health-based': 'Health-based place of safety',
  'police-station': 'Police station',
  'a-and-e': 'A&E',
  'private-dwelling': 'Private dwelling',
  other: 'Other',
  'not-recorded': 'Not recorded',
};

export const EXTENSION_REASON_LABELS: Record<string, string> = {
  'patient-condition': "The person's condition",
  'bed-unavailable': 'No bed available',
  'staff-unavailable': 'Staff unavailable',
  other: 'Other',
};

export function placesOfSafetyDefinitions(targetMinutes: number): string[] {
  return [
    'Cohort: s.135 and s.136 referrals whose person arrived at the place of safety in the period (the referral received, when no arrival is recorded), one per detention: a referral withdrawn as the duplicate of another open referral of the same person (DUTY-02) is not a detention of its own.',
    'Wait: from arrival to the start of the first interview. Limit: 24 hours from arrival plus any s.136B extension (at most 12 hours).',
    `Within the local target: the interview started within ${targetMinutes / 60} hours of arrival.`,
    'Breach: the interview started after the limit, or had not started when the limit passed.',
    'A police station is never a place of safety for a person under 18: any such detention is counted and must be 0.',
  ];
}

/**
 * The instant the place-of-safety period ends: arrival + 24 h + the extension's hours, to the minute (the view gives
 * minutes / 60: 6 h 20 min is 6.333…, so the product is rounded to the millisecond, not cut short by one).
 */
export const limitOf = (r: PlaceOfSafetyRow): Date | undefined =>
  r.arrivedAt ? new Date(r.arrivedAt.getTime() + Math.round((24 + (r.extensionHours ?? 0)) * HOUR)) : undefined;

/** Whether the period ended before the assessment started (or before `now`, when it has not started). */
export function breached(r: PlaceOfSafetyRow, now: Date): boolean {
  const limit = limitOf(r);
  if (!limit) return false;
  return r.assessmentStartedAt ? r.assessmentStartedAt > limit : now > limit;
}

/**
 * One row per detention (s.136(3), s.135(3A)): a referral that continues a detention begun on an earlier referral
 * among `rows` (continuesReferralId: the person was taken on to another place of safety and referred again from
 * there) is folded into that referral's row, not counted as a second detention. The detention's interview is the
 * first on either; its outcome the first referral's, else the further one's; under 18 if either says so. A further
 * referral whose first is not among the rows stands alone (its arrival is already the detention's first start).
 */
export function oneRowPerDetention(rows: readonly PlaceOfSafetyRow[]): PlaceOfSafetyRow[] {
  const ids = new Set(rows.map((r) => r.referralId));
  const detentions = new Map<string, PlaceOfSafetyRow>();
  for (const r of rows) if (!r.continuesReferralId || !ids.has(r.continuesReferralId)) detentions.set(r.referralId, { ...r });
  for (const r of rows) {
    const first = r.continuesReferralId ? detentions.get(r.continuesReferralId) : undefined;
    if (!first) continue;
    if (r.assessmentStartedAt && (!first.assessmentStartedAt || r.assessmentStartedAt < first.assessmentStartedAt))
      first.assessmentStartedAt = r.assessmentStartedAt;
    if (!first.outcomeKind && r.outcomeKind)
      Object.assign(first, { assessmentId: r.assessmentId, outcomeKind: r.outcomeKind, section: r.section, alternatives: r.alternatives });
    first.under18 ||= r.under18;
    first.team ??= r.team;
  }
  return [...detentions.values()];
}

export function placesOfSafetyFigures(sel: Selection, rows: readonly PlaceOfSafetyRow[], targetMinutes: number, now: Date): RawFigure[] {
  const anchor = (r: PlaceOfSafetyRow) => r.arrivedAt ?? r.receivedAt;
  // A duplicate withdrawn (DUTY-02) is a detention counted once already, on the referral it duplicated.
  const cohort = rows.filter((r) => !duplicateWithdrawn(r) && selected(sel, r, anchor(r)));
  const figures: RawFigure[] = [];
  const waitOf = (r: PlaceOfSafetyRow) =>
    r.arrivedAt && r.assessmentStartedAt && r.assessmentStartedAt >= r.arrivedAt
      ? Math.round((r.assessmentStartedAt.getTime() - r.arrivedAt.getTime()) / 60000)
      : undefined;
  const m = (r: PlaceOfSafetyRow): Member => member(r, anchor(r));

  const summary = (group: string, groupLabel: string, rs: PlaceOfSafetyRow[]) => {
    const dims = { section: 'summary', sectionLabel: 'Summary', group, groupLabel };
    const timed = rs.filter((r) => waitOf(r) !== undefined);
    const sample = timed.map((r) => waitOf(r)!);
    figures.push(countFigure({ ...dims, measure: 'detentions', measureLabel: 'Detentions at a place of safety' }, rs.map(m)));
    figures.push(
      countFigure(
        { ...dims, measure: 'within-target', measureLabel: 'Assessment started within the local target' },
        timed.filter((r) => waitOf(r)! <= targetMinutes).map(m),
      ),
    );
    figures.push(
      countFigure(
        { ...dims, measure: 'within-limit', measureLabel: 'Assessment started within the limit (24 h + extension)' },
        timed.filter((r) => !breached(r, now)).map(m),
      ),
    );
    figures.push(
      countFigure({ ...dims, measure: 'breaches', measureLabel: 'Breaches of the limit' }, rs.filter((r) => breached(r, now)).map(m)),
    );
    figures.push(
      countFigure(
        { ...dims, measure: 'not-started', measureLabel: 'No interview recorded' },
        rs.filter((r) => !r.assessmentStartedAt).map(m),
      ),
    );
    figures.push(
      countFigure(
        { ...dims, measure: 'extensions', measureLabel: 's.136B extensions' },
        rs.filter((r) => r.extensionHours !== null).map(m),
      ),
    );
    figures.push(
      countFigure(
        { ...dims, measure: 'under-18-police-station', measureLabel: 'Under 18 at a police station (must be 0)' },
        rs.filter((r) => r.under18 && r.placeType === 'police-station').map(m),
      ),
    );
    for (const [measure, measureLabel, p] of [
      ['median-wait', 'Median wait, arrival → assessment (minutes)', 50],
      ['p90-wait', '90th percentile wait (minutes)', 90],
    ] as const)
      figures.push({ ...dims, measure, measureLabel, unit: 'minutes', members: timed.map(m), value: { kind: 'percentile', p, sample } });
  };
  summary('all', 'All', cohort);
  for (const context of ['s136', 's135-1', 's135-2'])
    summary(
      context,
      { s136: 's.136', 's135-1': 's.135(1) warrant', 's135-2': 's.135(2) warrant' }[context]!,
      cohort.filter((r) => r.legalContext === context),
    );

  const counted = (
    section: string,
    sectionLabel: string,
    measure: string,
    measureLabel: string,
    keyed: Array<[string, Member]>,
    labels: Record<string, string>,
    order: string[],
  ) => {
    const groups = [...order, ...[...new Set(keyed.map(([k]) => k))].filter((k) => !order.includes(k)).sort()];
    for (const group of groups)
      figures.push(
        countFigure(
          { section, sectionLabel, group, groupLabel: labelOf(group, labels), measure, measureLabel },
          keyed.filter(([k]) => k === group).map(([, mm]) => mm),
        ),
      );
  };
  counted(
    'place-type',
    'Type of place of safety',
    'detentions',
    'Detentions',
    cohort.map((r) => [r.placeType, m(r)]),
    PLACE_TYPE_LABELS,
    Object.keys(PLACE_TYPE_LABELS),
  );
  counted(
    'place-type',
    'Type of place of safety',
    'under-18',
    'Of whom under 18',
    cohort.filter((r) => r.under18).map((r) => [r.placeType, m(r)]),
    PLACE_TYPE_LABELS,
    Object.keys(PLACE_TYPE_LABELS),
  );
  counted(
    'extension-reasons',
    's.136B extensions, by reason',
    'extensions',
    'Extensions',
    cohort.filter((r) => r.extensionReason).map((r) => [r.extensionReason!, m(r)]),
    EXTENSION_REASON_LABELS,
    Object.keys(EXTENSION_REASON_LABELS),
  );
  counted(
    'outcomes',
    'Outcomes after s.135/s.136',
    'detentions',
    'Detentions',
    cohort.map((r) => [outcomeCode(r) ?? 'no-outcome', m(r)]),
    { ...OUTCOME_LABELS, 'no-outcome': 'No outcome recorded yet' },
    [...Object.keys(OUTCOME_LABELS), 'no-outcome'],
  );
  return figures;
}
