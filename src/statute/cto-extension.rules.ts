/**
 * CTO-04 (MHA 1983 s.20A(3), (4), (8)): extending a community treatment order. Within the two months ending with the
 * day the order would otherwise end, the responsible clinician examines the patient (s.20A(4)) and may report that the
 * conditions for extending it are met; the report extends the order (s.20A(3): from its end, for 6 months, then a
 * year at a time), but the clinician may not make it unless an AMHP states in writing that they agree the conditions
 * are met and that it is appropriate to extend the order (s.20A(8); form CTO7). The AMHP's statement is the hub's
 * part: these are the pure checks of its timing and the period it leads to. No Nest, no ORM, no I/O, no clock.
 *
 * Days are local calendar dates (C2 for "the period of two months ending with" the day of expiry; C6 for the periods,
 * through authorityPeriods, the one rule of s.20/s.20A periods). Not legal advice.
 */
import { authorityPeriods, CTO_FIRST_PERIOD_MONTHS, RENEWAL_MONTHS, type AuthorityPeriod } from './assessment-rules';
import { formatDay, type Finding, type Instant } from './clocks';
import { citationOf } from './rule-catalogue';
import { addDays, addMonths, endOfLocalDay, localDate, monthsBetween, type IsoDate } from './time';
import { visibleLength } from './visible-text';

/** CTO-04 (s.20A(4)): the responsible clinician examines the patient within the two months ending with the day of expiry. ✔ */
export const CTO_EXTENSION_EXAMINATION_MONTHS = 2;

/**
 * CTO-04 (s.20A(8)): how long before the AMHP's statement is due (the end of the day the CTO expires) the hub warns,
 * while no statement is made: the managers (and the AMHP once it is allocated) are told and paged at each lead, and
 * at the deadline, when the CTO lapses unextended. Local policy, not the statute: 48 hours leaves a working day or two
 * to allocate it and for the AMHP to see the patient, or to ask the clinician why not; 12 hours is the last working
 * window (the evening before, or the morning of, the last day). Hours, nearest the deadline last.
 */
export const CTO_STATEMENT_WARNING_LEADS_HOURS: readonly number[] = [48, 12];

const CITE = {
  cto04: citationOf('CTO-04'),
  examination: 'MHA 1983 s.20A(4)',
  statement: 'MHA 1983 s.20A(8)',
  period: 'MHA 1983 s.20A(1), (3)',
} as const;

/** A community patient's CTO as the request to extend it states it, and the responsible clinician's examination. */
export interface CtoExtensionRequestFacts {
  /** The day the CTO was made (s.20A(1): its first period begins with it). */
  madeOn: IsoDate;
  /** The last day of the CTO's current period: it ends at the end of this day unless extended. */
  expiresOn: IsoDate;
  /** The day the responsible clinician examined the patient for the extension (s.20A(4)). */
  examinedOn: IsoDate;
}

/**
 * CTO-04 (s.20A(8), form CTO7): what the AMHP's statement can say: she agrees that the conditions for extending the CTO
 * are met and that extending it is appropriate, or she does not. The one list the service takes and the duty app offers.
 */
export const CTO_STATEMENT_DECISIONS = ['agree', 'disagree'] as const;
export type CtoStatementDecision = (typeof CTO_STATEMENT_DECISIONS)[number];

/** Each decision in the words of the statement (form CTO7), for the forms that offer it. */
export const CTO_STATEMENT_DECISION_LABELS: Readonly<Record<CtoStatementDecision, string>> = {
  agree: 'I agree that the conditions for extending the CTO are met and that extending it is appropriate',
  disagree: 'I do not agree: the conditions are not met, or extending the CTO is not appropriate',
};

/** The AMHP's statement on it (s.20A(8)). */
export interface CtoExtensionStatementFacts {
  decision: CtoStatementDecision;
  signedAt: Instant;
  /** The AMHP's approval was current when they signed (AMHP-01/07, as the eligibility checks judge it). */
  amhpApprovedAtSigning: boolean;
}

