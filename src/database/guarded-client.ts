import { Client, type ClientConfig } from 'pg';

/**
 * The connection the pools make. pg-pool takes its 'error' listener off a connection as it hands it out, and TypeORM
 * puts its own on one microtask later; a server message that arrives in the same chunk as the one that completed the
 * connection (a FATAL from a backend whose postmaster was just killed) was emitted as 'error' with nobody listening,
 * which crashes the process (seen once in the R11 outage test, killing the postmaster under concurrent writes).
 *
 * So a connection listens for errors for its whole life. Nothing is lost by it: whoever holds the connection still
 * has its statement fail ("not queryable", answered 503), and the pool drops a connection that comes back unusable.
 */
export class GuardedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
