'use strict';
/**
 * The clock job's read of the standing clock chains (`clock-warnings`, every minute, src/alerts/jobs.ts) on a hub's
 * ten years of pages. BENCH_PAGES (300,000) pages are written by bulk SQL: five for each of BENCH_PAGES / 5 closed
 * referrals over ten years (the offer, the response target's 4-hour and 1-hour warnings, the s.136's or an escalation),
 * all acknowledged within minutes, nine in ten never superseded (an acknowledged page stands until its matter changes
 * hands); and BENCH_OPEN (30) open referrals, allocated tonight, each with a page standing about its response target.
 * Then:
 *   - EXPLAIN (ANALYZE, BUFFERS) of the chains' read as the job made it before (every standing clock chain of the hub,
 *     then again for each open referral in ClockAlerts.settle) and as it makes it now (the open referrals' chains, one
 *     read), each without and with the partial index `pages_standing_referral_idx`;
 *   - the whole job (`AlertJobs.clockWarnings` in its transaction, as the JobRunner runs it), BENCH_RUNS (10) times
 *     after a first run, without the index and with it.
 *
 *   npm run build && node bench/pages.bench.js          # BENCH_PAGES=3000000 for a hub that pages far more
 *
 * Knobs: BENCH_PAGES, BENCH_OPEN, BENCH_RUNS, BENCH_DB_DIR=/path (keep the database there and reuse it when it already
 * holds the data). See bench/README.md (The clock job on ten years of pages).
 */
const { runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const fs = require('node:fs');

const DIST = path.join(__dirname, '..', 'dist', 'src');
/** @type {typeof import('../src/alerts/jobs')} */
const { AlertJobs } = require(path.join(DIST, 'alerts/jobs.js'));
/** @type {typeof import('../src/database/db')} */
const { Db } = require(path.join(DIST, 'database/db.js'));
const { percentile } = require('./lib/stats');
const { withBenchHub } = require('./lib/bench-hub');
const { exec, explain, fmt } = require('./lib/plan');

const PAGES = Number(process.env.BENCH_PAGES ?? 300_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const AMHPS = 40;
const START = '2016-12-01T00:00:00Z';
const END = '2026-12-01T00:00:00Z';

/** The read as the clock job made it before: every standing clock chain (referral null), or one referral's (settle). */
const BEFORE = `SELECT DISTINCT referral_id AS "referralId", chain_key AS "chainKey" FROM pages
  WHERE starts_with(chain_key, $1) AND superseded_at IS NULL AND referral_id IS NOT NULL AND ($2::uuid IS NULL OR referral_id = $2)
  ORDER BY 1, 2`;
/** The read as it makes it now (PagesService.currentChains): the open referrals' standing clock chains, once. */
const NOW = `SELECT DISTINCT referral_id AS "referralId", chain_key AS "chainKey", ends_at AS "endsAt" FROM pages
  WHERE referral_id = ANY($2::uuid[]) AND superseded_at IS NULL AND starts_with(chain_key, $1)
  ORDER BY 1, 2, 3`;

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
  const closed = Math.ceil(PAGES / 5);
  await exec(db, `SELECT setseed(0.42)`);
  await exec(
    db,
    `INSERT INTO persons (given_name, family_name, date_of_birth, sex, created_by)
     SELECT 'Given' || g, 'Family' || g, date '1940-01-01' + (g * 7919 % 25000), 'female', $1 FROM generate_series(1, ${closed + OPEN}) g`,
    [manager],
  );
  // The closed referrals over ten years (one in seven a s.136), and the open ones, received in the last hour.
  await exec(
    db,
    `CREATE TEMP TABLE gen AS
     SELECT p.id AS person_id, n, gen_random_uuid() AS referral_id, n > ${closed} AS open,
            CASE WHEN n > ${closed} THEN now() - interval '50 minutes'
                 ELSE timestamptz '${START}' + (random() * (timestamptz '${END}' - timestamptz '${START}')) END AS received_at,
            (n % 7 = 0 AND n <= ${closed}) AS s136,
            (SELECT u.id FROM users u WHERE u.email = 'amhp' || (1 + n % ${AMHPS}) || '@bench.local') AS amhp
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
  );
  await exec(
    db,
    `INSERT INTO referrals (id, reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context,
                            allocated_user_id, allocated_at, closed_at, created_by)
     SELECT referral_id, 'REF-P-' || n, person_id, CASE WHEN open THEN 'allocated' ELSE 'closed' END,
            CASE WHEN s136 THEN 'police-s136' ELSE 'gp' END, 'urgent', received_at, '{"name":"Referrer"}', 'Bench referral',
            '{"toSelf":true,"toOthers":false,"fromOthers":false,"flags":[]}',
            CASE WHEN s136 THEN jsonb_build_object('kind', 's136', 'placeOfSafetyType', 'health-based', 'locationType', 'public-place',
                                                   'arrivedAt', received_at - interval '30 minutes')
                 ELSE '{"kind":"informal"}' END,
            amhp, received_at + interval '10 minutes', CASE WHEN open THEN NULL ELSE received_at + interval '2 days' END, $1
       FROM gen`,
    [manager],
  );
  // Five pages a closed referral, acknowledged within minutes; one in ten superseded (the job changed hands).
  await exec(
    db,
    `INSERT INTO pages (kind, recipient_user_id, chain_key, step, referral_id, subject_type, subject_id, urgency, created_at,
                        push_state, push_sent_at, acknowledged_at, acknowledged_by, acknowledged_via, superseded_at)
     SELECT x.kind, g.amhp, x.chain, x.step, g.referral_id, 'referral', g.referral_id::text, 'high', g.received_at + x.after,
            'sent', g.received_at + x.after, g.received_at + x.after + interval '4 minutes', g.amhp, 'app',
            CASE WHEN g.n % 10 = 0 THEN g.received_at + interval '1 day' END
       FROM gen g CROSS JOIN LATERAL (VALUES
              ('offer', 'offer:' || g.referral_id, 0, interval '5 minutes'),
              ('clock-warning', 'clock:' || g.referral_id || ':LOCAL-RESPONSE:240', 0, interval '20 minutes'),
              ('clock-warning', 'clock:' || g.referral_id || ':LOCAL-RESPONSE:60', 0, interval '3 hours'),
              (CASE WHEN g.s136 THEN 'clock-warning' ELSE 'escalation' END,
               CASE WHEN g.s136 THEN 'clock:' || g.referral_id || ':POL-07:60' ELSE 'clock:' || g.referral_id || ':LOCAL-RESPONSE:60' END,
               CASE WHEN g.s136 THEN 0 ELSE 1 END, interval '3 hours 15 minutes'),
              ('clock-warning', 'clock:' || g.referral_id || ':LOCAL-RESPONSE:breach', 0, interval '4 hours')
            ) AS x(kind, chain, step, after)
      WHERE NOT g.open`,
  );
  // The open referrals: a page standing about each one's response target, not yet acknowledged.
  await exec(
    db,
    `INSERT INTO pages (kind, recipient_user_id, chain_key, step, referral_id, subject_type, subject_id, urgency, created_at, push_state)
     SELECT 'clock-warning', amhp, 'clock:' || referral_id || ':LOCAL-RESPONSE:240', 0, referral_id, 'referral', referral_id::text,
            'normal', received_at + interval '10 minutes', 'sent'
       FROM gen WHERE open`,
  );
}

async function main() {
  /** @type {Record<string, unknown>} */
  const summary = {};
  await withBenchHub({ name: 'pages', countSql: `SELECT count(*)::int AS n FROM pages`, build }, async ({ app, db }) => {
    const counts = (
      await exec(
        db,
        `SELECT count(*)::int AS pages, count(*) FILTER (WHERE superseded_at IS NULL)::int AS standing,
                count(*) FILTER (WHERE superseded_at IS NULL AND acknowledged_at IS NOT NULL)::int AS "standingAcknowledged",
                pg_size_pretty(pg_relation_size('pages')) AS heap, pg_size_pretty(pg_relation_size('pages_standing_referral_idx')) AS "indexSize",
                (SELECT count(*) FROM referrals WHERE status NOT IN ('closed','not-accepted','transferred','withdrawn'))::int AS "openReferrals"
           FROM pages`,
      )
    ).rows[0];
    console.log(
      `${counts.pages} pages (${counts.standing} not superseded, ${counts.standingAcknowledged} of them acknowledged; heap ${counts.heap}, ` +
        `pages_standing_referral_idx ${counts.indexSize}); ${counts.openReferrals} open referrals`,
    );
    Object.assign(summary, { counts });
    const open = (await exec(db, `SELECT id FROM referrals WHERE status = 'allocated' ORDER BY id`)).rows.map((r) => r.id);

    /** @type {Record<string, object>} */
    const plans = {};
    for (const indexed of [false, true]) {
      const label = indexed ? 'with the index' : 'without the index';
      await exec(db, 'BEGIN');
      if (!indexed) await exec(db, 'DROP INDEX pages_standing_referral_idx');
      // Warm: each read once before it is measured.
      await exec(db, BEFORE, ['clock:', null]);
      await exec(db, NOW, ['clock:', open]);
      const all = await explain(db, BEFORE, ['clock:', null]);
      let oneMs = 0;
      let oneBuffers = 0;
      let one;
      for (const id of open) {
        one = await explain(db, BEFORE, [`clock:${id}:`, id]);
        oneMs += one.ms;
        oneBuffers += one.buffers;
      }
      const now = await explain(db, NOW, ['clock:', open]);
      await exec(db, 'ROLLBACK');
      plans[label] = { beforeAll: all, beforeEachOpen: { ms: oneMs, buffers: oneBuffers, plan: one?.plan }, now };
      console.log(`\n${label}:`);
      console.log(
        `  before, every standing clock chain: ${fmt(all.ms)} ms, ${all.buffers} buffers, ${all.rows} rows (${all.plan})\n` +
          `  before, then each open referral's (${open.length}, settle): ${fmt(oneMs)} ms, ${oneBuffers} buffers in all (${one?.plan})\n` +
          `  now, the open referrals' chains: ${fmt(now.ms)} ms, ${now.buffers} buffers, ${now.rows} rows (${now.plan})`,
      );
    }
    Object.assign(summary, { plans });

    // The whole job, as the JobRunner runs it (one transaction), without the index and with it.
    const jobs = app.get(AlertJobs);
    const tx = app.get(Db);
    /** @type {Record<string, object>} */
    const job = {};
    for (const indexed of [false, true]) {
      if (!indexed) await exec(db, 'DROP INDEX pages_standing_referral_idx');
      else await exec(db, `CREATE INDEX "pages_standing_referral_idx" ON "pages" ("referral_id", "chain_key") WHERE superseded_at IS NULL`);
      await exec(db, 'ANALYZE pages');
      await tx.transaction((m) => jobs.clockWarnings(m, new Date()));
      /** @type {number[]} */
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        await tx.transaction((m) => jobs.clockWarnings(m, new Date()));
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const label = indexed ? 'with the index' : 'without the index';
      const sorted = [...times].sort((a, b) => a - b);
      job[label] = { p50: percentile(sorted, 0.5), max: sorted[sorted.length - 1] };
      console.log(
        `\nclock-warnings job ${label}: p50 ${fmt(percentile(sorted, 0.5))} ms, max ${fmt(sorted[sorted.length - 1])} ms (${RUNS} runs)`,
      );
    }
    Object.assign(summary, { job });
    const out = path.join(__dirname, 'results', 'pages-latest.json');
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
