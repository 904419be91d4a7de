'use strict';
// A second copy of the app in a process of its own, for the logging comparison (LOG_LEVEL=silent vs info): pino
// writes to file descriptor 1, which the parent points at a file, so request logs do not flood the bench's output.
// Talks to the parent over IPC: sends {port} once listening, closes on {stop}.
require('reflect-metadata');
const { resolve } = require('node:path');
const dist = resolve(__dirname, '../../dist/src');
const { loadConfig } = require(`${dist}/config/app-config.js`);
const { createApp } = require(`${dist}/bootstrap.js`);
const { DataSource } = require('typeorm');

async function main() {
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: process.env.BENCH_JWT_SECRET,
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL,
  });
  const app = await createApp({ config, databaseUrl: config.databaseUrl });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = app.getHttpServer().address().port;
  process.on('message', async (msg) => {
    if (msg && msg.stop) {
      const ds = app.get(DataSource);
      await app.close();
      if (ds.isInitialized) await ds.destroy();
      process.disconnect();
    }
  });
  process.send({ port });
}

main().catch((err) => {
  process.send?.({ error: String((err && err.stack) || err) });
  process.exitCode = 1;
  process.disconnect?.();
});
