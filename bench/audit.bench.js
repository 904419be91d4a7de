'use strict';
/**
 * Audit verification at scale: BENCH_EVENTS (20,000,000) audit events over ten years, chained in eight lanes exactly
 * as `audit_append` chains them (the hashes computed here, the rows loaded by COPY in chunks), with the signed
 * checkpoints the checkpoint job would have written every BENCH_EVERY (1,000, the default AUDIT_CHECKPOINT_EVERY) events of each lane, except for the
 * last BENCH_TAIL (200,000) events, which the checkpoint job itself then checks and signs (timed). Then, over HTTP:
 *   - GET /audit-events/verify, BENCH_RUNS (5) times: the checkpoints' signatures and the chain after them;
 *   - the full re-verification (POST /audit-events/verifications, progress polled until done): every event again,
 *     which is what GET /audit-events/verify used to do on every call (the baseline of the same run).
 *
 *   npm run build && node bench/audit.bench.js          # BENCH_EVENTS=2000000 for a quicker run
 *
 * Knobs: BENCH_EVENTS, BENCH_EVERY, BENCH_TAIL, BENCH_RUNS, BENCH_FULL=0 (skip the full verification),
 * BENCH_INDEXES=0 (leave out the five secondary indexes of audit_events, dropped for the load and rebuilt after).
 */
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { createHash, randomUUID } = require('node:crypto');
const { Client } = require('pg');
const { monitorEventLoopDelay } = require('node:perf_hooks');

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
/** @type {typeof import('../src/audit/audit-chain')} */
const { GENESIS, signCheckpoint } = require(path.join(DIST, 'audit/audit-chain.js'));
/** @type {typeof import('../src/audit/audit.service')} */
const { AuditService } = require(path.join(DIST, 'audit/audit.service.js'));
/** @type {typeof import('../src/database/db')} */
const { Db } = require(path.join(DIST, 'database/db.js'));

const env = process.env;
const EVENTS = Number(env.BENCH_EVENTS ?? 20_000_000);
const EVERY = Number(env.BENCH_EVERY ?? 1000);
const TAIL = Math.min(Number(env.BENCH_TAIL ?? 200_000), EVENTS);
const RUNS = Number(env.BENCH_RUNS ?? 5);
const FULL = env.BENCH_FULL !== '0';
const INDEXES = env.BENCH_INDEXES !== '0';
const LANES = 8;
const CHUNK = 1_000_000;
const SEP = String.fromCharCode(31);
const SECONDARY = [
  ['audit_events_occurred_idx', '("occurred_at")'],
  ['audit_events_resource_idx', '("resource_type", "resource_id", "id")'],
  ['audit_events_actor_idx', '("actor_id", "id")'],
  ['audit_events_subject_idx', '("subject_person_id", "id")'],
  ['audit_events_lane_idx', '("lane", "id")'],
];

/** @param {string} s */
const log = (s) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

