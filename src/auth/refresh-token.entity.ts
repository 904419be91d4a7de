import { Column, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';
import { UserEntity } from './user.entity';

/** Opaque refresh tokens, stored only as a SHA-256 hash, rotated on every use. */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => UserEntity, { onDelete: 'CASCADE' })
  @Index('refresh_tokens_user_idx')
  @Column('uuid')
  userId: string;

  @Index('refresh_tokens_hash_key', { unique: true })
  @Column('text')
  tokenHash: string;

  /** All tokens descended from one login; reuse of a rotated token revokes the whole family. */
  @Column('uuid')
  familyId: string;

  @Column('timestamptz')
  issuedAt: Date;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  /**
   * Why it stopped working: `rotated` (exchanged for a successor: presenting it again after the grace period is
   * theft), or `logout`, `password-change`, `deactivated`, `reused` (the session was ended: presenting it is merely stale).
   */
  @Column('text', { nullable: true })
  revokedReason: RefreshRevokedReason | null;
}

export type RefreshRevokedReason = 'rotated' | 'logout' | 'password-change' | 'deactivated' | 'reused';
