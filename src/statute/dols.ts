/**
 * Deprivation of Liberty Safeguards out of hours (OOH-04, OOH-05): a managing
 * authority's urgent authorisation (MCA 2005 Sch A1 paras 74-78) and the supervisory body's single extension of it
 * (paras 77(3)-(4), 84-85), which the EDT / AMHP hub may decide out of hours under delegated authority.
 * Pure: facts and the zone come in; ends, findings and clocks go out. No Nest, no ORM, no I/O, no clock.
 *
 * Counting: the Schedule speaks of a "period of 7 days" (para 78(2)) and of extending it "for a period of not more
 * than 7 days". ✱ Unconfirmed reading: whether those days are whole local calendar days or 24-hour spans from the
 * time of the grant is not settled in the sources, so the convention is a setting (DOLS_DAY_COUNTING, DolsDayCounting)
 * for a deploying authority's legal team to sign off. The default, 'elapsed-hours', is the time of the grant plus
 * N × 24 hours (C5-style), as the hub counted before the setting: granted Thu 26 Mar 2026 10:00 GMT for 7 days, it
 * ends Thu 2 Apr 2026 11:00 BST. The alternative, 'local-days', counts local calendar days as the hub's other day
 * counts do (C1, like s.6(1)(a)'s 14 days for APP-13): the period begins with the local day it is given, which is day
 * 1, and ends at the end (local midnight) of day N, whatever the hour of the grant and across a change between GMT
 * and BST: the same grant ends at the end of Wed 1 Apr 2026 (00:00 BST on Thu 2 Apr). It is the shorter reading (a
 * 1-day authorisation given at 23:30 lasts half an hour). Either way an extension's days follow on from the last day.
 * Periods are half-open [granted, end): at the end instant it has expired.
 *
 * Not legal advice. LPS (OOH-06) is not in force: DoLS is the only regime here.
 */
import { formatDay, formatLocal, type Finding, type Instant } from './clocks';
import { citationOf, type RuleId } from './rule-catalogue';
import { addDays, endOfLocalDay, localDate } from './time';

const DAY_MS = 24 * 3_600_000;

/**
 * ✱ How the days of an urgent authorisation and its extension are counted (see above): 'local-days', whole local
 * calendar days beginning with the day of the grant; 'elapsed-hours', N × 24 hours from the grant (the default).
 */
export const DOLS_DAY_COUNTINGS = ['local-days', 'elapsed-hours'] as const;
export type DolsDayCounting = (typeof DOLS_DAY_COUNTINGS)[number];
/** The default of the DOLS_DAY_COUNTING setting: N x 24 hours from the grant (Sch A1 para 78(2)'s "7 days" read as the time given plus 7 days), as the hub counted them before the setting. */
export const DEFAULT_DOLS_DAY_COUNTING: DolsDayCounting = 'elapsed-hours';

// OOH-04 (Sch A1 para 78(2)): an urgent authorisation lasts for the period the managing authority sets, at most
// "a period of 7 days". ✔ S34 for the 7 days; ✱ how the days are counted is a setting (DolsDayCounting, above).
export const UA_MAX_DAYS = 7;
// OOH-05 (Sch A1 paras 84-85): the supervisory body may extend it by up to 7 further days. ✔ S34; ✱ counting as above.
export const EXTENSION_MAX_DAYS = 7;
// OOH-05 (Sch A1 para 77(3)-(4)): the managing authority may ask for an extension only once. ✔ S34
export const MAX_EXTENSIONS = 1;
/**
 * ✱ Local recording standard, not law: the exceptional reasons (para 84(b)) must be written out, so a stub such as
 * "no BIA" (fewer than this many characters, after trimming) is refused.
 */
export const MIN_EXCEPTIONAL_REASONS_LENGTH = 20;

