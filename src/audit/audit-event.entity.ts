import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Append-only, hash-chained audit log (ISO 27789 content: who, whose record, what, when; identifiers only).
 * Rows are written by the SQL function `audit_append` (see the migration), which links each row to the previous
 * one in its lane; UPDATE, DELETE and TRUNCATE are refused by triggers.
 */
@Entity('audit_events')
@Check('audit_events_outcome', `outcome IN ('success','denied','failure')`)
@Index('audit_events_lane_idx', ['lane', 'id'])
@Index('audit_events_subject_idx', ['subjectPersonId', 'id'])
@Index('audit_events_actor_idx', ['actorId', 'id'])
@Index('audit_events_resource_idx', ['resourceType', 'resourceId', 'id'])
@Index('audit_events_occurred_idx', ['occurredAt'])
export class AuditEventEntity {
  @PrimaryColumn('bigint')
  id: string;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('text', { nullable: true })
  actorRoles: string | null;

  @Column('text')
  action: string;

  @Column('text')
  resourceType: string;

  @Column('text', { nullable: true })
  resourceId: string | null;

  @Column('uuid', { nullable: true })
  subjectPersonId: string | null;

  @Column('text', { nullable: true })
  accessBasis: string | null;

  @Column('text', { nullable: true })
  requestId: string | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @Column('text')
  outcome: AuditOutcome;

  @Column('jsonb', { nullable: true })
  details: Record<string, unknown> | null;

  @Column('smallint')
  lane: number;

  @Column('text')
  prevHash: string;

  @Column('text')
  hash: string;
}

/** The head of each chain lane; lets concurrent requests append without waiting on one global lock. */
@Entity('audit_chain_heads')
export class AuditChainHeadEntity {
  @PrimaryColumn('smallint')
  lane: number;

  @Column('bigint', { nullable: true })
  lastId: string | null;

  @Column('text')
  lastHash: string;
}

/**
 * A signed checkpoint of one chain lane: after verifying the lane up to event `lastId` (its `events`-th), the
 * checkpoint job signs (HMAC-SHA256, AUDIT_CHECKPOINT_KEY) what it found there. GET /audit-events/verify then checks
 * the signatures and only the chain after each lane's last checkpoint; the full verification checks every event
 * again and that each checkpoint still agrees with the chain. `prevId` links a lane's checkpoints, so one taken
 * out is noticed.
 */
@Entity('audit_checkpoints')
export class AuditCheckpointEntity {
  @PrimaryColumn('smallint')
  lane: number;

  @PrimaryColumn('bigint')
  lastId: string;

  @Column('text')
  lastHash: string;

  /** Events in the lane up to and including `lastId`. */
  @Column('bigint')
  events: string;

  /** The lane's previous checkpoint (its lastId), null for the first. */
  @Column('bigint', { nullable: true })
  prevId: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('text')
  signature: string;
}

/**
 * A full re-verification of the audit chain (every event recomputed, every checkpoint compared), run on request in
 * the background with its progress, and kept with its result. One runs at a time; the instance running it refreshes
 * `heartbeatAt`, so one whose instance stopped is seen as failed.
 */
@Entity('audit_verifications')
@Check('audit_verifications_status', `status IN ('running','done','failed')`)
@Index('audit_verifications_one_running', ['status'], { unique: true, where: `status = 'running'` })
export class AuditVerificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { default: 'running' })
  status: 'running' | 'done' | 'failed';

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  requestedBy: string;

  @Column('timestamptz')
  requestedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  /** Database time of the running instance's last progress report. */
  @Column('timestamptz', { default: () => 'now()' })
  heartbeatAt: Date;

  /** Events to check (the lanes' heads when it started). */
  @Column('bigint', { default: 0 })
  eventsTotal: string;

  @Column('bigint', { default: 0 })
  eventsChecked: string;

  @Column('integer', { default: 0 })
  checkpointsChecked: number;

  @Column('boolean', { nullable: true })
  valid: boolean | null;

  /** The first breaks found (at most 100): [{id, lane, problem}]. */
  @Column('jsonb', { nullable: true })
  breaks: Array<{ id: string; lane: number; problem: string }> | null;

  @Column('text', { nullable: true })
  error: string | null;
}
