'use strict';
/**
 * Event fan-out: two app instances (child processes, as two replicas behind a load balancer) on one database,
 * BENCH_CLIENTS (500) live event streams (GET /events, Server-Sent Events) split between them, and events raised
 * through instance A's API (POST /rota/shifts as a manager: `rota.shift.created`, which every AMHP may see) at
 * BENCH_RATE a second for BENCH_SECONDS. For each event and each client: the delivery latency, from the moment the
 * request that raised it was sent to the moment the client read its frame. Every second, each instance's resident
 * memory (VmRSS). Targets: p99 < 250 ms on both instances; memory flat over 10 minutes (BENCH_SECONDS=600).
 *
 *   npm run build && node bench/fanout.bench.js
 *
 * Knobs: BENCH_CLIENTS (500), BENCH_RATE (5 events a second), BENCH_SECONDS (30; 600 for the 10-minute run),
 * BENCH_WARMUP (5 s, not counted), BENCH_STALLED (0: clients, of the BENCH_CLIENTS, that connect and then never read
 * again, as a phone whose app went to the background; their instance must not keep their frames for ever).
 * The POST's own latency (the write that raises the event, committed) is printed beside the deliveries as the
 * baseline of the same run, and the machine's load average with it.
 */
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const http = require('node:http');
const { fork } = require('node:child_process');
const { createHmac, randomUUID } = require('node:crypto');
const { Client } = require('pg');

const DIST = path.join(__dirname, '..', 'dist');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'src/config/app-config.js'));
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, freeLocalPort, embeddedTempDir } = require(
  path.join(DIST, 'src/database/embedded-postgres.js'),
);
/** @type {typeof import('../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(path.join(DIST, 'src/database/migrations.js'));
const { percentile } = require('./lib/stats');

const env = process.env;
const CLIENTS = Number(env.BENCH_CLIENTS ?? 500);
const RATE = Number(env.BENCH_RATE ?? 5);
const SECONDS = Number(env.BENCH_SECONDS ?? 30);
const WARMUP = Number(env.BENCH_WARMUP ?? 5);
const STALLED = Number(env.BENCH_STALLED ?? 0);
/** Streams per user: the app's default EVENTS_MAX_STREAMS_PER_USER. */
const PER_USER = 5;
const JWT_SECRET = 'fanout-bench-'.padEnd(48, 'x');

/**
 * An access token as TokenService issues them (HS256, iss/aud defaults).
 * @param {string} userId
 * @param {string[]} roles
 */
function token(userId, roles) {
  /** @param {object} o */
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    roles,
    sub: userId,
    iss: 'amhp-hub',
    aud: 'amhp-hub-api',
    iat: now,
    exp: now + 3 * 3600,
    jti: randomUUID(),
  })}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}

/**
 * One app instance in a child process (bench/lib/app-child.js).
 * @param {string} url
 * @param {string} name
 * @param {string} logDir
 */
async function startInstance(url, name, logDir) {
  const out = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const child = fork(path.join(__dirname, 'lib', 'app-child.js'), [], {
    stdio: ['ignore', out, 'inherit', 'ipc'],
    env: { ...env, BENCH_JWT_SECRET: JWT_SECRET, BENCH_DATABASE_URL: url, BENCH_LOG_LEVEL: 'warn' },
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    child.once('message', (/** @type {any} */ m) => ('port' in m ? resolve(m.port) : reject(new Error(`${name} failed: ${m.error}`))));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  return {
    name,
    port,
    pid: child.pid,
    async stop() {
      if (child.connected) child.send({ stop: true });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** @param {number | undefined} pid */
function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * A live stream: parses frames, records when each `rota.shift.created` arrived (by the shift's start, which the bench
 * makes unique per event). A stalled client stops reading after it connected.
 */
/**
 * @param {number} port
 * @param {string} auth
 * @param {boolean} stalled
 * @param {(startsAt: string, at: number) => void} onFrame
 * @returns {Promise<{ close: () => void }>}
 */
function openStream(port, auth, stalled, onFrame) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/events?types=rota.*',
        agent: false,
        headers: { accept: 'text/event-stream', authorization: auth },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /events answered ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        let ready = false;
        res.on('data', (chunk) => {
          if (!ready) {
            ready = true;
            resolve({ close: () => req.destroy() });
            if (stalled) {
              res.pause();
              return;
            }
          }
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(frame);
            if (data && /^event: rota\.shift\.created$/m.test(frame)) onFrame(JSON.parse(data[1]).payload.startsAt, performance.now());
          }
        });
      },
    );
    req.on('error', reject);
  });
}

