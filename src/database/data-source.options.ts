import type { DataSourceOptions } from 'typeorm';
import type { ClientConfig } from 'pg';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
import { GuardedClient } from './guarded-client';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The one description of how to reach the database, used by the app, the migration CLI and the tests.
 * `synchronize` is always off: migrations build the schema.
 */
export function dataSourceOptions(config: AppConfig, url: string, onPoolError?: (err: Error) => void): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // gen_random_uuid() is core since PostgreSQL 13; extensions are created by migrations, never at start-up.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    poolErrorHandler: onPoolError ?? (() => undefined),
    extra: {
      // Every connection keeps an 'error' listener: an error between the pool's and TypeORM's never goes unheard.
      Client: GuardedClient,
      max: config.dbPoolMax,
      // pg waits forever for a connection by default; an outage must answer 503 within seconds instead.
      connectionTimeoutMillis: config.dbConnectTimeoutMs,
      idleTimeoutMillis: config.dbIdleTimeoutMs,
      statement_timeout: config.dbStatementTimeoutMs,
      query_timeout: config.dbStatementTimeoutMs + 2000,
      application_name: 'amhp-hub',
      options: '-c TimeZone=UTC',
    },
  };
}

/** A connection of a worker thread's own (the reports, the audit walks): what a pg Client or Pool is given there. */
export type OwnConnection = Pick<
  ClientConfig,
  'connectionString' | 'options' | 'application_name' | 'statement_timeout' | 'query_timeout' | 'connectionTimeoutMillis'
>;

/**
 * The app's connection settings (dataSourceOptions) for a connection of a worker thread's own, named `applicationName`:
 * the same server, session options and timeouts, so that an outage fails its work within seconds as it does the API's.
 */
export function ownConnection(options: DataSourceOptions, applicationName: string): OwnConnection {
  const { url, extra } = options as { url?: string; extra?: OwnConnection };
  return {
    connectionString: url,
    options: extra?.options,
    statement_timeout: extra?.statement_timeout,
    query_timeout: extra?.query_timeout,
    connectionTimeoutMillis: extra?.connectionTimeoutMillis,
    application_name: applicationName,
  };
}
