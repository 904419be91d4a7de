'use strict';
/**
 * P5: the reports on a large hub. Ten years of work (BENCH_REFERRALS referrals, default 60,000, with their screening,
 * allocation, assessments, timelines, clocks and outcomes; the out-of-hours decisions with their SAC and DoLS fields;
 * the handovers; the AMHPs' approvals, training and supervision; the rota's shifts) are written by bulk SQL, then every
 * report and return under /reports is asked over HTTP for a financial year (FY2025) and for the ten financial years
 * (FY2016-FY2025): a cold first request, then BENCH_RUNS timed ones (p50, p95), beside a raw SQL count over the same
 * rows (its value and its time). Targets (P5): p95 < 500 ms for a financial year, < 2 s for ten years.
 * Run after `npm run build`: `node bench/reports.bench.js`. See bench/README.md (P5).
 *
 * BENCH_REFERRALS (60000), BENCH_RUNS (7), BENCH_ONLY=activity,timeliness (these reports only),
 * BENCH_DB_DIR=/path (keep the database there and reuse it when it already holds the data: a second run skips the
 * build), BENCH_EXPLAIN=1 (print the plans of the reports' row queries), BENCH_STRICT=1 (exit 1 when a target is missed).
 */
const { productionEnv, runWithAppNodeFlags } = require('./lib/production-env');
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const http = require('node:http');
const { Client } = require('pg');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const DIST = path.join(__dirname, '..', 'dist');
/** @type {typeof import('../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'src/config/app-config.js'));
/** @type {typeof import('../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, embeddedTempDir, freeLocalPort } = require(
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
/** @type {typeof import('../src/reports/report.model')} */
const { REPORT_NAMES } = require(path.join(DIST, 'src/reports/report.model.js'));
const { percentile } = require('./lib/stats');
const { exec } = require('./lib/plan');
const cpu = require('./lib/cpu');

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 60_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : null;
const DB_DIR = process.env.BENCH_DB_DIR;
const AMHPS = 40;
/** Out-of-hours decisions a year (about one in six nights has none; most have a few). */
const DECISIONS_PER_YEAR = 2_400;
// Ten financial years, FY2016 to FY2025 (1 April 2016 to 31 March 2026).
const START = '2016-04-01T00:00:00Z';
const END = '2026-04-01T00:00:00Z';
const PERIODS = [
  { label: 'FY2025', query: 'period=FY2025', from: '2025-04-01', to: '2026-03-31', target: 500 },
  { label: '10 years', query: 'from=2016-04-01&to=2026-03-31', from: '2016-04-01', to: '2026-03-31', target: 2000 },
];

/** Where each report is asked (the returns have their own paths), and whom as. */
const ROUTES = Object.fromEntries(
  [...REPORT_NAMES, 'returns-dols'].map((name) => [name, name.startsWith('returns-') ? `returns/${name.slice('returns-'.length)}` : name]),
);

/**
 * A raw count over the rows each report reads (base tables, by index), so a report's time can be read against the
 * cost of merely finding its rows. $1, $2: the period's bounds (UTC midnights: for scale, not the report's exact figure).
 * @type {Record<string, string>}
 */
const RAW = {
  activity: `SELECT (SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2)
                  + (SELECT count(*) FROM assessments WHERE opened_at >= $1 AND opened_at < $2) AS n`,
  timeliness: `SELECT count(*) AS n FROM referrals WHERE received_at >= $1 AND received_at < $2`,
  'places-of-safety': `SELECT count(*) AS n FROM referrals WHERE legal_context->>'kind' IN ('s136','s135-1','s135-2')
                         AND received_at >= $1 AND received_at < $2`,
  equity: `SELECT (SELECT count(*) FROM assessments WHERE opened_at >= $1::timestamptz - interval '12 months' AND opened_at < $2)
                + (SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2) AS n`,
  'repeat-assessments': `SELECT (SELECT count(*) FROM assessments WHERE opened_at >= $1::timestamptz - interval '12 months' AND opened_at < $2)
                              + (SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2::timestamptz + interval '91 days') AS n`,
  'out-of-area': `SELECT count(*) AS n FROM referrals WHERE received_at >= $1 AND received_at < $2`,
  'beds-and-conveyance': `SELECT count(*) AS n FROM assessments WHERE decided_at >= $1 AND decided_at < $2`,
  workforce: `SELECT (SELECT count(*) FROM shifts WHERE starts_at >= $1 AND starts_at < $2)
                   + (SELECT count(*) FROM assessments WHERE opened_at >= $1 AND opened_at < $2) AS n`,
  'my-workload': `SELECT count(*) AS n FROM assessments WHERE lead_amhp_user_id = $3 AND opened_at >= $1 AND opened_at < $2`,
  'out-of-hours': `SELECT (SELECT count(*) FROM decisions WHERE status = 'signed' AND occurred_at >= $1 AND occurred_at < $2)
                        + (SELECT count(*) FROM handover_items i JOIN handovers h ON h.id = i.handover_id
                            WHERE h.compiled_at >= $1 AND h.compiled_at < $2) AS n`,
  'returns-sac': `SELECT count(*) AS n FROM decisions WHERE status = 'signed' AND type = 'adult-safeguarding' AND occurred_at >= $1 AND occurred_at < $2`,
  'data-quality': `SELECT (SELECT count(*) FROM referrals WHERE received_at >= $1 AND received_at < $2)
                        + (SELECT count(*) FROM assessments WHERE decided_at >= $1 AND decided_at < $2)
                        + (SELECT count(*) FROM decisions WHERE status = 'signed' AND occurred_at >= $1 AND occurred_at < $2) AS n`,
  'returns-guardianship': `SELECT count(*) AS n FROM assessments WHERE section = 's7' AND decided_at >= $1 AND decided_at < $2`,
  'returns-workforce-survey': `SELECT count(*) AS n FROM approvals WHERE $1::timestamptz < $2::timestamptz
                                 AND starts_on <= ($2::timestamptz - interval '1 day')::date AND ends_on >= ($2::timestamptz - interval '1 day')::date`,
  'returns-dols': `SELECT count(*) AS n FROM decisions WHERE status = 'signed' AND type IN ('dols-urgent-authorisation', 'dols-extension')
                     AND (details->>'standardRequestedAt')::timestamptz >= $1 AND (details->>'standardRequestedAt')::timestamptz < $2`,
};

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

