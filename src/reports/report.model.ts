/**
 * The shape every report shares: a flat list of figures, each a value with its codes, labels and the records behind
 * it. JSON, CSV, HTML and PDF are all renderings of the same list, so a figure is computed once, in one place.
 */
import { crudeRate, rateRatio } from './equity-stats';
import { percentile, sampleStatistic, share, SUPPRESSED, suppressCount } from './figures';
import type { HoursBand, ReportPeriod } from './period';

export const REPORT_NAMES = [
  'activity',
  'timeliness',
  'places-of-safety',
  'equity',
  'repeat-assessments',
  'out-of-area',
  'beds-and-conveyance',
  'workforce',
  'my-workload',
  'out-of-hours',
  'returns-sac',
  'data-quality',
  'returns-guardianship',
  'returns-workforce-survey',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORT_TITLES: Record<ReportName, string> = {
  activity: 'Activity and outcomes',
  timeliness: 'Timeliness of each step',
  'places-of-safety': 'Section 135 and 136: places of safety',
  equity: 'Equity: assessments and detentions by ethnicity, age and sex',
  'repeat-assessments': 'Repeat assessments and re-referrals',
  'out-of-area': 'Out of area: residents of other areas, and referrals transferred',
  'beds-and-conveyance': 'Beds and conveyance',
  workforce: 'Workforce and rota',
  'my-workload': 'My workload',
  'out-of-hours': 'Out-of-hours safeguarding and DoLS',
  'returns-sac': 'Safeguarding Adults Collection (SAC): the out-of-hours service’s s.42 concerns and enquiries',
  'data-quality': 'Data quality: codes and times the reports needed',
  'returns-guardianship': 'Guardianship: new s.7 cases by sex and guardian type',
  'returns-workforce-survey': 'AMHP workforce survey (Skills for Care): the answers the hub holds',
};

/**
 * One record behind a figure: the referral, its assessment when the figure is about one, the person, and the instant
 * counted; or, for a figure about out-of-hours decisions, the decision (no referral; no person when it has no record).
 */
export interface Member {
  referralId: string | null;
  assessmentId: string | null;
  personId: string | null;
  decisionId?: string;
  /** For a figure about the workforce: the practitioner (no referral, no person). */
  practitionerId?: string;
  /** For a figure about the rota: the shift (listed once per AMHP place when the figure counts places). */
  shiftId?: string;
  /** For a figure about handovers: the handover item (no person's record is read to list it). */
  handoverItemId?: string;
  at: Date;
}

export type FigureValue = number | typeof SUPPRESSED | null;
export type Unit = 'count' | 'share' | 'minutes' | 'rate' | 'ratio' | 'number' | 'fte';

/** A figure before it is shown: its members, and how its value is computed from them. */
export interface RawFigure {
  section: string;
  sectionLabel: string;
  group: string;
  groupLabel: string;
  measure: string;
  measureLabel: string;
  unit: Unit;
  /** The records behind the figure (for a share: its denominator's; for a time: the sample's). */
  members: Member[];
  /** count: members.length; share: numerator / members.length; percentile: the p-th percentile of sample. */
  value:
    | { kind: 'count' }
    | { kind: 'share'; numerator: number }
    | { kind: 'percentile'; p: number; sample: number[] }
    | RateValue
    | RatioValue
    | QuotientValue
    /** A sum over the members (full-time equivalents): to 2 decimals; suppressed, [c] for 1-4 members, else to the nearest 5. */
    | { kind: 'sum'; total: number };
}

export interface Figure {
  section: string;
  sectionLabel: string;
  group: string;
  groupLabel: string;
  measure: string;
  measureLabel: string;
  unit: Unit;
  value: FigureValue;
  /** The drill-down: the list of the records behind this figure (absent for a caller who may not see records). */
  records?: string;
}

export interface ReportFilters {
  source?: string;
  legalContext?: string;
  team?: string;
  hours?: HoursBand;
}

export interface Report {
  report: ReportName;
  title: string;
  period: { label: string; from: string; to: string };
  filters: ReportFilters;
  /** Counts 1-4 shown as [c] and the rest rounded to the nearest 5 (and statistics of small samples hidden). */
  suppressed: boolean;
  generatedAt: string;
  /** How the figures are defined, in words, for whoever reads a copy. */
  definitions: string[];
  figures: Figure[];
}

/**
 * A number derived from figures shown beside it (a mean per shift, assessments per FTE): a count over a count, or over
 * a sum (FTE) of `members` people, to 2 decimals. Suppressed, it is computed from its parts as they are shown (rounded)
 * and is [c] when either part is: secondary suppression, so that it cannot give a hidden count back.
 */
export interface QuotientValue {
  kind: 'quotient';
  numerator: number;
  denominator: { count: number } | { sum: number; members: number };
  /** Other counts shown beside it that it gives away (e.g. the assessments a per-shift mean is taken over): [c] when any is. */
  alongside?: number[];
}

/** Which number of an estimate a figure shows: the estimate itself or a limit of its 95% confidence interval. */
export type EstimatePart = 'value' | 'lower' | 'upper';

/** rate: members per 100,000 of `population` (unit 'rate'), or a limit of its 95% interval. */
export interface RateValue {
  kind: 'rate';
  population: number;
  part: EstimatePart;
}

/** ratio: the members' rate over the reference group's rate (unit 'ratio'), or a limit of its 95% interval. */
export interface RatioValue {
  kind: 'ratio';
  population: number;
  reference: { count: number; population: number };
  part: EstimatePart;
}

/**
 * A rate (to 1 decimal) or rate ratio (to 2) from its counts. Suppressed, it is computed from the counts as shown
 * (rounded to 5), so that it cannot give back a count the table hides, and it is [c] when a count is.
 */
function estimateValue(v: RateValue | RatioValue, n: number, suppress: boolean): FigureValue {
  const shown = (c: number) => (suppress ? suppressCount(c) : c);
  const count = shown(n);
  if (count === SUPPRESSED) return SUPPRESSED;
  if (v.kind === 'rate') {
    const e = crudeRate(count, v.population);
    const x = v.part === 'value' ? e.value : v.part === 'lower' ? e.lower : e.upper;
    return x === null ? null : Math.round(x * 10) / 10;
  }
  const reference = shown(v.reference.count);
  if (reference === SUPPRESSED) return SUPPRESSED;
  const e = rateRatio({ count, population: v.population }, { count: reference, population: v.reference.population });
  const x = v.part === 'value' ? e.value : v.part === 'lower' ? e.lower : e.upper;
  return x === null ? null : Math.round(x * 100) / 100;
}

/** The key that names one figure of a report, as the drill-down's `figure` parameter. */
export const figureKey = (f: Pick<RawFigure, 'section' | 'group' | 'measure'>): string => `${f.section}.${f.group}.${f.measure}`;

/** What a member of a figure is: its referral, decision, practitioner, shift or handover item. */
export const memberKey = (x: Member): string => x.referralId ?? x.decisionId ?? x.practitionerId ?? x.shiftId ?? x.handoverItemId ?? '';

/**
 * Where a page of a figure's records ends: the last one's instant (epoch ms) and key, and how many records with that
 * same instant and key the pages so far have shown (a shift is listed once per AMHP place).
 */
export type MembersCursor = [at: number, key: string, same: number];

/** A page of a figure's members, and where the next page starts (null after the last). */
export interface MembersPage {
  members: Member[];
  next: MembersCursor | null;
}

/** The cursor of a page of members, from a cursor's decoded values; null when they are not one (never ours). */
export function membersCursorOf(values: ReadonlyArray<string | number>): MembersCursor | null {
  const [at, key, same] = values;
  return values.length === 3 && Number.isSafeInteger(at) && typeof key === 'string' && Number.isSafeInteger(same) && Number(same) >= 0
    ? [at as number, key, same as number]
    : null;
}

/**
 * One page of a figure's members in the order they are listed (their instant, then their key): the first `limit`
 * after `after`, and where the next page starts (null after the last).
 */
export function membersPage(members: readonly Member[], after: MembersCursor | null, limit: number): MembersPage {
  const order = (x: Member, at: number, key: string) => x.at.getTime() - at || (memberKey(x) < key ? -1 : memberKey(x) > key ? 1 : 0);
  const sorted = [...members].sort((a, b) => order(a, b.at.getTime(), memberKey(b)));
  let start = 0;
  if (after) {
    const [at, key, same] = after;
    while (start < sorted.length && order(sorted[start], at, key) < 0) start++;
    for (let skipped = 0; skipped < same && start < sorted.length && order(sorted[start], at, key) === 0; skipped++) start++;
  }
  const page = sorted.slice(start, start + limit);
  if (start + limit >= sorted.length || !page.length) return { members: page, next: null };
  const last = page[page.length - 1];
  const [at, key] = [last.at.getTime(), memberKey(last)];
  // Every record before this page with the last one's instant and key was shown too (the sort puts them together).
  let same = 0;
  for (let i = start + page.length - 1; i >= 0 && order(sorted[i], at, key) === 0; i--) same++;
  return { members: page, next: [at, key, same] };
}

/** The value shown for a raw figure, suppressed or not. */
export function figureValue(f: RawFigure, suppress: boolean): FigureValue {
  const n = f.members.length;
  switch (f.value.kind) {
    case 'count':
      return suppress ? suppressCount(n) : n;
    case 'share':
      return share(f.value.numerator, n, suppress) ?? null;
    case 'percentile':
      return (
        (suppress ? sampleStatistic(f.value.sample, f.value.p, true) : roundOrUndefined(percentile(f.value.sample, f.value.p))) ?? null
      );
    case 'rate':
    case 'ratio':
      return estimateValue(f.value, n, suppress);
    case 'quotient':
      return quotientValue(f.value, suppress);
    case 'sum':
      return sumValue(f.value.total, n, suppress);
  }
}

/**
 * A sum over `members` people (FTE), to 2 decimals. Suppressed: [c] for 1-4 people (one AMHP's hours are hers), else
 * to the nearest 5 like a count, so that it cannot narrow the rounded headcount beside it.
 */
function sumValue(total: number, members: number, suppress: boolean): FigureValue {
  if (!suppress) return Math.round(total * 100) / 100;
  if (members > 0 && members < 5) return SUPPRESSED;
  return Math.round(total / 5) * 5;
}

function quotientValue(v: QuotientValue, suppress: boolean): FigureValue {
  const numerator = suppress ? suppressCount(v.numerator) : v.numerator;
  const d = v.denominator;
  const denominator = 'count' in d ? (suppress ? suppressCount(d.count) : d.count) : sumValue(d.sum, d.members, suppress);
  const hidden = suppress && (v.alongside ?? []).some((c) => suppressCount(c) === SUPPRESSED);
  if (numerator === SUPPRESSED || denominator === SUPPRESSED || hidden) return SUPPRESSED;
  if (denominator === null || denominator === 0) return null;
  return Math.round((numerator / denominator) * 100) / 100;
}

const roundOrUndefined = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));

/** The query string of a figure's drill-down link. */
export function recordsLink(report: ReportName, key: string, period: ReportPeriod, filters: ReportFilters): string {
  const params = new URLSearchParams({ figure: key });
  if (period.label.includes('..')) {
    params.set('from', period.from);
    params.set('to', period.to);
  } else params.set('period', period.label);
  for (const [k, v] of Object.entries(filters)) if (v !== undefined) params.set(k, v);
  return `/reports/${report}/records?${params.toString()}`;
}

/** Helper for builders: a figure counting `members`. */
export function countFigure(dims: Omit<RawFigure, 'members' | 'value' | 'unit'>, members: Member[]): RawFigure {
  return { ...dims, unit: 'count', members, value: { kind: 'count' } };
}

/** Labels for codes: the code itself, readable (`not-accepted` → `Not accepted`) unless named in `known`. */
export function labelOf(code: string, known: Record<string, string> = {}): string {
  return known[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ');
}
