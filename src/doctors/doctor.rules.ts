/**
 * Pure rules of the doctors register: facts in, answers out. No Nest, no ORM, no clock.
 *
 * MHA 1983 s.12(2), (2A) (MED-03): one of the two medical recommendations must come from a doctor
 * approved under s.12(2), and an approved clinician counts as approved. The approval must be valid on the date of
 * the examination, so the question is always "approved on date D", with both ends of a period inclusive.
 */
import { IsoDate, isIsoDate } from '../statute/time';
import type { DoctorApprovalKind } from './doctor.entity';

/** A period of approval; both ends inclusive local dates. */
export interface ApprovalPeriod {
  kind: DoctorApprovalKind;
  startsOn: IsoDate;
  endsOn: IsoDate;
}

export interface ApprovalOn<P extends ApprovalPeriod> {
  s12: P | null;
  approvedClinician: P | null;
}

/** Why a period is not a period, or null when it is one. */
export function periodProblem(p: { startsOn: IsoDate; endsOn: IsoDate }): string | null {
  if (!isIsoDate(p.startsOn)) return 'startsOn must be a date YYYY-MM-DD';
  if (!isIsoDate(p.endsOn)) return 'endsOn must be a date YYYY-MM-DD';
  if (p.endsOn < p.startsOn) return 'endsOn must be on or after startsOn';
  return null;
}

export function covers(p: { startsOn: IsoDate; endsOn: IsoDate }, date: IsoDate): boolean {
  return p.startsOn <= date && date <= p.endsOn;
}

/**
 * The period of each kind that covers `date`, or null. Kinds are independent: being an approved clinician does not
 * make an s.12 period appear here (MED-03 accepts either; the caller decides). When overlapping periods of one
 * kind both cover the date, the one lasting longest is returned (it answers "approved until when?").
 */
export function approvalOn<P extends ApprovalPeriod>(approvals: readonly P[], date: IsoDate): ApprovalOn<P> {
  if (!isIsoDate(date)) throw new RangeError(`approvalOn needs a date YYYY-MM-DD, got '${date}'`);
  const best = (kind: DoctorApprovalKind): P | null => {
    let found: P | null = null;
    for (const p of approvals) {
      if (p.kind !== kind || !covers(p, date)) continue;
      if (!found || p.endsOn > found.endsOn || (p.endsOn === found.endsOn && p.startsOn < found.startsOn)) found = p;
    }
    return found;
  };
  return { s12: best('s12'), approvedClinician: best('approved-clinician') };
}

// ---------------------------------------------------------------------------------------------------------------
// Searching the register by name

// The words of a name as the register folds them (titles, case and accents aside): one place, in src/statute/names.ts,
// where the rules that tell doctors apart (sameDoctor, assessment-rules.ts) read them too.
export { NAME_TITLES, nameWords, searchWords } from '../statute/names';
import { NAME_TITLES, searchWords } from '../statute/names';

/** A query's words without titles anywhere ("dr bel" → "bel"); empty when the query is only titles. */
export function queryWords(q: string): string[] {
  return searchWords(q).filter((w) => !NAME_TITLES.has(w));
}

/**
 * The text stored for searching: the words, each after a space (" ade bello"), so that "a word starts with w" is the
 * pattern `% w%`, which a trigram index answers.
 */
export function searchText(words: readonly string[]): string {
  return words.map((w) => ` ${w}`).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// UK telephone numbers

/**
 * A UK telephone number as people write it: national (07700 900123, (01632) 960404, 020 7946 0000) or international
 * (+44 7700 900123, +44 (0)20 7946 0000, 0044 ...), with spaces, hyphens or brackets. The national significant
 * number starts 1, 2, 3, 5, 7, 8 or 9 and is 10 digits, or 9 for some 01 areas and 0800 (Ofcom's numbering plan).
 */
export const UK_PHONE =
  /^\s*(?:(?:\+|00)\s*44\s*(?:\(\s*0\s*\)\s*)?|\(?\s*0)(?:[18](?:[\s\-()]*[0-9]){8,9}|[23579](?:[\s\-()]*[0-9]){9})\s*$/;

export interface UkPhoneNumber {
  /** E.164, e.g. +447700900123: what is stored. */
  e164: string;
  /** As a person in the UK writes it, e.g. 07700 900123. */
  national: string;
}

/** Groups a national number (leading 0) the way it is usually printed. */
function groupNational(n: string): string {
  if (n.length === 10) return `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`; // 0800 123 456
  if (/^02/.test(n)) return `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`; // 020 7946 0000
  if (/^01\d1|^011/.test(n) || /^0[389]/.test(n)) return `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`; // 0113 496 0000, 0300 123 4567
  return `${n.slice(0, 5)} ${n.slice(5)}`; // 07700 900123, 01632 960404
}

/** The number in E.164 and national form, or null when it is not a UK number as UK_PHONE describes. */
export function ukPhone(value: string): UkPhoneNumber | null {
  if (!UK_PHONE.test(value)) return null;
  let digits = value.replace(/[^0-9+]/g, '');
  if (digits.startsWith('+44')) digits = digits.slice(3);
  else if (digits.startsWith('0044')) digits = digits.slice(4);
  // "+44 (0)20 ..." keeps the trunk 0 in brackets; a national number starts with it.
  if (digits.startsWith('0')) digits = digits.slice(1);
  if (!/^(?:[18][0-9]{8,9}|[23579][0-9]{9})$/.test(digits)) return null;
  return { e164: `+44${digits}`, national: groupNational(`0${digits}`) };
}

/** A stored number (E.164) as printed; a number stored before validation is shown as it was written. */
export function displayPhone(stored: string): string {
  return ukPhone(stored)?.national ?? stored;
}