const CITE = {
  ua: citationOf('OOH-04'),
  uaDuration: 'MCA 2005 Sch A1 para 78(2)',
  uaStandardRequest: 'MCA 2005 Sch A1 paras 74-76',
  once: 'MCA 2005 Sch A1 para 77(3)-(4)',
  criteria: 'MCA 2005 Sch A1 para 84',
  extensionDuration: 'MCA 2005 Sch A1 paras 84-85',
  extension: citationOf('OOH-05'),
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Facts

/** The supervisory body's decision on the managing authority's request to extend (OOH-05). */
export interface DolsExtensionFacts {
  /** When the managing authority asked the supervisory body. */
  requestedAt: Instant;
  /** When the supervisory body (here, the out-of-hours decision-maker) decided. */
  decidedAt: Instant;
  /** Whole days of extension: requested, or granted when `decision` is 'extended'. */
  days: number;
  /** Para 84(b): why the standard authorisation request has not yet been disposed of. */
  exceptionalReasons: string;
  /** Para 84(c): it is essential for the existing detention to continue until the request is disposed of. */
  essentialToContinue: boolean;
  /** Defaults to 'extended'. A refusal extends nothing, so only the order of the recorded times is checked. */
  decision?: 'extended' | 'refused';
}

/** An urgent authorisation given by a care home or hospital (the managing authority), as the EDT received it. */
export interface UrgentAuthorisationFacts {
  grantedAt: Instant;
  /** Whole days the managing authority set: 1..UA_MAX_DAYS. */
  days: number;
  /** When the managing authority requested a standard authorisation (null: not recorded as requested). */
  standardRequestedAt: Instant | null;
  /** The extension decided now, if any. */
  extension: null | DolsExtensionFacts;
  /** Extensions of this urgent authorisation already granted before `extension` (default 0). */
  previousExtensions?: number;
}

export interface DolsClock {
  id: 'dols-urgent' | 'dols-extended';
  rule: RuleId;
  /** When the urgent authorisation was given (also for the extended clock: the whole detention runs from it). */
  anchor: Instant;
  deadline: Instant;
  label: string;
  /** Why the deadline is what it is, in words a reviewer can check. */
  basis: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Periods

function assertInstant(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} is not a valid instant`);
}

function isWholeDays(days: number, max: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= max;
}

/**
 * The end (half-open) of a period of `days` days beginning with the grant: 'local-days', the end (local midnight) of
 * the local day `days` - 1 after the day of the grant; 'elapsed-hours', `days` × 24 hours after the grant.
 */
function periodEnd(grantedAt: Instant, days: number, zone: string, counting: DolsDayCounting): Instant {
  if (counting === 'elapsed-hours') return new Date(grantedAt.getTime() + days * DAY_MS);
  return endOfLocalDay(addDays(localDate(grantedAt, zone), days - 1), zone);
}

/** How a period of `days` from the grant at `grantedAt` is counted, in words a reviewer can check. */
function periodWords(grantedAt: Instant, days: number, zone: string, counting: DolsDayCounting): string {
  if (counting === 'elapsed-hours') return `${plural(days, 'day')} (${days * 24} hours elapsed)`;
  const first = localDate(grantedAt, zone);
  return `${plural(days, 'day')} (local calendar days, ${formatDay(first)} being day 1, to the end of ${formatDay(addDays(first, days - 1))})`;
}

/**
 * OOH-04 / OOH-05: when a DoLS urgent authorisation given at `grantedAt` for `days` days, with `extensionDays` more
 * granted by the supervisory body (0 for none), ends, as `counting` counts the days (default: N × 24 hours).
 */
export function dolsAuthorisedUntil(
  grantedAt: Instant,
  days: number,
  extensionDays: number,
  zone: string,
  counting: DolsDayCounting = DEFAULT_DOLS_DAY_COUNTING,
): Instant {
  return periodEnd(grantedAt, days + extensionDays, zone, counting);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * OOH-04 (Sch A1 para 78(2)): when an urgent authorisation of `days` days, given at `grantedAt`, expires: by default
 * ('elapsed-hours') grantedAt + days × 24 hours; with 'local-days', at the end of the local day `days` - 1 after the
 * day of the grant (the day of the grant being day 1) (✱ unconfirmed, a setting: DolsDayCounting).
 * RangeError unless `days` is a whole number 1..7.
 */
export function urgentAuthorisationEnd(
  grantedAt: Date,
  days: number,
  zone: string,
  counting: DolsDayCounting = DEFAULT_DOLS_DAY_COUNTING,
): Date {
  assertInstant(grantedAt, 'grantedAt');
  if (!isWholeDays(days, UA_MAX_DAYS))
    throw new RangeError(`an urgent authorisation lasts a whole number of days from 1 to ${UA_MAX_DAYS}, not ${days}`);
  return periodEnd(grantedAt, days, zone, counting);
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

/**
 * OOH-04 / OOH-05: is the urgent authorisation, and the extension decided on it (if any), lawful? Blockers stop the
 * extension being recorded as granted; warnings are for the decision-maker to act on. Empty when all is well.
 * Codes: ua-days-invalid, no-standard-request (a warning without an extension, a blocker with one),
 * standard-requested-after-extension, extension-days-invalid, extension-too-long, second-extension,
 * extension-requested-before-authorisation, extension-before-authorisation, extension-decided-before-request,
 * extension-after-expiry, exceptional-reasons-too-short, not-essential-to-continue.
 */
export function validateExtension(
  ua: UrgentAuthorisationFacts,
  zone: string,
  counting: DolsDayCounting = DEFAULT_DOLS_DAY_COUNTING,
): Finding[] {
  assertInstant(ua.grantedAt, 'grantedAt');
  const findings: Finding[] = [];
  const add = (
    rule: Extract<RuleId, 'OOH-04' | 'OOH-05'>,
    severity: Finding['severity'],
    code: string,
    message: string,
    citation: string,
  ) => findings.push({ rule, severity, code, message, citation });
  const granted = formatLocal(ua.grantedAt, zone);

  // OOH-04 (para 78(2)): the managing authority sets the period, at most 7 days.
  const uaEnd = isWholeDays(ua.days, UA_MAX_DAYS) ? periodEnd(ua.grantedAt, ua.days, zone, counting) : null;
  if (!uaEnd) {
    add(
      'OOH-04',
      'blocker',
      'ua-days-invalid',
      `An urgent authorisation lasts a whole number of days from 1 to ${UA_MAX_DAYS}; ${ua.days} days is not possible.`,
      CITE.uaDuration,
    );
  }

  const ext = ua.extension;
  if (ua.standardRequestedAt !== null) assertInstant(ua.standardRequestedAt, 'standardRequestedAt');
  if (!ext) {
    // OOH-04: an urgent authorisation may be given only where a standard authorisation has been or is being requested.
    if (ua.standardRequestedAt === null) {
      add(
        'OOH-04',
        'warning',
        'no-standard-request',
        `No request for a standard authorisation is recorded; an urgent authorisation (given ${granted}) is lawful only alongside one. Ask the managing authority for it.`,
        CITE.uaStandardRequest,
      );
    }
    return findings;
  }

  assertInstant(ext.requestedAt, 'extension.requestedAt');
  assertInstant(ext.decidedAt, 'extension.decidedAt');
  const decided = formatLocal(ext.decidedAt, zone);
  const refused = ext.decision === 'refused';

  // The order of the recorded times, whatever the decision.
  if (ext.requestedAt.getTime() < ua.grantedAt.getTime()) {
    add(
      'OOH-05',
      'blocker',
      'extension-requested-before-authorisation',
      `The extension was requested at ${formatLocal(ext.requestedAt, zone)}, before the urgent authorisation was given (${granted}).`,
      CITE.once,
    );
  }
  if (ext.decidedAt.getTime() < ua.grantedAt.getTime()) {
    add(
      'OOH-05',
      'blocker',
      'extension-before-authorisation',
      `The extension was decided at ${decided}, before the urgent authorisation was given (${granted}).`,
      CITE.extension,
    );
  } else if (ext.decidedAt.getTime() < ext.requestedAt.getTime()) {
    add(
      'OOH-05',
      'blocker',
      'extension-decided-before-request',
      `The extension was decided at ${decided}, before the managing authority asked for it (${formatLocal(ext.requestedAt, zone)}).`,
      CITE.extension,
    );
  }
  if (refused) return findings;

  // OOH-05 (para 84(a)): a standard authorisation must have been requested before the extension is given.
  if (ua.standardRequestedAt === null) {
    add(
      'OOH-05',
      'blocker',
      'no-standard-request',
      'No request for a standard authorisation is recorded; the supervisory body may extend an urgent authorisation only when the managing authority has made one.',
      CITE.criteria,
    );
  } else if (ua.standardRequestedAt.getTime() > ext.decidedAt.getTime()) {
    add(
      'OOH-05',
      'blocker',
      'standard-requested-after-extension',
      `The standard authorisation was requested at ${formatLocal(ua.standardRequestedAt, zone)}, after the extension was decided (${decided}); it must have been requested first.`,
      CITE.criteria,
    );
  }
  // OOH-05 (paras 84-85): up to 7 further days.
  if (!Number.isInteger(ext.days) || ext.days < 1) {
    add(
      'OOH-05',
      'blocker',
      'extension-days-invalid',
      `An extension is a whole number of days from 1 to ${EXTENSION_MAX_DAYS}; ${ext.days} days is not possible.`,
      CITE.extensionDuration,
    );
  } else if (ext.days > EXTENSION_MAX_DAYS) {
    add(
      'OOH-05',
      'blocker',
      'extension-too-long',
      `An extension of ${plural(ext.days, 'day')} is longer than the ${EXTENSION_MAX_DAYS} days the supervisory body may give.`,
      CITE.extensionDuration,
    );
  }
  // OOH-05 (para 77(3)-(4)): only once.
  const previous = ua.previousExtensions ?? 0;
  if (previous >= MAX_EXTENSIONS) {
    add(
      'OOH-05',
      'blocker',
      'second-extension',
      `This urgent authorisation has already been extended (${plural(previous, 'extension')} recorded); it may be extended only once.`,
      CITE.once,
    );
  }
  // OOH-05: an authorisation that has expired cannot be extended; it has ended.
  if (uaEnd && ext.decidedAt.getTime() >= uaEnd.getTime()) {
    add(
      'OOH-05',
      'blocker',
      'extension-after-expiry',
      `The extension was decided at ${decided}, when the urgent authorisation had already expired (${formatLocal(uaEnd, zone)}); an expired authorisation cannot be extended.`,
      CITE.extension,
    );
  }
  // OOH-05 (para 84(b)): exceptional reasons why the standard request has not yet been disposed of.
  const reasons = typeof ext.exceptionalReasons === 'string' ? ext.exceptionalReasons.trim() : '';
  if (reasons.length < MIN_EXCEPTIONAL_REASONS_LENGTH) {
    add(
      'OOH-05',
      'blocker',
      'exceptional-reasons-too-short',
      `Record the exceptional reasons why the standard authorisation request has not yet been decided, in at least ${MIN_EXCEPTIONAL_REASONS_LENGTH} characters.`,
      CITE.criteria,
    );
  }
  // OOH-05 (para 84(c)): it must be essential for the detention to continue.
  if (ext.essentialToContinue !== true) {
    add(
      'OOH-05',
      'blocker',
      'not-essential-to-continue',
      'An extension may be given only when it is essential for the detention to continue until the standard authorisation request is decided; that is not recorded.',
      CITE.criteria,
    );
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Clocks

/**
 * OOH-04 / OOH-05: the urgent authorisation's end ('dols-urgent') and, when an extension was granted and passes
 * validateExtension, the extended end ('dols-extended': the extension's days follow on from the urgent
 * authorisation's, dolsAuthorisedUntil), as `counting` counts days. Both are anchored at the grant. Empty when the
 * urgent authorisation's days are not 1..7 (validateExtension reports it).
 */
export function dolsClocks(ua: UrgentAuthorisationFacts, zone: string, counting: DolsDayCounting = DEFAULT_DOLS_DAY_COUNTING): DolsClock[] {
  assertInstant(ua.grantedAt, 'grantedAt');
  if (!isWholeDays(ua.days, UA_MAX_DAYS)) return [];
  const end = urgentAuthorisationEnd(ua.grantedAt, ua.days, zone, counting);
  const granted = formatLocal(ua.grantedAt, zone);
  const clocks: DolsClock[] = [
    {
      id: 'dols-urgent',
      rule: 'OOH-04',
      anchor: ua.grantedAt,
      deadline: end,
      label: 'DoLS urgent authorisation',
      basis: `${periodWords(ua.grantedAt, ua.days, zone, counting)} from the grant by the managing authority at ${granted}; ends ${formatLocal(end, zone)}.`,
    },
  ];
  const ext = ua.extension;
  if (ext && ext.decision !== 'refused' && !validateExtension(ua, zone, counting).some((f) => f.severity === 'blocker')) {
    const extended = dolsAuthorisedUntil(ua.grantedAt, ua.days, ext.days, zone, counting);
    const extensionWords =
      counting === 'elapsed-hours'
        ? `${plural(ext.days, 'day')} (${ext.days * 24} hours elapsed)`
        : `${plural(ext.days, 'day')} (local calendar days, to the end of ${formatDay(addDays(localDate(ua.grantedAt, zone), ua.days + ext.days - 1))})`;
    clocks.push({
      id: 'dols-extended',
      rule: 'OOH-05',
      anchor: ua.grantedAt,
      deadline: extended,
      label: 'DoLS urgent authorisation (extended)',
      basis: `${plural(ua.days, 'day')} from the grant at ${granted}, extended by ${extensionWords} by the supervisory body at ${formatLocal(ext.decidedAt, zone)}; ends ${formatLocal(extended, zone)}.`,
    });
  }
  return clocks;
}
