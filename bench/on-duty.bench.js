'use strict';
/**
 * P3: "who is on duty" (the referrers' and thin client's hot read) on ten years of rota, and the duty AMHP's queue
 * (`GET /referrals?assigned=me` among 50,000 referrals), each at a fixed 500 requests a second, BENCH_RUNS (5)
 * consecutive runs: p50, p99 and max latency (target p99 < 10 ms in every run), Node and Postgres CPU per request
 * (target for Node <= 500 us), GC pauses, and the machine's other load. Run after `npm run build`:
 * `node bench/on-duty.bench.js`. BENCH_YEARS (10), BENCH_RATE (500), BENCH_SECONDS (15), BENCH_WARMUP (3),
 * BENCH_RUNS (5), BENCH_REFERRALS (50000), BENCH_ROUTES (on-duty,queue) change the knobs; BENCH_JOBS=1 runs the app's
 * scheduled jobs meanwhile, as `npm start` does (the audit checkpoint job then checks and signs each minute's audit rows); BENCH_CPU_PROFILE=1 and BENCH_HEAP_PROFILE=1 profile each run
 * (bench/lib/profile.js) to bench/results/<route>-run<N>.
 */
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');
const { Client } = require('pg');

// The built app (npm run build); typed from its sources.
const DIST = path.join(__dirname, '..', 'dist');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'src/config/app-config.js'));
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, freeLocalPort, embeddedTempDir } = require(
  path.join(DIST, 'src/database/embedded-postgres.js'),
);
/** @type {typeof import('../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(path.join(DIST, 'src/database/migrations.js'));
/** @type {typeof import('../src/bootstrap')} */
const { createApp } = require(path.join(DIST, 'src/bootstrap.js'));
/** @type {typeof import('../src/auth/token.service')} */
const { TokenService } = require(path.join(DIST, 'src/auth/token.service.js'));
/** @type {typeof import('../src/rota/shifts.service')} */
const { ShiftsService } = require(path.join(DIST, 'src/rota/shifts.service.js'));
/** @type {typeof import('../src/common/clock')} */
const { asAt } = require(path.join(DIST, 'src/common/clock.js'));
const { monitorEventLoopDelay } = require('node:perf_hooks');
const cpu = require('./lib/cpu');
const { percentile } = require('./lib/stats');
const pgStatements = require('./lib/pg-statements');
const { startProfile } = require('./lib/profile');

/** @typedef {import('./lib/open-loop').OpenLoopRequest} OpenLoopRequest */
/** @typedef {import('./lib/open-loop').OpenLoopResult} OpenLoopResult */
/** @typedef {import('./lib/open-loop').OpenLoopMessage} OpenLoopMessage */

