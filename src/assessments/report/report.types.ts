/**
 * The AMHP outcome report (COP-07, MHA Code of Practice 2015 ch.14) and the s.13(4) written-reasons letter (NR-12), as the pure
 * renderer (report.ts) sees them. The assessments service assembles an `OutcomeReportModel` from the record; the
 * renderer never reads a clock or the database. Every field that may be unknown is nullable: the report prints
 * "Not recorded" for it, never leaves it out.
 */
import type { ContactMode, LegalRegime, Section, Applicant } from '../../statute/assessment.types';
import type { Instant, LegalContextKind } from '../../statute/clocks';
import type { IsoDate } from '../../statute/time';

export type OutcomeReportKind = 'application' | 'cto-decision' | 'not-detained';

/** One statutory or local clock of the referral's legal context (a `Clock` from clocks.ts fits). */
export interface ReportClock {
  label: string;
  rule: string | null;
  deadline: Instant | null;
  basis: string | null;
  /** The clock's true start is not recorded and an earlier time stands in (its deadline may be earlier than the law's). */
  provisional?: boolean;
}

export interface ReportReferral {
  /** Human reference, e.g. REF-2026-000123. */
  reference: string | null;
  /** A REFERRAL_SOURCES code ('gp', 'nearest-relative', 'police-s136', …) or free text. */
  source: string | null;
  /** The referrer as they gave themselves (name, organisation, role). */
  referrer: string | null;
  receivedAt: Instant | null;
  urgency: 'emergency' | 'urgent' | 'routine' | null;
  reason: string | null;
  risks: string | null;
  /** NR-12: the nearest relative asked for the case to be considered (s.13(4)). */
  nearestRelativeRequested: boolean | null;
  legalContext: {
    kind: LegalContextKind | null;
    /** Words for the context (place of safety, arrival time, who furnished the H1, …). */
    summary: string | null;
    clocks: ReportClock[];
  };
}

export interface ReportPerson {
  name: string | null;
  dateOfBirth: IsoDate | null;
  nhsNumber: string | null;
  address: string | null;
  language: string | null;
  interpreterNeeded: boolean | null;
  communicationNeeds: string | null;
}

export interface ReportInvolvement {
  interpreter: { needed: boolean | null; language: string | null; used: boolean | null; name: string | null } | null;
  advocate: { involved: boolean | null; name: string | null } | null;
  police: { involved: boolean | null; reason: string | null } | null;
  ambulance: { involved: boolean | null; reason: string | null } | null;
}

export interface ReportAssessment {
  /** The lead AMHP first. */
  amhpNames: string[];
  location: string | null;
  openedAt: Instant | null;
  involvement: ReportInvolvement | null;
}

export interface ReportPersonPresent {
  name: string | null;
  role: string | null;
}

export interface ReportContact {
  at: Instant | null;
  who: string | null;
  role: 'amhp' | 'doctor' | 'other' | null;
  /** C8: only in person counts for s.11(5) and s.12(1). */
  mode: ContactMode | null;
  note: string | null;
}

export interface ReportTimelineEvent {
  /** A TIMELINE_EVENTS code ('bed-requested', 'bed-identified', …) or free text. */
  type: string;
  at: Instant | null;
  /** A DELAY_REASONS code ('no-bed', 'waiting-s12-doctor', …) or free text. */
  delayReason: string | null;
  note: string | null;
}

export interface ReportInterview {
  suitableMannerNotes: string | null;
  capacity: string | null;
  patientViews: string | null;
  relativesWishes: string | null;
  professionalsConsulted: string[];
  /** ALTERNATIVES codes ('crisis-home-treatment', …) or free text. */
  alternativesConsidered: string[];
}

