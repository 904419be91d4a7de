/**
 * The facts of an MHA assessment as the pure rules see them (MHA 1983 Part 2; the rules of rule-catalogue.ts): no Nest, no ORM, no clock.
 * The assessments service builds these from the record (resolving, for example, a doctor's s.12 approval on the
 * examination date from the register); `checkAssessment` (assessment-rules.ts) turns them into findings and
 * deadlines; `proposeNearestRelative` (nearest-relative.ts) applies s.26.
 */
import type { Finding, Instant } from './clocks';
import type { CuredFinding } from './after-admission.rules';
import type { RuleId } from './rule-catalogue';
import type { IsoDate } from './time';

export type Section = 's2' | 's3' | 's4' | 's7';
/** C8: only in person counts for s.11(5) ("personally seen") and s.12(1) ("personally examined"). */
export type ContactMode = 'in-person' | 'video' | 'phone';
export type Applicant = 'amhp' | 'nearest-relative';

/** Which law applies on a date: the MHA 2025 provisions switch in by configurable commencement dates (MHA25-*). */
export interface RegimeConfig {
  /** MHA 2025 s.24-s.25: the nominated person replaces the nearest relative; an objection no longer blocks. Null: not commenced. */
  nominatedPersonFrom: IsoDate | null;
  /** MHA 2025 s.5: the new detention criteria ("serious harm"). */
  newCriteriaFrom: IsoDate | null;
  /** MHA 2025 ss.3-4: no s.3 for autism or learning disability alone. */
  autismLdGateFrom: IsoDate | null;
  /** MHA 2025 s.29: s.3's first period 3 months instead of 6. */
  shorterS3PeriodFrom: IsoDate | null;
  /**
   * MHA25-09 ✱: the periods, in months, for which a s.3 may be renewed once the shorter first period applies (the
   * last repeats). Unconfirmed, so data (MHA2025_S3_RENEWAL_MONTHS); absent: DEFAULT_2025_S3_RENEWAL_MONTHS.
   */
  s3RenewalMonths2025?: readonly number[] | null;
}

export interface LegalRegime {
  /** 'mha1983' until any 2025 provision applying here has commenced on the date asked; else 'mha2025-partial' or 'mha2025'. */
  id: 'mha1983' | 'mha2025-partial' | 'mha2025';
  representative: 'nearest-relative' | 'nominated-person';
  /** NR-02 (1983): an objection blocks s.3/s.7. MHA25-06: it needs the AMHP's dangerousness report instead. */
  objectionBlocks: boolean;
  criteria: '1983' | '2025';
  autismLdGate: boolean;
  s3FirstPeriodMonths: 6 | 3;
  /**
   * APP-18 (s.20(2)) / MHA25-09: the periods, in months, for which a s.3 may be renewed after its first period, in
   * order; the last repeats (1983: 6 months, then a year at a time).
   */
  s3RenewalMonths: readonly number[];
  /** Human-readable list of what applies and why (the commencement dates relied on). */
  basis: string[];
}

export interface RecommendationFacts {
  id: string;
  /** COI-09: the doctor's id on the s.12 register; null (or absent) for a doctor entered ad hoc, who is known by name. */
  doctorId?: string | null;
  /**
   * APP-07 / APP-08 / GDN-03 / APP-11 ("different" doctors, s.12): the doctor's GMC reference number, which tells
   * doctors apart: the register's for a doctor on it, as recorded for one entered ad hoc (null or absent: not given,
   * and such a doctor is known only by name).
   */
  gmcNumber?: string | null;
  doctorName: string;
  /** From the register on the examination date (or the ad hoc doctor's stated approval, then `approvalVerified` false). */
  s12ApprovedOnExamDate: boolean;
  approvedClinicianOnExamDate: boolean;
  approvalVerified: boolean;
  previousAcquaintance: boolean;
  /** MED-04: why a doctor with previous acquaintance was not practicable. */
  noAcquaintanceReason: string | null;
  examinedAt: Instant;
  examMode: ContactMode;
  signedAt: Instant;
  section: Section;
  /** A joint recommendation (one form signed by two doctors: A3/A7/G3): two recommendation records share `jointGroup`. */
  jointGroup: string | null;
  /** APP-11: when the hospital managers received it (a s.4's second recommendation). */
  receivedByManagersAt: Instant | null;
  /** APP-09: learning disability is the disorder relied on, and whether it comes with the qualifying conduct. */
  learningDisabilityOnly: boolean;
  ldQualifyingConduct: boolean;
  /** MHA25-04: autism or learning disability without a co-occurring psychiatric disorder. */
  autismOrLdWithoutPsychiatricDisorder: boolean;
  /**
   * MED-06 (s.3): why informal treatment is not appropriate, and the hospital(s) where appropriate treatment is
   * available (forms A7/A8; several separated by ";" or "or"), which the application must be addressed to (APP-08).
   */
  informalInappropriateReason: string | null;
  treatmentAvailableAt: string | null;
  /**
   * APP-16 (s.15(3)): a fresh recommendation the managers were furnished with in rectification, in place of one found
   * insufficient. It must comply with the Act but for the provisions on the time of its signature and on the interval
   * between the examinations (s.15(3)(a)): MED-01's "before the application" and MED-02's five clear days are not
   * judged on it, and the authority to convey (APP-13) still runs from the examinations the application was made on.
   */
  freshUnderS15?: boolean;
}

