import { Worker } from 'node:worker_threads';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { ConflictProblem, NotFoundProblem } from '../common/problem';
import { workerModule } from '../common/worker-module';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import type { PlanInputs } from './plan-facts';
import { compiledHighs, type PlannerOptions, type PlanResult } from './planner';
import type { PlannerWorkerData, PlannerWorkerMessage } from './planner.worker';

export type PlanRunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface PlanRunRow {
  id: string;
  status: PlanRunStatus;
  startsAt: Date;
  endsAt: Date;
  requestedBy: string;
  requestedAt: Date;
  finishedAt: Date | null;
  planId: string | null;
  cancelledBy: string | null;
  error: string | null;
}

const RUN_COLUMNS = `id, status, starts_at AS "startsAt", ends_at AS "endsAt", requested_by AS "requestedBy", requested_at AS "requestedAt",
  finished_at AS "finishedAt", plan_id AS "planId", cancelled_by AS "cancelledBy", error`;

/** How often the instance running a plan says it is alive, and looks whether it was cancelled on another instance. */
const HEARTBEAT_MS = 2_000;
/** A running plan not heard of for this long belongs to an instance that stopped: it is failed, not left running. */
export const STALE_SECONDS = 30;
const ABANDONED = 'The app instance running this plan stopped before it finished; make the plan again.';

export const planRunUrl = (id: string): string => `/rota/plan-runs/${id}`;

/** The run ended before a result: cancelled (here or on another instance), or its instance is shutting down. */
export class PlanRunStopped extends Error {
  override readonly name = 'PlanRunStopped';
}

/**
 * Planner runs: at most one at a time for the hub, across every app instance on the database (a partial unique
 * index on the running row, taken under an advisory lock); each solved in a worker thread with a memory limit, so
 * the API's event loop never waits for a plan; cancellable from any instance; its state kept so that a status URL
 * can say it, and a run whose instance stopped (restart, crash) is reported failed instead of running forever.
 */
@Injectable()
export class PlanRunsService implements BeforeApplicationShutdown {
  private readonly log = new Logger('Planner');
  /** Worker threads of the runs this instance is solving, by run id. */
  private readonly workers = new Map<string, { worker: Worker; stop: (reason: PlanRunStopped) => void }>();
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Takes the hub's one running place for a plan of [from, to), committed at once (outside any request transaction)
   * so every instance sees it; 409 `plan-running` naming the run already there, with its status URL.
   */
  async begin(actor: Actor, from: Date, to: Date): Promise<PlanRunRow> {
    return this.db.detached(() =>
      this.db.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('rota-plan-run', 0))`);
        await this.failAbandoned(m);
        const [running]: PlanRunRow[] = await m.query(`SELECT ${RUN_COLUMNS} FROM rota_plan_runs WHERE status = 'running'`);
        if (running) {
          throw new ConflictProblem(
            `A plan is already being made (for ${running.startsAt.toISOString()} to ${running.endsAt.toISOString()}, requested at ${running.requestedAt.toISOString()}); ` +
              `one plan runs at a time. Wait for it (${planRunUrl(running.id)}) or cancel it.`,
            'plan-running',
            { runningPlan: { id: running.id, statusUrl: planRunUrl(running.id), requestedBy: running.requestedBy } },
          );
        }
        const [row]: PlanRunRow[] = await m.query(
          `INSERT INTO rota_plan_runs (status, starts_at, ends_at, requested_by, requested_at) VALUES ('running', $1, $2, $3, $4) RETURNING ${RUN_COLUMNS}`,
          [from, to, actor.userId, this.clock.now()],
        );
        return row;
      }),
    );
  }

  async get(id: string): Promise<PlanRunRow> {
    await this.db.detached(() => this.db.transaction((m) => this.failAbandoned(m)));
    const [row]: PlanRunRow[] = await this.db.manager.query(`SELECT ${RUN_COLUMNS} FROM rota_plan_runs WHERE id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Plan run', id);
    return row;
  }

