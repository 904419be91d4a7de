import type { TimelineEvent } from './assessment.entities';
/**
 * The assessment workflow's own rules (not the Act's: those are src/statute/assessment-rules.ts). Pure.
 */
import type { Section } from '../statute/assessment.types';
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
 * What an AMHP's CTO decision is about, from the referral's legal context: for a community patient recalled to hospital
 * (s.17E) it is revoking the CTO (CTO-03, s.17F(4), form CTO5); otherwise making one (CTO-01, s.17A(4), CTO1 Part 2).
 */
export function ctoDecisionAbout(legalContextKind: string | null | undefined): 'making' | 'revocation' {
  return legalContextKind === 'cto-recall' ? 'revocation' : 'making';
}

/** The rules outside the CTO family that a CTO decision is judged on: the disorder it rests on (s.1(2A)-(2B); MHA 2025 ss.3-4). */
const CTO_DISORDER_RULES: ReadonlySet<string> = new Set(['APP-09', 'MHA25-04']);

/**
 * The findings that bear on a CTO decision (CTO-01/02 for making one, CTO-03/06 for revoking one, the AMHP's own
 * approval, APP-01/AMHP-*, and the disorder the order rests on, APP-09 and MHA25-04): the rest of the checklist is about
 * an application, which a CTO decision is not.
 */
export function ctoFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) => f.rule.startsWith('CTO') || f.rule.startsWith('AMHP') || f.rule === 'APP-01' || CTO_DISORDER_RULES.has(f.rule),
  );
}

/**
 * Closing an assessment closes its referral, unless the decision was deferred or the assessment could not be
 * completed: then the referral stays open for the next assessment (COP-02: an AMHP may deliberately delay).
 */
export function closesReferral(outcomeKind: string | null, alternatives: readonly string[] = []): boolean {
  return !(outcomeKind === 'not-detained' && alternatives.some((x) => x === 'decision-deferred' || x === 'unable-to-complete'));
}

/**
 * NR-12 (MHA 1983 s.13(4)): whether the AMHP made an application. When the nearest relative asked for the case to be
 * considered and the AMHP decides not to apply, she gives written reasons; the nearest relative applying themselves
 * (s.11(1)) does not make that decision an application by her.
 */
export function amhpApplied(outcomeKind: string | null, applicant: string | null | undefined): boolean {
  return outcomeKind === 'application' && applicant !== 'nearest-relative';
}

/** What a made application still waits for before its assessment can close (owedBeforeClose). */
export interface OwedRecord {
  /** The request field or timeline event that records it. */
  record: 'admitted' | 'managersReceivedAt' | 's4-conversion-or-lapse' | 'forwardedToLssaAt' | 'acceptedByLssaAt';
  rule: RuleId;
  message: string;
}

/**
 * What a made application has not yet had recorded that its effect turns on, while it still can (the record the
 * assessment must stay open for, so that its lead AMHP can record it; a closed record is no longer hers to change):
 * - an admission (s.2, s.3, s.4): the admission, or for a patient already in hospital the managers' receipt (APP-12,
 *   s.5(1), s.6(2)), until the authority to convey has ended (APP-13 / APP-14, s.6(1): `conveyanceEndsAt`), after
 *   which the application cannot be acted on and nothing more is owed;
 * - a s.4 admitted: its end, a conversion into a s.2 or its lapse after the 72 hours (APP-11, s.4(4));
 * - guardianship (s.7): its forwarding to the local social services authority, until the time to forward has ended
 *   (GDN-06, s.8(2): `forwardingEndsAt`), then the authority's acceptance, without which it has no effect (GDN-08).
 * Pure: the facts and now in, the records owed out (none: the assessment may close).
 */
export function owedBeforeClose(
  app: {
    section: Section;
    inPatient: boolean;
    admittedAt: Date | null;
    conveyanceEndsAt: Date | null;
    s4Ended: boolean;
    forwardedToLssaAt: Date | null;
    forwardingEndsAt: Date | null;
    acceptedByLssaAt: Date | null;
  },
  now: Date,
): OwedRecord[] {
  const open = (end: Date | null) => !end || now.getTime() < end.getTime();
  if (app.section === 's7') {
    if (!app.forwardedToLssaAt)
      return open(app.forwardingEndsAt)
        ? [
            {
              record: 'forwardedToLssaAt',
              rule: 'GDN-06',
              message: 'The guardianship application has not been recorded as forwarded to the local social services authority (s.8(2)).',
            },
          ]
        : [];
    return app.acceptedByLssaAt
      ? []
      : [
          {
            record: 'acceptedByLssaAt',
            rule: 'GDN-08',
            message:
              'The local social services authority has not been recorded as accepting the guardianship application: it has no effect until then (s.8(1)).',
          },
        ];
  }
  if (!app.admittedAt) {
    if (!open(app.conveyanceEndsAt)) return [];
    return [
      app.inPatient
        ? {
            record: 'managersReceivedAt',
            rule: 'APP-12',
            message:
              "The hospital managers' receipt of the application is not recorded: for a patient already in hospital it is the admission (s.5(1)).",
          }
        : {
            record: 'admitted',
            rule: 'APP-12',
            message: 'The admission under the application is not recorded (timeline event "admitted"): the detention runs from it.',
          },
    ];
  }
  // Admitted after the authority to convey ended: not an admission under the application (APP-13 / APP-14), so
  // nothing of it follows (no s.4 hours to end).
  if (app.conveyanceEndsAt && app.admittedAt.getTime() >= app.conveyanceEndsAt.getTime()) return [];
  if (app.section === 's4' && !app.s4Ended)
    return [
      {
        record: 's4-conversion-or-lapse',
        rule: 'APP-11',
        message:
          'The s.4 has neither become a s.2 (a second recommendation received within the 72 hours: POST s4-conversion) nor been recorded as lapsed at their end (POST s4-lapse).',
      },
    ];
  return [];
}

