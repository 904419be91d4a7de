'use strict';
// An open-loop load generator: requests leave at evenly spaced times (rate per second), whatever the server does,
// and each latency is measured from when the request was *due*, so a stall is counted against every request it
// delays (no coordinated omission). autocannon's overallRate caps each connection per second instead, which sends
// bursts at each second boundary: fine for throughput, wrong for a latency target at a fixed rate.
// `warmup` seconds run first on the same connections and are not counted: opening the keep-alive sockets and
// compiling the hot paths belong to start-up, not to the steady state the target is about.
const { parentPort } = require('node:worker_threads');
const http = require('node:http');

function run({ url, paths, headers, rate, seconds, warmup = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const interval = 1000 / rate;
  const skip = Math.round(rate * warmup);
  const total = skip + Math.round(rate * seconds);
  const all = new Float64Array(total);
  const statuses = {};
  let done = 0;
  let errors = 0;
  const start = performance.now() + 5;
  const measuredFrom = start + skip * interval;
  return new Promise((resolve) => {
    const finish = () => {
      if (done < total) return;
      agent.destroy();
      resolve({ latencies: all.slice(skip), statuses, errors, sent: total - skip, elapsed: (performance.now() - measuredFrom) / 1000 });
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const due = start + next * interval;
        const i = next++;
        const req = http.request(
          { host: target.hostname, port: target.port, path: paths[i % paths.length], method: 'GET', headers, agent },
          (res) => {
            res.resume();
            res.on('end', () => {
              all[i] = performance.now() - due;
              if (i >= skip) statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
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

parentPort.on('message', async (msg) => {
  try {
    parentPort.postMessage({ result: await run(msg) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.stack ? err.stack : err) });
  }
});