/**
 * Ten years of a large hub, by bulk SQL (not through the services: the reports read what the services write).
 * @param {Client} db
 */
async function build(db) {
  await exec(
    db,
    `INSERT INTO users (email, display_name, roles)
     SELECT 'amhp' || g || '@bench.local', 'AMHP ' || g, ARRAY['amhp'] FROM generate_series(1, ${AMHPS}) g`,
  );
  // Practitioners: mostly social workers, some nurses and OTs; part-time some; supervised monthly (a few six-weekly).
  await exec(
    db,
    `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, team, fte, skills, supervision_interval_days, created_at)
     SELECT id, (ARRAY['social-worker','social-worker','social-worker','mental-health-nurse','occupational-therapist'])[1 + k % 5],
            'SWE', 'SW' || k, CASE WHEN k % 2 = 0 THEN 'North' ELSE 'South' END,
            (ARRAY[1.0, 1.0, 0.8, 0.6])[1 + k % 4], CASE WHEN k % 3 = 0 THEN ARRAY['bia'] ELSE '{}'::text[] END,
            CASE WHEN k % 7 = 0 THEN 42 ELSE 30 END, timestamptz '2015-01-05T09:00:00Z'
       FROM (SELECT id, row_number() OVER (ORDER BY email)::int AS k FROM users) u`,
  );
  const [{ id: manager }] = (
    await exec(
      db,
      `INSERT INTO users (email, display_name, roles) VALUES ('manager@bench.local', 'Manager', ARRAY['manager']) RETURNING id`,
    )
  ).rows;
  // Approvals: two five-year warrants and a third from 2025 (one in eight AMHPs ends early and is not re-approved).
  await exec(
    db,
    `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on, ended_on, end_reason)
     SELECT p.id, 'Bench Council', s, (s + interval '5 years' - interval '1 day')::date,
            CASE WHEN k % 8 = 0 AND s = date '2020-01-01' THEN date '2024-06-30' END,
            CASE WHEN k % 8 = 0 AND s = date '2020-01-01' THEN 'Left the council' END
       FROM (SELECT id, row_number() OVER (ORDER BY id)::int AS k FROM practitioners) p
       CROSS JOIN unnest(ARRAY[date '2015-01-01', date '2020-01-01', date '2025-01-01']) s
      WHERE NOT (k % 8 = 0 AND s = date '2025-01-01')`,
  );
  // Training: three courses a year each (one in five a year short of the hours), and supervision every 4-5 weeks.
  await exec(
    db,
    `INSERT INTO training_records (practitioner_id, completed_on, hours, provider, topic, mental_health_specific, recorded_by)
     SELECT p.id, date '2015-02-01' + (y * 365 + c * 110 + k % 30), CASE WHEN (k + y) % 5 = 0 THEN 2 ELSE 7 END,
            'Bench Training', 'Refresher ' || c, c <> 2, $1
       FROM (SELECT id, row_number() OVER (ORDER BY id)::int AS k FROM practitioners) p
       CROSS JOIN generate_series(0, 10) y CROSS JOIN generate_series(0, 2) c`,
    [manager],
  );
  await exec(
    db,
    `INSERT INTO supervision_sessions (supervisee_id, supervisor_user_id, held_on, type, duration_minutes, recorded_by)
     SELECT p.id, $1, date '2015-01-10' + (n * (28 + k % 8)), CASE WHEN n % 4 = 3 THEN 'group' ELSE 'professional' END, 90, $1
       FROM (SELECT id, row_number() OVER (ORDER BY id)::int AS k FROM practitioners) p
       CROSS JOIN generate_series(0, 130) n WHERE date '2015-01-10' + (n * (28 + k % 8)) < date '2026-04-01'`,
    [manager],
  );
  await exec(db, `SELECT setseed(0.42)`);
  await exec(
    db,
    `INSERT INTO persons (given_name, family_name, date_of_birth, sex, ethnic_category, created_by)
     SELECT 'Given' || g, 'Family' || g, CASE WHEN g % 97 = 0 THEN NULL ELSE date '1940-01-01' + (g * 7919 % 25000) END,
            CASE WHEN g % 89 = 0 THEN NULL WHEN g % 2 = 0 THEN 'male' ELSE 'female' END,
            (ARRAY['A','A','A','A','A','A','A','A','A','A','A','B','C','C','D','E','F','G','H','H','J','J','K','L','M','M','N','N','P','R','S','Z','99'])[1 + g % 33],
            $1 FROM generate_series(1, ${REFERRALS}) g`,
    [manager],
  );
  // Referrals through ten years: one in seven a s.136; received at a random instant; screened within two hours.
  // One person in five is referred again (a second referral of the same person some weeks later).
  await exec(
    db,
    `CREATE TEMP TABLE gen AS
     SELECT p.id AS person_id, n, gen_random_uuid() AS referral_id,
            timestamptz '${START}' + (random() * (timestamptz '${END}' - timestamptz '${START}')) AS received_at,
            (n % 7 = 0) AS s136, random() AS r1, random() AS r2, random() AS r3,
            (SELECT u.id FROM users u WHERE u.email = 'amhp' || (1 + n % ${AMHPS}) || '@bench.local') AS amhp
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons) p`,
  );
  await exec(
    db,
    `UPDATE gen SET person_id = prior.person_id, received_at = prior.received_at + (10 + r2 * 200) * interval '1 day'
       FROM (SELECT n, person_id, received_at FROM gen) prior
      WHERE gen.n % 5 = 0 AND prior.n = gen.n - 1 AND prior.received_at + (10 + gen.r2 * 200) * interval '1 day' < timestamptz '${END}'`,
  );
  await exec(
    db,
    `INSERT INTO referrals (id, reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context,
                            allocated_user_id, allocated_at, closed_at, other_authority, created_by)
     SELECT referral_id, 'REF-B-' || n, person_id, CASE WHEN r1 < 0.18 AND NOT s136 THEN 'not-accepted' ELSE 'closed' END,
            CASE WHEN s136 THEN 'police-s136' ELSE (ARRAY['gp','cmht','crisis-home-treatment','ae-liaison','other'])[1 + n % 5] END,
            'urgent', received_at, '{"name":"Referrer"}', 'Bench referral', '{"toSelf":true,"toOthers":false,"fromOthers":false,"flags":[]}',
            CASE WHEN s136 THEN jsonb_build_object('kind', 's136', 'placeOfSafetyType',
                                  (ARRAY['health-based','health-based','health-based','health-based','a-and-e','police-station'])[1 + n % 6],
                                  'locationType', 'public-place', 'arrivedAt', received_at - interval '30 minutes')
                 ELSE '{"kind":"informal"}' END,
            CASE WHEN r1 >= 0.18 OR s136 THEN amhp END, CASE WHEN r1 >= 0.18 OR s136 THEN received_at + interval '3 hours' END,
            received_at + interval '2 days', CASE WHEN n % 23 = 0 THEN 'Neighbouring Council' END, $1
       FROM gen`,
    [manager],
  );
  await exec(
    db,
    `INSERT INTO referral_events (referral_id, at, actor_id, type, data)
     SELECT referral_id, received_at, $1::uuid, 'received', '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '20 minutes', $1::uuid, 'screening', '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '1 hour' + r2 * interval '1 hour', $1::uuid,
                      CASE WHEN r1 < 0.18 AND NOT s136 THEN 'not-accepted' ELSE 'accepted' END, '{}'::jsonb FROM gen
     UNION ALL SELECT referral_id, received_at + interval '3 hours', $1::uuid, 'allocated', '{}'::jsonb FROM gen WHERE r1 >= 0.18 OR s136
     UNION ALL SELECT referral_id, received_at + interval '2 days', $1::uuid, 'closed', '{}'::jsonb FROM gen`,
    [manager],
  );
  // Assessments of the accepted: a third applications (s.2 or s.3; one in fifty a s.7 guardianship), the rest not
  // detained with an alternative; their timelines (doctors, interview, decision, application, bed, conveyance, admission).
  await exec(
    db,
    `CREATE TEMP TABLE gen_a AS
     SELECT gen_random_uuid() AS assessment_id, g.*, received_at + interval '3 hours 20 minutes' AS opened_at,
            received_at + interval '5 hours' + r2 * interval '10 hours' AS interview_at,
            CASE WHEN r3 < 0.36 THEN 'application' ELSE 'not-detained' END AS kind,
            CASE WHEN r3 < 0.007 THEN 's7' WHEN r3 < 0.25 THEN 's2' WHEN r3 < 0.36 THEN 's3' END AS section
       FROM gen g WHERE r1 >= 0.18 OR s136`,
  );
  await exec(
    db,
    `INSERT INTO assessments (id, referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, legal_status_code, outcome,
                              decided_at, opened_at, closed_at, created_by)
     SELECT assessment_id, referral_id, person_id, 'closed', amhp, kind, section,
            CASE section WHEN 's2' THEN '02' WHEN 's3' THEN '03' WHEN 's7' THEN '07' ELSE '01' END,
            CASE WHEN section = 's7' THEN jsonb_build_object('application', jsonb_build_object('signedAt', interview_at + interval '1 hour',
                                            'guardian', jsonb_build_object('type', CASE WHEN n % 3 = 0 THEN 'private' ELSE 'lssa' END,
                                                                           'acceptedByLssaAt', interview_at + interval '3 days')))
                 WHEN kind = 'application' THEN jsonb_build_object('application', jsonb_build_object('signedAt', interview_at + interval '1 hour'))
                 ELSE jsonb_build_object('alternatives', jsonb_build_array((ARRAY['crisis-home-treatment','informal-admission','community-follow-up','care-package','unable-to-complete'])[1 + n % 5])) END,
            interview_at + interval '1 hour', opened_at, received_at + interval '2 days', amhp
       FROM gen_a`,
  );
  await exec(
    db,
    `INSERT INTO assessment_events (assessment_id, type, at, delay_reason, data, recorded_by)
     SELECT assessment_id, 'doctors-requested', opened_at, NULL, '{}'::jsonb, amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'doctor-arrived', interview_at - interval '10 minutes', CASE WHEN r2 > 0.7 THEN 'waiting-s12-doctor' END, '{}', amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'doctor-arrived', interview_at - interval '25 minutes', NULL, '{}', amhp FROM gen_a WHERE r2 < 0.5
     UNION ALL SELECT assessment_id, 'interview-started', interview_at, NULL, '{}', amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'interview-ended', interview_at + interval '40 minutes', NULL, '{}', amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'decision', interview_at + interval '1 hour', NULL, '{}', amhp FROM gen_a
     UNION ALL SELECT assessment_id, 'application-signed', interview_at + interval '1 hour', NULL, '{}', amhp FROM gen_a WHERE kind = 'application'
     UNION ALL SELECT assessment_id, 'bed-requested', interview_at + interval '70 minutes', NULL, '{}', amhp FROM gen_a WHERE kind = 'application' AND section <> 's7'
     UNION ALL SELECT assessment_id, 'bed-identified', interview_at + interval '4 hours', CASE WHEN r2 > 0.6 THEN 'no-bed' END,
                      jsonb_build_object('bedOutOfArea', r2 > 0.8), amhp FROM gen_a WHERE kind = 'application' AND section <> 's7'
     UNION ALL SELECT assessment_id, 'conveyance-requested', interview_at + interval '4 hours 10 minutes', NULL,
                      jsonb_build_object('conveyanceMode', (ARRAY['ambulance','ambulance','police-vehicle','secure-transport'])[1 + n % 4]), amhp
                 FROM gen_a WHERE kind = 'application' AND section <> 's7'
     UNION ALL SELECT assessment_id, 'conveyance-arrived', interview_at + interval '5 hours', NULL,
                      jsonb_build_object('conveyanceMode', (ARRAY['ambulance','ambulance','police-vehicle','secure-transport'])[1 + n % 4]), amhp
                 FROM gen_a WHERE kind = 'application' AND section <> 's7' AND r2 < 0.9
     UNION ALL SELECT assessment_id, 'admitted', interview_at + interval '6 hours', NULL, '{}', amhp FROM gen_a WHERE kind = 'application' AND section <> 's7'`,
  );
  // The s.136 clock: a few s.136B extensions.
  await exec(
    db,
    `INSERT INTO referral_extensions (referral_id, authorised_at, minutes, authorised_by, reason, recorded_by)
     SELECT referral_id, received_at + interval '20 hours', 720, 'Dr Bench', 'Intoxicated: not fit to be assessed in the 24 hours', $1
       FROM gen WHERE s136 AND r2 < 0.05`,
    [manager],
  );
  // Out-of-hours decisions, signed, at night: s.42 concerns with their SAC codes (a few without), DoLS urgent
  // authorisations and extensions with the DoLS return's fields, best interests, placements and the rest.
  const years = (Date.parse(END) - Date.parse(START)) / (365.25 * 86_400_000);
  await exec(
    db,
    `CREATE TEMP TABLE gen_d AS
     SELECT gs.n, gen_random_uuid() AS decision_id,
            date_trunc('day', timestamptz '${START}' + (random() * (timestamptz '${END}' - timestamptz '${START}'))) + interval '19 hours'
              + random() * interval '12 hours' AS occurred_at,
            (ARRAY['adult-safeguarding','adult-safeguarding','adult-safeguarding','adult-safeguarding','best-interests','best-interests',
                   'dols-urgent-authorisation','dols-urgent-authorisation','dols-extension','emergency-placement','carer-breakdown',
                   'child-protection-referral','other'])[1 + gs.n % 13] AS type,
            random() AS r1, random() AS r2,
            g.person_id, (SELECT u.id FROM users u WHERE u.email = 'amhp' || (1 + gs.n % ${AMHPS}) || '@bench.local') AS author
       FROM generate_series(1, ${Math.round(DECISIONS_PER_YEAR * years)}) gs (n) JOIN gen g ON g.n = 1 + (gs.n * 7919 % ${REFERRALS})`,
  );
  await exec(
    db,
    `INSERT INTO decisions (id, type, status, person_id, person_details, author_user_id, occurred_at, content, details, signed_at)
     SELECT decision_id, type, 'signed', CASE WHEN n % 11 = 0 THEN NULL ELSE person_id END,
            CASE WHEN n % 11 = 0 THEN jsonb_build_object('name', 'Unknown ' || n, 'approximateAge', 30 + n % 60) END, author, occurred_at,
            CASE WHEN type = 'adult-safeguarding' AND r1 > 0.04 THEN jsonb_build_object('question', 'Safeguarding concern', 'sac', jsonb_build_object(
                   'typeOfRisk', jsonb_build_array((ARRAY['physical','psychological','financial-or-material','neglect-and-acts-of-omission','self-neglect','domestic-abuse'])[1 + n % 6]),
                   'locationOfRisk', (ARRAY['own-home','own-home','care-home-residential','in-the-community','hospital-mental-health'])[1 + n % 5],
                   'sourceOfRisk', (ARRAY['other-known-to-individual','other-known-to-individual','service-provider','other-unknown-to-individual'])[1 + n % 4],
                   'lackedCapacity', (ARRAY['no','no','yes','dont-know'])[1 + n % 4],
                   'capacitySupport', (ARRAY['yes','no','dont-know'])[1 + n % 3],
                   'mspAsked', (ARRAY['asked-outcomes-expressed','asked-no-outcomes-expressed','not-asked'])[1 + n % 3],
                   'enquiryConcluded', r2 < 0.1,
                   'action', CASE WHEN r2 < 0.1 THEN (ARRAY['risk-identified-action-taken','no-risk-no-action','risk-inconclusive-action-taken'])[1 + n % 3] END,
                   'riskOutcome', CASE WHEN r2 < 0.1 THEN (ARRAY['reduced','removed','remained'])[1 + n % 3] END,
                   'mspOutcomesAchieved', CASE WHEN r2 < 0.1 THEN (ARRAY['fully','partially','not'])[1 + n % 3] END))
                 ELSE jsonb_build_object('question', 'Out-of-hours decision') END,
            CASE WHEN type = 'adult-safeguarding' THEN jsonb_build_object('s42', jsonb_build_object('careAndSupportNeeds', true,
                   'abuseOrNeglect', r1 < 0.7, 'unableToProtectSelf', r1 < 0.6), 'enquiryDelegatedTo', CASE WHEN r1 >= 0.6 AND r2 < 0.5 THEN 'Day team' END)
                 WHEN type IN ('dols-urgent-authorisation','dols-extension') THEN jsonb_build_object(
                   'managingAuthority', 'Care Home ' || (n % 40),
                   'standardRequestedAt', to_char(occurred_at - interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   'standardAuthorisation', CASE WHEN r1 < 0.9 THEN jsonb_build_object(
                     'assessments', jsonb_build_object('age', 'met', 'mentalHealth', 'met', 'mentalCapacity', CASE WHEN r2 < 0.8 THEN 'met' ELSE 'not-met' END,
                                                       'bestInterests', 'met', 'eligibility', 'met', 'noRefusals', 'met'),
                     'lastAssessedOn', to_char(occurred_at + interval '6 days', 'YYYY-MM-DD'),
                     'signedOffOn', to_char(occurred_at + interval '7 days', 'YYYY-MM-DD'),
                     'status', CASE WHEN r2 < 0.8 THEN 'granted' ELSE 'not-granted' END,
                     'startsOn', to_char(occurred_at + interval '7 days', 'YYYY-MM-DD'),
                     'endsOn', to_char(occurred_at + interval '372 days', 'YYYY-MM-DD')) ELSE '{}'::jsonb END,
                   'extension', CASE WHEN type = 'dols-extension' THEN jsonb_build_object('decision', CASE WHEN r2 < 0.85 THEN 'granted' ELSE 'refused' END, 'days', 7) END)
                 ELSE '{}'::jsonb END,
            occurred_at + interval '40 minutes'
       FROM gen_d`,
  );
  // A handover each morning: every decision of the night before, and a few referrals; acknowledged by the day team.
  await exec(
    db,
    `INSERT INTO handovers (handover_date, period_from, compiled_at)
     SELECT (d AT TIME ZONE 'UTC')::date, (d - interval '1 day') + interval '8 hours', d + interval '8 hours'
       FROM generate_series(timestamptz '${START}', timestamptz '${END}' - interval '1 day', interval '1 day') d`,
  );
  await exec(
    db,
    `INSERT INTO handover_items (handover_id, item_type, item_id, summary, first_handed_over_on, acknowledged_at)
     SELECT h.id, 'decision', d.decision_id, jsonb_build_object('type', d.type), h.handover_date,
            CASE WHEN d.r2 < 0.97 THEN h.compiled_at + interval '90 minutes' END
       FROM gen_d d JOIN handovers h ON h.handover_date = ((d.occurred_at - interval '8 hours') AT TIME ZONE 'UTC')::date + 1
     UNION ALL
     SELECT h.id, 'referral', g.referral_id, '{}'::jsonb, h.handover_date, h.compiled_at + interval '2 hours'
       FROM gen g JOIN handovers h ON h.handover_date = ((g.received_at - interval '8 hours') AT TIME ZONE 'UTC')::date + 1 WHERE g.n % 4 = 0`,
  );
}

