import { createHash, randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AccessService } from '../../src/access/access.service';
import type { AppOptions } from '../../src/app.module';
import { hashPassword } from '../../src/auth/password';
import type { Role } from '../../src/auth/roles';
import { TokenService } from '../../src/auth/token.service';
import { createApp } from '../../src/bootstrap';
import { ManualClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { databaseUrlWithName } from '../../src/database/embedded-postgres';
import type { HistoryOptions } from '../../src/seed/demo-history';
import { DemoSeed } from '../../src/seed/demo-seed';
import { checkOutboxEvents } from './outbox-check';
import { watchRuleIds } from './rule-ids';

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  roles: Role[];
  token: string;
  /** `Authorization` header value. */
  auth: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  clock: ManualClock;
  databaseUrl: string;
  /** http://127.0.0.1:<port> when created with `listen: true` (for a real browser), else undefined. */
  url?: string;
  /** Runs SQL directly against this file's database (as the app's own role). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  user(roles: Role[], overrides?: { email?: string; displayName?: string }): Promise<TestUser>;
  /** Stops the app; on its own database, checks every outbox event against the event catalogue, then drops it. */
  close(): Promise<void>;
}

/** A fresh database for one test file: a copy of the migrated template, or of `template` (a seeded copy of it). */
export async function createTestDatabase(template = process.env.AMHP_TEST_TEMPLATE): Promise<string> {
  const server = process.env.AMHP_TEST_SERVER_URL;
  if (!server || !template) throw new Error('test/support/global-setup.ts did not run');
  const name = `amhp_t_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: databaseUrlWithName(server, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return databaseUrlWithName(server, name);
}

/** The demo hub a test file starts on: seeded as at the file's `now`, with `history` (false for none). */
export interface DemoOptions {
  history: HistoryOptions | false;
}

/**
 * The name of a database holding the migrated template with the demo hub seeded as at `now` (DemoSeed.seedIfEmpty,
 * on an app with `env`), built by the first file of the run that asks for it and kept for the rest: the files that
 * seed the same demo at the same instant with the same settings copy it (createTestDatabase) instead of each seeding
 * their own. Its name is a hash of those parameters, so a file with other ones gets a database of its own. A session
 * lock on the server makes the others wait while one builds it; it is built under another name and renamed when
 * whole, so a build that failed or was killed is never copied. Dropped with the run's other amhp_t_* databases.
 */
async function demoTemplate(now: string, env: Record<string, string>, demo: DemoOptions): Promise<string> {
  const server = process.env.AMHP_TEST_SERVER_URL;
  const migrated = process.env.AMHP_TEST_TEMPLATE;
  if (!server || !migrated) throw new Error('test/support/global-setup.ts did not run');
  const key = JSON.stringify({ now: new Date(now).toISOString(), env: Object.entries(env).sort(), history: demo.history });
  const name = `amhp_t_demo_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  const building = `${name}_building`;
  const admin = new Client({ connectionString: databaseUrlWithName(server, 'postgres') });
  await admin.connect();
  try {
    // Held until this connection ends: a file that asks while another builds waits for it, then copies what it built.
    await admin.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [name]);
    if ((await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount) return name;
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${building} TEMPLATE ${migrated}`);
    try {
      const seeder = await createTestApp({ now, env, databaseUrl: databaseUrlWithName(server, building) });
      try {
        if (!(await seeder.app.get(DemoSeed).seedIfEmpty({ history: demo.history })))
          throw new Error(`the demo seed found users in ${building}`);
      } finally {
        await seeder.close();
      }
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      throw err;
    }
    return name;
  } finally {
    await admin.end();
  }
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: databaseUrlWithName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Boots the real application (the same createApp as `npm start`) on a fresh database. With `demo`, the database
 * starts with the demo hub seeded as at `now`, as DemoSeed.seedIfEmpty(demo) would leave it: a copy of one built
 * once per run for those parameters (demoTemplate).
 */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    now?: string;
    imports?: AppOptions['imports'];
    databaseUrl?: string;
    listen?: boolean;
    demo?: DemoOptions;
  } = {},
): Promise<TestApp> {
  const now = options.now ?? '2026-11-21T10:00:00.000Z';
  if (options.demo && options.databaseUrl) throw new Error('createTestApp: demo makes a database of its own; give no databaseUrl');
  const databaseUrl =
    options.databaseUrl ?? (await createTestDatabase(options.demo ? await demoTemplate(now, options.env ?? {}, options.demo) : undefined));
  // Worker threads (reports, audit walks, the planner) at the API's priority: the suite runs two files at once on two
  // cores, where a lowered thread only waits longer; PLANNER_NICE's own effect is the planner bench's to show.
  const config = loadConfig({ NODE_ENV: 'test', PLANNER_NICE: '0', ...options.env });
  const clock = new ManualClock(new Date(now));
  const app = await createApp({ config, databaseUrl, clock, schedule: false, imports: options.imports });
  const ds = app.get(DataSource);
  // Every rule id a response carries must be in the law's catalogue (GET /rules): see rule-ids.ts.
  const ruleIds = watchRuleIds(app.getHttpServer());
  let counter = 0;
  let url: string | undefined;
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }
  const testApp: TestApp = {
    app,
    http: request(app.getHttpServer()),
    clock,
    databaseUrl,
    url,
    sql: (text, params) => ds.query(text, params),
    async user(roles, overrides = {}) {
      passwordHash ??= hashPassword(TEST_PASSWORD);
      counter += 1;
      const email = overrides.email ?? `${roles.join('-')}-${counter}-${randomBytes(3).toString('hex')}@test.amhp-hub.local`;
      const [row] = await ds.query('INSERT INTO users (email, display_name, roles, password_hash) VALUES ($1, $2, $3, $4) RETURNING id', [
        email,
        overrides.displayName ?? `Test ${roles.join('/')} ${counter}`,
        roles,
        await passwordHash,
      ]);
      const { token } = await app.get(TokenService).issueAccessToken(row.id, roles);
      return { id: row.id, email, roles, token, auth: `Bearer ${token}` };
    },
    async close() {
      await app.close();
      if (!options.databaseUrl) {
        // Every event this file's run wrote must match its published schema (src/events/catalogue.ts): a bad one fails the file.
        try {
          await checkOutboxEvents(databaseUrl);
        } finally {
          await dropTestDatabase(databaseUrl);
        }
      }
      if (ruleIds.unknown.length) {
        throw new Error(
          `Responses carried rule ids that GET /rules does not list (add them to src/statute/rule-catalogue.ts): ${ruleIds.unknown.join(', ')}`,
        );
      }
    },
  };
  return testApp;
}

/** Runs `fn` with the test clock a minute past `instant` (e.g. a session's end), then puts the clock back. */
export async function pastInstant<T>(t: TestApp, instant: string, fn: () => Promise<T>): Promise<T> {
  const by = Date.parse(instant) - t.clock.now().getTime() + 60_000;
  t.clock.advance(by);
  try {
    return await fn();
  } finally {
    t.clock.advance(-by);
  }
}

/**
 * Runs `fn` (requests for records read with their person's access facts) and fails if any access decision on a person
 * read those facts again (AccessService.decide with a person). The route guard's role-only decisions read nothing.
 */
export async function withoutPersonDecisions<T>(t: TestApp, fn: () => Promise<T>): Promise<T> {
  const decide = jest.spyOn(t.app.get(AccessService), 'decide');
  try {
    const result = await fn();
    expect(decide.mock.calls.filter(([, , personId]) => personId !== undefined)).toEqual([]);
    return result;
  } finally {
    decide.mockRestore();
  }
}
