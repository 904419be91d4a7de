'use strict';
/**
 * amhp-hub benchmark: performance targets P1, P2 and P4 (bench/README.md), as ratios of the app (the real createApp, full middleware stack)
 * to raw node:http + pg baselines started in this same process launch. See bench/README.md.
 *
 *   npm run bench            (builds, then runs this file against dist/)
 *
 * Environment knobs (all optional):
 *   BENCH_CONNECTIONS=20     concurrent keep-alive connections (autocannon), pipelining 1
 *   BENCH_SECONDS=8          measured seconds per route, split in BENCH_SLICES=4 slices run baseline, app, app,
 *                            baseline, baseline, app, app, baseline
 *   BENCH_WARMUP=2           warm-up seconds before the first slice of each route (discarded)
 *   BENCH_LOGGING=1          also compare LOG_LEVEL=info with silent (two extra app processes); 0 skips it
 *   BENCH_ONLY=P1,P2         run only these pairs (P1, P2, P2-audited, P4)
 *   BENCH_STRICT=1           exit 1 when a target is missed (by default only non-2xx responses or errors fail)
 *   BENCH_HISTORY=20000      people already recorded, each with a closed referral, before P4 (a hub's past)
 *   BENCH_REFERRERS=40       referrer accounts P4's referrals come from, in turn (1: all from one account)
 *   BENCH_WAIT_QUIET=20      seconds to wait, at most, for other processes to leave the CPU before measuring
 *   BENCH_CPU_PROFILE=1      profile the app's thread during each measured app slice (bench/lib/profile.js), to
 *                            bench/results/<pair>-app-slice<N>.cpuprofile; BENCH_HEAP_PROFILE=1 the same for the heap
 */
require('reflect-metadata');
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

// The built app (npm run build); typed from its sources.
const DIST = path.resolve(__dirname, '../dist/src');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(`${DIST}/config/app-config.js`);
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, freeLocalPort, embeddedTempDir } = require(`${DIST}/database/embedded-postgres.js`);
/** @type {typeof import('../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(`${DIST}/database/migrations.js`);
/** @type {typeof import('../src/bootstrap')} */
const { createApp } = require(`${DIST}/bootstrap.js`);
/** @type {typeof import('../src/auth/token.service')} */
const { TokenService } = require(`${DIST}/auth/token.service.js`);
/** @type {typeof import('../src/auth/password')} */
const { hashPassword } = require(`${DIST}/auth/password.js`);
const { DataSource } = require('typeorm');
const { startBaselines } = require('./lib/baseline');
const { loadGenerator } = require('./lib/load-generator');
const { merge, round } = require('./lib/stats');
const cpu = require('./lib/cpu');
const pgStatements = require('./lib/pg-statements');
const { startProfile } = require('./lib/profile');
const { s136Referral } = require('./lib/referral');
const { Client } = require('pg');

/** @typedef {import('./lib/load-worker').LoadRequest} LoadRequest */
/** @typedef {import('./lib/load-worker').LoadResult} LoadResult */
/** @typedef {import('./lib/load-generator').LoadGenerator} LoadGenerator */
/** @typedef {import('./lib/stats').Slice} Slice */
/** @typedef {import('./lib/stats').Merged} Merged */
/** @typedef {import('./lib/app-child').ChildMessage} ChildMessage */

/**
 * A route to load: where, which paths in turn, with which headers; `cpu` says whose CPU is the server's.
 * @typedef {object} Target
 * @property {string} label
 * @property {string} route as the table shows it
 * @property {string} url
 * @property {string[]} paths
 * @property {Record<string, string>} [headers]
 * @property {'GET' | 'POST'} [method]
 * @property {string[]} [bodies] JSON bodies sent in turn (a POST)
 * @property {string[]} [authorizations] Authorization headers sent in turn with the bodies (load-worker.js)
 * @property {import('./lib/cpu').CpuOptions} [cpu]
 */

/** @typedef {'hello' | 'live' | 'pk' | 'users' | 'audited' | 'auditEvents' | 'insert' | 'createReferral'} TargetName */

/**
 * A sanity-check answer: a user (GET /users/:id and its baseline) or a page of audit events.
 * @typedef {{ id?: unknown, email?: unknown, items?: unknown[] }} Sample
 */

/**
 * App over baseline: rps as a fraction, p50 and p99 as multiples; `cpu`: the CPU-bound rps ratio (Linux only).
 * @typedef {{ rps: number, p50: number, p99: number, cpu?: number }} Ratio
 */

