'use strict';
// The load generator as the benches drive it: lib/load-worker.js (autocannon) in a worker thread of its own, one run
// at a time, and that thread's id so its CPU time is left out of the server's.
const path = require('node:path');
const { Worker } = require('node:worker_threads');

/** @typedef {import('./load-worker').LoadRequest} LoadRequest */
/** @typedef {import('./load-worker').LoadResult} LoadResult */
/** @typedef {import('./load-worker').LoadMessage} LoadMessage */
/** @typedef {ReturnType<typeof loadGenerator>} LoadGenerator */

function loadGenerator() {
  const worker = new Worker(path.join(__dirname, 'load-worker.js'));
  /** @type {{ resolve: (result: LoadResult) => void, reject: (err: Error) => void } | null} */
  let pending = null;
  /** @type {(tid: number | null) => void} */
  let ready = () => undefined;
  /** @type {Promise<number | null>} */
  const tid = new Promise((resolve) => (ready = resolve));
  worker.on('message', (/** @type {LoadMessage} */ msg) => {
    if ('tid' in msg) {
      ready(msg.tid);
      return;
    }
    const p = pending;
    pending = null;
    if (!p) return; // a reply always answers a run() in flight
    if ('error' in msg) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  worker.on('error', (err) => pending?.reject(err));
  return {
    /** The worker's thread id (Linux), whose CPU time is not the server's. */
    tid,
    /**
     * @param {LoadRequest} request
     * @returns {Promise<LoadResult>}
     */
    run(request) {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage(request);
      });
    },
    terminate: () => worker.terminate(),
  };
}

module.exports = { loadGenerator };
