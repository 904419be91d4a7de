import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { REFERRAL_STATUSES, type ReferralStatus } from './referral.workflow';

export { REFERRAL_STATUSES, type ReferralStatus };

export const REFERRAL_SOURCES = [
  'gp',
  'cmht',
  'crisis-home-treatment',
  'ae-liaison',
  'ward',
  'police-s136',
  'police-s135',
  'nearest-relative',
  'court-prison',
  'other-council',
  'other',
] as const;
export const URGENCIES = ['emergency', 'urgent', 'routine'] as const;

/**
 * A referral for a Mental Health Act assessment: where the council's s.13 duty begins (DUTY-01). Its legal
 * context starts statutory clocks (s.136, s.135, s.5(2), s.5(4)); `next_deadline` is the soonest running one,
 * kept current on every change so the queue sorts by it through an index.
 */
@Entity('referrals')
@Check(
  'referrals_status',
  `status IN ('received','screening','accepted','not-accepted','transferred','allocated','in-assessment','closed','withdrawn')`,
)
@Check('referrals_urgency', `urgency IN ('emergency','urgent','routine')`)
@Check(
  'referrals_source',
  `source IN ('gp','cmht','crisis-home-treatment','ae-liaison','ward','police-s136','police-s135','nearest-relative','court-prison','other-council','other')`,
)
@Index('referrals_reference_key', ['reference'], { unique: true })
@Index('referrals_queue_idx', ['nextDeadline', 'seq'], { where: `status NOT IN ('closed','withdrawn','not-accepted','transferred')` })
@Index('referrals_person_idx', ['personId', 'receivedAt'])
@Index('referrals_allocated_idx', ['allocatedUserId', 'status'])
@Index('referrals_referrer_idx', ['referrerUserId', 'receivedAt'])
@Index('referrals_received_idx', ['receivedAt'])
export class ReferralEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human reference, e.g. REF-2026-000123. */
  @Column('text')
  reference: string;

  /**
   * The order the referrals were recorded in: what orders the queue between referrals with the same next deadline
   * (or none), and its cursor, never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('persons', { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  @Column('text', { default: 'received' })
  status: ReferralStatus;

  @Column('text')
  source: (typeof REFERRAL_SOURCES)[number];

  @Column('text')
  urgency: (typeof URGENCIES)[number];

  @Column('timestamptz')
  receivedAt: Date;

  /** The referrer as they gave themselves (name, organisation, role, phone). */
  @Column('jsonb')
  referrer: { name: string; organisation?: string; role?: string; phone?: string; email?: string };

  /** The referrer's account when they referred through the API: their relationship to this referral. */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  referrerUserId: string | null;

  @Column('text')
  reason: string;

  /** Risks to self, to others, from others, and flags (weapons, children in the household, animals, access). */
  @Column('jsonb')
  risks: { toSelf: boolean; toOthers: boolean; fromOthers: boolean; flags: string[]; notes?: string };

  /** The legal context at referral (src/statute/clocks.ts): informal, s.136, s.135, s.5(2), s.5(4), CTO recall, s.2. */
  @Column('jsonb')
  legalContext: Record<string, unknown> & { kind: string };

  @Column('text', { nullable: true })
  location: string | null;

  /** The person lives in another council's area (s.13: that LSSA's duty; transfer may follow). */
  @Column('text', { nullable: true })
  otherAuthority: string | null;

  /** s.13(4): the nearest relative asked for the case to be considered; written reasons are owed if not applying. */
  @Column('boolean', { default: false })
  nearestRelativeRequest: boolean;

  @Column('timestamptz', { nullable: true })
  nextDeadline: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  allocatedUserId: string | null;

  @Column('timestamptz', { nullable: true })
  allocatedAt: Date | null;

  /** Screening decision and reasons (not accepted, transferred), withdrawal reason. */
  @Column('text', { nullable: true })
  decisionReason: string | null;

  @Column('text', { nullable: true })
  transferredTo: string | null;

  /** s.13(4) written reasons to the nearest relative: when and how they were given. */
  @Column('timestamptz', { nullable: true })
  writtenReasonsAt: Date | null;

  @Column('text', { nullable: true })
  writtenReasonsMethod: string | null;

  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The referral's timeline: every change as an event (who, what, when); identifiers and codes only. */