/** A time the AMHP saw the patient (APP-04/05, C8). */
export interface ContactFacts {
  at: Instant;
  mode: ContactMode;
  /** Only the applicant AMHP's own contacts count for s.11(5). */
  byApplicant: boolean;
}

/**
 * NR-03 (s.11(4)(b); CV v SLAM [2010] EWHC 742 (Admin)): the detention in force when an exception to consulting the
 * nearest relative was relied on, and how much of it remained then, computed by the hub from the referral's clocks
 * (detentionRemaining, assessment-rules.ts), not taken from the AMHP's belief.
 */
export interface DetentionRemaining {
  /** The instant it was computed as at (when the exception was recorded, or the asAt given for it). */
  at: Instant;
  /** The detention with a clock then in force (or lapsed), or null: none on the referral. */
  detention: {
    /** The rule that fixes its end: HOLD-01 (s.5(2)), HOLD-02 (s.5(4)), POL-07 (s.136), POL-04 (s.135(1)), APP-17 (s.2). */
    rule: 'HOLD-01' | 'HOLD-02' | 'POL-07' | 'POL-04' | 'APP-17';
    /** "the s.5(2) holding power". */
    name: string;
    /** When it ends; null while a s.2 is extended by a pending s.29 application (NR-11: no end date yet). */
    endsAt: Instant | null;
    /** Whole minutes from `at` to `endsAt` (0 once lapsed); null with no end date. */
    remainingMinutes: number | null;
  } | null;
  /** In words, as the assessment, the checks and the outcome report show it. */
  text: string;
}

export interface NearestRelativeFacts {
  /** The person appearing to be the NR (or NP under the 2025 regime) has been identified and confirmed by the AMHP. */
  identified: boolean;
  /** No NR exists or cannot be ascertained (recorded with a reason): informing/consulting then cannot apply. */
  noneReason: string | null;
  informedAt: Instant | null;
  consultedAt: Instant | null;
  /**
   * NR-01/NR-03 exception, with the facts relied on (CV v SLAM) and what remained of the detention in force when it
   * was recorded, as the hub computed it then (detentionRemaining).
   */
  exception: {
    kind: 'not-reasonably-practicable' | 'unreasonable-delay';
    facts: string;
    detentionRemaining?: DetentionRemaining | null;
  } | null;
  /**
   * NR-02 / NR-14: an objection notified to the AMHP or the LSSA and not withdrawn, made by someone whose objection
   * counts (the NR at the time, the s.29 acting NR, a reg 24 delegate of either; the NP under the 2025 regime).
   */
  objectionInForce: boolean;
  /** NR-14: who made the objections that count, with their standing ("Ada (the nearest relative (s.26))"). */
  objectors?: string[];
  /** NR-14: objections in force by someone whose objection does not count: kept and shown as information. */
  objectionsWithoutStanding?: Array<{ by: string; explanation: string }>;
  /** NR-10: a s.29 order displacing the NR is in force (the acting NR has the NR's functions, s.29(6)). */
  displaced: boolean;
  /**
   * NR-04..08, NR-10: who s.26 (or the s.29 order in force) makes the nearest relative when the rules are applied,
   * under the nearest-relative regime; null when nobody. Recording "none" does not remove a duty owed to them.
   */
  proposed?: string | null;
  /** NR-10 (s.29(6)): the person identified for the assessment is a relative the order in force displaced. */
  identifiedDisplaced?: boolean;
  /**
   * NR-03 / NR-01 with NR-04..08: the nearest relative changed between the instant the one identified was identified as
   * at (`identifiedAsAt`) and the instant the rules are applied (the application's signing): s.26 (or the order in
   * force) now makes `proposed` the nearest relative, not `identified` (a relative turned 18, the patient turned 18 and
   * a care order ended, an order ended). Null or absent when it did not.
   */
  identifiedNoLongerNearest?: { identified: string; identifiedAsAt: Instant; proposed: string } | null;
  /** MHA25-06: the AMHP's report that the patient would be likely to act dangerously if not admitted. */
  dangerousnessReport: boolean;
  /** MHA25-06: why a report given does not override the objection (override-report.ts), for the message. */
  dangerousnessReportProblems?: string[];
}

