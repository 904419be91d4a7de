import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';

export interface ScheduledJob {
  name: string;
  every: 'minute' | 'hour' | 'day';
  /** Local time (HH:MM) a daily job falls due; midnight when absent. */
  at?: string;
  /** Runs in the runner's transaction; returns a short summary stored on the job run (ids and counts only). */
  run: (m: EntityManager, now: Date) => Promise<Record<string, unknown>>;
}

/** Local calendar parts of an instant in a zone. */
function localParts(at: Date, zone: string): { date: string; hour: string; minute: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: parts.hour, minute: parts.minute };
}

/**
 * Runs the scheduled jobs once per period across all replicas. Every replica ticks; for each job whose period has
 * come, the first replica to insert `job_runs (job, run_key)` runs it in the same transaction (under an advisory
 * lock per job, so a second replica waits and then finds the row); the others do nothing. A job that fails is
 * recorded as failed and does not stop the others; its period is not retried (the next period runs it again, and
 * the jobs look at state, not at events, so nothing is lost).
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly jobs: ScheduledJob[] = [];
  /** Work in progress that the scheduled ticks wait for (the demo seed on first start): none run while any is. */
  private holds = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  register(job: ScheduledJob): void {
    if (this.jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.push(job);
  }

  get names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  /**
   * Runs `work` with the scheduled ticks held: a first start's seeding makes days of records, and a job ticking half
   * way through (the handover compiled before the night's decisions exist, warnings about half-made referrals) would
   * act on a record still being written. Explicit `runDue()` calls are not held.
   */
  async whileHeld<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work();
    } finally {
      this.holds--;
    }
  }

  @Interval('alerts', 30_000)
  async tick(): Promise<void> {
    if (this.holds > 0) return;
    try {
      await this.runDue();
    } catch (err) {
      this.logger.error(`scheduled jobs: ${(err as Error).message}`);
    }
  }

  /** The run key of `job` at `now`, or null when a daily job's time has not yet come today. */
  runKey(job: Pick<ScheduledJob, 'every' | 'at'>, now: Date): string | null {
    const p = localParts(now, this.config.timeZone);
    if (job.every === 'minute') return `${p.date}T${p.hour}:${p.minute}`;
    if (job.every === 'hour') return `${p.date}T${p.hour}`;
    if (job.at && `${p.hour}:${p.minute}` < job.at) return null;
    return p.date;
  }

  /** Runs every job due at `now` that no replica has run for its period; returns the names of those run here. */
  async runDue(now: Date = this.clock.now()): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const runKey = this.runKey(job, now);
      if (!runKey) continue;
      try {
        const did = await this.db.transaction(async (m) => {
          await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`job:${job.name}`]);
          const inserted: unknown[] = await m.query(
            `INSERT INTO job_runs (job, run_key, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING job`,
            [job.name, runKey, this.clock.now()],
          );
          if (!inserted.length) return false;
          const details = await job.run(m, now);
          await m.query(`UPDATE job_runs SET finished_at = $3, outcome = 'succeeded', details = $4 WHERE job = $1 AND run_key = $2`, [
            job.name,
            runKey,
            this.clock.now(),
            details,
          ]);
          return true;
        });
        if (did) ran.push(job.name);
      } catch (err) {
        const message = (err as Error).message;
        this.logger.error(`job ${job.name} (${runKey}) failed: ${message}`);
        try {
          await this.db.transaction((m) =>
            m.query(
              `INSERT INTO job_runs (job, run_key, started_at, finished_at, outcome, details) VALUES ($1, $2, $3, $3, 'failed', $4)
               ON CONFLICT (job, run_key) DO UPDATE SET finished_at = EXCLUDED.finished_at, outcome = 'failed', details = EXCLUDED.details`,
              [job.name, runKey, this.clock.now(), { error: message.slice(0, 500) }],
            ),
          );
        } catch (e) {
          this.logger.error(`job ${job.name} (${runKey}): could not record the failure: ${(e as Error).message}`);
        }
      }
    }
    return ran;
  }
}
