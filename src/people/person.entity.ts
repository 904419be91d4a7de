import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { EthnicCategory } from '../statute/code-lists';

export const SEXES = ['female', 'male', 'indeterminate', 'not-known'] as const;

/** The subject of a referral. Every read of this record is audited; access follows the policy (person.read). */
@Entity('persons')
@Check('persons_nhs_number', `nhs_number IS NULL OR nhs_number ~ '^[0-9]{10}$'`)
/** NHS Data Dictionary ethnic category codes (A-S, Z: not stated, 99: not known), as in src/statute/code-lists.ts. */
@Check(
  'persons_ethnic_category',
  `ethnic_category IS NULL OR ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z','99')`,
)
@Check('persons_sex', `sex IS NULL OR sex IN ('female','male','indeterminate','not-known')`)
@Index('persons_nhs_number_key', ['nhsNumber'], { unique: true, where: 'nhs_number IS NOT NULL' })
@Index('persons_name_dob_idx', { synchronize: false })
export class PersonEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the people were recorded in: what orders two of the same name found by one search (the list, its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

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
  ethnicCategory: EthnicCategory | null;

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

  /**
   * NR-06 (s.26(5)(a)): the patient is ordinarily resident in the United Kingdom, the Channel Islands or the Isle of
   * Man. Only then are relatives who are not so resident disregarded. Null: not recorded (taken to be, and traced).
   */
  @Column('boolean', { nullable: true })
  ukResident: boolean | null;

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

/**
 * `folded`: a duplicate of another pending match of the same caller to the same recorded person (from before repeats
 * were folded at intake), merged into that match (`foldedInto`): its intakes are that match's now. `withdrawn`: its only
 * record was given another NHS number (or none) since (PATCH /people/{id}): the later claim supersedes the one that
 * waited, so nothing is left for a manager to decide (PERSON-MATCH).
 */
export const PERSON_MATCH_STATUSES = ['pending', 'same-person', 'different-person', 'folded', 'withdrawn'] as const;
export type PersonMatchStatus = (typeof PERSON_MATCH_STATUSES)[number];

/**
 * A referral's person whose identity the hub has yet to confirm: the referrer gave an NHS number already recorded,
 * but not the recorded person's name and date of birth (NHS demographic matching needs more than one identifier).
 * The referral was made against `pendingPersonId`, a record of only what the referrer sent; the NHS number they gave
 * is kept here, not on that record. A manager resolves it: the same person (the referral and its relationships move
 * to `candidatePersonId`) or a different one (the pending record stays a person of its own).
 */
@Entity('person_matches')
@Check('person_matches_status', `status IN ('pending','same-person','different-person','folded','withdrawn')`)
@Check('person_matches_nhs_number', `nhs_number ~ '^[0-9]{10}$'`)
@Index('person_matches_pending_pair_key', ['pendingPersonId', 'candidatePersonId'], { unique: true, where: `status = 'pending'` })
@Index('person_matches_status_idx', ['status', 'requestedAt'])
@Index('person_matches_open_intake_idx', ['nhsNumber', 'requestedBy'], { where: `status = 'pending'` })
@Check('person_matches_attempts', `attempts >= 1`)
export class PersonMatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the matches were asked for in: what orders those asked for at the same instant (the list, its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  pendingPersonId: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  candidatePersonId: string;

  /** The NHS number the referrer gave. */
  @Column('text')
  nhsNumber: string;

  @Column('text', { default: 'pending' })
  status: PersonMatchStatus;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  requestedBy: string;

  @Column('timestamptz')
  requestedAt: Date;

  /**
   * How many intakes (or changes of the pending person) by `requestedBy` gave this NHS number while the match was
   * waiting: a repeat is folded into the open match (its record kept as one of the match's intakes), never one more
   * match in the queue.
   */
  @Column('integer', { default: 1 })
  attempts: number;

  /** When the last of those intakes was made. */
  @Column('timestamptz')
  lastRequestedAt: Date;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  resolvedBy: string | null;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  /** A `folded` match: the pending match it was merged into (its attempts counted there, its intakes linked there). */
  @ForeignKey(() => PersonMatchEntity, { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  foldedInto: string | null;
}

/**
 * An intake folded into a pending match: the same caller sent the match's NHS number again (POST /people, referral
 * intake, or PATCH /people/{id} of another record) while the match waited. The person that intake recorded is kept (without the number, as the match's pending
 * person is) and linked here, so that resolving the match settles it as it settles the pending person: merged into the
 * candidate on `same-person`, a person of its own on `different-person`.
 */
@Entity('person_match_intakes')
@Index('person_match_intakes_person_idx', ['personId'])
@Check('person_match_intakes_attempt', `attempt >= 2`)
export class PersonMatchIntakeEntity {
  @ForeignKey(() => PersonMatchEntity, { onDelete: 'RESTRICT' })
  @PrimaryColumn('uuid')
  matchId: string;

  @ForeignKey(() => PersonEntity, { onDelete: 'RESTRICT' })
  @PrimaryColumn('uuid')
  personId: string;

  /** When the intake was made. */
  @Column('timestamptz')
  requestedAt: Date;

  /** Which of the match's attempts the intake was (the first is the pending person's, so 2 and on): their order. */
  @Column('integer')
  attempt: number;
}