export interface ReportNearestRelative {
  /** Null: the NR (or NP) was not identified. */
  name: string | null;
  relationship: string | null;
  /** Confirmed by the AMHP as the person appearing to be the NR. */
  confirmed: boolean | null;
  notConfirmedReason: string | null;
  /** No NR exists or none can be ascertained, and why. */
  noneReason: string | null;
  /** The s.26 identification trace, one line per step (proposeNearestRelative's explanation). */
  trace: string[];
  informedAt: Instant | null;
  informedMethod: string | null;
  consultedAt: Instant | null;
  consultedMethod: string | null;
  /** NR-01/NR-03 exception, with the facts relied on. */
  exception: {
    kind: 'not-reasonably-practicable' | 'unreasonable-delay';
    facts: string | null;
    /** NR-03 (CV v SLAM): what remained of the detention in force when it was recorded, as the hub computed it. */
    detentionRemaining?: string | null;
  } | null;
  /** NR-02: an objection notified to the AMHP or the LSSA. */
  objection: {
    objected: boolean;
    notifiedAt: Instant | null;
    detail: string | null;
    /** NR-14: who made the objection that counts, with their standing. */
    by?: string | null;
    /** NR-14: objections in force by someone whose objection does not count (information). */
    others?: Array<{ by: string; explanation: string; notifiedAt: Instant; detail: string }>;
  } | null;
  views: string | null;
  /** NR-10: a s.29 order displacing the NR. */
  displaced: boolean | null;
}

export interface ReportRecommendation {
  doctorName: string | null;
  /** From the register on the examination date; null when unknown. */
  s12ApprovedOnExamDate: boolean | null;
  approvedClinicianOnExamDate: boolean | null;
  /** False for an ad hoc doctor's own statement of approval. */
  approvalVerified: boolean | null;
  previousAcquaintance: boolean | null;
  /** MED-04: why a doctor with previous acquaintance was not practicable. */
  noAcquaintanceReason: string | null;
  examinedAt: Instant | null;
  examMode: ContactMode | null;
  signedAt: Instant | null;
  section: Section | null;
  /** Two recommendations of one joint form share a group. */
  jointGroup: string | null;
  withdrawnAt: Instant | null;
}

export interface ReportConflictDeclaration {
  name: string | null;
  role: 'amhp' | 'doctor' | 'nearest-relative-applicant' | null;
  /** Null: not yet declared. Each flag true means a conflict of that kind was declared. */
  declaration: { financial: boolean; business: boolean; personal: boolean; declaredAt: Instant | null } | null;
  /** Professional links the system found (COI-03..05), in words. */
  notes: string | null;
}

export interface ReportOutcome {
  kind: OutcomeReportKind | null;
  decidedAt: Instant | null;
  rationale: string | null;
  // An application (s.2, s.3, s.4, s.7)
  section: Section | null;
  applicant: Applicant | null;
  applicationSignedAt: Instant | null;
  /** APP-03: a specific hospital site. */
  hospitalSite: string | null;
  /** GDN-04: the guardian, for s.7. */
  guardian: string | null;
  /** GDN-01 (s.7(4)): the s.7 application states the patient, whose date of birth is not known, is believed to be 16 or over. */
  believedSixteenOrOver?: boolean | null;
  bed: { ward: string | null; details: string | null; foundBy: string | null } | null;
  conveyance: { by: string | null; details: string | null } | null;
  admittedAt: Instant | null;
  /** APP-12: when the hospital managers received the application (for a patient already in hospital, the admission). */
  managersReceivedAt?: Instant | null;
  /** GDN-06: when a guardianship application was forwarded to the local social services authority. */
  forwardedToLssaAt?: Instant | null;
  /** GDN-08: when the local social services authority accepted a guardianship application (null: not yet). */
  acceptedByLssaAt?: Instant | null;
  /** APP-11 / COP-08: a s.4 that lapsed 72 hours after admission, and what happened to the patient then. */
  s4Lapse?: { lapsedAt: Instant | null; after: string; details: string | null } | null;
  /** APP-22 (s.23, s.2(4), s.6(4)): how the detention under the application ended, once recorded. */
  detentionEnded?: { kind: string; at: Instant | null; by: string | null } | null;
  /** APP-16 (s.15): the managers' rectifications of the application, in the order recorded. */
  rectifications?: Array<{ kind: string; at: Instant | null }>;
  /** MHSDS legal status code (NHS Data Dictionary, England). */
  legalStatusCode: string | null;
  // Not detained
  /** ALTERNATIVES codes or free text: what was put in place instead. */
  alternatives: string[];
  carePlan: string | null;
  // A CTO decision: on making one (CTO-01, CTO1 Part 2) or, for a recalled patient, on revoking it (CTO-03, CTO5)
  cto: {
    about: 'making' | 'revocation';
    decision: 'agree' | 'disagree';
    inWriting: boolean | null;
    signedAt: Instant | null;
    /** CTO-02: making a CTO only (null for a revocation). */
    conditionsAgreed: boolean | null;
  } | null;
  /** NR-12: when the s.13(4) written reasons were sent to the nearest relative. */
  writtenReasonsSentAt: Instant | null;
}

