import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { ConflictProblem, NotFoundProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { ChainBreak, checkpointSignatureValid, trustedCheckpoints } from './audit-chain';
import { AuditService } from './audit.service';

export interface VerificationRow {
  id: string;
  status: 'running' | 'done' | 'failed';
  requestedBy: string;
  requestedAt: Date;
  finishedAt: Date | null;
  eventsTotal: string;
  eventsChecked: string;
  checkpointsChecked: number;
  valid: boolean | null;
  breaks: ChainBreak[] | null;
  error: string | null;
}

const COLUMNS = `id, status, requested_by AS "requestedBy", requested_at AS "requestedAt", finished_at AS "finishedAt",
  events_total::text AS "eventsTotal", events_checked::text AS "eventsChecked", checkpoints_checked AS "checkpointsChecked", valid, breaks, error`;

/** A running verification not heard of for this long belongs to an instance that stopped: it is failed. */
const STALE_SECONDS = 60;
const PROGRESS_MS = 1_000;
const ABANDONED = 'The app instance running this verification stopped before it finished; start it again.';

export const verificationUrl = (id: string): string => `/audit-events/verifications/${id}`;

class Stopped extends Error {}

/**
 * The full re-verification of the audit chain, as a background job: every event's hash and link recomputed from
 * the first, every checkpoint's signature and sequence checked and compared with the chain where it stands. One
 * runs at a time (across instances); its progress and its result are kept in `audit_verifications`.
 */
@Injectable()
export class AuditVerificationsService implements BeforeApplicationShutdown {
  private readonly log = new Logger('AuditVerification');
  private readonly running = new Set<string>();
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Starts one (audited); 409 `verification-running` naming the one already running. */
  async start(actor: Actor): Promise<VerificationRow> {
    const row = await this.db.detached(() =>
      this.db.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit-verification', 0))`);
        await this.failAbandoned(m.query.bind(m));
        const [running]: VerificationRow[] = await m.query(`SELECT ${COLUMNS} FROM audit_verifications WHERE status = 'running'`);
        if (running) {
          throw new ConflictProblem(
            `A full verification is already running (requested at ${running.requestedAt.toISOString()}); follow it at ${verificationUrl(running.id)}.`,
            'verification-running',
            { runningVerification: { id: running.id, statusUrl: verificationUrl(running.id) } },
          );
        }
        const [inserted]: VerificationRow[] = await m.query(
          `INSERT INTO audit_verifications (requested_by, requested_at) VALUES ($1, $2) RETURNING ${COLUMNS}`,
          [actor.userId, this.clock.now()],
        );
        await this.audit.record(m, { action: 'audit.verify.full', resourceType: 'audit-verification', resourceId: inserted.id, actor });
        return inserted;
      }),
    );
    void this.db.detached(() => this.run(row.id, actor));
    return row;
  }

  async get(id: string): Promise<VerificationRow> {
    await this.failAbandoned((sql, params) => this.dataSource.query(sql, params));
    const [row]: VerificationRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM audit_verifications WHERE id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Verification', id);
    return row;
  }

  private async run(id: string, actor: Actor): Promise<void> {
    this.running.add(id);
    try {
      const heads = await this.audit.heads();
      const end = heads.reduce((m, h) => (h.last_id && BigInt(h.last_id) > m ? BigInt(h.last_id) : m), 0n);
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::text AS n FROM audit_events WHERE id <= $1`, [end.toString()]);
      await this.progress(id, { eventsTotal: n });

      const key = this.config.auditCheckpointKey;
      const checkpoints = await this.audit.checkpoints();
      const { breaks } = trustedCheckpoints(key, checkpoints);
      // Every signed checkpoint is compared with the chain where it stands (unsigned ones are reported above).
      const expected = checkpoints.filter((c) => checkpointSignatureValid(key, c, c.signature));
      let last = Date.now();
      // Every event from the first, in a worker thread of its own: the API's thread only writes the progress.
      const walk = await this.audit.walkInWorker({ job: 'full', cursors: this.audit.cursors(heads, new Map()), expected }, async (done) => {
        if (this.stopping) throw new Stopped();
        if (Date.now() - last < PROGRESS_MS) return;
        last = Date.now();
        await this.progress(id, { eventsChecked: done, checkpointsChecked: checkpoints.length });
      });
      const checked = walk.checked;
      breaks.push(...walk.breaks);
      this.audit.checkHeads(heads, walk.cursors, breaks);
      // A checkpoint naming an event the walk never met: that event was taken out.
      const upto = new Map(walk.cursors.map((c) => [c.lane, BigInt(c.uptoId)]));
      for (const cp of walk.unmet)
        if (BigInt(cp.lastId) <= (upto.get(cp.lane) ?? 0n)) breaks.push({ id: cp.lastId, lane: cp.lane, problem: 'checkpoint-mismatch' });

      const valid = breaks.length === 0;
      // The result and its audit row commit together: whoever sees the verification done finds its result recorded.
      await this.db.transaction(async (m) => {
        await m.query(
          `UPDATE audit_verifications SET status = 'done', finished_at = $2, events_checked = $3, events_total = GREATEST(events_total, $3),
                  checkpoints_checked = $4, valid = $5, breaks = $6, heartbeat_at = now()
            WHERE id = $1 AND status = 'running'`,
          [id, this.clock.now(), checked, checkpoints.length, valid, JSON.stringify(breaks.slice(0, 100))],
        );
        await this.audit.record(m, {
          action: 'audit.verify.full.result',
          resourceType: 'audit-verification',
          resourceId: id,
          actor,
          details: { valid, eventsChecked: checked, breaks: breaks.length },
        });
      });
    } catch (err) {
      const message = err instanceof Stopped ? ABANDONED : `The verification failed: ${(err as Error).message}`;
      if (!(err instanceof Stopped)) this.log.error(message);
      await this.dataSource
        .query(`UPDATE audit_verifications SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1 AND status = 'running'`, [
          id,
          this.clock.now(),
          message.slice(0, 500),
        ])
        .catch(() => undefined);
    } finally {
      this.running.delete(id);
    }
  }

  private async progress(id: string, p: { eventsTotal?: string; eventsChecked?: number; checkpointsChecked?: number }): Promise<void> {
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE audit_verifications SET events_total = coalesce($2::bigint, events_total), events_checked = coalesce($3::bigint, events_checked),
              checkpoints_checked = coalesce($4::int, checkpoints_checked), heartbeat_at = now()
        WHERE id = $1 AND status = 'running' RETURNING id`,
      [id, p.eventsTotal ?? null, p.eventsChecked ?? null, p.checkpointsChecked ?? null],
    );
    // Failed meanwhile (seen as abandoned by another instance): stop.
    if (!rows.length) throw new Stopped();
  }

  private async failAbandoned(query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<void> {
    await query(
      `UPDATE audit_verifications SET status = 'failed', finished_at = $1, error = $2
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $3)`,
      [this.clock.now(), ABANDONED, STALE_SECONDS],
    );
  }

  /** Shutting down: a verification running here stops and is recorded as failed. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (let i = 0; i < 50 && this.running.size; i++) await new Promise((r) => setTimeout(r, 100));
  }
}