  /** Cancels a running plan (on whichever instance it runs: that instance sees it within HEARTBEAT_MS). Audited. */
  async cancel(actor: Actor, id: string): Promise<PlanRunRow> {
    const row = await this.db.transaction(async (m) => {
      await this.failAbandoned(m);
      // UPDATE … RETURNING answers [rows, count].
      const [[updated]]: [PlanRunRow[]] = await m.query(
        `UPDATE rota_plan_runs SET status = 'cancelled', finished_at = $2, cancelled_by = $3 WHERE id = $1 AND status = 'running' RETURNING ${RUN_COLUMNS}`,
        [id, this.clock.now(), actor.userId],
      );
      if (!updated) {
        const [existing]: PlanRunRow[] = await m.query(`SELECT ${RUN_COLUMNS} FROM rota_plan_runs WHERE id = $1`, [id]);
        if (!existing) throw new NotFoundProblem('Plan run', id);
        throw new ConflictProblem(`The plan is ${existing.status}; only a running plan can be cancelled.`, 'plan-not-running', {
          runStatus: existing.status,
        });
      }
      await this.audit.record(m, { action: 'rota.plan.cancel', resourceType: 'rota-plan-run', resourceId: id });
      return updated;
    });
    this.workers.get(id)?.stop(new PlanRunStopped('cancelled'));
    return row;
  }

  /**
   * Solves in a worker thread: the rows in, the proposal out. Keeps the run's heartbeat while it works and stops
   * (PlanRunStopped) as soon as the run is no longer running (cancelled anywhere). The worker's heap is capped at
   * PLANNER_MEMORY_MB: a run that needs more fails with a message saying so.
   */
  async solve(runId: string, inputs: PlanInputs, options: PlannerOptions): Promise<PlanResult> {
    if (this.stopping) throw new PlanRunStopped('shutting down');
    const { file, execArgv } = workerModule(__filename, 'planner.worker');
    const data: PlannerWorkerData = { inputs, options, nice: this.config.plannerNice, highs: await compiledHighs() };
    const worker = new Worker(file, {
      workerData: data,
      execArgv,
      resourceLimits: { maxOldGenerationSizeMb: this.config.plannerMemoryMb },
    });
    return new Promise<PlanResult>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(beat);
        this.workers.delete(runId);
        void worker.terminate();
        fn();
      };
      const stop = (reason: PlanRunStopped) => settle(() => reject(reason));
      this.workers.set(runId, { worker, stop });
      const beat = setInterval(() => {
        void this.heartbeat(runId)
          .then((running) => {
            if (!running) stop(new PlanRunStopped('cancelled'));
          })
          .catch((err: Error) => this.log.warn(`plan ${runId}: heartbeat failed: ${err.message}`));
      }, HEARTBEAT_MS);
      beat.unref();
      worker.on('message', (m: PlannerWorkerMessage) =>
        settle(() => ('result' in m ? resolve(m.result) : reject(new Error(`the planner failed: ${m.error}`)))),
      );
      worker.on('error', (err: Error & { code?: string }) =>
        settle(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new Error(`the planner needed more than its ${this.config.plannerMemoryMb} MiB of memory (PLANNER_MEMORY_MB)`)
              : new Error(`the planner failed: ${err.message}`),
          ),
        ),
      );
      worker.on('exit', (code) => settle(() => reject(new Error(`the planner stopped before it answered (exit ${code})`))));
    });
  }

  /** Marks the run done with its plan, in the caller's transaction; false when it is no longer running (cancelled). */
  async finish(m: EntityManager, runId: string, planId: string): Promise<boolean> {
    const [rows]: [unknown[]] = await m.query(
      `UPDATE rota_plan_runs SET status = 'done', finished_at = $2, plan_id = $3 WHERE id = $1 AND status = 'running' RETURNING id`,
      [runId, this.clock.now(), planId],
    );
    return rows.length > 0;
  }

  /** Records why a run failed (unless it already ended: cancelled, or failed as abandoned). */
  async fail(runId: string, message: string): Promise<void> {
    await this.db.detached(() =>
      this.db.transaction((m) =>
        m.query(`UPDATE rota_plan_runs SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1 AND status = 'running'`, [
          runId,
          this.clock.now(),
          message.slice(0, 500),
        ]),
      ),
    );
  }

  /** Whether the run is still running; refreshes its heartbeat if so. */
  async heartbeat(runId: string): Promise<boolean> {
    const [rows]: [unknown[]] = await this.db.dataSource.query(
      `UPDATE rota_plan_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running' RETURNING id`,
      [runId],
    );
    return rows.length > 0;
  }

  /** Runs whose instance has not been heard of for STALE_SECONDS (it stopped or crashed) are failed. */
  private async failAbandoned(m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE rota_plan_runs SET status = 'failed', finished_at = $1, error = $2
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $3)`,
      [this.clock.now(), ABANDONED, STALE_SECONDS],
    );
  }

  /** Shutting down: the runs solving here stop, and are recorded as failed at once rather than after STALE_SECONDS. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const ids = [...this.workers.keys()];
    for (const id of ids) this.workers.get(id)?.stop(new PlanRunStopped('shutting down'));
    for (const id of ids) await this.fail(id, ABANDONED).catch(() => undefined);
  }
}
