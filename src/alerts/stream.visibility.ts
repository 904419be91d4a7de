/**
 * Which outbox events a connected stream client may see. Pure: the event, the facts the stream service looked up
 * once per event (the person and referrer behind a referral or assessment), and the actor in; a verdict out.
 *
 * Conservative by design: an event is sent only when a rule below positively allows it.
 *  - manager: everything (team managers oversee all the work; person.read gives them every person).
 *  - amhp: rota events (rota.read), except leave, which only its owner sees (leave.read is own-records for AMHPs), and
 *    why a colleague was taken off a shift (leave, a suspended approval), which shows as `unavailable` (rotaPayloadAsSeen);
 *    events whose subject person they may read (answered by `check`: the service asks AccessService.decide
 *    'person.read' for that person, cached briefly per client); events addressed to them (payload.userId and the
 *    like = actor: an allocation offer, an action they own); the compiled handover (handovers.read).
 *  - referrer: status events of their own referrals only (received, allocated, each workflow move), reduced to
 *    {referralId, to}: the steps of their status view, never who was allocated.
 *  - auditor, admin: nothing. They are authenticated, so the route answers 200 and keeps the stream open (keep-alives
 *    only): auditors read the audit trail, not the live work; admins manage accounts.
 * Roles combine: the most permissive verdict of the actor's roles wins.
 */
import type { TokenLifetime } from '../auth/actor';
import type { Role } from '../auth/roles';
import { sessionEnded } from '../auth/sessions';
import { can } from '../access/policy';
import { rotaPayloadAsSeen } from '../rota/fairness';
import { eventPayloadFilter } from '../events/payload-filter';

export interface StreamEvent {
  id: string;
  /** The transaction that wrote it: with the id, its place in the order events are delivered in (never sent). */
  xact: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/**
 * An event's place in the order every consumer of the outbox delivers events in: by the transaction that wrote it,
 * then by id. An id is taken when the row is inserted but seen only when its transaction commits, so ids alone can
 * put an event behind one already delivered; an event is read only once its writer is older than every transaction
 * still running (the outbox's commit order: migration OutboxCommitOrder), so nothing can ever come before a place
 * reached. A client's Last-Event-ID names an event, and so its place.
 */
export interface Position {
  xact: bigint;
  id: bigint;
}

/** The place before every event. */
export const START: Position = { xact: 0n, id: 0n };

export function positionOf(e: { xact: string; id: string }): Position {
  return { xact: BigInt(e.xact), id: BigInt(e.id) };
}

/** Whether `a` comes after `b` in the delivery order. */
export function isAfter(a: Position, b: Position): boolean {
  return a.xact > b.xact || (a.xact === b.xact && a.id > b.id);
}

/** Looked up once per event by the stream service (cached): who the event is about. */
export interface EventFacts {
  /** The person the event is about (payload.personId, or the referral's / assessment's person). */
  personId?: string | null;
  /** The referrer user of the referral the event is about. */
  referrerUserId?: string | null;
}

export interface StreamActor {
  userId: string;
  roles: readonly Role[];
}

export type Verdict =
  | { send: false }
  | { send: true; payload: Record<string, unknown> }
  /** Send only if the actor may read this person (person.read), with this payload. */
  | { send: 'if-person-readable'; personId: string; payload: Record<string, unknown> };

const DROP: Verdict = { send: false };

/**
 * Payload keys that name the user an event is addressed to or about. `allocatedUserId`: the AMHP a CTO extension request
 * was allocated to, told that it was withdrawn (her access to the patient ended with it, so she is told as its
 * addressee, not as a reader of the person).
 */
const ADDRESSEE_KEYS = ['userId', 'leadAmhpUserId', 'authorUserId', 'ownerUserId', 'toUserId', 'allocatedUserId'] as const;

/** The referral events that are a status step of their own, with no `to` in their payload: the status each means. */
const STATUS_BY_TYPE: Readonly<Record<string, string>> = { 'referral.received': 'received', 'referral.allocated': 'allocated' };

/** The subject person of an event as the payload names it (decisions carry it; referrals and assessments need facts). */
export function personOf(event: StreamEvent, facts: EventFacts): string | null {
  const p = event.payload?.personId;
  if (typeof p === 'string' && p) return p;
  return facts.personId ?? null;
}

function verdictFor(role: Role, actor: StreamActor, event: StreamEvent, facts: EventFacts): Verdict {
  const payload = eventPayloadFilter(event.type, event.payload);
  switch (role) {
    case 'manager':
      return { send: true, payload };
    case 'amhp': {
      const addressed = ADDRESSEE_KEYS.some((k) => event.payload?.[k] === actor.userId);
      if (event.type.startsWith('rota.leave.')) return addressed ? { send: true, payload } : DROP;
      // Why a colleague was taken off a shift (leave, a suspended approval) is hers: shown to her and to readers of
      // practitioner records only, the rule of ShiftsService.seesWorkforceFacts.
      if (event.type.startsWith('rota.'))
        return {
          send: true,
          payload: rotaPayloadAsSeen(payload, addressed || can(actor.roles, 'practitioners.read', { owns: false }).allowed),
        };
      if (event.type === 'handover.compiled') return { send: true, payload };
      const person = personOf(event, facts);
      if (addressed) return { send: true, payload };
      if (person) return { send: 'if-person-readable', personId: person, payload };
      return DROP;
    }
    case 'referrer': {
      if (event.aggregateType !== 'referral' || !event.type.startsWith('referral.')) return DROP;
      if (!facts.referrerUserId || facts.referrerUserId !== actor.userId) return DROP;
      // Status only: received, allocated and the status transitions, each the step of the referrer's status view
      // (offers name the AMHP offered; extensions are hub detail). Received and allocated say their status by their
      // type; the allocation's payload names the AMHP, and the referrer is given the step alone.
      const to = STATUS_BY_TYPE[event.type] ?? event.payload?.to;
      if (typeof to !== 'string' || event.type !== `referral.${to}`) return DROP;
      return { send: true, payload: { referralId: event.aggregateId, to } };
    }
    default:
      // auditor, admin: nothing (documented above).
      return DROP;
  }
}

const rank = (v: Verdict): number => (v.send === true ? 2 : v.send === 'if-person-readable' ? 1 : 0);

/** The verdict for an actor: the most permissive of their roles' verdicts. */
export function visibility(actor: StreamActor, event: StreamEvent, facts: EventFacts = {}): Verdict {
  let best: Verdict = DROP;
  for (const role of actor.roles) {
    const v = verdictFor(role, actor, event, facts);
    if (rank(v) > rank(best)) best = v;
  }
  return best;
}

/** The `?types=` filter: exact types, or prefixes written `rota.*`. Empty: everything. */
export function parseTypes(raw: unknown): string[] {
  if (typeof raw !== 'string' || !raw.trim()) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s.length <= 100)
    .slice(0, 50);
}

