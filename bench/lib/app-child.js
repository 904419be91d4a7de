'use strict';
// A second copy of the app in a process of its own, for the logging comparison (LOG_LEVEL=silent vs info): pino
// writes to file descriptor 1, which the parent points at a file, so request logs do not flood the bench's output.
// Talks to the parent over IPC: sends {port} once listening, closes on {stop}.
require('reflect-metadata');
const { productionEnv } = require('./production-env');
const { resolve } = require('node:path');
const dist = resolve(__dirname, '../../dist/src');
/** @type {typeof import('../../src/config/app-config')} */
const { loadConfig } = require(`${dist}/config/app-config.js`);
/** @type {typeof import('../../src/bootstrap')} */
const { createApp } = require(`${dist}/bootstrap.js`);
const { DataSource } = require('typeorm');

/**
 * What the child says to its parent (startChildApp() in bench/run.js).
 * @typedef {{ port: number } | { error: string }} ChildMessage
 */

async function main() {
  const send = process.send?.bind(process);
  if (!send) throw new Error('app-child.js runs as a child process with an IPC channel (startChildApp() in bench/run.js)');
  const config = loadConfig(
    productionEnv({
      JWT_SECRET: process.env.BENCH_JWT_SECRET,
      DATABASE_URL: process.env.BENCH_DATABASE_URL,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL,
    }),
  );
  if (!config.databaseUrl) throw new Error('BENCH_DATABASE_URL is not set');
  const app = await createApp({ config, databaseUrl: config.databaseUrl });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address());
  process.on('message', async (/** @type {{ stop?: boolean } | null} */ msg) => {
    if (msg && msg.stop) {
      const ds = app.get(DataSource);
      await app.close();
      if (ds.isInitialized) await ds.destroy();
      process.disconnect();
    }
  });
  /** @type {ChildMessage} */
  const ready = { port };
  send(ready);
}

main().catch((err) => {
  /** @type {ChildMessage} */
  const failed = { error: String((err instanceof Error && err.stack) || err) };
  process.send?.(failed);
  process.exitCode = 1;
  process.disconnect?.();
});
