'use strict';
// A statement's plan, as the benches that look at one statement read it (handover.bench.js, pages.bench.js).

/**
 * One query on the bench's own client.
 * @param {import('pg').Client} db
 * @param {string} sql
 * @param {unknown[]} [params]
 * @returns {Promise<import('pg').QueryResult<any>>}
 */
const exec = (db, sql, params) => db.query(sql, params);

/**
 * EXPLAIN (ANALYZE, BUFFERS) of `sql`: its execution time, the buffers its top node touched, the rows it gave, the
 * nodes in order (`Index Scan referrals_queue_idx > ...`) and, with `text`, the plan as psql prints it (one more run).
 * @param {import('pg').Client} db
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {{ text?: boolean }} [options]
 * @returns {Promise<{ ms: number, buffers: number, rows: number, plan: string, text?: string }>}
 */
async function explain(db, sql, params, { text = false } = {}) {
  const json = (await exec(db, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'][0];
  /** @param {any} n @returns {string[]} */
  const nodes = (n) => [n['Node Type'] + (n['Index Name'] ? ` ${n['Index Name']}` : ''), ...(n.Plans ?? []).flatMap(nodes)];
  const p = json.Plan;
  return {
    ms: json['Execution Time'],
    buffers: (p['Shared Hit Blocks'] ?? 0) + (p['Shared Read Blocks'] ?? 0),
    rows: p['Actual Rows'],
    plan: nodes(p).join(' > '),
    ...(text
      ? {
          text: (await exec(db, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows
            .map((/** @type {Record<string, string>} */ r) => r['QUERY PLAN'])
            .join('\n'),
        }
      : {}),
  };
}

/** Milliseconds as the benches print them. */
const fmt = (/** @type {number} */ ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

module.exports = { exec, explain, fmt };