/**
 * One assessor's conflict-of-interest facts (COI-*): computed professional links plus signed declarations. The rules
 * take as "the assessors" (SI 2008/1205 reg 2) the applicant and the doctors whose recommendations found the
 * application: a doctor's record is found by `id` (the recommendation's id, or the doctor's register id) or, for a
 * doctor entered ad hoc, by name; a record for anyone else is not an assessor of this application.
 */
export interface AssessorFacts {
  /** "amhp" for the applicant AMHP; for a doctor, the recommendation's id (or the register doctor's id). */
  id: string;
  role: 'amhp' | 'doctor' | 'nearest-relative-applicant';
  name: string;
  /** Clinical teams organised to work together on a routine basis (COI-04/05): names as recorded. */
  teams: string[];
  /** Ids of other assessors (or 'patient'/'nearest-relative') this assessor directs the work of or employs (COI-03/07). */
  directsOrEmploys: string[];
  /** Signed declarations (COI-01/02/08); null when not yet declared. */
  declaration: { financial: boolean; business: boolean; personal: boolean; declaredAt: Instant } | null;
}

/** NR-11: a s.29 application on ground (c) or (d), as far as the court has taken it (judged by s2End, clocks.ts). */
export type { DisplacementApplicationFacts } from './clocks';
import type { DisplacementApplicationFacts, S2Ended } from './clocks';

