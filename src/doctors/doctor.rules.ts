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
