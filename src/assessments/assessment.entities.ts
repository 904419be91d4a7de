import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

export const TIMELINE_EVENTS = [
  'doctors-requested',
  'doctor-arrived',
  'interview-started',
  'interview-ended',
  'decision',
  'application-signed',
  'bed-requested',
  'bed-identified',
  'conveyance-requested',
  'conveyance-arrived',
  'admitted',
  // APP-21 (s.14): after an admission on the nearest relative's application, the AMHP's social circumstances report
  // given to the hospital managers.
  'social-circumstances-report',
  'warrant-requested',
  'warrant-executed',
  'police-requested',
  'police-arrived',
  'interpreter-requested',
  'interpreter-arrived',
  'other',
] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export const DELAY_REASONS = [
  'no-bed',
  'waiting-s12-doctor',
  'waiting-second-doctor',
  'police-unavailable',
  'ambulance-unavailable',
  'interpreter-unavailable',
  'warrant-needed',
  'person-not-found',
  'person-unwell',
  'access-refused',
  'other',
] as const;

export const OUTCOME_KINDS = ['application', 'cto-decision', 'not-detained'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** The alternatives to detention the AMHP considered (APP-06, MHA 1983 s.13(2); COP-06). */
export const ALTERNATIVES = [
  'informal-admission',
  'crisis-home-treatment',
  'community-follow-up',
  'care-package',
  'no-further-action',
  'decision-deferred',
  'unable-to-complete',
] as const;

/** One entry of the outcome report's distribution list. */
export interface ReportRecipient {
  recipient: string;
  role: string | null;
  method: string | null;
  /** ISO 8601; null while it is still to be sent. */
  sentAt: string | null;
}

/**
 * An MHA assessment of the person of a referral (FHIR Encounter): who assessed, where, every contact and its mode,
 * the timeline, the medical recommendations, the nearest relative, conflicts, and the outcome. One open
 * assessment per referral at a time.
 */
@Entity('assessments')
@Check('assessments_status', `status IN ('open','decided','closed')`)
@Check('assessments_outcome_kind', `outcome_kind IS NULL OR outcome_kind IN ('application','cto-decision','not-detained')`)
@Check('assessments_section', `section IS NULL OR section IN ('s2','s3','s4','s7')`)
@Index('assessments_one_open_per_referral_key', ['referralId'], { unique: true, where: `status <> 'closed'` })
@Index('assessments_referral_idx', ['referralId', 'openedAt'])
@Index('assessments_person_idx', ['personId', 'openedAt'])
@Index('assessments_lead_idx', ['leadAmhpUserId', 'status', 'openedAt'])
@Index('assessments_opened_idx', ['openedAt'])
@Index('assessments_decided_idx', ['decidedAt'])
export class AssessmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the assessments were opened in: what orders those opened at the same instant (the list, its cursor),
   * never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey('referrals', { onDelete: 'RESTRICT' })
  @Column('uuid')
  referralId: string;

  @ForeignKey('persons', { onDelete: 'RESTRICT' })
  @Column('uuid')
  personId: string;

  @Column('text', { default: 'open' })
  status: 'open' | 'decided' | 'closed';

  /** The AMHP leading (and, if there is an application, making it). */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  leadAmhpUserId: string;

  /** Other AMHPs involved (a second AMHP, a trainee shadowing). */
  @Column('uuid', { array: true, default: () => "'{}'" })
  otherAmhpUserIds: string[];

  @Column('text', { nullable: true })
  location: string | null;

  /** Interpreter, advocate, police and ambulance involvement. */
  @Column('jsonb', { default: {} })
  involvement: {
    interpreter?: { needed: boolean; language?: string; used?: boolean; name?: string };
    advocate?: { involved: boolean; name?: string };
    police?: { involved: boolean; reason?: string };
    ambulance?: { involved: boolean; reason?: string };
  };

  /** APP-06 / s.13(2): how the interview was made suitable, and the alternatives considered. */
  @Column('jsonb', { nullable: true })
  interview: {
    suitableMannerNotes: string | null;
    alternativesConsidered: string[];
    capacity?: string | null;
    patientViews?: string | null;
    relativesWishes?: string | null;
    professionalsConsulted?: string[];
  } | null;

  /** The person appearing to be the nearest relative (or nominated person) for this assessment, and what was done. */
  @Column('jsonb', { nullable: true })
  nearestRelative: {
    relativeId: string | null;
    /** NR-10: the s.29 order whose acting nearest relative was identified. */
    displacementId?: string | null;
    /** MHA25-05: the nominated person identified. */
    nominatedPersonId?: string | null;
    name: string | null;
    confirmed: boolean;
    notConfirmedReason: string | null;
    noneReason: string | null;
    trace: string[];
    /** The instant s.26 was applied as at (the application's signing, the asAt given, or when recorded), and why. */
    asAt?: string;
    asAtBasis?: 'signedAt' | 'asAt' | 'now';
    informedAt: string | null;
    informedMethod: string | null;
    consultedAt: string | null;
    consultedMethod: string | null;
    /** NR-03 (CV v SLAM): with what remained of the detention in force when recorded (absent on older records). */
    exception: {
      kind: 'not-reasonably-practicable' | 'unreasonable-delay';
      facts: string;
      detentionRemaining?: StoredDetentionRemaining;
    } | null;
    views: string | null;
  } | null;

  /** COI-*: each assessor's teams, who they direct or employ, and their signed declaration. */
  @Column('jsonb', { default: [] })
  conflicts: Array<{
    assessorId: string;
    role: 'amhp' | 'doctor' | 'nearest-relative-applicant';
    name: string;
    teams: string[];
    directsOrEmploys: string[];
    declaration: { financial: boolean; business: boolean; personal: boolean; declaredAt: string } | null;
  }>;

  /** The patient's clinical teams, for COI-04 (the patient in an assessor's team). */
  @Column('text', { array: true, default: () => "'{}'" })
  patientTeams: string[];

  @Column('text', { nullable: true })
  outcomeKind: OutcomeKind | null;

  @Column('text', { nullable: true })
  section: 's2' | 's3' | 's4' | 's7' | null;

  /** MHSDS legal status code for a detention or guardianship (NHS Data Dictionary, England: legalStatusCode()). */
  @Column('text', { nullable: true })
  legalStatusCode: string | null;

  /** The outcome as recorded: application details, CTO decision, or the alternative and rationale; acknowledged warnings. */
  @Column('jsonb', { nullable: true })
  outcome: Record<string, unknown> | null;

  @Column('timestamptz', { nullable: true })
  decidedAt: Date | null;

  /**
   * APP-11 (s.4(4)): when a s.4 became a s.2 (the managers' receipt of the second recommendation that, with the first,
   * complies with s.12), as s4Conversion judged it when the assessment last changed; null when it does not convert.
   * The referral's s.4 clock stops on it (referralStopFactsSql).
   */
  @Column('timestamptz', { nullable: true })
  s4ConvertsAt: Date | null;

  /**
   * APP-13 / APP-14 (s.6(1)): when the authority to convey the patient under the application ended, as conveyanceWindow
   * judged it when the assessment last changed; null without an application that conveys (or before one is judged). The
   * referral's clocks take an admission at or after it as no admission under the application (referralStopFactsSql).
   */
  @Column('timestamptz', { nullable: true })
  conveyanceEndsAt: Date | null;

  /** For the outcome report (COP-07): the ward the patient is admitted to. */
  @Column('text', { nullable: true })
  ward: string | null;

  /** Who found the bed (the bed manager, the AMHP, the crisis team...). */
  @Column('text', { nullable: true })
  bedFoundBy: string | null;

  /** Who the conveyance was arranged with (the ambulance service, the police, a secure transport provider...). */
  @Column('text', { nullable: true })
  conveyanceArrangedWith: string | null;

  /** Who the outcome report went to, how and when: its distribution list. */
  @Column('jsonb', { default: [] })
  distribution: ReportRecipient[];

  @Column('timestamptz')
  openedAt: Date;

  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  /**
   * The person as the record of this assessment holds them (names, date of birth, NHS number, address, language and
   * communication): taken when it opens, again when the outcome is recorded and when it closes. A closed assessment,
   * its outcome report and letter show this, never the person's record as it is later (personAsRecordedSql).
   */
  @Column('jsonb', { nullable: true })
  personAsRecorded: Record<string, unknown> | null;

  /**
   * The person's nearest-relative facts (relatives, objections, s.29 applications, the nominated person) as the record
   * of this assessment holds them, taken with personAsRecorded. A closed assessment, its outcome report and letter work
   * out the nearest relative's position from this, never from the relatives as they are later (relativesAsRecordedSql).
   */
  @Column('jsonb', { nullable: true })
  relativesAsRecorded: Record<string, unknown> | null;

  @Column('integer', { default: 1 })
  version: number;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  createdBy: string;
}

