import { performance } from 'node:perf_hooks';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The planner works in a worker thread, one plan at a time for the hub (across app instances on one database),
 * cancellable, with a status a manager can ask for; the API keeps answering while it works.
 */
describe('rota planner runs: one at a time, off the event loop, cancellable', () => {
  const SECRET = 'planner-runs-e2e-shared-signing-secret-0123456789';
  // The worker at normal priority: on a test machine crowded with other work a niced plan would take minutes.
  const env = { ACCESS_TOKEN_TTL_SECONDS: '86400', JWT_SECRET: SECRET, PLANNER_NICE: '0' };
  let t: TestApp;
  /** A second app instance on the same database (as two replicas behind a load balancer). */
  let other: TestApp;
  let manager: TestUser;
  let manager2: TestUser;
  let referrer: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env });
    other = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      databaseUrl: t.databaseUrl,
      env,
    });
    manager = await t.user(['manager'], { displayName: 'Manager Mo' });
    manager2 = await t.user(['manager'], { displayName: 'Manager Nia' });
    referrer = await t.user(['referrer']);
    // A hub's quarter: 16 AMHPs (6 senior), 13 weeks from Monday 4 January 2027 of Early (2), Late (1) and a senior
    // Night, in local time: enough for the planner to work for a few seconds.
    for (let i = 0; i < 16; i++) await amhp(t, { skills: i < 6 ? ['senior'] : [], displayName: `AMHP ${String(i).padStart(2, '0')}` });
    await t.sql(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count, required_skills)
       SELECT d::date, v.label, (d::date + v.st) AT TIME ZONE 'Europe/London', (d::date + v.st + v.len) AT TIME ZONE 'Europe/London', v.n, v.skills
         FROM generate_series('2027-01-04'::date, '2027-04-04'::date, interval '1 day') d,
              (VALUES ('Early', time '08:00', interval '8 hours', 2, '{}'::text[]), ('Late', time '14:00', interval '8 hours', 1, '{}'::text[]),
                      ('Night', time '22:00', interval '10 hours', 1, '{senior}'::text[])) v(label, st, len, n, skills)`,
    );
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  const QUARTER = { from: '2027-01-04T00:00:00Z', to: '2027-04-05T00:00:00Z' };
  const as = (app: TestApp, u: TestUser) => ({
    get: (p: string) => app.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      app.http.post(p).set('authorization', u.auth).set(headers).send(b),
  });
  const startAsync = async (app: TestApp = t, u: TestUser = manager) => {
    const res = await as(app, u).post('/rota/plans', QUARTER, { prefer: 'respond-async' }).expect(202);
    expect(res.headers.location).toBe(`/rota/plan-runs/${res.body.id}`);
    expect(res.headers['preference-applied']).toBe('respond-async');
    return res.body as { id: string; status: string; statusUrl: string };
  };
  const status = async (id: string, app: TestApp = t) => (await as(app, manager).get(`/rota/plan-runs/${id}`).expect(200)).body;
  const until = async (id: string, done: (s: { status: string }) => boolean, seconds = 180) => {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const s = await status(id);
      if (done(s)) return s;
      if (Date.now() > end) throw new Error(`run ${id} still ${s.status} after ${seconds} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  // A test that fails half way leaves no plan running for the next.
  afterEach(async () => {
    for (const r of await t.sql<{ id: string }>(`SELECT id FROM rota_plan_runs WHERE status = 'running'`))
      await as(t, manager).post(`/rota/plan-runs/${r.id}/cancel`);
  });
  const plansMade = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM rota_plans`))[0].n;

  it('while a plan is being made a second is refused (409 naming the first, on either app instance), who is on duty still answers at once, and the plan arrives', async () => {
    const run = await startAsync();
    expect(run).toMatchObject({ status: 'running', from: '2027-01-04T00:00:00.000Z', requestedBy: manager.id, planId: null, plan: null });

    const refused = await as(t, manager2).post('/rota/plans', QUARTER).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'plan-running',
      runningPlan: { id: run.id, statusUrl: `/rota/plan-runs/${run.id}`, requestedBy: manager.id },
    });
    const elsewhere = await as(other, manager2).post('/rota/plans', QUARTER, { prefer: 'respond-async' }).expect(409);
    expect(elsewhere.body.runningPlan.id).toBe(run.id);

    // The API answers while the planner works: each on-duty read timed between two status reads that both say running.
    const whileRunning: number[] = [];
    for (let i = 0; i < 200 && whileRunning.length < 15; i++) {
      const before = (await status(run.id)).status;
      const started = performance.now();
      const duty = await as(t, referrer).get('/rota/on-duty?at=2027-02-10T15:00:00Z').expect(200);
      const took = performance.now() - started;
      expect(duty.body.onDuty.map((s: { label: string }) => s.label).sort()).toEqual(['Early', 'Late']);
      if (before === 'running' && (await status(run.id)).status === 'running') whileRunning.push(took);
      else break;
    }
    expect(whileRunning.length).toBeGreaterThanOrEqual(5);
    whileRunning.sort((a, b) => a - b);
    expect(whileRunning[Math.floor(whileRunning.length / 2)]).toBeLessThan(200);

    const done = await until(run.id, (s) => s.status !== 'running');
    expect(done).toMatchObject({ status: 'done', error: null, planId: expect.any(String), plan: `/rota/plans/${done.planId}` });
    expect(done.finishedAt).toEqual(expect.any(String));
    const plan = (await as(t, manager).get(done.plan).expect(200)).body;
    expect(plan).toMatchObject({ status: 'proposed', createdBy: manager.id });
    const missing = plan.unfilled.reduce((n: number, u: { missing: number }) => n + u.missing, 0);
    expect(plan.assignments.length + missing).toBe(91 * 4);
    expect(plan.assignments.length).toBeGreaterThan(300);
    expect(
      await t.sql(`SELECT details->>'run' AS run FROM audit_events WHERE action = 'rota.plan.propose' AND resource_id = $1`, [plan.id]),
    ).toEqual([{ run: run.id }]);

    // The hub's place is free again: the next plan is accepted (and waited for, without Prefer).
    const next = await as(t, manager2).post('/rota/plans', { from: '2027-01-04T00:00:00Z', to: '2027-01-06T00:00:00Z' }).expect(201);
    expect(next.body).toMatchObject({ status: 'proposed', createdBy: manager2.id });
  }, 240_000);

  it('a plan asked for in the background and retried with its Idempotency-Key is answered as the first time: 202, its status URL, Preference-Applied', async () => {
    const days = { from: '2027-01-04T00:00:00Z', to: '2027-01-06T00:00:00Z' };
    const headers = { prefer: 'respond-async', 'idempotency-key': 'plan-async-retry-1' };
    const first = await as(t, manager).post('/rota/plans', days, headers).expect(202);
    await until(first.body.id, (s) => s.status !== 'running');
    const retry = await as(t, manager).post('/rota/plans', days, headers).expect(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(`/rota/plan-runs/${first.body.id}`);
    expect(retry.headers['preference-applied']).toBe('respond-async');
    expect(retry.body).toEqual(first.body);
  }, 240_000);

  it('a manager cancels a plan being made: it stops, proposes nothing, and another can start at once', async () => {
    const before = await plansMade();
    const run = await startAsync();
    const cancelled = await as(t, manager2).post(`/rota/plan-runs/${run.id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ id: run.id, status: 'cancelled', cancelledBy: manager2.id, planId: null });
    expect(await status(run.id)).toMatchObject({ status: 'cancelled' });
    await as(t, manager2).post(`/rota/plan-runs/${run.id}/cancel`).expect(409);
    expect(await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'rota.plan.cancel' AND resource_id = $1`, [run.id])).toEqual([
      { actor_id: manager2.id },
    ]);

    // A new plan starts at once; cancelled from the OTHER instance, the one making it stops within seconds, and the
    // manager waiting for it is told it was cancelled.
    const waiting = as(t, manager)
      .post('/rota/plans', QUARTER)
      .then((r) => r);
    let second: { id: string } | undefined;
    for (let i = 0; i < 100 && !second; i++) {
      [second] = await t.sql<{ id: string }>(`SELECT id FROM rota_plan_runs WHERE status = 'running'`);
      if (!second) await new Promise((r) => setTimeout(r, 50));
    }
    expect(second).toBeDefined();
    await as(other, manager2).post(`/rota/plan-runs/${second!.id}/cancel`).expect(200);
    const answer = await waiting;
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'plan-cancelled', run: { id: second!.id, statusUrl: `/rota/plan-runs/${second!.id}` } });
    // Nothing proposed by either, even after the time the solve would have taken.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await plansMade()).toBe(before);
    await as(t, manager).post('/rota/plans', { from: '2027-01-04T00:00:00Z', to: '2027-01-06T00:00:00Z' }).expect(201);
  }, 240_000);

  it('a plan left running by an app instance that stopped is reported failed, not running forever, and does not block the next', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO rota_plan_runs (status, starts_at, ends_at, requested_by, requested_at, heartbeat_at)
       VALUES ('running', '2027-01-04T00:00:00Z', '2027-01-11T00:00:00Z', $1, '2026-11-21T09:00:00Z', now() - interval '10 minutes') RETURNING id`,
      [manager.id],
    );
    expect(await status(id, other)).toMatchObject({ status: 'failed', error: expect.stringMatching(/stopped before it finished/) });
    await as(t, manager).post('/rota/plans', { from: '2027-01-04T00:00:00Z', to: '2027-01-06T00:00:00Z' }).expect(201);
  }, 120_000);

  it('only managers see and cancel plan runs; an unknown run is 404', async () => {
    const a = await amhp(t, { displayName: 'Not A Manager' });
    const [{ id }] = await t.sql<{ id: string }>(`SELECT id FROM rota_plan_runs ORDER BY requested_at LIMIT 1`);
    await as(t, a).get(`/rota/plan-runs/${id}`).expect(403);
    await as(t, a).post(`/rota/plan-runs/${id}/cancel`).expect(403);
    await as(t, manager).get('/rota/plan-runs/00000000-0000-4000-8000-000000000000').expect(404);
  });
});
