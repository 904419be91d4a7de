/**
 * Report 5, equity of access: assessments, detentions (all and by section), s.136 detentions and repeat assessments
 * by broad and detailed ethnic group, age band and sex; each as a count, and, when a population is loaded, a rate
 * per 100,000 with its 95% interval, and (for ethnic groups) the ratio to the White rate with its interval; and the
 * share of each count's records whose ethnicity is not stated (Z) or not known (99 or unrecorded). Pure.
 */
import { ETHNIC_CATEGORIES, ETHNIC_CATEGORY_LABELS } from '../statute/code-lists';
import { BROAD_ETHNIC_GROUP_LABELS, BROAD_ETHNIC_GROUPS, broadEthnicGroup, REFERENCE_GROUP } from './equity-stats';
import { AGE_BAND_LABELS, AGE_BANDS, ageBandOf, populationOf, type PopulationGroup, type PopulationRow } from './populations';
import { countFigure, type EstimatePart, type Member, type RawFigure } from './report.model';
import { onOrAfterTwelveMonthsBefore } from './period';
import { duplicateWithdrawn, member, selected, type Selection, type Withdrawal } from './rows';

/** An assessment with the person's codes (view report_equity_assessments). */
export interface EquityAssessmentRow {
  assessmentId: string;
  referralId: string;
  personId: string;
  source: string;
  legalContext: string;
  team: string | null;
  openedAt: Date;
  decidedAt: Date | null;
  outcomeKind: string | null;
  section: string | null;
  ethnicCategory: string | null;
  sex: string | null;
  /** Age in whole years on the local day the assessment was opened. */
  ageYears: number | null;
  /** Age in whole years on the local day it was decided (a detention's age: it counts then). */
  ageYearsDecided: number | null;
}

/** A referral with the person's codes (view report_equity_referrals). */
export interface EquityReferralRow extends Withdrawal {
  referralId: string;
  personId: string;
  source: string;
  legalContext: string;
  team: string | null;
  receivedAt: Date;
  status: string;
  otherAuthority: string | null;
  transferredTo: string | null;
  assessed: boolean;
  ethnicCategory: string | null;
  sex: string | null;
  ageYears: number | null;
}

interface Subject {
  member: Member;
  ethnicCategory: string | null;
  sex: string | null;
  ageYears: number | null;
}

const DETENTION_SECTIONS = ['s2', 's3', 's4'];

export const EQUITY_EVENTS = {
  assessments: 'Assessments',
  detentions: 'Detentions (s.2, s.3, s.4)',
  s136: 's.136 detentions',
  'repeat-assessments': 'Repeat assessments',
} as const;
type EventCode = keyof typeof EQUITY_EVENTS | 'detentions-s2' | 'detentions-s3' | 'detentions-s4';
const EVENT_LABELS: Record<EventCode, string> = {
  ...EQUITY_EVENTS,
  'detentions-s2': 'Detentions under s.2',
  'detentions-s3': 'Detentions under s.3',
  'detentions-s4': 'Detentions under s.4',
};

export const DIMENSIONS = {
  'broad-ethnic-group': 'broad ethnic group',
  'ethnic-category': 'ethnic category',
  'age-band': 'age band',
  sex: 'sex',
} as const;
type Dimension = keyof typeof DIMENSIONS;

const SEX_LABELS: Record<string, string> = { female: 'Female', male: 'Male', 'not-known': 'Indeterminate or not known' };

/** The people that can hold a count: their codes for each dimension, in the order shown. */
function groupsOf(dimension: Dimension): Array<{ code: string; label: string; population: PopulationGroup | null }> {
  switch (dimension) {
    case 'broad-ethnic-group':
      return [
        ...BROAD_ETHNIC_GROUPS.map((g) => ({
          code: g,
          label: BROAD_ETHNIC_GROUP_LABELS[g],
          population: { dimension: 'broad', group: g } as const,
        })),
        { code: 'all', label: 'Everyone', population: { dimension: 'all' } },
      ];
    case 'ethnic-category':
      return ETHNIC_CATEGORIES.map((c) => ({
        code: c,
        label: `${c}: ${ETHNIC_CATEGORY_LABELS[c]}`,
        population: { dimension: 'detailed', code: c } as const,
      }));
    case 'age-band':
      return [
        ...AGE_BANDS.map((b) => ({ code: b, label: AGE_BAND_LABELS[b], population: { dimension: 'age-band', band: b } as const })),
        { code: 'not-known', label: 'Date of birth not recorded', population: null },
      ];
    case 'sex':
      return ['female', 'male', 'not-known'].map((s) => ({
        code: s,
        label: SEX_LABELS[s],
        population: s === 'not-known' ? null : ({ dimension: 'sex', sex: s } as const),
      }));
  }
}

