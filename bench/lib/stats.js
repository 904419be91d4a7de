'use strict';

/** Nearest-rank percentile of an already sorted Float64Array. */
function percentile(sorted, q) {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

/** Merges the slices of one target (run at different moments) into one figure: total 2xx / total time, exact percentiles. */
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
    cpuUs: slices.some((r) => r.serverUs == null)
      ? null
      : (() => {
          const node = slices.reduce((s, r) => s + r.serverUs, 0) / ok;
          const postgres = slices.reduce((s, r) => s + r.postgresUs, 0) / ok;
          return { node: round(node, 1), postgres: round(postgres, 1), total: round(node + postgres, 1) };
        })(),
    // The largest share of the machine's CPU that other processes took during a slice (null off Linux).
    foreignCpuMax: slices.some((r) => r.foreignCpu == null) ? null : round(Math.max(...slices.map((r) => r.foreignCpu)), 3),
  };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

module.exports = { percentile, merge, round };
