import { Query, type QueryResult } from 'pg';
import type { QueryRunner } from 'typeorm';
import type { IsolationLevel } from './db';

/** What a statement is sent as: its text, its parameters, and a prepared statement's name when it has one. */
export interface Statement {
  text: string;
  values?: unknown[];
  name?: string;
}

/** The parts of pg's connection a statement writes its protocol messages with. */
interface Wire {
  parse(m: { text: string; name: string; types: unknown[] }): void;
  bind(m: { portal: string; statement: string; values: unknown[] }): void;
  execute(m: { portal: string; rows?: number }): void;
  sync(): void;
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}

/** The parts of pg's Query this class builds on (not in its published types). */
interface QueryInternals {
  prepare(connection: Wire): void;
  _getRows(connection: Wire, rows: number | undefined): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: Wire): void;
  handleError(err: Error, connection: Wire): void;
  portal: string;
  queryMode?: string;
}

/** A statement without parameters, by the extended protocol: parsed, bound and run, answered before the next Sync. */
function writeFixed(connection: Wire, text: string): void {
  connection.parse({ text, name: '', types: [] });
  connection.bind({ portal: '', statement: '', values: [] });
  connection.execute({ portal: '', rows: 0 });
}

/** pg's Query's own handlers, which Bracketed's call for the statement's answers. */
const base = Query.prototype as unknown as QueryInternals;

/**
 * One statement with fixed statements before it (BEGIN) and after it (COMMIT), written together and answered in one
 * round trip. They share one Sync: when any of them fails, Postgres skips the rest up to the Sync, so a statement
 * never runs outside the transaction its BEGIN opens, and a COMMIT never follows a statement that failed. Only the
 * statement's answer is the caller's: the fixed statements' are passed over, rows included.
 *
 * pg records a named statement as prepared on the connection at the first ParseComplete of a query; the one that
 * comes first here is BEGIN's. The statement's name is therefore hidden until BEGIN has been answered, so that a
 * statement Postgres skipped is not taken for one it prepared.
 */
class Bracketed extends Query {
  private realName: string | undefined;
  /** Whose answers are arriving: the statement before, the statement, or the statement after. */
  private phase: 'before' | 'statement' | 'after' = 'statement';

  constructor(
    statement: Statement,
    private readonly before: string | null,
    private readonly after: string | null,
    callback: (err: Error | undefined, result: QueryResult) => void,
  ) {
    super({ text: statement.text, values: statement.values, name: statement.name }, callback as never);
    this.realName = statement.name;
    Object.defineProperty(this, 'name', {
      get: () => (this.phase === 'before' ? undefined : this.realName),
      set: (name: string | undefined) => (this.realName = name),
      configurable: true,
    });
    // The statement goes by the extended protocol even without parameters, so that it can share the Sync.
    (this as unknown as QueryInternals).queryMode = 'extended';
  }

  prepare(connection: Wire): void {
    if (this.before) writeFixed(connection, this.before);
    base.prepare.call(this, connection);
    if (this.before) this.phase = 'before';
  }

  _getRows(connection: Wire, rows: number | undefined): void {
    connection.execute({ portal: (this as unknown as QueryInternals).portal, rows });
    if (this.after) writeFixed(connection, this.after);
    connection.sync();
  }

  handleDataRow(msg: unknown): void {
    if (this.phase === 'statement') base.handleDataRow.call(this, msg);
  }

  handleCommandComplete(msg: unknown, connection: Wire): void {
    if (this.phase === 'before') this.phase = 'statement';
    else if (this.phase === 'statement') {
      base.handleCommandComplete.call(this, msg, connection);
      this.phase = 'after';
    }
  }

  handleError(err: Error, connection: Wire): void {
    // The statement before failed: Postgres skipped the statement, Parse and all, so it is not prepared here.
    if (this.phase === 'before' && this.realName && !connection.parsedStatements[this.realName])
      delete connection.submittedNamedStatements[this.realName];
    this.phase = 'statement';
    base.handleError.call(this, err, connection);
  }
}

export interface PgClient {
  query(...args: unknown[]): unknown;
}

/** Calls pg's own `query` of a client, whatever this module has put in front of it. */
const ownQuery = (client: PgClient, ...args: unknown[]): unknown => (Object.getPrototypeOf(client) as PgClient).query.apply(client, args);

/** A statement (text, or a query config) sent on `client` by pg's own `query`, its result awaited. */
const clientQuery = (client: PgClient, ...args: unknown[]): Promise<QueryResult> => ownQuery(client, ...args) as Promise<QueryResult>;

