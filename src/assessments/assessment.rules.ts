/**
 * The assessment workflow's own rules (not the Act's: those are src/statute/assessment-rules.ts). Pure.
 */
import type { Finding } from '../statute/clocks';
import type { RuleId } from '../statute/rule-catalogue';

export type OutcomeGate =
  | { ok: true }
  | { ok: false; code: 'application-blocked' | 'warnings-not-acknowledged'; message: string; rules: RuleId[]; findings: Finding[] };

/**
 * Whether an outcome may be recorded against the rules' findings: never with a blocker (all the findings are
 * returned, so the AMHP sees the warnings too); a warning only once acknowledged, by its code, with a reason.
 */
export function outcomeGate(findings: readonly Finding[], acknowledgedCodes: ReadonlySet<string>): OutcomeGate {
  const blockers = findings.filter((f) => f.severity === 'blocker');
  if (blockers.length) {
    return {
      ok: false,
      code: 'application-blocked',
      message: `The application cannot be recorded: ${blockers.map((f) => `${f.rule} ${f.message}`).join(' ')}`,
      rules: [...new Set(blockers.map((f) => f.rule))],
      findings: [...findings],
    };
  }
  const open = findings.filter((f) => f.severity === 'warning' && !acknowledgedCodes.has(f.code));
  if (open.length) {
    return {
      ok: false,
      code: 'warnings-not-acknowledged',
      message: `Acknowledge each warning with a reason (acknowledgements: [{ code, reason }]): ${open.map((f) => `${f.code}: ${f.message}`).join(' ')}`,
      rules: [...new Set(open.map((f) => f.rule))],
      findings: open,
    };
  }
  return { ok: true };
}

/**
 * The findings that bear on a CTO decision (CTO-01/02, and the AMHP's own approval, APP-01/AMHP-*): the rest of the
 * checklist is about an application, which a CTO decision is not.
 */
export function ctoFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.rule.startsWith('CTO') || f.rule.startsWith('AMHP') || f.rule === 'APP-01');
}

/**
 * Closing an assessment closes its referral, unless the decision was deferred or the assessment could not be
 * completed: then the referral stays open for the next assessment (COP-02: an AMHP may deliberately delay).
 */
export function closesReferral(outcomeKind: string | null, alternatives: readonly string[] = []): boolean {
  return !(outcomeKind === 'not-detained' && alternatives.some((x) => x === 'decision-deferred' || x === 'unable-to-complete'));
}
