/**
 * The one authorisation function. Pure: facts in, decision out.
 *
 * Three things decide, in the NHS pattern: the actor's ROLE says what they may do at all; a legitimate
 * RELATIONSHIP to the person (allocated AMHP, referrer of their referral, on duty for the hub) says whose records;
 * BREAK-GLASS gives time-limited access without a relationship, with a reason and a review.
 */
import type { Role } from '../auth/roles';
import type { RelationshipKind } from './access-relationship.entity';

/** How a role reaches a person's record for an action. */
export interface PersonRule {
  /** The role sees every person the hub serves (team managers oversee all the work). */
  all?: boolean;
  /** Relationship kinds that justify access. */
  relationships?: RelationshipKind[];
  /** May open a break-glass session for access without a relationship. */
  breakGlass?: boolean;
}

export interface ActionPolicy {
  /** Roles that may do this when no person is involved. */
  roles?: Role[];
  /** Rules per role for actions on a person's record. */
  person?: Partial<Record<Role, PersonRule>>;
  /** Any authenticated user (their own account and inbox). */
  anyAuthenticated?: boolean;
  /**
   * Roles that may do this only to records that are their own (an AMHP's own practitioner record, training,
   * supervision). The route lets them through; the service, having loaded the record, asks again with `owns`.
   */
  ownRoles?: Role[];
}

