'use strict';
/**
 * P5: the reports on a large hub. Ten years of work (BENCH_REFERRALS referrals, default 60,000, with their screening,
 * allocation, assessments, timelines and outcomes, and the rota's shifts) are written by bulk SQL, then every report
 * under /reports is asked over HTTP for a financial year and for the longest period a report covers (two years),
 * several times each: p50 and p95 beside a raw SQL count over the same rows. Targets: < 500 ms for a financial year,
 * < 2 s for the longest period. Run after `npm run build`: `node bench/reports.bench.js`.
 * BENCH_REFERRALS (60000), BENCH_RUNS (5), BENCH_EXPLAIN=1 (print the plans of the reports' row queries).
 */
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const http = require('node:http');
const { Client } = require('pg');

const DIST = path.join(__dirname, '..', 'dist');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'src/config/app-config.js'));
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName } = require(path.join(DIST, 'src/database/embedded-postgres.js'));
/** @type {typeof import('../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(path.join(DIST, 'src/database/migrations.js'));
/** @type {typeof import('../src/bootstrap')} */
const { createApp } = require(path.join(DIST, 'src/bootstrap.js'));
/** @type {typeof import('../src/auth/token.service')} */
const { TokenService } = require(path.join(DIST, 'src/auth/token.service.js'));
/** @type {typeof import('../src/rota/shifts.service')} */
const { ShiftsService } = require(path.join(DIST, 'src/rota/shifts.service.js'));
/** @type {typeof import('../src/reports/report.model')} */
const { REPORT_TITLES } = require(path.join(DIST, 'src/reports/report.model.js'));
const { percentile } = require('./lib/stats');

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 60_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AMHPS = 40;
// Ten financial years, FY2016 to FY2025 (1 April 2016 to 31 March 2026).
const START = '2016-04-01T00:00:00Z';
const END = '2026-04-01T00:00:00Z';
/** The indexes of migration ReportIndexes, dropped for the "before" figures. */
const INDEXES = [
  ['referrals_received_idx', 'CREATE INDEX referrals_received_idx ON referrals (received_at)'],
  ['referral_events_type_at_idx', 'CREATE INDEX referral_events_type_at_idx ON referral_events (type, at)'],
  ['assessments_opened_idx', 'CREATE INDEX assessments_opened_idx ON assessments (opened_at)'],
  ['assessments_decided_idx', 'CREATE INDEX assessments_decided_idx ON assessments (decided_at)'],
];
const PERIODS = [
  { label: 'FY2025', query: 'period=FY2025', from: '2025-04-01', to: '2026-03-31', target: 500 },
  { label: '2 years', query: 'from=2024-04-01&to=2026-03-31', from: '2024-04-01', to: '2026-03-31', target: 2000 },
];

/**
 * @param {string} url
 * @param {Record<string, string>} headers
 * @returns {Promise<{ status: number | undefined, body: string }>}
 */