/**
 * Sends `statement` on `client` with the fixed statements `before` and `after` it, in one round trip and one Sync
 * (Bracketed); its own result comes back.
 */
export function sendTogether(client: PgClient, statement: Statement, before: string | null, after: string | null): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const q = new Bracketed(statement, before, after, (err, result) => (err ? reject(err) : resolve(result)));
    // A submittable's answer comes through its callback (and pg's read timeout wraps that callback).
    ownQuery(client, q);
  });
}

/** The statement that opens a transaction at `isolation`, read-only when asked (Postgres's default is READ COMMITTED). */
export function beginStatement(isolation: IsolationLevel, readOnly: boolean): string {
  const level = isolation === 'READ COMMITTED' ? '' : ` ISOLATION LEVEL ${isolation}`;
  return `START TRANSACTION${level}${readOnly ? ' READ ONLY' : ''}`;
}

/**
 * A transaction on a query runner's connection whose BEGIN travels with its first statement and whose COMMIT travels
 * with its last (the batches written at commit), instead of a round trip of their own each: two round trips fewer for
 * every transaction, which is most of what a short write costs over a network. A transaction that sent nothing sends
 * nothing at all.
 *
 * While it is open, the connection's `query` sends the BEGIN, when it has not gone yet, in front of the statement
 * asked for. TypeORM sees the runner as in a transaction (so a repository's save does not open one of its own).
 */
export class PipelinedTransaction {
  /** The BEGIN not sent yet; null once it has gone with a statement. */
  private pendingBegin: string | null;
  private ended = false;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly client: PgClient,
    begin: string,
  ) {
    this.pendingBegin = begin;
  }

  /** Takes a connection for `runner` and opens the transaction on it (nothing is sent yet). */
  static async open(runner: QueryRunner, isolation: IsolationLevel, readOnly = false): Promise<PipelinedTransaction> {
    const client = (await runner.connect()) as PgClient;
    const tx = new PipelinedTransaction(runner, client, beginStatement(isolation, readOnly));
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    (runner as unknown as { transactionDepth: number }).transactionDepth = 1;
    client.query = tx.query;
    return tx;
  }

  /** The connection's `query` while the transaction is open. */
  private readonly query = (config: unknown, values?: unknown, callback?: unknown): unknown => {
    const begin = this.pendingBegin;
    const isStatement = typeof config === 'string' || (typeof config === 'object' && config !== null && !('submit' in config));
    if (begin === null || !isStatement || typeof values === 'function' || callback !== undefined)
      return clientQuery(this.client, config, values, callback);
    this.pendingBegin = null;
    const given = typeof config === 'string' ? { text: config } : (config as Statement);
    const statement: Statement = { text: given.text, name: given.name, values: (values as unknown[] | undefined) ?? given.values };
    // A statement without parameters or a name goes by the simple protocol, which may carry several statements and
    // cannot share a Sync: its BEGIN goes first, on its own.
    if (!statement.name && !statement.values?.length)
      return clientQuery(this.client, begin).then(() => clientQuery(this.client, config, values));
    return sendTogether(this.client, statement, begin, null);
  };

  /**
   * Commits, with `last` (e.g. the batches written at commit) in the same round trip when given. When nothing was
   * sent, not even BEGIN, `last` goes with BEGIN and COMMIT both, and without `last` nothing is sent.
   */
  async commit(last: Statement | null): Promise<void> {
    const begin = this.pendingBegin;
    this.pendingBegin = null;
    if (last) await sendTogether(this.client, last, begin, 'COMMIT');
    else if (begin === null) await clientQuery(this.client, 'COMMIT');
    this.end();
  }

  /** Rolls back what was sent (an error of its own is not the caller's: the caller's error is the one to report). */
  async rollback(): Promise<void> {
    if (this.ended) return;
    const sent = this.pendingBegin === null;
    this.end();
    if (!sent || this.runner.isReleased) return;
    try {
      await clientQuery(this.client, 'ROLLBACK');
    } catch {
      // The connection went away: Postgres rolled the transaction back itself.
    }
  }

  /** Gives the connection back its own `query` (before the runner is released to the pool). */
  close(): void {
    if (Object.prototype.hasOwnProperty.call(this.client, 'query')) delete (this.client as { query?: unknown }).query;
  }

  private end(): void {
    this.ended = true;
    (this.runner as { isTransactionActive: boolean }).isTransactionActive = false;
    (this.runner as unknown as { transactionDepth: number }).transactionDepth = 0;
  }
}
