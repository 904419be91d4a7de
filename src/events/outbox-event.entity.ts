import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: a domain event is written in the same transaction as the change it describes, and
 * delivered later (stream, webhooks, notifications) by the alerts module. Identifiers only in the payload.
 */
@Entity('outbox_events')
@Index('outbox_events_undelivered_idx', ['id'], { where: 'published_at IS NULL' })
@Index('outbox_events_aggregate_idx', ['aggregateType', 'aggregateId', 'id'])
@Index('outbox_events_commit_order_idx', ['xactId', 'id'])
export class OutboxEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** e.g. `rota.shift.assigned`, `rota.leave.approved`. */
  @Column('text')
  type: string;

  @Column('text')
  aggregateType: string;

  @Column('text')
  aggregateId: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt: Date | null;

  /**
   * The transaction that wrote the event (pg_current_xact_id(), as a bigint; 0 for events written before it was
   * recorded), set by the column's default. Consumers deliver events in the order (xactId, id), and only those whose
   * writer is older than every transaction still running, so that none can commit an event before one delivered
   * (migration OutboxCommitOrder). The default as TypeORM reads it back (casts dropped): the migration's
   * `(pg_current_xact_id()::text)::bigint`.
   */
  @Column('bigint', { default: () => '((pg_current_xact_id()))' })
  xactId: string;
}
