'use strict';
/**
 * The API while the planner works: "who is on duty" (GET /rota/on-duty, a referrer) at a fixed BENCH_RATE (200) a
 * second, open-loop, in three phases of the same run, on the same app (created from dist/ as `npm start` does):
 *   1. idle: no plan running (the baseline);
 *   2. a plan in the service's worker thread: after the load's warm-up, POST /rota/plans (Prefer: respond-async) for
 *      a 13-week, 40-AMHP hub, with two more plans asked for meanwhile (each must be refused, 409 plan-running); the
 *      twenty slowest answers are printed with when they were due after the plan was asked for;
 *   3. the old way, for comparison: the facts and the model built on the API's thread and HiGHS in a worker, as the
 *      service did before (the planner's own code, called from this process, which is the app's process).
 * Target: p99 < 20 ms at 200 requests a second while the plan runs. Each phase also reports the process's peak RSS.
 *
 *   npm run build && node bench/planner-api.bench.js
 *
 * Knobs: BENCH_RATE (200), BENCH_SECONDS (10: each phase; a plan takes ~7 s), BENCH_AMHPS (40), BENCH_OLD=0 (skip
 * phase 3).
 */
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { Client } = require('pg');

const DIST = path.join(__dirname, '..', 'dist', 'src');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'config/app-config.js'));
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, freeLocalPort, embeddedTempDir } = require(
  path.join(DIST, 'database/embedded-postgres.js'),
);
/** @type {typeof import('../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(path.join(DIST, 'database/migrations.js'));
/** @type {typeof import('../src/bootstrap')} */
const { createApp } = require(path.join(DIST, 'bootstrap.js'));
/** @type {typeof import('../src/auth/token.service')} */
const { TokenService } = require(path.join(DIST, 'auth/token.service.js'));
/** @type {typeof import('../src/database/db')} */
const { Db } = require(path.join(DIST, 'database/db.js'));
/** @type {typeof import('../src/rota/planner.service')} */
const { PlannerService } = require(path.join(DIST, 'rota/planner.service.js'));
/** @type {typeof import('../src/rota/planner')} */
const { plan, solveWithHighs } = require(path.join(DIST, 'rota/planner.js'));
/** @type {typeof import('../src/rota/plan-facts')} */
const { buildPlanFacts } = require(path.join(DIST, 'rota/plan-facts.js'));
const { percentile } = require('./lib/stats');

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AMHPS = Number(process.env.BENCH_AMHPS ?? 40);
const OLD = process.env.BENCH_OLD !== '0';
const FROM = '2027-03-01T00:00:00Z';
const TO = '2027-05-31T00:00:00Z';

/**
 * @param {import('./lib/open-loop').OpenLoopRequest} target
 * @param {() => void} [onMeasuring] called when the warm-up ends and the first counted request is due
 * @returns {Promise<import('./lib/open-loop').OpenLoopResult>}
 */
function load(target, onMeasuring = () => {}) {
  const worker = new Worker(path.join(__dirname, 'lib', 'open-loop.js'));
  return new Promise((resolve, reject) => {
    worker.on('message', (/** @type {import('./lib/open-loop').OpenLoopMessage} */ msg) => {
      if ('measuring' in msg) onMeasuring();
      if ('tid' in msg || 'measuring' in msg) return; // start-up and end-of-warm-up notices; the result comes last
      void worker.terminate();
      if ('error' in msg) reject(new Error(msg.error));
      else resolve(msg.result);
    });
    worker.on('error', reject);
    worker.postMessage(target);
  });
}

/**
 * Peak RSS (MiB) of this process while `work` runs.
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<{ result: T, peakMiB: number, loopMaxMs: number }>}
 */
async function peakRss(work) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  // How long the API's event loop was held up at worst (the app runs in this process).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  try {
    return { result: await work(), peakMiB: peak / 2 ** 20, loopMaxMs: loop.max / 1e6 };
  } finally {
    loop.disable();
    clearInterval(timer);
  }
}

/**
 * The solver as the service ran it before: HiGHS in a worker thread evaluated from `solveWithHighs`'s source, the
 * facts and the model on the caller's thread.
 * @returns {{ solve: import('../src/rota/planner').LpSolve, stop: () => Promise<number> }}
 */