export const POLICY = {
  'self.read': { anyAuthenticated: true },
  'self.write': { anyAuthenticated: true },
  /** The live event stream (GET /events): every event is then filtered by what the caller may see (src/alerts/stream.visibility.ts). */
  'events.stream': { anyAuthenticated: true },
  'users.read': { roles: ['admin'] },
  'users.write': { roles: ['admin'] },
  /** Webhook subscriptions of integrating systems (URL, event types, secret) and their delivery log. */
  'webhooks.manage': { roles: ['admin'] },
  'audit.read': { roles: ['auditor', 'admin'] },
  'review-alerts.read': { roles: ['auditor', 'admin'] },
  'review-alerts.review': { roles: ['auditor'] },
  'break-glass.open': { roles: ['amhp'] },
  'practitioners.read': { roles: ['manager', 'admin', 'auditor'], ownRoles: ['amhp'] },
  'practitioners.write': { roles: ['manager', 'admin'] },
  'doctors.read': { roles: ['manager', 'amhp', 'admin'] },
  'doctors.write': { roles: ['manager', 'admin'] },
  /** Auditors see that supervision happened, never its notes (the service hides them). */
  'supervision.read': { roles: ['manager', 'auditor'], ownRoles: ['amhp'] },
  /** A supervisor who is not a manager records sessions they held. */
  'supervision.write': { roles: ['manager'], ownRoles: ['amhp'] },
  'appraisals.read': { roles: ['manager'], ownRoles: ['amhp'] },
  'appraisals.write': { roles: ['manager'] },
  'practice-audits.read': { roles: ['manager', 'auditor'], ownRoles: ['amhp'] },
  'practice-audits.write': { roles: ['manager', 'auditor'] },
  /** The rota is staff data: AMHPs see all of it (to arrange swaps); referrers only who is on duty. */
  'rota.read': { roles: ['manager', 'amhp', 'admin', 'auditor'] },
  'rota.write': { roles: ['manager'] },
  'rota.on-duty': { anyAuthenticated: true },
  /** The law's catalogue (GET /rules): public law, no personal data. */
  'rules.read': { anyAuthenticated: true },
  /** Each user's own notification inbox. */
  'notifications.read': { anyAuthenticated: true },
  /** My pages and the devices I get them on (Web Push subscriptions), and the VAPID key to subscribe with. */
  'pages.mine': { anyAuthenticated: true },
  /** Every page and the state of its channels (ids and codes only): who was paged, whether it reached them, who acknowledged. */
  'pages.read': { roles: ['manager', 'admin', 'auditor'] },
  /** The SMS or voice gateway's delivery and acknowledgement receipts: its integration account, like webhooks. */
  'pages.gateway': { roles: ['admin'] },
  'leave.read': { roles: ['manager'], ownRoles: ['amhp'] },
  'leave.request': { roles: ['manager'], ownRoles: ['amhp'] },
  'leave.decide': { roles: ['manager'] },
  'swaps.read': { roles: ['manager', 'amhp'] },
  /** Offering, accepting and cancelling a swap: an AMHP for their own assignments; a manager on anyone's behalf. */
  'swaps.act': { roles: ['manager'], ownRoles: ['amhp'] },
  'swaps.decide': { roles: ['manager'] },
  'calendar.manage': { roles: ['manager'], ownRoles: ['amhp'] },
  /** Recording a new person at referral intake (who they are is then read under person.read). */
  'people.create': { roles: ['manager', 'amhp', 'referrer'] },
  /** Finding people: results are limited by person.read's scope, so nobody finds records they may not read. */
  'people.search': { roles: ['manager', 'amhp'] },
  /** Resolving pending identity matches of referral intakes (an NHS number given without the recorded name and date of birth). */
  'people.match': { roles: ['manager'] },
  'referrals.create': { roles: ['manager', 'amhp', 'referrer'] },
  /** The queue and referral lists: each referral shown only if its person is readable (referrers: their own). */
  'referrals.read': { roles: ['manager', 'amhp', 'referrer'] },
  'referrals.screen': { roles: ['manager', 'amhp'] },
  /**
   * The police's answer about how they used the power, added or corrected after intake (POL-06, POL-02): the route lets
   * referrers through too; the service then lets a referrer add it to a referral of their own only, and asks hub staff
   * person.read / person.write of the person as for any other correction.
   */
  'referrals.police-record': { roles: ['manager', 'amhp', 'referrer'] },
  'referrals.allocate': { roles: ['manager'] },
  /** Accepting or declining an allocation offer made to you. */
  'referrals.respond': { roles: ['amhp'] },
  /** The job pack the duty app keeps for use without a signal: the caller's own allocated jobs only (the service scopes it). */
  'job-pack.read': { roles: ['amhp'] },
  /** Assessments: the route lets AMHPs and managers through; the service then asks person.read / person.write of the person. */
  'assessments.read': { roles: ['manager', 'amhp'] },
  'assessments.write': { roles: ['manager', 'amhp'] },
  /**
   * CTO extensions (CTO-04, s.20A(4), (8)): the route lets managers and AMHPs through, and referrers: the responsible
   * clinician's team makes its request through a referrer account and follows the requests it made itself, as a
   * referral's referrer does. The service then asks person.read / person.write of the patient (a referrer: that it may
   * name the person, and that the request is its own). A manager allocates; the allocated AMHP makes the statement.
   */
  'cto-extensions.read': { roles: ['manager', 'amhp', 'referrer'] },
  'cto-extensions.write': { roles: ['manager', 'amhp', 'referrer'] },
  'cto-extensions.allocate': { roles: ['manager'] },
  'cto-extensions.state': { roles: ['amhp'] },
  /**
   * Withdrawing a request before the statement is made: a manager, or the referrer account that made it (its own; the
   * service asks, once it has the request, whether it is). Not an AMHP: the request is the responsible clinician's.
   */
  'cto-extensions.withdraw': { roles: ['manager'], ownRoles: ['referrer'] },
  /** Out-of-hours decisions: the author edits and signs; managers amend and read all; auditors see metadata only (the service decides). */
  'decisions.write': { roles: ['amhp', 'manager'] },
  'decisions.read': { roles: ['manager', 'amhp', 'auditor'] },
  /** Follow-up actions: AMHPs see and complete their own; managers all, and add handover actions (the service decides). */
  'actions.read': { roles: ['manager', 'amhp'] },
  'actions.write': { roles: ['manager', 'amhp'] },
  /** The morning handover: day-team managers take items on; the duty AMHP may read what they hand over. */
  'handovers.read': { roles: ['manager', 'amhp'] },
  'handovers.acknowledge': { roles: ['manager'] },
  /** Compiling the handover before the scheduled job does: a day-team manager. */
  'handovers.compile': { roles: ['manager'] },
  /**
   * The reports (aggregate figures, no person data): managers and admins; auditors too, always with small numbers
   * suppressed (the service decides). AMHPs read only their own workload (reports.workload).
   */
  'reports.read': { roles: ['manager', 'admin', 'auditor'] },
  /** The records behind a report's figure: a read of those people (person.read scopes and audits it); managers only. */
  'reports.records': { roles: ['manager'] },
  /** Loading the population table behind the equity report's rates (ONS estimates, no person data): managers and admins. */
  'reports.populations': { roles: ['manager', 'admin'] },
  /** An AMHP's own workload (GET /reports/my-workload): only ever the caller's own assessments. */
  'reports.workload': { ownRoles: ['amhp', 'manager'] },
  /**
   * A person's record. Not a referrer's, even of the person they referred: their relationship is to their own
   * referral, whose progress and clocks they see (seesReferralStatusOnly), and nothing more.
   */
  'person.read': {
    person: {
      manager: { all: true },
      amhp: { relationships: ['allocated', 'duty'], breakGlass: true },
    },
  },
  /**
   * Knowing who a person is, without reading their record: whether details a caller sends at referral intake are
   * a person they already know (the same person sent again), so the intake is matched to that person and discloses
   * nobody. A referrer knows the people of their own referrals (they sent them); staff those they may read.
   */
  'person.identify': {
    person: {
      manager: { all: true },
      amhp: { relationships: ['allocated', 'duty'], breakGlass: true },
      referrer: { relationships: ['referrer'] },
    },
  },
  /**
   * Reading one assessment and its outcome report or letter (the service asks, with the assessment as the resource):
   * as person.read, and the AMHP who conducted it keeps reading it after it closes (`conducted`, a relationship to
   * that assessment only). Changing it stays person.write: a closed record is not hers to change.
   */
  'assessment-record.read': {
    person: {
      manager: { all: true },
      amhp: { relationships: ['allocated', 'duty', 'conducted'], breakGlass: true },
    },
  },
  'person.write': {
    person: {
      manager: { all: true },
      amhp: { relationships: ['allocated'], breakGlass: true },
    },
  },
} satisfies Record<string, ActionPolicy>;