/** The group of a subject in a dimension. */
function codeOf(dimension: Dimension, s: Subject): string {
  switch (dimension) {
    case 'broad-ethnic-group':
      return broadEthnicGroup(s.ethnicCategory) ?? 'not-known';
    case 'ethnic-category':
      return s.ethnicCategory && s.ethnicCategory in ETHNIC_CATEGORY_LABELS ? s.ethnicCategory : '99';
    case 'age-band':
      return ageBandOf(s.ageYears);
    case 'sex':
      return s.sex === 'female' || s.sex === 'male' ? s.sex : 'not-known';
  }
}

const PARTS: Array<[EstimatePart, string, string]> = [
  ['value', '', ''],
  ['lower', '-lower', ' (95% CI lower)'],
  ['upper', '-upper', ' (95% CI upper)'],
];

/**
 * The figures of the equity report. `population` is the loaded year's rows (empty: counts only). Assessments count
 * when arranged, detentions when decided, s.136 detentions when the referral was received; a repeat assessment is
 * one arranged within 12 months after another of the same person (so `assessments` must reach 12 months before the
 * period).
 */
export function equityFigures(
  sel: Selection,
  assessments: readonly EquityAssessmentRow[],
  referrals: readonly EquityReferralRow[],
  population: readonly PopulationRow[],
): RawFigure[] {
  const subject = (row: EquityAssessmentRow | EquityReferralRow, m: Member, ageYears = row.ageYears): Subject => ({
    member: m,
    ethnicCategory: row.ethnicCategory,
    sex: row.sex,
    ageYears,
  });
  // A detention counts on the day it was decided, at the person's age that day.
  const detention = (a: EquityAssessmentRow) => subject(a, member(a, a.decidedAt!), a.ageYearsDecided);
  const arranged = assessments.filter((a) => selected(sel, a, a.openedAt));
  const detained = assessments.filter(
    (a) => a.outcomeKind === 'application' && DETENTION_SECTIONS.includes(a.section ?? '') && selected(sel, a, a.decidedAt),
  );
  const byPerson = new Map<string, Date[]>();
  for (const a of assessments) {
    const times = byPerson.get(a.personId);
    if (times) times.push(a.openedAt);
    else byPerson.set(a.personId, [a.openedAt]);
  }
  const isRepeat = (a: EquityAssessmentRow) =>
    (byPerson.get(a.personId) ?? []).some((t) => t < a.openedAt && onOrAfterTwelveMonthsBefore(t, a.openedAt, sel.zone));
  const events: Record<EventCode, Subject[]> = {
    assessments: arranged.map((a) => subject(a, member(a, a.openedAt))),
    detentions: detained.map(detention),
    // One s.136 detention per episode: a duplicate withdrawn (DUTY-02) is counted on the referral it duplicated.
    s136: referrals
      .filter((r) => r.legalContext === 's136' && !duplicateWithdrawn(r) && selected(sel, r, r.receivedAt))
      .map((r) => subject(r, member(r, r.receivedAt))),
    'repeat-assessments': arranged.filter(isRepeat).map((a) => subject(a, member(a, a.openedAt))),
    'detentions-s2': detained.filter((a) => a.section === 's2').map(detention),
    'detentions-s3': detained.filter((a) => a.section === 's3').map(detention),
    'detentions-s4': detained.filter((a) => a.section === 's4').map(detention),
  };
  const out: RawFigure[] = [];
  const table = (event: EventCode, dimension: Dimension) => {
    const section = `${event}-by-${dimension}`;
    const sectionLabel = `${EVENT_LABELS[event]} by ${DIMENSIONS[dimension]}`;
    const members = new Map<string, Member[]>();
    for (const s of events[event]) {
      const c = codeOf(dimension, s);
      const group = members.get(c);
      if (group) group.push(s.member);
      else members.set(c, [s.member]);
    }
    const ethnic = dimension === 'broad-ethnic-group' || dimension === 'ethnic-category';
    const referenceMembers = events[event].filter((s) => broadEthnicGroup(s.ethnicCategory) === REFERENCE_GROUP).length;
    const referencePopulation = populationOf(population, { dimension: 'broad', group: REFERENCE_GROUP });
    for (const g of groupsOf(dimension)) {
      const ms = g.code === 'all' ? events[event].map((s) => s.member) : (members.get(g.code) ?? []);
      const dims = { section, sectionLabel, group: g.code, groupLabel: g.label };
      out.push(countFigure({ ...dims, measure: 'count', measureLabel: 'Number' }, ms));
      const pop = g.population ? populationOf(population, g.population) : undefined;
      // No rate on nobody, nor on fewer people than were counted: a population smaller than its count is not the
      // group's (a mistyped line), and a rate on it would say more than everyone in the group was detained.
      if (!pop || ms.length > pop) continue;
      for (const [part, suffix, label] of PARTS)
        out.push({
          ...dims,
          measure: `rate${suffix}`,
          measureLabel: `Rate per 100,000${label}`,
          unit: 'rate',
          members: ms,
          value: { kind: 'rate', population: pop, part },
        });
      // The ratio compares a group with the White group: none for White itself or for everyone.
      if (!ethnic || g.code === 'all' || g.code === REFERENCE_GROUP || !referencePopulation || referenceMembers > referencePopulation)
        continue;
      for (const [part, suffix, label] of PARTS)
        out.push({
          ...dims,
          measure: `ratio${suffix}`,
          measureLabel: `Ratio to the White rate${label}`,
          unit: 'ratio',
          members: ms,
          value: { kind: 'ratio', population: pop, reference: { count: referenceMembers, population: referencePopulation }, part },
        });
    }
  };
  for (const event of Object.keys(EQUITY_EVENTS) as EventCode[]) for (const d of Object.keys(DIMENSIONS) as Dimension[]) table(event, d);
  for (const event of ['detentions-s2', 'detentions-s3', 'detentions-s4'] as const) table(event, 'broad-ethnic-group');
  for (const event of Object.keys(EVENT_LABELS) as EventCode[]) {
    const ms = events[event];
    const dims = {
      section: 'ethnicity-recorded',
      sectionLabel: 'Ethnicity not stated or not known',
      group: event,
      groupLabel: EVENT_LABELS[event],
    };
    out.push(
      countFigure(
        { ...dims, measure: 'records', measureLabel: 'Records' },
        ms.map((s) => s.member),
      ),
    );
    out.push({
      ...dims,
      measure: 'not-stated',
      measureLabel: 'Share not stated (Z)',
      unit: 'share',
      members: ms.map((s) => s.member),
      value: { kind: 'share', numerator: ms.filter((s) => s.ethnicCategory === 'Z').length },
    });
    out.push({
      ...dims,
      measure: 'not-known',
      measureLabel: 'Share not known (99 or not recorded)',
      unit: 'share',
      members: ms.map((s) => s.member),
      value: { kind: 'share', numerator: ms.filter((s) => broadEthnicGroup(s.ethnicCategory) === 'not-known').length },
    });
  }
  return out;
}

