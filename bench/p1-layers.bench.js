'use strict';
/**
 * Where P1's fixed cost of a request comes from, layer by layer: the same `GET /health/live` answer
 * (`{"status":"ok"}`) from a raw node:http server (run.js's P1 baseline), then Fastify alone, then NestJS on Fastify
 * (one controller, nothing else), then that with the request context the app enters for every request
 * (AsyncLocalStorage.run in the last hook before the handler, as bootstrap.ts does), then with the API's security
 * headers (apiSecurityHeaders) as well. Each layer is measured in turn, twice (ABAB...), beside the raw server of the
 * same run, with the same load generator as run.js (autocannon in a worker thread, BENCH_CONNECTIONS connections).
 * run.js's P1 row is the whole app; this says how much of the gap to the raw server each layer is.
 *
 *   npm run build && node bench/p1-layers.bench.js        (about 40 seconds)
 *
 * BENCH_SECONDS (3) measured seconds per layer and round, BENCH_ROUNDS (2), BENCH_CONNECTIONS (20). The Node
 * version matters (AsyncLocalStorage costs far less from Node 22's AsyncContextFrame on): it is printed, and the bench
 * runs under whichever `node` starts it.
 */
const path = require('node:path');
const { AsyncLocalStorage } = require('node:async_hooks');
const { randomUUID } = require('node:crypto');
const os = require('node:os');
const { runWithAppNodeFlags } = require('./lib/production-env');
const cpu = require('./lib/cpu');
const { startHello } = require('./lib/baseline');
const { loadGenerator } = require('./lib/load-generator');

require('reflect-metadata');
const Fastify = require('fastify');
const { NestFactory } = require('@nestjs/core');
const { Module, Controller, Get } = require('@nestjs/common');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
/** @type {typeof import('../src/common/security-headers')} */
const { apiSecurityHeaders } = require(path.join(__dirname, '..', 'dist', 'src', 'common', 'security-headers.js'));

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/** BENCH_SPIN_US: the calibration rows' extra work a request, microseconds (comma-separated; empty for none). */
const SPIN_US = (process.env.BENCH_SPIN_US ?? '5,10,20')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map(Number);
const BODY = { status: 'ok' };
const SECURITY = apiSecurityHeaders({ 'strict-transport-security': 'max-age=31536000; includeSubDomains' });

/**
 * run.js's P1 baseline itself (lib/baseline.js); with `spinUs`, the same server busy for that many microseconds of
 * the main thread before it answers: what a server that does that much more work than the raw one gets on this machine.
 * @param {number} [spinUs]
 */
async function raw(spinUs = 0) {
  const server = await startHello(spinUs);
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

async function fastifyAlone() {
  const app = Fastify();
  app.get('/health/live', async () => BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.server.address());
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

class Health {
  live() {
    return BODY;
  }
}
Get('live')(Health.prototype, 'live', /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(Health.prototype, 'live')));
Controller('health')(Health);
class HealthModule {}
Module({ controllers: [Health] })(HealthModule);

/**
 * NestJS on Fastify; `context`: the app's request context entered per request; `headers`: the API's security set.
 * @param {{ context?: boolean, headers?: boolean }} options
 */
async function nest({ context = false, headers = false } = {}) {
  const adapter = new FastifyAdapter({ requestIdHeader: false, genReqId: () => randomUUID() });
  const app = await NestFactory.create(HealthModule, adapter, { logger: false });
  /** @type {import('fastify').FastifyInstance} */
  const fastify = app.getHttpAdapter().getInstance();
  if (headers)
    fastify.addHook('onRequest', (req, reply, done) => {
      reply.headers(SECURITY).header('x-request-id', req.id).header('cache-control', 'no-store');
      done();
    });
  if (context) {
    const storage = new AsyncLocalStorage();
    fastify.addHook('preHandler', (req, _reply, done) => storage.run({ requestId: req.id }, done));
  }
  await app.listen(0, '127.0.0.1');
  return { url: await app.getUrl(), close: () => app.close() };
}

const LAYERS = [
  { name: 'node:http (run.js P1 baseline)', start: () => raw() },
  // Calibration: not layers of the app, but the raw server doing a fixed amount more work per request. On a VM where
  // waking the load generator's thread is dear, a server that keeps the load generator waiting pays that wake-up in
  // its own socket write, so the rps a given amount of work costs is not linear in it.
  ...SPIN_US.map((us) => ({ name: `node:http + ${us} us of work a request`, start: () => raw(us) })),
  { name: 'Fastify', start: fastifyAlone },
  { name: 'NestJS on Fastify', start: () => nest() },
  { name: '+ request context (AsyncLocalStorage)', start: () => nest({ context: true }) },
  { name: '+ API security headers', start: () => nest({ context: true, headers: true }) },
];

async function main() {
  const load = loadGenerator();
  const loadTid = await load.tid;
  /** @param {string} url @param {number} seconds */
  const run = (url, seconds) => load.run({ url, paths: ['/health/live'], headers: {}, connections: CONNECTIONS, seconds });
  /** @type {Map<string, { ok: number, seconds: number, us: number }>} */
  const totals = new Map(LAYERS.map((l) => [l.name, { ok: 0, seconds: 0, us: 0 }]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const layer of LAYERS) {
      const server = await layer.start();
      try {
        const warm = await run(server.url, 1);
        if (warm.non2xx || warm.errors) throw new Error(`${layer.name}: ${warm.non2xx} non-2xx, ${warm.errors} errors in the warm-up`);
        const a = cpu.snapshot(loadTid);
        const result = await run(server.url, SECONDS);
        const used = cpu.diff(a, cpu.snapshot(loadTid));
        if (result.non2xx || result.errors) throw new Error(`${layer.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        const t = /** @type {{ ok: number, seconds: number, us: number }} */ (totals.get(layer.name));
        t.ok += result.ok;
        t.seconds += result.elapsed;
        t.us += used?.serverUs ?? NaN;
        console.error(`round ${round}: ${layer.name}: ${Math.round(result.ok / result.elapsed)} rps`);
      } finally {
        await server.close();
      }
    }
  }
  await load.terminate();
  const base = /** @type {{ ok: number, seconds: number, us: number }} */ (totals.get(LAYERS[0].name));
  const baseRps = base.ok / base.seconds;
  console.log(
    `\nP1 by layer  ${new Date().toISOString()}  ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
  );
  console.log(`${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per layer; the figures of all rounds together\n`);
  console.log(`${'layer'.padEnd(42)} ${'rps'.padStart(8)} ${'of raw'.padStart(7)} ${'node us/req'.padStart(12)}`);
  for (const layer of LAYERS) {
    const t = /** @type {{ ok: number, seconds: number, us: number }} */ (totals.get(layer.name));
    const rps = t.ok / t.seconds;
    console.log(
      `${layer.name.padEnd(42)} ${rps.toFixed(0).padStart(8)} ${`${((rps / baseRps) * 100).toFixed(1)}%`.padStart(7)} ${(t.us / t.ok).toFixed(1).padStart(12)}`,
    );
  }
}

if (!runWithAppNodeFlags())
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
