/**
 * MHA25-06 (MHA 2025 s.25, new MHA 1983 s.11(4)-(4C)): the report that lets a s.3 or guardianship application go ahead
 * despite the nominated person's objection. Pure.
 *
 * The Act's text (as amended) asks for a report certifying that, in the AMHP's opinion, the patient, if not admitted
 * or received into guardianship, would be likely to act in a manner dangerous to other persons or to the patient.
 * ✱ Not commenced and its final wording unconfirmed: the grounds a report may certify are DATA (below), for the
 * deploying authority's legal team to confirm against the commenced text, not logic.
 */

import { visibleLength } from './visible-text';

/** ✱ The grounds the report may certify: likely to act in a manner dangerous to others, or to the patient. */
export const OVERRIDE_REPORT_GROUNDS = ['dangerous-to-others', 'dangerous-to-patient'] as const;
export type OverrideGround = (typeof OVERRIDE_REPORT_GROUNDS)[number];

export interface OverrideReport {
  grounds: readonly string[];
  /** Why, in the AMHP's opinion, the ground is met. */
  reasons: string;
}

/** The report certifies at least one allowed ground, only allowed grounds, and says why. */
export function overrideReportProblems(report: OverrideReport | null, allowed: readonly string[] = OVERRIDE_REPORT_GROUNDS): string[] {
  if (!report) return ['no report is recorded'];
  const problems: string[] = [];
  if (!report.grounds.length) problems.push(`the report certifies no ground (allowed: ${allowed.join(', ')})`);
  const unknown = report.grounds.filter((g) => !allowed.includes(g));
  if (unknown.length)
    problems.push(`the report certifies ${unknown.join(', ')}, which the Act does not allow (allowed: ${allowed.join(', ')})`);
  if (visibleLength(report.reasons) < 20) problems.push('the report does not say why (reasons of at least 20 characters)');
  return problems;
}
