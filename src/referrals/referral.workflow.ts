/**
 * The referral workflow as an explicit state machine (the life of an assessment referral: DUTY-01, NR-12; MHA 1983 s.13).
 * Pure: the current state and the facts in, the decision out. An illegal move names the moves that are allowed.
 */
import type { RuleId } from '../statute/rule-catalogue';

export const REFERRAL_STATUSES = [
  'received',
  'screening',
  'accepted',
  'not-accepted',
  'transferred',
  'allocated',
  'in-assessment',
  'closed',
  'withdrawn',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * The open statuses: the referral is with the hub and its s.13 duty runs (every other status ends it). The one list
 * of them: code asks `isOpen`, SQL embeds `openStatusSql` (referrals.tables.ts).
 */
export const OPEN_STATUSES: readonly ReferralStatus[] = ['received', 'screening', 'accepted', 'allocated', 'in-assessment'];

/** Where each state may go. `withdrawn` is reachable from every open state (with a reason). */
export const TRANSITIONS: Record<ReferralStatus, ReferralStatus[]> = {
  received: ['screening', 'withdrawn'],
  screening: ['accepted', 'not-accepted', 'transferred', 'withdrawn'],
  accepted: ['allocated', 'withdrawn'],
  // Re-allocation (the AMHP cannot continue) goes back to accepted.
  allocated: ['in-assessment', 'accepted', 'withdrawn'],
  'in-assessment': ['closed', 'withdrawn'],
  'not-accepted': ['closed'],
  transferred: ['closed'],
  closed: [],
  withdrawn: [],
};

export interface TransitionFacts {
  /** Free-text reasons given with the move. */
  reason?: string | null;
  /** s.13(4): the nearest relative asked for the case to be considered. */
  nearestRelativeRequest: boolean;
  /** When written reasons were recorded as given to the nearest relative. */
  writtenReasonsAt: Date | null;
  /**
   * NR-12 (s.13(4)): the earliest the written reasons can have been given (reasonsOwedFrom): reasons recorded as given
   * before it are not reasons for this decision. Unknown: any recorded reasons count.
   */
  reasonsOwedFrom?: ReasonsOwedFrom | null;
  /** The council the referral is transferred to. */
  transferredTo?: string | null;
  /** The AMHP the referral is allocated to. */
  allocatedUserId?: string | null;
  /**
   * Closing after an assessment: whether an AMHP made an application (NR-12 applies when not: the nearest relative's own
   * application is not the AMHP's, s.13(4)). Unknown counts as not.
   */
  applicationMade?: boolean;
}

export type TransitionDecision =
  | { ok: true }
  | { ok: false; code: 'illegal-transition'; message: string; allowed: ReferralStatus[] }
  /** `field`: the field of the move that is missing or too short, for a 422 that names it. */
  | { ok: false; code: 'requirement-missing'; message: string; rule?: RuleId; field?: 'reason' | 'transferredTo' };

export function transition(from: ReferralStatus, to: ReferralStatus, facts: TransitionFacts): TransitionDecision {
  const allowed = TRANSITIONS[from];
  if (!allowed.includes(to)) {
    return { ok: false, code: 'illegal-transition', message: `A referral that is ${from} cannot become ${to}.`, allowed };
  }
  const reason = facts.reason?.trim() ?? '';
  if ((to === 'not-accepted' || to === 'withdrawn' || to === 'transferred') && reason.length < 10) {
    return {
      ok: false,
      code: 'requirement-missing',
      message: `Give the reasons (at least 10 characters) for a referral ${to === 'withdrawn' ? 'withdrawn' : to === 'transferred' ? 'transferred' : 'not accepted'}.`,
      rule: to === 'not-accepted' ? 'DUTY-01' : undefined,
      field: 'reason',
    };
  }
  if (to === 'transferred' && !facts.transferredTo?.trim()) {
    return {
      ok: false,
      code: 'requirement-missing',
      message: 'Name the council the referral is transferred to.',
      rule: 'DUTY-01',
      field: 'transferredTo',
    };
  }
  if (to === 'allocated' && !facts.allocatedUserId) {
    return { ok: false, code: 'requirement-missing', message: 'A referral is allocated to a named AMHP.' };
  }
  // NR-12 (s.13(4)): when the nearest relative asked and no application is made, written reasons are owed.
  const noApplication = from === 'not-accepted' || (from === 'in-assessment' && !facts.applicationMade);
  const owed = facts.reasonsOwedFrom;
  if (
    noApplication &&
    to === 'closed' &&
    facts.nearestRelativeRequest &&
    facts.writtenReasonsAt &&
    owed &&
    writtenReasonsTooEarly(facts.writtenReasonsAt, owed)
  ) {
    return {
      ok: false,
      code: 'requirement-missing',
      message: `The written reasons to the nearest relative (s.13(4)) are recorded as given before ${owed.what}: they cannot be the reasons for a decision not yet made. Record when the written reasons were given.`,
      rule: 'NR-12',
    };
  }
  if (noApplication && to === 'closed' && facts.nearestRelativeRequest && !facts.writtenReasonsAt) {
    return {
      ok: false,
      code: 'requirement-missing',
      message:
        'The nearest relative asked for this case to be considered (s.13(4)): record the written reasons given to them before closing.',
      rule: 'NR-12',
    };
  }
  return { ok: true };
}

/**
 * NR-12 (s.13(4)): what the written reasons answer and the earliest they can have been given: the decision not to
 * apply (the referral not accepted, or the latest outcome of its assessments), and never before the hub received the
 * referral (the nearest relative's request).
 */
export interface ReasonsOwedFrom {
  at: Date;
  what: 'the referral was received' | 'the referral was not accepted' | 'the decision on the assessment';
}

/**
 * NR-12 (s.13(4)): whether written reasons given at `givenAt` are too early to be the reasons for the decision
 * (`owed`): reasons given before it answer nothing yet decided.
 */
export function writtenReasonsTooEarly(givenAt: Date, owed: ReasonsOwedFrom): boolean {
  return givenAt.getTime() < owed.at.getTime();
}

/**
 * NR-12: the latest of the instants the written reasons must follow: the referral's receipt, its not-accepted
 * decision and each outcome's decision (decidedAt) of its assessments, whichever came last.
 */
export function reasonsOwedFrom(receivedAt: Date, notAcceptedAt: Date | null, outcomesDecidedAt: readonly Date[]): ReasonsOwedFrom {
  let owed: ReasonsOwedFrom = { at: receivedAt, what: 'the referral was received' };
  if (notAcceptedAt && notAcceptedAt.getTime() > owed.at.getTime()) owed = { at: notAcceptedAt, what: 'the referral was not accepted' };
  for (const d of outcomesDecidedAt) if (d.getTime() > owed.at.getTime()) owed = { at: d, what: 'the decision on the assessment' };
  return owed;
}

export function isOpen(status: ReferralStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** What an `allocated` event on a referral's timeline records about the allocation (its data). */
export interface AllocationRecord {
  userId?: string;
  /** A manager allocated despite hard eligibility findings (AMHP-01/03/05/07/08), with a reason. */
  override?: boolean;
  /** The codes of the findings the manager overrode; absent on overrides recorded before they were named. */
  overridden?: string[];
}

/**
 * MHA 1983 s.114: whether the referral's last allocation (`last`) was a manager's override, to `userId`, of every
 * reason in `because` that she may not act as an AMHP now. Such a decision stands: the same reasons never undo it; a
 * reason the manager did not know of (a suspension since, her account) does. An override recorded before overrides
 * named their reasons is taken to cover them all.
 */
export function overrideStands(last: AllocationRecord | undefined, userId: string, because: readonly string[]): boolean {
  if (!last || last.userId !== userId || !last.override) return false;
  const overridden = last.overridden;
  return !Array.isArray(overridden) || because.every((code) => overridden.includes(code));
}
