import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { databaseUrlWithName, embeddedDataDir, EmbeddedServer, startEmbeddedPostgres } from './database/embedded-postgres';
import { ensureDatabase, runMigrations } from './database/migrations';
import { createApp } from './bootstrap';
import { DEMO_PASSWORD, DemoSeed } from './seed/demo-seed';
import { JobRunner } from './alerts/job-runner.service';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    const dir = embeddedDataDir(config.embeddedPgDir, Boolean(process.env.EMBEDDED_PG_DIR?.trim()));
    console.log(`Starting embedded PostgreSQL in ${dir} on port ${config.embeddedPgPort}...`);
    embedded = await startEmbeddedPostgres({ dir, port: config.embeddedPgPort });
    url = databaseUrlWithName(embedded.url, 'amhp_hub');
  }
  const stopEmbedded = async () => {
    await embedded?.stop().catch(() => undefined);
    embedded = undefined;
  };

  try {
    await ensureDatabase(url);
    const applied = await runMigrations(config, url);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    const app = await createApp({ config, databaseUrl: url });
    if (config.seedDemo) {
      const seeded = await app.get(JobRunner).whileHeld(() => app.get(DemoSeed).seedIfEmpty());
      if (seeded) {
        console.log(`\nSeeded a demo hub. Every demo user's password is: ${DEMO_PASSWORD}`);
        for (const u of seeded) console.log(`  ${u.roles.join(',').padEnd(9)} ${u.email}`);
      } else {
        console.log(
          `\nDemo logins (password ${DEMO_PASSWORD}): admin@, manager@, auditor@, referrer@, asha.patel@ ... demo.amhp-hub.local`,
        );
      }
    }
    await app.listen({ port: config.port, host: config.host });
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    console.log(`\namhp-hub listening on http://${shown}:${config.port}  (API docs: http://${shown}:${config.port}/docs)`);
    console.log(`The duty AMHP's app: http://${shown}:${config.port}/app/${config.seedDemo ? '  (sign in with a demo login above)' : ''}`);
    process.once('beforeExit', () => void stopEmbedded());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void app
          .close()
          .then(stopEmbedded)
          .finally(() => process.exit(0));
      });
    }
  } catch (err) {
    await stopEmbedded();
    throw err;
  }
}

main().catch((err) => {
  console.error(`amhp-hub failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
