/**
 * Which law applies on a date (MHA25-02/04/05/06/09; the regime is a function of the effective date): the Mental Health Act
 * 1983 as it stands, or the MHA 2025 changes to civil Part 2 once each is commenced. Pure: dates and config in,
 * a LegalRegime out; no clock.
 *
 * Every switch is DATA, never a literal date in code. When this was written (per legislation.gov.uk and the DHSC) the
 * only commenced parts of the MHA 2025 (18 Feb 2026) concerned restricted and forensic patients; nothing that
 * changes AMHP practice under Part 2 (detention criteria, nominated person, the autism/learning-disability gate,
 * the shorter s.3 period) was reported as commenced, and that is UNCONFIRMED (legislation.gov.uk shows a revision
 * valid from 6 Apr 2026 whose content was not identified). So every commencement date defaults to null (not
 * commenced): a deployment sets the dates from the commencement regulations, after its legal team has checked
 * them, without a code change.
 */
import type { LegalRegime, RegimeConfig } from './assessment.types';
import { RENEWAL_MONTHS } from './assessment-rules';
import type { RuleId } from './rule-catalogue';
import { isIsoDate, type IsoDate } from './time';

/** Nothing of the MHA 2025 that changes civil Part 2 practice is treated as commenced (MHA25-*: unconfirmed, ✱). */
export const DEFAULT_REGIME_CONFIG: Readonly<RegimeConfig> = Object.freeze({
  nominatedPersonFrom: null,
  newCriteriaFrom: null,
  autismLdGateFrom: null,
  shorterS3PeriodFrom: null,
  s3RenewalMonths2025: null,
});

/**
 * MHA25-09 ✱: the periods for which a s.3 may be renewed once its first period is 3 months, as widely reported (3
 * months, then 6, then a year at a time) but not confirmed against the commenced text: the default of
 * MHA2025_S3_RENEWAL_MONTHS, for a deployment to replace without a code change.
 */
export const DEFAULT_2025_S3_RENEWAL_MONTHS: readonly number[] = Object.freeze([3, 6, 12]);

/** Why a schedule of renewal periods is not one (whole months, 1 to 12, at least one), or null when it is. */
export function renewalMonthsProblem(months: readonly number[]): string | null {
  if (!months.length) return 'must list at least one period';
  if (months.some((m) => !Number.isInteger(m) || m < 1 || m > 12)) return 'must be whole numbers of months from 1 to 12';
  return null;
}

/** Each switch: the rules it commences (their catalogue entries name its configuration variable) and the Act's sections. */
/** The commencement dates of RegimeConfig (the rest of it is data the commenced law reads). */
type CommencementKey = Exclude<keyof RegimeConfig, 's3RenewalMonths2025'>;

const FEATURES: ReadonlyArray<{ key: CommencementKey; rules: readonly RuleId[]; act: string; on: string; off: string }> = [
  {
    key: 'nominatedPersonFrom',
    rules: ['MHA25-05', 'MHA25-06'],
    act: 'MHA 2025 ss.24-25',
    on: "the nominated person replaces the nearest relative, and an objection to a s.3 or guardianship application needs the AMHP's dangerousness report instead of blocking it",
    off: 'the nearest relative (s.26) applies, and an objection blocks a s.3 or guardianship application (NR-02)',
  },
  {
    key: 'newCriteriaFrom',
    rules: ['MHA25-02'],
    act: 'MHA 2025 s.5',
    on: 'the 2025 detention criteria ("serious harm"; nature, degree and likelihood) apply to ss.2, 3 and 5',
    off: 'the 1983 detention criteria apply',
  },
  {
    key: 'autismLdGateFrom',
    rules: ['MHA25-04'],
    act: 'MHA 2025 ss.3-4',
    on: 'no s.3 for autism or learning disability without a co-occurring psychiatric disorder',
    off: 'no autism/learning-disability gate on s.3 (the s.1(2A) learning-disability qualifier still applies, APP-09)',
  },
  {
    key: 'shorterS3PeriodFrom',
    rules: ['MHA25-09'],
    act: 'MHA 2025 s.29',
    on: "a s.3's first period is 3 months, renewable for the periods configured (✱ MHA2025_S3_RENEWAL_MONTHS)",
    off: "a s.3's first period is 6 months (s.20(1)), renewable for 6 months and then a year at a time (s.20(2))",
  },
];

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function formatDay(d: IsoDate): string {
  const p: Record<string, string> = {};
  for (const part of dayFormat.formatToParts(new Date(`${d}T00:00:00Z`))) p[part.type] = part.value;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/**
 * The regime in force on `date` (a local calendar date: the application date, or today for a live checklist).
 * Each 2025 feature applies when its commencement date is set and `date` is on or after it (the commencement day
 * itself is under the new law). 'mha1983' when none applies, 'mha2025' when all four do, else 'mha2025-partial'.
 */
export function legalRegime(date: IsoDate, config: RegimeConfig): LegalRegime {
  if (!isIsoDate(date)) throw new RangeError(`legalRegime: not a calendar date: ${date}`);
  const on = {} as Record<CommencementKey, boolean>;
  const basis: string[] = [];
  for (const f of FEATURES) {
    const rule = `${f.rules.join('/')} (${f.act})`;
    const from = config[f.key];
    if (from !== null && !isIsoDate(from)) throw new RangeError(`legalRegime: ${f.key} is not a calendar date: ${from}`);
    on[f.key] = from !== null && date >= from;
    if (from === null) {
      basis.push(`${rule}: not commenced (no commencement date configured), so ${f.off}.`);
    } else if (on[f.key]) {
      basis.push(`${rule}: in force from ${formatDay(from)}, on or before ${formatDay(date)}, so ${f.on}.`);
    } else {
      basis.push(`${rule}: commences ${formatDay(from)}, after ${formatDay(date)}, so ${f.off}.`);
    }
  }
  const renewals2025 = config.s3RenewalMonths2025 ?? DEFAULT_2025_S3_RENEWAL_MONTHS;
  const problem = renewalMonthsProblem(renewals2025);
  if (problem) throw new RangeError(`legalRegime: s3RenewalMonths2025 ${problem}: ${renewals2025.join(',')}`);
  const count = FEATURES.filter((f) => on[f.key]).length;
  const id: LegalRegime['id'] = count === 0 ? 'mha1983' : count === FEATURES.length ? 'mha2025' : 'mha2025-partial';
  return {
    id,
    representative: on.nominatedPersonFrom ? 'nominated-person' : 'nearest-relative',
    objectionBlocks: !on.nominatedPersonFrom,
    criteria: on.newCriteriaFrom ? '2025' : '1983',
    autismLdGate: on.autismLdGateFrom,
    s3FirstPeriodMonths: on.shorterS3PeriodFrom ? 3 : 6,
    // APP-18 (s.20(2)): 6 months, then a year at a time; MHA25-09 ✱: the configured schedule once commenced.
    s3RenewalMonths: on.shorterS3PeriodFrom ? [...renewals2025] : [...RENEWAL_MONTHS],
    basis,
  };
}
