'use strict';
/**
 * Round trips to Postgres, and what they cost when the database is not on the same machine. A managed Postgres in
 * the same region is typically 0.3-2 ms away; every round trip of a request waits that long. The app reaches
 * Postgres through a TCP proxy in this process that holds every chunk BENCH_DELAY_MS (1) in each direction and
 * counts Postgres's ReadyForQuery messages (one ends every round trip). Requests are sent one at a time (a duty
 * AMHP's phone, a referrer), BENCH_REQUESTS (200) of each kind, first with the proxy passing straight through, then
 * delayed: latency p50 and p95 of each, and the round trips each request made. BENCH_TRACE=1 also prints the
 * statements one request of each kind sent; BENCH_ONLY=job-pack,assessments only the kinds named so.
 *
 * Run after `npm run build`: `node bench/round-trips.bench.js`.
 */
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const { productionEnv } = require('./lib/production-env');
const { percentile } = require('./lib/stats');
const { s136Referral } = require('./lib/referral');
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
/** @type {typeof import('../src/bootstrap')} */
const { createApp } = require(path.join(DIST, 'src/bootstrap.js'));
/** @type {typeof import('../src/auth/token.service')} */
const { TokenService } = require(path.join(DIST, 'src/auth/token.service.js'));

const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 1);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const TRACE = process.env.BENCH_TRACE === '1';
/** BENCH_ONLY=job-pack,assessments: only the kinds whose names contain one of these (the referrals are still sent first). */
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;

/**
 * A TCP proxy to `port` that holds each chunk `delay.ms` in each direction (in order) and counts the server's
 * ReadyForQuery messages.
 * @param {number} port
 */
async function startProxy(port) {
  const delay = { ms: 0 };
  const counted = { readyForQuery: 0 };
  /** The statements sent (BENCH_TRACE=1): a simple query's text, a Parse's text, a Bind's prepared statement. */
  const sent = /** @type {string[]} */ ([]);
  /** @type {Map<string, string>} */
  const texts = new Map();
  /** @param {net.Socket} to @returns {(chunk: Buffer) => void} */
  const forward = (to) => (chunk) => {
    if (delay.ms === 0) to.write(chunk);
    else setTimeout(() => to.write(chunk), delay.ms);
  };
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(port, '127.0.0.1');
    upstream.setNoDelay(true);
    const toServer = forward(upstream);
    let outgoing = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk) => {
      if (TRACE) {
        outgoing = outgoing.length ? Buffer.concat([outgoing, chunk]) : chunk;
        let at = 0;
        // The startup message has no type byte: its length comes first.
        if (!started && outgoing.length >= 4) {
          at = outgoing.readInt32BE(0);
          started = true;
        }
        while (outgoing.length - at >= 5) {
          const length = outgoing.readInt32BE(at + 1);
          if (outgoing.length - at < 1 + length) break;
          const body = outgoing.subarray(at + 5, at + 1 + length).toString();
          const [first, second] = body.split('\0');
          if (outgoing[at] === 0x51) sent.push(first);
          else if (outgoing[at] === 0x50) {
            texts.set(first, second);
            sent.push(`parse ${first || '(unnamed)'}: ${second}`);
          } else if (outgoing[at] === 0x42 && second) sent.push(`bind ${second}: ${texts.get(second) ?? ''}`);
          else if (outgoing[at] === 0x53) sent.push('sync');
          at += 1 + length;
        }
        outgoing = outgoing.subarray(at);
      }
      toServer(chunk);
    });
    // Postgres's messages: a type byte and a length (of itself and the body), possibly across chunks.
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (pending.length - at >= 5) {
        const length = pending.readInt32BE(at + 1);
        if (pending.length - at < 1 + length) break;
        if (pending[at] === 0x5a) counted.readyForQuery++;
        at += 1 + length;
      }
      pending = pending.subarray(at);
      forward(client)(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { port: /** @type {net.AddressInfo} */ (server.address()).port, delay, counted, sent, close: () => server.close() };
}