/**
 * The rota of the ten years: shifts generated by the service (a year at a time), each place filled by SQL.
 * @param {Client} db
 * @param {import('../src/rota/shifts.service').ShiftsService} shifts
 */
async function buildRota(db, shifts) {
  for (const [name, start, end, days, n] of [
    ['Day', '09:00', '17:00', '{1,2,3,4,5}', 3],
    ['Evening', '17:00', '22:00', '{1,2,3,4,5,6,7}', 2],
    ['Night', '22:00', '09:00', '{1,2,3,4,5,6,7}', 1],
  ]) {
    await exec(
      db,
      `INSERT INTO shift_patterns (name, start_time, end_time, weekdays, required_count, valid_from) VALUES ($1, $2, $3, $4, $5, '2016-01-01')`,
      [name, start, end, days, n],
    );
  }
  // Each year's rota generated as at its first day: the days gone are not generated afterwards (ROTA-WORKED).
  for (let y = 2016; y <= 2026; y++)
    await asAt({ at: new Date(`${y}-01-01T00:00:00Z`) }, () => shifts.generate(`${y}-01-01`, `${y}-12-31`));
  // Every place filled but one in forty (a gap).
  await exec(
    db,
    `WITH places AS (
       SELECT s.id, s.starts_at, s.ends_at, row_number() OVER (ORDER BY s.starts_at, s.id, g) - 1 AS n
         FROM shifts s CROSS JOIN LATERAL generate_series(1, s.required_count) g),
     staff AS (SELECT p.id, p.user_id, row_number() OVER (ORDER BY p.id) - 1 AS k FROM practitioners p)
     INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
     SELECT places.id, staff.id, staff.user_id, places.starts_at, places.ends_at, staff.user_id
       FROM places JOIN staff ON staff.k = places.n % ${AMHPS} WHERE places.n % 40 <> 39`,
  );
}

