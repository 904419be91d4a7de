/**
 * The audit chain's long walks in a worker thread: the checkpoint job's when many events are waiting
 * (AuditService.writeCheckpoints), and the full re-verification's (AuditVerificationsService). The events are read
 * on a connection of its own, hashed and checked here; only the findings (and the full walk's progress) go back. Their
 * parsing, hashing and garbage then stay out of the API's event loop and heap; the memory it may use is capped by
 * the thread's resource limits, and it runs below the API's threads when the cores are busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GuardedClient } from '../database/guarded-client';
import { lowerThisThread } from '../common/worker-module';
import type { OwnConnection } from '../database/data-source.options';
import {
  checkpointWalk,
  fullWalk,
  type Checkpoint,
  type CheckpointWalk,
  type EventRow,
  type FullWalk,
  type LaneCursor,
} from './audit-chain';

/** What to walk: the checkpoint job's share, or every event (with the signed checkpoints to compare). */
export type AuditWalkJob =
  | { job: 'checkpoints'; cursors: LaneCursor[]; every: number; maxEvents: number }
  | { job: 'full'; cursors: LaneCursor[]; expected: Checkpoint[] };

export type AuditWalkWorkerData = AuditWalkJob & {
  /** How to reach the database: the app's own server, session options and timeouts (ownConnection). */
  connection: OwnConnection;
  nice: number;
};

/** After each batch of the full walk, its progress; then the walk's findings (as the job asked) or why it failed. */
export type AuditWalkMessage = { progress: number } | { result: CheckpointWalk | FullWalk } | { error: string };

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as AuditWalkWorkerData;
  lowerThisThread(data.nice);
  const client = new GuardedClient(data.connection);
  let message: AuditWalkMessage;
  try {
    await client.connect();
    const query = async (sql: string, params: unknown[]) => (await client.query<EventRow>(sql, params)).rows;
    const progress = (checked: number) => port.postMessage({ progress: checked } satisfies AuditWalkMessage);
    message = {
      result:
        data.job === 'checkpoints'
          ? await checkpointWalk(query, data.cursors, data.every, data.maxEvents)
          : await fullWalk(query, data.cursors, data.expected, progress),
    };
  } catch (err) {
    message = { error: String((err as Error)?.message ?? err) };
  } finally {
    await client.end().catch(() => undefined);
  }
  port.postMessage(message);
}

if (parentPort) void main(parentPort);
