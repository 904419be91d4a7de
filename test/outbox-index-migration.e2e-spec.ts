import { OutboxCommitOrderIndex1796800000000 } from '../migrations/1796800000000-OutboxCommitOrderIndex';
import { Db } from '../src/database/db';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The outbox's commit-order index is built CONCURRENTLY (OutboxCommitOrderIndex), outside a transaction, so that a
 * hub upgrading with years of events keeps recording changes (each writes an outbox event) while it builds. Run down
 * and up on this file's own database.
 */
describe('the outbox commit-order index: built without holding the hub’s writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const migration = new OutboxCommitOrderIndex1796800000000();
  const index = () =>
    t.sql<{ oid: number; valid: boolean; definition: string }>(
      `SELECT c.oid::int AS oid, i.indisvalid AS valid, pg_get_indexdef(c.oid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'outbox_events_commit_order_idx'`,
    );
  async function run(step: 'up' | 'down'): Promise<void> {
    const q = t.app.get(Db).dataSource.createQueryRunner();
    try {
      await migration[step](q);
    } finally {
      await q.release();
    }
  }

  it('runs outside a transaction (CREATE INDEX CONCURRENTLY cannot run in one)', () => {
    expect(migration.transaction).toBe(false);
  });

  it('a database migrated from nothing has the index, valid, on (xact_id, id)', async () => {
    const [i] = await index();
    expect(i).toMatchObject({ valid: true });
    expect(i.definition).toBe('CREATE INDEX outbox_events_commit_order_idx ON public.outbox_events USING btree (xact_id, id)');
  });

  it('on a database that has it already (built by the migration before it, as it was), up() keeps it as it is', async () => {
    const [before] = await index();
    await run('up');
    expect(await index()).toEqual([before]);
  });

  it('an index left invalid by an interrupted build is built again, valid', async () => {
    const [before] = await index();
    await t.sql(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::oid`, [before.oid]);
    expect(await index()).toEqual([{ ...before, valid: false }]);
    await run('up');
    const [after] = await index();
    expect(after).toMatchObject({ valid: true, definition: before.definition });
    expect(after.oid).not.toBe(before.oid);
  });

  it('down() drops it and up() builds it again, with events written in between', async () => {
    await run('down');
    expect(await index()).toEqual([]);
    await t.sql(
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ('test.index', 'test', 'x', '{}', now())`,
    );
    await run('up');
    expect(await index()).toEqual([expect.objectContaining({ valid: true })]);
    // (Not an event of the catalogue, which the file's close checks every outbox row against.)
    await t.sql(`DELETE FROM outbox_events WHERE type = 'test.index'`);
  });
});
