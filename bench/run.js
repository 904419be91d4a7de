'use strict';
/**
 * amhp-hub benchmark: performance targets P1 and P2 (bench/README.md), as ratios of the app (the real createApp, full middleware stack)
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
 *   BENCH_ONLY=P1,P2         run only these pairs (P1, P2, P2-audited)
 *   BENCH_STRICT=1           exit 1 when a target is missed (by default only non-2xx responses or errors fail)
 *   BENCH_WAIT_QUIET=20      seconds to wait, at most, for other processes to leave the CPU before measuring
 */
require('reflect-metadata');
const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const DIST = path.resolve(__dirname, '../dist/src');
const { loadConfig } = require(`${DIST}/config/app-config.js`);
const { startEmbeddedPostgres, databaseUrlWithName } = require(`${DIST}/database/embedded-postgres.js`);
const { ensureDatabase, runMigrations } = require(`${DIST}/database/migrations.js`);
const { createApp } = require(`${DIST}/bootstrap.js`);
const { TokenService } = require(`${DIST}/auth/token.service.js`);
const { hashPassword } = require(`${DIST}/auth/password.js`);
const { DataSource } = require('typeorm');
const { startBaselines } = require('./lib/baseline');
const { merge, round } = require('./lib/stats');
const cpu = require('./lib/cpu');

const env = process.env;
const OPTS = {
  connections: Number(env.BENCH_CONNECTIONS || 20),
  seconds: Number(env.BENCH_SECONDS || 8),
  warmup: Number(env.BENCH_WARMUP || 2),
  slices: Number(env.BENCH_SLICES || 4),
  users: 200,
  logging: env.BENCH_LOGGING !== '0',
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : null,
  strict: env.BENCH_STRICT === '1',
  waitQuiet: Number(env.BENCH_WAIT_QUIET ?? 20),
};
const JWT_SECRET = 'x'.repeat(48);
const RESULTS = path.join(__dirname, 'results', 'latest.json');
const started = Date.now();

const progress = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

class BenchFailure extends Error {}

/** A free TCP port chosen by the OS (ephemeral range), released before Postgres binds it. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One GET on a fresh connection (no keep-alive agent left behind to hold the process open). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------- load runs

function loadGenerator() {
  const worker = new Worker(path.join(__dirname, 'lib', 'load-worker.js'));
  let pending = null;
  let ready;
  const tid = new Promise((resolve) => (ready = resolve));
  worker.on('message', (msg) => {
    if ('tid' in msg) {
      ready(msg.tid);
      return;
    }
    const p = pending;
    pending = null;
    if (msg.error) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  worker.on('error', (err) => pending?.reject(err));
  return {
    /** The worker's thread id (Linux), whose CPU time is not the server's. */
    tid,
    run(target, seconds) {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage({ url: target.url, paths: target.paths, headers: target.headers ?? {}, connections: OPTS.connections, seconds });
      });
    },
    terminate: () => worker.terminate(),
  };
}

