'use strict';

/**
 * One measured slice: what the load generator counted (lib/load-worker.js), with the CPU the slice cost from
 * lib/cpu.js (null off Linux).
 * @typedef {import('./load-worker').LoadResult & { foreignCpu: number | null, serverUs: number | null, postgresUs: number | null }} Slice
 */

/**
 * The slices of one target merged into one figure.
 * @typedef {object} Merged
 * @property {number} rps 2xx responses per second over the slices
 * @property {number} p50
 * @property {number} p90
 * @property {number} p99
 * @property {number} max
 * @property {number} requests 2xx responses
 * @property {number} seconds
 * @property {number[]} sliceRps
 * @property {number} non2xx
 * @property {number} errors connection errors and timeouts
 * @property {{ node: number, postgres: number, total: number } | null} cpuUs CPU microseconds per 2xx response (null off Linux)
 * @property {number | null} foreignCpuMax the largest share of the machine other processes took during a slice
 */

/**
 * Nearest-rank percentile of already sorted latencies.
 * @param {ArrayLike<number>} sorted
 * @param {number} q 0..1
 * @returns {number}
 */
function percentile(sorted, q) {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/**
 * Merges the slices of one target (run at different moments) into one figure: total 2xx / total time, exact percentiles.
 * @param {Slice[]} slices
 * @returns {Merged}
 */
function merge(slices) {
  const n = slices.reduce((s, r) => s + r.latencies.length, 0);
  const all = new Float64Array(n);
  let at = 0;
  for (const r of slices) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  const ok = slices.reduce((s, r) => s + r.ok, 0);
  const elapsed = slices.reduce((s, r) => s + r.elapsed, 0);
  const sliceRps = slices.map((r) => round(r.ok / r.elapsed, 1));
  return {
    rps: round(ok / elapsed, 1),
    p50: round(percentile(all, 0.5), 3),
    p90: round(percentile(all, 0.9), 3),
    p99: round(percentile(all, 0.99), 3),
    max: round(all[all.length - 1], 3),
    requests: ok,
    seconds: round(elapsed, 2),
    sliceRps,
    non2xx: slices.reduce((s, r) => s + r.non2xx, 0),
    errors: slices.reduce((s, r) => s + r.errors + r.timeouts, 0),
    // CPU microseconds per 2xx response: the server (node) and Postgres; null off Linux.
    cpuUs: cpuPerRequest(slices, ok),
    // The largest share of the machine's CPU that other processes took during a slice (null off Linux).
    foreignCpuMax: foreignCpuMax(slices),
  };
}

/**
 * @param {Slice[]} slices
 * @param {number} ok 2xx responses over the slices
 * @returns {Merged['cpuUs']}
 */
function cpuPerRequest(slices, ok) {
  let server = 0;
  let postgres = 0;
  for (const r of slices) {
    if (r.serverUs == null || r.postgresUs == null) return null;
    server += r.serverUs;
    postgres += r.postgresUs;
  }
  const node = server / ok;
  const pg = postgres / ok;
  return { node: round(node, 1), postgres: round(pg, 1), total: round(node + pg, 1) };
}

/**
 * @param {Slice[]} slices
 * @returns {number | null}
 */
function foreignCpuMax(slices) {
  let max = -Infinity;
  for (const r of slices) {
    if (r.foreignCpu == null) return null;
    max = Math.max(max, r.foreignCpu);
  }
  return round(max, 3);
}

/**
 * @param {number} x
 * @param {number} digits
 * @returns {number}
 */
function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

module.exports = { percentile, merge, round };
