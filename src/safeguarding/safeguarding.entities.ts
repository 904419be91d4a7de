import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The out-of-hours decisions the duty AMHP / EDT worker records (OOH-01..OOH-05, OOH-08). */
export const DECISION_TYPES = [
  'adult-safeguarding', // Care Act s.42 concern (OOH-01)
  'best-interests', // MCA s.4 best-interests decision, with the capacity assessment (OOH-02, OOH-03)
  'dols-urgent-authorisation', // a managing authority's urgent authorisation received (OOH-04)
  'dols-extension', // the supervisory body's decision on extending it (OOH-05)
  'emergency-placement', // emergency placement or accommodation under delegated authority
  'carer-breakdown',
  'child-protection-referral', // a concern passed to children's services
  'other',
] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/** The legal framework relied on (OOH-07, OOH-08 (2)). */
export const LEGAL_FRAMEWORKS = [
  'care-act-s42',
  'care-act-other',
  'mca-s5',
  'mca-best-interests',
  'dols',
  'mha',
  'children-act',
  'common-law',
  'other',
] as const;

/**
 * An out-of-hours decision record. A draft is the author's to edit; signing freezes it: after that, corrections are
 * amendments with a reason (decision_amendments), and the record as signed stays readable.
 */
@Entity('decisions')
@Check(
  'decisions_type',
  `type IN ('adult-safeguarding','best-interests','dols-urgent-authorisation','dols-extension','emergency-placement','carer-breakdown','child-protection-referral','other')`,
)
@Check('decisions_status', `status IN ('draft','signed')`)
@Check('decisions_signed', `(status = 'signed') = (signed_at IS NOT NULL)`)
@Check('decisions_cost', 'cost_pence IS NULL OR cost_pence >= 0')
@Index('decisions_author_idx', ['authorUserId', 'status', 'occurredAt'])
@Index('decisions_signed_idx', ['signedAt'], { where: `status = 'signed'` })
@Index('decisions_person_idx', ['personId', 'occurredAt'])
export class DecisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the decisions were recorded in: what orders those that happened at the same time (the list, its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text')
  type: DecisionType;

  @Column('text', { default: 'draft' })
  status: 'draft' | 'signed';

  /** The person the decision is about, when they have a record; else `personDetails`. */
  @ForeignKey('persons', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  personId: string | null;

  /** Minimal details of a person with no record (name, date of birth or age, address). */
  @Column('jsonb', { nullable: true })
  personDetails: { name: string; dateOfBirth?: string; approximateAge?: number; address?: string } | null;

  /**
   * The person as the author recorded them when naming them (create or update, when they might read them): what the
   * decision shows of its person, never the person's record as it is later (personAsRecordedSql).
   */
  @Column('jsonb', { nullable: true })
  personAsRecorded: Record<string, unknown> | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  authorUserId: string;

  /** When the decision was made (OOH-08 (13)). */
  @Column('timestamptz')
  occurredAt: Date;

  /**
   * The OOH-08 content: question, legal framework and power, facts and sources, consultees, the person's views,
   * capacity, options, risk, decision and rationale, actions, handover, decision-maker authority.
   */
  @Column('jsonb', { default: {} })
  content: Record<string, unknown>;

  /** Type-specific content: the s.42 three-part test, MCA capacity and best interests, DoLS dates, resources. */
  @Column('jsonb', { default: {} })
  details: Record<string, unknown>;

  /** Resources committed under delegated authority, in pence. */
  @Column('integer', { nullable: true })
  costPence: number | null;

  /** Above the delegated-authority limit: the senior manager the commitment was escalated to. */
  @Column('jsonb', { nullable: true })
  escalation: { to: string; role: string; at: string; outcome: 'approved' | 'declined'; note?: string } | null;

  @Column('timestamptz', { nullable: true })
  signedAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A correction of a signed decision: what changed, why, by whom. The signed original is never overwritten. */
@Entity('decision_amendments')
@Index('decision_amendments_decision_idx', ['decisionId', 'amendedAt'])
export class DecisionAmendmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the amendments were made in: what orders those made at the same instant (a decision's history),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => DecisionEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  decisionId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  amendedBy: string;

  @Column('timestamptz')
  amendedAt: Date;

  @Column('text')
  reason: string;

  /** Field path → { before, after }. */
  @Column('jsonb')
  changes: Record<string, { before: unknown; after: unknown }>;
}

/** A follow-up action from a decision or a handover: owner, due, done. */
@Entity('follow_up_actions')
@Check('follow_up_actions_source', `source_type IN ('decision','handover')`)
@Index('follow_up_actions_owner_idx', ['ownerUserId', 'doneAt', 'dueAt'])
@Index('follow_up_actions_source_idx', ['sourceType', 'sourceId'])
export class FollowUpActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the actions were recorded in: what orders those due at the same time (or undated) and those made at
   * the same instant (a decision's, a handover's), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text')
  sourceType: 'decision' | 'handover';

  @Column('uuid')
  sourceId: string;

  @Column('text')
  description: string;

  /** A named owner; or a team (e.g. "Riverside day team") when nobody is named yet. */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  ownerUserId: string | null;

  @Column('text', { nullable: true })
  ownerTeam: string | null;

  @Column('timestamptz', { nullable: true })
  dueAt: Date | null;

  @Column('timestamptz', { nullable: true })
  doneAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  doneBy: string | null;

  @Column('text', { nullable: true })
  doneNote: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('integer', { default: 1 })
  version: number;
}

/**
 * The morning handover of one local date: what the day teams must pick up since the previous one. A snapshot,
 * compiled once: the row never changes after (a trigger refuses it), and of its items only the acknowledgement.
 */
@Entity('handovers')
@Check('handovers_period', `period_from <= compiled_at`)
@Index('handovers_date_key', ['handoverDate'], { unique: true })
export class HandoverEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('date')
  handoverDate: string;

  /** The period it covers, [periodFrom, compiledAt): from the previous handover's compilation (the first: HANDOVER_TIME the day before) to its own. */
  @Column('timestamptz')
  periodFrom: Date;

  @Column('timestamptz')
  compiledAt: Date;

  /** Null when the scheduled job compiled it. */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  compiledBy: string | null;
}

/** One item of a handover, acknowledged by a day-team manager; unacknowledged items are carried to the next. */
@Entity('handover_items')
@Check('handover_items_type', `item_type IN ('decision','referral','assessment','rota-note','action')`)
@Index('handover_items_handover_idx', ['handoverId', 'itemType'])
@Index('handover_items_subject_key', ['handoverId', 'itemType', 'itemId'], { unique: true })
@Index('handover_items_open_idx', ['acknowledgedAt'], { where: 'acknowledged_at IS NULL' })
export class HandoverItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the items were compiled in: what orders items of one kind first handed over on the same day (the
   * handover), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => HandoverEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  handoverId: string;

  @Column('text')
  itemType: 'decision' | 'referral' | 'assessment' | 'rota-note' | 'action';

  /** The decision, referral, assessment, shift or action it is about. */
  @Column('uuid')
  itemId: string;

  /** What the day team needs to see, as compiled (ids, codes, times, short text: no clinical narrative). */
  @Column('jsonb')
  summary: Record<string, unknown>;

  /** The first handover this item appeared on (carried over while unacknowledged). */
  @Column('date')
  firstHandedOverOn: string;

  @Column('timestamptz', { nullable: true })
  acknowledgedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  acknowledgedBy: string | null;

  @Column('text', { nullable: true })
  acknowledgementNote: string | null;
}