/** How the equity report is defined, with the population year used (undefined: none loaded, counts only). */
export function equityDefinitions(populationYear: number | undefined, loadedYears: readonly number[]): string[] {
  return [
    'Assessments count in the period they were arranged; detentions (applications under s.2, s.3 or s.4) when decided; s.136 detentions when the referral was received, once per episode (a referral withdrawn as the duplicate of another open referral of the same person, DUTY-02, is not another); a repeat assessment is one arranged within 12 months after another assessment of the same person.',
    "Ethnicity, sex and age are the person's as recorded now; age is in whole years on the local day of the event. Broad groups: A-C White, D-G Mixed, H-L Asian, M-P Black, R-S Other; Z is not stated, 99 (or nothing recorded) not known.",
    populationYear === undefined
      ? 'No population is loaded (PUT /reports/populations): counts only, no rates.'
      : `Rates are per 100,000 residents in the ONS mid-year estimates for ${populationYear} as loaded (the loaded year nearest the middle of the period${loadedYears.length > 1 ? `; loaded: ${loadedYears.join(', ')}` : ''}), for the period as chosen, not annualised: choose a financial year to compare with the national statistics. A group with no estimate (not stated, not known, a detailed code when the year is loaded in broad groups), or with an estimate of fewer people than it counts, has a count only.`,
    '95% confidence intervals: exact Poisson for a count (Byar above 1,000); the ratio to the White rate by the log method. With small numbers suppressed, rates and ratios are computed from the rounded counts and are [c] when a count is.',
  ];
}