@Entity('referral_events')
@Index('referral_events_referral_idx', ['referralId', 'id'])
@Index('referral_events_type_at_idx', ['type', 'at'])
// (referral_id, at, id) INCLUDE (type), for the reports' one pass over a referral's steps: migration ReportTimelineIndexes.
@Index('referral_events_steps_idx', { synchronize: false })
export class ReferralEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @ForeignKey(() => ReferralEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  referralId: string;

  @Column('timestamptz')
  at: Date;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  actorId: string | null;

  /** e.g. received, screening-started, accepted, allocated, offer-declined, extension-recorded, closed. */
  @Column('text')
  type: string;

  @Column('jsonb', { default: () => `'{}'` })
  data: Record<string, unknown>;
}

/** A s.136B extension of the place-of-safety period (POL-08): at most one, at most 12 h (to the minute), before expiry. */
@Entity('referral_extensions')
@Check('referral_extensions_minutes', `minutes BETWEEN 1 AND 720`)
@Index('referral_extensions_referral_key', ['referralId'], { unique: true })
@Check(
  'referral_extensions_authorising_doctor',
  `(authorising_doctor_name IS NULL AND authorising_doctor_gmc_number IS NULL AND authorising_doctor_id IS NULL) OR (authorising_doctor_name IS NOT NULL AND authorising_doctor_gmc_number ~ '^[0-9]{7}$')`,
)
export class ReferralExtensionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => ReferralEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  referralId: string;

  @Column('timestamptz')
  authorisedAt: Date;

  /** Its length in minutes: s.136B(1) allows "a further period not exceeding 12 hours", authorised to a time. */
  @Column('integer')
  minutes: number;

  /** 'examining-doctor': the role of whoever authorised (the only one that may). */
  @Column('text')
  authorisedBy: string;

  /** POL-08 (s.136B): the doctor who authorised it, when on the register (name and GMC number copied as they stood). */
  @ForeignKey('doctors', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  authorisingDoctorId: string | null;

  @Column('text', { nullable: true })
  authorisingDoctorName: string | null;

  @Column('text', { nullable: true })
  authorisingDoctorGmcNumber: string | null;

  @Column('text')
  reason: string;

  @Column('timestamptz', { nullable: true })
  superintendentApprovedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * A referral offered to an AMHP (on duty, or named). Exactly one acceptance wins: a partial unique index makes a
 * second acceptance impossible whatever races the service loses (R9).
 */
@Entity('allocation_offers')
@Check('allocation_offers_response', `response IS NULL OR response IN ('accepted','declined','withdrawn')`)
@Check(
  'allocation_offers_withdrawn_reason',
  `withdrawn_reason IS NULL OR withdrawn_reason IN ('accepted-by-another','allocated','referral-ended','amhp-not-eligible')`,
)
@Index('allocation_offers_referral_idx', ['referralId', 'userId'])
@Index('allocation_offers_one_acceptance_key', ['referralId'], { unique: true, where: `response = 'accepted'` })
@Index('allocation_offers_open_idx', ['userId', 'offeredAt'], { where: 'response IS NULL' })
export class AllocationOfferEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => ReferralEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  referralId: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  userId: string;

  @Column('timestamptz')
  offeredAt: Date;

  /**
   * The order the offers were made in: what orders offers made at the same instant (several AMHPs offered a job at
   * once, one after another in a transaction, or within the clock's resolution), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  offeredBy: string;

  @Column('text', { nullable: true })
  response: 'accepted' | 'declined' | 'withdrawn' | null;

  @Column('timestamptz', { nullable: true })
  respondedAt: Date | null;

  @Column('text', { nullable: true })
  note: string | null;

  /**
   * Why a withdrawn offer was withdrawn: another AMHP accepted, a manager allocated directly, the referral ended, or
   * its AMHP may no longer act as one (suspended, approval ended, registration lapsed, record made inactive).
   */
  @Column('text', { nullable: true })
  withdrawnReason: OfferWithdrawnReason | null;
}

export const OFFER_WITHDRAWN_REASONS = ['accepted-by-another', 'allocated', 'referral-ended', 'amhp-not-eligible'] as const;
export type OfferWithdrawnReason = (typeof OFFER_WITHDRAWN_REASONS)[number];
