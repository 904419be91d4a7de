/**
 * npm run create-admin -- email@council.gov.uk "Display Name"
 *
 * Creates the first admin of a new installation (local login), with a random password printed once. Audited like
 * any other user creation. Refuses an address POST /users would refuse: one that could be taken for another, or one
 * an account holds or that looks the same as one held (createFirstAdmin). Uses DATABASE_URL, or the embedded
 * development server.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.options';
import { databaseUrlWithName, embeddedDataDir, EmbeddedServer, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { ensureDatabase, runMigrations } from '../src/database/migrations';
import { createFirstAdmin } from '../src/auth/first-admin';
import { hashPassword } from '../src/auth/password';

async function main(): Promise<void> {
  const [email, displayName] = process.argv.slice(2);
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('usage: npm run create-admin -- email@council.gov.uk "Display Name"');
  const config = loadConfig();
  let server: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  try {
    if (!url) {
      const dir = embeddedDataDir(config.embeddedPgDir, Boolean(process.env.EMBEDDED_PG_DIR?.trim()));
      server = await startEmbeddedPostgres({ dir, port: config.embeddedPgPort });
      url = databaseUrlWithName(server.url, 'amhp_hub');
    }
    await ensureDatabase(url);
    await runMigrations(config, url);
    const password = randomBytes(18).toString('base64url');
    const hash = await hashPassword(password);
    const ds = await new DataSource(dataSourceOptions(config, url)).initialize();
    try {
      const admin = await ds.transaction((m) => createFirstAdmin(m, { email, displayName, passwordHash: hash }));
      console.log(`Created admin ${admin.email} with password: ${password}\nSign in and change it: POST /auth/me/password`);
    } finally {
      await ds.destroy();
    }
  } finally {
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
