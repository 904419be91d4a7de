'use strict';
/**
 * The clock job's per-minute read of the open referrals (`ReferralsService.openForHandover`: `clock-warnings` every
 * minute and `clock-escalation`, src/alerts/jobs.ts; the morning handover too) on a hub's ten years of referrals.
 * BENCH_REFERRALS (60,000) closed referrals over ten years (one in seven a s.136, one in twenty withdrawn, not accepted
 * or transferred), each with its timeline (received, screening, accepted, offered and allocated, closed), an offer, and
 * an assessment (decided, an in-person contact, one in three an application with the person admitted), a s.136
 * extension for one in twenty-one, an identity check against the spine for one in twelve (resolved), written by bulk
 * SQL; and BENCH_OPEN (30) open referrals, received in the last hours, in each open status. Then:
 *   - EXPLAIN (ANALYZE, BUFFERS) of the statement openForHandover sends (captured from the service itself), and
 *   - openForHandover as the job calls it (in a transaction of the app's Db), BENCH_RUNS (50) times after a first run:
 *     p50 and p95.
 *
 *   npm run build && node bench/handover.bench.js
 *
 * Knobs: BENCH_REFERRALS, BENCH_OPEN, BENCH_RUNS, BENCH_DB_DIR=/path (keep the database there and reuse it when it
 * already holds the data). See bench/README.md (The clock job's open referrals on ten years of referrals).
 */
const { runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

const DIST = path.join(__dirname, '..', 'dist', 'src');
/** @type {typeof import('../src/referrals/referrals.service')} */
const { ReferralsService } = require(path.join(DIST, 'referrals/referrals.service.js'));
/** @type {typeof import('../src/database/db')} */
const { Db } = require(path.join(DIST, 'database/db.js'));
const { percentile } = require('./lib/stats');
const { withBenchHub } = require('./lib/bench-hub');
const { exec, explain, fmt } = require('./lib/plan');

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 60_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const AMHPS = 40;
const START = '2016-12-01T00:00:00Z';
const END = '2026-12-01T00:00:00Z';
const OPEN_STATUSES = ['received', 'screening', 'accepted', 'allocated', 'in-assessment'];

/** @param {import('pg').Client} db */
async function build(db) {
  await exec(
    db,
    `INSERT INTO users (email, display_name, roles)
     SELECT 'amhp' || g || '@bench.local', 'AMHP ' || g, ARRAY['amhp'] FROM generate_series(1, ${AMHPS}) g`,
  );
  const [{ id: manager }] = (
    await exec(
      db,
      `INSERT INTO users (email, display_name, roles) VALUES ('manager@bench.local', 'Manager', ARRAY['manager']) RETURNING id`,
    )
  ).rows;
  await exec(db, `SELECT setseed(0.42)`);
  await exec(
    db,
    `INSERT INTO persons (given_name, family_name, date_of_birth, sex, created_by)
     SELECT 'Given' || g, 'Family' || g, date '1940-01-01' + (g * 7919 % 25000), 'female', $1 FROM generate_series(1, ${REFERRALS + OPEN}) g`,
    [manager],
  );
  await exec(
    db,
    `CREATE TEMP TABLE gen AS
     SELECT p.id AS person_id, n, gen_random_uuid() AS referral_id, n > ${REFERRALS} AS open,
            CASE WHEN n > ${REFERRALS} THEN now() - (n - ${REFERRALS}) * interval '7 minutes'
                 ELSE timestamptz '${START}' + (random() * (timestamptz '${END}' - timestamptz '${START}')) END AS received_at,
            (n % 7 = 0) AS s136,
            CASE WHEN n > ${REFERRALS} THEN (ARRAY['${OPEN_STATUSES.join("','")}'])[1 + n % ${OPEN_STATUSES.length}]
                 WHEN n % 60 = 1 THEN 'withdrawn' WHEN n % 60 = 2 THEN 'not-accepted' WHEN n % 60 = 3 THEN 'transferred'
                 ELSE 'closed' END AS status,
            (SELECT u.id FROM users u WHERE u.email = 'amhp' || (1 + n % ${AMHPS}) || '@bench.local') AS amhp
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
  );
  await exec(
    db,
    `INSERT INTO referrals (id, reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context,
                            allocated_user_id, allocated_at, closed_at, created_by)
     SELECT referral_id, 'REF-H-' || n, person_id, status,
            CASE WHEN s136 THEN 'police-s136' ELSE 'gp' END, 'urgent', received_at, '{"name":"Referrer"}', 'Bench referral',
            '{"toSelf":true,"toOthers":false,"fromOthers":false,"flags":[]}',
            CASE WHEN s136 THEN jsonb_build_object('kind', 's136', 'placeOfSafetyType', 'health-based', 'locationType', 'public-place',
                                                   'arrivedAt', received_at - interval '30 minutes')
                 ELSE '{"kind":"informal"}' END,
            CASE WHEN status IN ('allocated', 'in-assessment', 'closed') THEN amhp END,
            CASE WHEN status IN ('allocated', 'in-assessment', 'closed') THEN received_at + interval '40 minutes' END,
            CASE WHEN NOT open THEN received_at + interval '2 days' END, $1
       FROM gen`,
    [manager],
  );
  // The timeline: received, screened, accepted, allocated (when it was), ended.
  await exec(
    db,
    `INSERT INTO referral_events (referral_id, at, actor_id, type, data)
     SELECT g.referral_id, g.received_at + x.after, $1, x.type, x.data
       FROM gen g CROSS JOIN LATERAL (VALUES
              ('received', interval '0', '{"findings":[]}'::jsonb, true),
              ('screening', interval '10 minutes', '{}'::jsonb, g.status <> 'received'),
              ('accepted', interval '20 minutes', '{}'::jsonb, g.status IN ('accepted', 'allocated', 'in-assessment', 'closed')),
              ('allocated', interval '40 minutes', jsonb_build_object('userId', g.amhp), g.status IN ('allocated', 'in-assessment', 'closed')),
              (g.status, interval '2 days', '{}'::jsonb, NOT g.open)
            ) AS x(type, after, data, happened)
      WHERE x.happened`,
    [manager],
  );
  await exec(
    db,
    `INSERT INTO allocation_offers (referral_id, user_id, offered_at, offered_by, response, responded_at)
     SELECT referral_id, amhp, received_at + interval '25 minutes', $1, 'accepted', received_at + interval '40 minutes'
       FROM gen WHERE status IN ('allocated', 'in-assessment', 'closed')`,
    [manager],
  );
  // An assessment of each referral that got that far: decided and closed for a closed one, open for one in assessment.
  await exec(
    db,
    `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at,
                              closed_at, created_by)
     SELECT referral_id, person_id, CASE WHEN open THEN 'open' ELSE 'closed' END, amhp,
            CASE WHEN open THEN NULL WHEN n % 3 = 0 THEN 'application' ELSE 'not-detained' END,
            CASE WHEN NOT open AND n % 3 = 0 THEN 's2' END,
            CASE WHEN open THEN NULL WHEN n % 3 = 0
                 THEN jsonb_build_object('application', jsonb_build_object('section', 's2', 'inPatient', true,
                        'signedAt', received_at + interval '6 hours', 'managersReceivedAt', received_at + interval '9 hours'))
                 ELSE '{"alternatives":"Home treatment"}'::jsonb END,
            CASE WHEN NOT open THEN received_at + interval '6 hours' END, received_at + interval '2 hours',
            CASE WHEN NOT open THEN received_at + interval '2 days' END, amhp
       FROM gen WHERE status IN ('in-assessment', 'closed')`,
  );
  // A s.136 extended now and then (one in three), and ten years of identity checks against the spine, resolved; one
  // still pending, about a person of an open referral.
  await exec(
    db,
    `INSERT INTO referral_extensions (referral_id, authorised_at, minutes, authorised_by, reason, recorded_by)
     SELECT referral_id, received_at + interval '20 hours', 720, 'Dr Bench', 'Bench extension', $1 FROM gen WHERE n % 21 = 0`,
    [manager],
  );
  await exec(
    db,
    `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, status, requested_by, requested_at, last_requested_at, resolved_by, resolved_at)
     SELECT g.person_id, c.person_id, '9434765919', CASE WHEN g.open THEN 'pending' ELSE 'different-person' END, $1, g.received_at,  g.received_at,
            CASE WHEN NOT g.open THEN $1::uuid END, CASE WHEN NOT g.open THEN g.received_at + interval '1 day' END
       FROM gen g JOIN gen c ON c.n = g.n + 1 WHERE g.n % 12 = 0`,
    [manager],
  );
  await exec(
    db,
    `INSERT INTO assessment_contacts (assessment_id, at, mode, by_role, by_user_id, recorded_by)
     SELECT a.id, a.opened_at + interval '1 hour', 'in-person', 'amhp', a.lead_amhp_user_id, a.lead_amhp_user_id FROM assessments a`,
  );
  await exec(
    db,
    `INSERT INTO assessment_events (assessment_id, type, at, recorded_by)
     SELECT a.id, x.type, a.opened_at + x.after, a.lead_amhp_user_id
       FROM assessments a CROSS JOIN LATERAL (VALUES ('arrived', interval '30 minutes'), ('interview-started', interval '1 hour')) AS x(type, after)`,
  );
}

async function main() {
  /** @type {Record<string, unknown>} */
  const summary = {};
  const loadNow = () => os.loadavg().map((x) => Number(x.toFixed(2)));
  summary.loadAtStart = loadNow();
  await withBenchHub({ name: 'handover', countSql: `SELECT count(*)::int AS n FROM referrals`, build }, async ({ app, db }) => {
    const counts = (
      await exec(
        db,
        `SELECT (SELECT count(*) FROM referrals)::int AS referrals,
                (SELECT count(*) FROM referrals WHERE status IN ('${OPEN_STATUSES.join("','")}'))::int AS open,
                (SELECT count(*) FROM referral_events)::int AS "referralEvents", (SELECT count(*) FROM assessments)::int AS assessments,
                pg_size_pretty(pg_relation_size('referrals')) AS heap`,
      )
    ).rows[0];
    console.log(
      `${counts.referrals} referrals (${counts.open} open; heap ${counts.heap}), ${counts.referralEvents} timeline events, ${counts.assessments} assessments`,
    );
    Object.assign(summary, { counts });

    const referrals = app.get(ReferralsService);
    // The statement the service sends, as it sends it.
    /** @type {Array<[string, unknown[] | undefined]>} */
    const sent = [];
    const capture = { query: async (/** @type {string} */ sql, /** @type {unknown[]} */ params) => (sent.push([sql, params]), []) };
    await referrals.openForHandover(/** @type {any} */ (capture));
    if (sent.length !== 1) throw new Error(`openForHandover sent ${sent.length} statements`);
    const [sql, params] = sent[0];
    await exec(db, sql, params ?? []); // warm
    const plan = await explain(db, sql, params ?? [], { text: true });
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS): ${fmt(plan.ms)} ms, ${plan.buffers} buffers, ${plan.rows} rows\n${plan.text}`);
    // What bounds it: the partial index of the open referrals (referrals_queue_idx, whose predicate openStatusSql
    // repeats). Without it (dropped in a transaction rolled back), the same statement reads every referral.
    await exec(db, 'BEGIN');
    await exec(db, 'DROP INDEX referrals_queue_idx');
    const unindexed = await explain(db, sql, params ?? [], { text: true });
    await exec(db, 'ROLLBACK');
    console.log(
      `\nwithout referrals_queue_idx: ${fmt(unindexed.ms)} ms, ${unindexed.buffers} buffers (${(unindexed.text ?? '').split('\n').slice(0, 6).join(' / ')})`,
    );
    Object.assign(summary, {
      plan: { ms: plan.ms, buffers: plan.buffers, rows: plan.rows },
      withoutIndex: { ms: unindexed.ms, buffers: unindexed.buffers },
    });

    // As the job calls it: in a transaction of the app's Db.
    const tx = app.get(Db);
    const first = await tx.transaction((m) => referrals.openForHandover(m));
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await tx.transaction((m) => referrals.openForHandover(m));
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    // The floor of any read in a transaction of the app's Db on this machine now: BEGIN, one statement, COMMIT.
    /** @type {number[]} */
    const floor = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await tx.transaction((m) => m.query('SELECT 1'));
      floor.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    // The statement alone, in the same transactions: the rest of openForHandover is its work on the rows (each referral's
    // clocks, as the job needs them).
    /** @type {number[]} */
    const statement = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await tx.transaction((m) => m.query(sql, params));
      statement.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const statementSorted = [...statement].sort((a, b) => a - b);
    const sorted = [...times].sort((a, b) => a - b);
    const floorSorted = [...floor].sort((a, b) => a - b);
    const call = {
      open: first.length,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      max: sorted[sorted.length - 1],
      statementP50: percentile(statementSorted, 0.5),
      statementP95: percentile(statementSorted, 0.95),
      floorP50: percentile(floorSorted, 0.5),
      floorP95: percentile(floorSorted, 0.95),
    };
    const load = loadNow();
    summary.loadAtEnd = load;
    console.log(
      `\nopenForHandover (${call.open} open referrals, in a transaction): p50 ${fmt(call.p50)} ms, p95 ${fmt(call.p95)} ms, max ${fmt(call.max)} ms ` +
        `(${RUNS} runs; load average ${load.join(' ')}); its statement alone: p50 ${fmt(call.statementP50)} ms, p95 ${fmt(call.statementP95)} ms; a transaction of SELECT 1: p50 ${fmt(call.floorP50)} ms, p95 ${fmt(call.floorP95)} ms`,
    );
    Object.assign(summary, { call });
    const out = path.join(__dirname, 'results', 'handover-latest.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(summary, null, 2));
    console.log(`written to ${path.relative(process.cwd(), out)}`);
  });
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