/** What the rules' "now" is taken as: the application's signing, an instant the caller asked about, or the clock. */
export type EvaluationBasis = 'signedAt' | 'asAt' | 'now';

/**
 * The instant the checks are evaluated as at. Paperwork is often typed up after the night it records, so "now" is
 * only the last resort: an explicit `asAt` (what would an application signed then have met, or, for an application
 * already recorded, where did it stand then) comes first, then the signing of the application recorded or being
 * recorded (it is judged as it was when made), and only then the clock.
 */
export function evaluationInstant(signedAt: Date | null, asAt: Date | null, now: Date): { at: Date; basis: EvaluationBasis } {
  if (asAt) return { at: asAt, basis: 'asAt' };
  if (signedAt) return { at: signedAt, basis: 'signedAt' };
  return { at: now, basis: 'now' };
}

/**
 * The earliest a timeline event may be put before its assessment opened: a week (a warrant obtained days before, a
 * tap recorded late). Earlier than that is taken for a mistyped date and refused.
 */
export const EVENT_LEAD_MS = 7 * 86_400_000;

/**
 * An assessment's times, and the end of a detention (on an assessment or on a referral's stated s.2), are recorded at
 * most this long after the fact (a record typed up late, or corrected): an earlier one is a mistyped year (422).
 */
export const RECORDED_LEAD_DAYS = 366;

/**
 * Why a timeline event at `at` (ms) cannot be believed, or null: before the hub received the referral (nothing of
 * its handling happened before the hub heard of it: a slip of the thumb, or "earlier" taken as yesterday), or more
 * than EVENT_LEAD_MS before the assessment opened (a mistyped date).
 */
export function eventTooEarly(at: number, openedAt: Date, referralReceivedAt: Date): 'before-referral' | 'before-assessment' | null {
  if (at < referralReceivedAt.getTime()) return 'before-referral';
  return at < openedAt.getTime() - EVENT_LEAD_MS ? 'before-assessment' : null;
}

/** Timeline events that the outcome writes (its decision and signing times): only the outcome itself sets them. */
export const OUTCOME_EVENTS: ReadonlySet<string> = new Set<TimelineEvent>(['decision', 'application-signed']);

/** A made application as kept: its section and the recommendations live when it was recorded (none kept before them). */
export interface MadeApplication {
  section: Section;
  foundedOn?: readonly string[];
}

/**
 * Whether a made application is judged with the recommendation `r`: one it was founded on (MED-01, s.12(1): the
 * recommendations signed on or before it, kept with it as `foundedOn`), and for a s.4 the s.2 recommendations that may
 * make it a s.2 (APP-11, s.4(4)). A recommendation added later is not part of it. An application recorded before
 * `foundedOn` was kept is judged with every live recommendation of its section.
 */
export function judgedWithApplication(app: MadeApplication, r: { id: string; section: Section }): boolean {
  if (app.section === 's4' && r.section === 's2') return true;
  return app.foundedOn ? app.foundedOn.includes(r.id) : r.section === app.section;
}

/**
 * Whether the made application rests on `r`, so that withdrawing it would rewrite what was made (its findings, and
 * deadlines run from the last examination it was founded on: GDN-06, APP-13): one judged with it, and for a s.4 a
 * second recommendation only once the s.4 became a s.2 (`becameS2`: converted, or judged to convert).
 */
export function foundsApplication(app: MadeApplication, r: { id: string; section: Section }, becameS2: boolean): boolean {
  if (app.section === 's4' && r.section === 's2') return becameS2;
  return judgedWithApplication(app, r);
}

/**
 * APP-11 (s.4(4)): a s.4's 72 hours run from the first admission under it. Moving admission `eventId` of `admitted`
 * (the assessment's `admitted` events, in any order) to `at` moves that start `from` the first admission now `to` the
 * first once moved: the first moved, a later one moved before it, or the first moved past a later one. Null when the
 * start does not move (none recorded, or another admission moved and still after the first). Times in epoch ms.
 */
export function admissionStartMove(
  admitted: ReadonlyArray<{ id: string; at: number }>,
  eventId: string,
  at: number,
): { from: number; to: number } | null {
  if (!admitted.length) return null;
  const from = Math.min(...admitted.map((e) => e.at));
  const to = Math.min(at, ...admitted.filter((e) => e.id !== eventId).map((e) => e.at));
  return from === to ? null : { from, to };
}
