import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * The age in seconds of the oldest transaction on this database that has written and is still open (0 when none):
 * committed events wait behind it before the live stream and webhooks deliver them (the outbox's commit order,
 * OUTBOX_HORIZON_SQL), so a session left open in a transaction holds every event back for as long as it stays open.
 */
export const OLDEST_WRITING_TRANSACTION_SQL = `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(xact_start)), 0)::float8 AS seconds
   FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`;

/** Prometheus metrics: process defaults, request durations by route, the database pool, and what holds events back. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** The histogram's series by method, route and status, looked up once each (labels() hashes its arguments every call). */
  private readonly requestSeries = new Map<string, { observe(seconds: number): void }>();

  /** Records one answered request (bootstrap's onResponse hook). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) this.requestSeries.set(key, (series = this.requestDuration.labels(method, route, String(status))));
    series.observe(seconds);
  }

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    const pool = () =>
      (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    new Gauge({
      name: 'db_pool_connections_total',
      help: 'Connections open in the pool',
      registers: [this.registry],
      collect() {
        this.set(pool()?.totalCount ?? 0);
      },
    });
    new Gauge({
      name: 'db_pool_connections_idle',
      help: 'Idle connections in the pool',
      registers: [this.registry],
      collect() {
        this.set(pool()?.idleCount ?? 0);
      },
    });
    new Gauge({
      name: 'db_oldest_writing_transaction_seconds',
      help: 'Age of the oldest open transaction that has written on this database: the live stream and webhooks hold committed events back until it ends',
      registers: [this.registry],
      async collect() {
        const [row] = await dataSource.query<Array<{ seconds: number }>>(OLDEST_WRITING_TRANSACTION_SQL).catch(() => [{ seconds: NaN }]);
        this.set(Number(row?.seconds ?? 0));
      },
    });
    new Gauge({
      name: 'db_pool_waiting_requests',
      help: 'Requests waiting for a pool connection',
      registers: [this.registry],
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
  }
}