/** C2 / CTO-04 (s.20A(4)): the two months ending with the day of expiry, both days included. */
export function ctoExtensionExaminationWindow(expiresOn: IsoDate): { from: IsoDate; to: IsoDate } {
  return { from: addDays(addMonths(expiresOn, -CTO_EXTENSION_EXAMINATION_MONTHS), 1), to: expiresOn };
}

/**
 * CTO-08 / CTO-04 (s.20A(1), (3), C6): the CTO's periods from the day it was made, the current one being the period
 * that ends with `expiresOn`, and the one an extension gives (beginning the day after). Null when no period of the
 * order ends on `expiresOn` (the dates given do not agree with each other).
 */
export function ctoExtensionPeriods(madeOn: IsoDate, expiresOn: IsoDate): { current: AuthorityPeriod; next: AuthorityPeriod } | null {
  if (expiresOn < madeOn) return null;
  // Periods are at least 6 months long: this many always reach past the expiry date.
  const count = Math.floor(monthsBetween(madeOn, expiresOn) / 6) + 3;
  const periods = authorityPeriods(madeOn, CTO_FIRST_PERIOD_MONTHS, RENEWAL_MONTHS, count);
  const i = periods.findIndex((p) => p.lastDay === expiresOn);
  return i < 0 ? null : { current: periods[i], next: periods[i + 1] };
}

/** "6 months" / "1 year". */
function periodText(months: number): string {
  return months % 12 === 0 ? `${months / 12} year${months === 12 ? '' : 's'}` : `${months} months`;
}

type Field = 'madeOn' | 'expiresOn' | 'examinedOn' | 'signedAt';
export type CtoExtensionFinding = Finding & { field?: Field };

/** CTO-04 (s.20A(8)): the AMHP's statement is due by the end of the day the CTO expires (local time), when it ends unextended. */
export function ctoStatementDueBy(expiresOn: IsoDate, zone: string): Instant {
  return endOfLocalDay(expiresOn, zone);
}

/**
 * CTO-04 (s.20A(8)): a request has lapsed at `at` when the day the CTO expired has ended with no statement made on it
 * and the request still standing: the CTO ended unextended, and a statement could no longer count. A request withdrawn
 * before then (`withdrawn`) did not lapse: nobody was asked for a statement any more.
 */
export function ctoExtensionLapsed(expiresOn: IsoDate, decided: boolean, at: Instant, zone: string, withdrawn = false): boolean {
  return !decided && !withdrawn && localDate(at, zone) > expiresOn;
}

/**
 * CTO-04 (s.20A(4), (8)): why a request for the AMHP's statement is withdrawn before the statement is made, the one list
 * the service accepts and the app offers (held as data, for the Mental Health Act office to change):
 * - `not-extending`: the responsible clinician decided not to report that the conditions for extending it are met
 *   (s.20A(4)), so no statement is needed;
 * - `cto-revoked`: the CTO was revoked (s.17F(4)) and the patient is detained again;
 * - `discharged`: the patient was discharged from the CTO (s.23);
 * - `made-in-error`: the request should not have been made (the wrong patient, a duplicate, dates entered wrongly);
 * - `other`: another reason, given in the note.
 */
export const CTO_EXTENSION_WITHDRAWAL_REASONS = ['not-extending', 'cto-revoked', 'discharged', 'made-in-error', 'other'] as const;
export type CtoExtensionWithdrawalReason = (typeof CTO_EXTENSION_WITHDRAWAL_REASONS)[number];

/** Each reason in words, for what the service tells people (the allocated AMHP's notification). */
export const CTO_EXTENSION_WITHDRAWAL_LABELS: Readonly<Record<CtoExtensionWithdrawalReason, string>> = {
  'not-extending': 'the responsible clinician is not extending the CTO',
  'cto-revoked': 'the CTO was revoked',
  discharged: 'the patient was discharged from the CTO',
  'made-in-error': 'the request was made in error',
  other: 'another reason',
};