/** A timed event of the assessment (the timeline is the record), with the reason for any delay. */
@Entity('assessment_events')
@Index('assessment_events_assessment_idx', ['assessmentId', 'at'])
// (assessment_id, at, id) INCLUDE (type, delay_reason, data), for the reports' one pass over a timeline: migration ReportTimelineIndexes.
@Index('assessment_events_steps_idx', { synchronize: false })
// (at) WHERE type = 'application-signed', for the reports' applications signed in a window: migration ReportTimelineIndexes.
@Index('assessment_events_application_signed_idx', { synchronize: false })
export class AssessmentEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @ForeignKey(() => AssessmentEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  assessmentId: string;

  @Column('text')
  type: string;

  /** When it happened (may be recorded later). */
  @Column('timestamptz')
  at: Date;

  @Column('text', { nullable: true })
  delayReason: string | null;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('jsonb', { default: {} })
  data: Record<string, unknown>;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}

/** Each contact with the patient and its mode: only in person counts for s.11(5) and s.12 (C8). */
@Entity('assessment_contacts')
@Check('assessment_contacts_mode', `mode IN ('in-person','video','phone')`)
@Check('assessment_contacts_by_role', `by_role IN ('amhp','doctor','other')`)
@Index('assessment_contacts_assessment_idx', ['assessmentId', 'at'])
export class AssessmentContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the contacts were recorded in: what orders those at the same time (the assessment), never their random
   * ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => AssessmentEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  assessmentId: string;

  @Column('timestamptz')
  at: Date;

  @Column('text')
  mode: 'in-person' | 'video' | 'phone';

  @Column('text')
  byRole: 'amhp' | 'doctor' | 'other';

  /** The AMHP's user id when an AMHP made the contact. */
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  byUserId: string | null;

  @Column('text', { nullable: true })
  byName: string | null;

  @Column('text', { nullable: true })
  note: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}

