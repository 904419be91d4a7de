import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Relationship } from '../statute/nearest-relative';
import { PersonEntity } from './person.entity';

/** NR-14: who made an objection. */
export const OBJECTOR_KINDS = ['relative', 'acting-nearest-relative', 'delegate', 'nominated-person', 'not-recorded'] as const;
export type ObjectorKind = (typeof OBJECTOR_KINDS)[number];

/** MHA25-05: who appointed a nominated person. ✱ the appointment mechanics of MHA 2025 s.24 are unconfirmed: held as data. */
export const NOMINATED_BY = ['patient', 'amhp', 'court'] as const;
export type NominatedBy = (typeof NOMINATED_BY)[number];

/**
 * A relative or carer of a person, with the facts s.26 ranks by (NR-04..NR-09: MHA 1983 s.26; SI 2008/1184 reg 24). Kept at person level:
 * every assessment of the person uses the same list, and the NR engine proposes from it.
 */
@Entity('relatives')
@Check(
  'relatives_relationship',
  `relationship IN ('spouse','civil-partner','cohabitee','child','parent','sibling','grandparent','grandchild','uncle-aunt','nephew-niece','non-relative-resident','local-authority-care-order','guardian-or-residence-order','other')`,
)
@Index('relatives_person_idx', ['personId'])
export class RelativeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the relatives were recorded in: what orders those recorded at the same instant, never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  @Column('text')
  name: string;

  @Column('text')
  relationship: Relationship;

  /** NR-04: whole blood ranks before half blood in the same class. */
  @Column('boolean', { default: true })
  wholeBlood: boolean;

  /** NR-04: the elder wins within a class; NR-06: under 18s are excluded (unless spouse, civil partner or parent). */
  @Column('date', { nullable: true })
  dateOfBirth: string | null;

  /** NR-05: ordinarily resides with the patient (or did immediately before admission). */
  @Column('boolean', { default: false })
  livesWithPatient: boolean;

  /** NR-05: cares for the patient (or did immediately before admission). */
  @Column('boolean', { default: false })
  caresForPatient: boolean;

  /** NR-06: ordinarily resident in the UK, Channel Islands or Isle of Man. */
  @Column('boolean', { default: true })
  ukResident: boolean;

  /** NR-06: a spouse or civil partner permanently separated, or who has deserted (or been deserted by) the patient. */
  @Column('boolean', { default: false })
  separatedOrDeserted: boolean;

  /** NR-07: years of living with the patient (cohabitee 6 months = 0.5; non-relative 5 years). */
  @Column('numeric', { precision: 5, scale: 2, nullable: true })
  yearsLivingWith: string | null;

  /** NR-07: the day they began living with the patient, when known: read instead of yearsLivingWith (livedWithLongEnough). */
  @Column('date', { nullable: true })
  livingWithSince: string | null;

  /** NR-09: the NR has authorised another person in writing to act (reg 24): that person's name. */
  @Column('text', { nullable: true })
  authorisedDelegate: string | null;

  @Column('jsonb', { default: {} })
  contact: { phone?: string; email?: string; address?: string };

  @Column('text', { nullable: true })
  notes: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * An objection by the nearest relative to a s.3 or guardianship application (NR-02), notified to an AMHP or to the
 * council (duty line, EDT). Person-level: it persists across assessments until withdrawn (M v East London: a stated
 * disagreement is an objection unless clearly withdrawn).
 */
