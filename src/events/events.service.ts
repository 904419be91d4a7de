import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { requestContext } from '../common/request-context';
import { CommitBatch, Db, fieldsOf, placeholders } from '../database/db';
import { DomainEvent, EventType } from './catalogue';

/** One outbox row's fields as outbox_append_rows takes them: type, aggregate type and id, payload (JSON text), actor, when. */
type OutboxRow = [string, string, string, string, string | null, Date];

/** Writes domain events to the outbox in the caller's transaction, so an event exists exactly when its change does. */
@Injectable()
export class EventsService {
  constructor(
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /**
   * The events a transaction raised, written just before it commits (Db.atCommit), in one call with its audit rows:
   * each parameter of outbox_append_rows holds one field of every event, in the order they were raised.
   */
  private readonly atCommit: CommitBatch<OutboxRow> = {
    call: (rows, first) => ({ sql: `outbox_append_rows(${placeholders(first, 6)})`, params: fieldsOf(rows) }),
  };

  /**
   * In a transaction Db opened (every request's and job's), the event is written as the transaction commits (most
   * changes raise one; nothing reads the outbox before its commit); elsewhere, one prepared INSERT at once. It occurred
   * `at`, the now the change already read for its own rows (one instant a change), else the clock's now.
   */
  async emit<T extends EventType>(m: EntityManager, event: DomainEvent<T>, at?: Date): Promise<void> {
    const actorId = requestContext.current()?.actor?.userId ?? null;
    const now = at ?? this.clock.now();
    if (
      this.db.atCommit(m, this.atCommit, [event.type, event.aggregateType, event.aggregateId, JSON.stringify(event.payload), actorId, now])
    )
      return;
    await this.db.preparedOn(
      m,
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, actor_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.type, event.aggregateType, event.aggregateId, event.payload, actorId, now],
    );
  }
}