/**
 * @param {number} port
 * @param {string} auth
 * @param {string} pathname
 * @param {object} body
 * @returns {Promise<number | undefined>}
 */
function post(port, auth, pathname, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Least-squares slope of y over x (per unit of x).
 * @param {Array<[number, number]>} points
 */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den ? num / den : 0;
}

/** @type {(n: number, d?: number) => string} */
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

async function main() {
  const tmp = embeddedTempDir('amhp-bench-fanout-logs-');
  const pgDir = embeddedTempDir('amhp-bench-fanout-');
  const server = await startEmbeddedPostgres({ dir: pgDir, port: await freeLocalPort(), persistent: false });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  /** @type {Array<() => Promise<void>>} */
  const cleanup = [];
  try {
    await ensureDatabase(url);
    await runMigrations(loadConfig(productionEnv({ JWT_SECRET, DATABASE_URL: url, LOG_LEVEL: 'silent' })), url);
    const db = new Client({ connectionString: url });
    await db.connect();
    cleanup.push(() => db.end());
    const users = Math.ceil(CLIENTS / PER_USER);
    const amhps = (
      await db.query(
        `INSERT INTO users (email, display_name, roles) SELECT 'amhp' || g || '@bench.local', 'AMHP ' || g, ARRAY['amhp'] FROM generate_series(1, $1) g RETURNING id`,
        [users],
      )
    ).rows.map((r) => r.id);
    const [{ id: managerId }] = (
      await db.query(
        `INSERT INTO users (email, display_name, roles) VALUES ('manager@bench.local', 'Manager', ARRAY['manager']) RETURNING id`,
      )
    ).rows;
    const managerAuth = `Bearer ${token(managerId, ['manager'])}`;

    process.stderr.write('starting two app instances...\n');
    const a = await startInstance(url, 'A', tmp);
    cleanup.push(() => a.stop());
    const b = await startInstance(url, 'B', tmp);
    cleanup.push(() => b.stop());
    const instances = [a, b];

    /** @type {Map<string, number>} startsAt → when its request was sent */
    const sent = new Map();
    /** @type {number[][]} per instance: latencies (ms) of counted events */
    const latencies = [[], []];
    /** @type {Set<string>} */
    const counted = new Set();
    const delivered = [0, 0];
    const connections = [];
    process.stderr.write(`opening ${CLIENTS} streams (${STALLED} of them stalled)...\n`);
    for (let i = 0; i < CLIENTS; i++) {
      const which = i % 2;
      const auth = `Bearer ${token(amhps[Math.floor(i / PER_USER)], ['amhp'])}`;
      const stalled = i >= CLIENTS - STALLED;
      connections.push(
        await openStream(instances[which].port, auth, stalled, (startsAt, at) => {
          const t0 = sent.get(startsAt);
          if (t0 === undefined || !counted.has(startsAt)) return;
          latencies[which].push(at - t0);
          delivered[which] += 1;
        }),
      );
    }
    const live = [0, 1].map((w) => Array.from({ length: CLIENTS }, (_, i) => i).filter((i) => i % 2 === w && i < CLIENTS - STALLED).length);

    /** @type {Array<Array<[number, number]>>} seconds since start → RSS MiB */
    const rss = [[], []];
    const started = performance.now();
    const sampler = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      instances.forEach((inst, i) => rss[i].push([s, rssMiB(inst.pid)]));
    }, 1000);
    /** @type {number[]} */
    const postLatency = [];
    let statusProblems = 0;
    const base = Date.parse('2030-01-01T00:00:00Z');
    let n = 0;
    const total = (WARMUP + SECONDS) * RATE;
    process.stderr.write(`raising ${total} events on instance A at ${RATE}/s (${WARMUP} s warm-up, ${SECONDS} s measured)...\n`);
    await new Promise((/** @type {(v?: unknown) => void} */ resolve) => {
      const t0 = performance.now();
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE) + 1);
        while (n < due) {
          const i = n++;
          const startsAt = new Date(base + i * 3_600_000).toISOString();
          const measured = i >= WARMUP * RATE;
          if (measured) counted.add(startsAt);
          const at = performance.now();
          sent.set(startsAt, at);
          post(a.port, managerAuth, '/rota/shifts', {
            label: `Bench ${i}`,
            startsAt,
            endsAt: new Date(base + i * 3_600_000 + 1_800_000).toISOString(),
            requiredCount: 1,
          })
            .then((code) => {
              if (code !== 201) statusProblems += 1;
              if (measured) postLatency.push(performance.now() - at);
            })
            .catch(() => (statusProblems += 1));
        }
        if (n >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    // The last events' deliveries.
    const expected = counted.size;
    for (let i = 0; i < 100 && (delivered[0] < expected * live[0] || delivered[1] < expected * live[1]); i++)
      await new Promise((r) => setTimeout(r, 100));
    clearInterval(sampler);
    for (const c of connections) c.close();

    /** @type {string[]} */
    const lines = [];
    /** @param {string} s */
    const say = (s) => lines.push(s);
    say(
      `fan-out: ${CLIENTS} streams (${live[0]} + ${live[1]} reading, ${STALLED} stalled) on 2 instances, ${expected} events at ${RATE}/s over ${SECONDS} s, raised on A`,
    );
    say(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (other work on the machine inflates every figure)`,
    );
    postLatency.sort((x, y) => x - y);
    say(
      `baseline  POST /rota/shifts on A (write + commit)     p50 ${fmt(percentile(postLatency, 0.5))} ms  p99 ${fmt(percentile(postLatency, 0.99))} ms  non-201: ${statusProblems}`,
    );
    let met = true;
    instances.forEach((inst, i) => {
      const l = latencies[i].sort((x, y) => x - y);
      const missing = expected * live[i] - delivered[i];
      const p99 = percentile(l, 0.99);
      if (!(p99 < 250) || missing > 0) met = false;
      say(
        `delivery  to ${live[i]} streams on ${inst.name}${i === 0 ? ' (raised here)' : ' (other instance)'}  p50 ${fmt(percentile(l, 0.5))} ms  p99 ${fmt(p99)} ms  max ${fmt(l[l.length - 1])} ms  frames ${delivered[i]}  missing ${missing}  (p99 ${fmt(p99 / percentile(postLatency, 0.99), 2)}x the POST's)`,
      );
    });
    instances.forEach((inst, i) => {
      const after = rss[i].filter(([s]) => s >= WARMUP);
      const first = after[0]?.[1];
      const last = after[after.length - 1]?.[1];
      const max = Math.max(...after.map((p) => p[1]));
      const perMin = slope(after) * 60;
      const flat = Math.abs(last - first) < 25 && perMin < 5;
      if (!flat) met = false;
      say(
        `memory    ${inst.name}: RSS ${fmt(first)} -> ${fmt(last)} MiB after warm-up (max ${fmt(max)}), trend ${fmt(perMin, 2)} MiB/min: ${flat ? 'flat' : 'GROWING'}`,
      );
    });
    say(`target (p99 < 250 ms on both, nothing missing, memory flat): ${met ? 'MET' : 'NOT MET'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    const results = path.join(__dirname, 'results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(
      path.join(results, 'fanout.json'),
      JSON.stringify({ date: new Date().toISOString(), loadAvg: os.loadavg(), CLIENTS, RATE, SECONDS, STALLED, lines, rss }, null, 2),
    );
  } finally {
    for (const f of cleanup.reverse()) await f().catch((err) => process.stderr.write(`cleanup: ${err.message}\n`));
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
