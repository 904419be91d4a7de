import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Append-only, hash-chained audit log (ISO 27789 content: who, whose record, what, when; identifiers only).
 * Rows are written by the SQL function `audit_append` (see the migration), which links each row to the previous
 * one in its lane; UPDATE, DELETE and TRUNCATE are refused by triggers.
 */
@Entity('audit_events')
@Check('audit_events_outcome', `outcome IN ('success','denied','failure')`)
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