/** The least a note must say when the reason is `other`: as a referral withdrawn gives its reasons. */
export const CTO_WITHDRAWAL_NOTE_MIN_LENGTH = 10;

/**
 * CTO-04: what is missing from a withdrawal's reasons, as a message naming it, or null when nothing is. The reason
 * `other` says nothing by itself: its note must give the reasons (at least CTO_WITHDRAWAL_NOTE_MIN_LENGTH characters a
 * reader sees, visibleLength); with any other reason the note is optional.
 */
export function ctoWithdrawalNoteMissing(reason: CtoExtensionWithdrawalReason, note: string | null | undefined): string | null {
  if (reason !== 'other' || visibleLength(note ?? '') >= CTO_WITHDRAWAL_NOTE_MIN_LENGTH) return null;
  return `Give the reasons (at least ${CTO_WITHDRAWAL_NOTE_MIN_LENGTH} characters) in the note for a request withdrawn for another reason.`;
}

/**
 * CTO-04 (s.20A(1), (3), (4)): is the request one the hub can act on? `receivedAt` is when it reached the hub (a CTO
 * that ended before then cannot be extended). Blockers only, each naming the field it is about; empty when it can.
 * Codes: cto-expiry-not-a-period-end, examination-before-cto, examination-too-early, examination-after-expiry,
 * cto-expired.
 */
export function ctoExtensionRequestFindings(facts: CtoExtensionRequestFacts, receivedAt: Instant, zone: string): CtoExtensionFinding[] {
  const out: CtoExtensionFinding[] = [];
  const add = (code: string, field: Field, message: string, citation: string) =>
    out.push({ rule: 'CTO-04', severity: 'blocker', code, field, message, citation });
  const periods = ctoExtensionPeriods(facts.madeOn, facts.expiresOn);
  if (!periods) {
    const first = authorityPeriods(facts.madeOn, CTO_FIRST_PERIOD_MONTHS, RENEWAL_MONTHS, 3);
    add(
      'cto-expiry-not-a-period-end',
      'expiresOn',
      `A CTO made on ${formatDay(facts.madeOn)} has no period ending on ${formatDay(facts.expiresOn)}: its first period ends on ${formatDay(first[0].lastDay)}, then ${first
        .slice(1)
        .map((p) => formatDay(p.lastDay))
        .join(', then ')}, and a year at a time after that (s.20A(1), (3)). Check the dates on the order.`,
      CITE.period,
    );
  }
  if (facts.examinedOn < facts.madeOn)
    add(
      'examination-before-cto',
      'examinedOn',
      `The examination on ${formatDay(facts.examinedOn)} is before the CTO was made (${formatDay(facts.madeOn)}).`,
      CITE.examination,
    );
  const window = ctoExtensionExaminationWindow(facts.expiresOn);
  if (facts.examinedOn >= facts.madeOn && facts.examinedOn < window.from)
    add(
      'examination-too-early',
      'examinedOn',
      `The responsible clinician examined the patient on ${formatDay(facts.examinedOn)}, before the two months ending with the day the CTO expires (${formatDay(window.from)} to ${formatDay(window.to)}). An examination for the extension must be within them: a new examination is needed, on or after ${formatDay(window.from)}.`,
      CITE.examination,
    );
  if (facts.examinedOn > facts.expiresOn)
    add(
      'examination-after-expiry',
      'examinedOn',
      `The examination on ${formatDay(facts.examinedOn)} is after the CTO expired (at the end of ${formatDay(facts.expiresOn)}): an order that has ended cannot be extended.`,
      CITE.examination,
    );
  if (localDate(receivedAt, zone) > facts.expiresOn)
    add(
      'cto-expired',
      'expiresOn',
      `The CTO expired at the end of ${formatDay(facts.expiresOn)}, before this request came in: an order that has ended cannot be extended (s.20A(4)). If the patient still needs it, the responsible clinician must consider a new order.`,
      CITE.examination,
    );
  return out;
}

