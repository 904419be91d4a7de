import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, ForeignKey } from 'typeorm';

/** Professions from which an AMHP may be approved (SI 2008/1206 Sch 1, AMHP-03). A doctor never may (AMHP-04). */
export const PROFESSIONS = [
  'social-worker',
  'mental-health-nurse',
  'learning-disability-nurse',
  'occupational-therapist',
  'psychologist',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

export const REGISTRATION_STATUSES = ['active', 'suspended', 'lapsed', 'removed'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** An AMHP (or trainee) as the hub knows them: profession, registration, team, hours, rota skills. */
@Entity('practitioners')
@Check(
  'practitioners_profession',
  `profession IN ('social-worker','mental-health-nurse','learning-disability-nurse','occupational-therapist','psychologist')`,
)
@Check('practitioners_registration_status', `registration_status IN ('active','suspended','lapsed','removed')`)
@Check('practitioners_fte', `fte > 0 AND fte <= 1`)
@Check('practitioners_supervision_interval', `supervision_interval_days BETWEEN 7 AND 365`)
export class PractitionerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the practitioners were recorded in: what orders two of the same name (the workforce list and its cursor,
   * the supervision overview, the planner), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Index('practitioners_user_key', { unique: true })
  @Column('uuid')
  userId: string;

  @Column('text')
  profession: Profession;

  /** Social Work England, NMC, HCPC... */
  @Column('text')
  registrationBody: string;

  @Column('text')
  registrationNumber: string;

  @Column('text', { default: 'active' })
  registrationStatus: RegistrationStatus;

  @Column('date', { nullable: true })
  registrationCheckedOn: string | null;

  @Column('text', { nullable: true })
  team: string | null;

  @Column('numeric', {
    precision: 3,
    scale: 2,
    default: 1,
    transformer: { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  fte: number;

  @Column('numeric', {
    precision: 4,
    scale: 1,
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  contractedHoursPerWeek: number | null;

  /** Tags the rota matches shift requirements against: `senior`, `night`, `practice-educator`, `BIA`. */
  @Column('text', { array: true, default: () => `'{}'` })
  skills: string[];

  /** Expected interval between professional supervisions (AMHP-10: local policy). */
  @Column('integer', { default: 30 })
  supervisionIntervalDays: number;

  /** For conflicts of interest (line management) and supervision. */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  lineManagerUserId: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
