import { join } from 'node:path';
import { JobThread } from './job-thread';
import type { FixtureJob } from '../../test/support/job-thread.fixture-worker';

/** The fixture worker module is found beside this file, as the app's are beside the services that start them. */
const beside = join(__dirname, '..', '..', 'test', 'support', 'this.ts');

/** The threads a test made: each is closed after it, whatever the test did. */
const made: Array<JobThread<FixtureJob, unknown>> = [];

function thread(idleMs = 60_000, memoryMb = 64): JobThread<FixtureJob, unknown> {
  const t = JobThread.beside<FixtureJob, unknown>(beside, 'job-thread.fixture-worker', {
    workerData: null,
    memoryMb,
    what: 'the fixture',
    idleMs,
  });
  made.push(t);
  return t;
}

describe('JobThread: jobs run in one long-lived worker thread', () => {
  jest.setTimeout(30_000);
  afterEach(async () => {
    await Promise.all(made.splice(0).map((t) => t.close()));
  });

  it('answers each job with its own result, several at once, the quick one first, in one thread', async () => {
    const t = thread();
    const order: string[] = [];
    const slow = t.run({ job: 'echo', value: 'slow', ms: 200 }).then((r) => (order.push('slow'), r));
    const quick = t.run({ job: 'echo', value: 'quick', ms: 1 }).then((r) => (order.push('quick'), r));
    expect(await Promise.all([slow, quick])).toEqual([{ value: 'slow' }, { value: 'quick' }]);
    expect(order).toEqual(['quick', 'slow']);
    expect(await t.run({ job: 'thread' })).toBe(await t.run({ job: 'thread' }));
  });

  it('a job that throws fails with its message, and the thread goes on with the next', async () => {
    const t = thread();
    const before = await t.run({ job: 'thread' });
    await expect(t.run({ job: 'fail', message: 'no such figure' })).rejects.toThrow('no such figure');
    // Its code too (a database error's SQLSTATE, a connection's errno code), so the API can tell an outage (503).
    await expect(t.run({ job: 'fail', message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' })).rejects.toMatchObject({
      message: 'connect ECONNREFUSED 127.0.0.1:5432',
      code: 'ECONNREFUSED',
    });
    expect(await t.run({ job: 'thread' })).toBe(before);
  });

  it('a thread that dies fails the jobs it held; the next job gets a new thread', async () => {
    const t = thread();
    const before = await t.run({ job: 'thread' });
    const held = expect(t.run({ job: 'echo', value: 'held', ms: 5_000 })).rejects.toThrow(
      'the fixture failed: the thread stopped (exit 3)',
    );
    await expect(t.run({ job: 'die' })).rejects.toThrow('the fixture failed: the thread stopped (exit 3)');
    await held;
    expect(await t.run({ job: 'thread' })).not.toBe(before);
  });

  it("a job that needs more than the thread's memory fails as out of memory, and the next job still runs", async () => {
    const t = thread(60_000, 32);
    await expect(t.run({ job: 'grow' })).rejects.toThrow('the fixture needed more than its 32 MiB of memory');
    expect(await t.run({ job: 'echo', value: 'after', ms: 1 })).toEqual({ value: 'after' });
  });

  it('stops its thread after the idle time, and starts a new one for the next job', async () => {
    const t = thread(100);
    const before = await t.run({ job: 'thread' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await t.run({ job: 'thread' })).not.toBe(before);
  });

  it('once closed (shutting down), fails what it held and refuses new jobs', async () => {
    const t = thread();
    const held = expect(t.run({ job: 'echo', value: 'held', ms: 5_000 })).rejects.toThrow('shutting down');
    await t.run({ job: 'thread' });
    await t.close();
    await held;
    await expect(t.run({ job: 'thread' })).rejects.toThrow('shutting down');
  });
});
