import { JobRunner } from '../src/alerts/job-runner.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** The tests' ways to make audit events, run the checkpoint job and tamper with the log, on the app `app()` gives. */
function checkpointHelpers(app: () => TestApp) {
  let minute = 0;
  /** `n` audit events, ten per transaction (each transaction appends to one lane, taken at random). */
  const events = async (n: number) => {
    for (let i = 0; i < n; i += 10) {
      await app().sql(
        `SELECT audit_append_many(now(), NULL, NULL, 'test.read', 'test-record', ARRAY(SELECT 'r' || g FROM generate_series(1, 10) g),
                                  array_fill(NULL::uuid, ARRAY[10]), array_fill(NULL::text, ARRAY[10]), NULL, NULL, 'success', NULL)`,
      );
    }
  };
  const checkpointJob = async () => {
    minute += 1;
    await app()
      .app.get(JobRunner)
      .runDue(new Date(Date.UTC(2026, 10, 21, 12, minute)));
    const [run] = await app().sql<{ outcome: string; details: Record<string, unknown> }>(
      `SELECT outcome, details FROM job_runs WHERE job = 'audit-checkpoints' ORDER BY started_at DESC, run_key DESC LIMIT 1`,
    );
    return run;
  };
  /** As a superuser with the append-only triggers off, then back as it was. */
  const tamper = async (sql: string, undo: string, check: () => Promise<void>) => {
    const asSuperuser = async (q: string) => {
      await app().sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
      try {
        await app().sql(q);
      } finally {
        await app().sql('ALTER TABLE audit_events ENABLE TRIGGER USER');
      }
    };
    await asSuperuser(sql);
    try {
      await check();
    } finally {
      await asSuperuser(undo);
    }
  };
  return { events, checkpointJob, tamper };
}

/**
 * Audit verification at scale: signed checkpoints every AUDIT_CHECKPOINT_EVERY events of each lane (written by the
 * checkpoint job after verifying the lane up to them), GET /audit-events/verify from the last ones, and the full
 * re-verification as a background job with its progress and result kept.
 */
