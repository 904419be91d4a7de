import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** NHS Data Dictionary ethnic category codes (A-S, Z: not stated). */
export const ETHNIC_CATEGORIES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'Z'] as const;
export const SEXES = ['female', 'male', 'indeterminate', 'not-known'] as const;

/** The subject of a referral. Every read of this record is audited; access follows the policy (person.read). */
@Entity('persons')
@Check('persons_nhs_number', `nhs_number IS NULL OR nhs_number ~ '^[0-9]{10}$'`)
@Check(
  'persons_ethnic_category',
  `ethnic_category IS NULL OR ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z')`,
)
@Check('persons_sex', `sex IS NULL OR sex IN ('female','male','indeterminate','not-known')`)
@Index('persons_nhs_number_key', ['nhsNumber'], { unique: true, where: 'nhs_number IS NOT NULL' })
@Index('persons_name_dob_idx', { synchronize: false })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { nullable: true })
  nhsNumber: string | null;

  @Column('text')
  givenName: string;

  @Column('text')
  familyName: string;

  @Column('date', { nullable: true })
  dateOfBirth: string | null;

  @Column('text', { nullable: true })
  sex: (typeof SEXES)[number] | null;

  /** As the person describes it. */
  @Column('text', { nullable: true })
  gender: string | null;

  @Column('text', { nullable: true })
  ethnicCategory: (typeof ETHNIC_CATEGORIES)[number] | null;

  @Column('text', { nullable: true })
  preferredLanguage: string | null;

  @Column('boolean', { default: false })
  interpreterNeeded: boolean;

  @Column('text', { nullable: true })
  communicationNeeds: string | null;

  @Column('text', { nullable: true })
  address: string | null;

  @Column('text', { nullable: true })
  postcode: string | null;

  /** The local authority responsible for the person (s.13: the LSSA for the area). */
  @Column('text', { nullable: true })
  responsibleAuthority: string | null;

  @Column('text', { nullable: true })
  gpPractice: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