export type Action = keyof typeof POLICY;

export interface AccessFacts {
  /** Relationships of the actor to the person that are valid now. */
  relationships?: RelationshipKind[];
  /** An unexpired, unended break-glass session of the actor for the person. */
  breakGlassSessionId?: string;
  /** The record belongs to the actor (see ActionPolicy.ownRoles). Undefined: not yet known (route level). */
  owns?: boolean;
}

export interface Decision {
  allowed: boolean;
  /** `role:<role>`, `relationship:<kind>`, `break-glass:<session id>`, or why not. */
  basis: string;
  reason?: string;
  /** Denied, but break-glass would open access. */
  breakGlassAvailable?: boolean;
}

export function isPersonAction(action: Action): boolean {
  return 'person' in POLICY[action];
}

export function can(roles: readonly Role[], action: Action, facts?: AccessFacts): Decision {
  const policy: ActionPolicy = POLICY[action];
  if (policy.anyAuthenticated) return { allowed: true, basis: 'authenticated' };
  if (policy.roles || policy.ownRoles) {
    const role = policy.roles?.find((r) => roles.includes(r));
    if (role) return { allowed: true, basis: `role:${role}` };
    const ownRole = policy.ownRoles?.find((r) => roles.includes(r));
    if (ownRole && facts?.owns !== false) return { allowed: true, basis: facts?.owns ? `own:${ownRole}` : `own-pending:${ownRole}` };
    if (ownRole) return { allowed: false, basis: 'none', reason: 'you may only see or change your own records' };
    return {
      allowed: false,
      basis: 'none',
      reason: `requires one of the roles: ${[...(policy.roles ?? []), ...(policy.ownRoles ?? []).map((r) => `${r} (own records)`)].join(', ')}`,
    };
  }
  const rules = policy.person ?? {};
  let breakGlassAvailable = false;
  for (const role of roles) {
    const rule = rules[role];
    if (!rule) continue;
    if (rule.all) return { allowed: true, basis: `role:${role}` };
    const kind = rule.relationships?.find((k) => facts?.relationships?.includes(k));
    if (kind) return { allowed: true, basis: `relationship:${kind}` };
    if (rule.breakGlass) {
      if (facts?.breakGlassSessionId) return { allowed: true, basis: `break-glass:${facts.breakGlassSessionId}` };
      breakGlassAvailable = true;
    }
  }
  const permitted = Object.keys(rules).filter((r) => roles.includes(r as Role));
  if (!permitted.length) return { allowed: false, basis: 'none', reason: "your role gives no access to people's records for this action" };
  return {
    allowed: false,
    basis: 'none',
    reason: breakGlassAvailable
      ? 'you have no legitimate relationship to this person; in an emergency open a break-glass session with a reason'
      : 'you have no legitimate relationship to this person',
    breakGlassAvailable,
  };
}

