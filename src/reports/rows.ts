/**
 * The rows the reports are computed from, as the service reads them from the reports' views (ids, codes and instants
 * only), and the filters every report applies to them. Pure.
 */
import { hoursBand, type ReportPeriod } from './period';
import type { Member, ReportFilters } from './report.model';

/** What the reports' views of referrals say of a referral's withdrawal. */
export interface Withdrawal {
  /** When it was withdrawn, if it was. */
  withdrawnAt: Date | null;
  /** Intake linked it to another open referral of the same person (DUTY-02, the finding open-referral-exists). */
  linkedAtIntake: boolean;
}

/**
 * DUTY-02: a referral linked at intake to another open referral of the same person and then withdrawn is that
 * episode's duplicate, counted once already (on the referral it duplicated). Activity shows it on a line of its own
 * beside the referrals received; every figure that counts episodes (a detention at a place of safety, a s.136
 * detention, a resident of another area, a re-referral, the referrals timed) leaves it out. The one definition.
 */
export const duplicateWithdrawn = (r: Withdrawal): boolean => r.withdrawnAt !== null && r.linkedAtIntake;

/** A referral and the instant of each of its steps (view report_referral_steps). */
export interface ReferralRow extends Withdrawal {
  referralId: string;
  personId: string;
  source: string;
  legalContext: string;
  team: string | null;
  receivedAt: Date;
  screenedAt: Date | null;
  screeningResult: string | null;
  allocatedAt: Date | null;
  assessmentId: string | null;
  doctorsRequestedAt: Date | null;
  doctorsArrivedAt: Date | null;
  interviewAt: Date | null;
  decisionAt: Date | null;
  applicationAt: Date | null;
  admittedAt: Date | null;
}

/** An assessment and its outcome codes (view report_assessments). */
export interface AssessmentRow {
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
  ctoDecision: string | null;
  alternatives: string[];
  lastDelayReason: string | null;
}

/** A s.135/s.136 referral at a place of safety (view report_places_of_safety). */
export interface PlaceOfSafetyRow extends Withdrawal {
  referralId: string;
  personId: string;
  source: string;
  legalContext: string;
  team: string | null;
  receivedAt: Date;
  placeType: string;
  under18: boolean;
  arrivedAt: Date | null;
  assessmentStartedAt: Date | null;
  extensionHours: number | null;
  extensionReason: string | null;
  assessmentId: string | null;
  outcomeKind: string | null;
  section: string | null;
  alternatives: string[];
  /**
   * s.136(3), s.135(3A): the referral on which the detention began, when this one continues it (the person taken on to
   * another place of safety and referred again); its arrivedAt is then that first start.
   */
  continuesReferralId?: string | null;
}

/** What decides whether a row's event counts: the period, the filters, and the zone and bank holidays for `hours`. */
export interface Selection {
  period: ReportPeriod;
  filters: ReportFilters;
  zone: string;
  bankHolidays: ReadonlySet<string>;
}

/**
 * Whether the event of a row at `at` counts in the selection: inside the period, and matching every filter (source,
 * legal context, team of the AMHP, and the hours band of the event itself).
 */
export function selected(sel: Selection, row: { source: string; legalContext: string; team: string | null }, at: Date | null): at is Date {
  if (!at || at < sel.period.start || at >= sel.period.end) return false;
  const f = sel.filters;
  if (f.source !== undefined && row.source !== f.source) return false;
  if (f.legalContext !== undefined && row.legalContext !== f.legalContext) return false;
  if (f.team !== undefined && row.team !== f.team) return false;
  if (f.hours !== undefined && hoursBand(at, sel.zone, sel.bankHolidays) !== f.hours) return false;
  return true;
}

export const member = (row: { referralId: string; personId: string; assessmentId?: string | null }, at: Date): Member => ({
  referralId: row.referralId,
  assessmentId: row.assessmentId ?? null,
  personId: row.personId,
  at,
});
