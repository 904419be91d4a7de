import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { databaseUrlWithName, embeddedTempDir, freeLocalPort, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrations';

export const TEMPLATE_DB = 'amhp_test_template';

/**
 * Starts one Postgres for the whole run (embedded, or TEST_DATABASE_URL's server), migrates a template database,
 * and hands its URL to the workers. Each test file clones the template (test/support/test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  // Where test apps append the rule ids their responses carry (test/support/rule-ids.ts); the teardown checks them.
  process.env.AMHP_TEST_RULE_IDS_FILE = join(embeddedTempDir('amhp-test-rules-'), 'rule-ids.txt');
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = embeddedTempDir('amhp-test-pg-');
    const port = await freeLocalPort();
    // A server for tests only, thrown away at the end: commits need not wait for the disk. The crash tests (R11) start
    // servers of their own, with the defaults.
    const server = await startEmbeddedPostgres({
      dir,
      port,
      persistent: false,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    (globalThis as { __EMBEDDED_PG__?: unknown }).__EMBEDDED_PG__ = server;
    serverUrl = server.url;
  }
  const admin = new Client({ connectionString: databaseUrlWithName(serverUrl, 'postgres') });
  await admin.connect();
  // Leftovers of an interrupted run on a shared server.
  const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'amhp_t\\_%'`, [TEMPLATE_DB]);
  for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = databaseUrlWithName(serverUrl, TEMPLATE_DB);
  await runMigrations(loadConfig({ NODE_ENV: 'test' }), templateUrl);
  process.env.AMHP_TEST_SERVER_URL = serverUrl;
  process.env.AMHP_TEST_TEMPLATE = TEMPLATE_DB;
}
