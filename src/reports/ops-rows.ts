/**
 * The rows the operational reports read from their views (migrations/1796429100000-OpsReportViews.ts): ids, codes,
 * numbers and instants only. Pure types and one helper.
 */
import type { RawFigure, Unit } from './report.model';

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

/** A figure of things that are not referrals (staff, shifts, decisions): a number, with no records behind it to list. */
export function numberFigure(
  dims: Omit<RawFigure, 'members' | 'value' | 'unit' | 'noRecords'>,
  n: number,
  opts: { count?: boolean; unit?: Unit } = {},
): RawFigure {
  return {
    ...dims,
    unit: opts.unit ?? (opts.count ? 'count' : 'number'),
    members: [],
    value: { kind: 'number', n, ...(opts.count ? { count: true } : {}) },
    noRecords: true,
  };
}

/** Minutes from `a` to `b`, when both are known and in that order. */
export const minutesBetween = (a: Date | null, b: Date | null): number | undefined => {
  if (!a || !b) return undefined;
  const ms = b.getTime() - a.getTime();
  return ms >= 0 ? Math.round(ms / 60000) : undefined;
};