/** @typedef {Merged & { route: string }} Side */

/**
 * @typedef {object} PairResult
 * @property {string} id
 * @property {string} title
 * @property {Side} baseline
 * @property {Side} app
 * @property {Ratio} ratio
 */

/** @typedef {{ id: string, met: boolean, text: string }} Verdict */

/**
 * @typedef {object} LoggingResult
 * @property {Array<{ route: string, silent: Merged, info: Merged, ratio: Ratio }>} routes
 * @property {{ lines: number, bytes: number, requests: number, requestLogging: boolean }} infoLog
 * @property {{ lines: number, bytes: number }} silentLog
 */

/**
 * Everything bench/results/latest.json holds.
 * @typedef {object} Results
 * @property {string} date
 * @property {{ cpus: number, cpuModel: string, memoryGb: number, node: string, platform: string, postgres: string,
 *   foreignCpuBefore?: number | null, loadAvgBefore?: number[] }} machine
 * @property {{ connections: number, pipelining: number, warmup: number, seconds: number, slices: number, users: number,
 *   dbPoolMax: number, logLevel: string }} options
 * @property {PairResult[]} pairs
 * @property {Verdict[]} verdicts
 * @property {LoggingResult | null} logging
 * @property {{ app: string, baseline: string, ratio: Ratio }} [literalP2]
 * @property {number} totalSeconds
 * @property {string} [error]
 */

const env = process.env;
const OPTS = {
  connections: Number(env.BENCH_CONNECTIONS || 20),
  seconds: Number(env.BENCH_SECONDS || 8),
  warmup: Number(env.BENCH_WARMUP || 2),
  slices: Number(env.BENCH_SLICES || 4),
  history: Number(env.BENCH_HISTORY ?? 20000),
  referrers: Math.max(1, Number(env.BENCH_REFERRERS ?? 40)),
  users: 200,
  logging: env.BENCH_LOGGING !== '0',
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : null,
  strict: env.BENCH_STRICT === '1',
  waitQuiet: Number(env.BENCH_WAIT_QUIET ?? 20),
};
const JWT_SECRET = 'x'.repeat(48);
const RESULTS = path.join(__dirname, 'results', 'latest.json');
const started = Date.now();

/** @param {string} msg */
const progress = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

class BenchFailure extends Error {}

/**
 * One request on a fresh connection (no keep-alive agent left behind to hold the process open): a GET, or a POST of
 * a JSON body.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @param {string} [body] POSTed as application/json when given
 * @returns {Promise<{ status: number | undefined, headers: http.IncomingHttpHeaders, body: string, json: unknown }>}
 */
