/**
 * npm run migration:generate -- Name   diff the entities against a freshly migrated database, write a migration
 * npm run migration:run                apply pending migrations (DATABASE_URL, or the embedded dev database)
 * npm run migration:revert             undo the last migration
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import {
  databaseUrlWithName,
  embeddedDataDir,
  embeddedTempDir,
  startEmbeddedPostgres,
  EmbeddedServer,
} from '../src/database/embedded-postgres';
import { ensureDatabase, runMigrations, schemaDrift, withDataSource, writeMigration } from '../src/database/migrations';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  let server: EmbeddedServer | undefined;
  let tempDir: string | undefined;
  let url = config.databaseUrl;
  try {
    if (!url) {
      // generate works on a throwaway server so that the developer's own data is never touched.
      if (command === 'generate') tempDir = embeddedTempDir('amhp-migrate-');
      server = await startEmbeddedPostgres({
        dir: tempDir ?? embeddedDataDir(config.embeddedPgDir, Boolean(process.env.EMBEDDED_PG_DIR?.trim())),
        port: tempDir ? 54000 + Math.floor(Math.random() * 1000) : config.embeddedPgPort,
      });
      url = databaseUrlWithName(server.url, 'amhp_hub');
    }
    await ensureDatabase(url);
    if (command === 'run') {
      const applied = await runMigrations(config, url);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
    } else if (command === 'revert') {
      await withDataSource(config, url, (ds) => ds.undoLastMigration({ transaction: 'each' }));
      console.log('reverted the last migration');
    } else if (command === 'generate') {
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error('usage: npm run migration:generate -- CamelCaseName');
      await runMigrations(config, url);
      const drift = await withDataSource(config, url, schemaDrift);
      if (!drift.up.length) {
        console.log('entities and migrations agree: nothing to generate');
        return;
      }
      const file = writeMigration(resolve('migrations'), name, Date.now(), drift);
      console.log(`wrote ${file} (${drift.up.length} statements): review it before committing`);
    } else {
      throw new Error('usage: migrations.ts generate Name | run | revert');
    }
  } finally {
    await server?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
