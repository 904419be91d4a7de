import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isRetryable } from './pg-errors';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

const ambient = new AsyncLocalStorage<EntityManager>();
const statementNames = new Map<string, string>();

/**
 * The one way services reach the database in a transaction.
 *
 * `transaction(fn)` joins the ambient transaction when there is one (opened by the idempotency interceptor, so the
 * stored response commits with the write it describes); otherwise it opens its own and retries the whole of `fn`
 * on serialization failure or deadlock (40001/40P01). `fn` must therefore be safe to run again.
 */
@Injectable()
export class Db {
  constructor(
    readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * A hot read as a named prepared statement, straight through the pg pool: Postgres plans it once per connection
   * instead of on every call (measured in bench/on-duty.bench.js). Outside transactions only; `name` must be unique
   * per SQL text.
   */
  async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
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
    const client = (await m.queryRunner!.connect()) as {
      query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
    };
    return (await client.query({ name: Db.statementName(text), text, values })).rows;
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
    return ambient.getStore();
  }

  /**
   * Where a read outside an explicit `transaction()` goes: the ambient transaction when there is one (so it sees
   * what the request, or the demo seed, has written and not yet committed, and never waits on its own row locks),
   * else the pool.
   */
  get manager(): EntityManager {
    return ambient.getStore() ?? this.dataSource.manager;
  }

  async transaction<T>(fn: (m: EntityManager) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    const current = ambient.getStore();
    if (current) return fn(current);
    return this.retrying(() => this.begin(isolation, (m) => ambient.run(m, () => fn(m))));
  }

  /** Opens a transaction that later `transaction()` calls in the same async flow join. */
  async ambientTransaction<T>(fn: (m: EntityManager) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    return this.retrying(() => this.begin(isolation, (m) => ambient.run(m, () => fn(m))));
  }

  /** READ COMMITTED is Postgres's default: naming it would cost a SET TRANSACTION round trip per transaction. */
  private begin<T>(isolation: IsolationLevel, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return isolation === 'READ COMMITTED' ? this.dataSource.transaction(fn) : this.dataSource.transaction(isolation, fn);
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