export interface ReportPracticalMatters {
  dependants: string | null;
  pets: string | null;
  property: string | null;
}

/** A finding of the checks (a `Finding` from clocks.ts fits). */
export interface ReportFinding {
  rule: string;
  severity: 'blocker' | 'warning';
  code?: string | null;
  message: string;
  citation?: string | null;
}

/** A deadline of the checks (a `Deadline` from assessment.types.ts fits). */
export interface ReportDeadline {
  rule: string;
  label: string;
  at: Instant | null;
  basis: string | null;
}

export interface ReportAcknowledgedWarning {
  code: string;
  reason: string;
  by?: string | null;
  at?: Instant | null;
}

export interface ReportDistribution {
  recipient: string;
  role: string | null;
  method: string | null;
  sentAt: Instant | null;
}

export interface OutcomeReportModel {
  /** When the report is generated (the renderer never reads the clock). */
  generatedAt: Instant;
  /** Local times are printed in this zone, with its abbreviation (formatLocal). */
  timeZone: string;
  /** The council (LSSA) the AMHP acts for. */
  council: string | null;
  /** The law that applied (MHA 1983, or the MHA 2025 provisions commenced). */
  regime: Pick<LegalRegime, 'id' | 'representative' | 'basis'> | null;
  referral: ReportReferral;
  person: ReportPerson;
  assessment: ReportAssessment;
  peoplePresent: ReportPersonPresent[];
  contacts: ReportContact[];
  timeline: ReportTimelineEvent[];
  interview: ReportInterview | null;
  /** Null: the nearest relative was not identified and nothing was recorded about them. */
  nearestRelative: ReportNearestRelative | null;
  recommendations: ReportRecommendation[];
  conflicts: ReportConflictDeclaration[];
  outcome: ReportOutcome | null;
  practicalMatters: ReportPracticalMatters | null;
  /** Null: the checks were not run. */
  checks: { findings: ReportFinding[]; deadlines: ReportDeadline[]; acknowledgedWarnings: ReportAcknowledgedWarning[] } | null;
  distribution: ReportDistribution[];
}

export type ReportSectionId =
  | 'referral'
  | 'legal-basis'
  | 'people-present'
  | 'interview'
  | 'capacity'
  | 'nearest-relative'
  | 'doctors'
  | 'conflicts'
  | 'alternatives'
  | 'decision'
  | 'hospital'
  | 'conveyance'
  | 'practical-matters'
  | 'delays'
  | 'checks'
  | 'distribution';

export interface ReportLine {
  label?: string;
  text: string;
}

export interface ReportSection {
  id: ReportSectionId;
  heading: string;
  lines: ReportLine[];
}

export interface OutcomeReport {
  title: string;
  /** The council (LSSA) the report is made for, printed in its header; null when none is configured. */
  council: string | null;
  /** ISO 8601 (UTC). */
  generatedAt: string;
  /** The same instant in the report's zone, e.g. "Mon 30 Mar 2026 01:30 BST". */
  generatedAtLocal: string;
  timeZone: string;
  sections: ReportSection[];
}

export interface WrittenReasonsInput {
  nearestRelative: { name: string; address: string | null };
  patientName: string;
  referralReceivedAt: Date;
  decidedAt: Date;
  amhpName: string;
  /** The council (LSSA); null when none is configured: the letter then says "the council". */
  council: string | null;
  /** The AMHP's reasons for not making an application, in their words. */
  reasons: string;
  /** What will happen instead (the alternatives put in place). */
  alternatives: string[];
  timeZone: string;
  /** The date printed on the letter; the decision date when absent. */
  letterDate?: Date;
}

export interface LetterBlock {
  kind: 'lines' | 'heading' | 'paragraph' | 'bullets';
  items: string[];
}

/** The letter's parts, for a layout that places them (the PDF): letterhead, address, date, body, signature. */
export interface LetterLayout {
  letterhead: string[];
  recipient: string[];
  date: string;
  /** The document title (PDF metadata, HTML title). */
  title: string;
  body: LetterBlock[];
  signature: string[];
}

export interface WrittenReasonsLetter {
  text: string;
  html: string;
  layout: LetterLayout;
}
