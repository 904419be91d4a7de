import { Client } from 'pg';
import { databaseUrlWithName } from '../../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
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
