/**
 * The reports' worker thread: reads a report's rows on a connection of its own and builds its figures
 * (figures.read.ts), so that neither the rows (ten years of a hub's referrals are ~100,000 of them) nor the building
 * hold the API's event loop or fill its heap. Only the figures go back: their values for a report, one figure's
 * members for its records, the case rows for the DoLS return. Each job reads in one read-only snapshot. It runs below
 * the API's threads when the cores are busy, with its heap capped (ReportsService).
 */
import { workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { GuardedClient } from '../database/guarded-client';
import { serveJobs } from '../common/job-thread';
import type { OwnConnection } from '../database/data-source.options';
import { lowerThisThread } from '../common/worker-module';
import { readDolsReturnCases, readFigures, type DolsCasesInput, type FiguresInput, type Queryable } from './figures.read';
import { figureKey, figureValue, type Figure, membersPage, type MembersCursor, type MembersPage, type RawFigure } from './report.model';
import type { DolsReturnCase } from './returns';

/** A report's figure as shown (its value suppressed or not), without the link to its records. */
export type ShownFigure = Omit<Figure, 'records'>;

export type ReportJob =
  | { job: 'figures'; input: FiguresInput; suppress: boolean }
  | { job: 'members'; input: FiguresInput; figure: string; after: MembersCursor | null; limit: number }
  | { job: 'dols-cases'; input: DolsCasesInput };

/**
 * For each job: the figures shown; a page of the members of the figure asked for (null when the report has no such
 * figure); the case rows.
 */
export type ReportAnswer = ShownFigure[] | MembersPage | null | DolsReturnCase[];

/** The answer to one kind of job. */
export type ReportAnswerTo<J extends ReportJob> = J extends { job: 'figures' }
  ? ShownFigure[]
  : J extends { job: 'members' }
    ? MembersPage | null
    : DolsReturnCase[];

export interface FiguresWorkerData {
  /** How to reach the database: the app's own server, session options and timeouts (ownConnection). */
  connection: OwnConnection;
  nice: number;
}

const data = workerData as FiguresWorkerData | undefined;
if (data) {
  lowerThisThread(data.nice);
  // Two jobs read at once at most, one connection each: a second manager's report need not wait for the first's rows.
  // The others wait their turn here, not in the pool, whose wait for a connection is the API's connect timeout: a
  // burst of reports is queued, never answered as if the database were down.
  const READING = 2;
  const pool = new Pool({ ...data.connection, Client: GuardedClient, max: READING, idleTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  let reading = 0;
  const turns: Array<() => void> = [];

  const inSnapshot = async <T>(read: (m: Queryable) => Promise<T>): Promise<T> => {
    if (reading < READING) reading++;
    else await new Promise<void>((resolve) => turns.push(resolve));
    try {
      return await readInSnapshot(read);
    } finally {
      // The turn passes straight to the next job waiting, if any.
      const next = turns.shift();
      if (next) next();
      else reading--;
    }
  };

  const readInSnapshot = async <T>(read: (m: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const m: Queryable = { query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R };
      const out = await read(m);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (err) {
      // The connection is not given back: whatever state it is in goes with it.
      client.release(err as Error);
      throw err;
    }
  };

  serveJobs<ReportJob, ReportAnswer>(async (job) => {
    if (job.job === 'dols-cases') return inSnapshot((m) => readDolsReturnCases(m, job.input));
    const figures = await inSnapshot((m) => readFigures(m, job.input));
    if (job.job === 'members') {
      const figure = figures.find((f) => figureKey(f) === job.figure);
      return figure ? membersPage(figure.members, job.after, job.limit) : null;
    }
    return figures.map((f) => shown(f, job.suppress));
  });
}

/** A figure as shown: its records (they stay in this thread) and raw value left out, its value shown in their place. */
function shown(f: RawFigure, suppress: boolean): ShownFigure {
  const { members: _members, value: _raw, ...labels } = f;
  return { ...labels, value: figureValue(f, suppress) };
}