@Entity('nearest_relative_objections')
@Check('nr_objections_notified_to', `notified_to IN ('amhp','lssa')`)
@Check(
  'nr_objections_objector_kind',
  `objector_kind IN ('relative','acting-nearest-relative','delegate','nominated-person','not-recorded')`,
)
@Index('nr_objections_person_idx', ['personId', 'notifiedAt'])
export class NearestRelativeObjectionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the objections were recorded in: what orders those notified at the same instant (the reverse of it,
   * newest first), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  /** NR-14: who objected. relativeId is the relative (kind relative) or the one who delegated (kind delegate). */
  @Column('text', { default: 'not-recorded' })
  objectorKind: ObjectorKind;

  @ForeignKey(() => RelativeEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  relativeId: string | null;

  /** NR-09 (reg 24): the delegate who objected for the nearest relative (relativeId) or the acting one (displacementId). */
  @Column('text', { nullable: true })
  delegateName: string | null;

  /** NR-10: the s.29 order whose acting nearest relative objected (or whose delegate did). */
  @ForeignKey(() => DisplacementEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  displacementId: string | null;

  /** MHA25-05: the nominated person who objected. */
  @ForeignKey(() => NominatedPersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  nominatedPersonId: string | null;

  @Column('timestamptz')
  notifiedAt: Date;

  @Column('text')
  notifiedTo: 'amhp' | 'lssa';

  @Column('text')
  details: string;

  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;

  @Column('text', { nullable: true })
  withdrawalDetails: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A s.29 application to the county court to displace the nearest relative (NR-10, NR-11). */
@Entity('nearest_relative_displacements')
@Check('nr_displacements_ground', `ground IN ('a','b','c','d','e')`)
@Check('nr_displacements_status', `status IN ('applied','interim-order','order','refused','withdrawn')`)
@Check(
  'nr_displacements_appeal_outcome',
  `appeal_outcome IS NULL OR appeal_outcome IN ('order-upheld','order-set-aside','refusal-upheld','refusal-reversed','withdrawn')`,
)
@Check(
  'nr_displacements_appeal_disposal',
  `(appeal_outcome IS NULL) = (appeal_disposed_on IS NULL) AND (appeal_outcome IS NULL OR (appeal_lodged_on IS NOT NULL AND appeal_disposed_on >= appeal_lodged_on))`,
)
@Index('nr_displacements_person_idx', ['personId', 'filedAt'])
export class DisplacementEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the applications were recorded in: which of two orders in force from the same day is cited, never the
   * random id.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  @ForeignKey(() => RelativeEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  relativeId: string | null;

  /** s.29(3)(a)-(e). */
  @Column('text')
  ground: 'a' | 'b' | 'c' | 'd' | 'e';

  @Column('text', { default: 'applied' })
  status: 'applied' | 'interim-order' | 'order' | 'refused' | 'withdrawn';

  @Column('timestamptz')
  filedAt: Date;

  @Column('date', { nullable: true })
  effectiveFrom: string | null;

  /** NR-11: the day the application was finally decided (an order made, refused) or withdrawn. */
  @Column('date', { nullable: true })
  disposedOn: string | null;

  /** NR-11 (s.29(5)): the day an appeal against the decision was lodged; null when none is recorded. */
  @Column('date', { nullable: true })
  appealLodgedOn: string | null;

  /** NR-11 (s.29(5)): how the appeal ended (determined, or withdrawn); null while it is pending or none was brought. */
  @Column('text', { nullable: true })
  appealOutcome: 'order-upheld' | 'order-set-aside' | 'refusal-upheld' | 'refusal-reversed' | 'withdrawn' | null;

  /** NR-11 (s.29(5)): the day the appeal was determined or withdrawn, when the application was finally disposed of. */
  @Column('date', { nullable: true })
  appealDisposedOn: string | null;

  /** The acting nearest relative the court appointed. */
  @Column('text', { nullable: true })
  actingNearestRelative: string | null;

  @Column('text', { nullable: true })
  court: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * A nominated person (MHA25-05, MHA 2025 s.24): who, appointed when, by whom and how; ended when and why. Recorded
 * at any time; before the configured commencement (MHA2025_NOMINATED_PERSON_FROM) it is information only.
 */
@Entity('nominated_persons')
@Check('nominated_persons_appointed_by', `appointed_by IN ('patient','amhp','court')`)
@Check('nominated_persons_ended', `ended_on IS NULL OR ended_on >= appointed_on`)
@Index('nominated_persons_person_idx', ['personId', 'appointedOn'])
export class NominatedPersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the nominated persons were recorded in: what orders those appointed on one day and recorded at the
   * same instant (the reverse of it, newest first).
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  @Column('text')
  name: string;

  /** When the nominated person is also a recorded relative. */
  @ForeignKey(() => RelativeEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  relativeId: string | null;

  @Column('date')
  appointedOn: string;

  @Column('text')
  appointedBy: NominatedBy;

  /** How: e.g. "in writing, signed by the patient, witnessed by ...". */
  @Column('text')
  method: string;

  @Column('date', { nullable: true })
  endedOn: string | null;

  @Column('text', { nullable: true })
  endReason: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
