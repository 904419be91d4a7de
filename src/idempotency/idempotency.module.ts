import { Injectable, Logger, Module } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { Db } from '../database/db';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Removes stored responses past their lifetime; the advisory lock makes one replica do it. */
@Injectable()
export class IdempotencyPurge {
  private readonly logger = new Logger('IdempotencyPurge');

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async purge(): Promise<number> {
    try {
      return await this.db.transaction(async (m) => {
        const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtextextended('job:idempotency-purge', 0)) AS locked`);
        if (!locked) return 0;
        const [, count] = await m.query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [this.clock.now()]);
        return count as number;
      });
    } catch (err) {
      this.logger.warn(`purge failed: ${(err as Error).message}`);
      return 0;
    }
  }
}

@Module({ providers: [IdempotencyInterceptor, IdempotencyPurge], exports: [IdempotencyInterceptor] })
export class IdempotencyModule {}
