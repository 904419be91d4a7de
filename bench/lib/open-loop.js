'use strict';
// An open-loop load generator: requests leave at evenly spaced times (rate per second), whatever the server does,
// and each latency is measured from when the request was *due*, so a stall is counted against every request it
// delays (no coordinated omission). autocannon's overallRate caps each connection per second instead, which sends
// bursts at each second boundary: fine for throughput, wrong for a latency target at a fixed rate.
// `warmup` seconds run first on the same connections and are not counted: opening the keep-alive sockets and
// compiling the hot paths belong to start-up, not to the steady state the target is about.
const { parentPort } = require('node:worker_threads');
const http = require('node:http');

/**
 * One run, as the parent asks for it.
 * @typedef {object} OpenLoopRequest
 * @property {string} url
 * @property {string[]} paths requested in turn
 * @property {Record<string, string>} headers
 * @property {number} rate requests a second
 * @property {number} seconds measured
 * @property {number} [warmup] seconds run first and not counted
 */

/**
 * @typedef {object} OpenLoopResult
 * @property {Float64Array} latencies of every measured request (answered or failed), in milliseconds from when it was due
 * @property {Record<string, number>} statuses responses by status code
 * @property {number} errors requests that got no response
 * @property {number} sent measured requests
 * @property {number} elapsed seconds from the first measured request being due to the last answer
 * @property {number} measuredFrom when the first measured request was due, in ms since the epoch
 */

/**
 * `tid` once at start (this thread's Linux id, so the parent can leave the load generator's CPU out of the server's);
 * `measuring` when the warm-up ends and the first counted request is due; then the result or an error.
 * @typedef {{ tid: number | null } | { measuring: true } | { result: OpenLoopResult } | { error: string }} OpenLoopMessage
 */

/**
 * @param {OpenLoopRequest} request
 * @returns {Promise<OpenLoopResult>}
 */
function run({ url, paths, headers, rate, seconds, warmup = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const interval = 1000 / rate;
  const skip = Math.round(rate * warmup);
  const total = skip + Math.round(rate * seconds);
  const all = new Float64Array(total);
  /** @type {Record<string, number>} */
  const statuses = {};
  let done = 0;
  let errors = 0;
  const start = performance.now() + 5;
  const measuredFrom = start + skip * interval;
  return new Promise((resolve) => {
    const finish = () => {
      if (done < total) return;
      agent.destroy();
      resolve({
        latencies: all.slice(skip),
        statuses,
        errors,
        sent: total - skip,
        elapsed: (performance.now() - measuredFrom) / 1000,
        measuredFrom: performance.timeOrigin + measuredFrom,
      });
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const due = start + next * interval;
        const i = next++;
        if (i === skip) post({ measuring: true });
        const req = http.request(
          { host: target.hostname, port: target.port, path: paths[i % paths.length], method: 'GET', headers, agent },
          (res) => {
            res.resume();
            res.on('end', () => {
              all[i] = performance.now() - due;
              const status = String(res.statusCode);
              if (i >= skip) statuses[status] = (statuses[status] ?? 0) + 1;
              done++;
              finish();
            });
          },
        );
        req.on('error', () => {
          all[i] = performance.now() - due;
          if (i >= skip) errors++;
          done++;
          finish();
        });
        req.end();
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now() - 0.2));
    };
    setTimeout(tick, 5);
  });
}

if (!parentPort) throw new Error('open-loop.js runs in a worker thread (see load() in bench/on-duty.bench.js)');
const port = parentPort;

/** @param {OpenLoopMessage} msg */
const post = (msg) => port.postMessage(msg);

/** @type {number | null} */
let tid = null;
try {
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
} catch {
  // not Linux
}
post({ tid });

port.on('message', async (/** @type {OpenLoopRequest} */ msg) => {
  try {
    post({ result: await run(msg) });
  } catch (err) {
    post({ error: String(err instanceof Error && err.stack ? err.stack : err) });
  }
});