function oldWorkerSolver() {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const solveWithHighs = ${solveWithHighs.toString()};
const ready = require(workerData.highs)();
parentPort.on('message', async ({ lp, options, start }) => {
  try { parentPort.postMessage({ result: solveWithHighs(await ready, lp, options, start) }); }
  catch (err) { parentPort.postMessage({ error: String((err && err.message) || err) }); }
});`;
  const worker = new Worker(source, { eval: true, workerData: { highs: require.resolve('highs') } });
  /** @type {((m: { result?: any, error?: string }) => void) | null} */
  let pending = null;
  worker.on('message', (m) => pending?.(m));
  return {
    solve: (lp, options, start) =>
      new Promise((resolve, reject) => {
        pending = (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result));
        worker.postMessage({ lp, options, start });
      }),
    stop: () => worker.terminate(),
  };
}

/**
 * @param {string} name
 * @param {import('./lib/open-loop').OpenLoopResult} r
 * @param {string} [extra]
 */
function summary(name, r, extra = '') {
  const l = Array.from(r.latencies).sort((a, b) => a - b);
  const ok = r.statuses['200'] ?? 0;
  return {
    name,
    p50: percentile(l, 0.5),
    p99: percentile(l, 0.99),
    max: l[l.length - 1],
    rps: ok / r.elapsed,
    bad: r.sent - ok,
    extra,
  };
}

async function main() {
  const dir = embeddedTempDir('amhp-bench-planner-');
  const server = await startEmbeddedPostgres({ dir, port: await freeLocalPort(), persistent: false });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig(
    productionEnv({ JWT_SECRET: 'p'.repeat(48), DATABASE_URL: url, LOG_LEVEL: 'silent', PLANNER_NICE: process.env.PLANNER_NICE }),
  );
  /** @type {Awaited<ReturnType<typeof createApp>> | undefined} */
  let app;
  /** @type {Client | undefined} */
  let seeding;
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    app = await createApp({ config, databaseUrl: url, schedule: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const nest = app;
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;

    // The hub (as bench/planner.bench.js describes it): 40 AMHPs (16 senior), 13 weeks of Early 08-16 x3 (one
    // senior), Late 14-22 x2, Night 22-08 x1 senior, in local time.
    const db = new Client({ connectionString: url });
    seeding = db;
    await db.connect();
    await db.query(
      `INSERT INTO users (email, display_name, roles) SELECT 'amhp' || g || '@bench.local', 'AMHP ' || lpad(g::text, 2, '0'), ARRAY['amhp'] FROM generate_series(1, $1) g`,
      [AMHPS],
    );
    await db.query(`INSERT INTO practitioners (user_id, profession, registration_body, registration_number, registration_checked_on, skills, fte)
                    SELECT id, 'social-worker', 'SWE', 'SW' || row_number() OVER (ORDER BY email), '2026-10-01',
                           CASE WHEN row_number() OVER (ORDER BY email) % 5 < 2 THEN ARRAY['senior'] ELSE '{}'::text[] END,
                           (ARRAY[1.0, 1.0, 0.8, 0.6, 1.0])[1 + (row_number() OVER (ORDER BY email))::int % 5]
                      FROM users`);
    await db.query(
      `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on) SELECT id, 'Northshire CC', '2026-01-01', '2030-12-31' FROM practitioners`,
    );
    await db.query(`INSERT INTO training_records (practitioner_id, completed_on, hours, provider, topic, recorded_by)
                    SELECT p.id, '2026-01-01', 18, 'Forum', 'Update', p.user_id FROM practitioners p`);
    await db.query(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count, required_skills)
       SELECT d::date, v.label, (d::date + v.st) AT TIME ZONE 'Europe/London', (d::date + v.st + v.len) AT TIME ZONE 'Europe/London', v.n, v.skills
         FROM generate_series($1::date, $2::date - 1, interval '1 day') d,
              (VALUES ('Early', time '08:00', interval '8 hours', 3, '{senior}'::text[]), ('Late', time '14:00', interval '8 hours', 2, '{}'::text[]),
                      ('Night', time '22:00', interval '10 hours', 1, '{senior}'::text[])) v(label, st, len, n, skills)`,
      [FROM.slice(0, 10), TO.slice(0, 10)],
    );
    const [{ id: referrerId }] = (
      await db.query(`INSERT INTO users (email, display_name, roles) VALUES ('gp@bench.local', 'GP', ARRAY['referrer']) RETURNING id`)
    ).rows;
    const [{ id: managerId }] = (
      await db.query(
        `INSERT INTO users (email, display_name, roles) VALUES ('manager@bench.local', 'Manager', ARRAY['manager']) RETURNING id`,
      )
    ).rows;
    await db.query('ANALYZE');
    await db.end();
    seeding = undefined;
    const tokens = app.get(TokenService);
    const referrer = `Bearer ${(await tokens.issueAccessToken(referrerId, ['referrer'])).token}`;
    const manager = `Bearer ${(await tokens.issueAccessToken(managerId, ['manager'])).token}`;
    const span = Date.parse(TO) - Date.parse(FROM);
    const paths = Array.from(
      { length: 500 },
      (_, i) => `/rota/on-duty?at=${new Date(Date.parse(FROM) + ((i * 7919) % 500) * (span / 500)).toISOString()}`,
    );
    const target = { url: base, paths, headers: { authorization: referrer }, rate: RATE, seconds: SECONDS, warmup: 2 };
    /**
     * @param {string} method
     * @param {string} p
     * @param {object} [body]
     * @param {Record<string, string>} [headers]
     */
    const ask = (method, p, body, headers = {}) =>
      fetch(base + p, {
        method,
        headers: { authorization: manager, 'content-type': 'application/json', ...headers },
        body: body && JSON.stringify(body),
      });

    // This process's own client (fetch, for the manager's requests below) is loaded now: its first use compiles it on
    // the app's thread, which in phase 2 delayed the answers due as the plan was asked for (a bench artefact).
    await (await fetch(`${base}/health/live`)).text();
    const rows = [];
    process.stderr.write(`phase 1: idle, ${RATE}/s for ${SECONDS} s\n`);
    const idle = await peakRss(() => load(target));
    rows.push({ ...summary('idle (baseline)', idle.result), peak: idle.peakMiB, loop: idle.loopMaxMs });

    process.stderr.write('phase 2: a plan in the worker thread\n');
    const worker = await peakRss(async () => {
      // The load runs its warm-up first (its connections opened, as in phase 1), and the plan is asked for as the
      // first counted request is due: so the phase measures the API while a plan starts and runs, not the load
      // generator's own start (which, with no warm-up, put a dozen 20-50 ms answers in the first 70 ms).
      /** @type {() => void} */
      let measuring = () => {};
      const counted = new Promise((resolve) => (measuring = () => resolve(undefined)));
      const running = load({ ...target, warmup: 1 }, measuring);
      await counted;
      const t0 = Date.now();
      const started = await ask('POST', '/rota/plans', { from: FROM, to: TO }, { prefer: 'respond-async' });
      if (started.status !== 202) throw new Error(`POST /rota/plans answered ${started.status}: ${await started.text()}`);
      /** @type {import('../src/rota/dto/planner.dto').PlanRunDto} */
      const run = /** @type {any} */ (await started.json());
      const refused = [];
      for (let i = 0; i < 2; i++) refused.push((await ask('POST', '/rota/plans', { from: FROM, to: TO })).status);
      /** @type {import('../src/rota/dto/planner.dto').PlanRunDto} */
      let status = run;
      while (status.status === 'running') {
        await new Promise((r) => setTimeout(r, 100));
        status = /** @type {any} */ (await (await ask('GET', run.statusUrl)).json());
      }
      const planSeconds = (Date.now() - t0) / 1000;
      /** @type {{ assignments: unknown[] } | null} */
      const planned = status.plan ? /** @type {any} */ (await (await ask('GET', status.plan)).json()) : null;
      return { load: await running, planSeconds, status: status.status, refused, assignments: planned?.assignments.length ?? 0 };
    });
    const w = worker.result;
    // When the slow answers came: each request's time after the plan was asked for (the counted requests are due at
    // a fixed rate from then), for the twenty slowest.
    const slowest = Array.from(w.load.latencies.keys())
      .sort((a, b) => w.load.latencies[b] - w.load.latencies[a])
      .slice(0, 20)
      .sort((a, b) => a - b)
      .map((i) => `${Math.round((i * 1000) / RATE)} ms: ${w.load.latencies[i].toFixed(1)}`);
    rows.push({
      ...summary(
        'plan in the worker thread (now)',
        w.load,
        `plan ${w.status} in ${w.planSeconds.toFixed(1)} s, ${w.assignments} assignments; concurrent plans answered ${w.refused.join(', ')}`,
      ),
      peak: worker.peakMiB,
      loop: worker.loopMaxMs,
    });

    if (OLD) {
      process.stderr.write('phase 3: the old way (facts and model on the API thread)\n');
      const old = await peakRss(async () => {
        const running = load({ ...target, warmup: 0 });
        await new Promise((r) => setTimeout(r, 200));
        const t0 = Date.now();
        const planner = nest.get(PlannerService);
        /** @type {import('../src/rota/plan-facts').PlanInputs} */
        const inputs = await nest.get(Db).snapshot((m) => /** @type {any} */ (planner)['loadInputs'](m, new Date(FROM), new Date(TO)));
        const solver = oldWorkerSolver();
        const result = await plan(buildPlanFacts(inputs), solver.solve, { timeLimitSeconds: 7 });
        await solver.stop();
        return { load: await running, planSeconds: (Date.now() - t0) / 1000, assignments: result.assignments.length };
      });
      rows.push({
        ...summary(
          'plan the old way (model on the API thread)',
          old.result.load,
          `plan done in ${old.result.planSeconds.toFixed(1)} s, ${old.result.assignments} assignments`,
        ),
        peak: old.peakMiB,
        loop: old.loopMaxMs,
      });
    }

    /** @type {(s: string | number, n: number) => string} */
    const pad = (s, n) => String(s).padEnd(n);
    /** @type {(n: number) => string} */
    const f = (n) => (Number.isFinite(n) ? n.toFixed(2) : '-');
    console.log(`GET /rota/on-duty at ${RATE}/s (open loop, ${SECONDS} s a phase) while a 13-week, ${AMHPS}-AMHP plan runs`);
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (other work on the machine inflates every figure)`,
    );
    console.log(
      `${pad('phase', 46)}${pad('rps', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 10)}${pad('max ms', 10)}${pad('non-200', 9)}${pad('peak RSS', 10)}${pad('loop max', 10)}`,
    );
    for (const r of rows)
      console.log(
        `${pad(r.name, 46)}${pad(r.rps.toFixed(0), 9)}${pad(f(r.p50), 9)}${pad(f(r.p99), 10)}${pad(f(r.max), 10)}${pad(r.bad, 9)}${pad(`${r.peak.toFixed(0)} MiB`, 10)}${pad(`${r.loop.toFixed(0)} ms`, 10)}${r.extra}`,
      );
    const now = rows[1];
    console.log(
      `p99 while planning vs idle: ${(now.p99 / rows[0].p99).toFixed(2)}x; ${rows[2] ? `the old way: ${(rows[2].p99 / rows[0].p99).toFixed(2)}x` : ''}`,
    );
    console.log(`the 20 slowest while planning, by when they were due after the plan was asked for: ${slowest.join(', ')}`);
    console.log(
      `target p99 < 20 ms while a plan runs: ${now.p99 < 20 ? 'MET' : 'NOT MET'}; concurrent plans refused: ${w.refused.every((s) => s === 409) ? 'yes' : 'NO'}`,
    );
    const results = path.join(__dirname, 'results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(
      path.join(results, 'planner-api.json'),
      JSON.stringify({ date: new Date().toISOString(), loadAvg: os.loadavg(), rows }, null, 2),
    );
  } finally {
    // A failure while seeding leaves that connection open: closed first, or the server's shutdown would end it with
    // an error that hides the failure.
    await seeding?.end().catch(() => undefined);
    await app?.close();
    await server.stop();
  }
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
