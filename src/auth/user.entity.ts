import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from './roles';

@Entity('users')
@Check('users_roles_known', `roles <@ ARRAY['admin','manager','amhp','referrer','auditor']::text[] AND cardinality(roles) > 0`)
@Check('users_email_lower', `email = lower(email)`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the accounts were made in: what orders those made at the same instant (the accounts that look alike,
   * oldest first), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Index('users_email_key', { unique: true })
  @Column('text')
  email: string;

  @Column('text')
  displayName: string;

  /** scrypt hash (see password.ts); null for users who only sign in through the council's identity provider. */
  @Column('text', { nullable: true })
  passwordHash: string | null;

  @Column('text', { array: true })
  roles: Role[];

  @Column('boolean', { default: true })
  active: boolean;

  /** The OIDC `sub` of this user at the configured issuer. */
  @Index('users_external_subject_key', { unique: true })
  @Column('text', { nullable: true })
  externalSubject: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('integer', { default: 1 })
  version: number;

  /**
   * When the user's sessions were last ended: signed out, password changed or reset, account disabled. An access
   * token issued before it is refused on every route.
   */
  @Column('timestamptz', { nullable: true })
  sessionsEndedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
