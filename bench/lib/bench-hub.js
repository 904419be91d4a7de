'use strict';
// The hub the one-statement benches (handover.bench.js, pages.bench.js) measure: an embedded PostgreSQL (kept in
// BENCH_DB_DIR and reused when it already holds the data), migrated, the app as `npm start` builds it (no scheduled
// jobs), and a client of the bench's own.
const path = require('node:path');
const { Client } = require('pg');
const { productionEnv } = require('./production-env');
const { exec } = require('./plan');

const DIST = path.join(__dirname, '..', '..', 'dist', 'src');
/** @type {typeof import('../../src/config/app-config')} */
const { loadConfig } = require(path.join(DIST, 'config/app-config.js'));
/** @type {typeof import('../../src/database/embedded-postgres')} */
const { startEmbeddedPostgres, databaseUrlWithName, freeLocalPort, embeddedTempDir } = require(
  path.join(DIST, 'database/embedded-postgres.js'),
);
/** @type {typeof import('../../src/database/migrations')} */
const { ensureDatabase, runMigrations } = require(path.join(DIST, 'database/migrations.js'));
/** @type {typeof import('../../src/bootstrap')} */
const { createApp } = require(path.join(DIST, 'bootstrap.js'));

/**
 * Runs `measure` against the hub, building its data first (`build`, in one transaction, then VACUUM ANALYZE) unless
 * `countSql` (a `SELECT count(*)::int AS n`) finds it already there; stops everything after, whatever happens.
 * @param {{ name: string, countSql: string, build: (db: Client) => Promise<void> }} hub
 * @param {(hub: { app: import('@nestjs/platform-fastify').NestFastifyApplication, db: Client, dir: string }) => Promise<void>} measure
 */
async function withBenchHub({ name, countSql, build }, measure) {
  const kept = process.env.BENCH_DB_DIR;
  const dir = kept ?? embeddedTempDir(`amhp-bench-${name}-`);
  const server = await startEmbeddedPostgres({ dir, port: await freeLocalPort(), persistent: kept !== undefined });
  const url = databaseUrlWithName(server.url, 'amhp_bench');
  const config = loadConfig(productionEnv({ JWT_SECRET: 'x'.repeat(48), DATABASE_URL: url, LOG_LEVEL: 'silent' }));
  let app;
  /** @type {Client | undefined} */
  let db;
  try {
    await ensureDatabase(url);
    await runMigrations(config, url);
    app = await createApp({ config, databaseUrl: url, schedule: false });
    db = new Client({ connectionString: url });
    db.on('error', () => undefined);
    await db.connect();
    if ((await exec(db, countSql)).rows[0].n === 0) {
      const t1 = Date.now();
      await exec(db, 'BEGIN');
      await build(db);
      await exec(db, 'COMMIT');
      await exec(db, 'VACUUM ANALYZE');
      console.log(`data built in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    } else {
      await exec(db, 'ANALYZE');
      console.log(`data reused from ${dir}`);
    }
    await measure({ app, db, dir });
  } finally {
    await db?.end().catch(() => undefined);
    if (app) await app.close();
    await server.stop();
  }
}

module.exports = { withBenchHub };
