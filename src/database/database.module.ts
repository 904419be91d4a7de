import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { Db } from './db';

export const DATABASE_URL = Symbol('DATABASE_URL');

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Graceful shutdown: Fastify has stopped taking requests and finished the ones in flight; close the pool. */
  async onApplicationShutdown(): Promise<void> {
    await closeDataSource(this.dataSource);
  }

  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: databaseUrl },
        {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const logger = new Logger('Database');
            // An idle client losing its server (restart, failover) emits 'error' on the pool; without a handler
            // the process would crash. Requests meanwhile get 503 and the pool reconnects when the server is back.
            const ds = new DataSource(dataSourceOptions(config, databaseUrl, (err) => logger.warn(`pool error: ${err.message}`)));
            return ds.initialize();
          },
        },
        Db,
      ],
      exports: [DataSource, Db, DATABASE_URL],
    };
  }
}

export async function closeDataSource(ds: DataSource): Promise<void> {
  if (ds.isInitialized) await ds.destroy();
}
