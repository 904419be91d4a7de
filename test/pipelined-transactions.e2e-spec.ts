import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { AppConfig } from '../src/config/app-config';
import { Db, type CommitBatch } from '../src/database/db';
import { sendTogether } from '../src/database/pipelined-transaction';
import { createTestApp, TestApp } from './support/test-app';

interface RawClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
  connection: { on(event: 'readyForQuery', fn: () => void): void; off(event: 'readyForQuery', fn: () => void): void };
}

/** A batch written at commit whose one call fails when Postgres runs it (division by zero). */
const FAILING_BATCH: CommitBatch<number> = {
  call: (items, first) => ({ sql: `(SELECT 1 / ($${first}::int - ${items[0]}))`, params: [items[0]] }),
};

describe('transactions: BEGIN travels with the first statement and COMMIT with the rows written at commit', () => {
  let t: TestApp;
  let db: Db;
  let audit: AuditService;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
    db = t.app.get(Db);
    audit = t.app.get(AuditService);
    await t.sql(`CREATE TABLE pipelined_probe (id int PRIMARY KEY, note text)`);
  });
  afterAll(() => t.close());
  beforeEach(() => t.sql(`DELETE FROM pipelined_probe`));

  /** The round trips `m`'s connection makes from now on (Postgres's ReadyForQuery ends each), until `stop`. */
  async function roundTrips(m: EntityManager): Promise<{ count: () => number; stop: () => void }> {
    const client = (await m.queryRunner!.connect()) as RawClient;
    let n = 0;
    const seen = () => n++;
    client.connection.on('readyForQuery', seen);
    return { count: () => n, stop: () => client.connection.off('readyForQuery', seen) };
  }

  /** Every connection of the pool, each asked at once, answers and is in no transaction. */
  async function everyConnectionIsClean(): Promise<void> {
    const max = t.app.get(AppConfig).dbPoolMax;
    const ds = t.app.get(DataSource);
    const answers = await Promise.all(
      Array.from({ length: max }, () =>
        ds.query<Array<{ open: string }>>(`SELECT (now() = statement_timestamp())::text AS open FROM pg_sleep(0.01)`),
      ),
    );
    // now() is the transaction's start: equal to the statement's only when the statement is a transaction of its own.
    expect(answers.map(([a]) => a.open)).toEqual(Array(max).fill('true'));
  }

  it('a write with an audit row costs one round trip a statement: BEGIN and COMMIT take none of their own', async () => {
    let trips: Awaited<ReturnType<typeof roundTrips>> | undefined;
    await db.transaction(async (m) => {
      trips = await roundTrips(m);
      await m.query(`INSERT INTO pipelined_probe (id, note) VALUES ($1, $2)`, [1, 'first']);
      await m.query(`UPDATE pipelined_probe SET note = $2 WHERE id = $1`, [1, 'second']);
      await audit.record(m, { action: 'test.pipelined', resourceType: 'test', actor: null });
    });
    trips!.stop();
    // The INSERT (with BEGIN), the UPDATE, the audit row (with COMMIT): three, against five with BEGIN and COMMIT apart.
    expect(trips!.count()).toBe(3);
    expect(await t.sql(`SELECT id, note FROM pipelined_probe`)).toEqual([{ id: 1, note: 'second' }]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.pipelined'`)).toEqual([{ n: 1 }]);
  });

  it('a transaction that sends nothing costs nothing, and one that only records audit rows costs one round trip', async () => {
    let empty: Awaited<ReturnType<typeof roundTrips>> | undefined;
    await db.transaction(async (m) => {
      empty = await roundTrips(m);
    });
    empty!.stop();
    expect(empty!.count()).toBe(0);

    let onlyAudit: Awaited<ReturnType<typeof roundTrips>> | undefined;
    await db.transaction(async (m) => {
      onlyAudit = await roundTrips(m);
      await audit.record(m, { action: 'test.only-audit', resourceType: 'test', actor: null });
    });
    onlyAudit!.stop();
    expect(onlyAudit!.count()).toBe(1);
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.only-audit'`)).toEqual([{ n: 1 }]);
  });

  it.each([
    [
      'with parameters (sent with BEGIN)',
      (m: EntityManager) => m.query(`INSERT INTO pipelined_probe (id, note) VALUES ($1, $2)`, [2, 'x']),
    ],
    ['without parameters (BEGIN sent first)', (m: EntityManager) => m.query(`INSERT INTO pipelined_probe (id, note) VALUES (2, 'x')`)],
    ['prepared (sent with BEGIN)', (m: EntityManager) => db.preparedIn(m, `INSERT INTO pipelined_probe (id, note) VALUES ($1, 'x')`, [2])],
  ])('a first statement %s is inside the transaction: when the transaction fails, nothing of it stays', async (_name, first) => {
    await expect(
      db.transaction(async (m) => {
        await first(m);
        expect(await m.query(`SELECT count(*)::int AS n FROM pipelined_probe`)).toEqual([{ n: 1 }]);
        throw new Error('the request failed after its first write');
      }),
    ).rejects.toThrow('the request failed after its first write');
    expect(await t.sql(`SELECT * FROM pipelined_probe`)).toEqual([]);
    await everyConnectionIsClean();
  });

  it('when the rows written at commit fail, nothing of the transaction is committed and every connection is clean', async () => {
    await expect(
      db.transaction(async (m) => {
        await m.query(`INSERT INTO pipelined_probe (id, note) VALUES ($1, $2)`, [3, 'before the failing commit']);
        await audit.record(m, { action: 'test.batch-failed', resourceType: 'test', actor: null });
        expect(db.atCommit(m, FAILING_BATCH, 7)).toBe(true);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await t.sql(`SELECT * FROM pipelined_probe`)).toEqual([]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.batch-failed'`)).toEqual([{ n: 0 }]);
    await everyConnectionIsClean();
  });

  it('a COMMIT that Postgres refuses (a deferred constraint) is reported, and nothing of the transaction stays', async () => {
    await expect(
      db.transaction(async (m) => {
        await m.query(`CREATE TEMP TABLE deferred_probe (id int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP`);
        await m.query(`INSERT INTO deferred_probe VALUES ($1), ($1)`, [1]);
        await m.query(`INSERT INTO pipelined_probe (id, note) VALUES ($1, $2)`, [4, 'refused at commit']);
        await audit.record(m, { action: 'test.commit-refused', resourceType: 'test', actor: null });
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await t.sql(`SELECT * FROM pipelined_probe`)).toEqual([]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.commit-refused'`)).toEqual([{ n: 0 }]);
    await everyConnectionIsClean();
  });

  /** The transaction's isolation and read-only setting, read by its first statement, and the round trips it took. */
  async function settingsAndTrips(m: EntityManager): Promise<{ level: string; ro: string; trips: number }> {
    const trips = await roundTrips(m);
    const [row] = await m.query<Array<{ level: string; ro: string }>>(
      `SELECT current_setting('transaction_isolation') AS level, current_setting('transaction_read_only') AS ro WHERE $1::int = 1`,
      [1],
    );
    trips.stop();
    return { ...row, trips: trips.count() };
  }

  it.each([
    ['READ COMMITTED', 'read committed'],
    ['REPEATABLE READ', 'repeatable read'],
    ['SERIALIZABLE', 'serializable'],
  ] as const)('a transaction asked at %s runs at it, its BEGIN sent with its first statement', async (level, shown) => {
    expect(await db.ambientTransaction(settingsAndTrips, level)).toEqual({ level: shown, ro: 'off', trips: 1 });
  });

  it('a snapshot is one REPEATABLE READ, read-only transaction opened with its first read', async () => {
    expect(await db.snapshot(settingsAndTrips)).toEqual({ level: 'repeatable read', ro: 'on', trips: 1 });
    await expect(db.snapshot((m) => m.query(`INSERT INTO pipelined_probe (id, note) VALUES ($1, 'no')`, [5]))).rejects.toMatchObject({
      driverError: { code: '25006' },
    });
  });

  it('a named statement Postgres skipped because the statement before it failed is prepared again when next asked', async () => {
    const pool = (t.app.get(DataSource).driver as unknown as { master: { connect(): Promise<RawClient & { release(): void }> } }).master;
    const client = await pool.connect();
    try {
      const statement = {
        name: 'pipelined_probe_count',
        text: `SELECT count(*)::int AS n FROM pipelined_probe WHERE id > $1`,
        values: [0],
      };
      // The statement before fails: Postgres skips the named statement's Parse, so it is not prepared on this connection.
      await expect(sendTogether(client, statement, 'SELECT 1 / 0', null)).rejects.toMatchObject({ code: '22012' });
      // Asked again, it is parsed again (not bound as if prepared: "prepared statement does not exist").
      expect((await client.query(statement)).rows).toEqual([{ n: 0 }]);
      // Prepared now, it goes with a fixed statement before it as a bound statement.
      const result = await sendTogether(client, statement, 'SELECT 1', null);
      expect(result.rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
  });
});
