import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Login attempts, kept in the database so that throttling holds across replicas. */
@Entity('login_attempts')
@Index('login_attempts_email_at_idx', ['email', 'attemptedAt'])
@Index('login_attempts_ip_at_idx', ['ip', 'attemptedAt'])
export class LoginAttemptEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text')
  email: string;

  @Column('text')
  ip: string;

  @Column('boolean')
  succeeded: boolean;

  @Column('timestamptz')
  attemptedAt: Date;
}