export interface ApplicationFacts {
  section: Section;
  applicant: Applicant;
  /** When the application was signed (made); for one not yet made, the instant the checklist asks about. */
  signedAt: Instant;
  /**
   * Not made yet: the live checklist's draft, checked as if signed at `signedAt`. Its checks add what stands before an
   * application (MED-02's latest date for the second examination, COP-02's last valid application date).
   */
  notYetMade?: boolean;
  /** APP-03: a specific hospital site, not a trust. */
  hospitalSite: string | null;
  /** APP-10: the s.4 statement that complying with s.2 would involve undesirable delay. */
  undesirableDelayStatement: boolean;
  /** APP-01/AMHP-01: the applicant AMHP's approval is current (and not suspended) at signing. */
  applicantApprovedAtSigning: boolean;
  /** COP-03: arrangements recorded for dependants, people the patient cares for, pets, home and property (null: not recorded). */
  practicalMatters: { dependants: string | null; pets: string | null; property: string | null };
  /** GDN-04: the guardian. */
  guardian: { type: 'lssa' | 'private'; name: string; willingnessStatement: boolean; acceptedByLssaAt: Instant | null } | null;
  /** GDN-06: forwarded to the LSSA. */
  forwardedToLssaAt: Instant | null;
  /**
   * GDN-01 (s.7(4), forms G1/G2): a guardianship application states that the patient, whose date of birth is not
   * known, is believed to be 16 or over (the service gives it to the rules as AssessmentFacts.believedSixteenOrOver).
   */
  believedSixteenOrOver?: boolean;
  /** COI-06: urgent necessity and serious risk, recorded; excuses only the three-in-one-team conflict (COI-05). */
  urgentNecessity: string | null;
  /** APP-12 / s.4 admission: when the patient was admitted (or the managers received the application for an in-patient). */
  admittedAt: Instant | null;
  /** APP-12 (s.5(1)): the patient was already in hospital when the application was made, so it takes effect on receipt. */
  inPatient?: boolean;
  /** APP-12: when the hospital managers received the application (for an in-patient, the admission). */
  managersReceivedAt?: Instant | null;
  /**
   * APP-21 (s.14): when the social circumstances report on a patient admitted on the nearest relative's application
   * was given to the managers (the timeline's `social-circumstances-report`); null or absent while it is owed.
   */
  socialCircumstancesReportAt?: Instant | null;
  /**
   * HOLD-01 / HOLD-02: the holding power (s.5(2) or s.5(4)) the patient was held under when the application was made,
   * by the rule that fixes its end, and when it ends (its clock's deadline). Absent when there was none.
   */
  holdingPower?: { rule: 'HOLD-01' | 'HOLD-02'; endsAt: Instant } | null;
  /**
   * NR-11 (s.29(4)): the s.29 displacement applications on ground (c) or (d) known when the rules are applied, each
   * with where the court has got to; the rules decide which of them extend the s.2 (those made while it was in force).
   */
  displacementApplications: DisplacementApplicationFacts[];
  /**
   * APP-17 (s.2(4)) with NR-11: the patient is already detained under a s.2, admitted then: as the referral's legal
   * context states it (`from` 'referral', the default), or as the hub's own record shows it in force at the signing (an
   * earlier assessment's s.2, or a s.4 that became one, admitted; `from` 'record'). A s.3 for them is checked with that
   * s.2's end; a further s.2 or a s.4 is refused: a s.2 cannot be renewed. From the record, only while no discharge
   * (s.23), lapse or s.3 is recorded on it (APP-22); `assessmentId` names the assessment it was made in. `ended`: the end
   * recorded of the s.2 the referral states (APP-22: on the referral, or on the hub's assessment of the same admission);
   * it is not in force from then (s2InForce). Absent when not.
   */
  detainedUnderS2?: { admittedAt: Instant; from?: 'referral' | 'record'; assessmentId?: string; ended?: S2Ended | null } | null;
  /**
   * APP-22 (s.23, s.2(4), s.6(4)): the detention (or guardianship) under this application ended, as recorded after the
   * fact: discharged by an order under s.23 (`by` whom), a s.2 lapsed at its 28 days, or a s.2 ended by admission
   * under a s.3. Its deadlines (the s.2 expiry) then show the end. Absent or null while none is recorded.
   */
  detentionEnded?: { kind: DetentionEndKind; at: Instant; by?: Discharger | null } | null;
  /**
   * APP-16 (s.15(2)-(3)) with APP-13: the recommendations the application was made on that a rectification replaced.
   * They found it no longer, but the authority to convey (s.6(1)(a)) ran from the examinations it was made on.
   */
  replacedUnderS15?: RecommendationFacts[];
}

/** APP-22: how a detention under an application ended (s.23 discharge; s.2(4) lapse; s.6(4) admission under a s.3). */
export const DETENTION_END_KINDS = ['discharged', 'lapsed', 'became-s3'] as const;
export type DetentionEndKind = (typeof DETENTION_END_KINDS)[number];
/**
 * APP-22 (s.23(2), s.72): who discharged the patient: the responsible clinician, the hospital managers (a hospital
 * patient) or the local social services authority (a guardianship patient), the nearest relative (s.23(2), with s.25
 * for a hospital patient), or the tribunal.
 */
export const DISCHARGERS = [
  'responsible-clinician',
  'hospital-managers',
  'local-social-services-authority',
  'nearest-relative',
  'tribunal',
] as const;
export type Discharger = (typeof DISCHARGERS)[number];
/** Who discharged, in words. */
export const DISCHARGER_TEXT: Record<Discharger, string> = {
  'responsible-clinician': 'the responsible clinician',
  'hospital-managers': 'the hospital managers',
  'local-social-services-authority': 'the local social services authority',
  'nearest-relative': 'the nearest relative',
  tribunal: 'the tribunal',
};

