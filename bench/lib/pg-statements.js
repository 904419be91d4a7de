'use strict';
/**
 * Where Postgres's time goes, statement by statement, when BENCH_PG_STATEMENTS=1: the server is started with
 * pg_stat_statements, the counters are reset before a measured run and the run's costliest statements printed after
 * it (calls a request, how many of its calls were planned and the mean time a planning took, mean execution time, total). Off by default: the extension itself costs a little.
 */
const ON = process.env.BENCH_PG_STATEMENTS === '1';
/**
 * BENCH_PG_EXPLAIN=1: auto_explain logs the plan, with actual times, of one statement in a thousand (and of every
 * statement nested in a function), to bench/results/postgres.log.
 */
const EXPLAIN = process.env.BENCH_PG_EXPLAIN === '1';
/**
 * BENCH_PG_SLOW_MS=20: every statement slower than that, every lock wait longer than it, every checkpoint and
 * autovacuum run, logged (with the time of day in ms) to bench/results/postgres.log: what Postgres was doing when
 * the slowest answers were.
 */
const SLOW_MS = Number(process.env.BENCH_PG_SLOW_MS || 0);

/**
 * BENCH_PG_SETTINGS="name=value,name=value": server settings to try (e.g. wal_init_zero=off), over the bench's own.
 * @returns {Record<string, string>}
 */
function extraSettings() {
  const text = process.env.BENCH_PG_SETTINGS ?? '';
  return Object.fromEntries(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const at = s.indexOf('=');
        if (at < 1) throw new Error(`BENCH_PG_SETTINGS: "${s}" is not name=value`);
        return [s.slice(0, at).trim(), s.slice(at + 1).trim()];
      }),
  );
}

/** Server settings for startEmbeddedPostgres. */
function settings() {
  const libraries = [ON && 'pg_stat_statements', EXPLAIN && 'auto_explain'].filter(Boolean);
  return {
    ...(libraries.length ? { shared_preload_libraries: libraries.join(',') } : {}),
    ...(ON ? { 'pg_stat_statements.track': 'all', 'pg_stat_statements.track_planning': 'on' } : {}),
    ...(EXPLAIN
      ? {
          'auto_explain.log_min_duration': '0',
          'auto_explain.log_analyze': 'on',
          'auto_explain.log_buffers': 'on',
          'auto_explain.log_nested_statements': 'on',
          'auto_explain.sample_rate': '0.001',
        }
      : {}),
    ...(SLOW_MS > 0
      ? {
          log_min_duration_statement: `${SLOW_MS}ms`,
          log_lock_waits: 'on',
          deadlock_timeout: `${SLOW_MS}ms`,
          log_checkpoints: 'on',
          log_autovacuum_min_duration: '0',
          log_line_prefix: '%m [%p] ',
        }
      : {}),
    ...extraSettings(),
  };
}

/** The server's log lines, kept in bench/results/postgres.log when plans are being explained or slow statements logged. */
function log() {
  if (!EXPLAIN && !(SLOW_MS > 0)) return undefined;
  const fs = require('node:fs');
  const path = require('node:path');
  const file = path.join(__dirname, '..', 'results', 'postgres.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  return (/** @type {string} */ line) => fs.appendFileSync(file, line);
}

/** @param {import('pg').Client} db */
async function install(db) {
  if (ON) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

/** @param {import('pg').Client} db */
async function reset(db) {
  if (ON) await db.query('SELECT pg_stat_statements_reset()');
}

/**
 * Prints the `top` statements by total execution time since the last reset.
 * @param {import('pg').Client} db
 * @param {string} label
 * @param {number} requests the requests the run made, for "calls a request"
 */
async function report(db, label, requests, top = Number(process.env.BENCH_PG_TOP ?? 12)) {
  if (!ON) return;
  const { rows } = await db.query(
    `SELECT calls, plans, total_exec_time + total_plan_time AS total, mean_exec_time, mean_plan_time, rows, query FROM pg_stat_statements
      WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`,
    [top],
  );
  console.error(`postgres, ${label}: the ${top} costliest statements (${requests} requests)`);
  for (const r of rows) {
    const perReq = requests ? (Number(r.calls) / requests).toFixed(2) : '-';
    // Planned on most calls: a prepared statement Postgres plans again each time (a custom plan), or one not prepared.
    const plannedPct = Number(r.calls) ? ((Number(r.plans) / Number(r.calls)) * 100).toFixed(0) : '-';
    console.error(
      `  ${perReq.padStart(6)} calls/req  planned ${plannedPct.padStart(4)}% of calls, ${(Number(r.mean_plan_time) * 1000).toFixed(0).padStart(4)} us each  run ${(Number(r.mean_exec_time) * 1000).toFixed(0).padStart(6)} us  total ${Number(r.total).toFixed(0).padStart(7)} ms  ` +
        String(r.query).replace(/\s+/g, ' ').slice(0, 160),
    );
  }
}

module.exports = { settings, log, install, reset, report };
