import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A POST's stored response, committed in the same transaction as the write it describes. */
@Entity('idempotency_keys')
@Index('idempotency_keys_expires_idx', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn('uuid')
  userId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('text')
  method: string;

  @Column('text')
  path: string;

  @Column('text')
  requestHash: string;

  @Column('integer')
  statusCode: number;

  @Column('jsonb', { nullable: true })
  responseBody: unknown;

  @Column('jsonb')
  responseHeaders: Record<string, string>;

  /** The people the request was about (its audit rows' subjects): a replay re-checks access to each and audits it. */
  @Column('uuid', { array: true, default: () => `'{}'` })
  subjectPersonIds: string[];

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  expiresAt: Date;
}
