import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';
import { PractitionerEntity } from './practitioner.entity';

/**
 * An AMHP approval ("warrant") by a local social services authority (SI 2008/1206 reg 3, AMHP-01), for at most
 * five years (reg 4, AMHP-05). Dates are local (Europe/London) calendar dates, both inclusive.
 */
@Entity('approvals')
@Check('approvals_period', `ends_on >= starts_on`)
@Check('approvals_end', `(ended_on IS NULL) = (end_reason IS NULL)`)
@Exclusion(
  'approvals_no_overlap',
  `USING gist ("practitioner_id" WITH =, daterange("starts_on", coalesce("ended_on", "ends_on"), '[]') WITH &&)`,
)
@Index('approvals_practitioner_idx', ['practitionerId', 'startsOn'])
@Index('approvals_ends_on_idx', ['endsOn'])
export class ApprovalEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => PractitionerEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @Column('text')
  approvingAuthority: string;

  @Column('date')
  startsOn: string;

  @Column('date')
  endsOn: string;

  @Column('text', { nullable: true })
  conditions: string | null;

  /** When she completed the approved AMHP course (AMHP-02, reg 3(3)): required for a first approval; null on those recorded before it was asked. */
  @Column('date', { nullable: true })
  approvedCourseCompletedOn: string | null;

  /** The authority that approved her before, when this hub has no record of it: the approval is then not her first (AMHP-02). */
  @Column('text', { nullable: true })
  previouslyApprovedBy: string | null;

  /** Ended early (AMHP-08): the last day the approval had effect. */
  @Column('date', { nullable: true })
  endedOn: string | null;

  @Column('text', { nullable: true })
  endReason: string | null;

  /** Early ends withdrawn as recorded in error (AMHP-08/09), oldest first: [{endedOn, endReason, withdrawnAt, withdrawnBy, reason}]. */
  @Column('jsonb', { default: () => `'[]'` })
  withdrawnEnds: Array<{ endedOn: string; endReason: string; withdrawnAt: string; withdrawnBy: string; reason: string }>;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A period during which an approval is suspended (AMHP-07): the AMHP may not act. */
@Entity('approval_suspensions')
@Check('approval_suspensions_period', `ends_at IS NULL OR ends_at > starts_at`)
@Check(
  'approval_suspensions_withdrawn',
  `(withdrawn_at IS NULL) = (withdrawal_reason IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_by IS NULL)`,
)
@Index('approval_suspensions_approval_idx', ['approvalId', 'startsAt'])
export class ApprovalSuspensionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => ApprovalEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  approvalId: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz', { nullable: true })
  endsAt: Date | null;

  @Column('text')
  reason: string;

  @Column('text', { nullable: true })
  liftReason: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  /** Withdrawn as recorded in error: kept on the record, of no effect (the rules never see it). */
  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  withdrawnBy: string | null;

  @Column('text', { nullable: true })
  withdrawalReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
