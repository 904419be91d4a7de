import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
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