export function typeMatches(types: readonly string[], type: string): boolean {
  if (!types.length) return true;
  return types.some((t) => (t.endsWith('*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

/** One SSE frame. */
export function frame(event: StreamEvent, payload: Record<string, unknown>): string {
  const data = {
    id: event.id,
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    occurredAt: event.occurredAt,
    payload,
  };
  return `id: ${event.id}\nevent: ${event.type.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A stream's kept answer to "may this user read this person?": until when, and what the instance had read when asked. */
export interface PersonAnswer {
  allowed: boolean;
  /** Epoch ms after which it is asked again whatever it said. */
  until: number;
  /** The place of the newest event the instance had read when the answer was given. */
  seen: Position;
}

/**
 * Does a kept answer hold for this event (else the stream asks again)? Not after `until`. An allowed answer holds
 * until then (a revocation shows within its lifetime). A refusal holds only for events the instance had read when it
 * was given (up to `seen` in the delivery order): their grants, if any, had committed and were seen. An event read
 * after it may have come with a grant (an allocation, an offer, a relationship), so the user is asked about again: an
 * AMHP allocated a person gets the very next event about them.
 */
export function answerHolds(answer: PersonAnswer | undefined, event: Position, now: number): answer is PersonAnswer {
  if (!answer || answer.until <= now) return false;
  return answer.allowed || !isAfter(event, answer.seen);
}

/**
 * Why a stream may no longer run, or null. A stream lasts no longer than the access token that opened it: it ends
 * when the token expires (QUALITY R6: an expired token is refused, and a stream is no exception), and when the
 * user's sessions are ended (sign-out, password change, account disabled) at or after the token was issued, whenever
 * the stream was opened (UK GDPR Art. 32: access ends with the session; `sessionEnded`). Without an issue time (an
 * identity provider's token may omit `iat`) the stream's opening stands in.
 */
export function streamLapse(
  token: TokenLifetime | undefined,
  openedAt: Date,
  sessionsEndedAt: Date | string | null | undefined,
  now: Date,
): 'token-expired' | 'session-ended' | null {
  if (token && now.getTime() >= token.exp * 1000) return 'token-expired';
  return sessionEnded(token, sessionsEndedAt, openedAt) ? 'session-ended' : null;
}