function get(url, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const options = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } };
    const req = http.request(url, { ...options, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (/** @type {string} */ c) => (text += c));
      res.on('end', () => {
        /** @type {unknown} */
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * P4's request bodies: s.136 referrals from the police, each of a different person (no NHS number, so each is a new
 * person: names and date of birth differ), as a referrer sends them.
 * @param {number} n
 * @returns {string[]}
 */
function referralBodies(n) {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify(
      s136Referral({
        givenName: `Bench${i}`,
        familyName: `Person${i}`,
        dateOfBirth: new Date(Date.UTC(1950, 0, 1) + (i % 20000) * 86400000).toISOString().slice(0, 10),
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------- load runs

/**
 * What the load generator is asked to send for `target`.
 * @param {Target} target
 * @param {number} seconds
 * @returns {LoadRequest}
 */
function loadRequest(target, seconds) {
  return {
    url: target.url,
    paths: target.paths,
    headers: target.headers ?? {},
    connections: OPTS.connections,
    seconds,
    method: target.method ?? 'GET',
    bodies: target.bodies,
    authorizations: target.authorizations,
  };
}

/**
 * One load run, with the CPU it cost; a non-2xx answer, a connection error or a timeout fails the bench.
 * @param {LoadGenerator} load
 * @param {Target} target
 * @param {number} seconds
 * @param {string} phase
 * @returns {Promise<Slice>}
 */
async function runChecked(load, target, seconds, phase) {
  const loadTid = await load.tid;
  const before = cpu.snapshot(loadTid);
  const counted = await load.run(loadRequest(target, seconds));
  const used = cpu.diff(before, cpu.snapshot(loadTid), target.cpu);
  /** @type {Slice} */
  const r = {
    ...counted,
    foreignCpu: used ? used.foreign : null,
    serverUs: used ? used.serverUs : null,
    postgresUs: used ? used.postgresUs : null,
  };
  if (r.non2xx || r.errors || r.timeouts) {
    const sample = await get(target.url + target.paths[0], target.headers, target.bodies?.[0]).catch((e) => ({
      status: 'error',
      body: String(e),
    }));
    throw new BenchFailure(
      `${target.label} (${phase}): ${r.non2xx} non-2xx responses, ${r.errors} connection errors, ${r.timeouts} timeouts ` +
        `(status counts ${JSON.stringify(r.statuses)}). A sample request now answers ${sample.status}: ${String(sample.body).slice(0, 300)}`,
    );
  }
  return r;
}

/**
 * Measures a baseline and an app route fairly: each gets a warm-up, then OPTS.slices slices in the order
 * baseline, app, app, baseline, baseline, app... (ABBA repeated), so a drift during the run (audit table growth,
 * checkpoints) or a burst of other work on the machine weighs on both sides alike.
 * @param {LoadGenerator} load
 * @param {string | null} id the pair's id (P1, P4...), naming its profiles; null when the app is not on this thread
 * @param {Target} base
 * @param {Target} app
 * @returns {Promise<{ base: Merged, app: Merged, served: { base: number, app: number } }>}
 */
async function measurePair(load, id, base, app) {
  const slice = OPTS.seconds / OPTS.slices;
  /** @type {{ base: Slice[], app: Slice[] }} */
  const slices = { base: [], app: [] };
  const served = { base: 0, app: 0 }; // every response, warm-ups included
  /** @type {Array<'base' | 'app'>} */
  const order = [];
  const abba = /** @type {const} */ ([
    ['base', 'app'],
    ['app', 'base'],
  ]);
  for (let i = 0; i < OPTS.slices; i++) order.push(...abba[i % 2]);
  const warmed = new Set();
  for (const side of order) {
    const target = side === 'base' ? base : app;
    if (!warmed.has(side)) {
      progress(`  warm-up ${target.label} (${OPTS.warmup}s)`);
      served[side] += (await runChecked(load, target, OPTS.warmup, 'warm-up')).ok;
      warmed.add(side);
    }
    const profiler = side === 'app' && id ? await startProfile() : undefined;
    const r = await runChecked(load, target, slice, `slice ${slices[side].length + 1}`);
    await profiler?.stop(`${id}-app-slice${slices.app.length + 1}`);
    served[side] += r.ok;
    const costs =
      r.serverUs === null || r.postgresUs === null
        ? ''
        : `, ${fmt(r.serverUs / r.ok, 0)} us node + ${fmt(r.postgresUs / r.ok, 0)} us postgres CPU per request`;
    const foreign = r.foreignCpu === null ? '' : `; other processes used ${pct(r.foreignCpu)} of the machine`;
    progress(`  ${target.label}: ${round(r.ok / r.elapsed, 0)} rps${costs}${foreign}`);
    slices[side].push(r);
  }
  return { base: merge(slices.base), app: merge(slices.app), served };
}

/**
 * @param {Merged} base
 * @param {Merged} app
 * @returns {Ratio}
 */
function compare(base, app) {
  /** @type {Ratio} */
  const r = { rps: round(app.rps / base.rps, 3), p50: round(app.p50 / base.p50, 2), p99: round(app.p99 / base.p99, 2) };
  if (base.cpuUs && app.cpuUs) {
    // Throughput if CPU were the only limit, as a ratio: baseline CPU per request over app CPU per request.
    r.cpu = round(base.cpuUs.total / app.cpuUs.total, 3);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------- logging

/**
 * Starts a copy of the app in its own process with the given log level; its stdout (pino's output) goes to a file.
 * @param {string} url the database
 * @param {string} level
 * @param {string} logFile
 */
async function startChildApp(url, level, logFile) {
  const out = fs.openSync(logFile, 'w');
  const child = fork(path.join(__dirname, 'lib', 'app-child.js'), [], {
    stdio: ['ignore', out, 'inherit', 'ipc'],
    env: { ...env, BENCH_JWT_SECRET: JWT_SECRET, BENCH_DATABASE_URL: url, BENCH_LOG_LEVEL: level },
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    child.once('message', (/** @type {ChildMessage} */ m) =>
      'port' in m ? resolve(m.port) : reject(new Error(`child app (${level}) failed: ${m.error}`)),
    );
    child.once('exit', (code) => reject(new Error(`child app (${level}) exited with ${code} before listening`)));
  });
  if (child.pid === undefined) throw new Error(`child app (${level}) has no pid`); // it answered, so it runs
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    logFile,
    async stop() {
      if (child.connected) child.send({ stop: true });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * @param {string} file
 * @returns {{ bytes: number, lines: number }}
 */
function logFileStats(file) {
  const buf = fs.readFileSync(file);
  let lines = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
  return { bytes: buf.length, lines };
}

// ---------------------------------------------------------------------------------------------------- output

/**
 * @param {number | undefined} x
 * @param {number} [d] decimals
 */
const fmt = (x, d = 1) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : '-');
/** @param {number} x */
const pct = (x) => `${(x * 100).toFixed(1)}%`;

/**
 * @param {Results} results
 * @returns {string}
 */
function table(results) {
  /** @type {string[]} */
  const lines = [];
  const m = results.machine;
  lines.push('');
  lines.push(`amhp-hub bench  ${results.date}  ${m.cpus} CPU (${m.cpuModel}), node ${m.node}, ${m.postgres}`);
  lines.push(
    `autocannon: ${results.options.connections} connections, pipelining 1, ${results.options.warmup}s warm-up, ` +
      `${results.options.seconds}s measured per route in ${results.options.slices} slices (ABBA order); latencies in ms`,
  );
  lines.push('');
  const head = ['pair', 'side', 'route', 'rps', 'p50', 'p99', 'node us/req', 'pg us/req', 'requests'];
  const rows = [head];
  /**
   * @param {string} id
   * @param {string} name
   * @param {Side} s
   */
  const side = (id, name, s) => [
    id,
    name,
    s.route,
    fmt(s.rps),
    fmt(s.p50, 2),
    fmt(s.p99, 2),
    fmt(s.cpuUs?.node, 0),
    fmt(s.cpuUs?.postgres, 0),
    String(s.requests),
  ];
  for (const p of results.pairs) {
    rows.push(side(p.id, 'baseline', p.baseline));
    rows.push(side('', 'app', p.app));
    const cpuRatio = p.ratio.cpu ? `(CPU-bound rps ratio ${pct(p.ratio.cpu)})` : '';
    rows.push(['', 'app/base', cpuRatio, pct(p.ratio.rps), `${fmt(p.ratio.p50, 2)}x`, `${fmt(p.ratio.p99, 2)}x`, '', '', '']);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) lines.push(r.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  const foreign = results.pairs.map((p) => Math.max(p.baseline.foreignCpuMax ?? 0, p.app.foreignCpuMax ?? 0));
  if (foreign.length) {
    const worst = Math.max(...foreign);
    lines.push('');
    lines.push(
      `other processes on the machine: ${pct(results.machine.foreignCpuBefore ?? 0)} of its CPU before the run, at most ${pct(worst)} during a slice` +
        (worst > 0.1 ? '  -- WARNING: the machine was not quiet; run again when it is' : ''),
    );
  }
  lines.push('');
  lines.push('targets (bench/README.md):');
  for (const v of results.verdicts) lines.push(`  ${v.met ? 'MET    ' : 'NOT MET'}  ${v.id.padEnd(29)} ${v.text}`);
  if (results.logging) {
    const l = results.logging;
    lines.push('');
    lines.push(`logging (two more app processes, same database; stdout to a file): LOG_LEVEL=info vs silent`);
    for (const r of l.routes) {
      const silentNode = r.silent.cpuUs?.node;
      const infoNode = r.info.cpuUs?.node;
      const nodeRatio = silentNode !== undefined && infoNode !== undefined ? infoNode / silentNode : undefined;
      lines.push(
        `  ${r.route.padEnd(36)} silent ${fmt(r.silent.rps)} rps, p99 ${fmt(r.silent.p99, 2)} ms, ${fmt(r.silent.cpuUs?.node, 0)} us node/req` +
          `  |  info ${fmt(r.info.rps)} rps, p99 ${fmt(r.info.p99, 2)} ms, ${fmt(r.info.cpuUs?.node, 0)} us node/req` +
          `  |  info/silent: rps ${pct(r.ratio.rps)}, node CPU per request ${fmt(nodeRatio, 2)}x`,
      );
    }
    lines.push(
      `  info log under load: ${l.infoLog.lines} lines, ${(l.infoLog.bytes / 1e6).toFixed(1)} MB, for ${l.infoLog.requests} requests`,
    );
    if (!l.infoLog.requestLogging) {
      lines.push('  WARNING: at LOG_LEVEL=info the app wrote (almost) no request log lines: request logging is not running,');
      lines.push('  so this comparison does not measure its cost (see bench/README.md, "Findings").');
    }
  }
  lines.push('');
  lines.push(`total ${results.totalSeconds}s; figures also in bench/results/latest.json`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  /** @type {Array<() => unknown>} */
  const cleanup = [];
  /** @type {Results} */
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      postgres: '',
    },
    options: {
      connections: OPTS.connections,
      pipelining: 1,
      warmup: OPTS.warmup,
      seconds: OPTS.seconds,
      slices: OPTS.slices,
      users: OPTS.users,
      dbPoolMax: 0,
      logLevel: 'silent',
    },
    pairs: [],
    verdicts: [],
    logging: null,
    totalSeconds: 0,
  };
  try {
    // 1. Postgres, database, migrations.
    // Separate directories: as root, embedded-postgres hands the data directory to a `postgres` user, which
    // could not enter a 0700 parent of ours.
    const tmp = embeddedTempDir('amhp-bench-logs-');
    cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const pgDir = embeddedTempDir('amhp-bench-pg-');
    cleanup.push(() => fs.rmSync(pgDir, { recursive: true, force: true }));
    const pgPort = await freeLocalPort();
    progress(`starting embedded PostgreSQL on port ${pgPort} in ${pgDir}`);
    const pg = await startEmbeddedPostgres({
      dir: pgDir,
      port: pgPort,
      persistent: false,
      settings: pgStatements.settings(),
      log: pgStatements.log(),
    });
    cleanup.push(() => pg.stop());
    const url = databaseUrlWithName(pg.url, 'amhp_bench');
    const config = loadConfig(productionEnv({ JWT_SECRET, DATABASE_URL: url, LOG_LEVEL: 'silent' }));
    results.options.dbPoolMax = config.dbPoolMax;
    await ensureDatabase(url);
    const applied = await runMigrations(config, url);
    progress(`migrated amhp_bench (${applied.join(', ')})`);

    // 2. The app, exactly as `npm start` builds it.
    const app = await createApp({ config, databaseUrl: url });
    cleanup.push(async () => {
      const ds = app.get(DataSource);
      await app.close();
      // app.close() closes the pool; destroy() again is a no-op then, and a safety net if it did not.
      if (ds.isInitialized) await ds.destroy();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const appUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;

    // Seed users: one admin, one auditor, the rest AMHPs, managers and referrers.
    const userPasswordHash = await hashPassword('bench-password-not-a-secret');
    /** @type {Array<[email: string, displayName: string, roles: string[], passwordHash: string, phone: string]>} */
    const seed = [];
    for (let i = 0; i < OPTS.users; i++) {
      const roles = i === 0 ? ['admin'] : i === 1 ? ['auditor'] : [['amhp', 'manager', 'referrer'][i % 3]];
      seed.push([
        `bench.user${String(i).padStart(3, '0')}@bench.amhp-hub.local`,
        `Bench User ${i}`,
        roles,
        userPasswordHash,
        `+44 7700 9${String(i).padStart(5, '0')}`,
      ]);
    }
    const ds = app.get(DataSource);
    const values = seed.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
    /** @type {Array<{ id: string, roles: string[] }>} */
    const inserted = await ds.query(
      `INSERT INTO users (email, display_name, roles, password_hash, phone) VALUES ${values} RETURNING id, roles`,
      seed.flat(),
    );
    const adminId = inserted.find((u) => u.roles.includes('admin'))?.id;
    const referrerId = inserted.find((u) => u.roles.includes('referrer'))?.id;
    const auditorId = inserted.find((u) => u.roles.includes('auditor'))?.id;
    if (!adminId || !auditorId || !referrerId) throw new BenchFailure('seeding: the admin, the auditor or a referrer was not inserted');
    const auditor = { id: auditorId, roles: ['auditor'] };
    const userIds = inserted.map((u) => u.id);
    // A little audit history, so GET /audit-events has something to return from the first request.
    await ds.query(
      `SELECT audit_append(now(), NULL, NULL, 'bench.seed', 'bench', NULL, NULL, NULL, NULL, NULL, 'success', NULL) FROM generate_series(1, 50)`,
    );
    // A hub's past (P4): people already recorded, each with a closed referral, so intake's statements are planned and
    // run against tables of a hub's size with their statistics, not against empty tables (where the planner picks a
    // sequential scan, cached with the prepared statement for the whole run while the table grows under it).
    await ds.query(
      `INSERT INTO persons (given_name, family_name, date_of_birth, created_by)
       SELECT 'Past' || g, 'Person' || g, date '1940-01-01' + (g % 25000), $1 FROM generate_series(1, $2::int) g`,
      [referrerId, OPTS.history],
    );
    await ds.query(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, closed_at, created_by)
       SELECT 'REF-PAST-' || n, p.id, 'closed', 'gp', 'routine', now() - (n || ' hours')::interval, '{"name":"Dr Bench"}', 'A past referral',
              '{"toSelf":false,"toOthers":false,"fromOthers":false,"flags":[]}', '{"kind":"informal"}', now() - (n || ' hours')::interval + interval '3 days', $1
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
      [referrerId],
    );
    await ds.query('ANALYZE');
    /** @type {[{ server_version: string }]} */
    const [{ server_version: version }] = await ds.query('SHOW server_version');
    results.machine.postgres = `PostgreSQL ${version}`;
    const tokens = app.get(TokenService);
    const adminAuth = { authorization: `Bearer ${(await tokens.issueAccessToken(adminId, ['admin'])).token}` };
    const auditorAuth = { authorization: `Bearer ${(await tokens.issueAccessToken(auditor.id, ['auditor'])).token}` };
    const referrerAuth = { authorization: `Bearer ${(await tokens.issueAccessToken(referrerId, ['referrer'])).token}` };
    // P4's referrals come from BENCH_REFERRERS police officers' accounts in turn, as a force's referrals do: with one
    // account, every concurrent intake locks the same user row for its foreign keys (a multixact each time).
    const referrerAuths = await Promise.all(
      inserted
        .filter((u) => u.roles.includes('referrer'))
        .slice(0, OPTS.referrers)
        .map(async (u) => `Bearer ${(await tokens.issueAccessToken(u.id, ['referrer'])).token}`),
    );
    // A new person in every POST of the app's side (the load generator goes on through the bodies from one run to the
    // next, warm-up included; the sanity check takes the last): referral intake as it usually is, a person not yet
    // referred. Enough for 2,000 referrals a second (2 s warm-up + 8 s); the raw insert, faster, goes round again.
    const bodies = referralBodies(20000);
    progress(`app on ${appUrl}; seeded ${inserted.length} users`);

    // 3. Baselines in this process.
    const base = await startBaselines({ url, config, auditor });
    cleanup.push(() => base.close());

    /** @type {Record<TargetName, Target>} */
    const targets = {
      hello: { label: 'raw hello-world', route: 'node:http {"status":"ok"}', url: base.urls.hello, paths: ['/'] },
      live: { label: 'GET /health/live', route: 'GET /health/live', url: appUrl, paths: ['/health/live'] },
      pk: { label: 'raw PK lookup', route: 'node:http + pg SELECT by id', url: base.urls.pk, paths: userIds.map((id) => `/users/${id}`) },
      users: {
        label: 'GET /users/:id',
        route: 'GET /users/:id (admin)',
        url: appUrl,
        paths: userIds.map((id) => `/users/${id}`),
        headers: adminAuth,
      },
      audited: {
        label: 'raw audited read',
        route: 'node:http + pg BEGIN/read/audit_append/COMMIT',
        url: base.urls.audited,
        paths: ['/audited'],
      },
      auditEvents: {
        label: 'GET /audit-events?limit=1',
        route: 'GET /audit-events?limit=1 (auditor)',
        url: appUrl,
        paths: ['/audit-events?limit=1'],
        headers: auditorAuth,
      },
      insert: {
        label: 'raw insert',
        route: 'node:http + pg INSERT one row (committed)',
        url: base.urls.insert,
        paths: ['/referrals'],
        method: 'POST',
        bodies,
      },
      createReferral: {
        label: 'POST /referrals',
        route: 'POST /referrals (referrer, s.136)',
        url: appUrl,
        paths: ['/referrals'],
        headers: referrerAuth,
        method: 'POST',
        bodies,
        authorizations: referrerAuths,
      },
    };

    // Sanity: every target answers 200 (201 for a POST) and the app and baseline return the same record.
    /** @type {Partial<Record<TargetName, Sample>>} */
    const samples = {};
    for (const [name, t] of /** @type {Array<[TargetName, Target]>} */ (Object.entries(targets))) {
      const r = await get(
        t.url + t.paths[0],
        t.headers,
        t.method === 'POST' ? JSON.stringify({ ...JSON.parse(t.bodies?.at(-1) ?? '{}'), reason: 'sanity check' }) : undefined,
      );
      if (r.status !== (t.method === 'POST' ? 201 : 200))
        throw new BenchFailure(`sanity check: ${t.label} answered ${r.status}: ${r.body.slice(0, 300)}`);
      samples[name] = /** @type {Sample} */ (r.json);
    }
    const { users, pk, auditEvents, audited } = samples;
    if (!users || !pk || users.id !== pk.id || users.email !== pk.email) {
      throw new BenchFailure('sanity check: GET /users/:id and the PK baseline returned different users');
    }
    if (auditEvents?.items?.length !== 1 || audited?.items?.length !== 1) {
      throw new BenchFailure('sanity check: the audited reads did not return one audit event each');
    }
    const before = Number((await ds.query(`SELECT count(*) AS n FROM audit_events WHERE action = 'audit.search'`))[0].n);
    if (before !== 2) throw new BenchFailure(`sanity check: expected 2 audit.search events (one per audited read), found ${before}`);

    // 4. Measure. First: is something else busy on this machine? Wait up to BENCH_WAIT_QUIET seconds for 3 quiet
    // seconds in a row (other processes under 10% of the machine), then go ahead either way.
    const quietDeadline = Date.now() + OPTS.waitQuiet * 1000;
    /** @type {number | null} */
    let foreignBefore = null;
    for (let quiet = 0; quiet < 3;) {
      const a = cpu.snapshot();
      await new Promise((r) => setTimeout(r, 1000));
      foreignBefore = cpu.diff(a, cpu.snapshot())?.foreign ?? null;
      if (foreignBefore === null) break;
      quiet = foreignBefore < 0.1 ? quiet + 1 : 0;
      if (quiet === 0 && Date.now() > quietDeadline) break;
      if (quiet === 0) progress(`waiting for a quiet machine: other processes use ${pct(foreignBefore)} of it`);
    }
    results.machine.foreignCpuBefore = foreignBefore;
    results.machine.loadAvgBefore = os.loadavg().map((x) => round(x, 2));
    if (foreignBefore !== null && foreignBefore > 0.1) {
      progress(`WARNING: other processes use ${pct(foreignBefore)} of the machine; figures will be noisy`);
    }
    const load = loadGenerator();
    cleanup.push(() => load.terminate());
    /** @type {Array<{ id: string, title: string, base: TargetName, app: TargetName }>} */
    const allPairs = [
      { id: 'P1', title: 'liveness through the full stack vs raw hello-world', base: 'hello', app: 'live' },
      { id: 'P2', title: 'authorised single-record read (not audited: users are not person records)', base: 'pk', app: 'users' },
      {
        id: 'P2-audited',
        title: 'authorised audited read vs raw read + audit_append in one transaction',
        base: 'audited',
        app: 'auditEvents',
      },
      {
        id: 'P4',
        title:
          'referral creation (person, referral, clocks, timeline, audit, outbox, relationship: one transaction) vs a raw committed insert',
        base: 'insert',
        app: 'createReferral',
      },
    ];
    const pairs = allPairs.filter((p) => !OPTS.only || OPTS.only.includes(p.id));
    const stats = new Client({ connectionString: url });
    await stats.connect();
    cleanup.push(() => stats.end());
    await pgStatements.install(stats);
    for (const p of pairs) {
      progress(`${p.id}: ${targets[p.app].label} vs ${targets[p.base].label}`);
      await pgStatements.reset(stats);
      const m = await measurePair(load, p.id, targets[p.base], targets[p.app]);
      await pgStatements.report(stats, `${p.id} (both sides; calls a request of the app)`, m.served.app);
      results.pairs.push({
        id: p.id,
        title: p.title,
        baseline: { route: targets[p.base].route, ...m.base },
        app: { route: targets[p.app].route, ...m.app },
        ratio: compare(m.base, m.app),
      });
    }

    // Verdicts.
    /** @param {string} id */
    const pair = (id) => results.pairs.find((p) => p.id === id);
    const p1 = pair('P1');
    if (p1) {
      results.verdicts.push({
        id: 'P1',
        met: p1.ratio.rps >= 0.55,
        text: `/health/live rps ${pct(p1.ratio.rps)} of hello-world (target >= 55%)`,
      });
    }
    const p2 = pair('P2');
    if (p2) {
      results.verdicts.push({
        id: 'P2 (GET /users/:id)',
        met: p2.ratio.rps >= 0.35 && p2.ratio.p99 <= 4,
        text: `rps ${pct(p2.ratio.rps)} of PK lookup (>= 35%), p99 ${fmt(p2.ratio.p99, 2)}x (<= 4x)`,
      });
    }
    const p2a = pair('P2-audited');
    if (p2a) {
      results.verdicts.push({
        id: 'P2 (audited, like-for-like)',
        met: p2a.ratio.rps >= 0.35 && p2a.ratio.p99 <= 4,
        text: `GET /audit-events?limit=1 rps ${pct(p2a.ratio.rps)} of the raw audited read (>= 35%), p99 ${fmt(p2a.ratio.p99, 2)}x (<= 4x)`,
      });
    }
    const p4 = pair('P4');
    if (p4) {
      results.verdicts.push({
        id: 'P4 (POST /referrals)',
        met: p4.ratio.rps >= 0.2,
        text: `rps ${pct(p4.ratio.rps)} of a raw committed insert (target >= 20%); p99 ${fmt(p4.app.p99, 1)} ms (raw ${fmt(p4.baseline.p99, 1)} ms, ${fmt(p4.ratio.p99, 2)}x)`,
      });
    }
    if (p2a && p2) {
      // P2's literal wording: the audited read against a raw primary-key lookup (no audit write in the baseline).
      const r = compare(p2.baseline, p2a.app);
      results.literalP2 = { app: p2a.app.route, baseline: p2.baseline.route, ratio: r };
      results.verdicts.push({
        id: 'P2 (audited vs raw PK)',
        met: r.rps >= 0.35 && r.p99 <= 4,
        text: `GET /audit-events?limit=1 rps ${pct(r.rps)} of the raw PK lookup (>= 35%), p99 ${fmt(r.p99, 2)}x (<= 4x)`,
      });
    }

    // 5. Logging: LOG_LEVEL=info against silent, each in a process of its own (ABBA again).
    if (OPTS.logging && (!OPTS.only || OPTS.only.includes('logging'))) {
      progress('logging: starting two more app processes (LOG_LEVEL=silent and info)');
      const silent = await startChildApp(url, 'silent', path.join(tmp, 'silent.log'));
      cleanup.push(() => silent.stop());
      const info = await startChildApp(url, 'info', path.join(tmp, 'info.log'));
      cleanup.push(() => info.stop());
      await new Promise((r) => setTimeout(r, 300));
      const startupLog = logFileStats(info.logFile);
      let infoServed = 0;
      /** @type {LoggingResult['routes']} */
      const routes = [];
      for (const key of /** @type {TargetName[]} */ (['users', 'auditEvents'])) {
        const t = targets[key];
        const m = await measurePair(
          load,
          null, // the apps are child processes, which a profile of this thread would not see
          { ...t, url: silent.url, label: `${t.label} [silent]`, cpu: { serverPid: silent.pid, otherPids: [info.pid] } },
          { ...t, url: info.url, label: `${t.label} [info]`, cpu: { serverPid: info.pid, otherPids: [silent.pid] } },
        );
        routes.push({ route: t.route, silent: m.base, info: m.app, ratio: compare(m.base, m.app) });
        infoServed += m.served.app;
      }
      const end = logFileStats(info.logFile);
      const lines = end.lines - startupLog.lines;
      // At info the app logs one line per completed request; far fewer lines means request logging is not running.
      const infoLog = { lines, bytes: end.bytes - startupLog.bytes, requests: infoServed, requestLogging: lines >= 0.5 * infoServed };
      results.logging = { routes, infoLog, silentLog: logFileStats(silent.logFile) };
    }
  } catch (err) {
    results.error = err instanceof BenchFailure ? err.message : String(err instanceof Error && err.stack ? err.stack : err);
  } finally {
    progress('closing app, baselines and PostgreSQL');
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (err) {
        progress(`cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  results.totalSeconds = round((Date.now() - started) / 1000, 1);
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');

  if (results.error) {
    console.error(`\nBENCH FAILED: ${results.error}\n`);
    process.exitCode = 1;
    return;
  }
  console.log(table(results));
  if (OPTS.strict && results.verdicts.some((v) => !v.met)) process.exitCode = 1;
}

if (!runWithAppNodeFlags())
  main().then(() => {
    // The process must end by itself; if something still holds it open, say what and stop.
    setTimeout(() => {
      console.error('bench: the process did not exit by itself; open resources:', process.getActiveResourcesInfo());
      process.exit(2);
    }, 10_000).unref();
  });
