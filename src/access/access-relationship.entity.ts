import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';

export const RELATIONSHIP_KINDS = ['allocated', 'referrer', 'duty', 'conducted'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/**
 * A legitimate relationship between a user and a person, valid for a period: the allocated AMHP, the referrer of
 * a referral, the AMHP on duty for the hub, the AMHP who conducted an assessment (`conducted`: it lasts after the
 * assessment closes and counts only for that assessment, its source). Created by the modules that establish them
 * (allocation, intake, rota, assessments).
 */
@Entity('access_relationships')
@Check('access_relationships_kind', `kind IN ('allocated','referrer','duty','conducted')`)
@Check('access_relationships_period', `valid_to IS NULL OR valid_to >= valid_from`)
@Index('access_relationships_user_person_idx', ['userId', 'personId'])
@Index('access_relationships_source_idx', ['sourceType', 'sourceId'])
export class AccessRelationshipEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  userId: string;

  @Column('uuid')
  personId: string;

  @Column('text')
  kind: RelationshipKind;

  /** What created the relationship, e.g. ('referral', id). */
  @Column('text')
  sourceType: string;

  @Column('text')
  sourceId: string;

  @Column('timestamptz')
  validFrom: Date;

  @Column('timestamptz', { nullable: true })
  validTo: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
