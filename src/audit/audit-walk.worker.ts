/**
 * The audit checkpoint job's walk in a worker thread (started by AuditService.writeCheckpoints when the events to
 * check are many): the events read on a connection of its own, hashed and checked here, and only what to sign sent
 * back. Their parsing, hashing and garbage then stay out of the API's event loop and heap; the memory it may use is
 * capped by the thread's resource limits, and it runs below the API's threads when the cores are busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { lowerThisThread } from '../common/worker-module';
import { checkpointWalk, type CheckpointWalk, type EventRow, type LaneCursor } from './audit-chain';

export interface AuditWalkWorkerData {
  /** How to reach the database: the app's own connection string and session options. */
  connection: { connectionString: string; options?: string; application_name: string };
  cursors: LaneCursor[];
  every: number;
  maxEvents: number;
  nice: number;
}

export type AuditWalkMessage = { walk: CheckpointWalk } | { error: string };

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { connection, cursors, every, maxEvents, nice } = workerData as AuditWalkWorkerData;
  lowerThisThread(nice);
  const client = new Client(connection);
  let message: AuditWalkMessage;
  try {
    await client.connect();
    const query = async (sql: string, params: unknown[]) => (await client.query<EventRow>(sql, params)).rows;
    message = { walk: await checkpointWalk(query, cursors, every, maxEvents) };
  } catch (err) {
    message = { error: String((err as Error)?.message ?? err) };
  } finally {
    await client.end().catch(() => undefined);
  }
  port.postMessage(message);
}

if (parentPort) void main(parentPort);
