'use strict';
// The load generator: autocannon in a worker thread, so that it has an event loop of its own and does not share
// the main thread with the servers it measures. Each message is one run; the reply carries the counts and every
// response's latency (fractional milliseconds; autocannon's own histogram rounds to whole milliseconds).
const { parentPort } = require('node:worker_threads');
const autocannon = require('autocannon');

/**
 * One run, as the parent asks for it.
 * @typedef {object} LoadRequest
 * @property {string} url
 * @property {string[]} paths requested in turn
 * @property {Record<string, string>} headers
 * @property {number} connections
 * @property {number} seconds
 * @property {'GET' | 'POST'} [method] GET unless said
 * @property {string[]} [bodies] JSON bodies sent in turn (a POST), one per request
 * @property {string[]} [authorizations] Authorization headers sent in turn with the bodies (several users sending
 *   at once), one per request; `headers`' own when absent
 */

/**
 * @typedef {object} LoadResult
 * @property {number} ok 2xx responses
 * @property {number} non2xx
 * @property {Record<string, number>} statuses responses by status code
 * @property {number} errors connection errors
 * @property {number} timeouts
 * @property {number} resets
 * @property {number} elapsed seconds
 * @property {Float64Array<ArrayBuffer>} latencies of the 2xx responses, in milliseconds
 */

/**
 * What the worker posts: its thread id once, then one reply per request.
 * @typedef {{ tid: number | null } | { result: LoadResult } | { error: string }} LoadMessage
 */

/**
 * How many bodies each target (by url and path) has been sent so far in this worker: the next run goes on from
 * there, so a POST that records something new (a referral for a person) sends new data in every run, its warm-up
 * included, until the bodies run out.
 * @type {Map<string, number>}
 */
const bodiesSent = new Map();

/**
 * @param {LoadRequest} request
 * @returns {Promise<LoadResult>}
 */
function run({ url, paths, headers, connections, seconds, method = 'GET', bodies, authorizations }) {
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(1 << 16);
    let ok = 0;
    let non2xx = 0;
    /** @type {Record<string, number>} */
    const statuses = {};
    const key = `${url} ${paths[0]}`;
    let sent = bodiesSent.get(key) ?? 0;
    /** @type {any[]} */
    const requests = bodies?.length
      ? [
          {
            method,
            path: paths[0],
            headers: { ...headers, 'content-type': 'application/json' },
            setupRequest: (/** @type {Record<string, any>} */ req) => {
              const n = sent++;
              const body = bodies[n % bodies.length];
              if (!authorizations?.length) return { ...req, body };
              return { ...req, body, headers: { ...req.headers, authorization: authorizations[n % authorizations.length] } };
            },
          },
        ]
      : paths.map((path) => ({ method, path, headers }));
    const started = process.hrtime.bigint();
    const instance = autocannon({ url, connections, pipelining: 1, duration: seconds, timeout: 10, headers, requests }, (err, result) => {
      bodiesSent.set(key, sent);
      if (err) return reject(err);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      const lat = latencies.slice(0, ok);
      resolve({
        ok,
        non2xx,
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        resets: result.resets ?? 0,
        elapsed,
        latencies: lat,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode >= 300) {
        non2xx++;
        return;
      }
      if (ok === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[ok++] = responseTime;
    });
  });
}

if (!parentPort) throw new Error('load-worker.js runs in a worker thread (see loadGenerator() in bench/run.js)');
const port = parentPort;

/** @param {LoadMessage} msg @param {import('node:worker_threads').TransferListItem[]} [transfer] */
const post = (msg, transfer) => port.postMessage(msg, transfer);

// This thread's id, so the parent can leave the load generator's own CPU time out of the server's.
let tid = null;
try {
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
} catch {
  // not Linux
}
post({ tid });

port.on('message', async (/** @type {LoadRequest} */ msg) => {
  try {
    const result = await run(msg);
    post({ result }, [result.latencies.buffer]);
  } catch (err) {
    post({ error: String((err instanceof Error && err.stack) || err) });
  }
});