/** What the AMHP's statement leads to: whether the report may extend the CTO, and the period it would then run for. */
export interface CtoExtensionOutcome {
  extended: boolean;
  /** The period an extension gives (s.20A(3)), when the AMHP agrees; null otherwise. */
  period: AuthorityPeriod | null;
  findings: CtoExtensionFinding[];
}

/**
 * CTO-04 (s.20A(3), (4), (8)): the AMHP's statement on the request. Blockers refuse it: signed before the examination
 * it is about, after the CTO expired, or by an AMHP whose approval was not current. An agreement lets the responsible
 * clinician's report extend the CTO for the next period (6 months after the first, then a year at a time, C6; a
 * month-end date is flagged for review, as every period is); a disagreement means the CTO cannot be extended on this
 * examination (a warning that says so). Codes: the request's (ctoExtensionRequestFindings, as at `signedAt`),
 * statement-before-examination, statement-after-expiry, amhp-not-approved, period-month-end-review,
 * cto-extension-not-agreed.
 */
export function ctoExtensionOutcome(
  request: CtoExtensionRequestFacts,
  statement: CtoExtensionStatementFacts,
  zone: string,
): CtoExtensionOutcome {
  const findings = ctoExtensionRequestFindings(request, statement.signedAt, zone).filter((f) => f.code !== 'cto-expired');
  const add = (severity: Finding['severity'], code: string, field: Field | undefined, message: string, citation: string) =>
    findings.push({ rule: 'CTO-04', severity, code, ...(field ? { field } : {}), message, citation });
  const signedOn = localDate(statement.signedAt, zone);
  if (signedOn < request.examinedOn)
    add(
      'blocker',
      'statement-before-examination',
      'signedAt',
      `The statement is signed on ${formatDay(signedOn)}, before the responsible clinician's examination on ${formatDay(request.examinedOn)} that it is about.`,
      CITE.statement,
    );
  if (signedOn > request.expiresOn)
    add(
      'blocker',
      'statement-after-expiry',
      'signedAt',
      `The CTO expired at the end of ${formatDay(request.expiresOn)}; a statement signed on ${formatDay(signedOn)} cannot extend it (s.20A(4), (8)). If the patient still needs it, the responsible clinician must consider a new order.`,
      CITE.statement,
    );
  if (!statement.amhpApprovedAtSigning)
    add(
      'blocker',
      'amhp-not-approved',
      undefined,
      `The AMHP's approval was not current when they signed on ${formatDay(signedOn)}: only an approved AMHP may agree to a CTO's extension. A manager reallocates the request.`,
      CITE.statement,
    );
  if (findings.some((f) => f.severity === 'blocker')) return { extended: false, period: null, findings };
  if (statement.decision === 'disagree') {
    add(
      'warning',
      'cto-extension-not-agreed',
      undefined,
      `The AMHP does not agree that the conditions are met or that extending the CTO is appropriate: the responsible clinician cannot extend it on this examination (s.20A(8)), and it ends at the end of ${formatDay(request.expiresOn)} unless it is extended before then.`,
      CITE.statement,
    );
    return { extended: false, period: null, findings };
  }
  const period = ctoExtensionPeriods(request.madeOn, request.expiresOn)!.next;
  if (period.monthEnd)
    add(
      'warning',
      'period-month-end-review',
      undefined,
      `The extension runs from ${formatDay(period.from)} for ${periodText(period.months)} to ${formatDay(period.lastDay)}: a month-end case, whose end date the Mental Health Act office or legal team should confirm.`,
      CITE.period,
    );
  return { extended: true, period, findings };
}
