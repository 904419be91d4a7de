import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Injectable, SetMetadata } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isRetryable } from './pg-errors';
import { PipelinedTransaction, type Statement } from './pipelined-transaction';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

const STRENGTH: Record<IsolationLevel, number> = { 'READ COMMITTED': 0, 'REPEATABLE READ': 1, SERIALIZABLE: 2 };
const ISOLATION = 'amhp:transaction-isolation';

/**
 * The isolation a POST route's work needs, declared on the handler. The idempotency interceptor opens the request's
 * ambient transaction at this level (read once per route), so the services' `transaction(fn, level)` calls can
 * join it without losing the guarantee they asked for. Undeclared routes run at READ COMMITTED.
 */
export function TransactionIsolation(level: IsolationLevel): MethodDecorator {
  return SetMetadata(ISOLATION, level);
}

const declared = new WeakMap<object, IsolationLevel>();

/** The level a handler declares with @TransactionIsolation, READ COMMITTED when none (read once per handler). */
export function declaredIsolation(handler: object): IsolationLevel {
  let level = declared.get(handler);
  if (!level) {
    level = (Reflect.getMetadata(ISOLATION, handler) as IsolationLevel | undefined) ?? 'READ COMMITTED';
    declared.set(handler, level);
  }
  return level;
}

/**
 * A transaction asked for a stronger isolation than the ambient one it would have to join: joining would silently
 * weaken it (a REPEATABLE READ snapshot read as separate READ COMMITTED statements). A programming error, seen as a
 * 500: declare the level on the route with @TransactionIsolation.
 */
export class TransactionIsolationError extends Error {
  override readonly name = 'TransactionIsolationError';
  constructor(asked: IsolationLevel, ambientLevel: IsolationLevel) {
    super(
      `A ${asked} transaction cannot join the request's ${ambientLevel} transaction without losing its guarantee: ` +
        `declare @TransactionIsolation('${asked}') on the route so the request's transaction is opened at that level.`,
    );
  }
}

interface Ambient {
  manager: EntityManager;
  isolation: IsolationLevel;
  /** Work to run once this transaction has ended, its connection back in the pool (afterTransaction). */
  after?: Array<() => Promise<void>>;
}

const ambient = new AsyncLocalStorage<Ambient>();
const statementNames = new Map<string, string>();

/**
 * A transaction's queries go to its one connection one after the other, whoever sends them and however (`m.query`,
 * a repository, a prepared statement; `Promise.all` over reads included). pg runs one query at a time on a connection:
 * it queues a second sent meanwhile but warns that pg 9 will refuse it. Each query waits for the one before it.
 */
const lastQuery = new WeakMap<QueryRunner, Promise<unknown>>();

function inTurnOn<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  const next = (lastQuery.get(runner) ?? Promise.resolve()).then(work);
  lastQuery.set(
    runner,
    next.catch(() => undefined),
  );
  return next;
}

/** `runner`, its queries made to run in turn (inTurnOn) whoever sends them. */
export function queriesInTurn(runner: QueryRunner): QueryRunner {
  const query = runner.query.bind(runner);
  runner.query = ((...args: Parameters<QueryRunner['query']>) => inTurnOn(runner, () => query(...args))) as QueryRunner['query'];
  return runner;
}

/** The transaction manager `m`, its query runner's queries made to run in turn. */
function oneAtATime(m: EntityManager): EntityManager {
  queriesInTurn(m.queryRunner!);
  return m;
}

/**
 * What a transaction records piece by piece and writes in one go just before it commits (its audit rows, its outbox
 * events): `call` turns every item added with `Db.atCommit`, in the order they were added, into one call of an SQL
 * function (e.g. `audit_append_rows($1, ...)`), its parameters numbered from `first`. Db makes the calls of all the
 * batches waiting one statement, on the transaction's own connection.
 */
export interface CommitBatch<T> {
  call(items: T[], first: number): { sql: string; params: unknown[] };
}

/** Rows as one array for each field, the shape an SQL function taking arrays wants: [[a1, b1], [a2, b2]] → [[a1, a2], [b1, b2]]. */
export function fieldsOf(rows: ReadonlyArray<readonly unknown[]>): unknown[][] {
  return rows[0].map((_, i) => rows.map((r) => r[i]));
}

/** `$first, $first+1, ...`: `n` parameter placeholders from `first`. */
export function placeholders(first: number, n: number): string {
  return Array.from({ length: n }, (_, i) => `$${first + i}`).join(', ');
}

