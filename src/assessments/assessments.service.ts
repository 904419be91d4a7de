import { isDeepStrictEqual } from 'node:util';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService, accessFactsOf, accessFactsSql, type ReadWithAccess } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { S4AdmissionCorrections, type S4AdmissionCorrected } from '../referrals/s4-admission-corrections';
import { UsersService } from '../auth/users.service';
import type { Actor } from '../auth/actor';
import { Clock, isoOrNull, recordedInstant } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, refuseFieldErrors, UnprocessableProblem, ValidationProblem } from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { DoctorsService, type RegisterApprovalOn } from '../doctors/doctors.service';
import { AssessmentChange, AssessmentChangeType, assessmentChangeEvent } from '../events/catalogue';
import { EventsService } from '../events/events.service';
import { PeopleService, personSummarySql } from '../people/people.service';
import { personAsRecordedSql, recordedPersonSummarySql, relativesAsRecordedSql } from '../people/people.tables';
import { PersonMoves } from '../people/person-moves';
import { RelativesService, type NearestRelativeState } from '../people/relatives.service';
import type { ReferralDto } from '../referrals/dto/referral.dto';
import { ReferralsService } from '../referrals/referrals.service';
import {
  checkAssessment,
  conveyanceWindow,
  detentionRemaining,
  legalStatusCode,
  s4Conversion,
  SECTION_NAME,
} from '../statute/assessment-rules';
import type {
  Applicant,
  ApplicationFacts,
  AssessmentCheck,
  AssessmentFacts,
  CtoDecisionFacts,
  DetentionEndKind,
  DetentionRemaining,
  Discharger,
  LegalRegime,
  Section,
} from '../statute/assessment.types';
import {
  alreadyInHospital,
  type DisplacementApplicationFacts,
  displacementsKnownAt,
  formatLocal,
  hoursAfter,
  S4_DETENTION_HOURS,
  endNotKnown,
  s2End,
  s2InForce,
  type Finding,
} from '../statute/clocks';
import {
  amendmentCures,
  judgeRectification,
  rectificationPeriod,
  type RectificationFacts,
  type RectificationKind,
  rectifiedFindings,
  sameAdmission,
} from '../statute/after-admission.rules';
import { legalRegime } from '../statute/legal-regime';
import { STANDING_TEXT, type Standing } from '../statute/objection-standing';
import { overrideReportProblems, type OverrideReport } from '../statute/override-report';
import { localDate } from '../statute/time';
import {
  attendanceCodes,
  warrantAttendanceErrors,
  warrantAttendanceFindings,
  type WarrantAttendance,
  type WarrantKind,
} from '../statute/police-powers.rules';
import { EligibilityService } from '../workforce/eligibility.service';
import { detentionEndTimes, judgedDetentionEnd, refuseSecondEnd } from './detention-end';
import { AssessmentEntity, type ApprovalReliedOn, type ReportRecipient, type StoredDetentionRemaining } from './assessment.entities';
import type { ReportSource } from './assessment-report';
import {
  amhpApplied,
  closesReferral,
  owedBeforeClose,
  ctoDecisionAbout,
  ctoFindings,
  evaluationInstant,
  eventTooEarly,
  foundsApplication,
  judgedWithApplication,
  type MadeApplication,
  OUTCOME_EVENTS,
  outcomeGate,
  RECORDED_LEAD_DAYS,
  type EvaluationBasis,
  admissionStartMove,
} from './assessment.rules';
import { citationOf, type RuleId } from '../statute/rule-catalogue';
import {
  ApplicationRecordDto,
  CtoOrderDto,
  DetentionEndDto,
  RectificationDto,
  AssessmentQuery,
  AssessmentViewDto,
  ChecksDto,
  ConflictsDto,
  ContactDto,
  CreateAssessmentDto,
  EventTimeDto,
  AssessmentNearestRelativeDto,
  OutcomeDto,
  RecommendationDto,
  S4LapseDto,
  TimelineEventDto,
  UpdateAssessmentDto,
} from './dto/assessment.dto';
import { hardFindings } from '../workforce/workforce.rules';

type AssessmentRow = AssessmentEntity & {
  person: { id: string; givenName: string; familyName: string; dateOfBirth: string | null; nhsNumber: string | null };
};
interface RecommendationRow {
  id: string;
  doctor_id: string | null;
  doctor_name: string;
  stated_approval: { s12: boolean; approvedClinician: boolean } | null;
  previous_acquaintance: boolean;
  no_acquaintance_reason: string | null;
  examined_at: Date;
  exam_mode: 'in-person' | 'video' | 'phone';
  signed_at: Date;
  section: Section;
  joint_group: string | null;
  received_by_managers_at: Date | null;
  details: Record<string, unknown>;
  withdrawn_at: Date | null;
  approval_relied_on: ApprovalReliedOn | null;
}

/** A recommendation's row as JSON: its instants as text. */
type RecommendationJson = Omit<RecommendationRow, 'examined_at' | 'signed_at' | 'received_by_managers_at' | 'withdrawn_at'> & {
  examined_at: string;
  signed_at: string;
  received_by_managers_at: string | null;
  withdrawn_at: string | null;
};

/**
 * Who the assessment is of, as it shows them: while it is open, the person's record as it is (its AMHPs work from it);
 * once closed, as the record held them when it closed (person_as_recorded), for everyone who reads it. A closed record
 * says who and where the person was when the AMHP decided, and is not rewritten after the fact; and the AMHP who keeps
 * reading it (the `conducted` relationship) learns nothing of the person's record since her access to them ended.
 */
const PERSON_SHOWN = `CASE WHEN a.status = 'closed' AND a.person_as_recorded IS NOT NULL
         THEN ${recordedPersonSummarySql('a.person_as_recorded', 'a.person_id')}
         ELSE ${personSummarySql('a.person_id')} END`;

/**
 * The person and their relatives as the assessment's record holds them: taken at its opening, its outcome and its
 * closing. A closed assessment shows them so (PERSON_SHOWN, nearestRelativeStateOf).
 */
const KEEP_PERSON_AS_RECORDED = `person_as_recorded = ${personAsRecordedSql('assessments.person_id')},
       relatives_as_recorded = ${relativesAsRecordedSql('assessments.person_id')}`;

/** An assessment's row (`a`) as the service reads it (AssessmentRow). */
const COLUMNS = `a.id, a.referral_id AS "referralId", a.person_id AS "personId", a.status, a.lead_amhp_user_id AS "leadAmhpUserId",
       a.other_amhp_user_ids AS "otherAmhpUserIds", a.location, a.involvement, a.interview, a.nearest_relative AS "nearestRelative",
       a.conflicts, a.patient_teams AS "patientTeams", a.outcome_kind AS "outcomeKind", a.section, a.legal_status_code AS "legalStatusCode",
       a.outcome, a.decided_at AS "decidedAt", a.ward, a.bed_found_by AS "bedFoundBy",
       a.conveyance_arranged_with AS "conveyanceArrangedWith", a.distribution, a.opened_at AS "openedAt", a.closed_at AS "closedAt", a.version, a.created_by AS "createdBy",
       a.person_as_recorded AS "personAsRecorded", a.relatives_as_recorded AS "relativesAsRecorded",
       ${PERSON_SHOWN} AS person`;

const SELECT = `SELECT ${COLUMNS}
  FROM assessments a`;

/** The after-the-fact facts of a made application (APP-12, GDN-06, GDN-08), as given in one request. */
interface ApplicationRecord {
  managersReceivedAt: Date | null;
  forwardedToLssaAt: Date | null;
  acceptedByLssaAt: Date | null;
}
/** The outcome gives the acceptance with the guardian it names. */
const OUTCOME_ACCEPTED_FIELD = 'guardian.acceptedByLssaAt';

/**
 * APP-16 (s.15(3)(b)): the rules a fresh recommendation, with the other the application is founded on, must satisfy:
 * s.12 (MED-01..04, the different doctors of APP-07/08) and the s.12A regulations (COI).
 */
const REPLACEMENT_RULES = /^(MED-0[1-4]|APP-0[78]|COI-\d\d)$/;

/** Timeline events their own records write (APP-22 detention-end, APP-16 rectification): not corrected by hand. */
const RECORD_EVENTS: ReadonlySet<string> = new Set(['detention-ended', 'rectified']);

/** A rectification on the timeline, in words. */
const RECTIFICATION_TEXT: Record<RectificationKind, string> = {
  'application-amended': "The application amended with the hospital managers' consent (s.15(1))",
  'recommendation-amended': "A medical recommendation amended with the hospital managers' consent (s.15(1))",
  'recommendation-replaced': 'A medical recommendation found insufficient replaced by a fresh one (s.15(2)-(3))',
};

/** What a change's step returns when the request asks for what the record already holds: nothing is written. */
const UNCHANGED = Symbol('unchanged');

/**
 * APP-11 (s.4(4)): the reason the referral's timeline gives for the s.4 admission moved on the assessment's timeline
 * (PATCH /assessments/{id}/events/{eventId}) when none was given with it; POST /referrals/{id}/time-corrections needs one.
 */
export const EVENT_MOVED_WITHOUT_REASON = "Corrected on the assessment's timeline; no reason was given.";
/** The referral timeline's words for a s.4 in-patient's admission moved by correcting the managers' receipt (APP-12). */
export const RECEIPT_MOVED_WITHOUT_REASON =
  "Corrected as the hospital managers' receipt of the application on the assessment; no reason was given.";

/** A change's last write: the version moves on, and the row comes back as it now is (one statement, not two). */
const BUMP_VERSION = `UPDATE assessments a SET version = a.version + 1 WHERE a.id = $1 RETURNING ${COLUMNS}`;

/** The contacts, timeline and medical recommendations of the assessment `id` (an SQL expression), each in its order, as JSON. */
function viewParts(id: string): string {
  return `coalesce((SELECT json_agg(json_build_object('id', c.id, 'at', c.at, 'mode', c.mode, 'byRole', c.by_role, 'byUserId', c.by_user_id,
                                              'byName', c.by_name, 'note', c.note, 'recordedBy', c.recorded_by) ORDER BY c.at, c.seq)
              FROM assessment_contacts c WHERE c.assessment_id = ${id}), '[]') AS contacts,
  coalesce((SELECT json_agg(json_build_object('id', e.id::text, 'type', e.type, 'at', e.at, 'delayReason', e.delay_reason, 'note', e.note,
                                              'data', e.data, 'recordedBy', e.recorded_by, 'recordedAt', e.recorded_at) ORDER BY e.at, e.id)
              FROM assessment_events e WHERE e.assessment_id = ${id}), '[]') AS timeline,
  coalesce((SELECT json_agg(r ORDER BY r.examined_at, r.seq) FROM medical_recommendations r WHERE r.assessment_id = ${id}), '[]') AS recs`;
}

/** An assessment's contacts, timeline and medical recommendations ($1), each in its order, in one statement. */
const VIEW_PARTS = `SELECT ${viewParts('$1')}`;

/** What VIEW_PARTS reads (instants come as JSON text). */
interface ViewParts {
  contacts: Array<{ at: string; mode: 'in-person' | 'video' | 'phone'; byRole: string; byUserId: string | null }>;
  timeline: Array<{ at: string; recordedAt: string }>;
  recs: RecommendationJson[];
}

/** One assessment ($1) with what its person's access is decided on for the user $2 at $3 (accessFactsSql). */
const SELECT_WITH_ACCESS = `${SELECT.replace(
  '  FROM assessments a',
  `, ${accessFactsSql({ user: '$2', person: 'a.person_id', at: '$3', resourceType: `'assessment'`, resourceId: 'a.id::text' })}
  FROM assessments a`,
)} WHERE a.id = $1`;

/** The same with the parts its view shows (viewParts), for a read that changes nothing: one statement, not two. */
const READ_WITH_ACCESS = SELECT_WITH_ACCESS.replace('  FROM assessments a', `, ${viewParts('a.id')}\n  FROM assessments a`);

/** The assessment's outcome is an application made under s.4 (it stays one in the outcome after conversion to a s.2). */
function isS4Application(a: Pick<AssessmentEntity, 'outcomeKind' | 'outcome'>): boolean {
  return a.outcomeKind === 'application' && (a.outcome as { application?: { section?: unknown } } | null)?.application?.section === 's4';
}

/** The application recorded on the assessment, as stored, if any. */
function storedApplication(a: Pick<AssessmentEntity, 'outcomeKind' | 'outcome'>): (Record<string, unknown> & MadeApplication) | null {
  const o = a.outcome as { application?: Record<string, unknown> & MadeApplication } | null;
  return a.outcomeKind === 'application' ? (o?.application ?? null) : null;
}

/** APP-11: a s.4 application that became a s.2 (converted, or judged to convert at `s4ConvertsAt`). */
function s4BecameS2(a: Pick<AssessmentEntity, 'section' | 's4ConvertsAt'>, stored: MadeApplication): boolean {
  return stored.section === 's4' && (a.section === 's2' || !!a.s4ConvertsAt);
}

/** APP-22: the end of the detention recorded on a stored application (POST detention-end), as the rules take it. */
function detentionEndedOf(s: Record<string, unknown>): ApplicationFacts['detentionEnded'] {
  const e = s.detentionEnded as { kind: DetentionEndKind; at: string; by?: Discharger | null } | undefined;
  return e ? { kind: e.kind, at: new Date(e.at), by: e.by ?? null } : null;
}

/** APP-16: the rectifications recorded on a stored application (POST rectification), in the order recorded. */
function rectificationsOf(s: Record<string, unknown> | null): Array<RectificationFacts & StoredRectificationIds> {
  const list = (s?.rectifications ?? []) as Array<{ kind: RectificationKind; at: string; cures?: string[] } & StoredRectificationIds>;
  return list.map((r) => ({ ...r, at: new Date(r.at) }));
}

/** A rectification's recommendations: the one amended or replaced, and the fresh one (s.15(3)). */
type StoredRectificationIds = { recommendationId?: string | null; replacementId?: string | null };

/** A CTO decision as the service gives it to the rules (CtoDecisionFacts less what the referral and register add). */
type CtoInput = {
  about: 'making' | 'revocation';
  decision: 'agree' | 'disagree';
  inWriting: boolean;
  signedAt: Date;
  conditionsAgreed: boolean;
  orderMadeAt?: Date | null;
  recorded?: boolean;
  /** APP-09, MHA25-04: the disorder the order rests on, as the AMHP recorded it. */
  learningDisabilityOnly?: boolean;
  ldQualifyingConduct?: boolean;
  autismOrLdWithoutPsychiatricDisorder?: boolean;
};

/** The CTO decision recorded as the outcome (s.17A(4), s.17F(4)), as the rules take it, or null for any other outcome. */
function storedCto(a: Pick<AssessmentEntity, 'outcomeKind' | 'outcome'>): CtoInput | null {
  const c = (a.outcome as { cto?: Record<string, unknown> } | null)?.cto;
  if (a.outcomeKind !== 'cto-decision' || !c) return null;
  return {
    about: c.about === 'revocation' ? 'revocation' : 'making',
    decision: c.decision === 'disagree' ? 'disagree' : 'agree',
    inWriting: c.inWriting === true,
    signedAt: new Date(c.signedAt as string),
    conditionsAgreed: c.conditionsAgreed === true,
    orderMadeAt: typeof c.orderMadeAt === 'string' ? new Date(c.orderMadeAt) : null,
    recorded: true,
    learningDisabilityOnly: c.learningDisabilityOnly === true,
    ldQualifyingConduct: c.ldQualifyingConduct === true,
    autismOrLdWithoutPsychiatricDisorder: c.autismOrLdWithoutPsychiatricDisorder === true,
  };
}

/** HOLD-01 / HOLD-02: the holding power the referral's patient is held under (its clock's rule and deadline), if any. */
function holdingPowerOf(referral: ReferralDto): ApplicationFacts['holdingPower'] {
  const clock = referral.clocks.find((c) => c.id === 'HOLD-01' || c.id === 'HOLD-02');
  return clock ? { rule: clock.rule === 'HOLD-02' ? 'HOLD-02' : 'HOLD-01', endsAt: new Date(clock.deadline) } : null;
}

/**
 * CTO-03 (s.17F(4)-(5), (8)): the recall's 72 hours, as the referral's clock computes them (from the start of the
 * detention in hospital under the notice), for a recalled patient's revocation; null for any other referral.
 */
function recallOf(referral: ReferralDto): CtoDecisionFacts['recall'] {
  const clock = referral.clocks.find((c) => c.id === 'CTO-03');
  return clock ? { startsAt: new Date(clock.anchor), endsAt: new Date(clock.deadline), provisional: clock.provisional } : null;
}

/**
 * APP-17 / NR-11: the s.2 a patient referred while already detained under it is on (its admission), if any, with the
 * end recorded of it (APP-22: on the referral, or on the hub's own assessment of the same admission; the referral's
 * view gives whichever applies, statedS2Ended).
 */
function detainedUnderS2Of(referral: ReferralDto): ApplicationFacts['detainedUnderS2'] {
  if (referral.legalContext.kind !== 'already-s2') return null;
  const e = referral.legalContext.detentionEnded;
  return {
    admittedAt: new Date(referral.legalContext.admittedAt as string),
    ended: e ? { kind: e.kind, at: new Date(e.at), by: e.by ?? null, assessmentId: e.assessmentId ?? null } : null,
  };
}

/**
 * NR-03 (CV v SLAM): what remained at `at` of the detention the referral carries: a holding power or a place of
 * safety by its clock (HOLD-01/02, POL-07/04, with any s.136B extension), a s.2 the patient is already on as s2End
 * judges it with the s.29 applications known then (NR-11), or none.
 */
function detentionRemainingOn(
  referral: ReferralDto,
  applications: readonly DisplacementApplicationFacts[],
  at: Date,
  zone: string,
  s29AppealDays: number,
): DetentionRemaining {
  const pos = referral.clocks.find((c) => c.id === 'POL-07' || c.id === 'POL-04');
  return detentionRemaining(
    at,
    {
      holdingPower: holdingPowerOf(referral),
      placeOfSafety: pos ? { rule: pos.id === 'POL-04' ? 'POL-04' : 'POL-07', endsAt: new Date(pos.deadline) } : null,
      detainedUnderS2: detainedUnderS2Of(referral),
      displacementApplications: displacementsKnownAt(applications, at, zone),
      s29AppealDays,
    },
    zone,
  );
}

/** The record of it kept with the exception (JSON). */
function storedDetentionRemaining(d: DetentionRemaining): StoredDetentionRemaining {
  return {
    at: d.at.toISOString(),
    rule: d.detention?.rule ?? null,
    name: d.detention?.name ?? null,
    endsAt: d.detention?.endsAt?.toISOString() ?? null,
    remainingMinutes: d.detention?.remainingMinutes ?? null,
    text: d.text,
  };
}

function detentionRemainingOf(d: StoredDetentionRemaining): DetentionRemaining {
  return {
    at: new Date(d.at),
    detention: d.rule
      ? { rule: d.rule, name: d.name ?? d.rule, endsAt: d.endsAt ? new Date(d.endsAt) : null, remainingMinutes: d.remainingMinutes }
      : null,
    text: d.text,
  };
}

/**
 * MHA assessments: the record of one assessment of a referral's person (who, where, every contact and its mode,
 * the timeline with delay reasons, medical recommendations, the nearest relative, conflicts of interest) and its
 * outcome, checked against the Act by the pure rules in src/statute before it is recorded.
 *
 * Access follows the person: reading needs person.read (for one assessment, assessment-record.read: the AMHP who
 * conducted it keeps reading it after it closes), changing needs person.write (the allocated AMHP, a manager, or
 * break-glass), exactly as for the referral. Every read and change is audited in its transaction.
 */