describe('audit chain checkpoints and the full verification', () => {
  let t: TestApp;
  let auditor: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_CHECKPOINT_EVERY: '5' } });
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());

  const { events, checkpointJob, tamper } = checkpointHelpers(() => t);
  const verify = async () => (await t.http.get('/audit-events/verify').set('authorization', auditor.auth).expect(200)).body;
  const total = async () => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM audit_events`))[0].n);
  const fullVerification = async () => {
    const started = await t.http.post('/audit-events/verifications').set('authorization', auditor.auth).expect(202);
    expect(started.headers.location).toBe(`/audit-events/verifications/${started.body.id}`);
    for (let i = 0; i < 300; i++) {
      const s = (await t.http.get(started.headers.location).set('authorization', auditor.auth).expect(200)).body;
      if (s.status !== 'running') return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the full verification did not finish');
  };
  /** An event of a lane before its last checkpoint (not the one a checkpoint names), and one after it. */
  const around = async () => {
    const [row] = await t.sql<{ lane: number; before: string; after: string }>(
      `SELECT c.lane, (SELECT max(e.id) FROM audit_events e WHERE e.lane = c.lane AND e.id < c.last_id)::text AS before,
              (SELECT min(e.id) FROM audit_events e WHERE e.lane = c.lane AND e.id > c.last_id)::text AS after
         FROM (SELECT DISTINCT ON (lane) lane, last_id FROM audit_checkpoints ORDER BY lane, last_id DESC) c
        WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.lane = c.lane AND e.id > c.last_id)
        ORDER BY c.lane LIMIT 1`,
    );
    return row;
  };

  it('the checkpoint job signs a checkpoint every 5 events of each lane; verify then recomputes only what came after', async () => {
    await events(400);
    const run = await checkpointJob();
    expect(run.outcome).toBe('succeeded');
    const perLane = await t.sql<{ lane: number; n: number; events: number }>(
      `SELECT lane, count(*)::int AS n FROM audit_events GROUP BY lane ORDER BY lane`,
    );
    const checkpoints = await t.sql<{ lane: number; events: string; prev_id: string | null; last_id: string }>(
      `SELECT lane, events::text, prev_id::text, last_id::text FROM audit_checkpoints c ORDER BY c.lane, c.last_id`,
    );
    expect(checkpoints.length).toBe(perLane.reduce((n, l) => n + Math.floor(l.n / 5), 0));
    expect(run.details).toMatchObject({ written: checkpoints.length });
    // 400 events is far below AUDIT_WALK_WORKER_FROM (20,000): walked in the API's thread, no worker started.
    expect(run.details).not.toHaveProperty('walkedIn');
    for (const l of perLane) {
      const mine = checkpoints.filter((c) => c.lane === l.lane);
      expect(mine.map((c) => Number(c.events))).toEqual(mine.map((_, i) => (i + 1) * 5));
      expect(mine.map((c) => c.prev_id)).toEqual([null, ...mine.slice(0, -1).map((c) => c.last_id)]);
    }

    await events(40);
    const all = await total();
    // Only the events after each lane's last checkpoint are recomputed.
    const tail = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events e
        WHERE e.id > coalesce((SELECT max(last_id) FROM audit_checkpoints c WHERE c.lane = e.lane), 0)`,
    );
    const result = await verify();
    // Each lane's newest checkpoint and the one before it are checked, not all of them.
    const newest = perLane.reduce((n, l) => n + Math.min(2, Math.floor(l.n / 5)), 0);
    expect(result).toMatchObject({ valid: true, breaks: [], checkpointsChecked: newest, eventsCovered: all });
    expect(result.eventsChecked).toBe(tail[0].n);
    expect(result.eventsChecked).toBeLessThan(all / 2);

    // The next run carries on from each lane's last checkpoint.
    expect((await checkpointJob()).outcome).toBe('succeeded');
    expect((await verify()).valid).toBe(true);
  });

  it('an event edited after the last checkpoint is found by verify', async () => {
    await events(20);
    const { after } = await around();
    const [{ action }] = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE id = $1`, [after]);
    await tamper(
      `UPDATE audit_events SET action = 'test.nothing-to-see' WHERE id = ${after}`,
      `UPDATE audit_events SET action = '${action}' WHERE id = ${after}`,
      async () => {
        const result = await verify();
        expect(result.valid).toBe(false);
        expect(result.breaks).toContainEqual(expect.objectContaining({ id: after, problem: 'hash-mismatch' }));
      },
    );
    expect((await verify()).valid).toBe(true);
  });

  it('an event edited before a checkpoint is found by the full verification, which reports its progress and keeps its result', async () => {
    const { before } = await around();
    const [{ outcome }] = await t.sql<{ outcome: string }>(`SELECT outcome FROM audit_events WHERE id = $1`, [before]);
    await tamper(
      `UPDATE audit_events SET outcome = '${outcome === 'denied' ? 'success' : 'denied'}' WHERE id = ${before}`,
      `UPDATE audit_events SET outcome = '${outcome}' WHERE id = ${before}`,
      async () => {
        const done = await fullVerification();
        const all = await total();
        expect(done).toMatchObject({ status: 'done', valid: false, percent: 100, error: null, requestedBy: auditor.id });
        expect(done.eventsChecked).toBeGreaterThanOrEqual(all - 2); // the audit rows of this test's own reads come after
        expect(done.breaks).toContainEqual(expect.objectContaining({ id: before, problem: 'hash-mismatch' }));
        // Kept: asked again later, the same result.
        expect((await t.http.get(done.statusUrl).set('authorization', auditor.auth).expect(200)).body).toEqual(done);
      },
    );
    const clean = await fullVerification();
    expect(clean).toMatchObject({ status: 'done', valid: true, breaks: [] });
    expect(clean.checkpointsChecked).toBeGreaterThan(0);
    expect(
      await t.sql(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [clean.id]).then((r) => r.map((x) => x.action)),
    ).toEqual(['audit.verify.full', 'audit.verify.full.result']);
  });

  it('a forged checkpoint is refused: verify and the full verification report it, and the job builds nothing on it', async () => {
    const { lane, after } = await around();
    const [last] = await t.sql<{ last_id: string; events: string }>(
      `SELECT last_id::text, events::text FROM audit_checkpoints WHERE lane = $1 ORDER BY last_id DESC LIMIT 1`,
      [lane],
    );
    const [{ hash }] = await t.sql<{ hash: string }>(`SELECT hash FROM audit_events WHERE id = $1`, [after]);
    await t.sql(
      `INSERT INTO audit_checkpoints (lane, last_id, last_hash, events, prev_id, created_at, signature) VALUES ($1, $2, $3, $4, $5, now(), $6)`,
      [lane, after, hash, Number(last.events) + 1, last.last_id, 'ab'.repeat(32)],
    );
    try {
      const result = await verify();
      expect(result.valid).toBe(false);
      expect(result.breaks).toContainEqual({ id: after, lane, problem: 'checkpoint-signature' });
      const full = await fullVerification();
      expect(full.breaks).toContainEqual({ id: after, lane, problem: 'checkpoint-signature' });
      await events(60);
      const run = await checkpointJob();
      expect(run.outcome).toBe('failed');
      expect(String(run.details.error)).toMatch(/does not verify \(checkpoint-signature\)/);
    } finally {
      await t.sql(`DELETE FROM audit_checkpoints WHERE lane = $1 AND last_id = $2`, [lane, after]);
    }
    // A checkpoint taken out of the middle of a lane's sequence is noticed by the full verification.
    const [middle] = await t.sql<{
      lane: number;
      last_id: string;
      last_hash: string;
      events: string;
      prev_id: string | null;
      created_at: Date;
      signature: string;
    }>(
      `SELECT * FROM audit_checkpoints WHERE prev_id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_checkpoints n WHERE n.prev_id = audit_checkpoints.last_id) LIMIT 1`,
    );
    await t.sql(`DELETE FROM audit_checkpoints WHERE lane = $1 AND last_id = $2`, [middle.lane, middle.last_id]);
    try {
      const full = await fullVerification();
      expect(full.breaks).toContainEqual(expect.objectContaining({ lane: middle.lane, problem: 'checkpoint-sequence' }));
    } finally {
      await t.sql(
        `INSERT INTO audit_checkpoints (lane, last_id, last_hash, events, prev_id, created_at, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [middle.lane, middle.last_id, middle.last_hash, middle.events, middle.prev_id, middle.created_at, middle.signature],
      );
    }
    expect((await checkpointJob()).outcome).toBe('succeeded');
    expect((await verify()).valid).toBe(true);
  });

  it('one full verification at a time (409 naming the running one); one whose instance stopped is reported failed', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO audit_verifications (requested_by, requested_at) VALUES ($1, now()) RETURNING id`,
      [auditor.id],
    );
    const refused = await t.http.post('/audit-events/verifications').set('authorization', auditor.auth).expect(409);
    expect(refused.body).toMatchObject({
      code: 'verification-running',
      runningVerification: { id, statusUrl: `/audit-events/verifications/${id}` },
    });
    await t.sql(`UPDATE audit_verifications SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1`, [id]);
    const stale = (await t.http.get(`/audit-events/verifications/${id}`).set('authorization', auditor.auth).expect(200)).body;
    expect(stale).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped before it finished/) });
    expect((await fullVerification()).status).toBe('done');
  });
});

describe('the checkpoint job with many events waiting: the walk in a worker thread', () => {
  let t: TestApp;
  let auditor: TestUser;
  beforeAll(async () => {
    // Every run walks in the worker (from 0 events waiting); production starts it from 20,000.
    t = await createTestApp({ env: { AUDIT_CHECKPOINT_EVERY: '5', AUDIT_WALK_WORKER_FROM: '0' } });
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());
  const { events, checkpointJob, tamper } = checkpointHelpers(() => t);

  it('signs the same checkpoints as the walk in the API thread, and verify builds on them', async () => {
    await events(300);
    const run = await checkpointJob();
    expect(run).toMatchObject({ outcome: 'succeeded', details: { walkedIn: 'worker' } });
    const perLane = await t.sql<{ lane: number; n: number }>(
      `SELECT lane, count(*)::int AS n FROM audit_events GROUP BY lane ORDER BY lane`,
    );
    const checkpoints = await t.sql<{ lane: number; events: string; prev_id: string | null; last_id: string }>(
      `SELECT lane, events::text, prev_id::text, last_id::text FROM audit_checkpoints c ORDER BY c.lane, c.last_id`,
    );
    expect(checkpoints.length).toBe(perLane.reduce((n, l) => n + Math.floor(l.n / 5), 0));
    for (const l of perLane) {
      const mine = checkpoints.filter((c) => c.lane === l.lane);
      expect(mine.map((c) => Number(c.events))).toEqual(mine.map((_, i) => (i + 1) * 5));
      expect(mine.map((c) => c.prev_id)).toEqual([null, ...mine.slice(0, -1).map((c) => c.last_id)]);
    }
    const result = (await t.http.get('/audit-events/verify').set('authorization', auditor.auth).expect(200)).body;
    expect(result).toMatchObject({ valid: true, breaks: [] });
    expect(result.checkpointsChecked).toBeGreaterThan(0);
  });

  it('an event changed before the worker reaches it is reported, and its lane gets no checkpoint past it', async () => {
    await events(100);
    const [{ lane, id, action }] = await t.sql<{ lane: number; id: string; action: string }>(
      `SELECT e.lane, e.id::text AS id, e.action FROM audit_events e
        WHERE e.id > (SELECT max(last_id) FROM audit_checkpoints c WHERE c.lane = e.lane) ORDER BY e.id LIMIT 1`,
    );
    const signedBefore = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_checkpoints WHERE lane = $1 AND last_id >= $2`, [
      lane,
      id,
    ]);
    expect(signedBefore[0].n).toBe(0);
    await tamper(
      `UPDATE audit_events SET action = 'test.nothing-to-see' WHERE id = ${id}`,
      `UPDATE audit_events SET action = '${action}' WHERE id = ${id}`,
      async () => {
        const run = await checkpointJob();
        expect(run).toMatchObject({
          outcome: 'succeeded',
          details: { walkedIn: 'worker', breaks: [{ id, lane, problem: 'hash-mismatch' }] },
        });
        const signedPast = await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_checkpoints WHERE lane = $1 AND last_id >= $2`,
          [lane, id],
        );
        expect(signedPast[0].n).toBe(0);
      },
    );
  });
});
