import { Check, Column, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';

/** Emergency access to one person's record without a relationship: a stated reason, a time limit, a review. */
@Entity('break_glass_sessions')
@Check('break_glass_reason_length', `char_length(reason) >= 20`)
@Check('break_glass_period', `expires_at > started_at`)
@Index('break_glass_user_person_idx', ['userId', 'personId', 'expiresAt'])
export class BreakGlassSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the sessions were opened in: what orders those opened at the same instant (her own list), never their
   * random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  userId: string;

  @Column('uuid')
  personId: string;

  @Column('text')
  reason: string;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  /** Set when the user closes the session early. */
  @Column('timestamptz', { nullable: true })
  endedAt: Date | null;
}
