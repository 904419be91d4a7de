import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { requestContext } from '../common/request-context';
import { Db } from '../database/db';
import { DomainEvent, EventType } from './catalogue';

/** Writes domain events to the outbox in the caller's transaction, so an event exists exactly when its change does. */
@Injectable()
export class EventsService {
  constructor(
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /** One prepared INSERT on the caller's transaction's connection (most changes raise an event). */
  async emit<T extends EventType>(m: EntityManager, event: DomainEvent<T>): Promise<void> {
    await this.db.preparedOn(
      m,
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, actor_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        event.type,
        event.aggregateType,
        event.aggregateId,
        event.payload,
        requestContext.current()?.actor?.userId ?? null,
        this.clock.now(),
      ],
    );
  }
}
