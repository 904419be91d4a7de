import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Db } from '../database/db';
import { RequestContext, requestContext } from '../common/request-context';
import type { Actor } from '../auth/actor';
import type { AuditOutcome } from './audit-event.entity';

export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  subjectPersonId?: string | null;
  outcome?: AuditOutcome;
  /** How access was justified: `role:manager`, `relationship:allocated`, `break-glass:<id>`. */
  accessBasis?: string | null;
  /** Identifiers and codes only: never clinical text or names. */
  details?: Record<string, unknown> | null;
  /** Defaults to the request's authenticated actor. */
  actor?: Pick<Actor, 'userId' | 'roles'> | null;
  /** Defaults to the current request's context (set by the request-context interceptor). */
  context?: RequestContext;
}

export interface ChainBreak {
  id: string;
  lane: number;
  problem: 'hash-mismatch' | 'broken-link' | 'head-mismatch';
}

export interface ChainVerification {
  valid: boolean;
  eventsChecked: number;
  lanes: number;
  breaks: ChainBreak[];
}

const GENESIS = '0'.repeat(64);
const SEP = String.fromCharCode(31);

/**
 * Writes audit events inside the caller's transaction: if the audit write fails, so does the request. Reads of a
 * person's record, changes, denials and logins all come through here.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  async record(m: EntityManager, event: AuditRecord, avoidLane: number | null = null): Promise<void> {
    const ctx = event.context ?? requestContext.current();
    const actor = event.actor === undefined ? ctx?.actor : event.actor;
    await m.query('SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
      this.clock.now(),
      actor?.userId ?? null,
      actor ? actor.roles.join(',') : null,
      event.action,
      event.resourceType,
      event.resourceId ?? null,
      event.subjectPersonId ?? null,
      event.accessBasis ?? null,
      ctx?.requestId ?? null,
      ctx?.ip ?? null,
      event.outcome ?? 'success',
      event.details ? JSON.stringify(event.details) : null,
      avoidLane,
    ]);
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
    const ctx = common.context ?? requestContext.current();
    const actor = common.actor === undefined ? ctx?.actor : common.actor;
    await m.query('SELECT audit_append_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [
      this.clock.now(),
      actor?.userId ?? null,
      actor ? actor.roles.join(',') : null,
      common.action,
      common.resourceType,
      items.map((i) => i.resourceId),
      items.map((i) => i.subjectPersonId),
      items.map((i) => i.accessBasis ?? null),
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
   * basis on which each row is shown (e.g. AccessService.scope's `basis`), recorded as its access basis.
   */
  async selectAudited<T>(
    m: EntityManager | undefined,
    query: { sql: string; params: unknown[]; shown: number; resourceColumn: string; subjectColumn: string; basisColumn?: string },
    common: Omit<AuditRecord, 'resourceId' | 'subjectPersonId' | 'accessBasis'>,
  ): Promise<T[]> {
    const ctx = common.context ?? requestContext.current();
    const actor = common.actor === undefined ? ctx?.actor : common.actor;
    const n = query.params.length;
    const $ = (i: number) => `$${n + i}`;
    const col = (c: string) => `"${c.replace(/"/g, '""')}"`;
    // A materialised CTE is a tuplestore read back in the order it was written, so row_number() OVER () numbers the
    // rows in the order `sql` gave them.
    const text = `WITH page AS MATERIALIZED (${query.sql}),
      numbered AS MATERIALIZED (SELECT row_number() OVER () AS audit_ordinal, page.* FROM page),
      shown AS MATERIALIZED (SELECT ${col(query.resourceColumn)}::text AS resource_id, ${col(query.subjectColumn)}::uuid AS subject_id,
                                    ${query.basisColumn ? `${col(query.basisColumn)}::text` : 'NULL::text'} AS basis, audit_ordinal
                               FROM numbered WHERE audit_ordinal <= ${$(1)} ORDER BY audit_ordinal),
      audited AS MATERIALIZED (SELECT audit_append_many(${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}, ${$(6)},
          ARRAY(SELECT resource_id FROM shown ORDER BY audit_ordinal), ARRAY(SELECT subject_id FROM shown ORDER BY audit_ordinal),
          ARRAY(SELECT basis FROM shown ORDER BY audit_ordinal), ${$(7)}, ${$(8)}, ${$(9)}, ${$(10)}) AS n)
      SELECT numbered.* FROM numbered CROSS JOIN audited ORDER BY audit_ordinal`;
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
    ];
    const rows = m
      ? await this.db.preparedIn<T & { audit_ordinal?: unknown }>(m, text, params)
      : await this.db.prepared<T & { audit_ordinal?: unknown }>(Db.statementName(text), text, params);
    for (const r of rows) delete r.audit_ordinal;
    return rows;
  }

  /** Audits in a transaction of its own: for denials and failed logins, where there is no other work to commit. */
  /** The people whose records one request's audit rows name (e.g. to re-check access when its response is replayed). */
  async subjectsOfRequest(m: EntityManager, requestId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(
      'SELECT DISTINCT subject_person_id AS id FROM audit_events WHERE request_id = $1 AND subject_person_id IS NOT NULL',
      [requestId],
    );
    return rows.map((r) => r.id);
  }

  async recordAlone(event: AuditRecord): Promise<void> {
    // Called from inside a transaction (a denial found mid-request), that transaction may hold an audit lane: the
    // separate transaction here must never wait for it, or the two would wait on each other.
    const caller = this.db.current;
    const avoid = caller
      ? ((await caller.query(`SELECT nullif(current_setting('audit.lane', true), '')::smallint AS lane`))[0]?.lane ?? null)
      : null;
    await this.dataSource.transaction((m) => this.record(m, event, avoid));
  }

  /**
   * Walks every lane of the chain, recomputing each hash in this process from the stored fields, checking each
   * link and that each lane's head names its last row (so a truncated tail is noticed too).
   */
  async verify(batchSize = 5000): Promise<ChainVerification> {
    const breaks: ChainBreak[] = [];
    const heads: Array<{ lane: number; last_id: string | null; last_hash: string }> = await this.dataSource.query(
      'SELECT lane, last_id, last_hash FROM audit_chain_heads ORDER BY lane',
    );
    let checked = 0;
    for (const head of heads) {
      let prev = GENESIS;
      let lastId: string | null = null;
      let after = '0';
      for (;;) {
        const rows: Array<Record<string, string>> = await this.dataSource.query(
          `SELECT id::text, lane::text, prev_hash, hash,
                  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
                  coalesce(actor_id::text, '') AS actor_id, coalesce(actor_roles, '') AS actor_roles, action,
                  resource_type, coalesce(resource_id, '') AS resource_id,
                  coalesce(subject_person_id::text, '') AS subject_person_id, coalesce(access_basis, '') AS access_basis,
                  coalesce(request_id, '') AS request_id, coalesce(ip, '') AS ip, outcome,
                  coalesce(details::text, '') AS details
             FROM audit_events WHERE lane = $1 AND audit_events.id > $2 ORDER BY audit_events.id LIMIT $3`,
          [head.lane, after, batchSize],
        );
        for (const r of rows) {
          const canonical = [
            r.id,
            r.lane,
            r.prev_hash,
            r.at,
            r.actor_id,
            r.actor_roles,
            r.action,
            r.resource_type,
            r.resource_id,
            r.subject_person_id,
            r.access_basis,
            r.request_id,
            r.ip,
            r.outcome,
            r.details,
          ].join(SEP);
          const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
          if (r.prev_hash !== prev) breaks.push({ id: r.id, lane: head.lane, problem: 'broken-link' });
          if (hash !== r.hash) breaks.push({ id: r.id, lane: head.lane, problem: 'hash-mismatch' });
          prev = r.hash;
          lastId = r.id;
        }
        checked += rows.length;
        if (rows.length < batchSize) break;
        after = rows[rows.length - 1].id;
      }
      if (head.last_id !== lastId || head.last_hash !== prev) {
        breaks.push({ id: lastId ?? '0', lane: head.lane, problem: 'head-mismatch' });
      }
    }
    return { valid: breaks.length === 0, eventsChecked: checked, lanes: heads.length, breaks: breaks.slice(0, 100) };
  }
}
