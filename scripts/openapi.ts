/**
 * npm run openapi: writes openapi.json from the code. A test compares it with what the running app serves, so
 * the contract never drifts silently: change the API, run this, review the diff, commit both.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { openApiDocument } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';

async function main(): Promise<void> {
  // Preview mode builds the module graph without instantiating providers: no database is needed.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config: loadConfig({ NODE_ENV: 'test' }), databaseUrl: 'postgres://unused/unused', schedule: false }),
    new FastifyAdapter(),
    { preview: true, logger: false },
  );
  const file = resolve('openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(app), null, 2) + '\n');
  console.log(`wrote ${file}`);
  await app.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
