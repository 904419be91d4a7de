import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { sqlCodes } from '../database/sql-codes';
import { CLOSED_REASONS } from '../events/catalogue';

/** A user's notification: a warning or a task, linked to its subject, raised once per dedup key. */
@Entity('notifications')
@Check('notifications_severity', `severity IN ('info','warning','urgent')`)
@Check(
  'notifications_closed_reason',
  `(closed_at IS NULL) = (closed_reason IS NULL) AND (closed_reason IS NULL OR closed_reason IN (${sqlCodes(CLOSED_REASONS)}))`,
)
@Index('notifications_dedup_key', ['userId', 'dedupKey'], { unique: true })
@Index('notifications_inbox_idx', ['userId', 'createdAt'])
@Index('notifications_unread_idx', ['userId', 'createdAt'], { where: 'read_at IS NULL' })
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column('uuid')
  userId: string;

  /** e.g. `clock.warning`, `clock.breached`, `offer.escalated`, `rota.gap`, `approval.expiring`. */
  @Column('text')
  kind: string;

  @Column('text', { default: 'warning' })
  severity: 'info' | 'warning' | 'urgent';

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  body: string | null;

  /** The API path of the subject, e.g. /referrals/{id}. */
  @Column('text', { nullable: true })
  link: string | null;

  @Column('text', { nullable: true })
  subjectType: string | null;

  @Column('text', { nullable: true })
  subjectId: string | null;

  /**
   * Raised once: the same key for the same user is not raised again (e.g. `clock:<referral>:POL-07:60`), unless the
   * service closed it and what it is about is hers again (a job reallocated back to her): then it is raised afresh.
   */
  @Column('text')
  dedupKey: string;

  @Column('timestamptz')
  createdAt: Date;

  /**
   * The order the notifications were raised in: what orders those raised at the same instant (the inbox, its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('timestamptz', { nullable: true })
  readAt: Date | null;

  /**
   * Closed by the service: what it told her of is no longer hers to act on (the job reallocated away from her, an offer
   * taken by another AMHP, allocated or ended), with why (the reasons a page is closed for, PAGE_CLOSED_REASONS).
   */
  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  @Column('text', { nullable: true })
  closedReason: string | null;
}

/** One run of a scheduled job for one period: the unique key makes it happen once across replicas. */
@Entity('job_runs')
@Check('job_runs_outcome', `outcome IS NULL OR outcome IN ('succeeded','failed')`)
export class JobRunEntity {
  @PrimaryColumn('text')
  job: string;

  /** The period this run covers, e.g. `2026-11-21` for a daily job, `2026-11-21T08:05` for a minute job. */
  @PrimaryColumn('text')
  runKey: string;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('text', { nullable: true })
  outcome: 'succeeded' | 'failed' | null;

  @Column('jsonb', { default: {} })
  details: Record<string, unknown>;
}

/**
 * Where a consumer of the outbox has got to (webhook fan-out), so each event is taken once: the last event taken, by
 * its place in the delivery order (its writing transaction, then its id: see OutboxEventEntity.xactId).
 */
@Entity('outbox_cursors')
export class OutboxCursorEntity {
  @PrimaryColumn('text')
  consumer: string;

  @Column('bigint', { default: 0 })
  lastEventId: string;

  @Column('bigint', { default: 0 })
  lastXactId: string;
}

/** An integrating system's subscription to events, managed by an admin. */
@Entity('webhook_subscriptions')
@Index('webhook_subscriptions_active_idx', ['active'])
export class WebhookSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the subscriptions were made in: what orders those made at the same instant (the list), never their
   * random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text')
  url: string;

  /** Event types (e.g. `referral.received`), or `*` for all. */
  @Column('text', { array: true })
  eventTypes: string[];

  /** The HMAC-SHA256 signing secret (needed in clear to sign; shown once at creation). */
  @Column('text')
  secret: string;

  @Column('text', { nullable: true })
  description: string | null;

  /** Payloads carry ids only unless this subscription is explicitly allowed person data. */
  @Column('boolean', { default: false })
  allowPersonData: boolean;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('integer', { default: 0 })
  consecutiveFailures: number;

  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('text', { nullable: true })
  disabledReason: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('integer', { default: 1 })
  version: number;
}

/** One event to one subscription: attempts with exponential backoff, the delivery log. */
@Entity('webhook_deliveries')
@Check('webhook_deliveries_status', `status IN ('pending','delivered','failed','abandoned')`)
@Index('webhook_deliveries_event_key', ['subscriptionId', 'eventId'], { unique: true })
@Index('webhook_deliveries_due_idx', ['nextAttemptAt'], { where: `status = 'pending'` })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @ForeignKey(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  subscriptionId: string;

  @ForeignKey('outbox_events', { onDelete: 'RESTRICT' })
  @Column('bigint')
  eventId: string;

  @Column('text', { default: 'pending' })
  status: 'pending' | 'delivered' | 'failed' | 'abandoned';

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz')
  nextAttemptAt: Date;

  @Column('integer', { nullable: true })
  lastStatusCode: number | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
