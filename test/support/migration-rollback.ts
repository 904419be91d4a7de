import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Db } from '../../src/database/db';
import type { TestApp } from './test-app';

/** `run` in a transaction of its own on `t`'s database, rolled back whatever happens: the schema and rows stay as they were. */
export async function rolledBack<T>(t: TestApp, run: (q: QueryRunner) => Promise<T>): Promise<T> {
  const q = t.app.get(Db).dataSource.createQueryRunner();
  try {
    await q.startTransaction();
    return await run(q);
  } finally {
    await q.rollbackTransaction();
    await q.release();
  }
}

/**
 * Every migration from `name` to the last, newest first, rolled back on `q` as `npm run migration:revert` would: the
 * schema as it was before `name`. Those that run outside a transaction (building an index CONCURRENTLY) cannot run in
 * one, so they are left out; none touches the tables these tests read. Returns the ones rolled back, to run up again.
 */
export async function revertTo(q: QueryRunner, name: string): Promise<MigrationInterface[]> {
  const from = MIGRATIONS.findIndex((M) => new M().name === name);
  if (from < 1) throw new Error(`no migration ${name} after the first`);
  const reverted = MIGRATIONS.slice(from)
    .reverse()
    .map((M) => new M())
    .filter((m) => (m as { transaction?: boolean }).transaction !== false);
  for (const m of reverted) await m.down(q);
  return reverted;
}