/**
 * A seeded PRNG (mulberry32).
 * @param {number} seed
 * @returns {() => number}
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const dir = embeddedTempDir('amhp-bench-audit-');
  // COPY reads the chunk files as the database server's user: a directory it can reach.
  const files = embeddedTempDir('amhp-bench-audit-copy-');
  fs.chmodSync(files, 0o755);
  const server = await startEmbeddedPostgres({ dir, port: await freeLocalPort(), persistent: false });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig(
    productionEnv({
      JWT_SECRET: 'a'.repeat(48),
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      AUDIT_CHECKPOINT_EVERY: String(EVERY),
    }),
  );
  const key = config.auditCheckpointKey;
  /** @type {Awaited<ReturnType<typeof createApp>> | undefined} */
  let app;
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    const db = new Client({ connectionString: url });
    await db.connect();
    const [{ id: auditorId }] = (
      await db.query(
        `INSERT INTO users (email, display_name, roles) VALUES ('auditor@bench.local', 'Auditor', ARRAY['auditor']) RETURNING id`,
      )
    ).rows;
    // The load goes faster without the secondary indexes (verification reads by primary key only); rebuilt after.
    for (const [name] of SECONDARY) await db.query(`DROP INDEX ${name}`);

    // ---- the events: ten years of a hub's reads and changes, chained lane by lane ----
    const t0 = Date.now();
    const random = rng(1);
    const actors = Array.from({ length: 200 }, () => randomUUID());
    const people = Array.from({ length: 20000 }, () => randomUUID());
    const actions = [
      ['person.read', 'person', 'relationship:allocated'],
      ['referral.read', 'referral', 'relationship:allocated'],
      ['referral.list', 'referral', 'relationship:duty'],
      ['assessment.read', 'assessment', 'relationship:allocated'],
      ['rota.assign', 'shift', null],
    ];
    const prev = Array.from({ length: LANES }, () => GENESIS);
    const counts = Array.from({ length: LANES }, () => 0);
    /** @type {Array<number | null>} */
    const lastId = Array.from({ length: LANES }, () => null);
    /** @type {Array<string | null>} */
    const lastCheckpoint = Array.from({ length: LANES }, () => null);
    /** @type {Array<import('../src/audit/audit-chain').Checkpoint & { signature: string }>} */
    const checkpoints = [];
    const start = Date.parse('2016-04-01T00:00:00Z');
    const step = (10 * 365.25 * 86400 * 1000) / EVENTS;
    const signedUpTo = EVENTS - TAIL;
    for (let from = 1; from <= EVENTS; from += CHUNK) {
      const to = Math.min(EVENTS, from + CHUNK - 1);
      const lines = [];
      for (let id = from; id <= to; id++) {
        const lane = Math.floor(random() * LANES);
        const at = new Date(start + Math.floor(id * step));
        const iso = `${at.toISOString().slice(0, 19)}.${String(at.getUTCMilliseconds()).padStart(3, '0')}000Z`;
        const actor = actors[Math.floor(random() * actors.length)];
        const [action, type, basis] = actions[Math.floor(random() * actions.length)];
        const subject = type === 'shift' ? '' : people[Math.floor(random() * people.length)];
        const resource = randomUUID();
        const request = `req-${id}`;
        const ip = `10.0.${(id >> 8) & 255}.${id & 255}`;
        const canonical = [
          id,
          lane,
          prev[lane],
          iso,
          actor,
          'amhp',
          action,
          type,
          resource,
          subject,
          basis ?? '',
          request,
          ip,
          'success',
          '',
        ].join(SEP);
        const hash = createHash('sha256').update(canonical, 'utf8').digest('hex');
        lines.push(
          `${id}\t${at.toISOString()}\t${actor}\tamhp\t${action}\t${type}\t${resource}\t${subject || '\\N'}\t${basis ?? '\\N'}\t${request}\t${ip}\tsuccess\t\\N\t${lane}\t${prev[lane]}\t${hash}`,
        );
        prev[lane] = hash;
        lastId[lane] = id;
        counts[lane] += 1;
        if (id <= signedUpTo && counts[lane] % EVERY === 0) {
          const c = { lane, lastId: String(id), lastHash: hash, events: counts[lane], prevId: lastCheckpoint[lane] };
          checkpoints.push({ ...c, signature: signCheckpoint(key, c) });
          lastCheckpoint[lane] = String(id);
        }
      }
      const file = path.join(files, 'chunk.tsv');
      fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o644 });
      await db.query(
        `COPY audit_events (id, occurred_at, actor_id, actor_roles, action, resource_type, resource_id, subject_person_id, access_basis, request_id, ip, outcome, details, lane, prev_hash, hash) FROM '${file}'`,
      );
      fs.unlinkSync(file);
      log(`events: ${to.toLocaleString('en-GB')} of ${EVENTS.toLocaleString('en-GB')} loaded`);
    }
    for (let lane = 0; lane < LANES; lane++)
      await db.query(`UPDATE audit_chain_heads SET last_id = $2, last_hash = $3 WHERE lane = $1`, [lane, lastId[lane], prev[lane]]);
    await db.query(`SELECT setval('audit_events_id_seq', $1)`, [EVENTS]);
    for (let i = 0; i < checkpoints.length; i += 5000) {
      const part = checkpoints.slice(i, i + 5000);
      await db.query(
        `INSERT INTO audit_checkpoints (lane, last_id, last_hash, events, prev_id, created_at, signature)
         SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::text[])`,
        [
          part.map((c) => c.lane),
          part.map((c) => c.lastId),
          part.map((c) => c.lastHash),
          part.map((c) => c.events),
          part.map((c) => c.prevId),
          part.map(() => new Date()),
          part.map((c) => c.signature),
        ],
      );
    }
    const loadSeconds = (Date.now() - t0) / 1000;
    let indexSeconds = 0;
    if (INDEXES) {
      const ti = Date.now();
      for (const [name, cols] of SECONDARY) {
        log(`rebuilding ${name}`);
        await db.query(`CREATE INDEX ${name} ON audit_events ${cols}`);
      }
      indexSeconds = (Date.now() - ti) / 1000;
    }
    await db.query('VACUUM ANALYZE audit_events');
    const [{ size }] = (await db.query(`SELECT pg_size_pretty(pg_total_relation_size('audit_events')) AS size`)).rows;
    await db.end();
    log(
      `loaded ${EVENTS} events and ${checkpoints.length} checkpoints in ${loadSeconds.toFixed(0)} s (+${indexSeconds.toFixed(0)} s of indexes); table ${size}`,
    );

    app = await createApp({ config, databaseUrl: url, schedule: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;
    const auth = `Bearer ${(await app.get(TokenService).issueAccessToken(auditorId, ['auditor'])).token}`;
    /** @typedef {import('../src/audit/dto/audit.dto').ChainVerificationDto} Verification */
    /** @typedef {import('../src/audit/dto/audit.dto').ChainVerificationRunDto} Run */
    /**
     * @param {string} p
     * @returns {Promise<any>}
     */
    const get = async (p) => (await fetch(base + p, { headers: { authorization: auth } })).json();
    /**
     * Runs `work` while a request is made every 10 ms (`GET /health/live`): how long the app's event loop was held at
     * most, and what those requests waited (p99, max), i.e. what the API's other callers felt meanwhile.
     * @template T
     * @param {() => Promise<T>} work
     * @returns {Promise<{ result: T, responsive: string }>}
     */
    const whileAnswering = async (work) => {
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      /** @type {number[]} */
      const waits = [];
      let stop = false;
      const probe = (async () => {
        while (!stop) {
          const t = performance.now();
          await (await fetch(`${base}/health/live`)).arrayBuffer();
          waits.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      try {
        const result = await work();
        return { result, responsive: '' };
      } finally {
        stop = true;
        await probe;
        loop.disable();
        waits.sort((a, b) => a - b);
        const p99 = waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.99))] ?? 0;
        lastResponsive = `event loop held at most ${(loop.max / 1e6).toFixed(1)} ms; GET /health/live every 10 ms meanwhile (${waits.length}): p99 ${p99.toFixed(1)} ms, max ${(waits.at(-1) ?? 0).toFixed(1)} ms`;
      }
    };
    let lastResponsive = '';

    // ---- the checkpoint job on the unsigned tail ----
    log(`checkpoint job on the last ${TAIL} events`);
    const tj = Date.now();
    const nest = app;
    const { result: job } = await whileAnswering(() =>
      nest.get(Db).transaction((m) => nest.get(AuditService).writeCheckpoints(m, Number.MAX_SAFE_INTEGER)),
    );
    const jobSeconds = (Date.now() - tj) / 1000;
    const jobResponsive = lastResponsive;

    // ---- GET /audit-events/verify ----
    /** @type {number[]} */
    const times = [];
    /** @type {Verification} */
    let last = /** @type {any} */ (null);
    for (let i = 0; i < RUNS; i++) {
      const t = Date.now();
      last = await get('/audit-events/verify');
      times.push(Date.now() - t);
      if (!last.valid) throw new Error(`verify says the chain is broken: ${JSON.stringify(last.breaks.slice(0, 3))}`);
    }
    times.sort((a, b) => a - b);

    // ---- the full verification ----
    let full = null;
    if (FULL) {
      log('full verification');
      const tf = Date.now();
      const { result: s } = await whileAnswering(async () => {
        const res = await fetch(`${base}/audit-events/verifications`, { method: 'POST', headers: { authorization: auth } });
        /** @type {Run} */
        let s = /** @type {Run} */ (await res.json());
        let lastLog = 0;
        while (s.status === 'running') {
          await new Promise((r) => setTimeout(r, 1000));
          s = await get(s.statusUrl);
          if (Date.now() - lastLog > 15_000) {
            lastLog = Date.now();
            log(`full verification: ${s.percent}% (${s.eventsChecked} of ${s.eventsTotal})`);
          }
        }
        return s;
      });
      full = { ...s, seconds: (Date.now() - tf) / 1000, responsive: lastResponsive };
    }

    const out = [];
    out.push(
      `audit verification on ${EVENTS.toLocaleString('en-GB')} events (${LANES} lanes, a checkpoint every ${EVERY.toLocaleString('en-GB')} events per lane; table ${size})`,
    );
    out.push(
      `machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (other work on the machine inflates every figure)`,
    );
    out.push(
      `checkpoint job, last ${TAIL.toLocaleString('en-GB')} events: ${jobSeconds.toFixed(1)} s, ${JSON.stringify(job)}; ${jobResponsive}`,
    );
    out.push(
      `GET /audit-events/verify x${RUNS}: p50 ${times[Math.floor(times.length / 2)]} ms, max ${times[times.length - 1]} ms; ${last.eventsChecked} events recomputed, ${last.checkpointsChecked} checkpoints checked, ${last.eventsCovered} covered, valid ${last.valid}`,
    );
    if (full) {
      out.push(
        `full verification (what every GET /audit-events/verify did before): ${full.seconds.toFixed(0)} s, ${full.eventsChecked} events (${Math.round(full.eventsChecked / full.seconds)}/s), ${full.checkpointsChecked} checkpoints, valid ${full.valid}; ${((full.seconds * 1000) / times[Math.floor(times.length / 2)]).toFixed(0)}x the checkpointed verify; ${full.responsive}`,
      );
    }
    out.push(`target (verify well under a second): ${times[times.length - 1] < 1000 ? 'MET' : 'NOT MET'}`);
    console.log(out.join('\n'));
    const results = path.join(__dirname, 'results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(
      path.join(results, 'audit.json'),
      JSON.stringify({ date: new Date().toISOString(), loadAvg: os.loadavg(), EVENTS, EVERY, lines: out }, null, 2),
    );
  } finally {
    await app?.close();
    await server.stop();
    fs.rmSync(files, { recursive: true, force: true });
  }
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  });
