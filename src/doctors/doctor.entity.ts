import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, ForeignKey } from 'typeorm';

export interface DoctorContactNumber {
  /** What the number is: "mobile", "work", "secretary"... */
  label: string;
  /** E.164, e.g. +447700900123. */
  number: string;
}

/** An external doctor who examines for MHA assessments: s.12 approved and/or an approved clinician. */
@Entity('doctors')
@Check('doctors_gmc_number', `gmc_number ~ '^[0-9]{7}$'`)
// Trigram indexes on the folded words (migration RegisterAndReport): a word-prefix search `LIKE '% bel%'` uses them.
@Index('doctors_search_name_idx', { synchronize: false })
@Index('doctors_search_organisation_idx', { synchronize: false })
export class DoctorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the doctors were recorded in: what orders two of the same name (the register's list and its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column('text')
  name: string;

  @Index('doctors_gmc_number_key', { unique: true })
  @Column('text')
  gmcNumber: string;

  @Column('text', { nullable: true })
  organisation: string | null;

  @Column('text', { nullable: true })
  email: string | null;

  /** Labelled contact numbers, each in E.164 (+447700900123); printed in national form. */
  @Column('jsonb', { default: [] })
  contactNumbers: DoctorContactNumber[];

  /** The name's words folded for search, titles left out, each after a space (doctor.rules.ts nameWords, searchText). */
  @Column('text', { default: '' })
  searchName: string;

  /** The organisation's words folded for search, each after a space. */
  @Column('text', { default: '' })
  searchOrganisation: string;

  @Column('text', { nullable: true })
  notes: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export const DOCTOR_APPROVAL_KINDS = ['s12', 'approved-clinician'] as const;
export type DoctorApprovalKind = (typeof DOCTOR_APPROVAL_KINDS)[number];

/** A period of s.12(2) approval or approved-clinician status; both ends inclusive local dates. */
@Entity('doctor_approvals')
@Check('doctor_approvals_kind', `kind IN ('s12','approved-clinician')`)
@Check('doctor_approvals_period', `ends_on >= starts_on`)
@Index('doctor_approvals_doctor_idx', ['doctorId', 'kind', 'startsOn'])
export class DoctorApprovalEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the approvals were recorded in: what orders a doctor's two approvals of one kind from one day, never
   * their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => DoctorEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  doctorId: string;

  @Column('text')
  kind: DoctorApprovalKind;

  @Column('date')
  startsOn: string;

  @Column('date')
  endsOn: string;

  @Column('text', { nullable: true })
  approvingBody: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
