/**
 * The rows the operational reports read from their views (migrations/1796429100000-OpsReportViews.ts): ids, codes,
 * numbers and instants only. Pure types and one helper.
 */
import type { Member, QuotientValue, RawFigure, Unit } from './report.model';

/** An assessment with its lead, outcome and the bed, conveyance and admission on its timeline (view report_assessment_ops). */
export interface OpsAssessmentRow {
  assessmentId: string;
  referralId: string;
  personId: string;
  source: string;
  legalContext: string;
  team: string | null;
  leadAmhpUserId: string;
  openedAt: Date;
  decidedAt: Date | null;
  outcomeKind: string | null;
  section: string | null;
  ctoDecision: string | null;
  alternatives: string[];
  applicationAt: Date | null;
  bedIdentifiedAt: Date | null;
  bedOutOfArea: boolean | null;
  conveyanceArrivedAt: Date | null;
  conveyanceMode: string | null;
  admittedAt: Date | null;
  lastDelayReason: string | null;
}

/**
 * A figure whose value is derived from two others shown beside it (a mean per shift, a ratio to FTE), with the records
 * it is computed from behind it: `members` (staff, shifts, decisions or assessments). Suppressed, it follows its parts
 * (report.model.ts, QuotientValue): [c] when either is, else computed from them as shown.
 */
export function quotientFigure(
  dims: Omit<RawFigure, 'members' | 'value' | 'unit'>,
  numerator: number,
  denominator: QuotientValue['denominator'],
  members: Member[],
  opts: { unit?: Unit; alongside?: number[] } = {},
): RawFigure {
  const value = { kind: 'quotient' as const, numerator, denominator, ...(opts.alongside ? { alongside: opts.alongside } : {}) };
  return { ...dims, unit: opts.unit ?? 'number', members, value };
}

/** A practitioner behind a workforce figure, as at `at` (no person's record). */
export const staffMember = (practitionerId: string, at: Date): Member => ({
  referralId: null,
  assessmentId: null,
  personId: null,
  practitionerId,
  at,
});

/** A rota shift behind a figure, at its start. */
export const shiftMember = (shiftId: string, startsAt: Date): Member => ({
  referralId: null,
  assessmentId: null,
  personId: null,
  shiftId,
  at: startsAt,
});

/** A handover item behind a figure, at its handover's compilation. */
export const handoverItemMember = (itemId: string, compiledAt: Date): Member => ({
  referralId: null,
  assessmentId: null,
  personId: null,
  handoverItemId: itemId,
  at: compiledAt,
});

/** Minutes from `a` to `b`, when both are known and in that order. */
export const minutesBetween = (a: Date | null, b: Date | null): number | undefined => {
  if (!a || !b) return undefined;
  const ms = b.getTime() - a.getTime();
  return ms >= 0 ? Math.round(ms / 60000) : undefined;
};
