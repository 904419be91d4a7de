import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { CommitBatch, Db, fieldsOf, placeholders } from '../database/db';
import { ownConnection } from '../database/data-source.options';
import { RequestContext, requestContext } from '../common/request-context';
import type { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { workerModule } from '../common/worker-module';
import type { AuditOutcome } from './audit-event.entity';
import {
  ChainBreak,
  Checkpoint,
  checkpointWalk,
  type CheckpointWalk,
  type FullWalk,
  EVENT_COLUMNS,
  EventRow,
  eventHash,
  idSpan,
  liveCursors,
  GENESIS,
  LaneCursor,
  signCheckpoint,
  SqlQuery,
  trustedLatest,
  walkChain,
} from './audit-chain';
import type { AuditWalkJob, AuditWalkMessage, AuditWalkWorkerData } from './audit-walk.worker';

export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  subjectPersonId?: string | null;
  outcome?: AuditOutcome;
  /** How access was justified: `role:manager`, `relationship:allocated`, `break-glass:<id>`, `idempotent-replay`. */
  accessBasis?: string | null;
  /** Identifiers and codes only: never clinical text or names. */
  details?: Record<string, unknown> | null;
  /** Defaults to the request's authenticated actor. */
  actor?: Pick<Actor, 'userId' | 'roles'> | null;
  /** Defaults to the current request's context (set by the request-context interceptor). */
  context?: RequestContext;
  /** When it happened: the now the change already read for its own rows (one instant a change); else the clock's now. */
  at?: Date;
}

/**
 * The basis a row records when its caller names none: the one the request's route was let in on (the access guard's
 * decision), for a row of something that happened (not a denial or a failure) done by the request's own actor. Every
 * read or change of a person's record then says on what basis, as README's Access control promises; a service that
 * knows a narrower basis (a relationship, break-glass, the author of a record) names it itself.
 */
function routeBasis(
  ctx: RequestContext | undefined,
  actor: Pick<Actor, 'userId'> | null | undefined,
  outcome: AuditOutcome | undefined,
): string | null {
  if (!ctx?.accessBasis || !actor || ctx.actor?.userId !== actor.userId || (outcome ?? 'success') !== 'success') return null;
  // An own-record route's basis before its service has looked at the record is not yet a basis.
  return ctx.accessBasis.startsWith('own-pending:') ? null : ctx.accessBasis;
}

/**
 * One audit row's fields as audit_append takes them: occurred at, actor id, actor roles, action, resource type,
 * resource id, subject person id, access basis, request id, IP, outcome, details (JSON text).
 */
type AuditRow = [
  Date,
  string | null,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string | null,
];

export interface ChainVerification {
  valid: boolean;
  /** Events whose hash and link were recomputed by this verification. */
  eventsChecked: number;
  /** Events vouched for by the lanes' signed checkpoints (verified when each checkpoint was written) plus those checked. */
  eventsCovered: number;
  lanes: number;
  /** Checkpoints whose signature and sequence were checked. */
  checkpointsChecked: number;
  breaks: ChainBreak[];
}

interface CheckpointRow {
  lane: number;
  lastId: string;
  lastHash: string;
  events: string;
  prevId: string | null;
  signature: string;
}

interface HeadRow {
  lane: number;
  last_id: string | null;
  last_hash: string;
}

/**
 * Events the checkpoint job verifies and signs per run at most: a few seconds, so the minute's other jobs (the clock
 * warnings) are not held up; a backlog (the first run after an upgrade) is worked through run after run.
 */
const CHECKPOINT_EVENTS_PER_RUN = 200_000;
/** The heap a chain walk's worker thread may use: a batch of 1,000 events, the marks to sign or the checkpoints to compare. */
const AUDIT_WALK_MEMORY_MB = 256;

/**
 * Writes audit events inside the caller's transaction: if the audit write fails, so does the request. Reads of a
 * person's record, changes, denials and logins all come through here.
 */