/** @param {number[]} xs */
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95) };
};
const ms = (/** @type {number} */ x) => `${x.toFixed(0).padStart(6)}`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const since = (/** @type {bigint} */ t) => Number(process.hrtime.bigint() - t) / 1e6;

async function main() {
  const dir = DB_DIR ?? embeddedTempDir('amhp-bench-reports-');
  const server = await startEmbeddedPostgres({ dir, port: await freeLocalPort(), persistent: DB_DIR !== undefined });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig(productionEnv({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: url, LOG_LEVEL: 'silent' }));
  let app;
  /** @type {Client | undefined} */
  let db;
  /** @type {string[]} */
  const missed = [];
  /** @type {object[]} */
  const results = [];
  /** @type {Record<string, unknown>} */
  const summary = {};
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    app = await createApp({ config, databaseUrl: url, schedule: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address()).port}`;
    db = new Client({ connectionString: url });
    db.on('error', () => undefined); // the server stopping at the end
    await db.connect();
    const built = (await exec(db, `SELECT count(*)::int AS n FROM referrals`)).rows[0].n;
    if (built === 0) {
      const t1 = Date.now();
      // One transaction, so that a build that fails leaves nothing behind to be taken for the data next time.
      await exec(db, 'BEGIN');
      await build(db);
      await exec(db, 'COMMIT');
      await buildRota(db, app.get(ShiftsService));
      await exec(db, 'VACUUM ANALYZE');
      console.log(`data built in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    } else {
      await exec(db, 'ANALYZE');
      console.log(`data reused from ${dir} (${built} referrals)`);
    }
    const c = (
      await exec(
        db,
        `SELECT (SELECT count(*) FROM referrals)::int AS referrals, (SELECT count(*) FROM referral_events)::int AS re,
                (SELECT count(*) FROM assessments)::int AS assessments, (SELECT count(*) FROM assessment_events)::int AS ae,
                (SELECT count(*) FROM decisions)::int AS decisions, (SELECT count(*) FROM handover_items)::int AS items,
                (SELECT count(*) FROM shifts)::int AS shifts, (SELECT count(*) FROM shift_assignments)::int AS assignments,
                (SELECT count(*) FROM supervision_sessions)::int AS supervision, (SELECT count(*) FROM training_records)::int AS training,
                (SELECT count(*) FROM approvals)::int AS approvals`,
      )
    ).rows[0];
    console.log(
      `data: 10 years, ${c.referrals} referrals (${c.re} events), ${c.assessments} assessments (${c.ae} timeline events), ` +
        `${c.decisions} signed out-of-hours decisions, ${c.items} handover items, ${c.shifts} shifts (${c.assignments} assignments), ` +
        `${c.approvals} approvals, ${c.training} training records, ${c.supervision} supervision sessions`,
    );
    const cpus = os.cpus();
    const loadBefore = load();
    console.log(`machine: ${cpus.length} CPU (${cpus[0]?.model ?? '?'}), node ${process.version}; load average before: ${loadBefore}`);
    Object.assign(summary, {
      date: new Date().toISOString(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      node: process.version,
      data: c,
      loadBefore,
      runs: RUNS,
    });

    const [{ id: manager }] = (await exec(db, `SELECT id FROM users WHERE email = 'manager@bench.local'`)).rows;
    const [{ id: amhp }] = (await exec(db, `SELECT id FROM users WHERE email = 'amhp1@bench.local'`)).rows;
    const tokens = app.get(TokenService);
    const asManager = { authorization: `Bearer ${(await tokens.issueAccessToken(manager, ['manager'])).token}` };
    const asAmhp = { authorization: `Bearer ${(await tokens.issueAccessToken(amhp, ['amhp'])).token}` };
    const names = Object.keys(ROUTES).filter((n) => !ONLY || ONLY.includes(n));
    for (const period of PERIODS) {
      const range = [`${period.from}T00:00:00Z`, new Date(Date.parse(`${period.to}T00:00:00Z`) + 86_400_000).toISOString()];
      console.log(`\n${period.label} (${period.from} to ${period.to}): target p95 < ${period.target} ms; load average ${load()}`);
      console.log(
        `${'report'.padEnd(25)} ${'cold'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)}  ${'node'.padStart(6)} ${'pg'.padStart(6)}  ` +
          `${'figures'.padStart(7)}   ${'raw count'.padStart(9)} ${'raw p50'.padStart(7)}   verdict (wall and CPU, as a share of the target)`,
      );
      console.log(
        `${''.padEnd(25)} ${'wall-clock ms'.padStart(20)}  ${'CPU ms/request'.padStart(13)}  ${''.padStart(7)}   ${''.padStart(9)} ${'ms'.padStart(7)}`,
      );
      for (const name of names) {
        const headers = name === 'my-workload' ? asAmhp : asManager;
        const target = `${base}/reports/${ROUTES[name]}?${period.query}`;
        let t = process.hrtime.bigint();
        const first = await get(target, headers);
        const cold = since(t);
        if (first.status !== 200) {
          console.log(`${name.padEnd(25)} answered ${first.status}: ${first.body.slice(0, 200)}`);
          missed.push(`${name} ${period.label} (${first.status})`);
          continue;
        }
        const body = JSON.parse(first.body);
        const size = Array.isArray(body.figures) ? body.figures.length : Array.isArray(body.rows) ? body.rows.length : 0;
        const appMs = [];
        const before = cpu.snapshot();
        // The app runs in this process: its event loop's longest hold while the reports were made is what every other
        // request (the duty AMHP's among them) would have waited behind at worst.
        const loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        for (let i = 0; i < RUNS; i++) {
          t = process.hrtime.bigint();
          const r = await get(target, headers);
          appMs.push(since(t));
          if (r.status !== 200) throw new Error(`${name} ${period.label}: ${r.status} on run ${i + 1}`);
        }
        loop.disable();
        const heldMs = loop.max / 1e6;
        // CPU per request: this process (the app, and the bench's own few requests) and Postgres. A request is served
        // by one thread at a time, so on a quiet machine its time is about the two added up (Linux only).
        const used = cpu.diff(before, cpu.snapshot());
        const rawMs = [];
        let raw = 0;
        for (let i = 0; i < RUNS; i++) {
          t = process.hrtime.bigint();
          raw = Number((await exec(db, RAW[name], name === 'my-workload' ? [...range, amhp] : range)).rows[0].n);
          rawMs.push(since(t));
        }
        const a = stats(appMs);
        const met = a.p95 < period.target;
        const cpuMs = used ? { node: used.serverUs / RUNS / 1000, pg: used.postgresUs / RUNS / 1000 } : null;
        const cpuMet = cpuMs !== null && cpuMs.node + cpuMs.pg < period.target;
        if (!met) missed.push(`${name} ${period.label}${cpuMet ? ' (its CPU met it)' : ''}`);
        results.push({
          report: name,
          period: period.label,
          cold,
          ...a,
          cpuMs,
          heldMs,
          figures: size,
          raw,
          rawP50: stats(rawMs).p50,
          met,
          cpuMet,
        });
        console.log(
          `${name.padEnd(25)} ${ms(cold)} ${ms(a.p50)} ${ms(a.p95)}  ${cpuMs ? `${ms(cpuMs.node)} ${ms(cpuMs.pg)}` : `${'-'.padStart(6)} ${'-'.padStart(6)}`}` +
            `  ${String(size).padStart(7)}   ${String(raw).padStart(9)} ${stats(rawMs).p50.toFixed(1).padStart(7)}   ` +
            `${met ? 'met' : 'MISSED'} (p95 ${(a.p95 / period.target).toFixed(2)} of the target; CPU ${cpuMs ? ((cpuMs.node + cpuMs.pg) / period.target).toFixed(2) : '-'})` +
            `; event loop held at most ${heldMs.toFixed(0)} ms` +
            (used ? `; others ${(used.foreign * 100).toFixed(0)}% of the machine` : ''),
        );
      }
    }
    // The records behind the largest count of the activity report (a manager's drill-down): the first page of the
    // largest page size, each record on it an audited read of that person's referral.
    /** @type {Array<Record<string, unknown>>} */
    const drillDowns = [];
    for (const period of PERIODS) {
      if (ONLY && !ONLY.includes('activity')) break;
      /** @type {{ figures: Array<{ section: string, group: string, measure: string, unit: string, value: unknown, records?: string }> }} */
      const report = JSON.parse((await get(`${base}/reports/activity?${period.query}`, asManager)).body);
      const largest = report.figures
        .filter((f) => f.unit === 'count' && typeof f.value === 'number' && f.records)
        .sort((x, y) => Number(y.value) - Number(x.value))[0];
      if (!largest) continue;
      const loop = monitorEventLoopDelay({ resolution: 1 });
      const before = cpu.snapshot();
      loop.enable();
      const t = process.hrtime.bigint();
      const r = await get(`${base}${largest.records}&limit=200`, asManager);
      const wall = since(t);
      loop.disable();
      const used = cpu.diff(before, cpu.snapshot());
      if (r.status !== 200) throw new Error(`records of ${largest.records}: ${r.status} ${r.body.slice(0, 200)}`);
      const items = JSON.parse(r.body).items.length;
      const cpuMs = used && { node: used.serverUs / 1000, pg: used.postgresUs / 1000 };
      drillDowns.push({
        period: period.label,
        figure: largest.records,
        of: largest.value,
        items,
        wallMs: wall,
        heldMs: loop.max / 1e6,
        cpuMs,
      });
      console.log(
        `drill-down ${period.label}: ${largest.section}.${largest.group}.${largest.measure} (${largest.value}), the first ${items} records: ` +
          `${wall.toFixed(0)} ms${cpuMs ? `, CPU ${cpuMs.node.toFixed(0)} ms node + ${cpuMs.pg.toFixed(0)} ms postgres` : ''}; ` +
          `event loop held at most ${(loop.max / 1e6).toFixed(0)} ms`,
      );
    }
    Object.assign(summary, { drillDowns });
    console.log(`\nload average after: ${load()}`);
    const out = path.join(__dirname, 'results', 'reports-latest.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ ...summary, loadAfter: load(), results, missed }, null, 2));
    console.log(`written to ${path.relative(process.cwd(), out)}`);
    console.log(missed.length ? `P5 MISSED: ${missed.join(', ')}` : `P5 met: every report and return, both periods`);
    if (process.env.BENCH_EXPLAIN) {
      const fy = ['2025-04-01T00:00:00Z', '2026-04-01T00:00:00Z'];
      for (const [label, sql] of [
        ['referral steps (timeliness)', `SELECT * FROM report_referral_steps WHERE received_at >= $1 AND received_at < $2`],
        [
          'assessments (activity)',
          `SELECT * FROM report_assessments WHERE (opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2)`,
        ],
        ['assessment ops (beds and conveyance)', `SELECT * FROM report_assessment_ops WHERE decided_at >= $1 AND decided_at < $2`],
        ['shifts (workforce)', `SELECT * FROM report_shifts WHERE starts_at >= $1 AND starts_at < $2`],
      ]) {
        const plan = await exec(db, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, fy);
        console.log(`\n${label}:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  } finally {
    await db?.end().catch(() => undefined);
    if (app) await app.close();
    await server.stop();
  }
  if (missed.length && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