const YEARS = Number(process.env.BENCH_YEARS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JOBS = process.env.BENCH_JOBS === '1';
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const AMHPS = 40;

/**
 * One open-loop run (warm-up, then measured) in a worker thread of its own, with what it cost this process: Node CPU
 * per request (the app's process less the load generator's thread, bench/lib/cpu.js), Postgres CPU per request, the
 * app's GC pauses and event-loop delay, and the share of the machine other processes took, all over the measured part.
 * @param {OpenLoopRequest} target
 */
async function measure(target) {
  const worker = new Worker(path.join(__dirname, 'lib', 'open-loop.js'));
  /** @type {number[]} */
  const gcs = [];
  let counting = false;
  const gcObserver = new PerformanceObserver((list) => {
    if (counting) for (const e of list.getEntries()) gcs.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  /** @type {number | null} */
  let tid = null;
  /** @type {import('./lib/cpu').Snapshot | null} */
  let before = null;
  /** @type {import('./lib/cpu').Snapshot | null} */
  let after = null;
  /** @type {OpenLoopResult} */
  const r = await new Promise((resolve, reject) => {
    worker.on('message', (/** @type {OpenLoopMessage} */ msg) => {
      if ('tid' in msg) {
        tid = msg.tid;
        worker.postMessage({ ...target, warmup: WARMUP });
      } else if ('measuring' in msg) {
        counting = true;
        loop.enable();
        before = cpu.snapshot(tid);
      } else {
        // Before the worker ends: its thread's CPU is read from /proc while it is still there.
        after = cpu.snapshot(tid);
        worker.terminate();
        if ('error' in msg) reject(new Error(msg.error));
        else resolve(msg.result);
      }
    });
    worker.on('error', reject);
  });
  const used = cpu.diff(before, after);
  loop.disable();
  counting = false;
  gcObserver.disconnect();
  const ok = r.statuses[200] ?? r.statuses[304] ?? 0;
  const sorted = Array.from(r.latencies).sort((a, b) => a - b);
  const round = (/** @type {number} */ x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    achievedRps: round(r.sent / r.elapsed, 1),
    non2xx: r.sent - ok - r.errors,
    errors: r.errors,
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(percentile(sorted, 1)),
    nodeUsPerReq: used && ok ? Math.round(used.serverUs / ok) : null,
    pgUsPerReq: used && ok ? Math.round(used.postgresUs / ok) : null,
    gcPauses: gcs.length,
    gcLongest: round(Math.max(0, ...gcs), 1),
    loopP99: round(loop.percentile(99) / 1e6),
    loopMax: round(loop.max / 1e6),
    // When the slow answers were due (the time of day, UTC, to set beside Postgres's log: BENCH_PG_SLOW_MS), for the
    // twenty slowest: a burst together is one stall; spread out, the queue waiting behind itself.
    slowest: Array.from(r.latencies.keys())
      .sort((a, b) => r.latencies[b] - r.latencies[a])
      .slice(0, 20)
      .sort((a, b) => a - b)
      .map((i) => `${new Date(r.measuredFrom + (i * 1000) / RATE).toISOString().slice(11, 23)}: ${r.latencies[i].toFixed(1)}`),
    otherProcessesPct: used ? Math.round(used.foreign * 100) : null,
    loadAvg1: round(os.loadavg()[0]),
  };
}

async function main() {
  const dir = embeddedTempDir('amhp-bench-duty-');
  const server = await startEmbeddedPostgres({
    dir,
    port: await freeLocalPort(),
    persistent: false,
    settings: pgStatements.settings(),
    log: pgStatements.log(),
  });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig(productionEnv({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: url, LOG_LEVEL: 'silent' }));
  let app;
  /** @type {Client | undefined} */
  let stats;
  /** @type {Client | undefined} */
  let seeding;
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    app = await createApp({ config, databaseUrl: url, schedule: JOBS });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;

    const db = new Client({ connectionString: url });
    seeding = db;
    await db.connect();
    const t0 = Date.now();
    // Staff: 40 AMHPs with practitioner records; one referrer asks.
    await db.query(`INSERT INTO users (email, display_name, roles, phone)
                    SELECT 'amhp' || g || '@bench.local', 'AMHP ' || g, ARRAY['amhp'], '+44 7700 900' || lpad(g::text, 3, '0') FROM generate_series(1, ${AMHPS}) g`);
    await db.query(`INSERT INTO practitioners (user_id, profession, registration_body, registration_number, skills)
                    SELECT id, 'social-worker', 'SWE', 'SW' || row_number() OVER (ORDER BY email), CASE WHEN random() < 0.4 THEN ARRAY['senior'] ELSE '{}'::text[] END FROM users`);
    const [{ id: referrerId }] = (
      await db.query(`INSERT INTO users (email, display_name, roles) VALUES ('gp@bench.local', 'GP', ARRAY['referrer']) RETURNING id`)
    ).rows;
    // A typical hub's patterns, and the shifts for YEARS years generated by the service, a year at a time.
    const patterns = [
      ['Day', '09:00', '17:00', '{1,2,3,4,5}', 3],
      ['Weekend day', '09:00', '17:00', '{6,7}', 2],
      ['Evening', '17:00', '22:00', '{1,2,3,4,5,6,7}', 2],
      ['Night', '22:00', '09:00', '{1,2,3,4,5,6,7}', 1],
    ];
    for (const [name, start, end, days, n] of patterns) {
      await db.query(
        `INSERT INTO shift_patterns (name, start_time, end_time, weekdays, required_count, valid_from) VALUES ($1, $2, $3, $4, $5, '2017-01-01')`,
        [name, start, end, days, n],
      );
    }
    const shifts = app.get(ShiftsService);
    // Each year's rota generated as at its first day: the days gone are not generated afterwards (ROTA-WORKED).
    for (let y = 2017; y < 2017 + YEARS; y++)
      await asAt({ at: new Date(`${y}-01-01T00:00:00Z`) }, () => shifts.generate(`${y}-01-01`, `${y}-12-31`));
    // Fill every place, rotating through the 40 AMHPs so nobody overlaps (the exclusion constraint would refuse it).
    await db.query(`
      WITH places AS (
        SELECT s.id, s.starts_at, s.ends_at, row_number() OVER (ORDER BY s.starts_at, s.id, g) - 1 AS n
          FROM shifts s CROSS JOIN LATERAL generate_series(1, s.required_count) g),
      staff AS (SELECT p.id, p.user_id, row_number() OVER (ORDER BY p.id) - 1 AS k FROM practitioners p)
      INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
      SELECT places.id, staff.id, staff.user_id, places.starts_at, places.ends_at, staff.user_id
        FROM places JOIN staff ON staff.k = places.n % ${AMHPS}`);
    // P3 "my queue": BENCH_REFERRALS (e.g. 50000) referrals over the years, almost all closed; BENCH_OPEN open now,
    // a third of those allocated to the AMHP on duty now whose token then asks (set BENCH_PATH to a /referrals query).
    const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 50000);
    let amhpToken;
    if (REFERRALS) {
      const open = Number(process.env.BENCH_OPEN ?? 20);
      const [{ id: amhpUser }] = (
        await db.query(`SELECT u.id FROM users u JOIN practitioners p ON p.user_id = u.id ORDER BY u.email LIMIT 1`)
      ).rows;
      await db.query(
        `INSERT INTO persons (given_name, family_name, date_of_birth, created_by)
                      SELECT 'Given' || g, 'Family' || g, date '1950-01-01' + (g % 20000), $1 FROM generate_series(1, ${REFERRALS}) g`,
        [referrerId],
      );
      await db.query(
        `
        INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, next_deadline, allocated_user_id, closed_at, created_by)
        SELECT 'REF-B-' || n, p.id,
               CASE WHEN n <= ${open} THEN (CASE WHEN n % 3 = 0 THEN 'allocated' ELSE 'accepted' END) ELSE 'closed' END,
               'gp', 'urgent', now() - (n || ' hours')::interval, '{"name":"Dr Bench"}', 'Bench referral', '{"toSelf":false,"toOthers":false,"fromOthers":false,"flags":[]}',
               '{"kind":"informal"}', CASE WHEN n <= ${open} THEN now() + (n || ' minutes')::interval END,
               CASE WHEN n <= ${open} AND n % 3 = 0 THEN $1::uuid END, CASE WHEN n > ${open} THEN now() - (n || ' hours')::interval END, $2
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
        [amhpUser, referrerId],
      );
      // The AMHP is on duty now (the derived duty relationship), and allocated a third of the open referrals.
      await db.query(
        `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from)
                      SELECT $1, person_id, 'allocated', 'referral', id::text, now() - interval '1 day' FROM referrals WHERE allocated_user_id = $1`,
        [amhpUser],
      );
      // The generated rota may already have this AMHP on a shift around now (which one depends on the time of day):
      // those places are given up, so the shift below does not overlap them.
      await db.query(
        `DELETE FROM shift_assignments WHERE user_id = $1 AND starts_at < now() + interval '10 hours' AND ends_at > now() - interval '2 hours'`,
        [amhpUser],
      );
      const shift = (
        await db.query(
          `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES (current_date, 'Bench now', now() - interval '2 hours', now() + interval '10 hours', 1) RETURNING id`,
        )
      ).rows[0].id;
      await db.query(
        `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
                      SELECT $1, p.id, p.user_id, s.starts_at, s.ends_at, p.user_id FROM practitioners p, shifts s WHERE p.user_id = $2 AND s.id = $1`,
        [shift, amhpUser],
      );
      amhpToken = (await app.get(TokenService).issueAccessToken(amhpUser, ['amhp'])).token;
      console.log(`referrals: ${REFERRALS} (${open} open), queue asked by an AMHP on duty now`);
    }
    // A hub's database as it stands between bursts: the seeding's rows vacuumed (visibility map and hint bits set) and
    // flushed, so the first measured runs are not also running autovacuum over 50,000 new referrals and a checkpoint
    // of the seeding's pages (measured: the first of five runs' p50 was 10-1,000 ms without this, later ones 3-5 ms).
    await db.query('VACUUM (ANALYZE)');
    await db.query('CHECKPOINT');
    if (process.env.BENCH_EXPLAIN) {
      const at = '2021-06-15T23:30:00Z';
      const plan = await db.query(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT s.id FROM shifts s WHERE s.starts_at > $2 AND s.starts_at <= $1 AND s.ends_at > $1`,
        [at, new Date(Date.parse(at) - 86400000)],
      );
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
      const plan2 = await db.query(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT min(starts_at) FROM shifts WHERE starts_at > $1 AND starts_at < $1::timestamptz + interval '8 days'`,
        [at],
      );
      console.log(plan2.rows.map((r) => r['QUERY PLAN']).join('\n'));
      const plan3 = await db.query(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT a.* FROM shift_assignments a WHERE a.shift_id = (SELECT id FROM shifts LIMIT 1)`,
      );
      console.log(plan3.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    const counts = (
      await db.query(`SELECT (SELECT count(*) FROM shifts)::int AS shifts, (SELECT count(*) FROM shift_assignments)::int AS assignments`)
    ).rows[0];
    await db.end();
    seeding = undefined;
    console.log(
      `data: ${YEARS} years, ${counts.shifts} shifts, ${counts.assignments} assignments (built in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );

    const referrerToken = (await app.get(TokenService).issueAccessToken(referrerId, ['referrer'])).token;
    const token = amhpToken ?? referrerToken;
    const from = Date.parse('2017-01-02T00:00:00Z');
    const span = Date.parse(`${2017 + YEARS - 1}-12-30T00:00:00Z`) - from;
    const paths = Array.from(
      { length: 500 },
      (_, i) => `/rota/on-duty?at=${new Date(from + Math.floor((((i * 7919) % 500) / 500) * span)).toISOString()}`,
    );
    const check = await fetch(base + paths[17], { headers: { authorization: `Bearer ${referrerToken}` } });
    const body = /** @type {{ onDuty?: Array<{ amhps: unknown[] }> }} */ (await check.json());
    if (check.status !== 200 || !body.onDuty?.length || !body.onDuty[0].amhps.length)
      throw new Error(`unexpected answer: ${check.status} ${JSON.stringify(body).slice(0, 200)}`);
    if (amhpToken) {
      const queue = await fetch(`${base}/referrals?assigned=me`, { headers: { authorization: `Bearer ${amhpToken}` } });
      const page = /** @type {{ items?: unknown[] }} */ (await queue.json());
      if (queue.status !== 200 || !page.items?.length)
        throw new Error(`unexpected queue: ${queue.status} ${JSON.stringify(page).slice(0, 200)}`);
      console.log(`queue: ${page.items.length} referrals a request, ${JSON.stringify(page).length} bytes of JSON`);
    }

    if (process.env.BENCH_SEQUENTIAL) {
      const times = [];
      for (let i = 0; i < 2000; i++) {
        const t = process.hrtime.bigint();
        const res = await fetch(base + paths[i % paths.length], { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const seq = times.slice(500).sort((a, b) => a - b);
      console.log(`sequential (same process): p50 ${percentile(seq, 0.5).toFixed(2)} ms, p99 ${percentile(seq, 0.99).toFixed(2)} ms`);
      for (const [name, p, auth] of [
        ['/health/live', '/health/live', false],
        ['/auth/me (auth + 1 query)', '/auth/me', true],
        ['/rota/on-duty now', '/rota/on-duty', true],
      ]) {
        const ts = [];
        for (let i = 0; i < 1500; i++) {
          const t = process.hrtime.bigint();
          const res = await fetch(base + p, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
          await res.arrayBuffer();
          ts.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        const sorted = ts.slice(500).sort((a, b) => a - b);
        console.log(`  ${name}: p50 ${percentile(sorted, 0.5).toFixed(2)} ms`);
      }
    }
    /** @type {Array<{ name: string, target: OpenLoopRequest }>} */
    const routes = [];
    if (process.env.BENCH_PATH) {
      routes.push({
        name: process.env.BENCH_PATH,
        target: { url: base, paths: [process.env.BENCH_PATH], headers: { authorization: `Bearer ${token}` }, rate: RATE, seconds: SECONDS },
      });
    } else {
      const wanted = (process.env.BENCH_ROUTES ?? 'on-duty,queue').split(',');
      if (wanted.includes('on-duty'))
        routes.push({
          name: 'GET /rota/on-duty?at=<random>',
          target: { url: base, paths, headers: { authorization: `Bearer ${referrerToken}` }, rate: RATE, seconds: SECONDS },
        });
      if (wanted.includes('queue') && amhpToken)
        routes.push({
          name: 'GET /referrals?assigned=me',
          target: {
            url: base,
            paths: ['/referrals?assigned=me'],
            headers: { authorization: `Bearer ${amhpToken}` },
            rate: RATE,
            seconds: SECONDS,
          },
        });
    }
    stats = new Client({ connectionString: url });
    await stats.connect();
    await pgStatements.install(stats);
    /** @type {Array<Record<string, unknown>>} */
    const results = [];
    for (const { name, target } of routes) {
      for (let run = 1; run <= RUNS; run++) {
        await pgStatements.reset(stats);
        const walBefore = await walPosition(stats);
        const profiler = await startProfile();
        const runStart = new Date();
        const m = await measure(target);
        const wal = await walSince(stats, walBefore);
        console.error(
          `  WAL: ${(wal.bytes / 1e6).toFixed(1)} MB (${Math.round(wal.bytes / (m.achievedRps * (SECONDS + WARMUP)))} bytes a request), from ${walBefore.file} to ${wal.file}`,
        );
        // A connection the pool opens mid-run starts with a cold backend (catalogue caches, the hot statements to
        // prepare again): the app's connections open now, and how many of them were opened during the run.
        const [pool] = (
          await stats.query(
            `SELECT count(*)::int AS open, count(*) FILTER (WHERE backend_start >= $1)::int AS opened FROM pg_stat_activity WHERE application_name = 'amhp-hub'`,
            [runStart],
          )
        ).rows;
        console.error(`  the app's database connections: ${pool.open} open, ${pool.opened} of them opened during the run`);
        if (JOBS) {
          const { rows: jobs } = await stats.query(
            `SELECT job, to_char(started_at, 'HH24:MI:SS.MS') AS at, round(extract(epoch FROM finished_at - started_at) * 1000)::int AS ms, details
               FROM job_runs WHERE started_at >= $1 ORDER BY started_at`,
            [runStart],
          );
          for (const j of jobs) console.error(`  job ${j.job} at ${j.at}: ${j.ms} ms ${JSON.stringify(j.details ?? {}).slice(0, 120)}`);
        }
        await profiler?.stop(`${(name.split(' ')[1] ?? name).replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}-run${run}`);
        // The counters include the warm-up's requests.
        await pgStatements.report(stats, `${name} run ${run}`, Math.round(m.achievedRps * (SECONDS + WARMUP)));
        const row = { route: name, run, ...m, met: m.p99 < 10 && m.non2xx === 0 && m.errors === 0 && m.achievedRps >= RATE * 0.97 };
        results.push(row);
        const mem = process.memoryUsage();
        console.error(
          `${name} run ${run}/${RUNS}: p99 ${m.p99} ms, node ${m.nodeUsPerReq} us/req, heap ${Math.round(mem.heapUsed / 2 ** 20)} MiB of ${Math.round(mem.heapTotal / 2 ** 20)}, rss ${Math.round(mem.rss / 2 ** 20)} MiB; event loop delay p99 ${m.loopP99} ms, max ${m.loopMax} ms`,
        );
        console.error(`  the 20 slowest (due at, UTC: ms): ${m.slowest.join(', ')}`);
        if (m.non2xx || m.errors) process.exitCode = 1;
      }
    }
    await stats.end();
    stats = undefined;
    console.table(
      results.map((r) => ({
        route: r.route,
        run: r.run,
        rps: r.achievedRps,
        p50: r.p50,
        p99: r.p99,
        max: r.max,
        'node us/req': r.nodeUsPerReq,
        'pg us/req': r.pgUsPerReq,
        'gc pauses': r.gcPauses,
        'gc longest': r.gcLongest,
        'other procs %': r.otherProcessesPct,
        load1: r.loadAvg1,
        met: r.met,
      })),
    );
    for (const { name } of routes) {
      const mine = results.filter((r) => r.route === name);
      const met = mine.filter((r) => r.met).length;
      const cpuMet = mine.filter((r) => typeof r.nodeUsPerReq === 'number' && r.nodeUsPerReq <= 500).length;
      console.log(
        `${met === mine.length ? 'MET    ' : 'NOT MET'}  P3 ${name}: p99 < 10 ms at ${RATE} rps in ${met} of ${mine.length} consecutive runs; ` +
          `node CPU <= 500 us a request in ${cpuMet} of ${mine.length}`,
      );
    }
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'on-duty.json'),
      JSON.stringify({ date: new Date().toISOString(), years: YEARS, ...counts, targetRps: RATE, runs: results }, null, 2),
    );
  } finally {
    // A run that failed leaves its connections open (the seeding's, the statistics'): closed first, or the server's
    // shutdown would end them with an error that hides the failure.
    await seeding?.end().catch(() => undefined);
    await stats?.end().catch(() => undefined);
    await app?.close();
    await server.stop();
  }
}

/**
 * Where the WAL is now, and in which file: every commit waits for its WAL to be flushed, so a run's WAL (warm-up
 * included) is printed beside its latencies.
 * @param {Client} db
 * @returns {Promise<{ lsn: string, file: string }>}
 */
async function walPosition(db) {
  return (await db.query(`SELECT pg_current_wal_lsn()::text AS lsn, pg_walfile_name(pg_current_wal_lsn()) AS file`)).rows[0];
}

/**
 * The WAL written since `from`, and the file it has reached.
 * @param {Client} db
 * @param {{ lsn: string }} from
 * @returns {Promise<{ bytes: number, file: string }>}
 */
async function walSince(db, from) {
  const { rows } = await db.query(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS bytes, pg_walfile_name(pg_current_wal_lsn()) AS file`,
    [from.lsn],
  );
  return rows[0];
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