@Injectable()
export class AuditService {
  /** selectAudited's statements, by query text, then by the query's parameter count and columns (auditedText). */
  private readonly auditedTexts = new Map<string, Map<string, string>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly db: Db,
    private readonly config: AppConfig,
  ) {}

  /**
   * Records one event in `m`'s transaction. In a transaction opened through Db (every request's and job's), the rows
   * a transaction records this way are appended together just before it commits (audit_append_rows: one call and one
   * chain-lane lock for all of them), in the order they were recorded, and before any later recordMany or
   * selectAudited of the same transaction; they commit or roll back with it. Elsewhere, and when a lane is to be
   * avoided, the row is appended at once.
   */
  async record(m: EntityManager, event: AuditRecord, avoidLane: number | null = null): Promise<void> {
    const ctx = event.context ?? requestContext.current();
    const actor = event.actor === undefined ? ctx?.actor : event.actor;
    const row: AuditRow = [
      event.at ?? this.clock.now(),
      actor?.userId ?? null,
      actor ? actor.roles.join(',') : null,
      event.action,
      event.resourceType,
      event.resourceId ?? null,
      event.subjectPersonId ?? null,
      event.accessBasis ?? routeBasis(ctx, actor, event.outcome),
      ctx?.requestId ?? null,
      ctx?.ip ?? null,
      event.outcome ?? 'success',
      event.details ? JSON.stringify(event.details) : null,
    ];
    if (avoidLane === null && this.db.atCommit(m, this.atCommit, row)) return;
    await this.db.flushBatch(m, this.atCommit);
    await this.appendOne(m, row, avoidLane);
  }

  /**
   * The rows a transaction recorded, appended just before it commits (Db.atCommit): one row by audit_append, several
   * by audit_append_rows, each of whose parameters holds one field of every row.
   */
  private readonly atCommit: CommitBatch<AuditRow> = {
    call: (rows, first) =>
      rows.length === 1
        ? { sql: `audit_append(${placeholders(first, 12)}, NULL)`, params: rows[0] }
        : { sql: `audit_append_rows(${placeholders(first, 12)})`, params: fieldsOf(rows) },
  };

  private async appendOne(m: EntityManager, row: AuditRow, avoidLane: number | null): Promise<void> {
    // Prepared on the transaction's connection, as recordMany and selectAudited are (every change of case data and
    // every read of a person's record is audited: the commonest statements there are).
    await this.db.preparedOn(m, 'SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [...row, avoidLane]);
  }

  /**
   * The reads of one list or search, one audit row per record returned, in a single call (one round trip and
   * one chain-lane lock): same content as calling record() for each.
   */
  async recordMany(
    m: EntityManager,
    common: Omit<AuditRecord, 'resourceId' | 'subjectPersonId' | 'accessBasis'>,
    items: Array<{ resourceId: string; subjectPersonId: string | null; accessBasis?: string | null }>,
  ): Promise<void> {
    if (!items.length) return;
    await this.db.flushBatch(m, this.atCommit);
    const ctx = common.context ?? requestContext.current();
    const actor = common.actor === undefined ? ctx?.actor : common.actor;
    await this.db.preparedOn(m, 'SELECT audit_append_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [
      this.clock.now(),
      actor?.userId ?? null,
      actor ? actor.roles.join(',') : null,
      common.action,
      common.resourceType,
      items.map((i) => i.resourceId),
      items.map((i) => i.subjectPersonId),
      items.map((i) => i.accessBasis ?? routeBasis(ctx, actor, common.outcome)),
      ctx?.requestId ?? null,
      ctx?.ip ?? null,
      common.outcome ?? 'success',
      common.details ? JSON.stringify(common.details) : null,
    ]);
  }

  /**
   * A list read and the audit rows of what it shows, as ONE statement: one round trip instead of four (BEGIN, the
   * read, the audit, COMMIT), and still one transaction: outside a transaction the statement is its own, so the
   * rows returned and their audit commit together or not at all; inside one (`m`) it joins it. This is the hot
   * read of the duty AMHP's queue (P3, bench/on-duty.bench.js).
   *
   * `sql` orders its rows itself and may return one more than `shown` (the look-ahead that says there is a next
   * page): only the first `shown` rows, the ones the caller shows, are audited, in order. `resourceColumn` and
   * `subjectColumn` name `sql`'s output columns holding each row's resource id and subject person id. The audit
   * parameters follow `params`, so `sql` uses $1..$n as usual. `basisColumn` names the output column holding the
   * basis on which each row is shown (e.g. AccessService.scope's `basis`), recorded as its access basis (where it is
   * NULL, or none is named, the basis the route was let in on: see routeBasis). With
   * `onlyWithBasis`, a row whose basis is NULL is returned but not audited: it is shown without its person's record.
   */
  async selectAudited<T>(
    m: EntityManager | undefined,
    query: {
      sql: string;
      params: unknown[];
      shown: number;
      resourceColumn: string;
      subjectColumn: string;
      basisColumn?: string;
      onlyWithBasis?: boolean;
    },
    common: Omit<AuditRecord, 'resourceId' | 'subjectPersonId' | 'accessBasis'>,
  ): Promise<T[]> {
    const ctx = common.context ?? requestContext.current();
    const actor = common.actor === undefined ? ctx?.actor : common.actor;
    const text = this.auditedText(query);
    // The rows this transaction recorded before (record) come first in the chain, as they came first in time.
    const tx = m ?? this.db.current;
    if (tx) await this.db.flushBatch(tx, this.atCommit);
    const params = [
      ...query.params,
      query.shown,
      this.clock.now(),
      actor?.userId ?? null,
      actor ? actor.roles.join(',') : null,
      common.action,
      common.resourceType,
      ctx?.requestId ?? null,
      ctx?.ip ?? null,
      common.outcome ?? 'success',
      common.details ? JSON.stringify(common.details) : null,
      routeBasis(ctx, actor, common.outcome),
    ];
    const rows = m
      ? await this.db.preparedIn<T & { audit_ordinal?: unknown }>(m, text, params)
      : await this.db.prepared<T & { audit_ordinal?: unknown }>(Db.statementName(text), text, params);
    for (const r of rows) delete r.audit_ordinal;
    return rows;
  }

  /**
   * selectAudited's statement around a query: made once for each query text and its columns, then the same string
   * given again (a hot list read passes the same query text on every call, so the lookup does not hash ~4 KB again).
   */
  private auditedText(query: {
    sql: string;
    params: unknown[];
    resourceColumn: string;
    subjectColumn: string;
    basisColumn?: string;
    onlyWithBasis?: boolean;
  }): string {
    const shape = `${query.params.length}|${query.resourceColumn}|${query.subjectColumn}|${query.basisColumn ?? ''}|${query.onlyWithBasis ? 1 : 0}`;
    let forSql = this.auditedTexts.get(query.sql);
    const known = forSql?.get(shape);
    if (known !== undefined) return known;
    if (!forSql) {
      if (this.auditedTexts.size >= 1_000) this.auditedTexts.clear();
      this.auditedTexts.set(query.sql, (forSql = new Map()));
    }
    const n = query.params.length;
    const $ = (i: number) => `$${n + i}`;
    const col = (c: string) => `"${c.replace(/"/g, '""')}"`;
    // A materialised CTE is a tuplestore read back in the order it was written, so row_number() OVER () numbers the
    // rows in the order `sql` gave them. The number is the last column: taking the last property off an object
    // (selectAudited) leaves it as the driver built it, where taking the first turned every row into a dictionary of
    // its own, allocated per row (~30% of what the queue's full collections cleared, in a heap profile).
    const text = `WITH page AS MATERIALIZED (${query.sql}),
      numbered AS MATERIALIZED (SELECT page.*, row_number() OVER () AS audit_ordinal FROM page),
      shown AS MATERIALIZED (SELECT ${col(query.resourceColumn)}::text AS resource_id, ${col(query.subjectColumn)}::uuid AS subject_id,
                                    coalesce(${query.basisColumn ? `${col(query.basisColumn)}::text` : 'NULL::text'}, ${$(11)}::text) AS basis, audit_ordinal
                               FROM numbered WHERE audit_ordinal <= ${$(1)}${
                                 query.onlyWithBasis && query.basisColumn ? ` AND ${col(query.basisColumn)} IS NOT NULL` : ''
                               } ORDER BY audit_ordinal),
      audited AS MATERIALIZED (SELECT audit_append_many(${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}, ${$(6)},
          ARRAY(SELECT resource_id FROM shown ORDER BY audit_ordinal), ARRAY(SELECT subject_id FROM shown ORDER BY audit_ordinal),
          ARRAY(SELECT basis FROM shown ORDER BY audit_ordinal), ${$(7)}, ${$(8)}, ${$(9)}, ${$(10)}) AS n)
      SELECT numbered.* FROM numbered CROSS JOIN audited ORDER BY audit_ordinal`;
    forSql.set(shape, text);
    return text;
  }

  /**
   * The people whose records one request read or changed, as its audit rows name them (e.g. to re-check access when
   * its response is replayed). A row of something that did not happen to a person's record (an identity match left
   * pending against a recorded person, a refusal) names a person the response is not about: left out, or a replay
   * would be refused, or offer break-glass, on a person the caller was never shown.
   */
  async subjectsOfRequest(m: EntityManager, requestId: string): Promise<string[]> {
    // Those this transaction recorded are among them: written first, so the read sees them.
    await this.db.flushBatch(m, this.atCommit);
    const rows: Array<{ id: string }> = await m.query(
      `SELECT DISTINCT subject_person_id AS id FROM audit_events WHERE request_id = $1 AND subject_person_id IS NOT NULL AND outcome = 'success'`,
      [requestId],
    );
    return rows.map((r) => r.id);
  }

  /** Audits in a transaction of its own: for denials and failed logins, where there is no other work to commit. */
  async recordAlone(event: AuditRecord): Promise<void> {
    // Inside a request's transaction (a denial found mid-request), written once that has ended: never on a second
    // connection taken while it holds its first (see Db.afterTransaction). The record keeps the request's context.
    const context = event.context ?? requestContext.current();
    if (this.db.afterTransaction(() => this.writeAlone({ ...event, context }))) return;
    await this.writeAlone(event);
  }

  private async writeAlone(event: AuditRecord): Promise<void> {
    // Called from inside a transaction that cannot defer it, that transaction may hold an audit lane: the separate
    // transaction here must never wait for it, or the two would wait on each other.
    const caller = this.db.current;
    const avoid = caller
      ? ((await caller.query(`SELECT nullif(current_setting('audit.lane', true), '')::smallint AS lane`))[0]?.lane ?? null)
      : null;
    await this.dataSource.transaction((m) => this.record(m, event, avoid));
  }

  /**
   * GET /audit-events/verify: checks each lane's newest checkpoint (and the one before it: signatures, sequence), that the event at each lane's last
   * checkpoint still has the hash signed, and recomputes the chain from there to each lane's head (hashes, links,
   * and that the head names the last event, so a truncated tail is noticed too). The events before the checkpoints
   * were verified when each checkpoint was written; the full verification (verifications) checks them all again.
   */
  async verify(): Promise<ChainVerification> {
    const query: SqlQuery = (sql, params) => this.dataSource.query(sql, params);
    const heads = await this.heads();
    const { trusted, breaks, checked: checkpointsChecked } = trustedLatest(this.config.auditCheckpointKey, await this.latestCheckpoints());
    // The event each walk starts after must still be what its checkpoint signed.
    const starts = [...trusted.values()];
    const atCheckpoints: EventRow[] = starts.length
      ? await query(`SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.id = ANY($1::bigint[])`, [starts.map((c) => c.lastId)])
      : [];
    const found = new Map(atCheckpoints.map((r) => [r.id, r]));
    for (const c of starts) {
      const r = found.get(c.lastId);
      if (!r || Number(r.lane) !== c.lane || r.hash !== c.lastHash || eventHash(r) !== r.hash)
        breaks.push({ id: c.lastId, lane: c.lane, problem: 'checkpoint-mismatch' });
    }
    const cursors = this.cursors(heads, trusted);
    const eventsChecked = await walkChain(query, cursors, breaks);
    this.checkHeads(heads, cursors, breaks);
    return {
      valid: breaks.length === 0,
      eventsChecked,
      eventsCovered: cursors.reduce((n, c) => n + c.events, 0),
      lanes: heads.length,
      checkpointsChecked,
      breaks: breaks.slice(0, 100),
    };
  }

  /**
   * The checkpoint job: verifies each lane from its last checkpoint onwards and signs a checkpoint at every
   * AUDIT_CHECKPOINT_EVERY-th event of the lane, up to CHECKPOINT_EVENTS_PER_RUN events a run. A lane with a break
   * gets no checkpoint past it (the job's summary names it, and verify reports it). Refuses to build on a checkpoint
   * whose signature does not verify.
   */
  async writeCheckpoints(m: EntityManager, maxEvents = CHECKPOINT_EVENTS_PER_RUN): Promise<Record<string, unknown>> {
    const query: SqlQuery = (sql, params) => m.query(sql, params);
    const every = this.config.auditCheckpointEvery;
    const key = this.config.auditCheckpointKey;
    const heads = await this.heads(m);
    const { trusted, breaks } = trustedLatest(key, await this.latestCheckpoints(m));
    if (breaks.length) {
      throw new Error(
        `audit checkpoint ${breaks[0].id} of lane ${breaks[0].lane} does not verify (${breaks[0].problem}): no checkpoints are written until it is looked into`,
      );
    }
    const cursors = this.cursors(heads, trusted);
    // Many events waiting (at most the ids between the earliest lane's cursor and the latest head): walked in a worker.
    const span = idSpan(liveCursors(cursors));
    const inWorker = span !== null && span.end - span.after >= BigInt(this.config.auditWalkWorkerFrom);
    const {
      checked,
      marks,
      breaks: found,
    } = inWorker
      ? await this.walkInWorker({ job: 'checkpoints', cursors, every, maxEvents })
      : await checkpointWalk(query, cursors, every, maxEvents);
    const previous = new Map([...trusted.values()].map((c) => [c.lane, c.lastId]));
    const made: Array<Checkpoint & { signature: string }> = [];
    for (const mark of marks) {
      const checkpoint: Checkpoint = {
        lane: mark.lane,
        lastId: mark.id,
        lastHash: mark.hash,
        events: mark.events,
        prevId: previous.get(mark.lane) ?? null,
      };
      made.push({ ...checkpoint, signature: signCheckpoint(key, checkpoint) });
      previous.set(mark.lane, mark.id);
    }
    if (made.length) {
      await m.query(
        `INSERT INTO audit_checkpoints (lane, last_id, last_hash, events, prev_id, created_at, signature)
         SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::text[])`,
        [
          made.map((c) => c.lane),
          made.map((c) => c.lastId),
          made.map((c) => c.lastHash),
          made.map((c) => c.events),
          made.map((c) => c.prevId),
          made.map(() => this.clock.now()),
          made.map((c) => c.signature),
        ],
      );
    }
    return {
      checked,
      written: made.length,
      ...(inWorker ? { walkedIn: 'worker' } : {}),
      ...(found.length ? { breaks: found.slice(0, 10) } : {}),
    };
  }

  /**
   * One of the chain's long walks in a worker thread (audit-walk.worker): the events read on a connection of its own,
   * so that their parsing, hashing and garbage stay out of the API's event loop and heap. Events up to the heads read
   * before the walk are committed, so that connection sees all of them. `onProgress` gets the full walk's count after
   * each batch, one call at a time (counts that arrive meanwhile are skipped); what it throws stops the walk and is
   * what this rejects with.
   */
  walkInWorker(job: Extract<AuditWalkJob, { job: 'checkpoints' }>): Promise<CheckpointWalk>;
  walkInWorker(job: Extract<AuditWalkJob, { job: 'full' }>, onProgress: (checked: number) => Promise<void>): Promise<FullWalk>;
  walkInWorker(job: AuditWalkJob, onProgress?: (checked: number) => Promise<void>): Promise<CheckpointWalk | FullWalk> {
    const data: AuditWalkWorkerData = {
      ...job,
      connection: ownConnection(this.dataSource.options, 'amhp-hub-audit-walk'),
      // Below the API's threads, as the planner's (PLANNER_NICE).
      nice: this.config.plannerNice,
    };
    const { file, execArgv } = workerModule(__filename, 'audit-walk.worker');
    const worker = new Worker(file, { workerData: data, execArgv, resourceLimits: { maxOldGenerationSizeMb: AUDIT_WALK_MEMORY_MB } });
    return new Promise<CheckpointWalk | FullWalk>((resolve, reject) => {
      let settled = false;
      let reporting = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        fn();
      };
      worker.on('message', (msg: AuditWalkMessage) => {
        if ('progress' in msg) {
          if (!onProgress || reporting) return;
          reporting = true;
          onProgress(msg.progress)
            .catch((err: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))))
            .finally(() => (reporting = false));
          return;
        }
        settle(() => ('result' in msg ? resolve(msg.result) : reject(new Error(`the audit chain walk failed: ${msg.error}`))));
      });
      worker.on('error', (err: Error) => settle(() => reject(new Error(`the audit chain walk failed: ${err.message}`))));
      worker.on('exit', (code) => settle(() => reject(new Error(`the audit chain walk stopped before it answered (exit ${code})`))));
    });
  }

  /** The lanes' heads: where every walk ends (all up to them is committed). */
  async heads(m: EntityManager = this.dataSource.manager): Promise<HeadRow[]> {
    return m.query('SELECT lane, last_id::text AS last_id, last_hash FROM audit_chain_heads ORDER BY lane');
  }

  /** Each lane's newest checkpoint and the one before it that it names. */
  async latestCheckpoints(m: EntityManager = this.dataSource.manager): Promise<Array<Checkpoint & { signature: string }>> {
    const rows: CheckpointRow[] = await m.query(
      `SELECT c.lane, c.last_id::text AS "lastId", c.last_hash AS "lastHash", c.events::text AS events, c.prev_id::text AS "prevId", c.signature
         FROM audit_chain_heads h
         CROSS JOIN LATERAL (SELECT last_id, prev_id FROM audit_checkpoints x WHERE x.lane = h.lane ORDER BY x.last_id DESC LIMIT 1) latest
         JOIN audit_checkpoints c ON c.lane = h.lane AND (c.last_id = latest.last_id OR c.last_id = latest.prev_id)
        ORDER BY c.lane, c.last_id`,
    );
    return rows.map((r) => ({ ...r, lane: Number(r.lane), events: Number(r.events) }));
  }

  /** Every checkpoint, oldest first per lane (for the full verification). */
  async checkpoints(m: EntityManager = this.dataSource.manager): Promise<Array<Checkpoint & { signature: string }>> {
    const rows: CheckpointRow[] = await m.query(
      `SELECT lane, last_id::text AS "lastId", last_hash AS "lastHash", events::text AS events, prev_id::text AS "prevId", signature
         FROM audit_checkpoints ORDER BY lane, last_id`,
    );
    return rows.map((r) => ({ ...r, lane: Number(r.lane), events: Number(r.events) }));
  }

  /** Walk cursors from each lane's trusted checkpoint (or the start) to its head. */
  cursors(heads: HeadRow[], from: Map<number, Checkpoint>): LaneCursor[] {
    return heads.map((h) => {
      const c = from.get(h.lane);
      return {
        lane: h.lane,
        afterId: c?.lastId ?? '0',
        prev: c?.lastHash ?? GENESIS,
        events: c?.events ?? 0,
        uptoId: h.last_id ?? '0',
        lastId: null,
        broken: false,
      };
    });
  }

  /** Each lane's walk must end on its head: the event it names, with the hash it records. */
  checkHeads(heads: HeadRow[], cursors: LaneCursor[], breaks: ChainBreak[]): void {
    for (const h of heads) {
      const c = cursors.find((x) => x.lane === h.lane)!;
      if ((h.last_id ?? '0') !== c.afterId || h.last_hash !== c.prev)
        breaks.push({ id: c.afterId, lane: h.lane, problem: 'head-mismatch' });
    }
  }
}