function get(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

/** A raw count over the same rows as each report (by UTC days, for scale beside the report: not its exact figure). */
/** @type {Record<string, string>} */
const RAW = {
  activity: `SELECT (SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2)::int AS referrals,
                    (SELECT count(*) FROM assessments WHERE opened_at >= $1 AND opened_at < $2)::int AS assessments`,
  timeliness: `SELECT count(*)::int AS referrals FROM referrals WHERE received_at >= $1 AND received_at < $2`,
  'places-of-safety': `SELECT count(*)::int AS s136 FROM referrals WHERE legal_context->>'kind' IN ('s136','s135-1','s135-2')
                         AND coalesce((legal_context->>'arrivedAt')::timestamptz, received_at) >= $1
                         AND coalesce((legal_context->>'arrivedAt')::timestamptz, received_at) < $2`,
};

/** @param {Client} db */
async function build(db) {
  const t0 = Date.now();
  await db.query(`INSERT INTO users (email, display_name, roles)
                  SELECT 'amhp' || g || '@bench.local', 'AMHP ' || g, ARRAY['amhp'] FROM generate_series(1, ${AMHPS}) g`);
  await db.query(`INSERT INTO practitioners (user_id, profession, registration_body, registration_number, team)
                  SELECT id, 'social-worker', 'SWE', 'SW' || row_number() OVER (ORDER BY email),
                         CASE WHEN row_number() OVER (ORDER BY email) % 2 = 0 THEN 'North' ELSE 'South' END FROM users`);
  const [{ id: manager }] = (
    await db.query(
      `INSERT INTO users (email, display_name, roles) VALUES ('manager@bench.local', 'Manager', ARRAY['manager']) RETURNING id`,
    )
  ).rows;
  await db.query(`SELECT setseed(0.42)`);
  await db.query(
    `INSERT INTO persons (given_name, family_name, date_of_birth, sex, ethnic_category, created_by)
     SELECT 'Given' || g, 'Family' || g, date '1940-01-01' + (g * 7919 % 25000),
            CASE WHEN g % 2 = 0 THEN 'male' ELSE 'female' END,
            (ARRAY['A','A','A','A','A','A','A','A','A','A','A','B','C','C','D','E','F','G','H','H','J','J','K','L','M','M','N','N','P','R','S','Z','99'])[1 + g % 33],
            $1 FROM generate_series(1, ${REFERRALS}) g`,
    [manager],
  );
  // Referrals through ten years: one in seven a s.136; received at a random instant; screened within two hours.
  await db.query(
    `CREATE TEMP TABLE gen AS
     SELECT p.id AS person_id, n, gen_random_uuid() AS referral_id,
            timestamptz '${START}' + (random() * (timestamptz '${END}' - timestamptz '${START}')) AS received_at,
            (n % 7 = 0) AS s136, random() AS r1, random() AS r2, random() AS r3,
            (SELECT u.id FROM users u WHERE u.email = 'amhp' || (1 + n % ${AMHPS}) || '@bench.local') AS amhp
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
  );
  await db.query(
    `INSERT INTO referrals (id, reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context,
                            allocated_user_id, allocated_at, closed_at, created_by)
     SELECT referral_id, 'REF-B-' || n, person_id, CASE WHEN r1 < 0.18 AND NOT s136 THEN 'not-accepted' ELSE 'closed' END,
            CASE WHEN s136 THEN 'police-s136' ELSE (ARRAY['gp','cmht','crisis-home-treatment','ae-liaison','other'])[1 + n % 5] END,
            'urgent', received_at, '{"name":"Referrer"}', 'Bench referral', '{"toSelf":true,"toOthers":false,"fromOthers":false,"flags":[]}',
            CASE WHEN s136 THEN jsonb_build_object('kind', 's136', 'placeOfSafetyType',
                                  (ARRAY['health-based','health-based','health-based','health-based','a-and-e','police-station'])[1 + n % 6],
                                  'locationType', 'public-place', 'arrivedAt', received_at - interval '30 minutes')
                 ELSE '{"kind":"informal"}' END,
            CASE WHEN r1 >= 0.18 OR s136 THEN amhp END, CASE WHEN r1 >= 0.18 OR s136 THEN received_at + interval '3 hours' END,
            received_at + interval '2 days', $1
       FROM gen`,
    [manager],
  );
  await db.query(
    `INSERT INTO referral_events (referral_id, at, actor_id, type, data)
     SELECT referral_id, received_at, $1::uuid, 'received', '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '20 minutes', $1::uuid, 'screening', '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '1 hour' + r2 * interval '1 hour', $1::uuid,
                      CASE WHEN r1 < 0.18 AND NOT s136 THEN 'not-accepted' ELSE 'accepted' END, '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '3 hours', $1::uuid, 'allocated', '{}'::jsonb FROM gen WHERE r1 >= 0.18 OR s136
     UNION ALL SELECT referral_id, received_at + interval '2 days', $1::uuid, 'closed', '{}'::jsonb FROM gen`,
    [manager],
  );
  // Assessments of the accepted: a third detained (s.2 or s.3), the rest not, with the alternatives; timelines.
  await db.query(
    `CREATE TEMP TABLE gen_a AS
     SELECT gen_random_uuid() AS assessment_id, g.*, received_at + interval '3 hours 20 minutes' AS opened_at,
            received_at + interval '5 hours' + r2 * interval '10 hours' AS interview_at,
            CASE WHEN r3 < 0.36 THEN 'application' ELSE 'not-detained' END AS kind
       FROM gen g WHERE r1 >= 0.18 OR s136`,
  );
  await db.query(
    `INSERT INTO assessments (id, referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, legal_status_code, outcome,
                              decided_at, opened_at, closed_at, created_by)
     SELECT assessment_id, referral_id, person_id, 'closed', amhp, kind,
            CASE WHEN kind = 'application' THEN (CASE WHEN r3 < 0.25 THEN 's2' ELSE 's3' END) END,
            CASE WHEN kind = 'application' THEN (CASE WHEN r3 < 0.25 THEN '02' ELSE '03' END) ELSE '01' END,
            CASE WHEN kind = 'application' THEN jsonb_build_object('application', jsonb_build_object('signedAt', interview_at + interval '1 hour'))
                 ELSE jsonb_build_object('alternatives', jsonb_build_array((ARRAY['crisis-home-treatment','informal-admission','community-follow-up','care-package','unable-to-complete'])[1 + n % 5])) END,
            interview_at + interval '1 hour', opened_at, received_at + interval '2 days', amhp
       FROM gen_a`,
  );
  await db.query(
    `INSERT INTO assessment_events (assessment_id, type, at, delay_reason, recorded_by)
     SELECT assessment_id, 'doctors-requested', opened_at, NULL, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'doctor-arrived', interview_at - interval '10 minutes', CASE WHEN r2 > 0.7 THEN 'waiting-s12-doctor' END, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'interview-started', interview_at, NULL, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'interview-ended', interview_at + interval '40 minutes', NULL, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'decision', interview_at + interval '1 hour', NULL, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'application-signed', interview_at + interval '1 hour', NULL, amhp FROM gen_a WHERE kind = 'application'
     UNION ALL SELECT assessment_id, 'bed-requested', interview_at + interval '70 minutes', NULL, amhp FROM gen_a WHERE kind = 'application'
     UNION ALL SELECT assessment_id, 'bed-identified', interview_at + interval '4 hours', CASE WHEN r2 > 0.6 THEN 'no-bed' END, amhp FROM gen_a WHERE kind = 'application'
     UNION ALL SELECT assessment_id, 'admitted', interview_at + interval '6 hours', NULL, amhp FROM gen_a WHERE kind = 'application'`,
  );
  await db.query(
    `INSERT INTO referral_extensions (referral_id, authorised_at, hours, authorised_by, reason, recorded_by)
     SELECT referral_id, received_at + interval '20 hours', 12, 'Dr Bench', 'Intoxicated: not fit to be assessed in the 24 hours', $1
       FROM gen WHERE s136 AND r2 < 0.05`,
    [manager],
  );
  const counts = (
    await db.query(`SELECT (SELECT count(*) FROM referrals)::int AS referrals, (SELECT count(*) FROM referral_events)::int AS "referralEvents",
                           (SELECT count(*) FROM assessments)::int AS assessments, (SELECT count(*) FROM assessment_events)::int AS "assessmentEvents"`)
  ).rows[0];
  return { counts, seconds: (Date.now() - t0) / 1000 };
}

/** @param {number[]} xs */
const fmt = (xs) => (
  (xs = [...xs].sort((a, b) => a - b)),
  `p50 ${percentile(xs, 0.5).toFixed(0).padStart(5)} ms  p95 ${percentile(xs, 0.95).toFixed(0).padStart(5)} ms`
);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amhp-bench-reports-'));
  const server = await startEmbeddedPostgres({ dir, port: 58000 + Math.floor(Math.random() * 1500), persistent: false });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48), DATABASE_URL: url, LOG_LEVEL: 'silent' });
  let app;
  /** @type {Client | undefined} */
  let db;
  let failed = false;
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    app = await createApp({ config, databaseUrl: url, schedule: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;
    db = new Client({ connectionString: url });
    db.on('error', () => undefined); // the server stopping at the end
    await db.connect();
    const { counts, seconds } = await build(db);
    // The rota of the ten years (shifts generated by the service; each place filled by SQL).
    const t1 = Date.now();
    for (const [name, start, end, days, n] of [
      ['Day', '09:00', '17:00', '{1,2,3,4,5}', 3],
      ['Evening', '17:00', '22:00', '{1,2,3,4,5,6,7}', 2],
      ['Night', '22:00', '09:00', '{1,2,3,4,5,6,7}', 1],
    ]) {
      await db.query(
        `INSERT INTO shift_patterns (name, start_time, end_time, weekdays, required_count, valid_from) VALUES ($1, $2, $3, $4, $5, '2016-01-01')`,
        [name, start, end, days, n],
      );
    }
    const shifts = app.get(ShiftsService);
    for (let y = 2016; y <= 2026; y++) await shifts.generate(`${y}-01-01`, `${y}-12-31`);
    await db.query(`
      WITH places AS (
        SELECT s.id, s.starts_at, s.ends_at, row_number() OVER (ORDER BY s.starts_at, s.id, g) - 1 AS n
          FROM shifts s CROSS JOIN LATERAL generate_series(1, s.required_count) g),
      staff AS (SELECT p.id, p.user_id, row_number() OVER (ORDER BY p.id) - 1 AS k FROM practitioners p)
      INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
      SELECT places.id, staff.id, staff.user_id, places.starts_at, places.ends_at, staff.user_id
        FROM places JOIN staff ON staff.k = places.n % ${AMHPS}`);
    await db.query('ANALYZE');
    const shiftCount = (await db.query(`SELECT count(*)::int AS n FROM shifts`)).rows[0].n;
    console.log(
      `data: 10 years, ${counts.referrals} referrals (${counts.referralEvents} events), ${counts.assessments} assessments ` +
        `(${counts.assessmentEvents} timeline events), ${shiftCount} shifts; built in ${(seconds + (Date.now() - t1) / 1000).toFixed(1)} s`,
    );

    const [{ id: manager }] = (await db.query(`SELECT id FROM users WHERE email = 'manager@bench.local'`)).rows;
    const token = (await app.get(TokenService).issueAccessToken(manager, ['manager'])).token;
    const headers = { authorization: `Bearer ${token}` };
    const reports = Object.keys(REPORT_TITLES);
    // Before and after in the same run: first without the indexes the reports select by, then with them.
    for (const indexed of [false, true]) {
      for (const [name, create] of INDEXES) await db.query(indexed ? create : `DROP INDEX IF EXISTS ${name}`);
      await db.query('ANALYZE');
      console.log(`\n${indexed ? 'WITH' : 'WITHOUT'} the reports' indexes (${INDEXES.map(([n]) => n).join(', ')})`);
      console.log(`${'report'.padEnd(18)} ${'period'.padEnd(8)} ${'app (HTTP, JSON)'.padEnd(30)} ${'raw SQL count'.padEnd(30)} target`);
      for (const period of PERIODS) {
        const range = [`${period.from}T00:00:00Z`, new Date(Date.parse(`${period.to}T00:00:00Z`) + 86_400_000).toISOString()];
        for (const name of reports) {
          const first = await get(`${base}/reports/${name}?${period.query}`, headers);
          if (first.status !== 200) {
            // A report that is not a manager's (my-workload is an AMHP's own) or needs more than a period: said, not timed.
            console.log(`${name.padEnd(18)} ${period.label.padEnd(8)} answered ${first.status} to a manager: not timed`);
            continue;
          }
          const appMs = [];
          const raw = [];
          for (let i = 0; i < RUNS; i++) {
            let t = process.hrtime.bigint();
            await get(`${base}/reports/${name}?${period.query}`, headers);
            appMs.push(Number(process.hrtime.bigint() - t) / 1e6);
            if (RAW[name]) {
              t = process.hrtime.bigint();
              await db.query(RAW[name], range);
              raw.push(Number(process.hrtime.bigint() - t) / 1e6);
            }
          }
          const met =
            percentile(
              [...appMs].sort((a, b) => a - b),
              0.95,
            ) < period.target;
          if (indexed) failed ||= !met;
          console.log(
            `${name.padEnd(18)} ${period.label.padEnd(8)} ${fmt(appMs).padEnd(30)} ${(raw.length ? fmt(raw) : 'n/a').padEnd(30)} ` +
              `< ${period.target} ms ${met ? 'met' : 'MISSED'}`,
          );
        }
      }
    }
    if (process.env.BENCH_EXPLAIN) {
      for (const [label, sql] of [
        ['referral steps (timeliness)', `SELECT * FROM report_referral_steps WHERE received_at >= $1 AND received_at < $2`],
        ['referral count', `SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2`],
        [
          'assessments (activity)',
          `SELECT * FROM report_assessments WHERE (opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2)`,
        ],
      ]) {
        const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ['2025-04-01T00:00:00Z', '2026-04-01T00:00:00Z']);
        console.log(`\n${label}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  } finally {
    await db?.end().catch(() => undefined);
    if (app) await app.close();
    await server.stop();
  }
  if (failed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