/** A medical recommendation (Forms A3/A4, A7/A8, A11, G3/G4). */
@Entity('medical_recommendations')
@Check('medical_recommendations_section', `section IN ('s2','s3','s4','s7')`)
@Check('medical_recommendations_mode', `exam_mode IN ('in-person','video','phone')`)
@Index('medical_recommendations_assessment_idx', ['assessmentId'])
export class MedicalRecommendationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /**
   * The order the recommendations were recorded in: what orders those of examinations at the same time (the
   * assessment), never their random ids.
   */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS' })
  seq: string;

  @ForeignKey(() => AssessmentEntity, { onDelete: 'CASCADE' })
  @Column('uuid')
  assessmentId: string;

  /** From the s.12 register; null for a doctor entered ad hoc. */
  @ForeignKey('doctors', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  doctorId: string | null;

  @Column('text')
  doctorName: string;

  /** An ad hoc doctor's own statement of approval (not verified against the register). */
  @Column('jsonb', { nullable: true })
  statedApproval: { s12: boolean; approvedClinician: boolean } | null;

  @Column('boolean')
  previousAcquaintance: boolean;

  @Column('text', { nullable: true })
  noAcquaintanceReason: string | null;

  @Column('timestamptz')
  examinedAt: Date;

  @Column('text')
  examMode: 'in-person' | 'video' | 'phone';

  @Column('timestamptz')
  signedAt: Date;

  @Column('text')
  section: 's2' | 's3' | 's4' | 's7';

  /** Two records of a joint recommendation share a group id. */
  @Column('uuid', { nullable: true })
  jointGroup: string | null;

  @Column('timestamptz', { nullable: true })
  receivedByManagersAt: Date | null;

  /** APP-09, MHA25-04, MED-06 facts. */
  @Column('jsonb', { default: {} })
  details: {
    learningDisabilityOnly?: boolean;
    ldQualifyingConduct?: boolean;
    autismOrLdWithoutPsychiatricDisorder?: boolean;
    informalInappropriateReason?: string;
    treatmentAvailableAt?: string;
    team?: string;
  };

  @Column('timestamptz', { nullable: true })
  withdrawnAt: Date | null;

  /**
   * MED-03 (s.12(2), (2A)): a registered doctor's approvals on the examination date as the register gave them when the
   * application founded on this recommendation was made (or, for a s.4's second recommendation, when it became a s.2).
   * Null until then: read from the register. A made application is judged on this, whatever the register says later.
   */
  @Column('jsonb', { nullable: true })
  approvalReliedOn: ApprovalReliedOn | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}

/** One period of approval as the register held it (an approval removed from the register later keeps it here). */
export interface ApprovalPeriodReliedOn {
  approvalId: string;
  startsOn: string;
  endsOn: string;
  approvingBody: string | null;
}

/** What a recommendation's doctor was approved as on the examination date, as the register said at `asAt`. */
export interface ApprovalReliedOn {
  asAt: string;
  s12: ApprovalPeriodReliedOn | null;
  approvedClinician: ApprovalPeriodReliedOn | null;
}

/**
 * NR-03 (s.11(4)(b); CV v SLAM): what remained of the detention in force (holding power, place of safety, s.2) when an
 * exception to consulting the nearest relative was recorded, as the hub's clocks computed it; `rule` null: none.
 */
export interface StoredDetentionRemaining {
  at: string;
  rule: 'HOLD-01' | 'HOLD-02' | 'POL-07' | 'POL-04' | 'APP-17' | null;
  name: string | null;
  /** Null with no detention, or a s.2 extended by a pending s.29 application (no end date). */
  endsAt: string | null;
  remainingMinutes: number | null;
  text: string;
}