/**
 * The one way services reach the database in a transaction.
 *
 * `transaction(fn, level)` joins the ambient transaction when there is one (opened by the idempotency interceptor, so
 * the stored response commits with the write it describes) and it is at least as strong as `level`, and refuses
 * (TransactionIsolationError) when it is weaker; otherwise it opens its own and retries the whole of `fn` on
 * serialization failure or deadlock (40001/40P01). `fn` must therefore be safe to run again.
 */
@Injectable()
export class Db {
  /** The batches waiting for each open transaction's commit (only transactions this class opened have an entry). */
  private readonly batches = new WeakMap<QueryRunner, Map<CommitBatch<unknown>, unknown[]>>();

  constructor(
    readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Adds `item` to `batch`'s writes at the commit of `m`'s transaction, and says whether it could: false when `m` is
   * not in a transaction this class opened (the pool's manager, a transaction of TypeORM's own), and the caller then
   * writes at once. The write happens inside the transaction, so it commits or rolls back with the rest.
   */
  atCommit<T>(m: EntityManager, batch: CommitBatch<T>, item: T): boolean {
    // A transaction past its last write (its batches written, or ended) takes no more: the caller writes at once,
    // into the transaction while it is still open, or fails as any write on a released connection does.
    const waiting = m.queryRunner && !m.queryRunner.isReleased && this.batches.get(m.queryRunner);
    if (!waiting) return false;
    const items = waiting.get(batch);
    if (items) items.push(item);
    else waiting.set(batch, [item]);
    return true;
  }

  /** Writes `batch`'s waiting items now (before a write that must come after them); nothing when none wait. */
  async flushBatch<T>(m: EntityManager, batch: CommitBatch<T>): Promise<void> {
    const waiting = m.queryRunner && this.batches.get(m.queryRunner);
    const items = waiting && waiting.get(batch);
    if (!items) return;
    waiting.delete(batch);
    await this.writeBatches(m, [[batch, items]]);
  }

  /** Every batch's waiting items as the one statement that writes them before the commit; null when none wait. */
  private takeBatches(runner: QueryRunner): Statement | null {
    const waiting = this.batches.get(runner);
    this.batches.delete(runner);
    return waiting?.size ? this.batchStatement([...waiting]) : null;
  }

  /** One statement calling each batch's function in turn, its parameters numbered after the batch before. */
  private async writeBatches(m: EntityManager, batches: Array<[CommitBatch<unknown>, unknown[]]>): Promise<void> {
    const { text, values } = this.batchStatement(batches);
    await this.preparedOn(m, text, values);
  }

  private batchStatement(batches: Array<[CommitBatch<unknown>, unknown[]]>): Statement & { values: unknown[] } {
    const calls: string[] = [];
    const values: unknown[] = [];
    for (const [batch, items] of batches) {
      const call = batch.call(items, values.length + 1);
      calls.push(call.sql);
      values.push(...call.params);
    }
    const text = `SELECT ${calls.join(', ')}`;
    return { text, values, name: Db.statementName(text) };
  }

  /**
   * A hot read as a named prepared statement, straight through the pg pool: Postgres plans it once per connection
   * instead of on every call (measured in bench/on-duty.bench.js). Inside an ambient transaction it runs on that
   * transaction's connection instead (preparedIn), so it sees the request's own writes. `name` must be unique per
   * SQL text.
   */
  async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const current = ambient.getStore();
    if (current) return this.preparedIn<T>(current.manager, text, values);
    const pool = (
      this.dataSource.driver as unknown as {
        master: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> };
      }
    ).master;
    return (await pool.query({ name, text, values })).rows;
  }

  /**
   * The same, inside a transaction: on the transaction's own connection, so that (for example) a list read and the
   * audit rows of what it returned commit together. The name is derived from the SQL text.
   */
  async preparedIn<T>(m: EntityManager, text: string, values: unknown[]): Promise<T[]> {
    // As m.query would: a transaction that has ended has given its connection back, perhaps to another request.
    if (m.queryRunner!.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const runner = m.queryRunner!;
    const client = (await runner.connect()) as {
      query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
    };
    return (await inTurnOn(runner, () => client.query({ name: Db.statementName(text), text, values }))).rows;
  }

  /**
   * A statement run often on a write path, prepared on whichever connection `m` uses: the transaction's own, or the
   * pool's for a manager outside one. Postgres then plans it once per connection; a statement with many sub-queries
   * (a referral's read-back) costs far more to plan than to run (measured in bench/run.js, P4).
   */
  async preparedOn<T>(m: EntityManager, text: string, values: unknown[]): Promise<T[]> {
    return m.queryRunner ? this.preparedIn<T>(m, text, values) : this.prepared<T>(Db.statementName(text), text, values);
  }

  /** A prepared statement's name derived from its SQL text (names must be unique per text on a connection). */
  static statementName(text: string): string {
    let name = statementNames.get(text);
    if (!name) {
      name = `q${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      if (statementNames.size > 2000) statementNames.clear();
      statementNames.set(text, name);
    }
    return name;
  }

  /** The ambient transaction's manager, when this async flow is inside one. */
  get current(): EntityManager | undefined {
    return ambient.getStore()?.manager;
  }

  /** The ambient transaction's isolation level, when this async flow is inside one. */
  get currentIsolation(): IsolationLevel | undefined {
    return ambient.getStore()?.isolation;
  }

  /**
   * Where a read outside an explicit `transaction()` goes: the ambient transaction when there is one (so it sees
   * what the request, or the demo seed, has written and not yet committed, and never waits on its own row locks),
   * else the pool.
   */
  get manager(): EntityManager {
    return ambient.getStore()?.manager ?? this.dataSource.manager;
  }

  async transaction<T>(fn: (m: EntityManager) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    const current = ambient.getStore();
    if (current) {
      if (STRENGTH[isolation] > STRENGTH[current.isolation]) throw new TransactionIsolationError(isolation, current.isolation);
      return fn(current.manager);
    }
    return this.ambientTransaction(fn, isolation);
  }

  /**
   * Opens a transaction that later `transaction()` calls in the same async flow join. Work queued with
   * `afterTransaction` runs once it has ended, committed or rolled back (of its last attempt, when retried), before
   * this returns or throws; an error of that work is thrown in place of the transaction's outcome.
   */
  async ambientTransaction<T>(fn: (m: EntityManager) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    let after: Array<() => Promise<void>> = [];
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      const value = await this.retrying(() => {
        after = [];
        return this.begin(isolation, (manager) => ambient.run({ manager, isolation, after }, () => fn(manager)));
      });
      outcome = { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error };
    }
    for (const work of after) await work();
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * Queues `work` to run once the ambient transaction has ended and its connection is back in the pool; false (and
   * nothing queued) outside one. For work that takes a connection of its own, such as an audit record that must be
   * kept whatever becomes of the transaction: taken while the transaction still held its connection, a request
   * waiting on a row lock held every connection of the pool, and the one holding the lock waited for an eleventh
   * (a pool deadlock, answered 503 after the connection timeout).
   */
  afterTransaction(work: () => Promise<void>): boolean {
    const after = ambient.getStore()?.after;
    if (!after) return false;
    after.push(work);
    return true;
  }

  /**
   * A read-only REPEATABLE READ transaction of its own, on its own connection, even inside an ambient transaction:
   * for reads that must come from one consistent snapshot and write nothing, such as the planner's facts. It does not
   * see the ambient transaction's uncommitted writes, so read with it only before writing anything.
   */
  async snapshot<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return ambient.exit(() =>
      this.retrying(() =>
        this.begin('REPEATABLE READ', (m) => ambient.run({ manager: m, isolation: 'REPEATABLE READ' }, () => fn(m)), { readOnly: true }),
      ),
    );
  }

  /**
   * Runs `fn` outside any ambient transaction: its `transaction()` calls open transactions of their own, committed
   * whatever becomes of the caller's. For state other instances must see at once (a planner run taking the hub's one
   * running place) and for work that outlives the request that started it.
   */
  detached<T>(fn: () => T): T {
    return ambient.exit(fn);
  }

  /**
   * Opens a transaction whose queries run in turn on its connection (oneAtATime), and writes its batches (atCommit)
   * once `fn` has done, in the same round trip as the COMMIT; its BEGIN goes with its first statement
   * (PipelinedTransaction). A read-only transaction (`readOnly`) takes no batches: what it would record is written at
   * once, and refused as any write in it is.
   */
  private async begin<T>(
    isolation: IsolationLevel,
    fn: (m: EntityManager) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    let tx: PipelinedTransaction | undefined;
    try {
      tx = await PipelinedTransaction.open(runner, isolation, options.readOnly);
      if (!options.readOnly) this.batches.set(runner, new Map());
      const result = await fn(oneAtATime(runner.manager));
      // After every query of the transaction sent so far, as its own queries are (inTurnOn).
      const last = this.takeBatches(runner);
      await inTurnOn(runner, () => tx!.commit(last));
      return result;
    } catch (err) {
      this.batches.delete(runner);
      await tx?.rollback();
      throw err;
    } finally {
      tx?.close();
      await runner.release();
    }
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!isRetryable(err) || i >= this.config.serializationRetries) throw err;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * 2 ** i)));
      }
    }
  }
}
