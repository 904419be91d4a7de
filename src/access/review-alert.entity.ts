import { Check, Column, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';

/** Something an auditor must look at: a break-glass access, a rule override. Identifiers only, no clinical text. */
@Entity('review_alerts')
@Check('review_alerts_outcome', `review_outcome IS NULL OR review_outcome IN ('justified','not-justified','referred')`)
@Check('review_alerts_reviewed', `(reviewed_at IS NULL) = (review_outcome IS NULL)`)
@Index('review_alerts_open_idx', ['raisedAt'], { where: 'reviewed_at IS NULL' })
export class ReviewAlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the alerts were raised in: what orders those raised at the same instant (the list, its cursor), never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text')
  kind: string;

  @Column('text')
  subjectType: string;

  @Column('text')
  subjectId: string;

  @Column('uuid', { nullable: true })
  personId: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  raisedBy: string;

  @Column('timestamptz')
  raisedAt: Date;

  @Column('text')
  summary: string;

  @Column('timestamptz', { nullable: true })
  reviewedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  reviewedBy: string | null;

  @Column('text', { nullable: true })
  reviewOutcome: 'justified' | 'not-justified' | 'referred' | null;

  @Column('text', { nullable: true })
  reviewNote: string | null;

  @Column('integer', { default: 1 })
  version: number;
}