@Injectable()
export class AssessmentsService implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly access: AccessService,
    private readonly referrals: ReferralsService,
    private readonly people: PeopleService,
    private readonly relatives: RelativesService,
    private readonly doctors: DoctorsService,
    private readonly eligibility: EligibilityService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly personMoves: PersonMoves,
    private readonly s4Admissions: S4AdmissionCorrections,
  ) {}

  /**
   * A pending identity match resolved as the same person (PersonMoves): the assessments of the pending person move to
   * the recorded person with their referral, and so does the `conducted` relationship of each, so the AMHP
   * conducting an open one keeps it (and break-glass on its referral reaches it).
   */
  onModuleInit(): void {
    this.personMoves.register(async (m, from, to, at) => {
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE assessments SET person_id = $2, version = version + 1 WHERE person_id = $1 RETURNING id`,
        [from, to],
      );
      for (const { id } of rows) await this.access.movePerson(m, 'assessment', id, to, at);
      return { assessments: rows.map((r) => r.id) };
    });
    // APP-11 (s.4(4)): a s.4 admission corrected from its referral (POST /referrals/{id}/time-corrections).
    this.s4Admissions.register((m, actor, referralId, at, reason, acknowledgements) =>
      this.correctS4Admission(m, actor, referralId, at, reason, acknowledgements),
    );
  }

  /** Opens the assessment of an allocated referral (the referral moves to in-assessment). */
  async create(actor: Actor, dto: CreateAssessmentDto): Promise<AssessmentViewDto> {
    return this.db.transaction(async (m) => {
      // A referral id the hub does not hold is refused as another person's referral is (AccessService.refuseUnknown).
      const referral = await this.referrals.forAssessment(m, dto.referralId, true).catch((err: unknown) => {
        if (!(err instanceof NotFoundProblem)) throw err;
        return this.access.refuseUnknown(actor, 'person.write', { type: 'referral', id: dto.referralId }, err);
      });
      await this.requirePerson(actor, referral.person.id, 'person.write', m, { type: 'referral', id: referral.id });
      if (referral.status !== 'allocated' && referral.status !== 'in-assessment') {
        throw new ConflictProblem(
          `An assessment opens on an allocated referral; this one is ${referral.status}.`,
          'referral-not-allocated',
          { referralStatus: referral.status },
        );
      }
      const [open] = await m.query(`SELECT id FROM assessments WHERE referral_id = $1 AND status <> 'closed'`, [referral.id]);
      if (open)
        throw new ConflictProblem('This referral already has an open assessment.', 'assessment-open', {
          existingId: open.id,
          href: `/assessments/${open.id}`,
        });
      const lead = referral.allocatedUserId ?? actor.userId;
      const now = dto.openedAt ? new Date(this.notFuture(dto.openedAt, 'openedAt')) : this.clock.now();
      if (now.getTime() < Date.parse(referral.receivedAt))
        throw new UnprocessableProblem('An assessment cannot begin before its referral was received.', 'opened-before-referral');
      // MHA 1983 s.13, s.114 (AMHP-01/03/05/07): the lead acts as the AMHP, so she must be able to when it opens, as
      // allocation and an offer's acceptance ask: a suspended or lapsed approval is 422 amhp-not-eligible.
      const eligible = await this.eligibility.forUser(lead, now, new Date(now.getTime() + 60_000), m);
      const hard = hardFindings(eligible);
      if (hard.length)
        throw new UnprocessableProblem(
          `${lead === actor.userId ? 'You' : 'The allocated AMHP'} may not act as an AMHP now: ${hard.map((f) => f.message).join(' ')} A manager reallocates the referral.`,
          'amhp-not-eligible',
          { findings: eligible.findings },
        );
      const others = await this.otherAmhps(m, dto.otherAmhpUserIds ?? [], lead, now);
      const [{ id }] = await m.query(
        `INSERT INTO assessments (referral_id, person_id, lead_amhp_user_id, other_amhp_user_ids, location, opened_at, created_by, person_as_recorded,
                                  relatives_as_recorded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, ${personAsRecordedSql('$2::uuid')}, ${relativesAsRecordedSql('$2::uuid')}) RETURNING id`,
        [referral.id, referral.person.id, lead, others, dto.location ?? referral.location ?? null, now, actor.userId],
      );
      await this.referrals.moveForAssessment(m, actor, referral.id, 'in-assessment', { assessmentId: id, applicationMade: false });
      // The AMHP who conducts it keeps reading this assessment and its report after it closes (not the person's other
      // records, and never changing it): a lasting relationship to this assessment, not ended when the referral closes.
      await this.access.grant(m, {
        userId: lead,
        personId: referral.person.id,
        kind: 'conducted',
        sourceType: 'assessment',
        sourceId: id,
        validFrom: now,
        recordedAt: now,
      });
      await this.grantOthers(m, id, referral.person.id, others, [], now);
      await this.audit.record(m, {
        action: 'assessment.create',
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: referral.person.id,
        details: { referralId: referral.id },
      });
      await this.events.emit(m, {
        type: 'assessment.opened',
        aggregateType: 'assessment',
        aggregateId: id,
        payload: { assessmentId: id, referralId: referral.id, leadAmhpUserId: lead },
      });
      return this.view(m, await this.load(m, id));
    });
  }

  /**
   * Assessments whose person the caller may read, and those the caller conducted; each one listed is a read of that
   * person's record (audited, with its basis).
   */
  async list(actor: Actor, q: AssessmentQuery): Promise<{ items: AssessmentViewDto[]; nextCursor: string | null }> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    if (q.status) where.add('a.status = ?', q.status);
    if (q.assigned === 'me') where.add('(a.lead_amhp_user_id = ? OR ? = ANY(a.other_amhp_user_ids))', actor.userId);
    if (q.referralId) where.add('a.referral_id = ?', q.referralId);
    const basis = this.readableOnly(actor, where);
    if (q.cursor) {
      // The order they were opened in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [openedAt, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      where.raw(`(a.opened_at, a.seq) < (${where.param(openedAt)}::timestamptz, ${where.param(seq)}::bigint)`);
    }
    const select = SELECT.replace('SELECT a.id,', `SELECT ${basis} AS "accessBasis", a.seq, a.id,`);
    const sql = `${select} ${where} ORDER BY a.opened_at DESC, a.seq DESC LIMIT ${where.param(limit + 1)}`;
    return this.db.transaction(async (m) => {
      const rows = await this.audit.selectAudited<AssessmentRow>(
        m,
        { sql, params: where.params, shown: limit, resourceColumn: 'id', subjectColumn: 'personId', basisColumn: 'accessBasis' },
        { action: 'assessment.read', resourceType: 'assessment', details: { via: 'list' } },
      );
      const page = rows.slice(0, limit);
      const items: AssessmentViewDto[] = [];
      for (const r of page) items.push(await this.view(m, r));
      const last = page.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.openedAt).toISOString(), String(last.seq)]) : null,
      };
    });
  }

  /**
   * Narrows a list of assessments to those the caller may read (assessment-record.read, as for one: the AMHP who
   * conducted one keeps it in her list after it closes); the SQL of the basis each row is shown on, for its audit.
   */
  private readableOnly(actor: Actor, where: SqlWhere): string {
    const scope = this.access.scope(actor, 'assessment-record.read', 'a.person_id', where.params.length + 1, {
      type: 'assessment',
      column: 'a.id',
    });
    where.params.push(...scope.params);
    where.raw(scope.sql);
    return scope.basis;
  }

  /**
   * Each referral's latest assessment the caller may read, as `list` with `referralId` and `limit=1` answers it for
   * one referral (null when none), for several referrals in one statement: the rows with their views' parts, audited
   * as that list audits them. In the order of `referralIds`.
   */
  async latestOfEach(actor: Actor, referralIds: readonly string[]): Promise<Array<AssessmentViewDto | null>> {
    if (!referralIds.length) return [];
    const where = new SqlWhere();
    where.add('a.referral_id = ANY(?::uuid[])', referralIds);
    const basis = this.readableOnly(actor, where);
    const select = SELECT.replace('SELECT a.id,', `SELECT DISTINCT ON (a.referral_id) ${basis} AS "accessBasis", a.id,`).replace(
      '  FROM assessments a',
      `, ${viewParts('a.id')}\n  FROM assessments a`,
    );
    const sql = `${select} ${where} ORDER BY a.referral_id, a.opened_at DESC, a.seq DESC`;
    return this.db.transaction(async (m) => {
      const rows = await this.audit.selectAudited<AssessmentRow & ViewParts>(
        m,
        {
          sql,
          params: where.params,
          shown: referralIds.length,
          resourceColumn: 'id',
          subjectColumn: 'personId',
          basisColumn: 'accessBasis',
        },
        { action: 'assessment.read', resourceType: 'assessment', details: { via: 'list' } },
      );
      const found = new Map(rows.map((r) => [r.referralId, r]));
      const views: Array<AssessmentViewDto | null> = [];
      for (const id of referralIds) {
        const row = found.get(id.toLowerCase());
        views.push(row ? await this.view(m, row) : null);
      }
      return views;
    });
  }

  async get(actor: Actor, id: string): Promise<AssessmentViewDto> {
    return this.db.transaction(async (m) => {
      const a = await this.loadForRead(m, id, actor);
      const basis = await this.requirePerson(actor, a.personId, 'assessment-record.read', m, { type: 'assessment', id }, a);
      await this.audit.record(m, {
        action: 'assessment.read',
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: a.personId,
        accessBasis: basis,
      });
      return this.view(m, a);
    });
  }

  async update(actor: Actor, id: string, dto: UpdateAssessmentDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    const distribution = this.distribution(dto.distribution);
    return this.change(actor, id, expectedVersion, 'assessment.update', async (m, a) => {
      // The report may go out after the assessment is closed: its distribution list stays open to record that.
      // The fields sent: the DTO also carries the absent ones, as undefined.
      const fields = Object.entries(dto)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k);
      if (fields.some((k) => k !== 'distribution')) this.requireNotClosed(a);
      const others = dto.otherAmhpUserIds && (await this.otherAmhps(m, dto.otherAmhpUserIds, a.leadAmhpUserId, new Date(a.openedAt)));
      if (others) await this.grantOthers(m, id, a.personId, others, a.otherAmhpUserIds, this.clock.now());
      await this.setReportDetails(m, id, dto, distribution);
      await m.query(
        `UPDATE assessments SET location = coalesce($2, location), other_amhp_user_ids = coalesce($3, other_amhp_user_ids),
                involvement = coalesce($4, involvement), interview = coalesce($5, interview) WHERE id = $1`,
        [
          id,
          dto.location ?? null,
          others ?? null,
          dto.involvement ? { ...a.involvement, ...dto.involvement } : null,
          dto.interview ?? null,
        ],
      );
      return { fields };
    });
  }

  /**
   * The other AMHPs present (the outcome report names them as AMHPs, COP-07): each an active account with the amhp role
   * who could act as an AMHP when the assessment opened (MHA 1983 s.114; AMHP-01/03/05/07/11), never the lead; 422
   * naming `otherAmhpUserIds` otherwise. Each named once, in the order given.
   */
  private async otherAmhps(m: EntityManager, ids: string[], lead: string, at: Date): Promise<string[]> {
    const others = [...new Set(ids.map((x) => x.toLowerCase()))];
    const refuse = (detail: string, code: string, extra: Record<string, unknown> = {}) =>
      new UnprocessableProblem(detail, code, { errors: [{ field: 'otherAmhpUserIds', messages: [detail] }], ...extra });
    if (others.includes(lead.toLowerCase())) throw refuse('otherAmhpUserIds must not name the lead AMHP.', 'lead-listed-as-other');
    await this.users.requireActiveWithRole(m, others, ['amhp'], 'otherAmhpUserIds', 'not-an-amhp');
    const judged = await this.eligibility.forUsers(others, at, new Date(at.getTime() + 60_000), m);
    const unfit = others.flatMap((id, i) => {
      const hard = hardFindings(judged[i]);
      return hard.length ? [{ userId: id, findings: hard }] : [];
    });
    if (unfit.length)
      throw refuse(
        `otherAmhpUserIds must name AMHPs who could act when the assessment opened: ${unfit.map((u) => `${u.userId} (${u.findings.map((f) => f.code).join(', ')})`).join('; ')}.`,
        'amhp-not-eligible',
        { unfit },
      );
    return others;
  }

  /**
   * An AMHP present at the assessment reads its record and report, as its lead does once it closes: the same lasting
   * `conducted` relationship to this assessment alone (not the person's other records, and never changing it). One
   * taken off the list loses it from `at`.
   */
  private async grantOthers(m: EntityManager, id: string, personId: string, others: string[], before: string[], at: Date): Promise<void> {
    for (const userId of others.filter((u) => !before.includes(u)))
      await this.access.grant(m, {
        userId,
        personId,
        kind: 'conducted',
        sourceType: 'assessment',
        sourceId: id,
        validFrom: at,
        recordedAt: at,
      });
    for (const userId of before.filter((u) => !others.includes(u))) await this.access.end(m, 'assessment', id, at, userId);
  }

  /** A timed event of the timeline (doctors arrived, bed identified, admitted...), with the reason for any delay. */
  async addEvent(actor: Actor, id: string, dto: TimelineEventDto): Promise<AssessmentViewDto> {
    const at = this.notFuture(dto.at, 'at');
    return this.change(actor, id, undefined, 'assessment.event', async (m, a) => {
      this.requireNotClosed(a);
      await this.requireNotTooEarly(m, at, a);
      if (dto.conveyanceMode !== undefined && dto.type !== 'conveyance-requested' && dto.type !== 'conveyance-arrived')
        throw new UnprocessableProblem(
          'conveyanceMode: is recorded only on a conveyance requested or arrived.',
          'conveyance-mode-not-conveyance',
          {
            field: 'conveyanceMode',
          },
        );
      if (dto.bedOutOfArea !== undefined && dto.type !== 'bed-identified')
        throw new UnprocessableProblem('bedOutOfArea: is recorded only on a bed identified.', 'bed-out-of-area-not-bed', {
          field: 'bedOutOfArea',
        });
      if (dto.warrantKind !== undefined && dto.type !== 'warrant-requested' && dto.type !== 'warrant-executed')
        throw new UnprocessableProblem('warrantKind: is recorded only on a warrant requested or executed.', 'warrant-kind-not-warrant', {
          field: 'warrantKind',
        });
      if (dto.executionAttendance !== undefined && dto.type !== 'warrant-executed')
        throw new UnprocessableProblem(
          'executionAttendance: is recorded only on a warrant executed.',
          'execution-attendance-not-warrant-executed',
          { field: 'executionAttendance' },
        );
      const warrant = dto.type === 'warrant-executed' ? await this.warrantExecution(m, actor, dto, at) : {};
      const data = {
        ...(dto.conveyanceMode !== undefined ? { conveyanceMode: dto.conveyanceMode } : {}),
        ...(dto.bedOutOfArea !== undefined ? { bedOutOfArea: dto.bedOutOfArea } : {}),
        ...(dto.warrantKind !== undefined ? { warrantKind: dto.warrantKind } : {}),
        ...warrant,
      };
      if (dto.acknowledgements !== undefined && dto.type !== 'admitted' && dto.type !== 'warrant-executed')
        throw new UnprocessableProblem(
          'acknowledgements: are given only on an admission or a warrant executed.',
          'acknowledgements-not-admission',
          {
            field: 'acknowledgements',
          },
        );
      const [event] = await m.query<Array<{ id: string }>>(
        'INSERT INTO assessment_events (assessment_id, type, at, delay_reason, note, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text',
        [id, dto.type, new Date(at), dto.delayReason ?? null, dto.note ?? null, data, actor.userId, this.clock.now()],
      );
      if (dto.type === 'admitted') await this.judgeAdmission(m, actor, a, event.id, dto.acknowledgements);
      return {
        type: dto.type,
        ...(dto.delayReason ? { delayReason: dto.delayReason } : {}),
        ...(warrant.executionAttendance
          ? { warrantKind: warrant.warrantKind, attendance: attendanceCodes(warrant.executionAttendance) }
          : {}),
      };
    });
  }

  /**
   * POL-02 (MHA 1983 s.135(4)): who attended a warrant's execution, recorded on the assessment's timeline event. The
   * AMHP and the doctor are named as a referral's intake names them (ReferralsService.warrantAttendance). A s.135(1)
   * warrant executed without an AMHP and a registered medical practitioner was executed unlawfully: it happened, so it
   * is recorded, but only with that warning acknowledged with a reason (as an admission after the authority to convey
   * ended is), which is kept with the event; 422 warnings-not-acknowledged otherwise. Without an attendance, nothing.
   */
  private async warrantExecution(
    m: EntityManager,
    actor: Actor,
    dto: Pick<TimelineEventDto, 'executionAttendance' | 'warrantKind' | 'acknowledgements'>,
    at: number,
  ): Promise<Record<string, unknown> & { warrantKind?: WarrantKind; executionAttendance?: WarrantAttendance }> {
    if (!dto.executionAttendance) return {};
    const attendance = await this.attendanceAt(m, dto.executionAttendance, at);
    return this.judgedAttendance(actor, dto.warrantKind ?? 's135-1', attendance, dto.acknowledgements);
  }

  /** POL-02 (s.135(4)): the attendance given for a warrant executed at `at`, its AMHP and doctor named from their records. */
  private async attendanceAt(
    m: EntityManager,
    given: NonNullable<TimelineEventDto['executionAttendance']>,
    at: number,
  ): Promise<WarrantAttendance> {
    const errors = warrantAttendanceErrors(given, new Date(at), { attendance: 'executionAttendance', executedAt: 'at' });
    refuseFieldErrors(errors);
    return this.referrals.warrantAttendance(m, given, 'executionAttendance');
  }

  /**
   * POL-02 (s.135(4)): a warrant of `kind` executed with `attendance`, judged: the event's data, with each warning
   * acknowledged with a reason (422 warnings-not-acknowledged naming executionAttendance when one is not).
   */
  private judgedAttendance(
    actor: Actor,
    kind: WarrantKind,
    attendance: WarrantAttendance,
    acknowledgements: ReadonlyArray<{ code: string; reason: string }> | undefined,
  ): Record<string, unknown> & { warrantKind: WarrantKind; executionAttendance: WarrantAttendance } {
    const findings = warrantAttendanceFindings(kind, attendance);
    const acknowledged = findings.map((finding) => {
      const ack = acknowledgements?.find((k) => k.code === finding.code);
      if (!ack)
        throw new UnprocessableProblem(
          `Acknowledge each warning with a reason (acknowledgements: [{ code, reason }]): ${finding.code}: ${finding.message}`,
          'warnings-not-acknowledged',
          { field: 'executionAttendance', rules: [finding.rule], findings },
        );
      return { code: finding.code, reason: ack.reason, by: actor.userId, at: this.clock.now().toISOString(), finding };
    });
    return { warrantKind: kind, executionAttendance: attendance, ...(acknowledged.length ? { acknowledgements: acknowledged } : {}) };
  }

  /**
   * A timeline event's time: refused when it is before the hub received the referral, or more than a week before the
   * assessment opened (a mistyped date).
   */
  private async requireNotTooEarly(m: EntityManager, at: number, a: { openedAt: Date | string; referralId: string }): Promise<void> {
    const received = await this.referrals.receivedAt(m, a.referralId);
    const why = eventTooEarly(at, new Date(a.openedAt), received);
    if (why === 'before-referral')
      throw new UnprocessableProblem(
        `The event is before the hub received the referral (${formatLocal(received, this.config.timeZone)}): check the date and time.`,
        'event-before-referral',
        { field: 'at' },
      );
    if (why === 'before-assessment')
      throw new UnprocessableProblem(
        'The event is more than a week before the assessment opened: check the date.',
        'event-before-assessment',
        {
          field: 'at',
        },
      );
  }

  /**
   * Corrects a timeline event recorded wrongly: its time (at), and for a warrant executed who accompanied the
   * constable (executionAttendance: POL-02, s.135(4)); at least one of the two (400 naming both otherwise). The event
   * keeps each earlier time (`data.corrections`) and each earlier attendance with its acknowledged warnings
   * (`data.attendanceCorrections`), who corrected it and when, beside the audit. The time is moved by moveEvent (an
   * admission judged again; the admission a s.4 runs from moved as from its referral, its pages in line at once: APP-11).
   * The attendance is judged as at recording (warrantExecution: the AMHP and the doctor named from their records; a
   * s.135(1) warrant executed without both only with warrant-executed-unaccompanied acknowledged, with a reason, 422
   * otherwise) and published with the correction. The decision and the signing come from the outcome (decidedAt,
   * signedAt) and are not corrected here. What the event already says changes nothing (a read, its version kept).
   */
  async correctEventTime(
    actor: Actor,
    id: string,
    eventId: string,
    dto: EventTimeDto,
    expectedVersion: ExpectedVersion,
  ): Promise<AssessmentViewDto> {
    if (dto.at === undefined && dto.executionAttendance === undefined)
      throw new ValidationProblem(
        (['at', 'executionAttendance'] as const).map((field) => ({
          field,
          messages: ["give the event's corrected time (at), a warrant executed's attendance (executionAttendance), or both"],
        })),
      );
    const at = dto.at !== undefined ? this.notFuture(dto.at, 'at') : null;
    let s4Moved: { from: Date; to: Date } | null = null;
    return this.change(
      actor,
      id,
      expectedVersion,
      'assessment.event-corrected',
      async (m, a) => {
        s4Moved = null;
        this.requireNotClosed(a);
        const [e] = await m.query<Array<{ type: string; at: Date; data: Record<string, unknown> | null }>>(
          'SELECT type, at, data FROM assessment_events WHERE id = $1 AND assessment_id = $2 FOR UPDATE',
          [eventId, id],
        );
        if (!e) throw new NotFoundProblem('Timeline event', eventId);
        if (OUTCOME_EVENTS.has(e.type))
          throw new ConflictProblem(
            'The time of the decision and of the signing are those of the recorded outcome: they are not corrected here.',
            'event-from-outcome',
          );
        if (RECORD_EVENTS.has(e.type))
          throw new ConflictProblem(
            'The time of the end of the detention and of a rectification are those of their records (APP-22, APP-16): they are not corrected here.',
            'event-from-record',
          );
        if (dto.executionAttendance !== undefined && e.type !== 'warrant-executed')
          throw new UnprocessableProblem(
            'executionAttendance: is corrected only on a warrant executed.',
            'execution-attendance-not-warrant-executed',
            { field: 'executionAttendance' },
          );
        // The time it already has (a retried send, or the same time chosen again): no correction was made, so none is
        // recorded, in the event's history or the audit trail (QUALITY R3). So for the attendance it already records.
        const moved = at !== null && new Date(e.at).getTime() !== at;
        const data = await this.correctedAttendance(m, actor, e, at ?? new Date(e.at).getTime(), dto);
        if (!moved && !data) return UNCHANGED;
        if (data) await m.query('UPDATE assessment_events SET data = $3 WHERE id = $1 AND assessment_id = $2', [eventId, id, data.data]);
        if (moved)
          s4Moved = await this.moveEvent(m, actor, a, eventId, { ...e, data: data?.data ?? e.data }, at, dto.reason, dto.acknowledgements);
        return { eventId, type: e.type, ...(data ? { warrantKind: data.warrantKind, attendance: data.attendance } : {}) };
      },
      // APP-11 (s.4(4)): the admission a s.4 runs from moved: its pages are put in line now, and the referral keeps the
      // correction on its timeline, audited, with the reason given (else one saying none was), as from its referral.
      async (m, a, basis) => {
        const start = s4Moved;
        if (!start) return;
        await this.referrals.clocksCorrected(m, [a.referralId], this.clock.now());
        await this.referrals.s4AdmissionCorrected(m, actor, a.referralId, basis, {
          assessmentId: id,
          from: start.from,
          to: start.to,
          reason: dto.reason ?? EVENT_MOVED_WITHOUT_REASON,
        });
      },
    );
  }

  /**
   * POL-02 (s.135(4)): the warrant executed `e` with the attendance `dto` gives in place of what it records, judged as
   * at recording (warrantExecution, at the event's time `at`, of the warrant's recorded kind): the event's new data,
   * with the attendance it replaces and its acknowledged warnings kept, who corrected it and when
   * (`attendanceCorrections`); null when none is given or it is the one recorded.
   */
  private async correctedAttendance(
    m: EntityManager,
    actor: Actor,
    e: { data: Record<string, unknown> | null },
    at: number,
    dto: EventTimeDto,
  ): Promise<{ data: Record<string, unknown>; warrantKind: WarrantKind; attendance: ReturnType<typeof attendanceCodes> } | null> {
    if (!dto.executionAttendance) return null;
    const data = e.data ?? {};
    const warrantKind = (data.warrantKind as WarrantKind | undefined) ?? 's135-1';
    const attendance = await this.attendanceAt(m, dto.executionAttendance, at);
    const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));
    if (isDeepStrictEqual(plain(attendance), plain(data.executionAttendance))) return null;
    const judged = this.judgedAttendance(actor, warrantKind, attendance, dto.acknowledgements);
    const { acknowledgements: acknowledged, ...rest } = data;
    const earlier = Array.isArray(data.attendanceCorrections) ? (data.attendanceCorrections as unknown[]) : [];
    const correction = {
      from: data.executionAttendance ?? null,
      ...(acknowledged !== undefined ? { acknowledgements: acknowledged } : {}),
      by: actor.userId,
      at: this.clock.now().toISOString(),
    };
    return {
      data: { ...rest, ...judged, attendanceCorrections: [...earlier, correction] },
      warrantKind,
      attendance: attendanceCodes(attendance),
    };
  }

  /**
   * Moves timeline event `eventId` (read as `e`, locked) of assessment `a` to `at`: never before the referral was
   * received or long before the assessment opened; the event keeps each earlier time, who corrected it and when
   * (`data.corrections`); an admission is judged again (judgeAdmission: APP-13, APP-14). The one way an event's time
   * is corrected (correctEventTime, correctS4Admission).
   *
   * APP-11 (s.4(4)): the admission a s.4's 72 hours run from (the first `admitted` under a s.4 application made for a
   * patient not already in hospital) is moved here by either route (PATCH /assessments/{id}/events/{eventId}, POST
   * /referrals/{id}/time-corrections `s4AdmittedAt`), with the same refusals: not on a referral that has ended (409
   * referral-not-open: its clocks have stopped), not before the application was made
   * (APP-12, s.6(1): 422 admitted-before-application naming `at`), and, after the authority to convey ended, only with
   * that warning answered (judgeAdmission). Returns where the s.4's start moved from and to, when it moved
   * (s4AdmissionMove): the caller then puts the referral's pages in line with the s.4's new ends in the same
   * transaction (change's `afterwards`: clocksCorrected), and keeps the correction on the referral's timeline.
   */
  private async moveEvent(
    m: EntityManager,
    actor: Actor,
    a: AssessmentRow,
    eventId: string,
    e: { type: string; at: Date; data: Record<string, unknown> | null },
    at: number,
    reason: string | undefined,
    acknowledgements: ReadonlyArray<{ code: string; reason: string }> | undefined,
  ): Promise<{ from: Date; to: Date } | null> {
    const s4Admission = e.type === 'admitted' ? await this.s4AdmissionMove(m, a, eventId, at) : null;
    if (s4Admission) {
      // Its referral's clocks stopped when it ended: refused as its correction from the referral is (409 referral-not-open).
      await this.referrals.s4AdmissionMovable(m, actor, a.referralId);
      const stored = storedApplication(a)!;
      const made = new Date(typeof stored.signedAt === 'string' ? stored.signedAt : a.decidedAt!);
      if (at < made.getTime()) {
        const zone = this.config.timeZone;
        const why = `The s.4 application was made at ${formatLocal(made, zone)}: the patient is admitted under it only after it was made (APP-12, s.6(1)), not at ${formatLocal(new Date(at), zone)}.`;
        throw new UnprocessableProblem(why, 'admitted-before-application', { field: 'at', errors: [{ field: 'at', messages: [why] }] });
      }
    }
    await this.requireNotTooEarly(m, at, a);
    const data = e.data ?? {};
    const corrections = Array.isArray(data.corrections) ? (data.corrections as unknown[]) : [];
    const correction = {
      from: new Date(e.at).toISOString(),
      by: actor.userId,
      at: this.clock.now().toISOString(),
      ...(reason !== undefined ? { reason } : {}),
    };
    await m.query('UPDATE assessment_events SET at = $3, data = $4 WHERE id = $1 AND assessment_id = $2', [
      eventId,
      a.id,
      new Date(at),
      { ...data, corrections: [...corrections, correction] },
    ]);
    if (e.type === 'admitted') await this.judgeAdmission(m, actor, a, eventId, acknowledgements);
    return s4Admission;
  }

  /**
   * APP-11 (s.4(4)): what moving timeline event `eventId` of `a` to `at` does to the admission a s.4's 72 hours run
   * from: the first `admitted` (as the referral's clock takes it) under a s.4 application (converted into a s.2 or not)
   * made for a patient not already in hospital (whose admission is the managers' receipt, APP-12, s.5(1)). The start
   * moves `from` the first admission now `to` the first once moved: the first moved, a later one moved before it, or
   * the first moved past a later one. Null when the start does not move (another admission moved, still after it).
   */
  private async s4AdmissionMove(m: EntityManager, a: AssessmentRow, eventId: string, at: number): Promise<{ from: Date; to: Date } | null> {
    if (!isS4Application(a) || storedApplication(a)?.inPatient === true) return null;
    const admitted = await m.query<Array<{ id: string; at: Date }>>(
      `SELECT id::text, at FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted'`,
      [a.id],
    );
    const moved = admissionStartMove(
      admitted.map((e) => ({ id: e.id, at: new Date(e.at).getTime() })),
      eventId,
      at,
    );
    return moved && { from: new Date(moved.from), to: new Date(moved.to) };
  }

  /**
   * APP-11 (s.4(4)): the admission a s.4's 72 hours run from, corrected earlier or later from its referral (POST
   * /referrals/{id}/time-corrections, `s4AdmittedAt`), in the referral's transaction (S4AdmissionCorrections). The
   * admission is the first `admitted` on the timeline of the referral's assessment that made a s.4 application (the
   * earliest admitted, as the referral's clock takes it: outcomeClocks); it is moved as any event's time is, by the
   * one path PATCH /assessments/{id}/events/{eventId} takes too (moveEvent: kept history, refused before the
   * application was made, APP-12, s.6(1): the patient is conveyed and admitted under an application already made,
   * which itself follows the recommendation it rests on, MED-01; APP-13 / APP-14 judged again, an admission after the
   * 24 hours to convey only with its warning answered), and the s.4's conversion into a s.2 (s4Conversion: the second
   * recommendation received within the 72 hours) and its conveyance window are judged again from it (change:
   * keepJudgements), the referral's pages put in line with its new ends (clocksCorrected), audited on the assessment.
   * Refused (422) when there is none to correct (naming `time`; a patient already in hospital is admitted by the
   * managers' receipt, APP-12, corrected on the application) and when it is unchanged (naming `at`). The referral is
   * locked before the assessment (lockForChange).
   */
  private async correctS4Admission(
    m: EntityManager,
    actor: Actor,
    referralId: string,
    at: Date,
    reason: string,
    acknowledgements: ReadonlyArray<{ code: string; reason: string }> | undefined,
  ): Promise<S4AdmissionCorrected> {
    const [found] = await m.query<
      Array<{
        id: string;
        event_id: string | null;
        at: Date | null;
        in_patient: boolean;
        managers_received_at: string | null;
      }>
    >(
      `SELECT a.id::text AS id, e.id::text AS event_id, e.at, coalesce(a.outcome->'application'->>'inPatient' = 'true', false) AS in_patient
         FROM assessments a
         LEFT JOIN LATERAL (SELECT ae.id, ae.at FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.type = 'admitted'
                             ORDER BY ae.at, ae.id LIMIT 1) e ON true
        WHERE a.referral_id = $1 AND a.outcome_kind = 'application' AND a.section = 's4' AND a.decided_at IS NOT NULL
        ORDER BY e.at NULLS LAST, a.opened_at, a.seq LIMIT 1`,
      [referralId],
    );
    const refuse = (field: 'time' | 'at', why: string, code: string): never => {
      throw new UnprocessableProblem(why, code, { errors: [{ field, messages: [why] }] });
    };
    if (!found)
      return refuse(
        'time',
        "No s.4 application is recorded on this referral's assessments: there is no s.4 admission to correct.",
        'time-not-applicable',
      );
    if (found.in_patient)
      return refuse(
        'time',
        `The s.4 application (assessment ${found.id}) is for a patient already in hospital: it took effect when the hospital managers received it (APP-12, s.5(1)), which is corrected on the application (PATCH /assessments/${found.id}/application, managersReceivedAt).`,
        'time-not-applicable',
      );
    if (!found.event_id || !found.at)
      return refuse(
        'time',
        `No admission under the s.4 application is recorded yet: record it (assessment ${found.id}, timeline event "admitted") rather than correct it.`,
        'time-not-recorded',
      );
    const from = new Date(found.at);
    if (from.getTime() === at.getTime())
      return refuse('at', `s4AdmittedAt is already ${from.toISOString()}: there is nothing to correct.`, 'time-unchanged');
    const eventId = found.event_id;
    await this.change(
      actor,
      found.id,
      undefined,
      'assessment.event-corrected',
      async (m2, a) => {
        this.requireNotClosed(a);
        const [e] = await m2.query<Array<{ type: string; at: Date; data: Record<string, unknown> | null }>>(
          'SELECT type, at, data FROM assessment_events WHERE id = $1 AND assessment_id = $2 FOR UPDATE',
          [eventId, a.id],
        );
        await this.moveEvent(m2, actor, a, eventId, e, at.getTime(), reason, acknowledgements);
        return { eventId, type: e.type };
      },
      (m2, a) => this.referrals.clocksCorrected(m2, [a.referralId], this.clock.now()),
    );
    return { assessmentId: found.id, from };
  }

  /**
   * A contact with the patient and its mode (only in person counts for s.11(5) and s.12: C8). A contact by an AMHP is
   * that AMHP's (APP-04: the applicant must personally have seen the patient): an AMHP records her own, or names
   * another AMHP; a manager typing it up names the AMHP who made it. Who recorded it is kept beside who made it.
   */
  async addContact(actor: Actor, id: string, dto: ContactDto): Promise<AssessmentViewDto> {
    const at = this.notFuture(dto.at, 'at');
    if (dto.byUserId && dto.byRole !== 'amhp')
      throw new UnprocessableProblem(
        'byUserId names the AMHP who made the contact: it is only for byRole amhp.',
        'contact-maker-not-amhp',
        {
          field: 'byUserId',
        },
      );
    if (dto.byRole === 'amhp' && !dto.byUserId && !actor.roles.includes('amhp'))
      throw new UnprocessableProblem(
        'You are not an AMHP: name the AMHP who made the contact (byUserId), so that it counts as theirs.',
        'contact-maker-required',
        { field: 'byUserId' },
      );
    return this.change(actor, id, undefined, 'assessment.contact', async (m, a) => {
      this.requireNotClosed(a);
      const byUserId = dto.byRole === 'amhp' ? (dto.byUserId ?? actor.userId) : null;
      const ownContact = byUserId === actor.userId && actor.roles.includes('amhp');
      if (byUserId && !ownContact && !(await this.users.isActiveWithRole(m, byUserId, 'amhp')))
        throw new UnprocessableProblem('byUserId must be an AMHP: only an AMHP can make a contact by an AMHP.', 'contact-maker-not-amhp', {
          field: 'byUserId',
        });
      await m.query(
        'INSERT INTO assessment_contacts (assessment_id, at, mode, by_role, by_user_id, by_name, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [id, new Date(at), dto.mode, dto.byRole, byUserId, dto.byName ?? null, dto.note ?? null, actor.userId, this.clock.now()],
      );
      return { mode: dto.mode, byRole: dto.byRole, byUserId, recordedBy: actor.userId };
    });
  }

  /** A medical recommendation, from a doctor on the s.12 register or entered ad hoc. */
  async addRecommendation(actor: Actor, id: string, dto: RecommendationDto): Promise<AssessmentViewDto> {
    const examinedAt = this.notFuture(dto.examinedAt, 'examinedAt');
    const signedAt = this.notFuture(dto.signedAt, 'signedAt');
    if (signedAt < examinedAt)
      throw new UnprocessableProblem(
        'A recommendation is signed after the examination it reports, not before.',
        'signed-before-examination',
      );
    // APP-11 (s.4(4)(a)): the managers receive a recommendation once it is given; a receipt before the doctor signed it
    // would let the 72 hours be judged on a time before the recommendation existed.
    const receivedByManagersAt = dto.receivedByManagersAt ? this.notFuture(dto.receivedByManagersAt, 'receivedByManagersAt') : null;
    if (receivedByManagersAt !== null && receivedByManagersAt < signedAt)
      throw new UnprocessableProblem(
        `receivedByManagersAt (${new Date(receivedByManagersAt).toISOString()}) is before the recommendation was signed (${new Date(signedAt).toISOString()}): the hospital managers receive a recommendation after the doctor gives it.`,
        'received-before-signature',
        {
          field: 'receivedByManagersAt',
          errors: [{ field: 'receivedByManagersAt', messages: ['receivedByManagersAt cannot be before signedAt'] }],
          rule: 'APP-11' satisfies RuleId,
        },
      );
    if (!dto.doctorId && !dto.statedApproval)
      throw new UnprocessableProblem(
        'For a doctor not on the register, give statedApproval (s12, approvedClinician).',
        'stated-approval-required',
      );
    // APP-07 / APP-11: a register doctor is who the register says (its GMC number); only an ad hoc one is given one.
    if (dto.doctorId && dto.gmcNumber !== undefined)
      throw new UnprocessableProblem(
        "A doctor on the register has the register's GMC number: leave out gmcNumber, or enter the doctor ad hoc.",
        'gmc-number-from-register',
        { field: 'gmcNumber' },
      );
    const doctorName = dto.doctorId ? (await this.doctors.get(dto.doctorId)).name : dto.doctorName!;
    return this.change(actor, id, undefined, 'assessment.recommendation', async (m, a) => {
      await this.requireOpenOrRectifying(m, a);
      const details = {
        ...(dto.learningDisabilityOnly !== undefined ? { learningDisabilityOnly: dto.learningDisabilityOnly } : {}),
        ...(dto.ldQualifyingConduct !== undefined ? { ldQualifyingConduct: dto.ldQualifyingConduct } : {}),
        ...(dto.autismOrLdWithoutPsychiatricDisorder !== undefined
          ? { autismOrLdWithoutPsychiatricDisorder: dto.autismOrLdWithoutPsychiatricDisorder }
          : {}),
        ...(dto.informalInappropriateReason ? { informalInappropriateReason: dto.informalInappropriateReason } : {}),
        ...(dto.treatmentAvailableAt ? { treatmentAvailableAt: dto.treatmentAvailableAt } : {}),
        ...(dto.team ? { team: dto.team } : {}),
        ...(dto.gmcNumber ? { gmcNumber: dto.gmcNumber } : {}),
      };
      const live = await m.query(
        'SELECT count(*)::int AS n FROM medical_recommendations WHERE assessment_id = $1 AND withdrawn_at IS NULL',
        [id],
      );
      if (live[0].n >= 4)
        throw new UnprocessableProblem(
          'An assessment has at most four live recommendations; withdraw one entered in error first.',
          'too-many-recommendations',
        );
      const [{ id: recId }] = await m.query(
        `INSERT INTO medical_recommendations (assessment_id, doctor_id, doctor_name, stated_approval, previous_acquaintance, no_acquaintance_reason,
           examined_at, exam_mode, signed_at, section, joint_group, received_by_managers_at, details, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
        [
          id,
          dto.doctorId ?? null,
          doctorName,
          dto.doctorId ? null : dto.statedApproval,
          dto.previousAcquaintance,
          dto.noAcquaintanceReason ?? null,
          new Date(examinedAt),
          dto.examMode,
          new Date(signedAt),
          dto.section,
          dto.jointGroup ?? null,
          receivedByManagersAt !== null ? new Date(receivedByManagersAt) : null,
          details,
          actor.userId,
          this.clock.now(),
        ],
      );
      return { recommendationId: recId, section: dto.section };
    });
  }

  /** A recommendation entered in error is withdrawn (kept, with the reason), never deleted. */
  async withdrawRecommendation(actor: Actor, id: string, recommendationId: string, reason: string): Promise<AssessmentViewDto> {
    return this.change(actor, id, undefined, 'assessment.recommendation-withdrawn', async (m, a) => {
      this.requireNotClosed(a);
      await this.refuseIfFoundsApplication(m, a, recommendationId);
      // An UPDATE's m.query answers [rows, count]: the rows are the first (it was read as the pair, so a second
      // withdrawal was taken for a first and moved the version on).
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE medical_recommendations SET withdrawn_at = $3, details = details || jsonb_build_object('withdrawnReason', $4::text) WHERE id = $1 AND assessment_id = $2 AND withdrawn_at IS NULL RETURNING id`,
        [recommendationId, id, this.clock.now(), reason],
      );
      if (!rows.length) {
        const [known]: Array<{ withdrawn_at: Date }> = await m.query(
          'SELECT withdrawn_at FROM medical_recommendations WHERE id = $1 AND assessment_id = $2',
          [recommendationId, id],
        );
        if (!known) throw new NotFoundProblem('Recommendation', recommendationId);
        throw new ConflictProblem(`This recommendation was withdrawn at ${known.withdrawn_at.toISOString()}.`, 'recommendation-withdrawn', {
          withdrawnAt: known.withdrawn_at.toISOString(),
        });
      }
      return { recommendationId };
    });
  }

  /**
   * A recommendation a made application rests on (foundsApplication) stays: the application was made on it, and its
   * findings and deadlines (GDN-06, APP-13: from the last examination it was founded on) are the ones it had. Withdrawn
   * after the fact it would silently rewrite them. A faulty one is put right by the managers' rectification (APP-16,
   * s.15): the 409 says so, naming the application, and points to where it is recorded (POST rectification: an
   * amendment, or a fresh recommendation added here replacing it). A s.4's second
   * recommendation founds the s.2 it became once it did (APP-11: converted, or judged to convert).
   */
  private async refuseIfFoundsApplication(m: EntityManager, a: AssessmentRow, recommendationId: string): Promise<void> {
    const stored = storedApplication(a);
    if (!stored) return;
    const [r]: Array<Pick<RecommendationRow, 'id' | 'section' | 'withdrawn_at'> & { converted: boolean }> = await m.query(
      `SELECT r.id, r.section, r.withdrawn_at, (x.s4_converts_at IS NOT NULL OR x.outcome->'convertedFromS4' IS NOT NULL) AS converted
         FROM medical_recommendations r JOIN assessments x ON x.id = r.assessment_id WHERE r.id = $1 AND r.assessment_id = $2`,
      [recommendationId, a.id],
    );
    // Not found, or already withdrawn: answered by the withdrawal itself.
    if (!r || r.withdrawn_at || !foundsApplication(stored, r, r.converted)) return;
    const { section } = stored;
    const signedAt = new Date(stored.signedAt as string);
    const made =
      section === 's4' && r.section === 's2'
        ? `the s.2 that the s.4 application signed at ${formatLocal(signedAt, this.config.timeZone)} became`
        : `the ${SECTION_NAME[section]} application signed at ${formatLocal(signedAt, this.config.timeZone)}`;
    throw new ConflictProblem(
      `This recommendation founds ${made}: it cannot be withdrawn once the application is made, and the application stays as it was made. If it is faulty or insufficient, s.15 lets the hospital managers, with their consent and within 14 days beginning with the admission, have it amended (s.15(1)) or replaced by a fresh recommendation (s.15(2)-(3)). Record that rectification with POST /assessments/${a.id}/rectification: kind recommendation-amended, or recommendation-replaced naming the fresh recommendation once it is recorded on this assessment (replacementId); a recommendation merely added is not taken as replacing this one.`,
      'recommendation-founds-application',
      { rule: 'APP-16' satisfies RuleId, section, signedAt: signedAt.toISOString(), rectification: `/assessments/${a.id}/rectification` },
    );
  }

  /** The nearest relative for this assessment: the s.26 proposal confirmed (or why not), informed / consulted, or the exception. */
  async setNearestRelative(
    actor: Actor,
    id: string,
    dto: AssessmentNearestRelativeDto,
    expectedVersion: ExpectedVersion,
  ): Promise<AssessmentViewDto> {
    const informedAt = dto.informedAt ? this.notFuture(dto.informedAt, 'informedAt') : null;
    const consultedAt = dto.consultedAt ? this.notFuture(dto.consultedAt, 'consultedAt') : null;
    const asAt = dto.asAt ? new Date(this.notFuture(dto.asAt, 'asAt')) : null;
    if ([dto.relativeId, dto.displacementId, dto.nominatedPersonId, dto.noneReason].filter(Boolean).length > 1)
      throw new UnprocessableProblem(
        'Give one of relativeId, displacementId (the acting nearest relative), nominatedPersonId or noneReason.',
        'nearest-relative-ambiguous',
      );
    return this.change(actor, id, expectedVersion, 'assessment.nearest-relative', async (m, a) => {
      this.requireNotClosed(a);
      // s.26 on the application's date (ages, orders, objections, the nominated person), not on the day it is typed up.
      const on = evaluationInstant(this.signedAtOf(a), asAt, this.clock.now());
      const day = localDate(on.at, this.config.timeZone);
      const regime = this.regimeOn(on.at);
      const state = await this.relatives.nearestRelativeState(m, a.personId, on.at, regime.representative);
      const proposed = state.proposal.nearestRelative;
      let name: string | null = null;
      if (dto.relativeId) {
        const chosen =
          state.proposal.ranked.find((r) => r.relativeId === dto.relativeId) ??
          state.proposal.excluded.find((r) => r.relativeId === dto.relativeId);
        if (!chosen) throw new UnprocessableProblem('That relative is not recorded for this person.', 'unknown-relative');
        name = chosen.name;
        // NR-10 (s.29(6)): while a county court order is in force its acting nearest relative has the functions; no
        // reason given makes a displaced relative the nearest relative again.
        if (proposed?.basis === 's.29' && proposed.relativeId !== dto.relativeId)
          throw new UnprocessableProblem(
            `A county court order (s.29) in force on ${day} appoints ${proposed.name} as acting nearest relative, with the nearest relative's functions (s.29(6)): confirm them (displacementId). ${chosen.name} cannot be identified in their place.`,
            'nearest-relative-displaced',
            {
              errors: [{ field: 'relativeId', messages: ['relativeId cannot name a relative while a s.29 order is in force'] }],
              proposal: state.proposal,
            },
          );
        if (proposed?.relativeId !== dto.relativeId && !dto.notConfirmedReason) {
          throw new UnprocessableProblem(
            proposed?.basis === 's.29'
              ? `A county court order (s.29) appoints ${proposed.name} as acting nearest relative: confirm them (displacementId), or record why you identify ${chosen.name} instead (notConfirmedReason).`
              : `s.26 proposes ${proposed ? proposed.name : 'nobody'} as nearest relative; record why you identify ${chosen.name} instead (notConfirmedReason).`,
            'nearest-relative-differs',
            { proposal: state.proposal },
          );
        }
      }
      // NR-03 / NR-01: "none" is for when nobody appears to be the nearest relative. When s.26 (or an order) names
      // someone, the duty is owed to them: identify them (consulted, informed, or the exception with its facts).
      if (dto.noneReason && proposed && regime.representative === 'nearest-relative')
        throw new UnprocessableProblem(
          `The relatives recorded make ${proposed.name} the nearest relative on ${day} (${proposed.basis}): identify them, and record that they were consulted or informed, or why that was not reasonably practicable (exception, with the facts). If the relatives recorded are wrong, correct them first.`,
          'nearest-relative-proposed',
          {
            errors: [{ field: 'noneReason', messages: ['noneReason is for when nobody appears to be the nearest relative'] }],
            proposal: state.proposal,
          },
        );
      let confirmed = !!dto.relativeId && proposed?.relativeId === dto.relativeId;
      // NR-10 (s.29(6)): the acting nearest relative of the order in force is who s.29 proposes: confirmed, no reason needed.
      if (dto.displacementId) {
        const order = state.displaced ? state.displacement : null;
        if (!order || order.id !== dto.displacementId)
          throw new UnprocessableProblem(
            `That s.29 order is not in force for this person on ${day}, so its acting nearest relative cannot be confirmed.`,
            'order-not-in-force',
            { errors: [{ field: 'displacementId', messages: ["displacementId must be this person's s.29 order in force"] }] },
          );
        name = order.actingNearestRelative;
        confirmed = true;
      }
      // MHA25-05: the nominated person in office (recorded, but only confirmed as the representative once commenced).
      if (dto.nominatedPersonId) {
        const np = state.nominatedPerson;
        if (!np || np.id !== dto.nominatedPersonId)
          throw new UnprocessableProblem(
            `That nominated person is not in office for this person on ${day}.`,
            'nominated-person-not-in-office',
            {
              errors: [{ field: 'nominatedPersonId', messages: ["nominatedPersonId must be this person's nominated person in office"] }],
            },
          );
        if (regime.representative !== 'nominated-person')
          throw new UnprocessableProblem(
            `The MHA 2025 nominated-person provisions do not apply on ${day}: the nearest relative has the functions; identify them instead.`,
            'nominated-person-not-commenced',
            {
              errors: [
                { field: 'nominatedPersonId', messages: ['the nominated person replaces the nearest relative only from the commencement'] },
              ],
            },
          );
        name = np.name;
        confirmed = true;
      }
      // NR-03 (s.11(4)(b); CV v SLAM): the exception keeps what remained of the detention in force as at the instant
      // the nearest relative is identified as at, from the hub's clocks, beside the facts the AMHP relied on.
      const exception = dto.exception
        ? {
            kind: dto.exception.kind,
            facts: dto.exception.facts,
            detentionRemaining: storedDetentionRemaining(
              detentionRemainingOn(
                await this.referrals.forAssessment(m, a.referralId),
                state.displacementApplications,
                on.at,
                this.config.timeZone,
                this.config.s29AppealDays,
              ),
            ),
          }
        : null;
      const record = {
        relativeId: dto.relativeId ?? null,
        displacementId: dto.displacementId ?? null,
        nominatedPersonId: dto.nominatedPersonId ?? null,
        name,
        confirmed,
        notConfirmedReason: dto.notConfirmedReason ?? null,
        noneReason: dto.noneReason ?? null,
        trace: state.proposal.trace,
        asAt: on.at.toISOString(),
        asAtBasis: on.basis,
        informedAt: isoOrNull(informedAt !== null ? new Date(informedAt) : null),
        informedMethod: dto.informedMethod ?? null,
        consultedAt: isoOrNull(consultedAt !== null ? new Date(consultedAt) : null),
        consultedMethod: dto.consultedMethod ?? null,
        exception,
        views: dto.views ?? null,
      };
      await m.query('UPDATE assessments SET nearest_relative = $2 WHERE id = $1', [id, record]);
      return {
        relativeId: record.relativeId,
        displacementId: record.displacementId,
        nominatedPersonId: record.nominatedPersonId,
        confirmed: record.confirmed,
        informed: !!informedAt,
        consulted: !!consultedAt,
        exception: dto.exception?.kind ?? null,
      };
    });
  }

  /** COI-*: the assessors' teams, who directs or employs whom, and their signed declarations. */
  async setConflicts(actor: Actor, id: string, dto: ConflictsDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    // A declaration signed on the night and typed up next day carries the time it was made.
    const declaredAt = dto.assessors.map((x, i) =>
      x.declaration?.declaredAt
        ? new Date(this.notFuture(x.declaration.declaredAt, `assessors[${i}].declaration.declaredAt`)).toISOString()
        : null,
    );
    return this.change(actor, id, expectedVersion, 'assessment.conflicts', async (m, a) => {
      await this.requireOpenOrRectifying(m, a);
      const now = this.clock.now().toISOString();
      const previous = new Map(a.conflicts.map((c) => [c.assessorId, c]));
      const conflicts = dto.assessors.map((x, i) => ({
        assessorId: x.assessorId,
        role: x.role,
        name: x.name,
        teams: x.teams,
        directsOrEmploys: x.directsOrEmploys,
        // The time given; else a declaration keeps the time it was first made while it says the same thing; else now.
        declaration: x.declaration
          ? {
              financial: x.declaration.financial,
              business: x.declaration.business,
              personal: x.declaration.personal,
              declaredAt: declaredAt[i] ?? sameDeclaration(previous.get(x.assessorId)?.declaration, x.declaration) ?? now,
            }
          : null,
      }));
      await m.query('UPDATE assessments SET conflicts = $2, patient_teams = $3 WHERE id = $1', [
        id,
        JSON.stringify(conflicts),
        dto.patientTeams,
      ]);
      return {
        assessors: conflicts.length,
        declarations: conflicts.flatMap((c) => (c.declaration ? [{ assessorId: c.assessorId, declaredAt: c.declaration.declaredAt }] : [])),
      };
    });
  }

  /**
   * The live checklist: what the Act still needs, by when, for an application under `section`, as at the recorded
   * application's signing, else as at `asAt` (the night typed up next day), else now. For an application already
   * recorded, `asAt` (not before its signing) asks where it stood at that instant.
   */
  async checks(actor: Actor, id: string, section?: Section, asAtRaw?: string, applicant?: Applicant): Promise<ChecksDto> {
    const asAt = asAtRaw !== undefined ? new Date(this.notFuture(asAtRaw, 'asAt')) : null;
    return this.db.transaction(async (m) => {
      const a = await this.loadForRead(m, id, actor);
      const basis = await this.requirePerson(actor, a.personId, 'assessment-record.read', m, { type: 'assessment', id }, a);
      const s = section ?? a.section ?? 's2';
      const recorded =
        a.outcomeKind === 'application' && a.section === s
          ? (a.outcome as { application?: Record<string, unknown> } | null)?.application
          : undefined;
      // The recorded application, unless another applicant's proposed one is asked about (s.11(1)).
      const found = recorded ? this.applicationFromStored(recorded) : null;
      const stored = found && (applicant === undefined || found.applicant === applicant) ? found : null;
      if (stored && asAt && asAt.getTime() < stored.signedAt!.getTime())
        throw new UnprocessableProblem(
          `The application was signed at ${stored.signedAt!.toISOString()}: asAt cannot be before it.`,
          'as-at-before-application',
          { field: 'asAt' },
        );
      const evaluated = evaluationInstant(stored?.signedAt ?? null, asAt, this.clock.now());
      // None made yet: a draft "signed" at that instant, which the rules check as not yet made (MED-02, COP-02 windows).
      const draft: Partial<ApplicationFacts> = stored ?? {
        section: s,
        applicant: applicant ?? 'amhp',
        signedAt: evaluated.at,
        notYetMade: true,
      };
      const referral = await this.referrals.forAssessment(m, a.referralId);
      // A CTO decision recorded (s.17A(4), s.17F(4)): its own facts, not an application checklist (ctoFindings).
      const cto = a.outcomeKind === 'cto-decision' ? storedCto(a) : null;
      const { check } = cto
        ? await this.evaluate(m, a, null, { referral, asAt: asAt ?? this.clock.now(), knownAt: asAt ?? undefined }, cto)
        : await this.evaluate(m, a, await this.completeApplication(m, a, referral, draft), {
            referral,
            asAt: evaluated.at,
            knownAt: asAt ?? undefined,
          });
      if (cto) check.findings = ctoFindings(check.findings);
      await this.audit.record(m, {
        action: 'assessment.checks',
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: a.personId,
        accessBasis: basis,
        details: { section: s, evaluatedAt: evaluated.at.toISOString(), evaluatedAtBasis: evaluated.basis },
      });
      return this.checksView(check, s, evaluated);
    });
  }

  /**
   * Records the outcome. An application is checked against the Act first: any blocker is 422 with the findings,
   * and every warning must be acknowledged with a reason.
   */
  async recordOutcome(actor: Actor, id: string, dto: OutcomeDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    const signedAt = dto.signedAt ? new Date(this.notFuture(dto.signedAt, 'signedAt')) : null;
    const kept = this.applicationRecord({ ...dto, acceptedByLssaAt: dto.guardian?.acceptedByLssaAt }, OUTCOME_ACCEPTED_FIELD);
    const distribution = this.distribution(dto.distribution);
    if (dto.applicant !== undefined && dto.kind !== 'application')
      throw new UnprocessableProblem('applicant: only an application has an applicant (s.11(1)).', 'not-an-application', {
        field: 'applicant',
      });
    if (dto.believedSixteenOrOver !== undefined && (dto.kind !== 'application' || dto.section !== 's7'))
      throw new UnprocessableProblem(
        'believedSixteenOrOver: is stated only on a guardianship application (s.7(4)).',
        'believed-age-not-guardianship',
        { field: 'believedSixteenOrOver', rule: 'GDN-01' satisfies RuleId },
      );
    return this.change(actor, id, expectedVersion, 'assessment.outcome', async (m, a) => {
      if (a.status !== 'open')
        throw new ConflictProblem(`The outcome of this assessment is already recorded (${a.status}).`, 'outcome-recorded');
      const now = this.clock.now();
      const decidedAt = dto.decidedAt ? new Date(this.notFuture(dto.decidedAt, 'decidedAt')) : (signedAt ?? now);
      const opened = new Date(a.openedAt);
      // Every instant the outcome gives follows the assessment it records: the signing too, not only the decision.
      if (decidedAt.getTime() < opened.getTime())
        throw new UnprocessableProblem('The decision cannot come before the assessment began.', 'decided-before-assessment', {
          field: dto.decidedAt ? 'decidedAt' : 'signedAt',
        });
      if (signedAt && signedAt.getTime() < opened.getTime())
        throw new UnprocessableProblem(
          `signedAt (${formatLocal(signedAt, this.config.timeZone)}) cannot be before the assessment began (${formatLocal(opened, this.config.timeZone)}).`,
          'signed-before-assessment',
          { field: 'signedAt' },
        );
      const acknowledged = new Map((dto.acknowledgements ?? []).map((k) => [k.code, k.reason]));
      let outcome: Record<string, unknown>;
      let section: Section | null = null;
      let findings: Finding[] = [];
      let foundedOn: string[] = [];
      if (dto.kind !== 'application' && (kept.managersReceivedAt || kept.forwardedToLssaAt))
        throw new UnprocessableProblem(
          'Only an application is received by the hospital managers or forwarded to the LSSA.',
          'not-an-application',
          {
            field: kept.managersReceivedAt ? 'managersReceivedAt' : 'forwardedToLssaAt',
          },
        );
      if (dto.kind === 'application') {
        section = dto.section!;
        if (section === 's7' && !dto.guardian)
          throw new UnprocessableProblem('A guardianship application names the guardian.', 'guardian-required', {
            rule: 'GDN-04' satisfies RuleId,
          });
        this.checkApplicationRecord(section, signedAt!, kept, null, OUTCOME_ACCEPTED_FIELD);
        const referral = await this.referrals.forAssessment(m, a.referralId);
        const inPatient = dto.patientAlreadyInHospital === true || alreadyInHospital(referral.legalContext.kind);
        // APP-12 (s.5(1)): for a patient already in hospital the detention runs from the managers' receipt, so it is needed.
        if (inPatient && section !== 's7' && !kept.managersReceivedAt)
          throw new UnprocessableProblem(
            'The patient is already in hospital, so the application takes effect when the hospital managers receive it: record when they did (managersReceivedAt).',
            'managers-receipt-required',
            { field: 'managersReceivedAt', rule: 'APP-12' satisfies RuleId },
          );
        const application = await this.completeApplication(m, a, referral, {
          inPatient,
          managersReceivedAt: kept.managersReceivedAt,
          forwardedToLssaAt: kept.forwardedToLssaAt,
          section,
          // s.11(1): an AMHP or the nearest relative applies; COI-07 and the NR checks follow who it is.
          applicant: dto.applicant ?? 'amhp',
          signedAt: signedAt!,
          hospitalSite: dto.hospitalSite ?? null,
          undesirableDelayStatement: dto.undesirableDelayStatement ?? false,
          practicalMatters: {
            dependants: dto.practicalMatters?.dependants ?? null,
            pets: dto.practicalMatters?.pets ?? null,
            property: dto.practicalMatters?.property ?? null,
          },
          guardian: dto.guardian
            ? {
                type: dto.guardian.type,
                name: dto.guardian.name,
                willingnessStatement: dto.guardian.willingnessStatement,
                acceptedByLssaAt: kept.acceptedByLssaAt,
              }
            : null,
          urgentNecessity: dto.urgentNecessity ?? null,
          ...(section === 's7' ? { believedSixteenOrOver: dto.believedSixteenOrOver === true } : {}),
        });
        const { check } = await this.evaluate(m, a, application, { referral, report: dto.dangerousnessReportDetails ?? null });
        findings = check.findings;
        this.refuseUnlessClear(findings, acknowledged, signedAt!);
        // MED-01 (s.12(1)): the recommendations it is made on, kept with it (judgedWithApplication): one withdrawn or added
        // later does not change what it was founded on, and each keeps the register's approval it rested on (MED-03).
        foundedOn = (await this.partsOf(m, a)).recs.filter((r) => !r.withdrawn_at).map((r) => r.id);
        outcome = {
          evaluatedAt: signedAt!.toISOString(),
          evaluatedAtBasis: 'signedAt' satisfies EvaluationBasis,
          application: {
            section,
            applicant: application.applicant,
            signedAt: signedAt!.toISOString(),
            foundedOn,
            hospitalSite: dto.hospitalSite ?? null,
            undesirableDelayStatement: dto.undesirableDelayStatement ?? false,
            practicalMatters: application.practicalMatters,
            guardian: dto.guardian ? { ...dto.guardian, acceptedByLssaAt: isoOrNull(kept.acceptedByLssaAt) } : null,
            urgentNecessity: dto.urgentNecessity ?? null,
            ...(section === 's7' ? { believedSixteenOrOver: dto.believedSixteenOrOver === true } : {}),
            dangerousnessReport: dto.dangerousnessReport ?? !!dto.dangerousnessReportDetails,
            dangerousnessReportDetails: dto.dangerousnessReportDetails ?? null,
            bedDetails: dto.bedDetails ?? null,
            conveyance: dto.conveyance ?? null,
            inPatient,
            managersReceivedAt: isoOrNull(kept.managersReceivedAt),
            forwardedToLssaAt: isoOrNull(kept.forwardedToLssaAt),
          },
          deadlines: check.deadlines.map((d) => ({ ...d, at: d.at.toISOString() })),
          regime: check.regime.id,
        };
      } else if (dto.kind === 'cto-decision') {
        const referral = await this.referrals.forAssessment(m, a.referralId);
        // CTO-03 (s.17E, s.17F(4)): for a recalled community patient the AMHP decides on revoking the CTO (form CTO5),
        // which has no conditions to agree (CTO-02 is about making a CTO); otherwise on making one (CTO1 Part 2).
        const about = ctoDecisionAbout(referral.legalContext.kind);
        if (about === 'revocation' && dto.conditionsAgreed === true)
          throw new UnprocessableProblem(
            "A CTO's revocation has no conditions to agree: the AMHP agrees (or not) that the s.3 criteria are met and that revoking the CTO is appropriate (form CTO5). Leave conditionsAgreed out.",
            'conditions-not-applicable',
            { field: 'conditionsAgreed', rule: 'CTO-03' satisfies RuleId },
          );
        // APP-09, MHA25-04: the disorder the order rests on, kept with the decision so its checks are judged on it later.
        const disorder = {
          learningDisabilityOnly: dto.learningDisabilityOnly ?? false,
          ldQualifyingConduct: dto.ldQualifyingConduct ?? false,
          autismOrLdWithoutPsychiatricDisorder: dto.autismOrLdWithoutPsychiatricDisorder ?? false,
        };
        const { check } = await this.evaluate(
          m,
          a,
          null,
          { referral },
          {
            about,
            decision: dto.ctoDecision!,
            inWriting: dto.inWriting ?? false,
            signedAt: signedAt!,
            conditionsAgreed: dto.conditionsAgreed ?? false,
            ...disorder,
          },
        );
        findings = ctoFindings(check.findings);
        this.refuseUnlessClear(findings, acknowledged, signedAt!);
        outcome = {
          evaluatedAt: signedAt!.toISOString(),
          evaluatedAtBasis: 'signedAt' satisfies EvaluationBasis,
          cto: {
            about,
            decision: dto.ctoDecision,
            inWriting: dto.inWriting ?? false,
            conditionsAgreed: about === 'revocation' ? null : (dto.conditionsAgreed ?? false),
            signedAt: signedAt!.toISOString(),
            ...disorder,
          },
        };
      } else {
        outcome = { alternatives: dto.alternatives };
      }
      outcome.rationale = dto.rationale;
      outcome.acknowledgements = [...acknowledged].map(([code, reason]) => ({ code, reason, by: actor.userId, at: now.toISOString() }));
      outcome.findingsAtDecision = findings;
      await m.query(
        `UPDATE assessments SET status = 'decided', outcome_kind = $2, section = $3, legal_status_code = $4, outcome = $5, decided_at = $6,
                ${KEEP_PERSON_AS_RECORDED} WHERE id = $1`,
        [id, dto.kind, section, section ? legalStatusCode(section) : null, outcome, decidedAt],
      );
      await this.keepApprovalsReliedOn(m, id, foundedOn);
      await m.query(
        'INSERT INTO assessment_events (assessment_id, type, at, note, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, 'decision', decidedAt, null, { kind: dto.kind, section }, actor.userId, now],
      );
      if (signedAt && dto.kind === 'application')
        await m.query(
          'INSERT INTO assessment_events (assessment_id, type, at, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [id, 'application-signed', signedAt, { section }, actor.userId, now],
        );
      await this.setReportDetails(m, id, dto, distribution);
      return { kind: dto.kind, section, warningsAcknowledged: acknowledged.size };
    });
  }

  /**
   * What happened to a made application, recorded after the fact: the managers' receipt (APP-12; for a patient already
   * in hospital, the admission) and, for guardianship, its forwarding to the LSSA (GDN-06, judged on that date). The
   * record stays open to it after the assessment closes: the Act's facts are kept whenever they become known.
   */
  async recordApplication(
    actor: Actor,
    id: string,
    dto: ApplicationRecordDto,
    expectedVersion: ExpectedVersion,
  ): Promise<AssessmentViewDto> {
    const kept = this.applicationRecord(dto);
    if (!kept.managersReceivedAt && !kept.forwardedToLssaAt && !kept.acceptedByLssaAt)
      throw new UnprocessableProblem('Give managersReceivedAt, forwardedToLssaAt or acceptedByLssaAt.', 'nothing-to-record', {
        field: 'managersReceivedAt',
      });
    // For a patient already in hospital the managers' receipt is the admission (APP-12, s.5(1)): the detention's clocks run
    // from it. Moved, it is corrected as a moved admission is (moveEvent): refused on an ended referral when it starts a
    // s.4's 72 hours, the referral's pages put in line with the new ends, and, for a s.4, on the referral's timeline.
    let receiptMoved: { from: Date; to: Date; s4: boolean } | null = null;
    return this.change(
      actor,
      id,
      expectedVersion,
      'assessment.application-record',
      async (m, a) => {
        if (a.outcomeKind !== 'application') throw new ConflictProblem('No application is recorded on this assessment.', 'no-application');
        const stored = (a.outcome as { application: Record<string, unknown> }).application;
        const received = typeof stored.managersReceivedAt === 'string' ? new Date(stored.managersReceivedAt) : null;
        if (stored.inPatient === true && received && kept.managersReceivedAt && received.getTime() !== kept.managersReceivedAt.getTime()) {
          const s4 = isS4Application(a);
          if (s4) await this.referrals.s4AdmissionMovable(m, actor, a.referralId);
          receiptMoved = { from: received, to: kept.managersReceivedAt, s4 };
        }
        const recorded = this.applicationFromStored(stored);
        const guardian = stored.guardian as Record<string, unknown> | null;
        this.checkApplicationRecord(recorded.section!, recorded.signedAt!, kept, {
          forwardedToLssaAt: recorded.forwardedToLssaAt ?? null,
          acceptedByLssaAt: recorded.guardian?.acceptedByLssaAt ?? null,
        });
        const previous = {
          managersReceivedAt: stored.managersReceivedAt ?? null,
          forwardedToLssaAt: stored.forwardedToLssaAt ?? null,
          ...(recorded.section === 's7' ? { acceptedByLssaAt: guardian?.acceptedByLssaAt ?? null } : {}),
        };
        const application = {
          ...stored,
          ...(kept.managersReceivedAt ? { managersReceivedAt: kept.managersReceivedAt.toISOString() } : {}),
          ...(kept.forwardedToLssaAt ? { forwardedToLssaAt: kept.forwardedToLssaAt.toISOString() } : {}),
          // GDN-08: the acceptance is the guardian's (kept with it, as on the outcome); GDN-07's first period runs from it.
          ...(kept.acceptedByLssaAt && guardian
            ? { guardian: { ...guardian, acceptedByLssaAt: kept.acceptedByLssaAt.toISOString() } }
            : {}),
        };
        await m.query('UPDATE assessments SET outcome = $2 WHERE id = $1', [id, { ...a.outcome, application }]);
        const fields = (['managersReceivedAt', 'forwardedToLssaAt', 'acceptedByLssaAt'] as const).filter((f) => kept[f]);
        // The audit keeps what a correction replaced.
        await this.audit.record(m, {
          action: 'assessment.application-record.previous',
          resourceType: 'assessment',
          resourceId: id,
          subjectPersonId: a.personId,
          details: previous,
        });
        return { fields };
      },
      async (m, a, basis) => {
        const moved = receiptMoved;
        if (!moved) return;
        await this.referrals.clocksCorrected(m, [a.referralId], this.clock.now());
        if (moved.s4)
          await this.referrals.s4AdmissionCorrected(m, actor, a.referralId, basis, {
            assessmentId: id,
            from: moved.from,
            to: moved.to,
            reason: RECEIPT_MOVED_WITHOUT_REASON,
          });
      },
    );
  }

  /**
   * CTO-07 / CTO-08: the responsible clinician's order after the AMHP agreed (the AMHP's agreement is not the order):
   * the CTO made (s.17A(1)) or revoked (s.17F(4)). It follows the agreement and is not in the future; a revocation falls
   * within the recall's 72 hours (CTO-03, s.17F(4)-(5)). The checks then count its period (s.20A(1); s.17G). Kept
   * after the fact, also once the assessment is closed; a correction keeps what it replaced in the audit.
   */
  async recordCtoOrder(actor: Actor, id: string, dto: CtoOrderDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    const orderMadeAt = new Date(this.notFuture(dto.orderMadeAt, 'orderMadeAt'));
    return this.change(actor, id, expectedVersion, 'assessment.cto-order', async (m, a) => {
      const cto = storedCto(a);
      if (!cto) throw new ConflictProblem('No CTO decision is recorded on this assessment.', 'no-cto-decision');
      const rule: RuleId = cto.about === 'revocation' ? 'CTO-03' : 'CTO-01';
      const zone = this.config.timeZone;
      if (cto.decision !== 'agree')
        throw new UnprocessableProblem(
          `The AMHP did not agree, so the responsible clinician cannot ${cto.about === 'revocation' ? 'revoke the CTO (s.17F(4))' : 'make the CTO (s.17A(4))'}: there is no order to record.`,
          'cto-not-agreed',
          { field: 'orderMadeAt', rule },
        );
      if (orderMadeAt.getTime() < cto.signedAt.getTime())
        throw new UnprocessableProblem(
          `orderMadeAt (${formatLocal(orderMadeAt, zone)}) cannot be before the AMHP's agreement (${formatLocal(cto.signedAt, zone)}): the order needs it first.`,
          'order-before-agreement',
          { field: 'orderMadeAt', rule },
        );
      if (cto.about === 'revocation') {
        const recall = recallOf(await this.referrals.forAssessment(m, a.referralId));
        if (recall && !recall.provisional && orderMadeAt.getTime() >= recall.endsAt.getTime())
          throw new UnprocessableProblem(
            `orderMadeAt (${formatLocal(orderMadeAt, zone)}) is after the recall's 72 hours ended (${formatLocal(recall.endsAt, zone)}): the CTO cannot be revoked on this recall (s.17F(4)-(5)).`,
            'revocation-after-recall-period',
            { field: 'orderMadeAt', rule: 'CTO-03' satisfies RuleId },
          );
      }
      const stored = (a.outcome as { cto: Record<string, unknown> }).cto;
      await m.query('UPDATE assessments SET outcome = $2 WHERE id = $1', [
        id,
        { ...a.outcome, cto: { ...stored, orderMadeAt: orderMadeAt.toISOString() } },
      ]);
      await this.audit.record(m, {
        action: 'assessment.cto-order.previous',
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: a.personId,
        details: { orderMadeAt: stored.orderMadeAt ?? null },
      });
      return { orderMadeAt: orderMadeAt.toISOString() };
    });
  }

  /**
   * APP-11 / COP-08: a s.4 that lapsed at the end of the 72 hours after admission without a second recommendation
   * received by the managers (s.4(4)) is recorded, with its lapse time and what happened to the patient then; the
   * use of s.4 is kept and monitored whatever followed. Recordable once the 72 hours have run, also after closing.
   */
  async recordS4Lapse(actor: Actor, id: string, dto: S4LapseDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    return this.change(actor, id, expectedVersion, 'assessment.s4-lapse', async (m, a) => {
      const outcome = (a.outcome ?? {}) as { application?: Record<string, unknown>; convertedFromS4?: unknown; s4Lapse?: unknown };
      const stored = a.outcomeKind === 'application' ? outcome.application : undefined;
      if (!stored || stored.section !== 's4')
        throw new ConflictProblem('Only a s.4 emergency application lapses under s.4(4).', 'not-s4', { rule: 'APP-11' satisfies RuleId });
      if (outcome.convertedFromS4 || a.section !== 's4')
        throw new ConflictProblem(
          'This s.4 became a s.2 (the second recommendation was received in time): it did not lapse.',
          's4-converted',
          {
            rule: 'APP-11' satisfies RuleId,
          },
        );
      if (outcome.s4Lapse) throw new ConflictProblem('The lapse of this s.4 is already recorded.', 's4-lapse-recorded');
      const referral = await this.referrals.forAssessment(m, a.referralId);
      const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
      if (!application.admittedAt)
        throw new UnprocessableProblem(
          'Record the admission (timeline event "admitted") first: the 72 hours run from it.',
          'not-admitted',
          { rule: 'APP-11' satisfies RuleId },
        );
      const zone = this.config.timeZone;
      const { facts } = await this.evaluate(m, a, application, { referral });
      // APP-14 (s.6(1)(b)): admitted after the s.4's 24 hours to convey, the patient was never detained under it, so
      // no 72 hours ran and nothing lapsed at their end (s4Conversion says the same).
      const window = conveyanceWindow(facts);
      if (window?.admittedTooLate)
        throw new UnprocessableProblem(
          `The patient was admitted at ${formatLocal(application.admittedAt, zone)}, after the s.4 authority to convey ended at ${formatLocal(window.endsAt, zone)}: they were never detained under the s.4, so it did not lapse 72 hours later.`,
          's4-admitted-after-conveyance-window',
          { rule: 'APP-14' satisfies RuleId },
        );
      const lapsedAt = hoursAfter(application.admittedAt, S4_DETENTION_HOURS);
      if (this.clock.now().getTime() < lapsedAt.getTime())
        throw new UnprocessableProblem(
          `The s.4 runs until ${formatLocal(lapsedAt, zone)} (72 hours after admission at ${formatLocal(application.admittedAt, zone)}): it has not lapsed.`,
          's4-not-lapsed',
          { rule: 'APP-11' satisfies RuleId, lapsesAt: lapsedAt.toISOString() },
        );
      if (s4Conversion(facts).valid)
        throw new UnprocessableProblem(
          'The second medical recommendation reached the hospital managers within the 72 hours: the s.4 did not lapse; convert it to a s.2.',
          's4-second-recommendation-received',
          { rule: 'APP-11' satisfies RuleId },
        );
      const s4Lapse = {
        lapsedAt: lapsedAt.toISOString(),
        after: dto.after,
        details: dto.details ?? null,
        recordedAt: this.clock.now().toISOString(),
        recordedBy: actor.userId,
      };
      await m.query('UPDATE assessments SET outcome = $2 WHERE id = $1', [id, { ...a.outcome, s4Lapse }]);
      return { lapsedAt: s4Lapse.lapsedAt, after: dto.after };
    });
  }

  /**
   * APP-22 (s.23, s.25, s.2(4), s.6(4)): how the detention (or guardianship) under the made application ended, as
   * judgeDetentionEnd allows it: a discharge (who, when; the nearest relative's s.25 notice and any barring), a s.2's
   * lapse at the end of its 28 days, or a s.2 ended by admission under a s.3. Recorded once, kept on the application
   * (`outcome.application.detentionEnded`) and on the timeline (`detention-ended`); from then the hub's own record no
   * longer shows the detention in force (APP-17's s2OnRecord), nor does a referral stating that s.2 (the same
   * admission: its clock stops), and the s.2 expiry shows the end. Kept after the fact, also once the assessment is
   * closed. The request, refusals and record are those of the referral's own detention-end (detention-end.ts).
   */
  async recordDetentionEnd(actor: Actor, id: string, dto: DetentionEndDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    const times = detentionEndTimes(dto, this.clock.now());
    return this.change(actor, id, expectedVersion, 'assessment.detention-end', async (m, a) => {
      const stored = storedApplication(a);
      if (!stored)
        throw new ConflictProblem('No application is recorded on this assessment: there is no detention to end.', 'no-application', {
          rule: 'APP-22' satisfies RuleId,
        });
      const zone = this.config.timeZone;
      refuseSecondEnd(detentionEndedOf(stored), zone);
      const referral = await this.referrals.forAssessment(m, a.referralId);
      const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
      const { facts } = await this.evaluate(m, a, application, { referral });
      // A s.4 that became a s.2 (APP-11: converted, or judged to convert) is a s.2 from the s.4 admission.
      const s4 = stored.section === 's4';
      const becameS2 = s4BecameS2(a, stored);
      const section: Section = becameS2 ? 's2' : stored.section;
      // Admitted after the authority to convey ended (APP-13/14), the patient was never detained under it.
      const admittedAt =
        section === 's7'
          ? (application.guardian?.acceptedByLssaAt ?? null)
          : conveyanceWindow(facts)?.admittedTooLate
            ? null
            : application.admittedAt;
      const s2 =
        section === 's2' && admittedAt
          ? s2End(admittedAt, facts.application!.displacementApplications, zone, this.config.s29AppealDays)
          : null;
      const judged = judgedDetentionEnd(
        { section, s4NotConverted: s4 && !becameS2, admittedAt, s2: s2 && { end: s2.end, open: endNotKnown(s2.extension) } },
        dto,
        times,
        { now: this.clock.now(), zone, recordedBy: actor.userId },
      );
      const detentionEnded = judged.record;
      await m.query('UPDATE assessments SET outcome = $2 WHERE id = $1', [
        id,
        { ...a.outcome, application: { ...stored, detentionEnded } },
      ]);
      await m.query(
        'INSERT INTO assessment_events (assessment_id, type, at, note, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, 'detention-ended', judged.at, judged.note, { kind: dto.kind, by: detentionEnded.by }, actor.userId, this.clock.now()],
      );
      // APP-17 / APP-22: a referral of the person stating this s.2 (the same admission) takes its end: its s.2 clock
      // stops, and the queue's order follows.
      await this.referrals.refreshNextDeadlinesOf(m, a.personId);
      return { kind: dto.kind, at: detentionEnded.at, ...(detentionEnded.by ? { by: detentionEnded.by } : {}) };
    });
  }

  /**
   * APP-16 (s.15): the hospital managers' rectification of the made application, as judgeRectification allows it: an
   * amendment of the application or of a recommendation it is founded on (s.15(1); naming the findings of the checks it
   * put right, which a form's amendment can cure: amendmentCures), or a recommendation found insufficient replaced by a
   * fresh one recorded on the assessment (s.15(2)-(3)). A replacement must leave the application, judged on the fresh
   * recommendation, clear of the s.12 and s.12A findings (MED-01..04, APP-07/08, COI), but for the time of its
   * signature and the interval between the examinations (s.15(3)(a)); from then the application is founded on it
   * (`foundedOn`; as made: `foundedOnAsMade`). Kept on the application (`rectifications`) and the timeline
   * (`rectified`); the checks show what it cured. Also once the assessment is closed.
   */
  async recordRectification(actor: Actor, id: string, dto: RectificationDto, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    const at = new Date(this.notFuture(dto.at, 'at'));
    return this.change(actor, id, expectedVersion, 'assessment.rectification', async (m, a) => {
      const stored = storedApplication(a);
      if (!stored)
        throw new ConflictProblem('No application is recorded on this assessment: there is nothing to rectify.', 'no-application', {
          rule: 'APP-16' satisfies RuleId,
        });
      const referral = await this.referrals.forAssessment(m, a.referralId);
      const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
      const { facts, check } = await this.evaluate(m, a, application, { referral });
      const window = conveyanceWindow(facts);
      const becameS2 = s4BecameS2(a, stored);
      const recs: Array<Pick<RecommendationRow, 'id' | 'section' | 'withdrawn_at' | 'signed_at'>> = await m.query(
        'SELECT id, section, withdrawn_at, signed_at FROM medical_recommendations WHERE assessment_id = $1',
        [id],
      );
      const named = (rid: string | undefined) => (rid === undefined ? undefined : (recs.find((r) => r.id === rid) ?? null));
      const recommendation = named(dto.recommendationId);
      const replacement = named(dto.replacementId);
      const judged = judgeRectification({
        kind: dto.kind,
        section: stored.section,
        admittedAt: window?.admittedTooLate ? null : application.admittedAt,
        at,
        managersConsent: dto.managersConsent,
        recommendation: recommendation && {
          section: recommendation.section,
          founds: !recommendation.withdrawn_at && foundsApplication(stored, recommendation, becameS2),
        },
        replacement: replacement && {
          section: replacement.section,
          founds: foundsApplication(stored, replacement, becameS2),
          withdrawn: !!replacement.withdrawn_at,
          signedAt: new Date(replacement.signed_at),
        },
        zone: this.config.timeZone,
      });
      if (!judged.ok) throw new UnprocessableProblem(judged.message, judged.code, { field: judged.field, rule: judged.rule });
      const cures = amendmentCures(dto.kind, check.findings, dto.cures);
      if (!cures.ok) throw new UnprocessableProblem(cures.message, cures.code, { field: cures.field, rule: cures.rule });
      const rectification = {
        kind: dto.kind,
        at: at.toISOString(),
        managersConsent: true,
        recommendationId: dto.recommendationId ?? null,
        replacementId: dto.replacementId ?? null,
        ...(dto.cures ? { cures: dto.cures } : {}),
        details: dto.details ?? null,
        recordedAt: this.clock.now().toISOString(),
        recordedBy: actor.userId,
      };
      const foundedOn = (stored.foundedOn ?? []) as string[];
      const rectified: Record<string, unknown> = {
        ...stored,
        rectifications: [...((stored.rectifications as unknown[] | undefined) ?? []), rectification],
        ...(dto.kind === 'recommendation-replaced'
          ? {
              foundedOnAsMade: stored.foundedOnAsMade ?? foundedOn,
              foundedOn: [...foundedOn.filter((x) => x !== dto.recommendationId), dto.replacementId!],
            }
          : {}),
      };
      await m.query('UPDATE assessments SET outcome = $2 WHERE id = $1', [id, { ...a.outcome, application: rectified }]);
      if (dto.kind === 'recommendation-replaced') {
        // s.15(3)(b): the fresh recommendation, with the other the application is founded on, must comply with the Act
        // and the s.12A regulations; judged as the record now stands, the change is refused (rolled back) otherwise.
        const after = await this.evaluate(m, { ...a, outcome: { ...a.outcome, application: rectified } }, application, { referral });
        const failing = after.check.findings.filter((f) => f.severity === 'blocker' && REPLACEMENT_RULES.test(f.rule));
        if (failing.length)
          throw new UnprocessableProblem(
            `The fresh recommendation cannot replace the one found insufficient: ${failing.map((f) => `${f.rule} ${f.message}`).join(' ')}`,
            'replacement-not-sufficient',
            { field: 'replacementId', rule: 'APP-16' satisfies RuleId, rules: [...new Set(failing.map((f) => f.rule))], findings: failing },
          );
        await this.keepApprovalsReliedOn(m, id, [dto.replacementId!]);
      }
      await m.query(
        'INSERT INTO assessment_events (assessment_id, type, at, note, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [
          id,
          'rectified',
          at,
          RECTIFICATION_TEXT[dto.kind],
          { kind: dto.kind, recommendationId: rectification.recommendationId, replacementId: rectification.replacementId },
          actor.userId,
          this.clock.now(),
        ],
      );
      return { kind: dto.kind, at: rectification.at };
    });
  }

  /** The distribution list as stored, each sentAt checked not to be in the future. */
  private distribution(list: UpdateAssessmentDto['distribution']): ReportRecipient[] | undefined {
    return list?.map((r, i) => ({
      recipient: r.recipient,
      role: r.role ?? null,
      method: r.method ?? null,
      sentAt: r.sentAt ? new Date(this.notFuture(r.sentAt, `distribution.${i}.sentAt`)).toISOString() : null,
    }));
  }

  /** The outcome report's own fields (COP-07): ward, who found the bed, conveyance arranged with, distribution list. */
  private async setReportDetails(
    m: EntityManager,
    id: string,
    dto: Pick<UpdateAssessmentDto, 'ward' | 'bedFoundBy' | 'conveyanceArrangedWith'>,
    distribution: ReportRecipient[] | undefined,
  ): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
    if (dto.ward !== undefined) set('ward', dto.ward);
    if (dto.bedFoundBy !== undefined) set('bed_found_by', dto.bedFoundBy);
    if (dto.conveyanceArrangedWith !== undefined) set('conveyance_arranged_with', dto.conveyanceArrangedWith);
    if (distribution !== undefined) set('distribution', JSON.stringify(distribution));
    if (sets.length) await m.query(`UPDATE assessments SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** APP-11: a s.4 becomes a s.2 when the second recommendation reached the managers within 72 h of admission. */
  async convertS4(actor: Actor, id: string, expectedVersion: ExpectedVersion): Promise<AssessmentViewDto> {
    return this.change(actor, id, expectedVersion, 'assessment.s4-conversion', async (m, a) => {
      if (a.outcomeKind !== 'application' || a.section !== 's4')
        throw new ConflictProblem('Only a s.4 application can be converted to a s.2.', 'not-s4');
      const stored = (a.outcome as { application: Record<string, unknown> }).application;
      const referral = await this.referrals.forAssessment(m, a.referralId);
      const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
      if (!application.admittedAt)
        throw new UnprocessableProblem(
          'Record the admission (timeline event "admitted") first: the 72 hours run from it.',
          'not-admitted',
          { rule: 'APP-11' satisfies RuleId },
        );
      const { facts } = await this.evaluate(m, a, application, { referral });
      const result = s4Conversion(facts);
      if (!result.valid)
        throw new UnprocessableProblem(
          result.findings
            .filter((f) => f.severity === 'blocker')
            .map((f) => f.message)
            .join(' ') || 'The s.4 cannot be converted.',
          's4-conversion-refused',
          { findings: result.findings },
        );
      const outcome = {
        ...a.outcome,
        convertedFromS4: { at: this.clock.now().toISOString(), s2Expiry: isoOrNull(result.s2Expiry), findings: result.findings },
      };
      await m.query(`UPDATE assessments SET section = 's2', legal_status_code = $2, outcome = $3 WHERE id = $1`, [
        id,
        legalStatusCode('s2'),
        outcome,
      ]);
      // The s.2 it became rests on its second recommendation too (MED-03 as the register gave it now).
      await this.keepApprovalsReliedOn(
        m,
        id,
        facts.recommendations.filter((r) => r.section === 's2').map((r) => r.id),
      );
      return { from: 's4' as const, to: 's2' as const, s2Expiry: isoOrNull(result.s2Expiry) };
    });
  }

  /**
   * Closes the assessment and, with it, the referral (NR-12: written reasons first when the nearest relative asked
   * and no application was made). A deferred decision closes this assessment but leaves the referral open for the next.
   */
  async close(actor: Actor, id: string, expectedVersion: ExpectedVersion, note?: string): Promise<AssessmentViewDto> {
    return this.change(actor, id, expectedVersion, 'assessment.close', async (m, a) => {
      if (a.status === 'closed') throw new ConflictProblem('This assessment is already closed.', 'assessment-closed');
      if (a.status !== 'decided') throw new ConflictProblem('Record the outcome before closing the assessment.', 'outcome-missing');
      await this.refuseWhileApplicationOwes(m, a);
      const referralClosed = closesReferral(a.outcomeKind, (a.outcome as { alternatives?: string[] }).alternatives);
      if (referralClosed)
        await this.referrals.moveForAssessment(m, actor, a.referralId, 'closed', {
          assessmentId: id,
          // NR-12 (s.13(4)): the nearest relative's own application is not one the AMHP made: reasons are still owed.
          applicationMade: amhpApplied(
            a.outcomeKind,
            (a.outcome as { application?: { applicant?: string } } | null)?.application?.applicant,
          ),
        });
      // The person as the closed record will show them from now on (PERSON_SHOWN), whatever their record says later.
      await m.query(`UPDATE assessments SET status = 'closed', closed_at = $2, ${KEEP_PERSON_AS_RECORDED} WHERE id = $1`, [
        id,
        this.clock.now(),
      ]);
      // The access its lead kept to finish it after its referral ended (referrals.service endedUnderAssessment) ends.
      await this.access.end(m, 'assessment-completion', id, this.clock.now());
      return { referralClosed, ...(note ? { note: true } : {}) };
    });
  }

  /**
   * A made application not yet acted on keeps its assessment open (owedBeforeClose): the admission or the managers'
   * receipt (APP-12), a s.4's conversion or lapse (APP-11), a guardianship's forwarding and acceptance (GDN-06, GDN-08)
   * are recorded by the lead AMHP on her open assessment, and a closed one is no longer hers to change; closing first
   * would leave the referral closed, the detention's period never started and its deadlines open. 422 naming each.
   */
  private async refuseWhileApplicationOwes(m: EntityManager, a: AssessmentRow): Promise<void> {
    if (a.outcomeKind !== 'application') return;
    const outcome = a.outcome as { application: Record<string, unknown>; convertedFromS4?: unknown; s4Lapse?: unknown };
    const referral = await this.referrals.forAssessment(m, a.referralId);
    const application = await this.completeApplication(m, a, referral, this.applicationFromStored(outcome.application));
    const { facts, check } = await this.evaluate(m, a, application, { referral });
    const owed = owedBeforeClose(
      {
        section: application.section,
        inPatient: application.inPatient ?? false,
        admittedAt: application.admittedAt,
        conveyanceEndsAt: conveyanceWindow(facts)?.endsAt ?? null,
        s4Ended: Boolean(outcome.convertedFromS4 || outcome.s4Lapse) || a.section !== 's4',
        forwardedToLssaAt: application.forwardedToLssaAt,
        forwardingEndsAt: check.deadlines.find((d) => d.id === 'forward-to-lssa')?.at ?? null,
        acceptedByLssaAt: application.guardian?.acceptedByLssaAt ?? null,
      },
      this.clock.now(),
    );
    if (owed.length)
      throw new UnprocessableProblem(
        `The application is not yet acted on, so the assessment stays open to record it: ${owed.map((o) => `${o.rule} ${o.message}`).join(' ')}`,
        'application-not-acted-on',
        { rules: [...new Set(owed.map((o) => o.rule))], owed },
      );
  }

  /**
   * Whose assessment this is (its person, and the referrer of its referral), for deciding who may see an event about
   * it; undefined when there is no assessment with that id (which need not be a uuid).
   */
  async whoseAssessment(m: EntityManager, id: string): Promise<{ personId: string; referrerUserId: string } | undefined> {
    const [row]: Array<{ personId: string; referralId: string }> = await m.query(
      `SELECT person_id::text AS "personId", referral_id::text AS "referralId" FROM assessments WHERE id::text = $1`,
      [id],
    );
    const referral = row && (await this.referrals.whoseReferral(m, row.referralId));
    return row && referral && { personId: row.personId, referrerUserId: referral.referrerUserId };
  }

  /** Whether an assessment of this person was open at `at` (OOH-07: the MHA is a complete code while it runs). */
  async openAt(m: EntityManager, personId: string, at: Date): Promise<boolean> {
    const [row] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = $1 AND a.opened_at <= $2 AND (a.closed_at IS NULL OR a.closed_at > $2)) AS open`,
      [personId, at],
    );
    return !!row?.open;
  }

  /** For the morning handover (in the caller's transaction): assessments not yet closed, with their deadlines. Ids and codes only. */
  async inProgress(m: EntityManager): Promise<
    Array<{
      id: string;
      referralId: string;
      personId: string;
      status: string;
      leadAmhpUserId: string;
      openedAt: string;
      outcomeKind: string | null;
      section: string | null;
      deadlines: Array<{ id: string; label: string; at: string }>;
    }>
  > {
    const rows: AssessmentRow[] = await m.query(`${SELECT} WHERE a.status <> 'closed' ORDER BY a.opened_at, a.seq`);
    const out = [];
    for (const a of rows) {
      const stored = a.outcomeKind === 'application' ? (a.outcome as { application: Record<string, unknown> }).application : null;
      const deadlines = stored
        ? (await this.recordedCheck(m, a, stored, await this.referrals.forAssessment(m, a.referralId))).deadlines
        : [];
      out.push({
        id: a.id,
        referralId: a.referralId,
        personId: a.personId,
        status: a.status,
        leadAmhpUserId: a.leadAmhpUserId,
        openedAt: isoOrNull(a.openedAt)!,
        outcomeKind: a.outcomeKind,
        section: a.section,
        deadlines: deadlines.map((d) => ({ id: d.id, label: d.label, at: d.at.toISOString() })),
      });
    }
    return out;
  }

  /** For the reapproval portfolio: the assessments an AMHP led or took part in, by outcome. */
  async practiceCounts(
    m: EntityManager,
    userId: string,
  ): Promise<{ total: number; applications: number; notDetained: number; ctoDecisions: number; lastOn: string | null }> {
    const [r] = await m.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE outcome_kind = 'application')::int AS applications,
              count(*) FILTER (WHERE outcome_kind = 'not-detained')::int AS "notDetained", count(*) FILTER (WHERE outcome_kind = 'cto-decision')::int AS "ctoDecisions",
              max(decided_at) AS "lastAt"
         FROM assessments WHERE status <> 'open' AND (lead_amhp_user_id = $1 OR $1 = ANY(other_amhp_user_ids))`,
      [userId],
    );
    return {
      total: r.total,
      applications: r.applications,
      notDetained: r.notDetained,
      ctoDecisions: r.ctoDecisions,
      lastOn: r.lastAt ? localDate(new Date(r.lastAt), this.config.timeZone) : null,
    };
  }

  /**
   * Everything the outcome report and the written-reasons letter need, read under person.read and audited; `build`
   * makes the document from it inside the same transaction, so that a document refused (no letter owed, NR-12) rolls
   * the audit of its read back with it: only what was read is recorded as read (R1).
   */
  async reportSource<T = ReportSource>(
    actor: Actor,
    id: string,
    document: 'report' | 'written-reasons-letter',
    format: string,
    build: (source: ReportSource) => T = (source) => source as T,
  ): Promise<T> {
    return this.db.transaction(async (m) => {
      const a = await this.loadForRead(m, id, actor);
      const basis = await this.requirePerson(actor, a.personId, 'assessment-record.read', m, { type: 'assessment', id }, a);
      await this.audit.record(m, {
        action: `assessment.${document}`,
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: a.personId,
        accessBasis: basis,
        details: { format },
      });
      const referral = await this.referrals.forAssessment(m, a.referralId);
      // A closed assessment's report and letter name the person as its record held them when it closed (PERSON_SHOWN).
      const person =
        a.status === 'closed' && a.personAsRecorded
          ? (a.personAsRecorded as unknown as ReportSource['person'])
          : await this.people.get(m, a.personId);
      const stored = a.outcomeKind === 'application' ? (a.outcome as { application: Record<string, unknown> }).application : null;
      const check = stored ? await this.recordedCheck(m, a, stored, referral) : null;
      // The nearest relative's position (objections, orders) as it stood when the application was made or the decision taken.
      const asAt = this.signedAtOf(a) ?? (a.decidedAt ? new Date(a.decidedAt) : this.clock.now());
      const relatives = await this.nearestRelativeStateOf(m, a, asAt, this.regimeOn(asAt).representative);
      const view = await this.view(m, a);
      const names = await this.users.displayNames(m, [
        a.leadAmhpUserId,
        ...a.otherAmhpUserIds,
        ...((a.outcome as { acknowledgements?: Array<{ by: string }> } | null)?.acknowledgements ?? []).map((k) => k.by),
      ]);
      const relationshipOf = (relativeId: string | null) => {
        const found =
          relatives.proposal.ranked.find((x) => x.relativeId === relativeId) ??
          relatives.proposal.excluded.find((x) => x.relativeId === relativeId);
        return found?.relationship ?? null;
      };
      return build({
        view,
        referral: referral as unknown as ReportSource['referral'],
        person,
        check,
        relatives,
        names,
        relationshipOf,
      });
    });
  }

  // ---------------------------------------------------------------------------------------------------------------

  /**
   * The nearest-relative position (s.26, objections, s.29 orders, the nominated person) at `at` for the assessment: once
   * it is closed, from its relatives as its record held them when it closed (relatives_as_recorded), so that a
   * relative's later change of name or address, or a relative recorded afterwards, does not rewrite the closed record,
   * its outcome report or letter; while it is open, from the person's relatives as they are.
   */
  private async nearestRelativeStateOf(
    m: EntityManager,
    a: AssessmentRow,
    at: Date,
    regime: 'nearest-relative' | 'nominated-person',
  ): Promise<NearestRelativeState> {
    if (a.status === 'closed' && a.relativesAsRecorded)
      return this.relatives.nearestRelativeStateAsRecorded(a.relativesAsRecorded, at, regime);
    return this.relatives.nearestRelativeState(m, a.personId, at, regime);
  }

  /** When the recorded application (or CTO statement) was signed, if one is recorded. */
  private signedAtOf(a: AssessmentRow): Date | null {
    const o = a.outcome as { application?: { signedAt?: string }; cto?: { signedAt?: string } } | null;
    const signed = o?.application?.signedAt ?? o?.cto?.signedAt;
    return signed ? new Date(signed) : null;
  }

  private regimeOn(at: Date): LegalRegime {
    return legalRegime(localDate(at, this.config.timeZone), this.config.regime);
  }

  /** Fills what an application's facts need from the record: the admission, the applicant's approval, a pending displacement. */
  private async completeApplication(
    m: EntityManager,
    a: AssessmentRow,
    referral: ReferralDto,
    draft: Partial<ApplicationFacts>,
  ): Promise<ApplicationFacts> {
    const signedAt = draft.signedAt ?? this.clock.now();
    const inPatient = draft.inPatient ?? alreadyInHospital(referral.legalContext.kind);
    const [admitted] = await m.query(
      `SELECT at FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted' ORDER BY at LIMIT 1`,
      [a.id],
    );
    // APP-21 (s.14): the social circumstances report given to the managers, once it is.
    const [s14] = await m.query(
      `SELECT at FROM assessment_events WHERE assessment_id = $1 AND type = 'social-circumstances-report' ORDER BY at LIMIT 1`,
      [a.id],
    );
    const eligibility = await this.eligibility.forUser(a.leadAmhpUserId, signedAt, new Date(signedAt.getTime() + 60_000), m);
    return {
      section: draft.section ?? 's2',
      applicant: draft.applicant ?? 'amhp',
      signedAt,
      ...(draft.notYetMade ? { notYetMade: true } : {}),
      hospitalSite: draft.hospitalSite ?? null,
      undesirableDelayStatement: draft.undesirableDelayStatement ?? false,
      applicantApprovedAtSigning: eligibility.eligible,
      practicalMatters: draft.practicalMatters ?? { dependants: null, pets: null, property: null },
      guardian: draft.guardian ?? null,
      forwardedToLssaAt: draft.forwardedToLssaAt ?? null,
      urgentNecessity: draft.urgentNecessity ?? null,
      ...(draft.believedSixteenOrOver ? { believedSixteenOrOver: true } : {}),
      // APP-12 (s.5(1)): a patient already in hospital is admitted when the managers receive the application.
      admittedAt: inPatient && draft.managersReceivedAt ? draft.managersReceivedAt : admitted ? new Date(admitted.at) : null,
      inPatient,
      managersReceivedAt: draft.managersReceivedAt ?? null,
      socialCircumstancesReportAt: s14 ? new Date(s14.at) : null,
      holdingPower: holdingPowerOf(referral),
      displacementApplications: [], // filled in evaluate() from the person-level state
      // APP-17 / NR-11: a patient referred while already detained under s.2; a s.3 is checked with that s.2's end.
      detainedUnderS2: detainedUnderS2Of(referral),
      // APP-22: the end of the detention recorded on the made application (POST detention-end).
      detentionEnded: draft.detentionEnded ?? null,
    };
  }

  /** The check of the application recorded, completed from the record as it stands now. */
  private async recordedCheck(
    m: EntityManager,
    a: AssessmentRow,
    stored: Record<string, unknown>,
    referral: ReferralDto,
  ): Promise<AssessmentCheck> {
    const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
    return (await this.evaluate(m, a, application, { referral })).check;
  }

  /** The after-the-fact times given (APP-12, GDN-06, GDN-08), never in the future; `acceptedField` names the acceptance. */
  private applicationRecord(
    dto: { managersReceivedAt?: string; forwardedToLssaAt?: string; acceptedByLssaAt?: string },
    acceptedField = 'acceptedByLssaAt',
  ): ApplicationRecord {
    return {
      managersReceivedAt: dto.managersReceivedAt ? new Date(this.notFuture(dto.managersReceivedAt, 'managersReceivedAt')) : null,
      forwardedToLssaAt: dto.forwardedToLssaAt ? new Date(this.notFuture(dto.forwardedToLssaAt, 'forwardedToLssaAt')) : null,
      acceptedByLssaAt: dto.acceptedByLssaAt ? new Date(this.notFuture(dto.acceptedByLssaAt, acceptedField)) : null,
    };
  }

  /**
   * 422 naming the field: the managers receive an application for admission (not s.7), the LSSA a s.7; neither before
   * signing. GDN-08 (s.8(1)): the LSSA accepts a s.7 that was forwarded to it, so an acceptance needs the forwarding
   * (given now or `recorded` before) and comes after it. `acceptedField` names the acceptance as the request gave it.
   */
  private checkApplicationRecord(
    section: Section,
    signedAt: Date,
    kept: ApplicationRecord,
    recorded: { forwardedToLssaAt: Date | null; acceptedByLssaAt: Date | null } | null = null,
    acceptedField = 'acceptedByLssaAt',
  ): void {
    if (kept.managersReceivedAt && section === 's7')
      throw new UnprocessableProblem(
        'A guardianship application is forwarded to the local social services authority, not received by hospital managers: give forwardedToLssaAt.',
        'managers-receipt-not-applicable',
        { field: 'managersReceivedAt', rule: 'APP-12' satisfies RuleId },
      );
    if (kept.forwardedToLssaAt && section !== 's7')
      throw new UnprocessableProblem(
        'Only a guardianship application (s.7) is forwarded to the local social services authority.',
        'forwarding-not-applicable',
        { field: 'forwardedToLssaAt', rule: 'GDN-06' satisfies RuleId },
      );
    if (kept.acceptedByLssaAt && section !== 's7')
      throw new UnprocessableProblem(
        'Only a guardianship application (s.7) is accepted by the local social services authority.',
        'acceptance-not-applicable',
        { field: acceptedField, rule: 'GDN-08' satisfies RuleId },
      );
    const zone = this.config.timeZone;
    for (const [field, at, rule] of [
      ['managersReceivedAt', kept.managersReceivedAt, 'APP-12'],
      ['forwardedToLssaAt', kept.forwardedToLssaAt, 'GDN-06'],
      [acceptedField, kept.acceptedByLssaAt, 'GDN-08'],
    ] as const)
      if (at && at.getTime() < signedAt.getTime())
        throw new UnprocessableProblem(
          `${field} (${formatLocal(at, zone)}) cannot be before the application was signed (${formatLocal(signedAt, zone)}).`,
          'before-application-signed',
          { field, rule: rule satisfies RuleId },
        );
    const forwarded = kept.forwardedToLssaAt ?? recorded?.forwardedToLssaAt ?? null;
    const accepted = kept.acceptedByLssaAt ?? recorded?.acceptedByLssaAt ?? null;
    if (kept.acceptedByLssaAt && !forwarded)
      throw new UnprocessableProblem(
        'The local social services authority accepts an application forwarded to it (s.8(1)-(2)): record when it was forwarded (forwardedToLssaAt) first, or with the acceptance.',
        'acceptance-before-forwarding',
        { field: acceptedField, rule: 'GDN-08' satisfies RuleId },
      );
    if (forwarded && accepted && accepted.getTime() < forwarded.getTime())
      throw new UnprocessableProblem(
        `The acceptance (${formatLocal(accepted, zone)}) cannot come before the application was forwarded to the local social services authority (${formatLocal(forwarded, zone)}).`,
        'acceptance-before-forwarding',
        { field: kept.acceptedByLssaAt ? acceptedField : 'forwardedToLssaAt', rule: 'GDN-08' satisfies RuleId },
      );
  }

  private applicationFromStored(s: Record<string, unknown>): Partial<ApplicationFacts> {
    const g = s.guardian as { type: 'lssa' | 'private'; name: string; willingnessStatement: boolean; acceptedByLssaAt?: string } | null;
    return {
      section: s.section as Section,
      // Recorded with the application (s.11(1)); one recorded before the applicant was kept was an AMHP's.
      applicant: s.applicant === 'nearest-relative' ? 'nearest-relative' : 'amhp',
      signedAt: new Date(s.signedAt as string),
      hospitalSite: (s.hospitalSite as string | null) ?? null,
      undesirableDelayStatement: !!s.undesirableDelayStatement,
      practicalMatters: s.practicalMatters as ApplicationFacts['practicalMatters'],
      guardian: g
        ? {
            type: g.type,
            name: g.name,
            willingnessStatement: g.willingnessStatement,
            acceptedByLssaAt: g.acceptedByLssaAt ? new Date(g.acceptedByLssaAt) : null,
          }
        : null,
      urgentNecessity: (s.urgentNecessity as string | null) ?? null,
      ...(s.believedSixteenOrOver === true ? { believedSixteenOrOver: true } : {}),
      // Kept with the application (APP-12, GDN-06); an application recorded before these were kept has none.
      ...(typeof s.inPatient === 'boolean' ? { inPatient: s.inPatient } : {}),
      managersReceivedAt: typeof s.managersReceivedAt === 'string' ? new Date(s.managersReceivedAt) : null,
      forwardedToLssaAt: typeof s.forwardedToLssaAt === 'string' ? new Date(s.forwardedToLssaAt) : null,
      detentionEnded: detentionEndedOf(s),
    };
  }

  /** Builds the facts from the record and runs the rules. */
  private async evaluate(
    m: EntityManager,
    a: AssessmentRow & Partial<ViewParts>,
    application: ApplicationFacts | null,
    extra: {
      referral: ReferralDto;
      report?: OverrideReport | null;
      asAt?: Date;
      /** NR-11: the displacement applications known at this instant count (default now; the checks' asAt when asked). */
      knownAt?: Date;
    },
    cto?: CtoInput,
  ): Promise<{ facts: AssessmentFacts; check: AssessmentCheck }> {
    const at = application?.signedAt ?? cto?.signedAt ?? this.clock.now();
    // The rules' "now": the application's (or CTO statement's) signing unless the caller asked about another instant.
    const asAt = extra.asAt ?? at;
    const knownAt = extra.knownAt ?? this.clock.now();
    const regime = this.regimeOn(at);
    const { referral } = extra;
    const state = await this.nearestRelativeStateOf(m, a, at, regime.representative);
    // The contacts and recommendations as the view reads them, in one statement (or read with the row).
    const { contacts, recs } = await this.partsOf(m, a);
    // A made application is judged on the recommendations it was founded on (judgedWithApplication), not on any added later.
    const made = application && !application.notYetMade ? storedApplication(a) : null;
    // APP-16 (s.15(3)): a replaced recommendation is judged with the application as made (to tell what its replacement
    // cured), the fresh one with it since; each is founded on only on its side (rectifiedFindings below).
    const rectifications = rectificationsOf(made);
    const replacedIds = new Set(
      rectifications.flatMap((r) => (r.kind === 'recommendation-replaced' && r.recommendationId ? [r.recommendationId] : [])),
    );
    const freshIds = new Set(
      rectifications.flatMap((r) => (r.kind === 'recommendation-replaced' && r.replacementId ? [r.replacementId] : [])),
    );
    const current = recs.filter(
      (x) => (replacedIds.has(x.id) || !x.withdrawn_at) && (!made || replacedIds.has(x.id) || judgedWithApplication(made, x)),
    );
    const approvals = await this.approvalsOnExamDates(current);
    // APP-07 / APP-11: who each doctor is (the register's GMC number, or the one given for an ad hoc doctor).
    const gmcNumbers = await this.doctors.gmcNumbers(
      m,
      current.flatMap((r) => (r.doctor_id ? [r.doctor_id] : [])),
    );
    const recommendations = [];
    for (const [i, r] of current.entries()) {
      const found = approvals[i];
      const approval = found
        ? { s12: found.s12 !== null, approvedClinician: found.approvedClinician !== null }
        : (r.stated_approval ?? { s12: false, approvedClinician: false });
      const d = r.details as Record<string, string | boolean | undefined>;
      recommendations.push({
        id: r.id,
        doctorId: r.doctor_id,
        gmcNumber: r.doctor_id ? (gmcNumbers.get(r.doctor_id) ?? null) : ((d.gmcNumber as string | undefined) ?? null),
        doctorName: r.doctor_name,
        s12ApprovedOnExamDate: approval.s12,
        approvedClinicianOnExamDate: approval.approvedClinician,
        approvalVerified: !!r.doctor_id,
        previousAcquaintance: r.previous_acquaintance,
        noAcquaintanceReason: r.no_acquaintance_reason,
        examinedAt: new Date(r.examined_at),
        examMode: r.exam_mode,
        signedAt: new Date(r.signed_at),
        section: r.section,
        jointGroup: r.joint_group,
        receivedByManagersAt: r.received_by_managers_at ? new Date(r.received_by_managers_at) : null,
        learningDisabilityOnly: !!d.learningDisabilityOnly,
        ldQualifyingConduct: !!d.ldQualifyingConduct,
        autismOrLdWithoutPsychiatricDisorder: !!d.autismOrLdWithoutPsychiatricDisorder,
        informalInappropriateReason: (d.informalInappropriateReason as string | undefined) ?? null,
        treatmentAvailableAt: (d.treatmentAvailableAt as string | undefined) ?? null,
        ...(freshIds.has(r.id) ? { freshUnderS15: true } : {}),
      });
    }
    const nr = a.nearestRelative;
    // MHA25-06: the report given now, else the one stored with the application; it overrides only with allowed grounds.
    const report =
      extra.report !== undefined
        ? extra.report
        : ((a.outcome as { application?: { dangerousnessReportDetails?: OverrideReport | null } } | null)?.application
            ?.dangerousnessReportDetails ?? null);
    const reportProblems = overrideReportProblems(report);
    const ctoApproved = cto
      ? !(await this.eligibility.forUser(a.leadAmhpUserId, cto.signedAt, new Date(cto.signedAt.getTime() + 60_000), m)).findings.some(
          (f) => f.severity === 'hard',
        )
      : false;
    const displacements = displacementsKnownAt(state.displacementApplications, knownAt, this.config.timeZone);
    const founded = recommendations.filter((r) => !replacedIds.has(r.id));
    const facts: AssessmentFacts = {
      regime,
      timeZone: this.config.timeZone,
      patientDateOfBirth: a.person.dateOfBirth ?? null,
      // GDN-01 (s.7(4)): as the guardianship application states it (where the date of birth is not known).
      believedSixteenOrOver: application?.believedSixteenOrOver === true,
      contacts: contacts.map((c) => ({
        at: new Date(c.at),
        mode: c.mode,
        byApplicant: c.byRole === 'amhp' && c.byUserId === a.leadAmhpUserId,
      })),
      interview: a.interview
        ? { suitableMannerNotes: a.interview.suitableMannerNotes ?? null, alternativesConsidered: a.interview.alternativesConsidered ?? [] }
        : null,
      recommendations: founded,
      nearestRelative: {
        identified: !!(nr?.relativeId || nr?.displacementId || nr?.nominatedPersonId),
        noneReason: nr?.noneReason ?? null,
        informedAt: nr?.informedAt ? new Date(nr.informedAt) : null,
        consultedAt: nr?.consultedAt ? new Date(nr.consultedAt) : null,
        exception: nr?.exception
          ? {
              kind: nr.exception.kind,
              facts: nr.exception.facts,
              // Kept when recorded; an exception recorded before it was kept is computed now as at its recording.
              detentionRemaining: nr.exception.detentionRemaining
                ? detentionRemainingOf(nr.exception.detentionRemaining)
                : detentionRemainingOn(
                    referral,
                    state.displacementApplications,
                    nr.asAt ? new Date(nr.asAt) : at,
                    this.config.timeZone,
                    this.config.s29AppealDays,
                  ),
            }
          : null,
        objectionInForce: state.objectionInForce,
        objectors: state.objections.filter((o) => o.counts).map((o) => `${o.by} (${STANDING_TEXT[o.standing as Standing] ?? o.standing})`),
        objectionsWithoutStanding: state.objections.filter((o) => !o.counts).map((o) => ({ by: o.by, explanation: o.explanation })),
        displaced: state.displaced,
        proposed: regime.representative === 'nearest-relative' ? (state.proposal.nearestRelative?.name ?? null) : null,
        identifiedDisplaced: state.displaced && !!nr?.relativeId && !nr?.displacementId,
        identifiedNoLongerNearest:
          regime.representative === 'nearest-relative' ? await this.nearestRelativeChanged(m, a, nr, state, at) : null,
        dangerousnessReport: reportProblems.length === 0,
        dangerousnessReportProblems: report ? reportProblems : [],
      },
      assessors: a.conflicts.map((c) => ({
        id: c.assessorId,
        role: c.role,
        name: c.name,
        teams: c.teams,
        directsOrEmploys: c.directsOrEmploys,
        declaration: c.declaration ? { ...c.declaration, declaredAt: new Date(c.declaration.declaredAt) } : null,
      })),
      patientTeams: a.patientTeams,
      nearestRelativeRequested: referral.nearestRelativeRequest,
      writtenReasonsSentAt: referral.writtenReasonsAt ? new Date(referral.writtenReasonsAt) : null,
      application: application
        ? {
            ...application,
            // NR-11 looks past the signing: an application made later in the s.2 extends it, one made before does not.
            // As known then: filed by that instant, and not yet decided if the court decided it after that day.
            displacementApplications: displacements,
            // APP-17 (s.2(4)): the s.2 the referral says the patient is on, else one the hub's own record shows in force.
            detainedUnderS2:
              application.section === 's7'
                ? (application.detainedUnderS2 ?? null)
                : await this.s2Detained(m, a, application.detainedUnderS2 ?? null, application.signedAt, displacements),
            ...(replacedIds.size ? { replacedUnderS15: recommendations.filter((r) => replacedIds.has(r.id)) } : {}),
          }
        : null,
      cto: cto ? { ...cto, amhpApprovedAtSigning: ctoApproved, referredAs: referral.legalContext.kind, recall: recallOf(referral) } : null,
    };
    const opts = {
      asAt,
      nrInformSlaHours: this.config.nrInformSlaHours,
      nrDelayWarningHours: this.config.nrDelayWarningHours,
      s14ReportDays: this.config.s14ReportDays,
      guardianshipForwardDays: this.config.guardianshipForwardDays,
      s29AppealDays: this.config.s29AppealDays,
    };
    const check = checkAssessment(facts, opts);
    if (!rectifications.length) return { facts, check };
    // APP-16 (s.15): judged as made (the replaced recommendations, not the fresh ones) and as rectified; what the
    // rectification cured is shown apart, not as blocking the detention's lawfulness.
    const asMade = freshIds.size
      ? checkAssessment({ ...facts, recommendations: recommendations.filter((r) => !freshIds.has(r.id)) }, opts).findings
      : check.findings;
    const judged = rectifiedFindings(asMade, check.findings, rectifications);
    return { facts, check: { ...check, findings: judged.findings, cured: judged.cured } };
  }

  /**
   * NR-03 / NR-01 with NR-04..08 (s.26, s.27, s.29): the nearest relative identified for the assessment as at one
   * instant (the record's asAt), when s.26 or the order in force makes someone else the nearest relative at `at` (the
   * application's signing): the identification is judged again then. One confirmed was the proposal when identified;
   * one identified instead with a reason changed only if the proposal did. NR-10 answers a displaced relative.
   */
  private async nearestRelativeChanged(
    m: EntityManager,
    a: AssessmentRow,
    nr: AssessmentRow['nearestRelative'],
    state: NearestRelativeState,
    at: Date,
  ): Promise<{ identified: string; identifiedAsAt: Date; proposed: string } | null> {
    const now = state.proposal.nearestRelative;
    if (!nr?.asAt || !nr.name || !(nr.relativeId || nr.displacementId) || !now) return null;
    if (state.displaced && nr.relativeId) return null;
    const identifiedAsAt = new Date(nr.asAt);
    if (identifiedAsAt.getTime() === at.getTime()) return null;
    const keyOf = (s: NearestRelativeState): string | null =>
      s.displaced ? `order:${s.displacement?.id}` : (s.proposal.nearestRelative?.relativeId ?? null);
    const then = nr.confirmed
      ? nr.displacementId
        ? `order:${nr.displacementId}`
        : nr.relativeId
      : keyOf(await this.nearestRelativeStateOf(m, a, identifiedAsAt, 'nearest-relative'));
    return then === keyOf(state) ? null : { identified: nr.name, identifiedAsAt, proposed: now.name };
  }

  /**
   * APP-17 (s.2(4)) with APP-22: the s.2 the patient is on when an application is signed at `at`: the one the referral
   * states (`stated`) while it is in force then (s2InForce, with any end recorded of it on the referral or on the hub's
   * assessment of the same admission); once it is not, one of another admission the hub's own record shows in force
   * (s2OnRecord); else the stated one, so that a s.3 is still made against its end.
   */
  private async s2Detained(
    m: EntityManager,
    a: AssessmentRow,
    stated: ApplicationFacts['detainedUnderS2'],
    at: Date,
    displacements: readonly DisplacementApplicationFacts[],
  ): Promise<ApplicationFacts['detainedUnderS2']> {
    if (stated && s2InForce(s2End(stated.admittedAt, displacements, this.config.timeZone, this.config.s29AppealDays), at, stated.ended))
      return stated;
    const onRecord = await this.s2OnRecord(m, a, at, displacements);
    return onRecord && !(stated && sameAdmission(onRecord.admittedAt, stated.admittedAt)) ? onRecord : (stated ?? onRecord);
  }

  /**
   * APP-17 (s.2(4)): the s.2 the hub's own record shows the person detained under at `at`, whatever the referral says:
   * of the applications made in the person's other assessments, the one admitted last by then (not after its authority
   * to convey ended, APP-13/14), when it is a s.2, or a s.4 that had become one (APP-11; the s.2 runs from the s.4
   * admission), and still in force then as s2End judges it with the displacement applications (NR-11). A later s.3
   * admission ended it (s.6(4)), and so did a discharge (s.23), lapse or s.3 recorded on it by then (APP-22, POST
   * detention-end): the rules refuse a further s.2 or a s.4 on one still in force (`from: 'record'`, naming its assessment).
   */
  private async s2OnRecord(
    m: EntityManager,
    a: AssessmentRow,
    at: Date,
    displacements: readonly DisplacementApplicationFacts[],
  ): Promise<ApplicationFacts['detainedUnderS2']> {
    const [last]: Array<{ id: string; section: Section; admitted_at: Date; s4_converts_at: Date | null; ended_at: Date | null }> =
      await m.query(
        `SELECT o.id, o.section, o.admitted_at, o.s4_converts_at, o.ended_at FROM (
         SELECT x.id::text, x.section, x.s4_converts_at, x.conveyance_ends_at,
                (x.outcome->'application'->'detentionEnded'->>'at')::timestamptz AS ended_at,
                CASE WHEN x.outcome->'application'->>'inPatient' = 'true' AND x.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                     THEN (x.outcome->'application'->>'managersReceivedAt')::timestamptz
                     ELSE (SELECT min(e.at) FROM assessment_events e WHERE e.assessment_id = x.id AND e.type = 'admitted') END AS admitted_at
           FROM assessments x
          WHERE x.person_id = $1 AND x.id <> $2 AND x.outcome_kind = 'application' AND x.section IN ('s2', 's3', 's4')) o
        WHERE o.admitted_at <= $3 AND (o.conveyance_ends_at IS NULL OR o.admitted_at < o.conveyance_ends_at)
        ORDER BY o.admitted_at DESC LIMIT 1`,
        [a.personId, a.id, at],
      );
    if (!last) return null;
    const s2 = last.section === 's2' || (last.section === 's4' && !!last.s4_converts_at && last.s4_converts_at.getTime() <= at.getTime());
    if (!s2) return null;
    const admittedAt = new Date(last.admitted_at);
    const judged = s2End(admittedAt, displacements, this.config.timeZone, this.config.s29AppealDays);
    // APP-22 (s.23, s.2(4), s.6(4)): a discharge, lapse or s.3 recorded on it by then ended it.
    const ended = last.ended_at ? { at: new Date(last.ended_at) } : null;
    return s2InForce(judged, at, ended) ? { admittedAt, from: 'record', assessmentId: last.id } : null;
  }

  /** 422 unless the workflow's gate lets the outcome through (assessment.rules.ts). */
  private refuseUnlessClear(findings: Finding[], acknowledged: Map<string, string>, evaluatedAt: Date): void {
    const gate = outcomeGate(findings, new Set(acknowledged.keys()));
    if (!gate.ok)
      throw new UnprocessableProblem(gate.message, gate.code, {
        rules: gate.rules,
        findings: gate.findings,
        evaluatedAt: evaluatedAt.toISOString(),
        evaluatedAtBasis: 'signedAt' satisfies EvaluationBasis,
      });
  }

  private checksView(check: AssessmentCheck, section: Section, evaluated: { at: Date; basis: EvaluationBasis }): ChecksDto {
    return {
      regime: check.regime as unknown as Record<string, unknown>,
      section,
      evaluatedAt: evaluated.at.toISOString(),
      evaluatedAtBasis: evaluated.basis,
      findings: check.findings as unknown as Array<Record<string, unknown>>,
      deadlines: check.deadlines.map((d) => ({ ...d, at: d.at.toISOString() })),
      cured: (check.cured ?? []).map((f) => ({ ...f, curedBy: { kind: f.curedBy.kind, at: f.curedBy.at.toISOString() } })),
      ready: !check.findings.some((f) => f.severity === 'blocker'),
    };
  }

  /**
   * Loads with a row lock (lockForChange), checks If-Match, runs the change, bumps the version, audits and emits.
   * `afterwards` runs once the change's judgements are kept and the referral's next deadline refreshed, in the same
   * transaction (a moved s.4 admission puts the referral's pages in line with its new ends: clocksCorrected).
   */
  private async change<A extends AssessmentChangeType>(
    actor: Actor,
    id: string,
    expectedVersion: ExpectedVersion,
    action: A,
    fn: (m: EntityManager, a: AssessmentRow) => Promise<AssessmentChange<A> | typeof UNCHANGED>,
    afterwards?: (m: EntityManager, a: AssessmentRow, basis: string) => Promise<void>,
  ): Promise<AssessmentViewDto> {
    return this.db.transaction(async (m) => {
      if (!(await this.lockForChange(m, id))) return this.unknown(id, actor);
      const a = await this.load(m, id, actor);
      // A closed record is no longer the AMHP's to change (only a manager corrects it): to her, who may still read it,
      // that is a 409 saying it is closed, not a refusal of access to her own case offering break-glass. To anyone
      // who may not read it, the refusal below, as before.
      if (a.status === 'closed') {
        const facts = accessFactsOf(actor, a);
        const decide = async (action: 'person.write' | 'assessment-record.read') =>
          facts
            ? this.access.decideFrom(actor, action, facts)
            : await this.access.decide(actor, action, a.personId, m, { type: 'assessment', id });
        if (!(await decide('person.write')).allowed && (await decide('assessment-record.read')).allowed) {
          // Kept as a refused attempt, as a refusal of access would be (written once this transaction has ended).
          await this.access.recordDenied(actor, 'person.write', { type: 'assessment', id }, 'The assessment is closed.', a.personId);
          throw new ConflictProblem(
            `This assessment was closed at ${isoOrNull(a.closedAt)}: a closed record is not changed.`,
            'assessment-closed',
            {
              closedAt: isoOrNull(a.closedAt),
            },
          );
        }
      }
      const basis = await this.requirePerson(actor, a.personId, 'person.write', m, { type: 'assessment', id }, a);
      assertVersion(expectedVersion, a.version);
      const details = await fn(m, a);
      if (details === UNCHANGED) {
        // Nothing changed: the record is answered as a read (and audited as one), its version kept.
        await this.audit.record(m, {
          action: 'assessment.read',
          resourceType: 'assessment',
          resourceId: id,
          subjectPersonId: a.personId,
          accessBasis: basis,
        });
        return this.view(m, a);
      }
      if (action === 'assessment.outcome' || a.outcomeKind === 'application') await this.keepJudgements(m, id);
      const [changed] = await this.db.preparedOn<AssessmentRow>(m, BUMP_VERSION, [id]);
      // A contact, an outcome or an admission may stop a referral clock (clockStop): the queue's deadline follows.
      await this.referrals.refreshNextDeadline(m, a.referralId);
      if (afterwards) await afterwards(m, a, basis);
      await this.audit.record(m, {
        action,
        resourceType: 'assessment',
        resourceId: id,
        subjectPersonId: a.personId,
        accessBasis: basis,
        details,
      });
      await this.events.emit(m, assessmentChangeEvent(action, { assessmentId: id, referralId: a.referralId }, details));
      return this.view(m, changed);
    });
  }

  /**
   * The lock order of a change to an assessment and its referral: the referral's row first, then the assessment's.
   * Every path that locks both takes them in this order: an assessment's change here (the referral is locked before
   * the assessment, though only some changes write it: its next deadline, its status, the s.4's pages), opening an
   * assessment (the referral it opens on, then the new row), and the s.4 admission corrected from the referral (POST
   * /referrals/{id}/time-corrections locks the referral, then changes the assessment here). So two such changes made
   * at once wait for each other, in turn, rather than each holding the row the other waits for (a deadlock, 40P01,
   * that Db.transaction would answer by running one again). The referral an assessment is of never changes, so it is
   * read before either lock. False when there is no such assessment.
   */
  private async lockForChange(m: EntityManager, id: string): Promise<boolean> {
    const [a] = await m.query<Array<{ referral_id: string }>>('SELECT referral_id FROM assessments WHERE id = $1', [id]);
    if (!a) return false;
    await this.referrals.lockForAssessment(m, a.referral_id);
    const locked = await m.query('SELECT version FROM assessments WHERE id = $1 FOR UPDATE', [id]);
    return locked.length > 0;
  }

  /**
   * APP-13 / APP-14 (s.6(1)): an admission (timeline event `eventId`, just written) of the patient an application was
   * made for, judged as the record now stands by conveyanceWindow's one judgement. One at or after the end of the
   * authority to convey is not an admission under the application: it is what happened, so it is recorded, but only
   * with the warning `admitted-after-conveyance-window` acknowledged with a reason (422 warnings-not-acknowledged
   * naming `at` otherwise, and nothing is kept); the acknowledgement is kept on the event. The checks and the report
   * then show the blocker, no period of detention runs from it, and the referral's clocks do not take it as an
   * admission under the application (conveyance_ends_at).
   */
  private async judgeAdmission(
    m: EntityManager,
    actor: Actor,
    a: AssessmentRow,
    eventId: string,
    acknowledgements: ReadonlyArray<{ code: string; reason: string }> | undefined,
  ): Promise<void> {
    if (a.outcomeKind !== 'application') return;
    const stored = (a.outcome as { application: Record<string, unknown> }).application;
    const referral = await this.referrals.forAssessment(m, a.referralId);
    const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
    const window = conveyanceWindow((await this.evaluate(m, a, application, { referral })).facts);
    const [first] = await m.query<Array<{ id: string }>>(
      `SELECT id::text FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted' ORDER BY at, id LIMIT 1`,
      [a.id],
    );
    // Only the admission the application's facts rest on (the first; for a patient already in hospital, none: the
    // managers' receipt is the admission, APP-12).
    if (!window?.admittedTooLate || application.inPatient || first?.id !== eventId) return;
    const code = 'admitted-after-conveyance-window';
    const zone = this.config.timeZone;
    const finding: Finding = {
      rule: window.rule,
      severity: 'warning',
      code,
      message: `The admission at ${formatLocal(application.admittedAt!, zone)} is after the authority to convey the patient under the ${window.rule === 'APP-14' ? 's.4 ' : ''}application ended at ${formatLocal(window.endsAt, zone)} (${window.rule === 'APP-14' ? '24 hours from the earlier of the examination and the application' : '14 days beginning with the last medical examination'}): the patient is not detained under it${window.rule === 'APP-14' ? ', it cannot become a s.2,' : ''} and a fresh assessment was needed. It is recorded as what happened only with this acknowledged, with a reason.`,
      citation: citationOf(window.rule),
    };
    const ack = acknowledgements?.find((k) => k.code === code);
    if (!ack)
      throw new UnprocessableProblem(
        `Acknowledge each warning with a reason (acknowledgements: [{ code, reason }]): ${code}: ${finding.message}`,
        'warnings-not-acknowledged',
        {
          field: 'at',
          rules: [window.rule],
          findings: [finding],
        },
      );
    await m.query(
      `UPDATE assessment_events SET data = coalesce(data, '{}'::jsonb) || jsonb_build_object('acknowledgements', $2::jsonb) WHERE id = $1`,
      [eventId, JSON.stringify([{ code, reason: ack.reason, by: actor.userId, at: this.clock.now().toISOString(), finding }])],
    );
  }

  /**
   * APP-11 (s.4(4)): whether and when the s.4 of assessment `id` became a s.2, judged by s4Conversion (the judgement
   * the conversion step refuses on) from the record as this change left it, and kept for the referral's s.4 clock
   * (referralStopFactsSql); with it, APP-13 / APP-14 (s.6(1)): when the authority to convey under its application
   * ended (conveyanceWindow), which the referral's clocks judge its admission by. Judged again whenever the assessment
   * changes; null for anything that is not a s.4 that converts (or not an application). An s.12 approval corrected on
   * the doctors' register later counts from the assessment's next change, until the s.4 has become a s.2: then its
   * recommendations keep the approval they rested on (keepApprovalsReliedOn).
   */
  private async keepJudgements(m: EntityManager, id: string): Promise<void> {
    const a = await this.load(m, id);
    let convertsAt: Date | null = null;
    let conveyanceEndsAt: Date | null = null;
    if (a.outcomeKind === 'application') {
      const stored = (a.outcome as { application: Record<string, unknown> }).application;
      const referral = await this.referrals.forAssessment(m, a.referralId);
      const application = await this.completeApplication(m, a, referral, this.applicationFromStored(stored));
      const { facts } = await this.evaluate(m, a, application, { referral });
      conveyanceEndsAt = conveyanceWindow(facts)?.endsAt ?? null;
      if (isS4Application(a) && application.admittedAt) {
        convertsAt = s4Conversion(facts).convertsAt;
        // Become a s.2 (s.4(4)): its second recommendations keep the approval it became one on (MED-03), as at conversion.
        if (convertsAt)
          await this.keepApprovalsReliedOn(
            m,
            id,
            facts.recommendations.filter((r) => r.section === 's2').map((r) => r.id),
          );
      }
    }
    await m.query(
      `UPDATE assessments SET s4_converts_at = $2, conveyance_ends_at = $3
        WHERE id = $1 AND (s4_converts_at IS DISTINCT FROM $2 OR conveyance_ends_at IS DISTINCT FROM $3)`,
      [id, convertsAt, conveyanceEndsAt],
    );
  }

  /**
   * Open, or closed with a made application still in its period for rectification (APP-16, s.15(2)-(3): 14 days
   * beginning with the day of admission): a fresh recommendation, and its doctor's conflict declarations (COI), may
   * then still be recorded for the managers' rectification (by a manager: a closed record is no longer the AMHP's).
   */
  private async requireOpenOrRectifying(m: EntityManager, a: AssessmentRow): Promise<void> {
    if (a.status !== 'closed') return;
    const stored = storedApplication(a);
    if (stored && stored.section !== 's7') {
      const [admitted] = await m.query<Array<{ at: Date }>>(
        `SELECT at FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted' ORDER BY at LIMIT 1`,
        [a.id],
      );
      const admittedAt =
        stored.inPatient === true && typeof stored.managersReceivedAt === 'string'
          ? new Date(stored.managersReceivedAt)
          : admitted
            ? new Date(admitted.at)
            : null;
      // Not an admission under the application when after its authority to convey ended (APP-13/14).
      const underIt = admittedAt && !(a.conveyanceEndsAt && admittedAt.getTime() >= new Date(a.conveyanceEndsAt).getTime());
      if (underIt && rectificationPeriod(admittedAt, this.clock.now(), this.config.timeZone).open) return;
    }
    this.requireNotClosed(a);
  }

  private requireNotClosed(a: AssessmentRow): void {
    if (a.status === 'closed') throw new ConflictProblem('This assessment is closed.', 'assessment-closed');
  }

  /**
   * A time recorded for the assessment (an examination, a contact, the nearest relative told or consulted): not in the
   * future, nor more than RECORDED_LEAD_DAYS before it is recorded (a mistyped year: 1000 was kept); 422 naming it.
   */
  private notFuture(value: string, field: string): number {
    return recordedInstant(value, field, this.clock.now(), RECORDED_LEAD_DAYS).getTime();
  }

  private requirePerson(
    actor: Actor,
    personId: string,
    action: 'person.read' | 'person.write' | 'assessment-record.read',
    m: EntityManager,
    resource: { type: string; id: string },
    row?: ReadWithAccess,
  ): Promise<string> {
    // The access facts came with the row when it was read for this actor (load(m, id, actor)).
    const facts = accessFactsOf(actor, row);
    return this.access.requirePerson(actor, action, personId, m, resource, facts);
  }

  /**
   * The assessment's row; read for `actor`, it carries what their access to its person is decided on, so that the
   * decision (requirePerson) takes no statement of its own.
   */
  private async load(m: EntityManager, id: string, actor?: Actor): Promise<AssessmentRow & ReadWithAccess> {
    const [row]: Array<AssessmentRow & ReadWithAccess> = actor
      ? await this.db.preparedOn(m, SELECT_WITH_ACCESS, [id, actor.userId, this.clock.now()])
      : await m.query(`${SELECT} WHERE a.id = $1`, [id]);
    if (!row) return this.unknown(id, actor);
    return row;
  }

  /**
   * An assessment id the hub does not hold: 404 to a caller who reads every person's (a manager), else refused as
   * the assessment of someone they have no relationship to is (AccessService.refuseUnknown), so that it says nothing.
   */
  private unknown(id: string, actor: Actor | undefined): Promise<never> {
    const notFound = new NotFoundProblem('Assessment', id);
    if (!actor) throw notFound;
    return this.access.refuseUnknown(actor, 'assessment-record.read', { type: 'assessment', id }, notFound);
  }

  /** For a read that changes nothing: the row as `load` reads it for `actor`, with its view's parts (view, evaluate). */
  private async loadForRead(m: EntityManager, id: string, actor: Actor): Promise<AssessmentRow & ReadWithAccess & ViewParts> {
    const [row]: Array<AssessmentRow & ReadWithAccess & ViewParts> = await this.db.preparedOn(m, READ_WITH_ACCESS, [
      id,
      actor.userId,
      this.clock.now(),
    ]);
    if (!row) return this.unknown(id, actor);
    return row;
  }

  /** The parts of the assessment's view: those read with its row for a read (loadForRead), else read now. */
  private async partsOf(m: EntityManager, a: AssessmentRow & Partial<ViewParts>): Promise<ViewParts> {
    if (a.contacts && a.timeline && a.recs) return { contacts: a.contacts, timeline: a.timeline, recs: a.recs };
    return (await this.db.preparedOn<ViewParts>(m, VIEW_PARTS, [a.id]))[0];
  }

  /**
   * MED-03's fact for each recommendation: the register's periods covering its examination date as kept when the
   * application founded on it was made (approval_relied_on), else as the register says now; null for a doctor entered
   * ad hoc (see statedApproval). One statement for all of those read from the register.
   */
  private async approvalsOnExamDates(
    recs: Array<Pick<RecommendationRow, 'doctor_id' | 'approval_relied_on'> & { examined_at: Date | string }>,
  ): Promise<Array<RegisterApprovalOn | null>> {
    const live = recs.filter((r) => r.doctor_id && !r.approval_relied_on);
    const found = await this.doctors.approvalsOn(
      live.map((r) => ({ doctorId: r.doctor_id!, date: localDate(new Date(r.examined_at), this.config.timeZone) })),
    );
    return recs.map((r) => (r.doctor_id ? (r.approval_relied_on ?? found[live.indexOf(r)]) : null));
  }

  /**
   * MED-03 (s.12(2), (2A)): keeps with each of these recommendations from the register the approval it is relied on
   * with now (a made application, or the s.2 a s.4 became), unless one is kept already. A later change to the register
   * (an approval removed as entered in error) then does not rewrite the application made on it.
   */
  private async keepApprovalsReliedOn(m: EntityManager, assessmentId: string, recommendationIds: readonly string[]): Promise<void> {
    if (!recommendationIds.length) return;
    const recs: Array<Pick<RecommendationRow, 'id' | 'doctor_id' | 'examined_at' | 'approval_relied_on'>> = await m.query(
      `SELECT id, doctor_id, examined_at, approval_relied_on FROM medical_recommendations
        WHERE assessment_id = $1 AND id = ANY($2::uuid[]) AND doctor_id IS NOT NULL AND approval_relied_on IS NULL ORDER BY id`,
      [assessmentId, recommendationIds],
    );
    if (!recs.length) return;
    const found = await this.approvalsOnExamDates(recs);
    const asAt = this.clock.now().toISOString();
    await m.query(
      `UPDATE medical_recommendations r SET approval_relied_on = x.kept
         FROM unnest($1::uuid[], $2::jsonb[]) AS x(id, kept) WHERE r.id = x.id`,
      [recs.map((r) => r.id), recs.map((r, i) => JSON.stringify({ asAt, ...found[i] }))],
    );
  }

  private async view(m: EntityManager, a: AssessmentRow & Partial<ViewParts>): Promise<AssessmentViewDto> {
    // Its contacts, timeline and recommendations in one statement (or read with the row, loadForRead): the view
    // answers every read and change of an assessment, and each statement is a round trip (isoOrNull reads the instants).
    const { contacts, timeline, recs } = await this.partsOf(m, a);
    const approvals = await this.approvalsOnExamDates(recs);
    const asBooleans = (found: RegisterApprovalOn | null) =>
      found && { s12: found.s12 !== null, approvedClinician: found.approvedClinician !== null };
    return {
      id: a.id,
      referralId: a.referralId,
      status: a.status,
      person: a.person,
      leadAmhpUserId: a.leadAmhpUserId,
      otherAmhpUserIds: a.otherAmhpUserIds,
      location: a.location,
      involvement: a.involvement,
      interview: a.interview,
      nearestRelative: a.nearestRelative,
      conflicts: a.conflicts,
      patientTeams: a.patientTeams,
      contacts: contacts.map((c) => ({ ...c, at: isoOrNull(c.at) })),
      timeline: timeline.map((e) => ({ ...e, at: isoOrNull(e.at), recordedAt: isoOrNull(e.recordedAt) })),
      recommendations: recs.map((r, i) => ({
        id: r.id,
        doctorId: r.doctor_id,
        // MED-03's fact, from the register on the examination date (null for a doctor entered ad hoc: see statedApproval),
        // as kept when the application founded on it was made (approvalReliedOn: the periods, and when), else as now.
        approvalOnExamDate: asBooleans(approvals[i]),
        approvalReliedOn: r.approval_relied_on,
        doctorName: r.doctor_name,
        statedApproval: r.stated_approval,
        previousAcquaintance: r.previous_acquaintance,
        noAcquaintanceReason: r.no_acquaintance_reason,
        examinedAt: isoOrNull(r.examined_at),
        examMode: r.exam_mode,
        signedAt: isoOrNull(r.signed_at),
        section: r.section,
        jointGroup: r.joint_group,
        receivedByManagersAt: isoOrNull(r.received_by_managers_at),
        details: r.details,
        withdrawnAt: isoOrNull(r.withdrawn_at),
      })),
      outcomeKind: a.outcomeKind,
      section: a.section,
      legalStatusCode: a.legalStatusCode,
      outcome: a.outcome,
      decidedAt: isoOrNull(a.decidedAt),
      ward: a.ward,
      bedFoundBy: a.bedFoundBy,
      conveyanceArrangedWith: a.conveyanceArrangedWith,
      distribution: a.distribution as unknown as Array<Record<string, unknown>>,
      openedAt: isoOrNull(a.openedAt)!,
      closedAt: isoOrNull(a.closedAt),
      version: a.version,
    };
  }
}

function sameDeclaration(
  prev: { financial: boolean; business: boolean; personal: boolean; declaredAt: string } | null | undefined,
  next: { financial: boolean; business: boolean; personal: boolean },
): string | null {
  return prev && prev.financial === next.financial && prev.business === next.business && prev.personal === next.personal
    ? prev.declaredAt
    : null;
}