export interface CtoDecisionFacts {
  /**
   * What the AMHP decides on: 'making' a CTO (CTO-01, s.17A(4), form CTO1 Part 2, with its conditions, CTO-02) or, for a
   * patient recalled under s.17E, 'revocation' of the CTO (CTO-03, s.17F(4), form CTO5: no conditions). Absent: making.
   */
  about?: 'making' | 'revocation';
  decision: 'agree' | 'disagree';
  inWriting: boolean;
  signedAt: Instant;
  amhpApprovedAtSigning: boolean;
  /** CTO-02: the conditions the AMHP agreed to (making a CTO only; a revocation has none). */
  conditionsAgreed: boolean;
  /**
   * CTO-01 (s.17A(1)-(2)): the patient's legal position as the referral recorded it (its legal context's kind). A CTO
   * is made only for a patient detained for treatment (s.3, or an unrestricted Part 3 order).
   */
  referredAs?: string;
  /**
   * CTO-03 (s.17F(4)-(5), (8)): for a revocation, the recall's 72 hours as the referral's clock computes them: their
   * start (the detention in hospital under the notice) and end; `provisional` when that start is not recorded and the
   * notice stands in (the end may then be earlier than the true one). Absent when not known.
   */
  recall?: { startsAt: Instant; endsAt: Instant; provisional: boolean } | null;
  /**
   * CTO-07 / CTO-08: when the responsible clinician made the order the AMHP agreed to (the revocation, s.17F(4); the
   * CTO, s.17A(1)), once recorded (PATCH /assessments/{id}/cto-order; the AMHP's agreement is not the order); null before.
   */
  orderMadeAt?: Instant | null;
  /** The decision is recorded (the checks of an outcome already made), not being recorded now. */
  recorded?: boolean;
  /**
   * APP-09 (s.1(2A), (2B)): the mental disorder the order rests on (the responsible clinician's, as the AMHP agrees it) is a
   * learning disability alone, and `ldQualifyingConduct` whether it is associated with abnormally aggressive or seriously
   * irresponsible conduct. A CTO, and the s.3 a revocation restores (s.17G), are among the provisions it qualifies.
   */
  learningDisabilityOnly?: boolean;
  ldQualifyingConduct?: boolean;
  /** MHA25-04 (commenced by regime): autism or a learning disability without a co-occurring psychiatric disorder. */
  autismOrLdWithoutPsychiatricDisorder?: boolean;
}

export interface AssessmentFacts {
  /** The date whose regime applies (the application date, else today). */
  regime: LegalRegime;
  timeZone: string;
  patientDateOfBirth: IsoDate | null;
  /** GDN-01 (s.7(4)): where the date of birth is unknown, the patient is believed to be 16 or over. */
  believedSixteenOrOver: boolean;
  contacts: ContactFacts[];
  /**
   * COI-04 (SI 2008/1205 reg 5(1)(b)): clinical teams the patient is a member of (e.g. a patient who is also staff),
   * by the same names as AssessorFacts.teams. Optional: absent or empty means none recorded.
   */
  patientTeams?: string[];
  /** APP-06 / s.13(2): interview in a suitable manner, alternatives considered. */
  interview: { suitableMannerNotes: string | null; alternativesConsidered: string[] } | null;
  recommendations: RecommendationFacts[];
  nearestRelative: NearestRelativeFacts;
  assessors: AssessorFacts[];
  /** NR-12: the nearest relative asked for this assessment (s.13(4)). */
  nearestRelativeRequested: boolean;
  writtenReasonsSentAt: Instant | null;
  application: ApplicationFacts | null;
  cto: CtoDecisionFacts | null;
}

export type DeadlineId =
  | 'last-valid-application' // COP-02: min(last exam + 13, seen + 13), end of day
  | 'second-examination' // MED-02: first exam + 6 days, end of day
  | 'conveyance' // APP-13 (14 days beginning with the last exam) / APP-14 (s.4: 24 h from the earlier of exam and application)
  | 's4-second-recommendation' // APP-11: admission + 72 h
  | 's2-expiry' // APP-17 / C4 (and NR-11 when extended)
  | 's3-first-period' // APP-18 / C6 (regime-dependent)
  | 'guardianship-first-period' // GDN-07
  | 'cto-first-period' // CTO-08 (s.20A(1): 6 months beginning with the day the order is made)
  | 'forward-to-lssa' // GDN-06
  | 'rectification' // APP-16
  | 'inform-nearest-relative' // NR-01 (configurable SLA)
  | 'social-circumstances-report' // APP-21 (s.14: as soon as practicable; a local target in days from admission)
  | 'nr-exception-detention-ends'; // NR-03: the end of the detention an exception to consulting relied on

export interface Deadline {
  id: DeadlineId;
  rule: RuleId;
  /** The instant it ends (end of the local day for day-counted periods). */
  at: Instant;
  label: string;
  /** How it was counted, with the convention (C1-C6) and the dates used. */
  basis: string;
}

export interface AssessmentCheck {
  regime: LegalRegime;
  findings: Finding[];
  deadlines: Deadline[];
  /** APP-16 (s.15): the findings of the application as made that its rectification cured (none recorded: absent). */
  cured?: CuredFinding[];
}