/**
 * Whether free text about a person may be shown to these roles: the reason an AMHP gave for break-glass access, an
 * auditor's review note, the details of audit events. Those who review break-glass use (the roles of
 * `review-alerts.review`) judge it by that text; those whose role reaches people's records at all (`person.read`)
 * read such text in the records themselves. Nobody else: an account manager (admin) sees that an alert or an event
 * exists, its ids, codes and times, and nothing more (the DPA 2018 / UK GDPR art. 5(1)(c) minimum for managing
 * accounts). One rule for every route and view that shows such text.
 */
export function readsTextAboutPeople(roles: readonly Role[]): boolean {
  const personRules: Partial<Record<Role, PersonRule>> = (POLICY['person.read'] as ActionPolicy).person ?? {};
  return can(roles, 'review-alerts.review').allowed || roles.some((r) => personRules[r] !== undefined);
}

/**
 * The audited name of access from a source narrower than its kind, in the order preferred when several hold: the duty
 * relationship an allocation offer gives while it is open (`relationship:offer`) and the one an escalation page gives
 * an AMHP on duty (DUTY-03, POL-09: `relationship:escalation`), before the rota's own duty (`relationship:duty`).
 */
export const NAMED_SOURCES: ReadonlyArray<{ kind: RelationshipKind; sourceType: string; basis: string }> = [
  { kind: 'duty', sourceType: 'referral-offer', basis: 'offer' },
  { kind: 'duty', sourceType: 'referral-escalation', basis: 'escalation' },
];

/** The basis `relationship:<kind>` the policy gave, named by the narrowest source in `via` that gives that kind. */
export function relationshipBasis(basis: string, via: readonly string[]): string {
  if (!basis.startsWith('relationship:')) return basis;
  const kind = basis.slice('relationship:'.length);
  const named = NAMED_SOURCES.find((s) => s.kind === kind && via.includes(`${s.kind}:${s.sourceType}`));
  return named ? `relationship:${named.basis}` : basis;
}

/** For list queries: which relationship kinds (or all) make a person visible to these roles. */
export function personScope(
  roles: readonly Role[],
  action: Action,
): { all: true } | { all: false; relationships: RelationshipKind[]; breakGlass: boolean } {
  const rules = (POLICY[action] as ActionPolicy).person ?? {};
  const kinds = new Set<RelationshipKind>();
  let breakGlass = false;
  for (const role of roles) {
    const rule = rules[role];
    if (!rule) continue;
    if (rule.all) return { all: true };
    rule.relationships?.forEach((k) => kinds.add(k));
    breakGlass ||= !!rule.breakGlass;
  }
  return { all: false, relationships: [...kinds], breakGlass };
}

/**
 * A referrer with no hub role sees the progress of their own referrals and nothing more (issue 5): the referral
 * service answers such a caller with the status view.
 */
export function seesReferralStatusOnly(roles: readonly Role[]): boolean {
  return roles.includes('referrer') && !roles.some((r) => r === 'manager' || r === 'amhp');
}

/**
 * Whether the referrals this account makes are its own to follow: the `referrer` role, whatever other roles the
 * account holds (an AMHP in a community team refers too). Such a referral records its referrer and the `referrer`
 * relationship, and its referrer sees its status view wherever no hub role shows more (the best verdict of the
 * account's roles, as the event stream takes it).
 */
export function refersOwnReferrals(roles: readonly Role[]): boolean {
  return roles.includes('referrer');
}
