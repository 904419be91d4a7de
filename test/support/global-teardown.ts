import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { databaseUrlWithName } from '../../src/database/embedded-postgres';
import { isRuleId } from '../../src/statute/rule-catalogue';

export default async function globalTeardown(): Promise<void> {
  await stopDatabase();
  checkRuleIds();
}

/**
 * The whole run once more: every rule id any e2e response carried is in the law's catalogue (GET /rules). The
 * per-file check in test-app.ts close() has already failed the file that returned an unknown one; this catches a
 * test app that was never closed.
 */
function checkRuleIds(): void {
  const file = process.env.AMHP_TEST_RULE_IDS_FILE;
  if (!file) return;
  const seen = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(dirname(file), { recursive: true, force: true });
  const unknown = [...new Set(seen.filter((id) => !isRuleId(id)))];
  if (unknown.length) throw new Error(`e2e responses carried rule ids that GET /rules does not list: ${unknown.join(', ')}`);
}

async function stopDatabase(): Promise<void> {
  const server = (globalThis as { __EMBEDDED_PG__?: { stop(): Promise<void> } }).__EMBEDDED_PG__;
  if (server) {
    await server.stop();
    return;
  }
  // A shared server (TEST_DATABASE_URL): drop what this run created.
  const url = process.env.AMHP_TEST_SERVER_URL;
  if (!url) return;
  const admin = new Client({ connectionString: databaseUrlWithName(url, 'postgres') });
  await admin.connect();
  const dbs = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'amhp_t\\_%'`, [
    process.env.AMHP_TEST_TEMPLATE,
  ]);
  for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