async function runChecked(load, target, seconds, phase) {
  const loadTid = await load.tid;
  const before = cpu.snapshot(loadTid);
  const r = await load.run(target, seconds);
  const used = cpu.diff(before, cpu.snapshot(loadTid), target.cpu);
  r.foreignCpu = used ? used.foreign : null;
  r.serverUs = used ? used.serverUs : null;
  r.postgresUs = used ? used.postgresUs : null;
  if (r.non2xx || r.errors || r.timeouts) {
    const sample = await get(target.url + target.paths[0], target.headers).catch((e) => ({ status: 'error', body: String(e) }));
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
 */
async function measurePair(load, base, app) {
  const slice = OPTS.seconds / OPTS.slices;
  const slices = { base: [], app: [] };
  const served = { base: 0, app: 0 }; // every response, warm-ups included
  const order = [];
  for (let i = 0; i < OPTS.slices; i++) order.push(...(i % 2 === 0 ? ['base', 'app'] : ['app', 'base']));
  const warmed = new Set();
  for (const side of order) {
    const target = side === 'base' ? base : app;
    if (!warmed.has(side)) {
      progress(`  warm-up ${target.label} (${OPTS.warmup}s)`);
      served[side] += (await runChecked(load, target, OPTS.warmup, 'warm-up')).ok;
      warmed.add(side);
    }
    const r = await runChecked(load, target, slice, `slice ${slices[side].length + 1}`);
    served[side] += r.ok;
    const costs =
      r.serverUs === null ? '' : `, ${fmt(r.serverUs / r.ok, 0)} us node + ${fmt(r.postgresUs / r.ok, 0)} us postgres CPU per request`;
    const foreign = r.foreignCpu === null ? '' : `; other processes used ${pct(r.foreignCpu)} of the machine`;
    progress(`  ${target.label}: ${round(r.ok / r.elapsed, 0)} rps${costs}${foreign}`);
    slices[side].push(r);
  }
  return { base: merge(slices.base), app: merge(slices.app), served };
}

function compare(base, app) {
  const r = { rps: round(app.rps / base.rps, 3), p50: round(app.p50 / base.p50, 2), p99: round(app.p99 / base.p99, 2) };
  if (base.cpuUs && app.cpuUs) {
    // Throughput if CPU were the only limit, as a ratio: baseline CPU per request over app CPU per request.
    r.cpu = round(base.cpuUs.total / app.cpuUs.total, 3);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------- logging

/** Starts a copy of the app in its own process with the given log level; its stdout (pino's output) goes to a file. */
async function startChildApp(url, level, logFile) {
  const out = fs.openSync(logFile, 'w');
  const child = fork(path.join(__dirname, 'lib', 'app-child.js'), [], {
    stdio: ['ignore', out, 'inherit', 'ipc'],
    env: { ...env, BENCH_JWT_SECRET: JWT_SECRET, BENCH_DATABASE_URL: url, BENCH_LOG_LEVEL: level },
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => (m.port ? resolve(m.port) : reject(new Error(`child app (${level}) failed: ${m.error}`))));
    child.once('exit', (code) => reject(new Error(`child app (${level}) exited with ${code} before listening`)));
  });
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

function logFileStats(file) {
  const buf = fs.readFileSync(file);
  let lines = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) lines++;
  return { bytes: buf.length, lines };
}

// ---------------------------------------------------------------------------------------------------- output

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (x) => `${(x * 100).toFixed(1)}%`;

function table(results) {
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
      lines.push(
        `  ${r.route.padEnd(36)} silent ${fmt(r.silent.rps)} rps, p99 ${fmt(r.silent.p99, 2)} ms, ${fmt(r.silent.cpuUs?.node, 0)} us node/req` +
          `  |  info ${fmt(r.info.rps)} rps, p99 ${fmt(r.info.p99, 2)} ms, ${fmt(r.info.cpuUs?.node, 0)} us node/req` +
          `  |  info/silent: rps ${pct(r.ratio.rps)}, node CPU per request ${fmt(r.info.cpuUs?.node / r.silent.cpuUs?.node, 2)}x`,
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
  const cleanup = [];
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
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amhp-bench-logs-'));
    cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amhp-bench-pg-'));
    cleanup.push(() => fs.rmSync(pgDir, { recursive: true, force: true }));
    const pgPort = await freePort();
    progress(`starting embedded PostgreSQL on port ${pgPort} in ${pgDir}`);
    const pg = await startEmbeddedPostgres({ dir: pgDir, port: pgPort, persistent: false });
    cleanup.push(() => pg.stop());
    const url = databaseUrlWithName(pg.url, 'amhp_bench');
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET, DATABASE_URL: url, LOG_LEVEL: 'silent' });
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
    const appUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;

    // Seed users: one admin, one auditor, the rest AMHPs, managers and referrers.
    const userPasswordHash = await hashPassword('bench-password-not-a-secret');
    const auditor = { roles: ['auditor'] };
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
    const inserted = await ds.query(
      `INSERT INTO users (email, display_name, roles, password_hash, phone) VALUES ${values} RETURNING id, roles`,
      seed.flat(),
    );
    const adminId = inserted.find((u) => u.roles.includes('admin')).id;
    auditor.id = inserted.find((u) => u.roles.includes('auditor')).id;
    const userIds = inserted.map((u) => u.id);
    // A little audit history, so GET /audit-events has something to return from the first request.
    await ds.query(
      `SELECT audit_append(now(), NULL, NULL, 'bench.seed', 'bench', NULL, NULL, NULL, NULL, NULL, 'success', NULL) FROM generate_series(1, 50)`,
    );
    await ds.query('ANALYZE');
    const [{ server_version: version }] = await ds.query('SHOW server_version');
    results.machine.postgres = `PostgreSQL ${version}`;
    const tokens = app.get(TokenService);
    const adminAuth = { authorization: `Bearer ${(await tokens.issueAccessToken(adminId, ['admin'])).token}` };
    const auditorAuth = { authorization: `Bearer ${(await tokens.issueAccessToken(auditor.id, ['auditor'])).token}` };
    progress(`app on ${appUrl}; seeded ${inserted.length} users`);

    // 3. Baselines in this process.
    const base = await startBaselines({ url, config, auditor });
    cleanup.push(() => base.close());

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
    };

    // Sanity: every target answers 200 and the app and baseline return the same record.
    for (const t of Object.values(targets)) {
      const r = await get(t.url + t.paths[0], t.headers);
      if (r.status !== 200) throw new BenchFailure(`sanity check: ${t.label} answered ${r.status}: ${r.body.slice(0, 300)}`);
      t.sample = r.json;
    }
    if (targets.users.sample.id !== targets.pk.sample.id || targets.users.sample.email !== targets.pk.sample.email) {
      throw new BenchFailure('sanity check: GET /users/:id and the PK baseline returned different users');
    }
    if (targets.auditEvents.sample.items?.length !== 1 || targets.audited.sample.items?.length !== 1) {
      throw new BenchFailure('sanity check: the audited reads did not return one audit event each');
    }
    const before = Number((await ds.query(`SELECT count(*) AS n FROM audit_events WHERE action = 'audit.search'`))[0].n);
    if (before !== 2) throw new BenchFailure(`sanity check: expected 2 audit.search events (one per audited read), found ${before}`);

    // 4. Measure. First: is something else busy on this machine? Wait up to BENCH_WAIT_QUIET seconds for 3 quiet
    // seconds in a row (other processes under 10% of the machine), then go ahead either way.
    const quietDeadline = Date.now() + OPTS.waitQuiet * 1000;
    for (let quiet = 0; quiet < 3;) {
      const a = cpu.snapshot();
      await new Promise((r) => setTimeout(r, 1000));
      results.machine.foreignCpuBefore = cpu.diff(a, cpu.snapshot())?.foreign ?? null;
      if (results.machine.foreignCpuBefore === null) break;
      quiet = results.machine.foreignCpuBefore < 0.1 ? quiet + 1 : 0;
      if (quiet === 0 && Date.now() > quietDeadline) break;
      if (quiet === 0) progress(`waiting for a quiet machine: other processes use ${pct(results.machine.foreignCpuBefore)} of it`);
    }
    results.machine.loadAvgBefore = os.loadavg().map((x) => round(x, 2));
    if (results.machine.foreignCpuBefore > 0.1) {
      progress(`WARNING: other processes use ${pct(results.machine.foreignCpuBefore)} of the machine; figures will be noisy`);
    }
    const load = loadGenerator();
    cleanup.push(() => load.terminate());
    const pairs = [
      { id: 'P1', title: 'liveness through the full stack vs raw hello-world', base: 'hello', app: 'live' },
      { id: 'P2', title: 'authorised single-record read (not audited: users are not person records)', base: 'pk', app: 'users' },
      {
        id: 'P2-audited',
        title: 'authorised audited read vs raw read + audit_append in one transaction',
        base: 'audited',
        app: 'auditEvents',
      },
    ].filter((p) => !OPTS.only || OPTS.only.includes(p.id));
    for (const p of pairs) {
      progress(`${p.id}: ${targets[p.app].label} vs ${targets[p.base].label}`);
      const m = await measurePair(load, targets[p.base], targets[p.app]);
      results.pairs.push({
        id: p.id,
        title: p.title,
        baseline: { route: targets[p.base].route, ...m.base },
        app: { route: targets[p.app].route, ...m.app },
        ratio: compare(m.base, m.app),
      });
    }

    // Verdicts.
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
      const routes = [];
      for (const key of ['users', 'auditEvents']) {
        const t = targets[key];
        const m = await measurePair(
          load,
          { ...t, url: silent.url, label: `${t.label} [silent]`, cpu: { serverPid: silent.pid, otherPids: [info.pid] } },
          { ...t, url: info.url, label: `${t.label} [info]`, cpu: { serverPid: info.pid, otherPids: [silent.pid] } },
        );
        routes.push({ route: t.route, silent: m.base, info: m.app, ratio: compare(m.base, m.app) });
        infoServed += m.served.app;
      }
      const end = logFileStats(info.logFile);
      const infoLog = { lines: end.lines - startupLog.lines, bytes: end.bytes - startupLog.bytes, requests: infoServed };
      // At info the app logs one line per completed request; far fewer lines means request logging is not running.
      infoLog.requestLogging = infoLog.lines >= 0.5 * infoServed;
      results.logging = { routes, infoLog, silentLog: logFileStats(silent.logFile) };
    }
  } catch (err) {
    results.error = err instanceof BenchFailure ? err.message : String(err && err.stack ? err.stack : err);
  } finally {
    progress('closing app, baselines and PostgreSQL');
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (err) {
        progress(`cleanup: ${err && err.message ? err.message : err}`);
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

main().then(() => {
  // The process must end by itself; if something still holds it open, say what and stop.
  setTimeout(() => {
    console.error(
      'bench: the process did not exit by itself; open handles:',
      process._getActiveHandles().map((h) => h.constructor.name),
    );
    process.exit(2);
  }, 10_000).unref();
});
