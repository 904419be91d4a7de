/**
 * A job thread for JobThread's tests: `echo` answers after `ms`, `fail` throws, `die` ends the thread, `grow` keeps
 * memory until the thread's limit stops it, `thread` answers with the thread's id (to tell a new thread from the last).
 */
import { threadId } from 'node:worker_threads';
import { serveJobs } from '../../src/common/job-thread';

export type FixtureJob =
  | { job: 'echo'; value: string; ms: number }
  | { job: 'fail'; message: string; code?: string }
  | { job: 'die' }
  | { job: 'grow' }
  | { job: 'thread' };

const kept: unknown[] = [];

serveJobs<FixtureJob, unknown>(async (job) => {
  if (job.job === 'echo') {
    await new Promise((resolve) => setTimeout(resolve, job.ms));
    return { value: job.value };
  }
  if (job.job === 'fail') throw Object.assign(new Error(job.message), job.code ? { code: job.code } : {});
  if (job.job === 'die') process.exit(3);
  if (job.job === 'grow') for (;;) kept.push(new Array(100_000).fill(kept.length));
  return threadId;
});
