import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';

export const SUPERVISION_TYPES = ['professional', 'managerial', 'group', 'reflective'] as const;
export type SupervisionType = (typeof SUPERVISION_TYPES)[number];

/** A supervision session (AMHP-10). Notes are for the supervisor, the supervisee and managers only. */
@Entity('supervision_sessions')
@Check('supervision_sessions_type', `type IN ('professional','managerial','group','reflective')`)
@Check('supervision_sessions_duration', `duration_minutes BETWEEN 5 AND 600`)
@Index('supervision_sessions_supervisee_idx', ['superviseeId', 'heldOn'])
export class SupervisionSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the sessions were recorded in: what orders those held on the same day (the list, its cursor), never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  /** The practitioner supervised. */
  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  superviseeId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  supervisorUserId: string;

  @Column('date')
  heldOn: string;

  @Column('text')
  type: SupervisionType;

  @Column('integer')
  durationMinutes: number;

  @Column('text', { nullable: true })
  notes: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** An action agreed in supervision, with an owner and a due date. */
@Entity('supervision_actions')
@Index('supervision_actions_session_idx', ['sessionId'])
@Index('supervision_actions_owner_idx', ['ownerUserId', 'dueOn'])
export class SupervisionActionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the actions were recorded in (a session's in the order given): what orders those due on the same day
   * (the lists, the cursor), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => SupervisionSessionEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  sessionId: string;

  @Column('text')
  description: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  ownerUserId: string;

  @Column('date', { nullable: true })
  dueOn: string | null;

  @Column('date', { nullable: true })
  doneOn: string | null;

  @Column('integer', { default: 1 })
  version: number;
}

export const APPRAISAL_OUTCOMES = ['meets', 'partially-meets', 'does-not-meet'] as const;

/** Annual appraisal of an AMHP. */
@Entity('appraisals')
@Check('appraisals_outcome', `outcome IN ('meets','partially-meets','does-not-meet')`)
@Check('appraisals_period', `period_to >= period_from`)
@Index('appraisals_practitioner_idx', ['practitionerId', 'heldOn'])
export class AppraisalEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the appraisals were recorded in: what orders those held on the same day and recorded at the same instant
   * (most recent first).
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  appraiserUserId: string;

  @Column('date')
  heldOn: string;

  @Column('date')
  periodFrom: string;

  @Column('date')
  periodTo: string;

  @Column('text')
  outcome: (typeof APPRAISAL_OUTCOMES)[number];

  @Column('text', { nullable: true })
  summary: string | null;

  @Column('text', { nullable: true })
  objectives: string | null;

  @Column('date', { nullable: true })
  nextDueOn: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const PRACTICE_AUDIT_RATINGS = ['outstanding', 'good', 'requires-improvement', 'inadequate'] as const;

/** An audit of a piece of AMHP work by a reviewer: themes, findings, rating, actions. */
@Entity('practice_audits')
@Check('practice_audits_rating', `rating IN ('outstanding','good','requires-improvement','inadequate')`)
@Check('practice_audits_score', `score IS NULL OR score BETWEEN 0 AND 100`)
@Index('practice_audits_practitioner_idx', ['practitionerId', 'auditedOn'])
export class PracticeAuditEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the audits were recorded in: what orders those of the same day recorded at the same instant (most recent
   * first).
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('practitioners', { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  reviewerUserId: string;

  @Column('date')
  auditedOn: string;

  /** What was audited, e.g. an assessment or referral reference (no clinical text). */
  @Column('text')
  workReference: string;

  @Column('text', { array: true, default: () => `'{}'` })
  themes: string[];

  @Column('text')
  findings: string;

  @Column('text')
  rating: (typeof PRACTICE_AUDIT_RATINGS)[number];

  @Column('integer', { nullable: true })
  score: number | null;

  @Column('text', { nullable: true })
  actions: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
