import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AssessmentsService } from '../assessments/assessments.service';
import { AccountCache } from '../auth/account-cache';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock } from '../common/clock';
import { TooManyRequestsProblem, UnauthorizedProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { DATABASE_URL } from '../database/database.module';
import { Db } from '../database/db';
import { OUTBOX_HORIZON_SQL } from '../events/events.tables';
import { ReferralsService } from '../referrals/referrals.service';
import {
  answerHolds,
  EventFacts,
  frame,
  isAfter,
  PersonAnswer,
  Position,
  positionOf,
  START,
  StreamEvent,
  streamLapse,
  typeMatches,
  visibility,
} from './stream.visibility';

export const OUTBOX_CHANNEL = 'amhp_outbox';
/** Events replayed on resume at most; beyond that the client is told to reload (`reset`). */
export const REPLAY_LIMIT = 500;
const KEEP_ALIVE_MS = 15_000;
/**
 * How long a per-client person.read answer is kept: a revocation shows within PERSON_TTL_MS. A refusal is kept at most
 * DENIED_TTL_MS and only for events already read when it was given (answerHolds): a grant shows with the next event.
 */
const PERSON_TTL_MS = 30_000;
const DENIED_TTL_MS = 5_000;
/** Events read at most per read of the outbox (the next read follows at once). */
const READ_BATCH = 1000;
/**
 * While committed events wait behind a transaction still running (the outbox's commit order, below), the outbox is
 * read again after this long, doubling up to HELD_MAX_MS: that transaction may end without writing an event, and so
 * without a notification (one that writes one wakes every instance as it commits). A read while events wait is one
 * probe of the outbox's (xact_id, id) index, so even a transaction open for minutes costs ten small reads a second.
 */
const HELD_FIRST_MS = 10;
const HELD_MAX_MS = 100;
/**
 * Committed events held back this long by one transaction still running are logged once, naming the session that holds
 * them (a session left open in a transaction, say by hand, holds every event back for as long as it stays open).
 */
const HELD_WARN_MS = 30_000;
const FACTS_CACHE = 2000;
/**
 * Bytes a stream may have waiting to be sent (beyond what the kernel holds) before it is dropped: a client that stops
 * reading (a phone that went to sleep, a stuck proxy) would otherwise keep every frame in this instance's memory.
 * It reconnects with Last-Event-ID and is replayed what it missed (or told to reload).
 */
export const MAX_BUFFERED_BYTES = 1 << 20;
/** The longest delay a timer takes (about 24.8 days); a token living longer is ended by `recheck` instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The outbox's commit order, which every read below keeps (OUTBOX_HORIZON_SQL): events are read in the order
 * (xact_id, id), and only those below the horizon, so a client resuming after an event, or the fan-out going on from
 * the last one it read, misses nothing that commits later.
 */
const HORIZON = OUTBOX_HORIZON_SQL;
const COLUMNS = `e.id::text AS id, e.xact_id::text AS xact, e.type, e.aggregate_type AS "aggregateType", e.aggregate_id AS "aggregateId", e.occurred_at AS "occurredAt", e.payload`;
/** The events after a place ($1 xact, $2 id), ready or not (those not ready come last), with the horizon. */
const READ_NEW = `SELECT h.horizon::text AS horizon, e.* FROM (SELECT ${HORIZON} AS horizon) h
  LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM published_events e WHERE (e.xact_id, e.id) > ($1::bigint, $2::bigint) ORDER BY e.xact_id, e.id LIMIT ${READ_BATCH}) e ON true`;
/** The newest event ready (the place every event delivered so far is at or before), or none. */
const NEWEST = `SELECT e.id::text AS id, e.xact_id::text AS xact FROM published_events e WHERE e.xact_id < ${HORIZON} ORDER BY e.xact_id DESC, e.id DESC LIMIT 1`;
/**
 * A resume: the place of the event named by Last-Event-ID ($1; an id that names no event stands at the start of the
 * order, before every event written since the order was recorded: replayed, or reset, never lost), and the ready
 * events after it, at most one more than a replay holds.
 */
const REPLAY = `WITH c AS (SELECT coalesce((SELECT xact_id FROM published_events WHERE id = $1::bigint), 0) AS xact)
  SELECT c.xact::text AS "fromXact", e.* FROM c LEFT JOIN LATERAL (
    SELECT ${COLUMNS} FROM published_events e WHERE (e.xact_id, e.id) > (c.xact, $1::bigint) AND e.xact_id < ${HORIZON}
     ORDER BY e.xact_id, e.id LIMIT ${REPLAY_LIMIT + 1}) e ON true`;

interface Row {
  id: string;
  xact: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date | string;
  payload: Record<string, unknown>;
}

interface StreamClient {
  actor: Actor;
  openedAt: Date;
  types: string[];
  out: ServerResponse;
  /** Live events held back while the replay is written. */
  pending: StreamEvent[] | null;
  /**
   * The place up to which the client already has every event, by its Last-Event-ID, its replay or a reset (which
   * reloads everything up to it): nothing up to it is written again (the poller of this instance may reach it only
   * after the stream opened, or this instance's poller may be behind the one the client resumed from). Null once the
   * poller has passed it.
   */
  coveredTo: Position | null;
  /** person.read answers, by person (answerHolds says when one is asked again). */
  persons: Map<string, PersonAnswer>;
  /** Writes are chained so that per-client person checks never reorder frames. */
  chain: Promise<void>;
  closed: boolean;
  /** Ends the stream when its access token expires. */
  expiry: NodeJS.Timeout | null;
  /**
   * The place of the newest event this client has been told (an event's `id:`, or a position: see `tell`), so that its
   * next Last-Event-ID resumes from there rather than from before events it was never sent.
   */
  told: Position;
}

const toEvent = (r: Row): StreamEvent => ({
  id: r.id,
  xact: r.xact,
  type: r.type,
  aggregateType: r.aggregateType,
  aggregateId: r.aggregateId,
  occurredAt: r.occurredAt instanceof Date ? r.occurredAt.toISOString() : new Date(r.occurredAt).toISOString(),
  payload: r.payload ?? {},
});

/**
 * The live event stream's engine, one per app instance: ONE dedicated LISTEN connection on `amhp_outbox`; on each
 * notification the new outbox rows are read once (after the last place read, in the outbox's commit order: READ_NEW,
 * so coalesced or lost notifications lose nothing, and a transaction committing late is read in its place) and
 * fanned out to this instance's connected clients, each filtered by what its user may see.
 */
@Injectable()
export class StreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('EventStream');
  private readonly clients = new Set<StreamClient>();
  /**
   * Streams admitted but not yet open, by user: counted against the cap with those open, so that streams asked for at
   * once take their places one by one (admit awaits the database between its count and the stream's opening).
   */
  private readonly admitted = new Map<string, number>();
  private listener: Client | null = null;
  /** The place of the newest event read. */
  private lastSeen: Position = START;
  /**
   * The place of the newest event the fan-out has passed: every event after it is still to be handed to the clients
   * connected now. A stream opened afresh starts here, and a client is told it as its position.
   */
  private passed: Position = START;
  /** The read again while committed events wait behind a transaction still running (HELD_FIRST_MS). */
  private heldTimer: NodeJS.Timeout | null = null;
  private heldMs = HELD_FIRST_MS;
  /** Since when (performance.now()) events have been held back without a break, and whether that was logged. */
  private heldSince: number | null = null;
  private heldLogged = false;
  private readonly facts = new Map<string, EventFacts>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private backoffMs = 250;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly dataSource: DataSource,
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly config: AppConfig,
    private readonly referrals: ReferralsService,
    private readonly assessments: AssessmentsService,
    private readonly users: UsersService,
    private readonly accounts: AccountCache,
    private readonly clock: Clock,
  ) {
    // A change made through this replica's API ends the user's streams at once (sign-out, password change), or once
    // the account is read again and its roles differ or it is disabled; other replicas' changes are found by `recheck`.
    accounts.onForget((userId, reason) => {
      if (reason === 'sessions-ended') this.endUser(userId);
      else void this.recheck([userId]).catch((err: Error) => this.log.warn(`account re-check failed: ${err.message}`));
    });
  }

  /** Streams one user holds open on this replica. */
  streamsOf(userId: string): number {
    let n = 0;
    for (const c of this.clients) if (c.actor.userId === userId) n += 1;
    return n;
  }

  /**
   * Checked before the response is taken over: refuses a stream beyond EVENTS_MAX_STREAMS_PER_USER for this user
   * (429), and one whose token was issued before the user's sessions were last ended (signed out, password changed,
   * account disabled): 401, as for any token that cannot be used, since the stream would be ended at once
   * (streamLapse), read afresh here rather than from authentication's short account cache.
   */
  async admit(actor: Actor): Promise<void> {
    const userId = actor.userId;
    if (this.streamsOf(userId) + (this.admitted.get(userId) ?? 0) >= this.config.eventsMaxStreamsPerUser)
      throw new TooManyRequestsProblem(
        `You already have ${this.config.eventsMaxStreamsPerUser} live event streams open; close one first.`,
        KEEP_ALIVE_MS / 1000,
      );
    // Its place is taken now, in the same turn as the count: open() turns it into the stream.
    this.admitted.set(userId, (this.admitted.get(userId) ?? 0) + 1);
    try {
      const [row] = await this.users.standing([userId]);
      const now = this.clock.now();
      if (streamLapse(actor.token, now, row?.sessionsEndedAt, now))
        throw new UnauthorizedProblem(
          'This token belongs to a session that has ended (signed out, password changed or account disabled): sign in again for a live stream.',
        );
    } catch (err) {
      this.release(userId);
      throw err;
    }
  }

  /** Gives back a place admit took (the stream opened, or was refused after all). */
  private release(userId: string): void {
    const n = (this.admitted.get(userId) ?? 0) - 1;
    if (n > 0) this.admitted.set(userId, n);
    else this.admitted.delete(userId);
  }

  /**
   * Ends the streams of users whose account no longer allows them: disabled or removed, roles changed since the
   * stream opened, sessions ended (on any replica) since its token was issued, or the token expired (streamLapse).
   * Runs with every keep-alive and after a change through this replica's API; reads through the account cache.
   */
  async recheck(userIds: string[] = [...new Set([...this.clients].map((c) => c.actor.userId))]): Promise<void> {
    if (!userIds.length) return;
    const rows = await this.users.standing(userIds);
    const found = new Map(rows.map((r) => [r.id, r]));
    const now = this.clock.now();
    for (const c of [...this.clients]) {
      if (!userIds.includes(c.actor.userId)) continue;
      const row = found.get(c.actor.userId);
      const account = this.accounts.get(c.actor.userId) ?? row;
      const sameRoles =
        !!account && account.roles.length === c.actor.roles.length && account.roles.every((r) => c.actor.roles.includes(r as never));
      const lapsed = streamLapse(c.actor.token, c.openedAt, row?.sessionsEndedAt, now);
      if (!account?.active || !sameRoles || lapsed) this.end(c);
    }
  }

  private endUser(userId: string): void {
    for (const c of [...this.clients]) if (c.actor.userId === userId) this.end(c);
  }

  async onApplicationBootstrap(): Promise<void> {
    const [row] = await this.db.prepared<{ id: string; xact: string }>(Db.statementName(NEWEST), NEWEST, []);
    this.lastSeen = row ? positionOf(row) : START;
    this.passed = this.lastSeen;
    this.keepAlive = setInterval(() => {
      for (const c of this.clients) this.keepAliveOf(c);
      if (this.clients.size) void this.recheck().catch((err: Error) => this.log.warn(`account re-check failed: ${err.message}`));
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
    await this.connect().catch((err: Error) => {
      this.log.warn(`LISTEN connection failed: ${err.message}; retrying`);
      this.scheduleReconnect();
    });
  }

  /** Graceful shutdown (before the HTTP server closes, which would otherwise wait for open streams): end them all. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heldTimer) clearTimeout(this.heldTimer);
    for (const c of [...this.clients]) this.end(c);
    await this.reading?.catch(() => undefined);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  get listening(): boolean {
    return this.listener !== null;
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'amhp-hub-listen',
      connectionTimeoutMillis: this.config.dbConnectTimeoutMs,
    });
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (!this.stopping) {
        this.log.warn(`LISTEN connection lost${err ? `: ${err.message}` : ''}; reconnecting`);
        this.scheduleReconnect();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopping) {
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', () => this.wake());
    this.listener = client;
    this.backoffMs = 250;
    // Anything committed while we were not listening.
    this.wake();
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((err: Error) => {
        this.log.warn(`LISTEN reconnect failed: ${err.message}; retrying in ${this.backoffMs} ms`);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  /** A notification's payload is ignored beyond waking up: the rows are read after the last place read. */
  private wake(): void {
    if (this.stopping) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        try {
          await this.readNew();
        } catch (err) {
          this.log.warn(`reading the outbox failed: ${(err as Error).message}`);
          break;
        }
      } while (this.readAgain && !this.stopping);
    })().finally(() => {
      this.reading = null;
    });
  }

  /**
   * Once per instance per wake-up: the events after the last place read that are ready (READ_NEW). Events committed
   * but waiting behind a transaction still running are read again shortly (`heldTimer`), as that transaction may end
   * without a notification.
   */
  private async readNew(): Promise<void> {
    // Prepared: the horizon's read of pg_stat_activity costs several times more to plan than to run, once per wake-up.
    const found = await this.db.prepared<Partial<Row> & { horizon: string }>(Db.statementName(READ_NEW), READ_NEW, [
      this.lastSeen.xact.toString(),
      this.lastSeen.id.toString(),
    ]);
    const horizon = BigInt(found[0]?.horizon ?? 0);
    const rows = found.filter((r): r is Row & { horizon: string } => r.id != null);
    const ready = rows.filter((r) => BigInt(r.xact) < horizon);
    if (ready.length) this.lastSeen = positionOf(ready[ready.length - 1]);
    if (ready.length < rows.length) {
      this.readHeldSoon();
      this.heldSince ??= performance.now();
      if (!this.heldLogged && performance.now() - this.heldSince >= HELD_WARN_MS) {
        this.heldLogged = true;
        void this.logHolder(horizon);
      }
    } else {
      this.heldSince = null;
      this.heldLogged = false;
      this.heldMs = HELD_FIRST_MS;
      if (rows.length === READ_BATCH) this.readAgain = true;
    }
    if (!this.clients.size) {
      this.passed = this.lastSeen;
      return;
    }
    for (const r of ready) {
      await this.fanOut(toEvent(r));
      this.passed = positionOf(r);
    }
  }

  /** Names the session whose transaction (the horizon) has held committed events back for HELD_WARN_MS. */
  private async logHolder(horizon: bigint): Promise<void> {
    const [holder] = await this.dataSource
      .query<Array<{ pid: number; application: string; state: string; seconds: number }>>(
        `SELECT pid, application_name AS application, state, extract(epoch FROM clock_timestamp() - xact_start)::float8 AS seconds
           FROM pg_stat_activity WHERE backend_xid = ($1::text::xid8)::xid`,
        [horizon.toString()],
      )
      .catch(() => []);
    const who = holder
      ? `the transaction of backend ${holder.pid} ('${holder.application}', ${holder.state}, open ${Math.round(holder.seconds)} s)`
      : `transaction ${horizon}`;
    this.log.warn(
      `committed events have waited ${Math.round(HELD_WARN_MS / 1000)} s behind ${who}: the live stream and webhooks deliver them when it ends`,
    );
  }

  private readHeldSoon(): void {
    if (this.heldTimer || this.stopping) return;
    const delay = this.heldMs;
    this.heldMs = Math.min(this.heldMs * 2, HELD_MAX_MS);
    this.heldTimer = setTimeout(() => {
      this.heldTimer = null;
      this.wake();
    }, delay);
    this.heldTimer.unref();
  }

  /**
   * The keep-alive, carrying the client's position when the fan-out has passed events since it was last told one (events
   * not for it): its next Last-Event-ID resumes after them, so a client that is sent little is not replayed (nor, past
   * REPLAY_LIMIT, reset) for what it was never sent. Chained after the frames already queued for it, so that a position
   * never gets ahead of an event still on its way; not while a replay is being written.
   */
  private keepAliveOf(c: StreamClient): void {
    const at = this.passed;
    if (c.pending || !isAfter(at, c.told)) return this.write(c, `: keep-alive\n\n`);
    c.chain = c.chain.then(() => this.tell(c, at, 'keep-alive'));
  }

  /**
   * Writes the position `at` (an `id:` line, the id of the event at that place, with a comment: no event) if the
   * client has not been told it already.
   */
  private tell(c: StreamClient, at: Position, comment: string): void {
    if (!isAfter(at, c.told)) return this.write(c, `: ${comment}\n\n`);
    c.told = at;
    this.write(c, `id: ${at.id}\n: ${comment}\n\n`);
  }

  private async fanOut(event: StreamEvent): Promise<void> {
    const facts = await this.factsOf(event);
    for (const c of this.clients) {
      if (c.pending) c.pending.push(event);
      else this.deliver(c, event, facts);
    }
  }

  /** Who an event is about, looked up once per aggregate (referrals and assessments never change person). */
  private async factsOf(event: StreamEvent): Promise<EventFacts> {
    if (event.aggregateType !== 'referral' && event.aggregateType !== 'assessment') return {};
    const key = `${event.aggregateType}:${event.aggregateId}`;
    const cached = this.facts.get(key);
    if (cached) return cached;
    const m = this.dataSource.manager;
    const row: EventFacts | undefined = await (
      event.aggregateType === 'referral'
        ? this.referrals.whoseReferral(m, event.aggregateId)
        : this.assessments.whoseAssessment(m, event.aggregateId)
    ).catch(() => undefined);
    const facts: EventFacts = row ?? {};
    if (row) {
      if (this.facts.size >= FACTS_CACHE) this.facts.delete(this.facts.keys().next().value as string);
      this.facts.set(key, facts);
    }
    return facts;
  }

  /**
   * Whether the client already has the event (by its Last-Event-ID, its replay or a reset): it is at or before
   * `coveredTo`. Events come in the commit order, so once the poller passes that place it is let go.
   */
  private covered(c: StreamClient, event: StreamEvent): boolean {
    if (!c.coveredTo) return false;
    if (isAfter(positionOf(event), c.coveredTo)) {
      c.coveredTo = null;
      return false;
    }
    return true;
  }

  private deliver(c: StreamClient, event: StreamEvent, facts: EventFacts): void {
    if (c.closed || !typeMatches(c.types, event.type) || this.covered(c, event)) return;
    const verdict = visibility(c.actor, event, facts);
    if (verdict.send === false) return;
    if (verdict.send === true) {
      c.chain = c.chain.then(() => this.send(c, event, verdict.payload));
      return;
    }
    c.chain = c.chain
      .then(async () => {
        if (await this.mayReadPerson(c, verdict.personId, positionOf(event))) this.send(c, event, verdict.payload);
      })
      .catch(() => undefined);
  }

  /** May this client's user read the person, for this event? A kept answer while it holds (answerHolds), else asked. */
  private async mayReadPerson(c: StreamClient, personId: string, at: Position): Promise<boolean> {
    const now = Date.now();
    const hit = c.persons.get(personId);
    if (answerHolds(hit, at, now)) return hit.allowed;
    const seen = this.lastSeen;
    const allowed = (await this.access.decide(c.actor, 'person.read', personId)).allowed;
    if (c.persons.size > 1000) c.persons.clear();
    c.persons.set(personId, { allowed, until: now + (allowed ? PERSON_TTL_MS : DENIED_TTL_MS), seen });
    return allowed;
  }

  /**
   * Starts a stream on an already-hijacked response: headers, then (for a resume) the missed events the user may
   * see, then live events. Resolves when the stream is set up; the response stays open until either side closes.
   */
  async open(actor: Actor, out: ServerResponse, options: { lastEventId?: string; types: string[]; requestId?: string }): Promise<void> {
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
    });
    const client: StreamClient = {
      actor,
      openedAt: this.clock.now(),
      types: options.types,
      out,
      pending: options.lastEventId ? [] : null,
      coveredTo: null,
      persons: new Map(),
      chain: Promise.resolve(),
      closed: false,
      expiry: null,
      told: START,
    };
    // Opened afresh, the client is told where the stream starts (the fan-out's position, taken in the same turn as it
    // joins the clients: it is handed every event after it), so that the stream it opens next resumes from there (is
    // replayed what it missed) rather than starting afresh again, which would make it read everything again. A resume
    // is told the newest event its replay read, below.
    const start = options.lastEventId ? null : this.passed;
    out.write(start === null ? `retry: 3000\n\n` : `retry: 3000\nid: ${start.id}\n: position\n\n`);
    if (start !== null) client.told = start;
    this.clients.add(client);
    this.release(actor.userId);
    out.on('close', () => this.end(client));
    if (this.stopping) return this.end(client);
    if (actor.token) {
      // Ends with its access token (recheck also looks, for a clock that moved or a token too long for a timer).
      const left = actor.token.exp * 1000 - client.openedAt.getTime();
      if (left <= 0) return this.end(client);
      if (left <= MAX_TIMER_MS) {
        client.expiry = setTimeout(() => this.end(client), left);
        client.expiry.unref();
      }
    }
    if (!options.lastEventId) return;
    try {
      const found = await this.db.prepared<Partial<Row> & { fromXact: string }>(Db.statementName(REPLAY), REPLAY, [options.lastEventId]);
      const from: Position = { xact: BigInt(found[0]?.fromXact ?? 0), id: BigInt(options.lastEventId) };
      const rows = found.filter((r): r is Row & { fromXact: string } => r.id != null);
      // The client has everything up to where it resumed: a keep-alive never tells it an earlier place (this
      // instance's fan-out may be behind the one it was streamed by), nor is anything up to it written again.
      client.told = from;
      if (rows.length > REPLAY_LIMIT) {
        // Too much was missed: the client reloads its state and continues from the newest event ready.
        const [newest] = await this.db.prepared<{ id: string; xact: string }>(Db.statementName(NEWEST), NEWEST, []);
        const max = positionOf(newest);
        this.write(
          client,
          `id: ${newest.id}\nevent: reset\ndata: ${JSON.stringify({ type: 'reset', reason: 'too many missed events; reload', lastEventId: newest.id })}\n\n`,
        );
        client.coveredTo = max;
        client.told = max;
        client.pending = (client.pending ?? []).filter((e) => isAfter(positionOf(e), max));
      } else {
        for (const r of rows) {
          const event = toEvent(r);
          this.deliver(client, event, await this.factsOf(event));
        }
        const newest = rows.length ? positionOf(rows[rows.length - 1]) : from;
        client.coveredTo = newest;
        // Past what the replay read, sent or not: the next resume does not read it again.
        if (rows.length) client.chain = client.chain.then(() => this.tell(client, newest, 'position'));
      }
    } catch (err) {
      // Nothing missed may be lost: the client is made to resume again (EventSource reconnects after `retry`).
      this.log.warn(`replay failed: ${(err as Error).message}; ending the stream`);
      this.end(client);
      return;
    }
    const held = client.pending ?? [];
    client.pending = null;
    for (const event of held) this.deliver(client, event, await this.factsOf(event));
  }

  private send(c: StreamClient, event: StreamEvent, payload: Record<string, unknown>): void {
    const at = positionOf(event);
    if (isAfter(at, c.told)) c.told = at;
    this.write(c, frame(event, payload));
  }

  private write(c: StreamClient, chunk: string): void {
    if (c.closed || c.out.writableEnded || c.out.destroyed) return;
    if (c.out.writableLength > MAX_BUFFERED_BYTES) {
      this.log.warn(`dropping a stream of user ${c.actor.userId}: ${c.out.writableLength} bytes unread`);
      this.end(c, true);
      return;
    }
    c.out.write(chunk);
  }

  /** Ends a stream; `drop` discards what is still buffered for it instead of waiting to send it. */
  private end(c: StreamClient, drop = false): void {
    if (!this.clients.delete(c)) return;
    c.closed = true;
    if (c.expiry) clearTimeout(c.expiry);
    if (drop) c.out.destroy();
    else if (!c.out.writableEnded) c.out.end();
  }
}