/**
 * One request, its status checked, its time in ms.
 * @param {string} base @param {string} method @param {string} url @param {string} token @param {string | undefined} body
 * @returns {Promise<{ ms: number, json: any }>}
 */
function send(base, method, url, token, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      `${base}${url}`,
      { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
          else resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, json: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const pg = await startEmbeddedPostgres({ dir: embeddedTempDir('amhp-bench-trips-'), port: await freeLocalPort(), persistent: false });
  const direct = databaseUrlWithName(pg.url, 'amhp_bench');
  const proxy = await startProxy(Number(new URL(pg.url).port));
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  const config = loadConfig(productionEnv({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'silent' }));
  let app;
  try {
    await ensureDatabase(direct);
    await runMigrations(config, direct);
    const db = new Client({ connectionString: direct });
    await db.connect();
    /** @type {Record<'referrer' | 'manager' | 'amhp' | 'working' | 'oncall', string>} */
    const users = { referrer: '', manager: '', amhp: '', working: '', oncall: '' };
    for (const [key, role, email] of /** @type {const} */ ([
      ['referrer', 'referrer', 'pc@bench.local'],
      ['manager', 'manager', 'lead@bench.local'],
      ['amhp', 'amhp', 'duty@bench.local'],
      ['working', 'amhp', 'working@bench.local'],
      ['oncall', 'amhp', 'oncall@bench.local'],
    ]))
      users[key] = (
        await db.query(`INSERT INTO users (email, display_name, roles) VALUES ($1, $1, ARRAY[$2]) RETURNING id`, [email, role])
      ).rows[0].id;
    // The AMHP with jobs open, and the one answering offers, are approved now: the lead can allocate or offer to them.
    for (const [i, user] of [users.working, users.oncall].entries()) {
      const practitioner = await db.query(
        `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, registration_checked_on)
         VALUES ($1, 'social-worker', 'Social Work England', $2, current_date - 30) RETURNING id`,
        [user, `SW-BENCH-${i}`],
      );
      await db.query(
        `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on) VALUES ($1, 'Northshire CC', current_date - 365, current_date + 365)`,
        [practitioner.rows[0].id],
      );
      await db.query(
        `INSERT INTO training_records (practitioner_id, completed_on, hours, provider, topic, recorded_by)
         VALUES ($1, current_date - 60, 18, 'Forum', 'Update', $2)`,
        [practitioner.rows[0].id, user],
      );
    }
    // Two doctors on the register, one s.12-approved, to recommend the assessed person's detention.
    const doctors = [];
    for (const [name, gmc, kind] of [
      ['Dr Bench Approved', '7100001', 's12'],
      ['Dr Bench General', '7100002', null],
    ]) {
      const doctor = (await db.query(`INSERT INTO doctors (name, gmc_number, search_name) VALUES ($1, $2, $1) RETURNING id`, [name, gmc]))
        .rows[0].id;
      if (kind)
        await db.query(
          `INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on) VALUES ($1, $2, current_date - 365, current_date + 365)`,
          [doctor, kind],
        );
      doctors.push(doctor);
    }
    await db.end();

    app = await createApp({ config, databaseUrl: viaProxy.toString(), schedule: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${/** @type {net.AddressInfo} */ (app.getHttpServer().address()).port}`;
    const tokens = app.get(TokenService);
    const token = {
      referrer: (await tokens.issueAccessToken(users.referrer, ['referrer'])).token,
      manager: (await tokens.issueAccessToken(users.manager, ['manager'])).token,
      amhp: (await tokens.issueAccessToken(users.amhp, ['amhp'])).token,
      working: (await tokens.issueAccessToken(users.working, ['amhp'])).token,
      oncall: (await tokens.issueAccessToken(users.oncall, ['amhp'])).token,
    };

    /** A new s.136 referral, screened and accepted by the lead; its id. */
    const acceptedReferral = async (/** @type {string} */ givenName, /** @type {string} */ familyName) => {
      const referral = (
        await send(
          base,
          'POST',
          '/referrals',
          token.referrer,
          JSON.stringify(s136Referral({ givenName, familyName, dateOfBirth: '1975-06-07' })),
        )
      ).json;
      for (const status of ['screening', 'accepted'])
        await send(base, 'POST', `/referrals/${referral.id}/status`, token.manager, JSON.stringify({ status }));
      // A referrer is answered with the referral's progress only: the hub's view (with the person) is the manager's read.
      return (await send(base, 'GET', `/referrals/${referral.id}`, token.manager, undefined)).json;
    };

    // An AMHP at work: three jobs allocated to her, each person with a relative on record, the first being assessed
    // (two doctors' recommendations recorded).
    const jobs = [];
    for (let i = 0; i < 3; i++) {
      const referral = await acceptedReferral(`Job${i}`, `Open${i}`);
      const relative = { name: `Ann Open${i}`, relationship: 'parent', contact: { phone: '+44 1632 960222' } };
      await send(base, 'POST', `/people/${referral.person.id}/relatives`, token.manager, JSON.stringify(relative));
      await send(base, 'POST', `/referrals/${referral.id}/allocation`, token.manager, JSON.stringify({ userId: users.working }));
      jobs.push(referral.id);
    }
    const assessment = (
      await send(base, 'POST', '/assessments', token.working, JSON.stringify({ referralId: jobs[0], location: 'Northshire General' }))
    ).json;
    for (const [i, doctorId] of doctors.entries()) {
      const at = new Date(Date.now() - (30 - i * 10) * 60_000).toISOString();
      const recommendation = {
        doctorId,
        previousAcquaintance: i === 1,
        examinedAt: at,
        examMode: 'in-person',
        signedAt: at,
        section: 's2',
      };
      if (i === 0) Object.assign(recommendation, { noAcquaintanceReason: 'The GP was not available out of hours.' });
      await send(base, 'POST', `/assessments/${assessment.id}/recommendations`, token.working, JSON.stringify(recommendation));
    }

    /** The referrals offered to the AMHP on call, and how many of them she has accepted. */
    const offered = /** @type {string[]} */ ([]);
    let answered = 0;
    /**
     * Each kind of request; `setup(n)`, when given, prepares what its next n requests need, before they are counted.
     * @type {Array<{ name: string, request: (i: number, ids: string[]) => Promise<{ ms: number, json: any }>, setup?: (n: number) => Promise<void> }>}
     */
    const kinds = [
      {
        name: 'POST /referrals (a referrer, s.136)',
        request: (i) =>
          send(
            base,
            'POST',
            '/referrals',
            token.referrer,
            JSON.stringify(s136Referral({ givenName: `Trip${i}`, familyName: `Person${i}`, dateOfBirth: '1980-02-03' })),
          ),
      },
      {
        name: 'GET /referrals/:id (the lead)',
        request: (i, ids) => send(base, 'GET', `/referrals/${ids[i % ids.length]}`, token.manager, undefined),
      },
      {
        name: 'GET /referrals (the lead, the open queue)',
        request: () => send(base, 'GET', '/referrals?limit=20', token.manager, undefined),
      },
      {
        // Each referral once, in the order they came: received → screening.
        name: 'POST /referrals/:id/status (the lead: to screening)',
        request: (_i, ids) =>
          send(base, 'POST', `/referrals/${ids[screened++]}/status`, token.manager, JSON.stringify({ status: 'screening' })),
      },
      // The duty AMHP's app, on opening (her job, what is new for her, who is on duty, her queue).
      { name: 'GET /me/job-pack (the duty AMHP)', request: () => send(base, 'GET', '/me/job-pack', token.amhp, undefined) },
      {
        name: 'GET /me/job-pack (an AMHP with 3 jobs, 1 assessed)',
        request: () => send(base, 'GET', '/me/job-pack', token.working, undefined),
      },
      {
        name: 'GET /assessments/:id/checks (the AMHP assessing)',
        request: () => send(base, 'GET', `/assessments/${assessment.id}/checks`, token.working, undefined),
      },
      {
        name: 'GET /assessments/:id (the AMHP assessing)',
        request: () => send(base, 'GET', `/assessments/${assessment.id}`, token.working, undefined),
      },
      {
        // Each a phone call to someone about the assessment, as she makes them (after the reads above, which show them).
        name: 'POST /assessments/:id/contacts (the AMHP assessing)',
        request: () =>
          send(
            base,
            'POST',
            `/assessments/${assessment.id}/contacts`,
            token.working,
            JSON.stringify({ at: new Date(Date.now() - 60_000).toISOString(), mode: 'phone', byRole: 'amhp' }),
          ),
      },
      {
        // Each an offer made to her (set up before the kind's requests, not counted): accepting allocates her.
        name: 'POST /referrals/:id/offers/accept (an AMHP accepting an offer)',
        setup: async (/** @type {number} */ n) => {
          for (let i = 0; i < n; i++) {
            const referral = await acceptedReferral(`Offer${offered.length}`, `Made${offered.length}`);
            await send(base, 'POST', `/referrals/${referral.id}/offers`, token.manager, JSON.stringify({ userIds: [users.oncall] }));
            offered.push(referral.id);
          }
        },
        request: () => send(base, 'POST', `/referrals/${offered[answered++]}/offers/accept`, token.oncall, '{}'),
      },
      {
        name: 'GET /me/notifications (the duty AMHP)',
        request: () => send(base, 'GET', '/me/notifications?limit=30', token.amhp, undefined),
      },
      { name: 'GET /me/offers (the duty AMHP)', request: () => send(base, 'GET', '/me/offers', token.amhp, undefined) },
      { name: 'GET /rota/on-duty (the duty AMHP)', request: () => send(base, 'GET', '/rota/on-duty', token.amhp, undefined) },
      {
        name: 'GET /referrals?assigned=me (the duty AMHP)',
        request: () => send(base, 'GET', '/referrals?assigned=me&limit=50', token.amhp, undefined),
      },
    ];
    const measured = kinds.filter((kind) => !ONLY || kind.name.startsWith('POST /referrals (') || ONLY.some((o) => kind.name.includes(o)));
    let screened = 0;
    const ids = [];
    /** @type {Array<Record<string, string | number>>} */
    const table = [];
    let serial = 0;
    for (const delay of [0, DELAY_MS]) {
      proxy.delay.ms = delay;
      for (const kind of measured) {
        await kind.setup?.(5 + REQUESTS + (TRACE && delay === 0 ? 1 : 0));
        // A few first, unmeasured: connections opened and statements prepared, as in a running service.
        for (let i = 0; i < 5; i++) {
          const answer = await kind.request(serial++, ids);
          if (kind.name.startsWith('POST /referrals (') && answer.json?.id) ids.push(answer.json.id);
        }
        const ms = [];
        const before = proxy.counted.readyForQuery;
        for (let i = 0; i < REQUESTS; i++) {
          const answer = await kind.request(serial++, ids);
          if (kind.name.startsWith('POST /referrals (') && answer.json?.id) ids.push(answer.json.id);
          ms.push(answer.ms);
        }
        if (TRACE && delay === 0) {
          proxy.sent.length = 0;
          const answer = await kind.request(serial++, ids);
          if (kind.name.startsWith('POST /referrals (') && answer.json?.id) ids.push(answer.json.id);
          console.log(`${kind.name}: what one request sent\n  ${proxy.sent.map((x) => x.replace(/\s+/g, ' ').slice(0, 160)).join('\n  ')}`);
        }
        ms.sort((a, b) => a - b);
        table.push({
          'delay each way ms': delay,
          request: kind.name,
          'round trips': Math.round(((proxy.counted.readyForQuery - before) / REQUESTS) * 100) / 100,
          'p50 ms': Math.round(percentile(ms, 0.5) * 100) / 100,
          'p95 ms': Math.round(percentile(ms, 0.95) * 100) / 100,
        });
      }
    }
    console.log(
      `Postgres through a proxy holding each chunk 0 ms, then ${DELAY_MS} ms each way; ${REQUESTS} requests of each kind, one at a time`,
    );
    console.table(table);
  } finally {
    await app?.close();
    proxy.close();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
