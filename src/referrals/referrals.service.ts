import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService, accessFactsOf, accessFactsSql, type ReadWithAccess } from '../access/access.service';
import { can, refersOwnReferrals, seesReferralStatusOnly } from '../access/policy';
import { BreakGlassService } from '../access/break-glass.service';
import {
  leadsOfOpenAssessmentsSql,
  openAssessmentLedBySql,
  recordedDetentionEndsSql,
  referralStopFactsSql,
  unfinishedAssessmentsOfSql,
} from '../assessments/assessments.tables';
import { detentionEndTimes, judgedDetentionEnd, refuseSecondEnd, type StoredDetentionEnd } from '../assessments/detention-end';
import type { DetentionEndDto } from '../assessments/dto/assessment.dto';
import { statedS2Ended, type RecordedS2End } from '../statute/after-admission.rules';
import { holdersOfLiveRelationshipsSql, liveRelationshipSql } from '../access/access.tables';
import { practitionerUserIdSql } from '../workforce/workforce.tables';
import { ClockAlerts } from '../alerts/clock-alerts.service';
import { NotificationsService } from '../alerts/notifications.service';
import { AuditService } from '../audit/audit.service';
import { AccountWithdrawals } from '../auth/account-withdrawals';
import { UsersService } from '../auth/users.service';
import type { Actor } from '../auth/actor';
import { Clock as SystemClock, isoOrNull, RECORDED_SKEW_MS, recordedInstant } from '../common/clock';
import { isInstant, minutesOfHours } from '../common/validators';
import { assertVersion, etagFor, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination';
import {
  ConflictProblem,
  NotFoundProblem,
  refuseFieldErrors,
  UnprocessableProblem,
  ValidationProblem,
  unprocessableField,
} from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { pgCode } from '../database/pg-errors';
import { referralMoveType } from '../events/catalogue';
import { EventsService } from '../events/events.service';
import { LAST_STEP } from '../alerts/escalation.rules';
import { PagesService } from '../pages/pages.service';
import { DateOfBirthChanges } from '../people/date-of-birth-changes';
import { DisplacementChanges } from '../people/displacement-changes';
import { matchedPersonIds, PeopleService, personSummaryOf, personSummarySql } from '../people/people.service';
import { personMatchPendingSql, s29ApplicationsSql } from '../people/people.tables';
import type { PersonDto, PersonMatchDto } from '../people/dto/person.dto';
import { DoctorsService } from '../doctors/doctors.service';
import { DutyService } from '../rota/duty.service';
import { OffDuty } from '../rota/off-duty';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { shiftEndSql } from '../rota/rota.tables';
import {
  Clock,
  clocksFor,
  type DisplacementApplicationFacts,
  LEGAL_CONTEXT_INSTANTS,
  legalContextFieldErrors,
  clockState,
  clockStop,
  continuesDetention,
  applyExtensions,
  type PlaceOfSafetyContinuation,
  type OutcomeFact,
  type StopFacts,
  DEFAULT_CLOCK_POLICY,
  DEFAULT_RESPONSE_TARGETS,
  DEFAULT_WARNINGS,
  Finding,
  arrivalRecordable,
  formatLocal,
  timeCorrectable,
  S4_ADMISSION_TIME,
  intakeFindings,
  LegalContext,
  RECORDED_INTAKE_BLOCKERS,
  refusesIntake,
  standingIntakeFindings,
  outcomeClocks,
  s2End,
  endNotKnown,
  type S2Ended,
  S136BExtension,
  type PlaceOfSafetyTransfer,
  validateExtension,
  validateTransfer,
  withAgeAtArrival,
  withAgeOnRecord,
  withRecordedAgeBasis,
  policeStationFindings,
  raisedAnew,
} from '../statute/clocks';
import { memoised } from '../statute/memo';
import { citationOf, type RuleId } from '../statute/rule-catalogue';
import {
  attendanceCodes,
  type AttendanceCodes,
  currentPlaceOfSafetyConsentFindings,
  type PlaceOfSafetyConsent,
  placeOfSafetyConsentErrors,
  placeOfSafetyConsentFindings,
  POLICE_RECORD_FIELD,
  POLICE_RECORD_RULE,
  type PoliceConsultation,
  policeRecordErrors,
  policeRecordFindings,
  policePowerOf,
  type PoliceRecordField,
  type WarrantAttendance,
} from '../statute/police-powers.rules';
import { EligibilityService } from '../workforce/eligibility.service';
import { EligibilityWithdrawals, noWithdrawnWork, type WithdrawnWork } from '../workforce/eligibility-withdrawals';
import {
  AllocateDto,
  CreateReferralDto,
  ClockSummaryDto,
  ArrivalDto,
  ExtensionDto,
  ExtensionViewDto,
  MyOfferDto,
  OfferViewDto,
  PoliceRecordDto,
  ReferralDto,
  ReferralEventDto,
  ReferralProgressDto,
  ReferralQuery,
  ReferralStatusDto,
  StatedS2EndViewDto,
  TimeCorrectionDto,
  TransferDto,
  TransitionDto,
  WrittenReasonsDto,
} from './dto/referral.dto';
import { ReferralEntity, type OfferWithdrawnReason } from './referral.entities';
import {
  type AllocationRecord,
  isOpen,
  overrideStands,
  reasonsOwedFrom,
  type ReasonsOwedFrom,
  transition,
  type TransitionDecision,
  TRANSITIONS,
  writtenReasonsTooEarly,
} from './referral.workflow';
import { openStatusSql, personHasOpenReferralSql } from './referrals.tables';
import { S4AdmissionCorrections } from './s4-admission-corrections';
import { hardFindings } from '../workforce/workforce.rules';

/**
 * Where a referral's access relationships come from: the referrer's, the allocated AMHP's, offers to duty AMHPs, and
 * AMHPs paged about its clocks by the escalation chain (DUTY-03).
 */
const RELATIONSHIP_SOURCES = ['referral', 'referral-allocation', 'referral-offer', 'referral-escalation'] as const;

/** What happened to a referral that ended while an AMHP held it, in the words she is told (endedUnderAssessment). */
const ENDED_WORDS: Readonly<Record<string, string>> = {
  withdrawn: 'withdrawn by the hub',
  closed: 'closed by the hub',
  transferred: 'transferred to another local authority',
};

/** A referral answered in full (to a caller who may read its person, e.g. a manager): the seeds' own intake. */
export function fullView(r: ReferralDto | ReferralStatusDto): ReferralDto {
  if (!('person' in r)) throw new Error(`referral ${r.id} was answered with its status view, not in full`);
  return r;
}

/** The page chain of a referral's offers (DUTY-03): step 0 the offers, steps 1-3 its escalation. */
export const offerChainKey = (referralId: string): string => `offer:${referralId}`;

/** The key of the notification offering a referral to one AMHP (one per offer), closed when the offer is withdrawn. */
const offerNotificationKey = (offerId: string): string => `offer:${offerId}`;

/**
 * The clocks of a referral its warnings are about (ClockAlerts): a stopped clock is never warned about; one that
 * stopped after its deadline still reports the breach.
 */
function warnedClocks(v: ReferralDto): Array<{ id: string; label: string; deadline: string; state: string }> {
  return v.clocks
    .filter((c) => c.state !== 'stopped' || c.result === 'breached')
    .map((c) => ({ id: c.id, label: c.label, deadline: c.deadline, state: c.state }));
}

/**
 * The page chain to the managers to reallocate a referral whose AMHP (`userId`) may no longer act as one (MHA 1983
 * s.114): one per referral and AMHP, so that a second change about her (an approval ended after a suspension) pages no
 * one twice.
 */
export const reallocationChainKey = (referralId: string, userId: string): string => `reallocate:${referralId}:${userId}`;

/** The page chain raised at intake for an unlawful detention that is happening (POL-09: a child at a police station). */
export const unlawfulDetentionChainKey = (referralId: string): string => `unlawful-detention:${referralId}`;

/** Instants in the legal context travel as ISO strings in JSON; the clocks take Dates. */
export function toLegalContext(raw: Record<string, unknown>): LegalContext {
  const instants: readonly string[] = LEGAL_CONTEXT_INSTANTS;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = instants.includes(k) && typeof v === 'string' ? new Date(v) : v;
  // s.136(3), s.135(3A): the moves recorded, and the detention an earlier referral began, carry instants of their own.
  if (Array.isArray(raw.transfers))
    out.transfers = (raw.transfers as Array<Record<string, unknown>>).map((t) => ({ ...t, at: new Date(t.at as string) }));
  const continues = raw.continues as Record<string, unknown> | undefined;
  if (continues) out.continues = { ...continues, startedAt: new Date(continues.startedAt as string) };
  // POL-06 (s.136(1C)): when the constable consulted.
  const consultation = raw.policeConsultation as Record<string, unknown> | undefined;
  if (consultation && typeof consultation.at === 'string') out.policeConsultation = { ...consultation, at: new Date(consultation.at) };
  return out as unknown as LegalContext;
}

/**
 * POL-06, POL-02: what the police's record of how they used the power says, as codes for the timeline's 'received'
 * event and the audit trail (no names): whether and whom they consulted before a s.136, and who attended a warrant's
 * execution (the hub's AMHP, one from elsewhere, a doctor on the register or named). Empty when neither was sent.
 */
function policeRecordSummary(
  consultation: { consulted: string; profession?: string } | undefined,
  attendance: WarrantAttendance | undefined,
): Record<string, unknown> {
  return {
    ...(consultation
      ? {
          policeConsultation: {
            consulted: consultation.consulted,
            ...(consultation.profession ? { profession: consultation.profession } : {}),
          },
        }
      : {}),
    ...(attendance ? { executionAttendance: attendanceCodes(attendance) } : {}),
  };
}

/**
 * POL-10 (s.135(7)): the agreements to a private dwelling or another suitable place as given (yes, no, unknown; no
 * names), for the referral's record of a move, its timeline and the audit trail. Empty when none were given.
 */
function consentSummary(consent: PlaceOfSafetyConsent | undefined): { placeOfSafetyConsent?: PlaceOfSafetyConsent } {
  if (!consent) return {};
  const kept = Object.fromEntries(Object.entries(consent).filter(([, v]) => v !== undefined)) as PlaceOfSafetyConsent;
  return { placeOfSafetyConsent: kept };
}

/**
 * The version of the referral a status view (a referrer's answer) shows, for its ETag: the view itself carries no
 * version field (its shape is the referrer's), yet the referrer who made a referral may add the police's answer to it
 * with If-Match (recordPoliceAnswer).
 */
const STATUS_VERSIONS = new WeakMap<ReferralStatusDto, number>();

/** The version an answer of this service stands for (the ETag's), whichever view it is; undefined when not known. */
export function answerVersion(r: ReferralDto | ReferralStatusDto): number | undefined {
  return 'version' in r ? r.version : STATUS_VERSIONS.get(r);
}

/** A record with its keys in order, so that two equal records compare equal as JSON (a record read back from jsonb). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** An intake finding; one about an open referral of the same person names it and links to it. */
type IntakeFinding = Finding & { referralId?: string; href?: string };

interface PersonSummary {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  nhsNumber: string | null;
}

/** A recorded s.136B extension as the row query returns it (instants as JSON text). */
type ExtensionRow = Omit<S136BExtension, 'authorisedAt' | 'superintendentApprovedAt' | 'authorisingDoctor' | 'hours'> & {
  authorisedAt: string;
  /** Its length in whole minutes (POL-08: at most 720). */
  minutes: number;
  authorisedBy: string;
  superintendentApprovedAt: string | null;
  authorisingDoctor: { doctorId: string | null; name: string; gmcNumber: string } | null;
};

type Row = ReferralEntity &
  ReadWithAccess & {
    person: PersonSummary;
    firstOfferedAt: string | null;
    extensions: ExtensionRow[];
    intakeFindings: Finding[];
    /**
     * Each rule's findings as last judged again after intake, if ever: POL-09 (a date of birth changed, a move), POL-06
     * and POL-02 (the police's answer recorded later).
     */
    rejudgedFindings: Array<{ rule: RuleId; findings: Finding[] }> | null;
    /** NR-11: the person's s.29 applications on ground (c) or (d), read for a patient already on a s.2 (else none). */
    s29Applications: Array<{
      filedAt: string;
      status: DisplacementApplicationFacts['status'];
      disposedOn: string | null;
      appeal?: DisplacementApplicationFacts['appeal'];
    }>;
    /** APP-22: the person's applications whose end is recorded on them, read for a patient already on a s.2 (else none). */
    recordedS2Ends: Array<{ assessmentId: string; admittedAt: string | null; ended: StoredDetentionEnd }>;
    stopFacts: {
      assessmentOpenedAt: string | null;
      inPersonContactsAt: string[] | null;
      outcomes: Array<{
        kind: OutcomeFact['kind'];
        decidedAt: string;
        signedAt: string | null;
        alternatives: string[] | null;
        admittedAt: string | null;
        section?: OutcomeFact['section'];
        s4ConvertedAt?: string | null;
        conveyanceEndsAt?: string | null;
        ctoDecision?: 'agree' | 'disagree' | null;
        managersReceivedAt?: string | null;
      }>;
    };
  };

// r.* once: its JSON columns (legal_context, risks, referrer) are parsed by the driver for every row read, and camel()
// gives them their field names.
const ROW = `SELECT r.*, ${personSummarySql('r.person_id')} AS person,
       coalesce((SELECT json_agg(json_build_object('authorisedAt', e.authorised_at, 'minutes', e.minutes, 'authorisedBy', e.authorised_by,
                   'reason', e.reason, 'superintendentApprovedAt', e.superintendent_approved_at,
                   'authorisingDoctor', CASE WHEN e.authorising_doctor_name IS NULL THEN NULL ELSE json_build_object('doctorId', e.authorising_doctor_id,
                     'name', e.authorising_doctor_name, 'gmcNumber', e.authorising_doctor_gmc_number) END) ORDER BY e.authorised_at)
                 FROM referral_extensions e
                WHERE e.referral_id = ANY(ARRAY[r.id, (r.legal_context->'continues'->>'referralId')::uuid])), '[]') AS extensions,
       coalesce((SELECT ev.data->'findings' FROM referral_events ev WHERE ev.referral_id = r.id AND ev.type = 'received' LIMIT 1), '[]') AS "intakeFindings",
       (SELECT json_agg(json_build_object('rule', j.rule, 'findings', j.findings)) FROM (
          SELECT DISTINCT ON (ev.data->>'rule') ev.data->>'rule' AS rule, ev.data->'findings' AS findings FROM referral_events ev
           WHERE ev.referral_id = r.id AND ev.type = 'findings-rejudged' ORDER BY ev.data->>'rule', ev.id DESC) j) AS "rejudgedFindings",
       ${referralStopFactsSql('r.id')} AS "stopFacts",
       CASE WHEN r.legal_context->>'kind' = 'already-s2' THEN ${s29ApplicationsSql('r.person_id')} ELSE '[]' END AS "s29Applications",
       CASE WHEN r.legal_context->>'kind' = 'already-s2' THEN ${recordedDetentionEndsSql('r.person_id')} ELSE '[]' END AS "recordedS2Ends",
       (SELECT min(o.offered_at) FROM allocation_offers o WHERE o.referral_id = r.id) AS "firstOfferedAt"
  FROM referrals r`;

/** ROW with further output columns (SQL expressions with their aliases) after the referral's own. */
const rowWith = (columns: string): string => ROW.replace('SELECT r.*,', `SELECT r.*, ${columns},`);

/**
 * The queue's statement for a basis expression, a WHERE clause and the LIMIT's parameter: the same few texts on
 * every read, so each is made once and the same string given again (its hash kept with it, for the statement-name
 * and audit-wrapper lookups), not ~4 KB of SQL assembled per request.
 */
const queueSql = memoised(
  (basis: string, where: string, limitParam: string) =>
    `${rowWith(`${basis} AS access_basis`)} ${where} ORDER BY coalesce(r.next_deadline, 'infinity'::timestamptz), r.seq LIMIT ${limitParam}`,
  (basis, where, limitParam) => `${basis.length}:${basis}${where.length}:${where}${limitParam}`,
  1_000,
);

/** One referral ($1) with what its person's access is decided on for the user $2 at $3 (accessFactsSql). */
const ROW_WITH_ACCESS = `${rowWith(
  accessFactsSql({ user: '$2', person: 'r.person_id', at: '$3', resourceType: `'referral'`, resourceId: 'r.id::text' }),
)} WHERE r.id = $1`;

/** The most offers GET /me/offers lists (the newest). */
const MY_OFFERS_MAX = 100;

/** A timeline event's columns: event() writes one, escalation a system one (no actor), intake a new referral's first with it. */
const INSERT_EVENT = 'INSERT INTO referral_events (referral_id, at, actor_id, type, data)';

const camelNames = new Map<string, string>();

/** Column names of a raw row → entity field names (the names are few and fixed: converted once). */
function camel(row: Record<string, unknown>): Row {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    let name = camelNames.get(k);
    if (name === undefined) camelNames.set(k, (name = k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
    out[name] = row[k];
  }
  return out as unknown as Row;
}

/**
 * MHA assessment referrals: intake, the statutory clocks, the queue, screening, allocation (directly or offered
 * to the AMHPs on duty), and the timeline every change leaves.
 */
/** A referral is recorded at most this long after it came in (receivedAt); an earlier time is a mistyped date (422). */
export const RECEIVED_LEAD_DAYS = 31;
/** Its legal context's times are at most this long before it came in (a s.2 runs 28 days; the rest hours). */
export const CONTEXT_LEAD_DAYS = 62;
/** The powers whose clock runs from an arrival that may come after the referral (recordArrival). */

/**
 * The 422 for a move whose requirement is missing: its rule, and the field it is about (a reason too short, no council
 * named for a transfer) named as every refused field is, so that a client can point at it.
 */
function refusedMove(decision: Extract<TransitionDecision, { ok: false; code: 'requirement-missing' }>): UnprocessableProblem {
  const { message, code, rule, field } = decision;
  return new UnprocessableProblem(message, code, {
    ...(rule ? { rule } : {}),
    ...(field ? { field, errors: [{ field, messages: [message] }] } : {}),
  });
}

@Injectable()
export class ReferralsService implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly access: AccessService,
    private readonly alerts: BreakGlassService,
    private readonly people: PeopleService,
    private readonly duty: DutyService,
    private readonly eligibility: EligibilityService,
    private readonly clock: SystemClock,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly doctors: DoctorsService,
    private readonly notifications: NotificationsService,
    private readonly pages: PagesService,
    private readonly displacementChanges: DisplacementChanges,
    private readonly dateOfBirthChanges: DateOfBirthChanges,
    private readonly withdrawals: EligibilityWithdrawals,
    private readonly accountWithdrawals: AccountWithdrawals,
    private readonly offDuty: OffDuty,
    private readonly clockAlerts: ClockAlerts,
    private readonly onCall: ManagerOnCallService,
    private readonly s4Admissions: S4AdmissionCorrections,
  ) {}

  private readonly logger = new Logger('Referrals');

  onModuleInit(): void {
    this.displacementChanges.register((m, personId) => this.refreshNextDeadlinesOf(m, personId));
    // POL-09: a date of birth recorded or corrected on the person's record judges their open s.135(1)/s.136 referrals again.
    this.dateOfBirthChanges.register((m, personId, actor) => this.rejudgeAgeOf(m, personId, actor));
    this.withdrawals.registerReferrals((m, practitionerId) => this.withdrawIneligible(m, practitionerId));
    // Her account disabled or the amhp role taken away: the same withdrawal, in a transaction of its own.
    this.accountWithdrawals.register((userId) => this.db.transaction((m) => this.withdrawIneligibleUser(m, userId)));
    // Taken off the shift she was paged on: the escalation pages' access ends with her duty (DUTY-03, POL-09).
    this.offDuty.register((m, userId, at) => this.endEscalationAccessOf(m, userId, at));
  }

  /**
   * POST /referrals. The answer shows the person (and the rest of the record) only to a caller who may read that
   * person's record: a referrer never may (their relationship is to the referral, not the person), so they get the
   * status view GET gives them, whichever way they named the person (a personId, or details matched to a record);
   * hub staff who named a recorded person they may not read get it too. What the hub holds about a person is never
   * shown because someone referred them (Caldicott principles 2 and 3).
   */
  async create(actor: Actor, dto: CreateReferralDto): Promise<ReferralDto | ReferralStatusDto> {
    const now = this.clock.now();
    if (dto.receivedAt && new Date(dto.receivedAt).getTime() > now.getTime() + RECORDED_SKEW_MS)
      throw new UnprocessableProblem('receivedAt cannot be in the future.', 'received-in-future', { field: 'receivedAt' });
    const receivedAt = dto.receivedAt ? recordedInstant(dto.receivedAt, 'receivedAt', now, RECEIVED_LEAD_DAYS) : now;
    // A fact of another power's legal context would be stored and have no effect (a recall's arrival on a s.5(2)): 400.
    const misplaced = legalContextFieldErrors({ ...dto.legalContext });
    if (misplaced.length) throw new ValidationProblem(misplaced.map((e) => ({ field: e.field, messages: [e.message] })));
    // The times of the legal context (arrival at a place of safety, a holding power, a warrant, a s.2 admission) come
    // before the referral, by hours or at most a detention's length: a time far before it is a mistyped year.
    for (const [key, value] of Object.entries(dto.legalContext ?? {}))
      if (
        typeof value === 'string' &&
        isInstant(value) &&
        new Date(value).getTime() < receivedAt.getTime() - CONTEXT_LEAD_DAYS * 86_400_000
      )
        recordedInstant(value, `legalContext.${key}`, receivedAt, CONTEXT_LEAD_DAYS);
    let context = toLegalContext({ ...dto.legalContext });
    // POL-06 (s.136(1C)), POL-02 (s.135(4)): what the police record of how they used the power cannot say is refused,
    // naming the field (a consultation after the removal, an AMHP named two ways); what it does not show is a warning.
    refuseFieldErrors(policeRecordErrors(context, receivedAt, this.config.timeZone));
    // POL-10 (s.135(7)): the agreements a private dwelling or another suitable place needs, given for a place that needs
    // none (or a fact of the other kind of place), are refused naming the field; an agreement missing is a warning.
    refuseFieldErrors(
      placeOfSafetyConsentErrors(
        dto.legalContext.placeOfSafetyType,
        dto.legalContext.placeOfSafetyConsent,
        'legalContext.placeOfSafetyConsent',
      ),
    );
    const consultedAt = dto.legalContext.kind === 's136' ? dto.legalContext.policeConsultation?.at : undefined;
    if (consultedAt) recordedInstant(consultedAt, 'legalContext.policeConsultation.at', receivedAt, CONTEXT_LEAD_DAYS);
    let clocks: Clock[];
    try {
      clocks = clocksFor(context, [], DEFAULT_RESPONSE_TARGETS, receivedAt, dto.urgency, this.policy());
    } catch (err) {
      throw new UnprocessableProblem(`The legal context is incomplete or inconsistent: ${(err as Error).message}`, 'legal-context-invalid');
    }
    // POL-09 also reads the person's age at arrival from the dates of birth known: given here, then on record. A
    // blocker about the record refuses it (422); one about an unlawful detention that is happening (a child at a
    // police station) is recorded on the referral, with its clocks, and the duty AMHPs and the manager on call are
    // paged (RECORDED_INTAKE_BLOCKERS): the hub must learn of it, not turn it away.
    let under18 = false;
    // POL-09: what the age rests on when a date of birth (not the flag) made the person a child, kept with the context
    // so that a date of birth corrected later judges it afresh (withAgeOnRecord), where the flag stands.
    let ageBasis: string | undefined;
    const intake = (datesOfBirth: Parameters<typeof withAgeAtArrival>[1], s29: DisplacementApplicationFacts[] = []): Finding[] => {
      const aged = withAgeAtArrival(context, datesOfBirth, receivedAt, this.policy().timeZone);
      const found = [
        ...intakeFindings(aged, receivedAt, this.policy(), s29),
        ...policeRecordFindings(aged),
        ...currentPlaceOfSafetyConsentFindings(aged),
      ];
      const refusing = found.filter(refusesIntake);
      if (refusing.length) throw new UnprocessableProblem(refusing.map((f) => f.message).join(' '), refusing[0].code, { findings: found });
      under18 = (aged.kind === 's136' || aged.kind === 's135-1') && aged.personUnder18 === true;
      ageBasis = aged.kind === 's136' || aged.kind === 's135-1' ? aged.ageBasis : undefined;
      return found;
    };
    const givenDob = dto.person?.dateOfBirth;
    let datesOfBirth: Parameters<typeof withAgeAtArrival>[1] = [{ dateOfBirth: givenDob, source: 'given' }];
    let findings: IntakeFinding[] = intake(datesOfBirth);

    if (!dto.personId && !dto.person) throw unprocessableField('person', 'Give personId or person.', 'person-required');
    return this.db.transaction(async (m) => {
      let person: PersonDto;
      // A person recorded by this intake has no referral yet, open or not.
      let recordedNow = false;
      // A repeat of the caller's intake folded into their pending match: the person their first intake recorded.
      let repeatOf: string | undefined;
      const matchFindings: Finding[] = [];
      if (dto.personId) {
        // Asked before the record is looked up: a caller who may not name this person gets the same refusal whether
        // the id is recorded or not (as GET /people/{id}), so the answer does not say whether the hub holds them.
        const personId = dto.personId.toLowerCase();
        const decision = await this.access.decide(actor, 'person.identify', personId, m);
        // Refused, and the refusal audited like any other (a transaction of its own: this one rolls back).
        if (!decision.allowed)
          await this.access.deny(
            actor,
            'person.identify',
            { type: 'person', id: personId },
            'You may not refer this person by their record; give their details instead.',
            personId,
          );
        person = await this.people.get(m, personId);
      } else {
        // Without an NHS number, the same person sent again (the same referrer, or hub staff) is the person already
        // referred: matched by names and date of birth among people with an open referral (PeopleService.findOrCreate).
        const found = await this.people.findOrCreate(m, actor, dto.person!, { sameAs: personHasOpenReferralSql });
        person = found.person;
        recordedNow = found.created;
        repeatOf = found.repeatOf;
        // A pending match (PERSON-MATCH: found.pendingMatchId, no discrepancies) adds no finding: the caller, who may not
        // read the recorded person, is answered as for a number the hub does not hold (a finding, or the record without
        // the number, would say it does), the referral held against the details sent until the hub confirms who the
        // person is; the managers have the match in their queue, and a manager reading the referral is told (get()).
        if (found.discrepancies.length) {
          // The NHS number matched a person whose other details differ: the AMHP must check, not the system guess.
          matchFindings.push({
            rule: 'PERSON-MATCH',
            severity: 'warning',
            code: 'person-details-differ',
            message: `The NHS number matched an existing person, but ${found.discrepancies.join(', ')} differ from the record: check the NHS number.`,
            citation: citationOf('PERSON-MATCH'),
          });
        }
      }
      // NR-11 (s.29(4)): a patient already on a s.2 whose nearest relative's displacement is before the court has the
      // s.2 extended; its clock is computed with the person's s.29 applications, as every read computes it, and so is
      // whether it had already ended at receipt (intakeFindings).
      let s29Applications: Row['s29Applications'] = [];
      if (context.kind === 'already-s2') {
        [{ s29Applications }] = await m.query(`SELECT ${s29ApplicationsSql('$1')} AS "s29Applications"`, [person.id]);
      }
      const s29 = this.s29Of({ s29Applications } as Row);
      if (s29.length) clocks = clocksFor(context, [], DEFAULT_RESPONSE_TARGETS, receivedAt, dto.urgency, this.policy(), s29);
      // A date of birth on record (the person referred by id, or matched by NHS number) that makes them under 18 refuses
      // too; and the s.29 applications on record may mean a s.2 had not ended at receipt after all.
      const dobOnRecord = !!person.dateOfBirth && person.dateOfBirth !== givenDob;
      if (dobOnRecord)
        datesOfBirth = [
          { dateOfBirth: givenDob, source: 'given' },
          { dateOfBirth: person.dateOfBirth, source: 'on record' },
        ];
      if (dobOnRecord || s29.length) findings = intake(datesOfBirth, s29);
      // POL-07 / POL-04 (s.136(2A), (3); s.135(3ZA), (3A)): the person already detained at a place of safety under
      // the same power on an open referral, within its period, and referred again from the place they were taken on
      // to: one detention, whose period (and s.136B extension) runs from its first start, not a fresh 24 hours.
      const underWay = recordedNow ? undefined : await this.detentionUnderWay(m, repeatOf ?? person.id, context);
      if (underWay) {
        context = { ...context, continues: underWay.continues } as LegalContext;
        clocks = clocksFor(context, this.extensionsOf(underWay.row), DEFAULT_RESPONSE_TARGETS, receivedAt, dto.urgency, this.policy());
        findings = intake(datesOfBirth, s29);
      }
      findings = [...findings, ...matchFindings];
      if (underWay) findings.push(this.continuationFinding(underWay.row, underWay.clock));
      // DUTY-02: a person already referred, whose referral is still open. The new referral is created all the same,
      // linked to the open one (both timelines say so) and carrying a warning with its id and link, rather than refused
      // with a 409: what the referrer sends the second time (a new risk, a new place, a new clock under s.136) must not
      // be lost, a refused police referral at 3 a.m. may never be sent again, and the duty AMHP wants both in front of
      // them to decide whether this is one piece of work, not a referrer told to go away. Closing the duplicate (status
      // withdrawn, with reasons) stays the AMHP's decision.
      const open = recordedNow ? undefined : await this.openReferralOf(m, repeatOf ?? person.id);
      const isReferrer = seesReferralStatusOnly(actor.roles);
      // The referral is its referrer's to follow whatever other roles their account holds (an AMHP who refers too).
      const refers = refersOwnReferrals(actor.roles);
      if (open) {
        // The findings are shown only with the person (to a caller who may read them: see the answer below), and who
        // may read this person may read their open referral: the warning names it, its reference, time and link.
        findings.push({
          rule: 'DUTY-02',
          severity: 'warning',
          code: 'open-referral-exists',
          message: `This person already has an open referral, ${open.reference} (received ${formatLocal(open.receivedAt, this.config.timeZone)}): this referral is recorded and linked to it; read both before acting.`,
          citation: citationOf('DUTY-02'),
          referralId: open.id,
          href: `/referrals/${open.id}`,
        });
      }
      // POL-02 (s.135(4)): who attended the warrant's execution, the hub's AMHP and a doctor on the register named as
      // their records stand now (kept with the context, as an extension's doctor is).
      const attendance = dto.legalContext.executionAttendance
        ? await this.warrantAttendance(m, dto.legalContext.executionAttendance)
        : undefined;
      // What the police's record says, as codes (the timeline's and the audit trail's).
      const policeRecord = {
        ...policeRecordSummary(dto.legalContext.policeConsultation, attendance),
        ...consentSummary(dto.legalContext.placeOfSafetyConsent),
      };
      // The reference, REF-<year received (UTC)>-<number>, the number at least six digits, taken from its sequence in
      // the same statement; and the referral's first timeline event, 'received', written by the same statement.
      const [inserted] = await this.db.preparedOn<Record<string, unknown>>(
        m,
        `WITH inserted AS (
           INSERT INTO referrals (reference, person_id, source, urgency, received_at, referrer, referrer_user_id, reason, risks, legal_context,
                                  location, other_authority, nearest_relative_request, next_deadline, created_by, created_at)
           VALUES ((SELECT 'REF-' || $1::text || '-' || CASE WHEN length(n) < 6 THEN lpad(n, 6, '0') ELSE n END
                      FROM (SELECT nextval('referral_reference_seq')::text AS n) seq),
                   $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           RETURNING *),
         received AS (${INSERT_EVENT} SELECT id, $16, $15, 'received', $17 FROM inserted)
         SELECT * FROM inserted`,
        [
          String(receivedAt.getUTCFullYear()),
          person.id,
          dto.source,
          dto.urgency,
          receivedAt,
          dto.referrer,
          refers ? actor.userId : null,
          dto.reason,
          { ...dto.risks, flags: dto.risks.flags ?? [] },
          // POL-09: the age at arrival the dates of birth settled is kept with the context, so the places-of-safety
          // report counts a child whoever gave the age (the flag, the date of birth given, or the one on record).
          {
            ...dto.legalContext,
            ...(under18 ? { personUnder18: true, ...(ageBasis ? { ageBasis } : {}) } : {}),
            ...(underWay ? { continues: { ...underWay.continues, startedAt: underWay.continues.startedAt.toISOString() } } : {}),
            ...(attendance ? { executionAttendance: attendance } : {}),
          },
          dto.location ?? null,
          dto.otherAuthority ?? null,
          dto.nearestRelativeRequest ?? false,
          this.soonest(clocks),
          actor.userId,
          this.clock.now(),
          {
            source: dto.source,
            urgency: dto.urgency,
            legalContext: context.kind,
            ...policeRecord,
            findings,
            ...(open ? { linkedReferralId: open.id } : {}),
            ...(underWay ? { continuesReferralId: underWay.row.id } : {}),
          },
        ],
      );
      const { id, reference } = inserted as { id: string; reference: string };
      if (refers) {
        // The referrer's legitimate relationship to the person of their own referral.
        await this.access.grant(m, {
          userId: actor.userId,
          personId: person.id,
          kind: 'referrer',
          sourceType: 'referral',
          sourceId: id,
          validFrom: now,
          recordedAt: now,
        });
      }
      if (open) {
        await this.event(m, open.id, actor, 'further-referral', { referralId: id, reference, source: dto.source, urgency: dto.urgency });
        // The AMHP working the open referral hears of the new one at once (ids and references only).
        if (open.allocatedUserId)
          await this.notifications.notify(m, {
            userIds: [open.allocatedUserId],
            kind: 'referral.further',
            severity: dto.urgency === 'emergency' ? 'urgent' : 'warning',
            title: `${open.reference}: a further referral (${reference}) has arrived for this person`,
            body: `Received ${formatLocal(receivedAt, this.config.timeZone)}, ${dto.urgency}, from ${dto.source}.`,
            link: `/referrals/${id}`,
            subjectType: 'referral',
            subjectId: id,
            dedupKey: `further-referral:${id}`,
          });
      }
      if (findings.some((f) => RECORDED_INTAKE_BLOCKERS.has(f.code) && f.severity === 'blocker'))
        await this.raiseUnlawfulDetention(m, { id, reference, personId: person.id, receivedAt, findings, clocks });
      await this.audit.record(m, {
        action: 'referral.create',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: person.id,
        accessBasis: can(actor.roles, 'referrals.create').basis,
        details: { source: dto.source, urgency: dto.urgency, legalContext: context.kind, ...policeRecord },
      });
      await this.events.emit(m, {
        type: 'referral.received',
        aggregateType: 'referral',
        aggregateId: id,
        payload: {
          referralId: id,
          urgency: dto.urgency,
          legalContext: context.kind,
          nextDeadline: this.soonest(clocks)?.toISOString() ?? null,
        },
      });
      // The answer from what was just written, not read back: a new referral has no assessment, extension or offer
      // yet, its intake findings are those its 'received' event recorded, and its person is the one resolved above
      // (the row query's fields: a test holds the answer equal to a GET of the referral).
      const row: Row = {
        ...camel(inserted),
        person: personSummaryOf(person),
        // A detention taken on from an earlier referral shows the extension authorised there (the row query's too).
        extensions: underWay ? underWay.row.extensions : [],
        intakeFindings: findings,
        rejudgedFindings: null,
        stopFacts: { assessmentOpenedAt: null, inPersonContactsAt: [], outcomes: [] },
        s29Applications,
        firstOfferedAt: null,
      };
      // A person recorded by this intake holds only what the caller sent; a recorded person is shown only to a caller
      // who may read them now (the new referral is open: an AMHP on duty may), and then the answer is a read of them.
      // A referrer who also holds a hub role gets the staff view only where that role lets them read the person.
      if (isReferrer) return this.statusView(row);
      if (recordedNow && !refers) return this.view(row);
      const read = await this.access.decide(actor, 'person.read', person.id, m);
      if (!read.allowed) return this.statusView(row);
      if (recordedNow) return this.view(row);
      await this.audit.record(m, {
        action: 'person.read',
        resourceType: 'person',
        resourceId: person.id,
        subjectPersonId: person.id,
        accessBasis: read.basis,
        details: { via: 'referral-intake' },
      });
      return this.view(row);
    });
  }

  /**
   * POL-02 (s.135(4)): the attendance at a warrant's execution as it is kept: the hub's AMHP must be an active account
   * with the amhp role (422 not-an-amhp naming the field), named as their account is; one from elsewhere by the name
   * given; the doctor from the register or by name and GMC number (authorisingDoctor). `prefix` names the record in
   * the request (a referral's legal context, or an assessment's timeline event).
   */
  async warrantAttendance(
    m: EntityManager,
    dto: NonNullable<CreateReferralDto['legalContext']['executionAttendance']>,
    prefix = 'legalContext.executionAttendance',
  ): Promise<WarrantAttendance> {
    const out: WarrantAttendance = {};
    const { amhp, doctor } = dto;
    if (amhp?.userId) {
      const field = `${prefix}.amhp.userId`;
      await this.users.requireActiveWithRole(m, [amhp.userId], ['amhp'], field, 'not-an-amhp');
      const [account] = await this.users.standing([amhp.userId]);
      out.amhp = { userId: account.id, name: account.displayName };
    } else if (amhp?.name) out.amhp = { name: amhp.name, ...(amhp.organisation ? { organisation: amhp.organisation } : {}) };
    if (doctor) {
      const d = await this.authorisingDoctor(doctor, `${prefix}.doctor`);
      out.doctor = { ...(d.doctorId ? { doctorId: d.doctorId } : {}), name: d.name, gmcNumber: d.gmcNumber };
    }
    return out;
  }

  /**
   * s.136(3), s.135(3A) at intake: the person's open referral, under the same power as `context`, whose place-of-safety
   * period was under way when this one's started (continuesDetention), the earliest first; with the detention it began
   * (the first of a chain of such referrals) and its clock.
   */
  private async detentionUnderWay(
    m: EntityManager,
    personId: string,
    context: LegalContext,
  ): Promise<{ row: Row; clock: Clock; continues: PlaceOfSafetyContinuation } | undefined> {
    if (context.kind !== 's136' && context.kind !== 's135-1') return undefined;
    const candidates = await this.db.preparedOn<{ id: string }>(
      m,
      `SELECT id FROM referrals WHERE person_id = $1 AND ${openStatusSql('status')} AND legal_context->>'kind' = $2 ORDER BY received_at, seq`,
      [personId, context.kind],
    );
    const now = this.clock.now();
    for (const { id } of candidates) {
      const row = await this.row(m, id);
      const clock = this.clocksOf(row).find((c) => c.id === 'POL-07' || c.id === 'POL-04');
      if (!clock) continue;
      const stop = clockStop(clock, this.stopFactsOf(row, now), this.config.timeZone);
      if (!continuesDetention({ kind: context.kind, clock, stoppedAt: stop?.stoppedAt ?? null }, context, this.config.timeZone)) continue;
      const first = toLegalContext(row.legalContext) as Extract<LegalContext, { kind: 's136' | 's135-1' }>;
      return {
        row,
        clock,
        continues: first.continues ?? { referralId: row.id, reference: row.reference, startedAt: clock.anchor },
      };
    }
    return undefined;
  }

  /** The intake finding for a referral that continues the detention of `earlier` (s.136(3), s.135(3A)), linking it. */
  private continuationFinding(earlier: Row, clock: Clock): IntakeFinding {
    const zone = this.config.timeZone;
    const s136 = clock.id === 'POL-07';
    return {
      rule: clock.rule,
      severity: 'warning',
      code: 'place-of-safety-period-continues',
      message: `This person is already detained at a place of safety under ${earlier.reference}, since ${formatLocal(clock.anchor, zone)}: taken on to another place of safety, they may be kept only until ${formatLocal(clock.deadline, zone)}${clock.extendedBy ? ', with the s.136B extension authorised there' : ''}. A move between places of safety does not restart the period, so this referral's clock runs from that first start, not from arrival here.`,
      citation: s136 ? 'MHA 1983 s.136(2A), (3)' : 'MHA 1983 s.135(3ZA), (3A)',
      referralId: earlier.id,
      href: `/referrals/${earlier.id}`,
    };
  }

  /**
   * POL-09 (s.136A(1)): a referral recorded with a blocker about an unlawful detention that is happening (a child at a
   * police station; RECORDED_INTAKE_BLOCKERS). At once, in the intake's transaction: every AMHP on duty and the manager
   * on call (every manager when the rota names none) are paged (an escalation, chain `unlawful-detention:<referral>`:
   * the AMHPs at step 0, the manager at the chain's last step) and notified with what to do, and the referral's
   * timeline and the audit trail say who was told. The AMHPs paged may read the person while the page's purpose stands
   * (grantEscalationAccess).
   */
  private async raiseUnlawfulDetention(
    m: EntityManager,
    r: { id: string; reference: string; personId: string; receivedAt: Date; findings: Finding[]; clocks: Clock[] },
  ): Promise<void> {
    const now = this.clock.now();
    const zone = this.config.timeZone;
    const duty = await this.duty.onDuty(now.toISOString());
    const amhps = [...new Set(duty.onDuty.flatMap((s) => s.amhps.map((a) => a.userId)))];
    const last = await this.onCall.managersOnCall(m, now);
    const managers = last.userIds;
    const chainKey = unlawfulDetentionChainKey(r.id);
    const page = {
      kind: 'escalation' as const,
      chainKey,
      reason: 'unlawful-detention' as const,
      referralId: r.id,
      subjectType: 'referral',
      subjectId: r.id,
    };
    await this.pages.raise(m, { ...page, recipientUserIds: amhps, step: 0 });
    await this.pages.raise(m, { ...page, recipientUserIds: managers, step: LAST_STEP });
    const blockers = r.findings.filter((f) => f.severity === 'blocker' && RECORDED_INTAKE_BLOCKERS.has(f.code));
    const clock = r.clocks.find((c) => c.id === 'POL-07' || c.id === 'POL-04');
    await this.notifications.notify(m, {
      userIds: [...amhps, ...managers],
      kind: 'referral.unlawful-detention',
      severity: 'urgent',
      title: `${r.reference}: a person under 18 is held at a police station`,
      body: `${blockers.map((f) => f.message).join(' ')}${clock ? ` ${clock.label} ends at ${formatLocal(clock.deadline, zone)}.` : ''} Received ${formatLocal(r.receivedAt, zone)}.`,
      link: `/referrals/${r.id}`,
      subjectType: 'referral',
      subjectId: r.id,
      dedupKey: chainKey,
    });
    await this.grantEscalationAccess(m, r, amhps, now);
    const data = {
      rule: blockers[0]?.rule ?? 'POL-09',
      chain: chainKey,
      step: 0,
      to: last.to === 'manager-on-call' ? 'amhps-on-duty-and-manager-on-call' : 'amhps-on-duty-and-managers',
      userIds: [...amhps, ...managers],
      reason: 'unlawful-detention',
      codes: blockers.map((f) => f.code),
      skipped: [],
    };
    await m.query(`${INSERT_EVENT} VALUES ($1, $2, NULL, $3, $4)`, [r.id, now, 'escalated', data]);
    await this.audit.record(m, {
      action: 'referral.escalate',
      resourceType: 'referral',
      resourceId: r.id,
      subjectPersonId: r.personId,
      actor: null,
      details: data,
    });
  }

  /**
   * POL-09 (s.136A(1)): the person's date of birth was recorded, corrected or removed on their record (PATCH
   * /people/{id}, in its transaction): each of their open s.135(1) and s.136 referrals is judged again
   * (rejudgePoliceStation), the earliest received first, each locked.
   */
  private async rejudgeAgeOf(m: EntityManager, personId: string, actor: Actor): Promise<void> {
    const open: Array<{ id: string }> = await m.query(
      `SELECT id FROM referrals WHERE person_id = $1 AND ${openStatusSql('status')} AND legal_context->>'kind' IN ('s136', 's135-1')
        ORDER BY received_at, seq FOR UPDATE`,
      [personId],
    );
    for (const { id } of open) await this.rejudgePoliceStation(m, await this.row(m, id), actor, 'date-of-birth');
  }

  /**
   * POL-10 (s.135(6)-(7)): a s.135(1) or s.136 referral's findings about the agreements to its place of safety, judged
   * again for where the person is held now (a move recorded: the new place and the agreements recorded with it). As
   * POL-09's are: the findings as they now stand replace those the referral showed (findingsOf), on the timeline
   * (`findings-rejudged`), audited and published, in the caller's transaction; nothing is written when they did not
   * change. Whether anything changed.
   */
  private async rejudgePlaceOfSafetyConsent(m: EntityManager, r: Row, actor: Actor, basis: string): Promise<boolean> {
    const before = findingsOf(r).filter((f) => f.rule === 'POL-10');
    const after = currentPlaceOfSafetyConsentFindings(toLegalContext(r.legalContext));
    const shown = (fs: Finding[]) => JSON.stringify(fs.map((f) => [f.code, f.message]));
    if (shown(before) === shown(after)) return false;
    const codes = after.map((f) => f.code);
    const cause = 'place-of-safety-moved';
    const personUnder18 = ((r.legalContext as Record<string, unknown>).personUnder18 as boolean | undefined) ?? null;
    await this.event(m, r.id, actor, 'findings-rejudged', { rule: 'POL-10', cause, findings: after, codes, personUnder18 });
    await this.rejudgedRecorded(m, r, { rule: 'POL-10', cause, codes, personUnder18 }, basis);
    return true;
  }

  /**
   * A rule's findings judged again on a referral (its timeline's `findings-rejudged` already written): audited as a
   * read-and-change of the person's referral, on `basis` when the caller has one, and published.
   */
  private async rejudgedRecorded(
    m: EntityManager,
    r: Row,
    judged: { rule: 'POL-09' | 'POL-10'; cause: 'date-of-birth' | 'place-of-safety-moved'; codes: string[]; personUnder18: boolean | null },
    basis?: string,
  ): Promise<void> {
    await this.audit.record(m, {
      action: 'referral.findings-rejudged',
      resourceType: 'referral',
      resourceId: r.id,
      subjectPersonId: r.personId,
      ...(basis ? { accessBasis: basis } : {}),
      details: judged,
    });
    await this.events.emit(m, {
      type: 'referral.findings-rejudged',
      aggregateType: 'referral',
      aggregateId: r.id,
      payload: { referralId: r.id, ...judged },
    });
  }

  /**
   * POL-09 (s.136A(1)): a s.135(1) or s.136 referral judged again after intake, when what the rule reads changed: the
   * person's age at the place of safety (the flag given at intake, else the date of birth on record now:
   * withAgeOnRecord) or where they are held now (the last move recorded). The rule's findings as they now stand replace
   * those the referral showed (findingsOf), with the age kept in its legal context (`personUnder18`, `ageBasis`, as
   * intake keeps it), on the timeline (`findings-rejudged`), audited and published, in the caller's transaction. Nothing
   * is written when neither the findings nor the age changed. The pages follow, once per episode at a police station:
   * a child newly found held at one (her date of birth recorded, or moved there) is raised at once as at intake
   * (raiseUnlawfulDetention), unless her detention there is over; a child no longer held at one closes the pages and
   * word that she was (`left-police-station`), and so does a person found not to be a child after all
   * (`not-under-18`), so that a later child held at one is paged afresh. Whether anything changed.
   */
  private async rejudgePoliceStation(
    m: EntityManager,
    r: Row,
    actor: Actor,
    cause: 'date-of-birth' | 'place-of-safety-moved',
    basis?: string,
  ): Promise<boolean> {
    const zone = this.config.timeZone;
    // A child by a date of birth recorded before its basis was kept has it back from the blocker intake recorded.
    const stored = withRecordedAgeBasis(toLegalContext(r.legalContext), r.intakeFindings);
    if (stored.kind !== 's136' && stored.kind !== 's135-1') return false;
    const aged = withAgeOnRecord(stored, r.person.dateOfBirth, new Date(r.receivedAt), zone) as typeof stored;
    const before = findingsOf(r).filter((f) => f.rule === 'POL-09');
    const after = policeStationFindings(aged, zone, 'current');
    const shown = (fs: Finding[]) => JSON.stringify(fs.map((f) => [f.code, f.message]));
    // As intake keeps it: a child is kept as `personUnder18: true` (with `ageBasis` when a date of birth decided it);
    // an adult or an age not known by the date of birth keeps what intake was given, never a `false` of its own.
    const child = aged.personUnder18 === true;
    const ageChanged = (stored.personUnder18 === true) !== child || (stored.ageBasis ?? null) !== (aged.ageBasis ?? null);
    if (shown(before) === shown(after) && !ageChanged) return false;
    const codes = after.map((f) => f.code);
    const personUnder18 = aged.personUnder18 ?? null;
    // The age a date of birth gave before (`ageBasis`) is taken away with it; a flag given at intake is never touched.
    const dropped = ['ageBasis', ...(stored.ageBasis && !child ? ['personUnder18'] : [])];
    const kept = child ? { personUnder18: true, ...(aged.ageBasis ? { ageBasis: aged.ageBasis } : {}) } : {};
    await this.changeWithEvent(
      m,
      `UPDATE referrals SET legal_context = (legal_context - $3::text[]) || $2::jsonb, version = version + 1 WHERE id = $1`,
      [r.id, JSON.stringify(kept), dropped],
      { actor, type: 'findings-rejudged', data: { rule: 'POL-09', cause, findings: after, codes, personUnder18 } },
    );
    await this.rejudgedRecorded(m, r, { rule: 'POL-09', cause, codes, personUnder18 }, basis);
    const unlawful = (fs: Finding[]) => fs.some((f) => f.severity === 'blocker' && RECORDED_INTAKE_BLOCKERS.has(f.code));
    if (unlawful(after) && !unlawful(before)) {
      // Her detention at the place of safety may be over (admitted, released after the assessment: POL-11): then
      // there is no one to move, and the finding is kept for the record (and the count) without a page.
      const now = this.clock.now();
      const clock = this.clocksOf(r).find((c) => c.id === 'POL-07' || c.id === 'POL-04');
      const stop = clock ? clockStop(clock, this.stopFactsOf(r, now), zone) : null;
      if (!stop || stop.stoppedAt.getTime() > now.getTime())
        await this.raiseUnlawfulDetention(m, {
          id: r.id,
          reference: r.reference,
          personId: r.personId,
          receivedAt: new Date(r.receivedAt),
          findings: after,
          clocks: this.clocksOf(await this.row(m, r.id)),
        });
    } else if (!unlawful(after) && unlawful(before)) {
      // Still at a police station (the adult's findings now), she was not a child after all; else she left it.
      const reason = after.length ? 'not-under-18' : 'left-police-station';
      await this.pages.closeFor(m, r.id, 'unlawful-detention', reason);
      await this.notifications.close(m, { subjectId: r.id, dedupKeys: [unlawfulDetentionChainKey(r.id)] }, reason);
    }
    return true;
  }

  /**
   * POST /people/matches/{id}/resolve (managers): on `same-person` the pending person's referrals, and those of each
   * intake folded into the match, move to the recorded person, and their relationships (the referrer's among them) are
   * granted on that person from now, not before; on `different-person` nothing moves (each stays a person of its own). Audited with the match, in one transaction.
   */
  async resolveMatch(actor: Actor, id: string, outcome: 'same-person' | 'different-person'): Promise<PersonMatchDto> {
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const match = await this.people.settleMatch(m, actor, id, outcome);
      if (outcome === 'different-person') return match;
      // The pending person's referrals, then each intake's folded into the match (the same caller's repeats of the
      // number): every one follows the person it was made on to the recorded person.
      for (const fromPersonId of matchedPersonIds(match)) {
        const [moved]: [Array<{ id: string }>, number] = await m.query(
          `UPDATE referrals SET person_id = $2, version = version + 1 WHERE person_id = $1 RETURNING id`,
          [fromPersonId, match.candidatePerson.id],
        );
        for (const r of moved) {
          for (const source of RELATIONSHIP_SOURCES) await this.access.movePerson(m, source, r.id, match.candidatePerson.id, now);
          await this.event(m, r.id, actor, 'person-matched', { matchId: id, fromPersonId });
        }
        await this.audit.record(m, {
          action: 'referral.person-matched',
          resourceType: 'person-match',
          resourceId: id,
          subjectPersonId: match.candidatePerson.id,
          details: { referralIds: moved.map((r) => r.id), fromPersonId },
        });
      }
      // The s.29 applications that moved with the person (settleMatch) may extend a s.2 of theirs (NR-11, s.29(4)).
      await this.refreshNextDeadlinesOf(m, match.candidatePerson.id);
      // POL-09 (s.136A(1)): the referrals now read the recorded person's date of birth, which may make them a child.
      await this.rejudgeAgeOf(m, match.candidatePerson.id, actor);
      return match;
    });
  }

  /**
   * The queue: open referrals, soonest deadline first; each one's person is readable by the caller (or their own, for a
   * referrer). An account that refers and holds a hub role sees both: its own referrals, as their status view where its
   * hub role does not read the person, and the staff view of those it does.
   */
  async list(actor: Actor, q: ReferralQuery): Promise<{ items: Array<ReferralDto | ReferralStatusDto>; nextCursor: string | null }> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const referrerOnly = seesReferralStatusOnly(actor.roles);
    const refers = refersOwnReferrals(actor.roles);
    const where = new SqlWhere();
    if (q.status) where.add('r.status = ?', q.status);
    // Her jobs (assigned=me) keep a referral that ended (withdrawn, closed, transferred) while her assessment of it is
    // under way: that assessment stays hers to record and close (endedUnderAssessment; MHA 1983 s.13), so it stays in
    // My jobs and in her phone's job pack until she closes it.
    else if (!q.all && q.assigned === 'me')
      where.raw(`(${openStatusSql('r.status')} OR ${openAssessmentLedBySql('r.id', where.param(actor.userId))} IS NOT NULL)`);
    else if (!q.all) where.raw(openStatusSql('r.status'));
    if (q.urgency) where.add('r.urgency = ?', q.urgency);
    if (q.assigned === 'me') where.add('r.allocated_user_id = ?', actor.userId);
    if (q.due_before) where.add('r.next_deadline < ?', new Date(q.due_before));
    let basis: string;
    if (referrerOnly) {
      where.add('r.referrer_user_id = ?', actor.userId);
      // Their own referrals' progress and clocks: audited as reads like the staff's queue, on that basis.
      basis = `'own:referrer'`;
    } else {
      const scope = this.access.scope(actor, 'person.read', 'r.person_id', where.params.length + 1);
      where.params.push(...scope.params);
      // Each referral shown is a read of its person's record, audited on the basis it was shown on.
      if (refers) {
        const me = where.param(actor.userId);
        where.raw(`(${scope.sql} OR r.referrer_user_id = ${me}::uuid)`);
        basis = `CASE WHEN ${scope.sql} THEN ${scope.basis} ELSE 'own:referrer' END`;
      } else {
        where.raw(scope.sql);
        basis = scope.basis;
      }
    }
    if (q.cursor) {
      // Referrals due at the same time (or with no deadline) in the order they were recorded (seq), never by their random
      // ids: the cursor carries it.
      const [deadline, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      where.raw(
        `(coalesce(r.next_deadline, 'infinity'::timestamptz), r.seq) > (${where.param(deadline)}::timestamptz, ${where.param(seq)}::bigint)`,
      );
    }
    const limitParam = where.param(limit + 1);
    const sql = queueSql(basis, where.toString(), limitParam);
    // The queue is the thin client's hot read: prepared (planned once per connection and filter combination), read
    // and audited in one statement (each referral shown is a read of what the hub holds about its person: see README,
    // Access control), for staff and for a referrer seeing their own referrals' progress alike.
    const raw = await this.audit.selectAudited<Record<string, unknown>>(
      this.db.current,
      { sql, params: where.params, shown: limit, resourceColumn: 'id', subjectColumn: 'person_id', basisColumn: 'access_basis' },
      { action: 'referral.read', resourceType: 'referral', details: { via: referrerOnly ? 'status' : 'queue' } },
    );
    const rows = raw.map(camel);
    const page = rows.slice(0, limit);
    const nextCursor =
      rows.length > limit
        ? encodeCursor([
            page.at(-1)!.nextDeadline ? new Date(page.at(-1)!.nextDeadline!).toISOString() : 'infinity',
            String(page.at(-1)!.seq),
          ])
        : null;
    const statusOnly = (i: number): boolean => referrerOnly || raw[i].access_basis === 'own:referrer';
    return { items: page.map((r, i) => (statusOnly(i) ? this.statusView(r) : this.view(r))), nextCursor };
  }

  async get(actor: Actor, id: string): Promise<ReferralDto | ReferralStatusDto> {
    return this.db.transaction(async (m) => {
      const { r, asReferrer } = await this.reached(m, actor, id);
      if (asReferrer) {
        // Progress and clocks only, yet a read of what the hub holds about the person: audited like any other.
        await this.audit.record(m, {
          action: 'referral.read',
          resourceType: 'referral',
          resourceId: id,
          subjectPersonId: r.personId,
          accessBasis: 'own:referrer',
          details: { via: 'status' },
        });
        return this.statusView(r);
      }
      const decision = await this.requirePerson(actor, r, 'person.read', m);
      await this.audit.record(m, {
        action: 'referral.read',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: decision,
      });
      return this.withIdentityMatchFinding(m, actor, r, this.view(r));
    });
  }

  /**
   * PERSON-MATCH: to hub staff who may read every person (and so the recorded person too: they resolve matches), a
   * referral whose person waits on a pending identity match says so, naming nobody; read as it stands, so it goes once
   * the match is resolved. Nobody else is told: to them the number must look as if the hub did not hold it.
   */
  private async withIdentityMatchFinding(m: EntityManager, actor: Actor, r: Row, view: ReferralDto): Promise<ReferralDto> {
    if (!can(actor.roles, 'person.read').allowed) return view;
    const [{ pending }]: Array<{ pending: boolean }> = await m.query(`SELECT ${personMatchPendingSql('$1::uuid')} AS pending`, [
      r.personId,
    ]);
    if (!pending) return view;
    const finding: IntakeFinding = {
      rule: 'PERSON-MATCH',
      severity: 'warning',
      code: 'identity-match-pending',
      message:
        'Who this person is waits on a pending identity match (GET /people/matches): the referral is held against the details sent until a manager resolves it.',
      citation: citationOf('PERSON-MATCH'),
    };
    return { ...view, findings: [...view.findings, finding] };
  }

  async timeline(actor: Actor, id: string): Promise<ReferralEventDto[]> {
    return this.db.transaction(async (m) => {
      const r = await this.row(m, id, actor);
      const decision = await this.requirePerson(actor, r, 'person.read', m);
      await this.audit.record(m, {
        action: 'referral.read-timeline',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: decision,
      });
      const rows: Array<{ id: string; at: Date; actor_id: string | null; type: string; data: Record<string, unknown> }> = await m.query(
        'SELECT id::text, at, actor_id, type, data FROM referral_events WHERE referral_id = $1 ORDER BY referral_events.id',
        [id],
      );
      return rows.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actorId: e.actor_id,
        type: e.type,
        data:
          (e.type === 'received' || e.type === 'findings-rejudged') && Array.isArray(e.data.findings)
            ? { ...e.data, findings: shownIntakeFindings(e.data.findings as Finding[]) }
            : e.data,
      }));
    });
  }

  /** A workflow move (screening decisions, closing, withdrawing); an illegal one is 409 naming the allowed moves. */
  async move(actor: Actor, id: string, dto: TransitionDto, expectedVersion: ExpectedVersion): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      // Access first: a stale If-Match answered before it would tell anyone the referral's version (412 names it).
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      assertVersion(expectedVersion, r.version);
      if (dto.status === 'allocated')
        throw new UnprocessableProblem('Allocate through POST /referrals/{id}/allocation or an offer.', 'use-allocation');
      const decision = transition(r.status, dto.status, {
        reason: dto.reason,
        nearestRelativeRequest: r.nearestRelativeRequest,
        writtenReasonsAt: r.writtenReasonsAt,
        reasonsOwedFrom: r.nearestRelativeRequest && r.writtenReasonsAt ? await this.reasonsOwedFrom(m, r) : null,
        transferredTo: dto.transferredTo,
      });
      if (!decision.ok && decision.code === 'illegal-transition')
        throw new ConflictProblem(decision.message, 'illegal-transition', { allowed: decision.allowed });
      if (!decision.ok) throw refusedMove(decision);
      const now = this.clock.now();
      const ends = !isOpen(dto.status);
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET status = $2, decision_reason = coalesce($3, decision_reason), transferred_to = coalesce($4, transferred_to),
                closed_at = CASE WHEN $5 AND $2 IN ('closed','withdrawn') THEN $6::timestamptz ELSE closed_at END,
                allocated_user_id = CASE WHEN $2 = 'accepted' THEN NULL ELSE allocated_user_id END,
                next_deadline = CASE WHEN $5 THEN NULL ELSE next_deadline END, version = version + 1 WHERE id = $1`,
        [id, dto.status, dto.reason ?? null, dto.transferredTo ?? null, ends, now],
        { actor, type: dto.status, data: { from: r.status, ...(dto.transferredTo ? { transferredTo: dto.transferredTo } : {}) } },
      );
      // Back to accepted (re-allocation): the allocated AMHP's access ends. Closed in any way: everyone's does, and
      // offers nobody answered are withdrawn, so that an AMHP answering one later is told the referral ended.
      if (dto.status === 'accepted') await this.access.end(m, 'referral-allocation', id, now);
      // Its clock pages and warnings no longer wait for the AMHP who held it (back in the queue the managers are paged;
      // ended, the clocks stop or are owed no one's answer).
      if (ends) await this.closeClockAlerts(m, id, 'referral-ended');
      else if (dto.status === 'accepted' && r.allocatedUserId) {
        await this.closeClockAlerts(m, id, 'reallocated', r.allocatedUserId);
        await this.warnWhileQueued(m, id, now);
      }
      if (ends) await this.withdrawOffers(m, id, now, 'referral-ended');
      if (ends) await this.access.end(m, RELATIONSHIP_SOURCES, id, now);
      if (ends) await this.endedUnderAssessment(m, r, dto.status, dto.reason ?? null, actor, now);
      await this.audit.record(m, {
        action: `referral.${dto.status}`,
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { from: r.status, to: dto.status },
      });
      await this.events.emit(m, {
        type: referralMoveType(dto.status),
        aggregateType: 'referral',
        aggregateId: id,
        payload: { referralId: id, from: r.status, to: dto.status },
      });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * The referral ended (withdrawn, closed, transferred) by someone else while an AMHP holds it. An assessment under way
   * is the lead AMHP's to finish: whether to make an application is her decision (MHA 1983 s.13(1), s.11), and the
   * record must say what she did and decided (the outcome: not detained with the alternatives, or deferred), so she
   * keeps her allocated access to the person for that assessment alone (source `assessment-completion`, ended when it
   * closes) and records the outcome and closes it as on any referral. The allocated AMHP and each lead are told at
   * once, in their inbox, what happened and why, with what to do next.
   */
  private async endedUnderAssessment(
    m: EntityManager,
    r: Row,
    status: string,
    reason: string | null,
    actor: Actor,
    now: Date,
  ): Promise<void> {
    const unfinished: Array<{ id: string; leadUserId: string }> = await m.query(unfinishedAssessmentsOfSql('$1'), [r.id]);
    for (const a of unfinished)
      await this.access.grant(m, {
        userId: a.leadUserId,
        personId: r.personId,
        kind: 'allocated',
        sourceType: 'assessment-completion',
        sourceId: a.id,
        validFrom: now,
        recordedAt: now,
      });
    const told = [...new Set([r.allocatedUserId, ...unfinished.map((a) => a.leadUserId)])].filter(
      (u): u is string => Boolean(u) && u !== actor.userId,
    );
    if (!told.length) return;
    const words = ENDED_WORDS[status] ?? status;
    const next = unfinished.length
      ? 'Your assessment stays open for you: record what you did and the outcome (for example not detained, with what was put in place instead), then close it.'
      : 'Do not go on with it. If you had already arrived or done anything on it, tell the hub what, so that it is recorded.';
    await this.notifications.notify(m, {
      userIds: told,
      kind: `referral.${status}`,
      severity: 'urgent',
      title: `${r.reference}: ${words}`,
      body: `${words.charAt(0).toUpperCase()}${words.slice(1)} at ${formatLocal(now, this.config.timeZone)}${reason ? `: ${reason}` : ''}. ${next}`,
      link: `/referrals/${r.id}`,
      subjectType: 'referral',
      subjectId: r.id,
      dedupKey: `referral-ended:${r.id}:${status}`,
    });
  }

  /** NR-12 (s.13(4)): the written reasons given to the nearest relative for not applying. */
  async writtenReasons(actor: Actor, id: string, dto: WrittenReasonsDto): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      if (!r.nearestRelativeRequest)
        throw new UnprocessableProblem(
          'Written reasons under s.13(4) apply only where the nearest relative asked for the case to be considered.',
          'not-an-nr-request',
        );
      // NR-12 (s.13(4)): the reasons are for the decision not to apply, so they follow it (and the request it answers);
      // and, as every recorded time, not in the future.
      const givenAt = new Date(dto.givenAt);
      const owed = await this.reasonsOwedFrom(m, r);
      if (writtenReasonsTooEarly(givenAt, owed))
        throw new UnprocessableProblem(
          `givenAt (${formatLocal(givenAt, this.config.timeZone)}) cannot be before ${owed.what} (${formatLocal(owed.at, this.config.timeZone)}): written reasons under s.13(4) give the reasons for a decision already made.`,
          'written-reasons-before-decision',
          { field: 'givenAt', rule: 'NR-12' satisfies RuleId },
        );
      recordedInstant(givenAt, 'givenAt', this.clock.now(), CONTEXT_LEAD_DAYS);
      await this.changeWithEvent(
        m,
        'UPDATE referrals SET written_reasons_at = $2, written_reasons_method = $3, version = version + 1 WHERE id = $1',
        [id, givenAt, dto.method],
        { actor, type: 'written-reasons-recorded', data: { givenAt: givenAt.toISOString(), method: dto.method } },
      );
      await this.audit.record(m, {
        action: 'referral.written-reasons',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
      });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * NR-12 (s.13(4)): the earliest written reasons can have been given for the referral `r`: after the hub received it,
   * after it was last not accepted, and after the latest outcome recorded on its assessments (reasonsOwedFrom).
   */
  private async reasonsOwedFrom(m: EntityManager, r: Row): Promise<ReasonsOwedFrom> {
    const [notAccepted] = await m.query<Array<{ at: Date | null }>>(
      `SELECT max(at) AS at FROM referral_events WHERE referral_id = $1 AND type = 'not-accepted'`,
      [r.id],
    );
    const decided = (r.stopFacts?.outcomes ?? []).map((o) => new Date(o.decidedAt));
    return reasonsOwedFrom(new Date(r.receivedAt), notAccepted?.at ? new Date(notAccepted.at) : null, decided);
  }

  /** POL-08 (s.136B): one extension of up to 12 h, before expiry, by the examining doctor, for the person's condition. */
  async extend(actor: Actor, id: string, dto: ExtensionDto): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      const context = toLegalContext(r.legalContext);
      // POL-08 (s.136B(1)): the exact period the doctor authorised, to the minute (7.5 h is 7 h 30 min), to the rules.
      const minutes = minutesOfHours(dto.hours);
      // s.136B(1): an authorisation the doctor has given, at a time that has come; one "in the future" would move the
      // place-of-safety deadline at once, before anything lawful extends the detention. Refused like every recorded time.
      const now = this.clock.now();
      const ext: S136BExtension = {
        authorisedAt: recordedInstant(dto.authorisedAt, 'authorisedAt', now, CONTEXT_LEAD_DAYS),
        hours: minutes / 60,
        ...(dto.authorisedBy !== undefined ? { authorisedBy: dto.authorisedBy } : {}),
        authorisingDoctor: dto.authorisingDoctor ? await this.authorisingDoctor(dto.authorisingDoctor) : null,
        reason: dto.reason as S136BExtension['reason'],
        ...(dto.superintendentApprovedAt
          ? { superintendentApprovedAt: recordedInstant(dto.superintendentApprovedAt, 'superintendentApprovedAt', now, CONTEXT_LEAD_DAYS) }
          : {}),
      };
      const current = this.clocksOf(r).find((c) => c.id === 'POL-07' || c.id === 'POL-04');
      const findings = validateExtension(context, current?.deadline ?? now, ext, this.config.timeZone);
      if (findings.some((f) => f.severity === 'blocker'))
        throw new UnprocessableProblem(findings.map((f) => f.message).join(' '), findings[0].code, { findings });
      // s.136(3), s.135(3A): one detention across places of safety has one extension (POL-08), kept with the referral on
      // which it began, so that every referral of it (the row query reads that referral's too) applies it.
      const episode = (context.kind === 's136' || context.kind === 's135-1') && context.continues ? context.continues.referralId : id;
      try {
        await m.query(
          `INSERT INTO referral_extensions (referral_id, authorised_at, minutes, authorised_by, reason, superintendent_approved_at, recorded_by,
             authorising_doctor_id, authorising_doctor_name, authorising_doctor_gmc_number, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            episode,
            ext.authorisedAt,
            minutes,
            ext.authorisedBy ?? 'examining-doctor',
            ext.reason,
            ext.superintendentApprovedAt ?? null,
            actor.userId,
            ext.authorisingDoctor?.doctorId ?? null,
            ext.authorisingDoctor?.name ?? null,
            ext.authorisingDoctor?.gmcNumber ?? null,
            now,
          ],
        );
      } catch (err) {
        if (pgCode(err) === '23505')
          throw new UnprocessableProblem('Only one s.136B extension may be authorised.', 'second-extension', {
            rule: 'POL-08' satisfies RuleId,
          });
        throw err;
      }
      // The queue's order of the detention's other referrals moves with it.
      const others: Array<{ id: string }> = await m.query(
        `SELECT id FROM referrals WHERE (id = $1 OR legal_context->'continues'->>'referralId' = $1::text) AND id <> $2`,
        [episode, id],
      );
      for (const other of others) await this.refreshNextDeadline(m, other.id);
      const after = await this.row(m, id);
      await this.changeWithEvent(
        m,
        'UPDATE referrals SET next_deadline = $2, version = version + 1 WHERE id = $1',
        [id, this.runningSoonest(after)],
        {
          actor,
          type: 'extension-recorded',
          data: {
            hours: ext.hours,
            minutes,
            authorisedAt: ext.authorisedAt.toISOString(),
            ...(ext.authorisingDoctor ? { authorisingDoctor: ext.authorisingDoctor } : {}),
          },
        },
      );
      await this.audit.record(m, {
        action: 'referral.extension',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: {
          hours: ext.hours,
          minutes,
          ...(ext.authorisingDoctor?.doctorId ? { authorisingDoctorId: ext.authorisingDoctor.doctorId } : {}),
        },
      });
      await this.events.emit(m, {
        type: 'referral.extended',
        aggregateType: 'referral',
        aggregateId: id,
        payload: { referralId: id, hours: ext.hours, minutes },
      });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * s.136(3), s.135(3A) (POL-07, POL-04): the person was taken to another place of safety. Recorded on the referral's
   * legal context, its timeline and the audit trail; the period runs on from its first start (the clock does not move).
   * Refused (422, nothing stored) when validateTransfer finds a blocker about the record (outside the period, not a
   * place-of-safety detention); a child moved to a police station (POL-09) is recorded and raised at once, as at intake.
   */
  async transfer(actor: Actor, id: string, dto: TransferDto): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      await this.refuseWhenEnded(actor, r, 'move');
      const now = this.clock.now();
      const at = recordedInstant(dto.at, 'at', now, CONTEXT_LEAD_DAYS);
      // POL-10 (s.135(7)): as at intake, agreements given for a place that needs none are refused naming the field.
      refuseFieldErrors(placeOfSafetyConsentErrors(dto.placeOfSafetyType, dto.placeOfSafetyConsent, 'placeOfSafetyConsent'));
      const consent = dto.placeOfSafetyConsent ? { ...dto.placeOfSafetyConsent } : undefined;
      const move: PlaceOfSafetyTransfer = {
        at,
        placeOfSafetyType: dto.placeOfSafetyType,
        place: dto.place ?? null,
        ...(consent ? { placeOfSafetyConsent: consent } : {}),
      };
      // The detention may have ended earlier (the person admitted, or released after the assessment: POL-11).
      const clock = this.clocksOf(r).find((c) => c.id === 'POL-07' || c.id === 'POL-04');
      const stop = clock ? clockStop(clock, this.stopFactsOf(r, now), this.config.timeZone) : null;
      // POL-09: the age at the place of safety from the flag and the date of birth on record now (withAgeOnRecord), a
      // child by a date of birth recorded before its basis was kept known by the blocker intake recorded.
      const aged = withAgeOnRecord(
        withRecordedAgeBasis(toLegalContext(r.legalContext), r.intakeFindings),
        r.person.dateOfBirth,
        new Date(r.receivedAt),
        this.config.timeZone,
      );
      const findings = validateTransfer(aged, this.extensionsOf(r), move, this.config.timeZone, stop);
      const refusing = findings.filter(refusesIntake);
      // The same move again (moves sent at once, a retry without an Idempotency-Key): it is recorded once, the rest lose.
      const repeat = refusing.find((f) => f.code === 'transfer-already-recorded');
      if (repeat) throw new ConflictProblem(repeat.message, repeat.code);
      if (refusing.length)
        throw new UnprocessableProblem(refusing.map((f) => f.message).join(' '), refusing[0].code, {
          findings,
          errors: [{ field: 'at', messages: refusing.map((f) => f.message) }],
        });
      // POL-10: the move's own warnings about the agreements to the new place, with the others the move raised.
      const codes = [...findings, ...placeOfSafetyConsentFindings(move.placeOfSafetyType, consent)].map((f) => f.code);
      const agreed = consentSummary(consent);
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET legal_context = jsonb_set(legal_context, '{transfers}', coalesce(legal_context->'transfers', '[]'::jsonb) || $2::jsonb),
                version = version + 1 WHERE id = $1`,
        // As JSON text: the driver would send an array as a Postgres array.
        [id, JSON.stringify([{ at: at.toISOString(), placeOfSafetyType: move.placeOfSafetyType, place: move.place, ...agreed }])],
        {
          actor,
          type: 'place-of-safety-moved',
          data: { at: at.toISOString(), placeOfSafetyType: move.placeOfSafetyType, ...agreed, codes },
        },
      );
      await this.audit.record(m, {
        action: 'referral.place-of-safety-moved',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { at: at.toISOString(), placeOfSafetyType: move.placeOfSafetyType, ...agreed, codes },
      });
      await this.events.emit(m, {
        type: 'referral.place-of-safety-moved',
        aggregateType: 'referral',
        aggregateId: id,
        payload: { referralId: id, at: at.toISOString(), placeOfSafetyType: move.placeOfSafetyType },
      });
      // POL-09 (s.136A(1)): the referral's findings, and the pages, follow the child to where she is held now; POL-10's
      // (s.135(7)) follow the person to the new place and the agreements to it.
      await this.rejudgePoliceStation(m, await this.row(m, id), actor, 'place-of-safety-moved', basis);
      const moved = await this.row(m, id);
      return this.view((await this.rejudgePlaceOfSafetyConsent(m, moved, actor, basis)) ? await this.row(m, id) : moved);
    });
  }

  /**
   * The arrival not known at intake, recorded when it happens: a recalled community patient's detention in hospital
   * beginning (CTO-03, s.17F(8)), or a person taken under a s.135(1) warrant reaching the place of safety (POL-04,
   * s.135(3ZA)(a)(i)). Until then the clock runs, provisionally, from the notice or the warrant's execution (never too
   * late); from it, from the arrival. Recorded once (409 `arrival-already-recorded`); refused (422 naming `at`) for a
   * power whose clock does not run from an arrival, before the notice or the warrant, or in the future. Audited, on the
   * timeline, published, and the queue's order follows the clock.
   */
  async recordArrival(actor: Actor, id: string, dto: ArrivalDto): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      await this.refuseWhenEnded(actor, r, 'arrival');
      const raw = r.legalContext as Record<string, unknown>;
      const kind = raw.kind as 'cto-recall' | 's135-1';
      const recordable = arrivalRecordable(toLegalContext(raw));
      if (!recordable.ok) {
        const errors = [{ field: 'at', messages: [recordable.why] }];
        throw recordable.code === 'arrival-already-recorded'
          ? new ConflictProblem(
              `The arrival is already recorded (${formatLocal(new Date(raw.arrivedAt as string), this.config.timeZone)}).`,
              recordable.code,
              { errors },
            )
          : new UnprocessableProblem(recordable.why, recordable.code, { errors });
      }
      const now = this.clock.now();
      const at = recordedInstant(dto.at, 'at', now, CONTEXT_LEAD_DAYS);
      const policy = this.policy();
      // The checks intake makes of the context, as at now, with the arrival: what the arrival makes wrong (before the
      // recall notice, before the warrant) refuses it; what the context already said without it is not asked again.
      this.refuseAsIntake(toLegalContext(raw), toLegalContext({ ...raw, arrivedAt: at.toISOString() }), now, policy, 'at');
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET legal_context = jsonb_set(legal_context, '{arrivedAt}', to_jsonb($2::text)), version = version + 1 WHERE id = $1`,
        [id, at.toISOString()],
        { actor, type: 'arrival-recorded', data: { at: at.toISOString(), legalContext: kind } },
      );
      await this.refreshNextDeadline(m, id);
      await this.audit.record(m, {
        action: 'referral.arrival-recorded',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { at: at.toISOString(), legalContext: kind },
      });
      await this.events.emit(m, {
        type: 'referral.arrival-recorded',
        aggregateType: 'referral',
        aggregateId: id,
        payload: { referralId: id, at: at.toISOString(), legalContext: kind },
      });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * A time a statutory clock runs from, corrected earlier or later (the police or the ward gave a wrong time): a s.136
   * arrival at the place of safety or decision to keep (s.136(2A), POL-07), a s.135(1) warrant executed, arrival or
   * first entry (s.135(3ZA), POL-04), a s.5(2) report or the s.5(4) record before it (s.5(2), s.5(5)), a s.5(4) record
   * (HOLD-02), a CTO recall notice or arrival (s.17F(8), CTO-03): timeCorrectable says which the context has. The time
   * is a recorded one (not in the future), changed (422 `time-unchanged`), and not one the record makes impossible:
   * the intake checks the context with it refuse what it makes wrong (an arrival before the warrant, a s.5(4) record
   * after the report), and a place of safety's first start cannot come after a move recorded from it (s.136(3),
   * s.135(3A)). With the reason, on the timeline (`time-corrected`), audited and published; If-Match (412) guards a
   * correction made on a record read before another change. The clocks are worked out again from it (the queue's
   * next deadline too, of every referral of the same detention), and at once, in the same transaction, on each of
   * them still open, what was told of the old end is put in line (ClockAlerts.raise, settle): the pages and warnings of an end moved earlier (or later
   * past their stage) are closed `deadline-moved`, and whoever holds the job (else the managers, and the managers on
   * call paged) is warned again by the new end: paged now when it is within a warning lead, and paged of the breach
   * when the corrected time shows the detention is already past its lawful limit (the overrun the clock job raises).
   */
  async correctTime(actor: Actor, id: string, dto: TimeCorrectionDto, expectedVersion?: ExpectedVersion): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      assertVersion(expectedVersion, r.version);
      await this.refuseWhenEnded(actor, r, 'time');
      if (dto.acknowledgements !== undefined && dto.time !== S4_ADMISSION_TIME)
        throw unprocessableField(
          'acknowledgements',
          `acknowledgements: are given only on a s.4 admission's correction (${S4_ADMISSION_TIME}).`,
          'acknowledgements-not-admission',
        );
      const now = this.clock.now();
      const at = recordedInstant(dto.at, 'at', now, CONTEXT_LEAD_DAYS);
      if (dto.time === S4_ADMISSION_TIME) {
        // APP-11 (s.4(4)): the admission the s.4's 72 hours run from is the assessment's record: corrected there, with its
        // refusals (unchanged, before the application, after the authority to convey unanswered: APP-12, APP-14), and
        // the conversion and the conveyance window judged again from it; the referral keeps the correction on its timeline.
        const corrected = await this.s4Admissions.correct(m, actor, id, at, dto.reason, dto.acknowledgements);
        // The pages of the s.4's old end were put in line by the correction itself (clocksCorrected, from the
        // assessments module's one path for moving the admission, also taken by PATCH /assessments/{id}/events/{eventId}).
        await this.s4AdmissionCorrected(m, actor, id, basis, { ...corrected, to: at, reason: dto.reason });
        return this.view(await this.row(m, id));
      }
      const raw = r.legalContext as Record<string, unknown>;
      const context = toLegalContext(raw);
      const correctable = timeCorrectable(context, dto.time);
      if (!correctable.ok)
        throw new UnprocessableProblem(correctable.why, correctable.code, { errors: [{ field: 'time', messages: [correctable.why] }] });
      const from = correctable.current;
      if (at.getTime() === from.getTime())
        throw unprocessableField('at', `${dto.time} is already ${from.toISOString()}: there is nothing to correct.`, 'time-unchanged');
      // The checks intake makes of the context, as at now, with the corrected time: what it makes wrong refuses it; what
      // the context already said without it is not asked again (as for an arrival recorded later).
      const policy = this.policy();
      const corrected = { ...raw, [dto.time]: at.toISOString() };
      this.refuseAsIntake(context, toLegalContext(corrected), now, policy, 'at');
      // POL-06 (s.136(1C)): the consultation recorded comes before the power was used; an arrival (or a decision to
      // keep) corrected to before it would make the record say otherwise, so it is refused as intake refuses it.
      const zone = this.config.timeZone;
      const receivedAt = new Date(r.receivedAt);
      const recordErrors = raisedAnew(
        policeRecordErrors(context, receivedAt, zone),
        policeRecordErrors(toLegalContext(corrected), receivedAt, zone),
      );
      if (recordErrors.length)
        throw new UnprocessableProblem(recordErrors.map((e) => e.message).join(' '), recordErrors[0].code, {
          errors: [{ field: 'at', messages: recordErrors.map((e) => e.message) }],
        });
      // s.136(3), s.135(3A): a move to another place of safety is from the first; the first start cannot follow it.
      const moves = (raw.transfers as Array<{ at: string }> | undefined) ?? [];
      const firstMove = moves.map((t) => new Date(t.at)).sort((a, b) => a.getTime() - b.getTime())[0];
      if (firstMove && (dto.time === 'arrivedAt' || dto.time === 'keptAt' || dto.time === 'firstEnteredAt') && at > firstMove) {
        const why = `The person was moved to another place of safety at ${formatLocal(firstMove, this.config.timeZone)}: the detention began before that, not at ${formatLocal(at, this.config.timeZone)}.`;
        throw new UnprocessableProblem(why, 'time-after-move', { errors: [{ field: 'at', messages: [why] }] });
      }
      const data = { time: dto.time, from: from.toISOString(), to: at.toISOString(), reason: dto.reason };
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET legal_context = jsonb_set(legal_context, ARRAY[$2::text], to_jsonb($3::text)), version = version + 1 WHERE id = $1`,
        [id, dto.time, at.toISOString()],
        { actor, type: 'time-corrected', data },
      );
      await this.refreshNextDeadline(m, id);
      // The other referrals of the same detention run from this one's start (s.136(2A), s.135(3ZA)): their queue order too.
      const others: Array<{ id: string }> = await m.query(
        `SELECT id FROM referrals WHERE legal_context->'continues'->>'referralId' = $1::text AND id <> $1::uuid`,
        [id],
      );
      // Each keeps the start of the period it continues (continues.startedAt, as at its intake): the corrected one now.
      const start = this.clocksOf(await this.row(m, id)).find((c) => c.id === 'POL-07' || c.id === 'POL-04')?.anchor;
      for (const other of others) {
        if (start)
          await this.changeWithEvent(
            m,
            `UPDATE referrals SET legal_context = jsonb_set(legal_context, '{continues,startedAt}', to_jsonb($2::text)), version = version + 1
              WHERE id = $1 AND legal_context->'continues'->>'startedAt' IS DISTINCT FROM $2::text`,
            [other.id, start.toISOString()],
            {
              actor,
              type: 'time-corrected',
              data: { time: 'continues.startedAt', referralId: id, to: start.toISOString(), reason: dto.reason },
            },
          );
        await this.refreshNextDeadline(m, other.id);
      }
      await this.timeCorrected(m, actor, r, basis, dto, from, at);
      await this.clocksCorrected(m, [id, ...others.map((o) => o.id)], now);
      return this.view(await this.row(m, id));
    });
  }

  /**
   * A referral that has ended (closed, withdrawn, transferred...) takes no more of what its detention's clocks run from:
   * the one refusal of every route that records or moves such a time, so that they answer alike (an arrival, a move to
   * another place of safety, POST /referrals/{id}/time-corrections, and the s.4's admission, APP-11, moved on its
   * assessment's timeline through s4AdmissionMovable). 409 `referral-not-open`, nothing changed, and the refusal kept
   * as a refused attempt (`access.denied`, written in a transaction of its own), as a closed assessment's is.
   */
  private async refuseWhenEnded(
    actor: Actor,
    r: Pick<Row, 'id' | 'status' | 'personId'>,
    what: 'arrival' | 'move' | 'time',
  ): Promise<void> {
    if (isOpen(r.status)) return;
    await this.access.recordDenied(actor, 'person.write', { type: 'referral', id: r.id }, `The referral is ${r.status}.`, r.personId);
    const detail = {
      arrival: `A ${r.status} referral's detention is over: an arrival cannot be recorded on it.`,
      move: `A ${r.status} referral's detention is over: a move cannot be recorded on it.`,
      time: `A ${r.status} referral's clocks have stopped: a time cannot be corrected on it.`,
    }[what];
    throw new ConflictProblem(detail, 'referral-not-open', { allowed: TRANSITIONS[r.status] });
  }

  /**
   * For the assessments module, before it moves the admission a s.4's 72 hours run from (APP-11) on the assessment's
   * timeline, in the caller's transaction (the referral already locked: lockForAssessment): refused on an ended referral
   * as POST /referrals/{id}/time-corrections refuses it (refuseWhenEnded).
   */
  async s4AdmissionMovable(m: EntityManager, actor: Actor, id: string): Promise<void> {
    await this.refuseWhenEnded(actor, await this.row(m, id), 'time');
  }

  /**
   * APP-11 (s.4(4)): the admission a s.4's 72 hours run from was moved (by the assessments module's one path, whichever
   * route moved it: POST /referrals/{id}/time-corrections `s4AdmittedAt`, or PATCH /assessments/{id}/events/{eventId}),
   * in the caller's transaction: the referral keeps the correction on its timeline (`time-corrected`, with the reason
   * and the assessment it was moved on), its version moves on, its queue's deadline follows, and it is audited
   * (`referral.time-corrected`) and published, so both routes leave the same record. `basis` is the access basis the
   * caller's change was allowed on; the referral row is already locked (lockForChange, lock).
   */
  async s4AdmissionCorrected(
    m: EntityManager,
    actor: Actor,
    id: string,
    basis: string,
    move: { assessmentId: string; from: Date; to: Date; reason: string },
  ): Promise<void> {
    const r = await this.row(m, id);
    const data = {
      time: S4_ADMISSION_TIME,
      from: move.from.toISOString(),
      to: move.to.toISOString(),
      reason: move.reason,
      assessmentId: move.assessmentId,
    };
    await this.changeWithEvent(m, `UPDATE referrals SET version = version + 1 WHERE id = $1`, [r.id], {
      actor,
      type: 'time-corrected',
      data,
    });
    await this.refreshNextDeadline(m, r.id);
    await this.timeCorrected(m, actor, r, basis, { time: S4_ADMISSION_TIME, reason: move.reason }, move.from, move.to);
  }

  /** The end of every time correction (correctTime, s4AdmissionCorrected): audited and published. */
  private async timeCorrected(
    m: EntityManager,
    actor: Actor,
    r: Row,
    basis: string,
    dto: Pick<TimeCorrectionDto, 'time' | 'reason'>,
    from: Date,
    at: Date,
  ): Promise<void> {
    const id = r.id;
    await this.audit.record(m, {
      action: 'referral.time-corrected',
      resourceType: 'referral',
      resourceId: id,
      subjectPersonId: r.personId,
      accessBasis: basis,
      details: { time: dto.time, from: from.toISOString(), to: at.toISOString(), reason: dto.reason },
    });
    await this.events.emit(m, {
      type: 'referral.time-corrected',
      aggregateType: 'referral',
      aggregateId: id,
      payload: { referralId: id, time: dto.time, from: from.toISOString(), to: at.toISOString() },
    });
  }

  /**
   * A start a statutory clock runs from was corrected (correctTime; for a s.4's admission, the assessments module's one
   * path that moves it, whichever route moved it): what was told of the old end is put right, and the new end told,
   * now, in the caller's transaction, on each open referral of `ids` (the corrected one, then those of the same
   * detention, whose clocks run from its start): the pages and warnings of an end moved earlier, or later past their
   * stage, are closed `deadline-moved`, and whoever holds the job (else the managers, the managers on call paged) is
   * warned by the new end at once (ClockAlerts.raise, settle; DUTY-01, DUTY-03), not at the clock job's next run.
   */
  async clocksCorrected(m: EntityManager, ids: string[], now: Date): Promise<void> {
    const queued = this.clockAlerts.whileQueued(m, now);
    for (const each of ids) {
      const after = await this.row(m, each);
      if (!isOpen(after.status)) continue;
      await this.clockAlerts.raise(
        m,
        { id: each, reference: after.reference, allocatedUserId: after.allocatedUserId, clocks: warnedClocks(this.view(after)) },
        now,
        queued,
      );
    }
  }

  /**
   * POL-06 (s.136(1C)), POL-02 (s.135(4)): the police's answer about how they used the power, given after intake
   * (POST /referrals/{id}/police-record): a s.136's consultation before removal, or who attended a s.135 warrant's
   * execution. Intake's warnings ask the hub to get it (s136-consultation-not-recorded, warrant-executed-unaccompanied,
   * ...); this records it, in place of what intake recorded. By the referrer who made the referral (the police account),
   * else by hub staff as any correction of the referral is (actionFor: a duty AMHP until allocated, then the allocated
   * AMHP; a manager). Judged as intake judges it (legalContextFieldErrors, policeRecordErrors, the attending AMHP and
   * doctor named from their records: warrantAttendance), whatever the referral's status (a record after the fact, as
   * a detention's end is). With the reason, on the timeline (`police-record-corrected`), audited and published; the
   * rule's findings are judged again and, changed, stand in place of intake's (`findings-rejudged`, as POL-09's are).
   * If-Match (412) guards a correction made on a record read before another change; the row is locked, so two answers
   * sent at once are one after the other.
   */
  async recordPoliceAnswer(
    actor: Actor,
    id: string,
    dto: PoliceRecordDto,
    expectedVersion?: ExpectedVersion,
  ): Promise<ReferralDto | ReferralStatusDto> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE', [id]);
      // The police account that made the referral answers for it; another referrer is refused as for reading it.
      const { r, asReferrer } = await this.reached(m, actor, id);
      const basis = asReferrer ? 'own:referrer' : await this.requirePerson(actor, r, this.actionFor(r), m);
      assertVersion(expectedVersion, r.version);
      const raw = r.legalContext as Record<string, unknown>;
      const kind = raw.kind as string;
      const field = (POLICE_RECORD_FIELD as Record<string, PoliceRecordField | undefined>)[kind];
      if (!field)
        throw new ConflictProblem(
          `This referral's legal context (${kind}) records no use of a police power: the consultation before a s.136 (POL-06) and the attendance at a s.135 warrant's execution (POL-02) are recorded on s.136 and s.135 referrals.`,
          'no-police-power',
          { rule: 'POL-06' satisfies RuleId },
        );
      // As at intake: a record another power's context does not keep is 400 naming it; the power's own is needed.
      const given = {
        kind,
        policeConsultation: dto.policeConsultation,
        executionAttendance: dto.executionAttendance,
        warrantExecutedAt: dto.warrantExecutedAt,
      };
      const misplaced = legalContextFieldErrors(given, '');
      if (!dto[field]) misplaced.push({ field, message: `${field}: give the police's answer, the record a ${kind} referral keeps.` });
      if (misplaced.length) throw new ValidationProblem(misplaced.map((e) => ({ field: e.field, messages: [e.message] })));
      if (dto.warrantExecutedAt !== undefined && raw.warrantExecutedAt !== undefined)
        throw unprocessableField(
          'warrantExecutedAt',
          'The time the warrant was executed is already recorded: a wrong one is corrected with POST /referrals/{id}/time-corrections.',
          'warrant-execution-time-recorded',
        );
      const receivedAt = new Date(r.receivedAt);
      // As intake judges the legal context's times: one far before the referral is a mistyped year (a time after its
      // receipt is refused below, by intakeFindings, as at intake).
      if (dto.warrantExecutedAt && new Date(dto.warrantExecutedAt).getTime() < receivedAt.getTime() - CONTEXT_LEAD_DAYS * 86_400_000)
        recordedInstant(dto.warrantExecutedAt, 'warrantExecutedAt', receivedAt, CONTEXT_LEAD_DAYS);
      const consultedAt = dto.policeConsultation?.at;
      if (consultedAt) recordedInstant(consultedAt, 'policeConsultation.at', receivedAt, CONTEXT_LEAD_DAYS);
      const zone = this.config.timeZone;
      const before = toLegalContext(raw);
      const answered = toLegalContext({
        ...raw,
        [field]: dto[field],
        ...(dto.warrantExecutedAt ? { warrantExecutedAt: dto.warrantExecutedAt } : {}),
      });
      refuseFieldErrors(policeRecordErrors(answered, receivedAt, zone, ''));
      // A time given with it is judged as intake's are (never after the referral's receipt); what the context already
      // said without it is not asked again (as for a time corrected).
      this.refuseAsIntake(before, answered, receivedAt, this.policy(), 'warrantExecutedAt');
      // Kept as intake keeps it: the attending AMHP and doctor as their records name them now.
      const record: Record<string, unknown> =
        field === 'executionAttendance'
          ? { ...(await this.warrantAttendance(m, dto.executionAttendance!, 'executionAttendance')) }
          : { ...dto.policeConsultation };
      const was = raw[field] as Record<string, unknown> | undefined;
      // The same record, its time written either way (00:40Z, 00:40:00.000Z), says nothing new.
      const same = (rec: Record<string, unknown>) =>
        JSON.stringify(canonical(typeof rec.at === 'string' ? { ...rec, at: new Date(rec.at).toISOString() } : rec));
      if (was && same(was) === same(record) && !dto.warrantExecutedAt)
        throw unprocessableField(field, `The ${field} recorded already says this: there is nothing to correct.`, 'police-record-unchanged');
      const codesOf = (rec: Record<string, unknown> | undefined) =>
        rec === undefined
          ? null
          : policeRecordSummary(
              field === 'policeConsultation' ? (rec as { consulted: string; profession?: string }) : undefined,
              field === 'executionAttendance' ? rec : undefined,
            )[field];
      const rule = POLICE_RECORD_RULE[field];
      const shownBefore = findingsOf(r).filter((f) => f.rule === rule);
      const after = policeRecordFindings(answered);
      const codes = after.map((f) => f.code);
      const data = {
        record: field,
        from: codesOf(was),
        to: codesOf(record),
        ...(dto.warrantExecutedAt ? { warrantExecutedAt: new Date(dto.warrantExecutedAt).toISOString() } : {}),
        codes,
        reason: dto.reason,
      };
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET legal_context = legal_context || $2::jsonb, version = version + 1 WHERE id = $1`,
        [id, JSON.stringify({ [field]: record, ...(dto.warrantExecutedAt ? { warrantExecutedAt: data.warrantExecutedAt } : {}) })],
        { actor, type: 'police-record-corrected', data },
      );
      const shown = (fs: Finding[]) => JSON.stringify(fs.map((f) => [f.code, f.message]));
      const personUnder18 = (raw.personUnder18 as boolean | undefined) ?? null;
      if (shown(shownBefore) !== shown(after))
        await this.event(m, id, actor, 'findings-rejudged', { rule, cause: 'police-record', findings: after, codes, personUnder18 });
      await this.audit.record(m, {
        action: 'referral.police-record-corrected',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: data,
      });
      const to = data.to as { consulted?: string; amhp?: string; doctor?: string };
      await this.events.emit(m, {
        type: 'referral.police-record-corrected',
        aggregateType: 'referral',
        aggregateId: id,
        payload: {
          referralId: id,
          record: field,
          codes,
          ...(field === 'policeConsultation'
            ? { consulted: to.consulted as PoliceConsultation['consulted'] }
            : { amhp: to.amhp as AttendanceCodes['amhp'], doctor: to.doctor as AttendanceCodes['doctor'] }),
        },
      });
      if (shown(shownBefore) !== shown(after))
        await this.events.emit(m, {
          type: 'referral.findings-rejudged',
          aggregateType: 'referral',
          aggregateId: id,
          payload: { referralId: id, rule, cause: 'police-record', codes, personUnder18 },
        });
      const row = await this.row(m, id);
      return asReferrer ? this.statusView(row) : this.view(row);
    });
  }

  /**
   * APP-17 / APP-22 (s.23, s.25, s.2(4), s.6(4)): how the s.2 the referral states the patient is already on
   * (`already-s2`) ended: a discharge (who, when; the nearest relative's s.25 notice and any barring), its lapse at the
   * end of its 28 days (with any s.29(4) extension, NR-11) once they have run, or admission under a s.3. The same
   * request, refusals and record as the end recorded on an assessment (assessments/detention-end.ts, judgeDetentionEnd),
   * for the s.2 from the admission the referral states. Recorded once (409 `detention-end-recorded`, also when the
   * hub's own assessment of the same admission has it); kept on the legal context (`detentionEnded`), on the timeline
   * (`detention-ended`), audited and published. From then APP-17 no longer refuses a further s.2 on it, NR-03 no
   * longer counts it as remaining, and its clock stops (met) with the reason. Kept after the fact, whatever the
   * referral's status.
   */
  async recordDetentionEnd(actor: Actor, id: string, dto: DetentionEndDto, expectedVersion?: ExpectedVersion): Promise<ReferralDto> {
    const now = this.clock.now();
    const times = detentionEndTimes(dto, now);
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      assertVersion(expectedVersion, r.version);
      const context = r.legalContext as Record<string, unknown>;
      if (context.kind !== 'already-s2')
        throw new ConflictProblem(
          'This referral does not state that the patient is already detained under a s.2 (legal context already-s2): there is no s.2 on it to end. The end of a detention under an application the hub made is recorded on its assessment (POST /assessments/{id}/detention-end).',
          'no-s2-stated',
          { rule: 'APP-22' satisfies RuleId },
        );
      const zone = this.config.timeZone;
      const recorded = this.statedS2EndOf(r);
      refuseSecondEnd(
        recorded,
        zone,
        recorded?.assessmentId ? `, on the hub's own assessment of the same admission (${recorded.assessmentId})` : '',
      );
      const admittedAt = new Date(context.admittedAt as string);
      const s2 = s2End(admittedAt, this.s29Of(r), zone, this.config.s29AppealDays);
      const judged = judgedDetentionEnd({ section: 's2', admittedAt, s2: { end: s2.end, open: endNotKnown(s2.extension) } }, dto, times, {
        now,
        zone,
        recordedBy: actor.userId,
      });
      const ended = judged.record;
      await this.changeWithEvent(
        m,
        `UPDATE referrals SET legal_context = jsonb_set(legal_context, '{detentionEnded}', $2::jsonb), version = version + 1 WHERE id = $1`,
        [id, JSON.stringify(ended)],
        { actor, type: 'detention-ended', data: { kind: ended.kind, at: ended.at, by: ended.by, note: judged.note } },
      );
      await this.refreshNextDeadline(m, id);
      await this.audit.record(m, {
        action: 'referral.detention-end',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { kind: ended.kind, at: ended.at, by: ended.by },
      });
      await this.events.emit(m, {
        type: 'referral.detention-end',
        aggregateType: 'referral',
        aggregateId: id,
        payload: { referralId: id, kind: ended.kind, at: ended.at, ...(ended.by ? { by: ended.by } : {}) },
      });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * POL-08 (s.136B(1)): the doctor who authorised an extension; POL-02 (s.135(4)): the doctor who attended a warrant's
   * execution (`prefix` names the field). One on the register is named from it (its name and GMC number as they stand
   * now are kept with the record); one not on it is named with their GMC number.
   */
  private async authorisingDoctor(
    dto: NonNullable<ExtensionDto['authorisingDoctor']>,
    prefix = 'authorisingDoctor',
  ): Promise<NonNullable<S136BExtension['authorisingDoctor']>> {
    const field = (name: string, message: string) => ({ errors: [{ field: `${prefix}.${name}`, messages: [message] }] });
    if (!dto.doctorId) return { doctorId: null, name: dto.name!, gmcNumber: dto.gmcNumber! };
    if (dto.name !== undefined || dto.gmcNumber !== undefined)
      throw new UnprocessableProblem(
        'Give the doctor from the register (doctorId) or by name and GMC number, not both.',
        'authorising-doctor-ambiguous',
        field('doctorId', 'doctorId is given: leave out name and gmcNumber'),
      );
    const doctor = await this.doctors.get(dto.doctorId).catch((err: unknown) => {
      if (err instanceof NotFoundProblem)
        throw new UnprocessableProblem(
          'That doctor is not on the register.',
          'unknown-doctor',
          field('doctorId', 'doctorId must be a doctor on the register'),
        );
      throw err;
    });
    return { doctorId: doctor.id, name: doctor.name, gmcNumber: doctor.gmcNumber };
  }

  /**
   * Allocate to a named AMHP, eligible now (the workforce rules) or with a manager's recorded override. Moving a
   * referral already allocated needs the version the manager read (If-Match): two managers allocating at once must
   * not both be told they won, the later silently moving the earlier's AMHP off the job. Without it, 409 naming who
   * has it; with a stale one, 412.
   */
  async allocate(actor: Actor, id: string, dto: AllocateDto, expectedVersion?: ExpectedVersion): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id);
      assertVersion(expectedVersion, r.version);
      if (r.status !== 'accepted' && r.status !== 'allocated')
        throw new ConflictProblem(`A ${r.status} referral cannot be allocated.`, 'illegal-transition', { allowed: TRANSITIONS[r.status] });
      if (r.status === 'allocated' && expectedVersion === undefined) {
        if (r.allocatedUserId === dto.userId) return this.view(r);
        throw new ConflictProblem(
          `This referral was allocated at ${formatLocal(new Date(r.allocatedAt!), this.config.timeZone)} to another AMHP. To move it, send If-Match with the version you read.`,
          'already-allocated',
          { allocatedUserId: r.allocatedUserId, allocatedAt: isoOrNull(r.allocatedAt), currentETag: etagFor(r.version) },
        );
      }
      const now = this.clock.now();
      // AMHP-01 (MHA 1983 s.114, s.13): only an approved mental health professional can assess and apply. A manager's
      // override is for an AMHP who may not act now (an approval lapsed, training short), never for someone who is
      // not an AMHP at all: an account without the AMHP role or with no practitioner record (a referrer, an auditor,
      // an admin, or an id of another kind) is refused naming userId, whatever the reason given.
      await this.users.requireActiveWithRole(m, [dto.userId], ['amhp'], 'userId', 'not-an-amhp');
      const eligible = await this.eligibility.forUser(dto.userId, now, new Date(now.getTime() + 60_000), m);
      if (eligible.practitionerId === null)
        throw new UnprocessableProblem('userId must name an AMHP: this user has no AMHP practitioner record.', 'not-an-amhp', {
          errors: [{ field: 'userId', messages: ['must be an AMHP with a practitioner record'] }],
          findings: eligible.findings,
        });
      const hard = hardFindings(eligible);
      if (hard.length && !dto.overrideReason) {
        throw new UnprocessableProblem(
          `This AMHP may not act now: ${hard.map((f) => f.message).join(' ')} A manager may override with a reason.`,
          'amhp-not-eligible',
          { findings: eligible.findings },
        );
      }
      if (r.status === 'allocated' && r.allocatedUserId !== dto.userId) {
        await this.access.end(m, 'referral-allocation', id, now);
        // Reallocated: the clock pages stop waiting and escalating (DUTY-03 is about the job's holder), and the clock
        // warnings in the inbox of the AMHP who held it are closed; the AMHP who holds it now is warned and paged about
        // its clocks at once (allocateIn).
        await this.pages.closeFor(m, id, 'clock', 'reallocated');
        if (r.allocatedUserId)
          await this.notifications.close(m, { subjectId: id, dedupPrefix: `clock:${id}:`, userId: r.allocatedUserId }, 'reallocated');
      } else if (r.status === 'allocated') await this.access.end(m, 'referral-allocation', id, now);
      await this.allocateIn(m, actor, r, dto.userId, now, {
        overrideReason: hard.length ? dto.overrideReason : undefined,
        overridden: hard.map((f) => f.code),
      });
      if (hard.length) {
        await this.alerts.raiseAlert(m, {
          kind: 'allocation-override',
          subjectType: 'referral',
          subjectId: id,
          personId: r.personId,
          raisedBy: actor.userId,
          summary: `Allocated to a user not eligible to act as an AMHP: ${hard.map((f) => f.code).join(', ')}`,
        });
      }
      return this.view(await this.row(m, id));
    });
  }

  /** Offer the referral to AMHPs (default: everyone on duty now); the first to accept is allocated. */
  async offer(actor: Actor, id: string, userIds?: string[]): Promise<OfferViewDto[]> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id, actor);
      const basis = await this.requirePerson(actor, r, this.actionFor(r), m);
      if (r.status !== 'accepted')
        throw new ConflictProblem(`Only an accepted referral can be offered; this one is ${r.status}.`, 'not-offerable', {
          allowed: TRANSITIONS[r.status],
        });
      const now = this.clock.now();
      // An offer is an allocation its recipient takes: it follows the allocation rules (an active account with the
      // AMHP role, eligible to act now: AMHP-01/03/05/07), and, made by an AMHP rather than a manager (who may allocate
      // to any eligible AMHP), goes only to the AMHPs on duty now and never to themselves, which would let them
      // allocate to themselves.
      const manager = this.access.hasRole(actor, 'referrals.allocate');
      const onDuty = new Set((await this.duty.onDuty()).onDuty.flatMap((s) => s.amhps.map((a) => a.userId)));
      const targets = userIds?.length ? [...new Set(userIds)] : [...onDuty].filter((u) => manager || u !== actor.userId);
      if (!targets.length)
        throw new UnprocessableProblem('Nobody else is on duty now to offer this referral to; name the AMHPs.', 'nobody-on-duty');
      // Why an AMHP making the offer may not offer it to `userId` (a manager may offer to anyone eligible).
      const notForThisAmhp = (userId: string): string | null =>
        manager
          ? null
          : userId === actor.userId
            ? 'you cannot offer a referral to yourself (a manager allocates)'
            : onDuty.has(userId)
              ? null
              : 'not on duty now';
      // Who of the rest is an active AMHP, and eligible now: read for all of them at once.
      const amhps = [
        ...(await this.users.activeWithRole(
          m,
          targets.filter((u) => !notForThisAmhp(u)),
          'amhp',
        )),
      ];
      const eligible = await this.eligibility.forUsers(amhps, now, new Date(now.getTime() + 60_000), m);
      const hardOf = new Map(amhps.map((userId, i) => [userId, hardFindings(eligible[i])]));
      const refused: string[] = [];
      for (const userId of targets) {
        const hard = hardOf.get(userId) ?? [{ code: 'not-an-active-amhp' }];
        const why = notForThisAmhp(userId) ?? (hard.length ? `may not act as an AMHP now (${hard.map((f) => f.code).join(', ')})` : null);
        if (why) refused.push(`${userId}: ${why}`);
      }
      if (refused.length)
        throw new UnprocessableProblem(`The referral cannot be offered to: ${refused.join('; ')}.`, 'offer-not-allowed', {
          errors: [{ field: 'userIds', messages: refused }],
        });
      const deadline = this.runningClocks(r)[0];
      const offered: string[] = [];
      for (const userId of targets)
        if (await this.offerTo(m, r, userId, now, actor.userId, deadline, { kind: 'offer', step: 0 })) offered.push(userId);
      // A new offer starts the offer chain afresh (its newest step 0, DUTY-03): the managers' page and word that nobody
      // accepted the job, from before, are answered by it (`offered-again`), so that if this offer goes unaccepted too
      // the chain's last step pages and tells them again, rather than finding them paged already. Someone offered
      // again who holds an open offer already is not offered, nor paged, twice (offerTo).
      if (offered.length) {
        await this.pages.closeFor(m, id, 'offer', 'offered-again', { step: LAST_STEP });
        await this.notifications.close(m, { subjectId: id, dedupKeys: [offerChainKey(id)] }, 'offered-again');
      }
      // The timeline says who was offered it now, and who already held an open offer of it (offered nothing more).
      const alreadyOpen = targets.filter((u) => !offered.includes(u));
      await this.event(m, id, actor, 'offered', { userIds: offered, ...(alreadyOpen.length ? { alreadyOpen } : {}) });
      await this.audit.record(m, {
        action: 'referral.offer',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { userIds: offered, ...(alreadyOpen.length ? { alreadyOpen } : {}) },
      });
      return this.offers(m, id);
    });
  }

  /**
   * One offer of the referral to one AMHP, in the caller's transaction: the offer, their notification and their page
   * (step 0 of the chain `offer:<referral>`, or a step of its escalation), their duty access to the person while it
   * is open, and the event. False when they have an open offer of it already.
   */
  private async offerTo(
    m: EntityManager,
    r: Row,
    userId: string,
    now: Date,
    offeredBy: string,
    deadline: { label: string; deadlineLocal: string } | undefined,
    page: { kind: 'offer' | 'escalation'; step: number },
  ): Promise<boolean> {
    const id = r.id;
    const open = await m.query('SELECT 1 FROM allocation_offers WHERE referral_id = $1 AND user_id = $2 AND response IS NULL', [
      id,
      userId,
    ]);
    if (open.length) return false;
    // Offered to her again (she declined it, or her offer was withdrawn): a new offer is a new episode of her offer
    // pages (DUTY-01, DUTY-03). Her pages of this job's offer chain still standing are closed (`offered-again`), those she
    // acknowledged superseded, and so is the earlier offer in her inbox: the new offer pages her afresh, at once, on the
    // same paths as a first offer, and her answer to an old page answers nothing of it (PagesService.closeFor).
    const earlier: Array<{ id: string }> = await m.query('SELECT id FROM allocation_offers WHERE referral_id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    await this.pages.closeFor(m, id, 'offer', 'offered-again', { recipientUserId: userId });
    await this.notifications.close(
      m,
      { subjectId: id, dedupKeys: earlier.map((o) => offerNotificationKey(o.id)), userId },
      'offered-again',
    );
    const [{ id: offerId }]: Array<{ id: string }> = await m.query(
      'INSERT INTO allocation_offers (referral_id, user_id, offered_at, offered_by) VALUES ($1, $2, $3, $4) RETURNING id',
      [id, userId, now, offeredBy],
    );
    // The offered AMHP is told at once, in their inbox (GET /me/notifications; read = acknowledged), with what and
    // how urgent; who it is about is read, audited, from GET /me/offers or the referral.
    await this.notifications.notify(m, {
      userIds: [userId],
      kind: 'offer.received',
      severity: r.urgency === 'emergency' ? 'urgent' : 'warning',
      title: `${r.reference}: offered to you (${r.urgency}, ${r.legalContext.kind})`,
      body: `Offered at ${formatLocal(now, this.config.timeZone)}.${deadline ? ` ${deadline.label} ends at ${deadline.deadlineLocal}.` : ''} Accept or decline it in your offers.`,
      link: `/referrals/${id}`,
      subjectType: 'referral',
      subjectId: id,
      dedupKey: offerNotificationKey(offerId),
    });
    // And paged, to wake them: `{ id, kind }` only reaches their phone.
    await this.pages.raise(m, {
      kind: page.kind,
      recipientUserIds: [userId],
      chainKey: offerChainKey(id),
      step: page.step,
      reason: page.kind === 'escalation' ? 'offer-not-accepted' : null,
      referralId: id,
      subjectType: 'referral',
      subjectId: id,
    });
    // The offered AMHP may read the person while deciding.
    await this.access.grant(m, {
      userId,
      personId: r.personId,
      kind: 'duty',
      sourceType: 'referral-offer',
      sourceId: id,
      validFrom: now,
      recordedAt: now,
    });
    await this.events.emit(m, {
      type: 'referral.offered',
      aggregateType: 'referral',
      aggregateId: id,
      payload: { referralId: id, userId },
    });
    return true;
  }

  /**
   * For the escalation job (DUTY-03), in its transaction: offers a referral still waiting for an AMHP to the first of
   * `candidates` (in order) who is an active AMHP eligible to act now and has not answered an offer of it, on behalf
   * of whoever first offered it, paging them as step `step` of the chain. Who it went to, or null when nobody could
   * take it (or the referral is no longer waiting).
   */
  async escalateOffer(m: EntityManager, referralId: string, candidates: string[], step: number): Promise<string | null> {
    const r = await this.lock(m, referralId);
    if (r.status !== 'accepted') return null;
    const now = this.clock.now();
    const [first]: Array<{ offered_by: string }> = await m.query(
      'SELECT offered_by FROM allocation_offers WHERE referral_id = $1 ORDER BY offered_at, seq LIMIT 1',
      [referralId],
    );
    if (!first) return null;
    const answered = new Set(
      (await m.query('SELECT user_id FROM allocation_offers WHERE referral_id = $1', [referralId])).map(
        (o: { user_id: string }) => o.user_id,
      ),
    );
    for (const userId of candidates) {
      if (answered.has(userId) || !(await this.users.isActiveWithRole(m, userId, 'amhp'))) continue;
      const eligible = await this.eligibility.forUser(userId, now, new Date(now.getTime() + 60_000), m);
      if (!eligible.eligible) continue;
      await this.offerTo(m, r, userId, now, first.offered_by, this.runningClocks(r)[0], { kind: 'escalation', step });
      return userId;
    }
    return null;
  }

  /**
   * For the escalation job (DUTY-03): a step of an escalation chain on the referral's timeline (by the system), audited;
   * an AMHP paged about a clock of a referral they were not offered may read its person while the page's purpose
   * stands (grantEscalationAccess).
   */
  async recordEscalation(
    m: EntityManager,
    referralId: string,
    step: {
      chain: string;
      step: number;
      reason: 'offer-not-accepted' | 'clock-not-acknowledged';
      toUserIds: string[];
      to: string;
      skipped: number[];
      dutyAccessFor?: string[];
    },
  ): Promise<void> {
    const r = await this.row(m, referralId);
    const now = this.clock.now();
    await this.grantEscalationAccess(m, r, step.dutyAccessFor ?? [], now);
    const data = {
      rule: 'DUTY-03',
      chain: step.chain,
      step: step.step,
      to: step.to,
      userIds: step.toUserIds,
      reason: step.reason,
      skipped: step.skipped,
    };
    await m.query(`${INSERT_EVENT} VALUES ($1, $2, NULL, $3, $4)`, [referralId, now, 'escalated', data]);
    await this.audit.record(m, {
      action: 'referral.escalate',
      resourceType: 'referral',
      resourceId: referralId,
      subjectPersonId: r.personId,
      actor: null,
      details: data,
    });
  }

  async listOffers(actor: Actor, id: string): Promise<OfferViewDto[]> {
    return this.db.transaction(async (m) => {
      const r = await this.row(m, id, actor);
      const basis = await this.requirePerson(actor, r, 'person.read', m);
      await this.audit.record(m, {
        action: 'referral.read',
        resourceType: 'referral',
        resourceId: id,
        subjectPersonId: r.personId,
        accessBasis: basis,
        details: { via: 'offers' },
      });
      return this.offers(m, id);
    });
  }

  /**
   * GET /me/offers: the offers made to me still open (not answered, not withdrawn, the referral still waiting for an
   * AMHP), newest first, each with its running clocks. Who each is about is shown only where person.read allows
   * (the offer itself gives the duty relationship while it is open), and each shown is an audited read. Read and
   * audited in one statement, as the queue is: the phone polls it.
   */
  async myOffers(actor: Actor): Promise<MyOfferDto[]> {
    const scope = this.access.scope(actor, 'person.read', 'r.person_id', 2);
    const sql = `${rowWith(
      `o.id AS offer_id, o.offered_at AS offer_at, CASE WHEN ${scope.sql} THEN ${scope.basis} END AS access_basis,
       (SELECT min(f.offered_at) FROM allocation_offers f WHERE f.referral_id = r.id AND f.response IS NULL) AS open_since`,
    )}
      JOIN allocation_offers o ON o.referral_id = r.id
     WHERE o.user_id = $1 AND o.response IS NULL AND r.status = 'accepted'
     ORDER BY o.offered_at DESC, o.seq DESC LIMIT ${MY_OFFERS_MAX}`;
    const rows = (
      await this.audit.selectAudited<Record<string, unknown>>(
        this.db.current,
        {
          sql,
          params: [actor.userId, ...scope.params],
          shown: MY_OFFERS_MAX,
          resourceColumn: 'id',
          subjectColumn: 'person_id',
          basisColumn: 'access_basis',
          onlyWithBasis: true,
        },
        { action: 'referral.read', resourceType: 'referral', details: { via: 'my-offers' } },
      )
    ).map(camel) as Array<Row & { offerId: string; offerAt: Date; accessBasis: string | null; openSince: Date }>;
    const zone = this.config.timeZone;
    return rows.map((r) => {
      const clocks = this.runningClocks(r);
      const escalatesAt = new Date(new Date(r.openSince).getTime() + this.config.offerEscalationMinutes * 60_000);
      const shown = !!r.accessBasis;
      return {
        offerId: r.offerId,
        offeredAt: new Date(r.offerAt).toISOString(),
        offeredAtLocal: formatLocal(new Date(r.offerAt), zone),
        escalatesAt: escalatesAt.toISOString(),
        escalatesAtLocal: formatLocal(escalatesAt, zone),
        referralId: r.id,
        reference: r.reference,
        link: `/referrals/${r.id}`,
        urgency: r.urgency,
        source: r.source,
        legalContext: r.legalContext.kind,
        receivedAt: new Date(r.receivedAt).toISOString(),
        nextDeadline: clocks[0]?.deadline ?? null,
        nextDeadlineLocal: clocks[0]?.deadlineLocal ?? null,
        clocks,
        person: shown ? r.person : null,
        location: shown ? r.location : null,
      };
    });
  }

  /** Accept or decline an offer made to you. Exactly one acceptance wins; a late one is 409. */
  async respond(actor: Actor, id: string, accept: boolean, note?: string): Promise<ReferralDto> {
    return this.db.transaction(async (m) => {
      // An id the hub does not hold is answered as a referral never offered to her: either way she holds no offer of it.
      const r = await this.lock(m, id).catch((err: unknown) => {
        throw err instanceof NotFoundProblem ? new NotFoundProblem('Offer of this referral to you') : err;
      });
      const [offer]: Array<{
        id: string;
        response: 'accepted' | 'declined' | 'withdrawn' | null;
        responded_at: Date | null;
        withdrawn_reason: OfferWithdrawnReason | null;
      }> = await m.query(
        `SELECT id, response, responded_at, withdrawn_reason FROM allocation_offers
          WHERE referral_id = $1 AND user_id = $2 ORDER BY response IS NULL DESC, offered_at DESC, seq DESC LIMIT 1 FOR UPDATE`,
        [id, actor.userId],
      );
      if (!offer) throw new NotFoundProblem('Offer of this referral to you');
      if (offer.response) throw this.offerClosed(offer.response, offer.withdrawn_reason, offer.responded_at, r.status);
      const now = this.clock.now();
      if (!accept) {
        await m.query(`UPDATE allocation_offers SET response = 'declined', responded_at = $2, note = $3 WHERE id = $1`, [
          offer.id,
          now,
          note ?? null,
        ]);
        // Her access came with the offer and ends with her answer; the answer shows the referral once more, a read on it.
        const basis = (await this.access.decide(actor, 'person.read', r.personId, m)).basis;
        await this.access.end(m, 'referral-offer', id, now, actor.userId);
        // Her pages about it are left unacknowledged: the job still waits for someone, and its chain passes it on.
        await this.event(m, id, actor, 'offer-declined', {});
        // Told to whoever follows the offers nobody has answered (the hub's screen, webhooks), as an offer made is.
        await this.events.emit(m, {
          type: 'referral.offer-declined',
          aggregateType: 'referral',
          aggregateId: id,
          payload: { referralId: id, userId: actor.userId },
        });
        for (const action of ['referral.offer-decline', 'referral.read'])
          await this.audit.record(m, {
            action,
            resourceType: 'referral',
            resourceId: id,
            subjectPersonId: r.personId,
            accessBasis: basis,
            ...(action === 'referral.read' ? { details: { via: 'offer-decline' } } : {}),
          });
        return this.view(await this.row(m, id));
      }
      // Every way out of `accepted` withdraws the open offers (with the reason): this holds only for offers made before that.
      if (r.status !== 'accepted') throw this.offerClosed('withdrawn', 'referral-ended', null, r.status);
      const eligible = await this.eligibility.forUser(actor.userId, now, new Date(now.getTime() + 60_000), m);
      const hard = hardFindings(eligible);
      if (hard.length)
        throw new UnprocessableProblem(`You may not act as an AMHP now: ${hard.map((f) => f.message).join(' ')}`, 'amhp-not-eligible', {
          findings: eligible.findings,
        });
      try {
        await m.query(`UPDATE allocation_offers SET response = 'accepted', responded_at = $2, note = $3 WHERE id = $1`, [
          offer.id,
          now,
          note ?? null,
        ]);
      } catch (err) {
        if (pgCode(err) === '23505') throw this.offerClosed('withdrawn', 'accepted-by-another', null, r.status);
        throw err;
      }
      // Her pages about it are answered by her acceptance; the other offers still open are withdrawn as taken by
      // another (allocateIn), their access ends and the pages about them stop waiting.
      await this.pages.answeredBy(m, offerChainKey(id), actor.userId);
      await this.allocateIn(m, actor, r, actor.userId, now, { offersWithdrawn: 'accepted-by-another' });
      return this.view(await this.row(m, id));
    });
  }

  /**
   * In the transaction of a change that may take away a practitioner's authority to act (a suspension, AMHP-07; an
   * approval ended or shortened, AMHP-05/08; a registration lapsed or a record made inactive, AMHP-03), registered on
   * EligibilityWithdrawals: when her AMHP is not eligible now (MHA 1983 s.114: only an approved AMHP acts as one; s.13),
   * what she holds because she could act goes, with the access to the person it gave her:
   * - her open offers are withdrawn (`amhp-not-eligible`), as a decline ends her access; the referral waits in the
   *   queue and its offer chain escalates as after a decline (DUTY-03);
   * - a referral allocated to her and not yet in assessment goes back to `accepted` (the re-allocation move), her
   *   allocation's access ends, and the managers are paged to reallocate it;
   * - a referral in assessment with her as lead cannot go back (the assessment is under way, and she may no longer act
   *   on it): the managers are paged to reallocate it;
   * - the duty access an escalation page gave her (paged as an AMHP on duty) ends.
   * Each on the referral's timeline (by the system) and audited (by whoever made the change). Referrals are locked one
   * by one in id order and judged as they then stand, so an acceptance that won meanwhile is handed back too.
   */
  async withdrawIneligible(m: EntityManager, practitionerId: string): Promise<WithdrawnWork> {
    const [p]: Array<{ userId: string | null }> = await m.query(`SELECT ${practitionerUserIdSql('$1')} AS "userId"`, [practitionerId]);
    if (!p?.userId) return noWithdrawnWork();
    return this.withdrawIneligibleUser(m, p.userId);
  }

  /**
   * Why each of `userIds` may not act as an AMHP now (MHA 1983 s.114), as codes: the hard findings of her eligibility
   * over the next minute (AMHP-01/03/05/07/08; her account disabled or without the amhp role, AMHP-11;
   * `not-a-practitioner` without a record). Empty when she may.
   */
  private async whyNotEligible(m: EntityManager, userIds: string[], now: Date): Promise<Map<string, string[]>> {
    const judged = await this.eligibility.forUsers(userIds, now, new Date(now.getTime() + 60_000), m);
    return new Map(userIds.map((id, i) => [id, hardFindings(judged[i]).map((f) => f.code)]));
  }

  /** withdrawIneligible for a user account (an account change, the scheduled sweep): the same judgement and the same withdrawal. */
  async withdrawIneligibleUser(m: EntityManager, userId: string, now: Date = this.clock.now()): Promise<WithdrawnWork> {
    const work = noWithdrawnWork();
    const because = (await this.whyNotEligible(m, [userId], now)).get(userId) ?? [];
    if (!because.length) return work;
    const ids: Array<{ id: string }> = await m.query(
      `SELECT r.id FROM referrals r
        WHERE (r.status IN ('allocated', 'in-assessment') AND r.allocated_user_id = $1)
           OR EXISTS (SELECT 1 FROM allocation_offers o WHERE o.referral_id = r.id AND o.user_id = $1 AND o.response IS NULL)
           OR ${openAssessmentLedBySql('r.id', '$1')} IS NOT NULL
           OR ${liveRelationshipSql(`'referral-escalation'`, 'r.id::text', '$1', '$2')}
        ORDER BY r.id`,
      [userId, now],
    );
    for (const { id } of ids) {
      const r = await this.lock(m, id);
      // An UPDATE's answer is [rows, count].
      const [withdrawn]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE allocation_offers SET response = 'withdrawn', responded_at = $3, withdrawn_reason = 'amhp-not-eligible'
          WHERE referral_id = $1 AND user_id = $2 AND response IS NULL RETURNING id`,
        [id, userId, now],
      );
      if (withdrawn.length) {
        await this.access.end(m, 'referral-offer', id, now, userId);
        await this.pages.closeFor(m, id, 'offer', 'amhp-not-eligible', { recipientUserId: userId });
        await this.notifications.close(
          m,
          { subjectId: id, dedupKeys: withdrawn.map((o) => offerNotificationKey(o.id)) },
          'amhp-not-eligible',
        );
        const data = { userId, reason: 'amhp-not-eligible', because };
        await m.query(`${INSERT_EVENT} VALUES ($1, $2, NULL, $3, $4)`, [id, now, 'offer-withdrawn', data]);
        await this.audit.record(m, {
          action: 'referral.offer-withdraw',
          resourceType: 'referral',
          resourceId: id,
          subjectPersonId: r.personId,
          details: { ...data, offerIds: withdrawn.map((o) => o.id) },
        });
        for (const o of withdrawn) work.offersWithdrawn.push({ offerId: o.id, referralId: id, reference: r.reference });
      }
      // Paged in an escalation chain as an AMHP on duty (DUTY-03, POL-09), she could read the person to act: no longer.
      await this.endEscalationAccess(m, r, now, { reason: 'amhp-not-eligible', because }, userId);
      // A manager who allocated to her knowing she may not act (an override with its reason, alerted for review)
      // decided it: the same reasons never undo it; a reason she did not know of (a suspension since, her account) does.
      if (r.status !== 'accepted' && overrideStands(await this.lastAllocation(m, id), userId, because)) continue;
      if (r.status === 'allocated' && r.allocatedUserId === userId) {
        await this.handBack(m, r, userId, because, now);
        work.allocationsReturned.push({ referralId: id, reference: r.reference });
      } else if (r.status === 'in-assessment') {
        const [a]: Array<{ id: string | null }> = await m.query(`SELECT ${openAssessmentLedBySql('$1', '$2')} AS id`, [id, userId]);
        if (!a?.id) continue;
        // Asked once: the assessment stays hers until a manager reallocates it, and the sweep finds her every minute
        // meanwhile; the managers were paged, and the timeline says so, the first time.
        const [asked]: unknown[] = await m.query(
          `SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'escalated' AND data->>'chain' = $2 AND data->>'assessmentId' = $3`,
          [id, reallocationChainKey(id, userId), a.id],
        );
        if (!asked) await this.pageForReallocation(m, r, userId, because, now, a.id);
        work.awaitingReallocation.push({ referralId: id, reference: r.reference, assessmentId: a.id });
      }
    }
    return work;
  }

  /** The referral's last allocation as its timeline records it (overrideStands). */
  private async lastAllocation(m: EntityManager, referralId: string): Promise<AllocationRecord | undefined> {
    const [last]: Array<{ data: AllocationRecord }> = await m.query(
      `SELECT data FROM referral_events WHERE referral_id = $1 AND type = 'allocated' ORDER BY id DESC LIMIT 1`,
      [referralId],
    );
    return last?.data;
  }

  /**
   * The scheduled sweep (job `ineligible-amhp-work`, every minute): an AMHP stops being able to act without anyone
   * recording anything that moment (a suspension recorded ahead of time takes effect, AMHP-07; her approval runs out on
   * its end date, AMHP-05/08; an account disabled on another replica, or roles changed by the identity provider), and
   * what she holds because she could act must go then (MHA 1983 s.114, s.13). Every AMHP holding an open offer, an
   * allocation, the lead of an assessment not closed or an escalation page's access who may not act now (the same
   * judgement as withdrawIneligible) has the same withdrawal, each in a transaction of her own (one that fails is
   * logged, counted, and tried again at the next run, and does not stop the others), by the system: the timeline's
   * entries and the audit rows carry no actor. Ids and counts only.
   */
  async withdrawFromIneligible(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    const holders: Array<{ userId: string }> = await m.query(
      `SELECT allocated_user_id AS "userId" FROM referrals WHERE status IN ('allocated', 'in-assessment') AND allocated_user_id IS NOT NULL
       UNION SELECT user_id FROM allocation_offers WHERE response IS NULL
       UNION ${leadsOfOpenAssessmentsSql()}
       UNION ${holdersOfLiveRelationshipsSql(`'referral-escalation'`, '$1')}
       ORDER BY 1`,
      [now],
    );
    const ids = holders.map((h) => h.userId);
    const why = await this.whyNotEligible(m, ids, now);
    const ineligible = ids.filter((id) => why.get(id)?.length);
    const done = { amhps: ineligible.length, offersWithdrawn: 0, allocationsReturned: 0, awaitingReallocation: 0, failed: [] as string[] };
    for (const userId of ineligible) {
      try {
        const work = await this.db.detached(() => this.db.transaction((own) => this.withdrawIneligibleUser(own, userId, now)));
        done.offersWithdrawn += work.offersWithdrawn.length;
        done.allocationsReturned += work.allocationsReturned.length;
        done.awaitingReallocation += work.awaitingReallocation.length;
      } catch (err) {
        done.failed.push(userId);
        this.logger.error(`withdrawing the work of AMHP ${userId}, who may not act now, failed: ${(err as Error).message}`);
      }
    }
    return done;
  }

  /** The referral allocated to an AMHP who may no longer act goes back to the queue (allocated → accepted). */
  private async handBack(m: EntityManager, r: Row, userId: string, because: string[], now: Date): Promise<void> {
    const decision = transition(r.status, 'accepted', {
      nearestRelativeRequest: r.nearestRelativeRequest,
      writtenReasonsAt: r.writtenReasonsAt,
    });
    if (!decision.ok) throw new ConflictProblem(decision.message, decision.code);
    const data = { from: r.status, userId, reason: 'amhp-not-eligible', because };
    await this.changeWithEvent(
      m,
      `UPDATE referrals SET status = 'accepted', allocated_user_id = NULL, version = version + 1 WHERE id = $1`,
      [r.id],
      { actor: null, type: 'accepted', data },
    );
    await this.access.end(m, 'referral-allocation', r.id, now, userId);
    await this.closeClockAlerts(m, r.id, 'reallocated', userId);
    await this.warnWhileQueued(m, r.id, now);
    await this.audit.record(m, {
      action: 'referral.accepted',
      resourceType: 'referral',
      resourceId: r.id,
      subjectPersonId: r.personId,
      details: { ...data, to: 'accepted' },
    });
    await this.events.emit(m, {
      type: referralMoveType('accepted'),
      aggregateType: 'referral',
      aggregateId: r.id,
      payload: { referralId: r.id, from: r.status, to: 'accepted' },
    });
    await this.pageForReallocation(m, r, userId, because, now);
  }

  /**
   * The manager on call (every manager when the rota names none) is paged and notified to reallocate the referral
   * whose AMHP may no longer act (the last step of its own chain, as an unlawful detention's managers are), on its
   * timeline and audited.
   */
  private async pageForReallocation(
    m: EntityManager,
    r: Row,
    userId: string,
    because: string[],
    now: Date,
    assessmentId?: string,
  ): Promise<void> {
    const { to, userIds: managers } = await this.onCall.managersOnCall(m, now);
    const chainKey = reallocationChainKey(r.id, userId);
    await this.pages.raise(m, {
      kind: 'escalation',
      recipientUserIds: managers,
      chainKey,
      step: LAST_STEP,
      reason: 'amhp-not-eligible',
      referralId: r.id,
      subjectType: 'referral',
      subjectId: r.id,
    });
    await this.notifications.notify(m, {
      userIds: managers,
      kind: 'referral.reallocate',
      severity: 'urgent',
      title: `${r.reference}: its AMHP may no longer act; reallocate it`,
      body: assessmentId
        ? `The lead AMHP of the assessment under way may not act as an AMHP now (${because.join(', ')}). Reallocate the assessment.`
        : `The allocated AMHP may not act as an AMHP now (${because.join(', ')}); the referral is back in the queue to allocate.`,
      link: `/referrals/${r.id}`,
      subjectType: 'referral',
      subjectId: r.id,
      dedupKey: chainKey,
    });
    const data = {
      chain: chainKey,
      step: LAST_STEP,
      to,
      userIds: managers,
      reason: 'amhp-not-eligible',
      amhpUserId: userId,
      because,
      ...(assessmentId ? { assessmentId } : {}),
      skipped: [],
    };
    await m.query(`${INSERT_EVENT} VALUES ($1, $2, NULL, $3, $4)`, [r.id, now, 'escalated', data]);
    await this.audit.record(m, {
      action: 'referral.escalate',
      resourceType: 'referral',
      resourceId: r.id,
      subjectPersonId: r.personId,
      details: data,
    });
  }

  /**
   * Whose referral this is (its person and referrer), for deciding who may see an event about it; undefined when
   * there is no referral with that id (which need not be a uuid).
   */
  async whoseReferral(m: EntityManager, id: string): Promise<{ personId: string; referrerUserId: string } | undefined> {
    const [row]: Array<{ personId: string; referrerUserId: string }> = await m.query(
      `SELECT person_id::text AS "personId", referrer_user_id::text AS "referrerUserId" FROM referrals WHERE id::text = $1`,
      [id],
    );
    return row;
  }

  /**
   * For the morning handover (in the caller's transaction): every open referral with its running clocks, soonest
   * deadline first. Ids, codes and times only: no names or clinical text (whoever opens one reads it, audited).
   */
  async openForHandover(m: EntityManager): Promise<
    Array<{
      id: string;
      reference: string;
      personId: string;
      status: string;
      urgency: string;
      source: string;
      legalContext: string;
      receivedAt: string;
      allocatedUserId: string | null;
      nextDeadline: string | null;
      clocks: Array<{ id: string; label: string; deadline: string; state: string }>;
    }>
  > {
    const raw = await m.query(
      `${ROW} WHERE ${openStatusSql('r.status')} ORDER BY coalesce(r.next_deadline, 'infinity'::timestamptz), r.seq`,
    );
    return raw.map(camel).map((r: Row) => {
      const v = this.view(r);
      return {
        id: v.id,
        reference: v.reference,
        personId: r.personId,
        status: v.status,
        urgency: v.urgency,
        source: v.source,
        legalContext: r.legalContext.kind,
        receivedAt: v.receivedAt,
        allocatedUserId: v.allocatedUserId,
        nextDeadline: v.nextDeadline,
        clocks: warnedClocks(v),
      };
    });
  }

  /**
   * For the offer-escalation job: referrals still waiting for an AMHP (accepted) that were offered, first at or before
   * `offeredBefore`, and that nobody has accepted (offers open or declined: a referral every offered AMHP declined
   * still waits, and the chain passes it on). Ids and references only; the first offered first, then in the order
   * received (seq), so that each run passes them on in the same order.
   */
  async unansweredOffers(
    m: EntityManager,
    offeredBefore: Date,
  ): Promise<Array<{ referralId: string; reference: string; firstOfferedAt: Date }>> {
    return m.query(
      `SELECT o.referral_id AS "referralId", r.reference, min(o.offered_at) AS "firstOfferedAt"
         FROM allocation_offers o JOIN referrals r ON r.id = o.referral_id
        WHERE r.status = 'accepted' AND o.offered_at <= $1
        GROUP BY o.referral_id, r.reference, r.seq ORDER BY min(o.offered_at), r.seq`,
      [offeredBefore],
    );
  }

  /** When the hub received the referral `id` (the assessments module bounds its timeline by it). */
  async receivedAt(m: EntityManager, id: string): Promise<Date> {
    const [row] = await m.query<Array<{ receivedAt: Date }>>('SELECT received_at AS "receivedAt" FROM referrals WHERE id = $1', [id]);
    if (!row) throw new NotFoundProblem('Referral', id);
    return new Date(row.receivedAt);
  }

  /**
   * For the assessments module, in the caller's transaction: the referral's row locked before an assessment of it is
   * (the order of the two locks: AssessmentsService.lockForChange). Nothing is read.
   */
  async lockForAssessment(m: EntityManager, id: string): Promise<void> {
    await m.query('SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE', [id]);
  }

  /**
   * For the assessments module (in the caller's transaction, which audits): the referral's facts, locked when
   * `lock` is set so an assessment opening or closing serialises with other changes of the referral.
   */
  async forAssessment(m: EntityManager, id: string, lock = false): Promise<ReferralDto> {
    return this.view(lock ? await this.lock(m, id) : await this.row(m, id));
  }

  /**
   * The assessments module moves the referral: allocated → in-assessment when an assessment opens, in-assessment →
   * closed when it closes. `applicationMade` feeds NR-12: with no application, an NR-requested referral needs its
   * written reasons recorded before it closes.
   */
  async moveForAssessment(
    m: EntityManager,
    actor: Actor,
    id: string,
    to: 'in-assessment' | 'closed',
    facts: { assessmentId: string; applicationMade: boolean },
  ): Promise<void> {
    const r = await this.lock(m, id);
    if (r.status === to) {
      if (isOpen(to)) await this.refreshNextDeadline(m, id);
      return;
    }
    // The referral ended while this assessment was under way (withdrawn, closed, transferred: endedUnderAssessment):
    // it stays as it ended; the assessment closes on its own.
    if (to === 'closed' && !isOpen(r.status)) return;
    const decision = transition(r.status, to, {
      nearestRelativeRequest: r.nearestRelativeRequest,
      writtenReasonsAt: r.writtenReasonsAt,
      reasonsOwedFrom: r.nearestRelativeRequest && r.writtenReasonsAt ? await this.reasonsOwedFrom(m, r) : null,
      applicationMade: facts.applicationMade,
    });
    if (!decision.ok && decision.code === 'illegal-transition')
      throw new ConflictProblem(decision.message, 'illegal-transition', { allowed: decision.allowed });
    if (!decision.ok) throw refusedMove(decision);
    const now = this.clock.now();
    const ends = !isOpen(to);
    await this.changeWithEvent(
      m,
      `UPDATE referrals SET status = $2, closed_at = CASE WHEN $3 THEN $4::timestamptz ELSE closed_at END,
              next_deadline = CASE WHEN $3 THEN NULL ELSE next_deadline END, version = version + 1 WHERE id = $1`,
      [id, to, ends, now],
      { actor, type: to, data: { from: r.status, assessmentId: facts.assessmentId } },
    );
    if (ends) await this.access.end(m, RELATIONSHIP_SOURCES, id, now);
    else await this.refreshNextDeadline(m, id);
    await this.audit.record(m, {
      action: `referral.${to}`,
      resourceType: 'referral',
      resourceId: id,
      subjectPersonId: r.personId,
      details: { from: r.status, to, assessmentId: facts.assessmentId },
    });
    await this.events.emit(m, {
      type: `referral.${to}`,
      aggregateType: 'referral',
      aggregateId: id,
      payload: { referralId: id, from: r.status, to, assessmentId: facts.assessmentId },
    });
  }

  /**
   * DUTY-03, POL-09: an AMHP on duty paged in an escalation about the referral `r` (an unlawful detention at intake, a
   * clock nobody acknowledged) may read its person to act on the page, for as long as its purpose stands and no
   * longer: until the referral is allocated (the escalation answered: endEscalationAccess), she is taken off the shift
   * (OffDuty), she may no longer act (withdrawIneligibleUser) or the referral ends, and at the latest when the shift she
   * is on ends (its `validTo`). Not on a shift now, she is not on duty and is given none.
   */
  private async grantEscalationAccess(m: EntityManager, r: { id: string; personId: string }, userIds: string[], now: Date): Promise<void> {
    if (!userIds.length) return;
    const shifts: Array<{ userId: string; endsAt: Date | null }> = await m.query(
      `SELECT u.id::text AS "userId", ${shiftEndSql('u.id', '$2')} AS "endsAt" FROM unnest($1::uuid[]) AS u(id)`,
      [userIds, now],
    );
    for (const { userId, endsAt } of shifts)
      if (endsAt)
        await this.access.grant(m, {
          userId,
          personId: r.personId,
          kind: 'duty',
          sourceType: 'referral-escalation',
          sourceId: r.id,
          validFrom: now,
          recordedAt: now,
          validTo: new Date(endsAt),
        });
  }

  /**
   * Ends the access escalation pages about the referral `r` gave (every AMHP's, or `userId`'s), in the caller's
   * transaction: one audit row for each AMHP whose access it ended, saying why.
   */
  private async endEscalationAccess(
    m: EntityManager,
    r: { id: string; personId: string },
    now: Date,
    why: { reason: 'allocated' | 'off-duty' | 'amhp-not-eligible'; because?: string[] },
    userId?: string,
  ): Promise<void> {
    for (const ended of await this.access.end(m, 'referral-escalation', r.id, now, userId))
      await this.audit.record(m, {
        action: 'referral.escalation-access-end',
        resourceType: 'referral',
        resourceId: r.id,
        subjectPersonId: r.personId,
        details: { userId: ended, ...why },
      });
  }

  /** OffDuty: taken off the shift she is on, an AMHP's escalation pages' access to every open referral ends now. */
  private async endEscalationAccessOf(m: EntityManager, userId: string, now: Date): Promise<void> {
    const paged: Array<{ id: string; personId: string }> = await m.query(
      `SELECT r.id, r.person_id AS "personId" FROM referrals r
        WHERE ${openStatusSql('r.status')} AND ${liveRelationshipSql(`'referral-escalation'`, 'r.id::text', '$1', '$2')}
        ORDER BY r.id`,
      [userId, now],
    );
    for (const r of paged) await this.endEscalationAccess(m, r, now, { reason: 'off-duty' }, userId);
  }

  /**
   * Allocates the referral `r` to `userId`: the offers still open are withdrawn (`offersWithdrawn` says why: allocated
   * by a manager, or taken by the AMHP whose acceptance this is) and the access they gave ends.
   */
  private async allocateIn(
    m: EntityManager,
    actor: Actor,
    r: Row,
    userId: string,
    now: Date,
    {
      offersWithdrawn = 'allocated',
      overrideReason,
      overridden = [],
    }: { offersWithdrawn?: OfferWithdrawnReason; overrideReason?: string; overridden?: string[] } = {},
  ): Promise<void> {
    // A manager's override names what it overrode, so that the same reasons never undo it (overrideStands).
    const override = overrideReason ? { override: true, overridden } : {};
    const decision = transition('accepted', 'allocated', {
      nearestRelativeRequest: r.nearestRelativeRequest,
      writtenReasonsAt: r.writtenReasonsAt,
      allocatedUserId: userId,
    });
    if (!decision.ok) throw new UnprocessableProblem(decision.message, decision.code);
    await this.changeWithEvent(
      m,
      `UPDATE referrals SET status = 'allocated', allocated_user_id = $2, allocated_at = $3, version = version + 1 WHERE id = $1`,
      [r.id, userId, now],
      { actor, type: 'allocated', data: { userId, ...override } },
    );
    await this.withdrawOffers(m, r.id, now, offersWithdrawn);
    await this.access.end(m, 'referral-offer', r.id, now);
    // The escalation is answered: an AMHP has the referral, and the pages' access to the person ends (DUTY-03, POL-09).
    await this.endEscalationAccess(m, r, now, { reason: 'allocated' });
    // The allocated AMHP's legitimate relationship to the person, for as long as the referral is theirs.
    await this.access.grant(m, {
      userId,
      personId: r.personId,
      kind: 'allocated',
      sourceType: 'referral-allocation',
      sourceId: r.id,
      validFrom: now,
      recordedAt: now,
    });
    // DUTY-03 (and DUTY-01's response target among the clocks): the job's clocks at a warning or breach stage now are
    // hers to answer from this moment (MHA 1983 s.13(1): the case is hers to consider), so she is warned and paged
    // about them at once, not at the clock job's next run (the same warnings, keyed per person and stage: it does not
    // page her again).
    // The clock pages and warnings that went to the managers (or anyone else) while nobody held it are answered: the job
    // is hers now, and her own pages start the chains afresh (chainsDue counts a chain's steps from its newest step 0).
    await this.pages.closeFor(m, r.id, 'clock', 'allocated');
    await this.notifications.close(m, { subjectId: r.id, dedupPrefix: `clock:${r.id}:`, userId: null }, 'allocated');
    // And the managers' word to reallocate it, its AMHP having been unable to act (MHA 1983 s.114): done. Should it come
    // back to the queue for that reason again, that is news, paged and told afresh (pageForReallocation).
    await this.pages.closeFor(m, r.id, 'reallocation', 'allocated');
    await this.notifications.close(m, { subjectId: r.id, dedupPrefix: `reallocate:${r.id}:`, userId: null }, 'allocated');
    await this.clockAlerts.raise(m, { id: r.id, reference: r.reference, allocatedUserId: userId, clocks: warnedClocks(this.view(r)) }, now);
    await this.audit.record(m, {
      action: 'referral.allocate',
      resourceType: 'referral',
      resourceId: r.id,
      subjectPersonId: r.personId,
      details: { userId, ...override },
    });
    await this.events.emit(m, {
      type: 'referral.allocated',
      aggregateType: 'referral',
      aggregateId: r.id,
      payload: { referralId: r.id, userId },
    });
  }

  /** The person's most recent open referral, if any (DUTY-02). */
  private async openReferralOf(
    m: EntityManager,
    personId: string,
  ): Promise<
    { id: string; reference: string; receivedAt: Date; allocatedUserId: string | null; referrerUserId: string | null } | undefined
  > {
    const [row] = await this.db.preparedOn<{
      id: string;
      reference: string;
      receivedAt: Date;
      allocatedUserId: string | null;
      referrerUserId: string | null;
    }>(
      m,
      `SELECT id, reference, received_at AS "receivedAt", allocated_user_id AS "allocatedUserId", referrer_user_id AS "referrerUserId" FROM referrals
        WHERE person_id = $1 AND ${openStatusSql('status')} ORDER BY received_at DESC, seq DESC LIMIT 1`,
      [personId],
    );
    return row;
  }

  /**
   * Withdraws the referral's unanswered offers, recording why (what a late answer is then told). The pages of its offer
   * chain still waiting (the offers, and the escalations of an offer nobody accepted, DUTY-03) are closed with the same
   * reason: nobody is asked any longer to take a job that is taken or ended.
   */
  private async withdrawOffers(m: EntityManager, id: string, now: Date, reason: OfferWithdrawnReason): Promise<void> {
    // An UPDATE's answer is [rows, count].
    const [withdrawn]: [Array<{ id: string }>, number] = await m.query(
      `UPDATE allocation_offers SET response = 'withdrawn', responded_at = $2, withdrawn_reason = $3 WHERE referral_id = $1 AND response IS NULL RETURNING id`,
      [id, now, reason],
    );
    await this.pages.closeFor(m, id, 'offer', reason);
    // And the offers in the inboxes of those it was offered to (no longer "offered to you"), and the managers' word that
    // nobody accepted it (DUTY-03's last step, keyed by its chain), with why.
    await this.notifications.close(
      m,
      { subjectId: id, dedupKeys: [...withdrawn.map((o) => offerNotificationKey(o.id)), offerChainKey(id)] },
      reason,
    );
  }

  /**
   * The job is no longer the AMHP's (`userId`) to answer its clocks (reallocated, back to the queue), or no one's (the
   * referral ended): the clock pages still waiting for her (or anyone) are closed with why, and so are the clock
   * warnings and breaches in her inbox (or anyone's), in the caller's transaction. Whoever holds it next is warned
   * afresh (allocateIn).
   */
  private async closeClockAlerts(
    m: EntityManager,
    id: string,
    reason: 'reallocated' | 'referral-ended',
    userId: string | null = null,
  ): Promise<void> {
    await this.pages.closeFor(m, id, 'clock', reason, { recipientUserId: userId });
    await this.notifications.close(m, { subjectId: id, dedupPrefix: `clock:${id}:`, userId }, reason);
  }

  /**
   * DUTY-03 (MHA 1983 s.13(1): the case must still be considered in time): a job sent back to the queue (allocated →
   * accepted: a manager's move, or handed back because its AMHP may no longer act) has no AMHP to answer its clocks, so
   * at once, in the same transaction, the managers are warned and the managers on call (ManagerOnCallService
   * .managersOnCall: the manager on call, or every manager when the rota names none) are paged about each clock at a
   * warning or breach stage now, the last step of its chain, as the clock job does for a job nobody holds (ClockAlerts,
   * the same keys: its next run pages them no more). Read after the change, as the job stands in the queue.
   */
  private async warnWhileQueued(m: EntityManager, id: string, now: Date): Promise<void> {
    const r = await this.row(m, id);
    await this.clockAlerts.raise(
      m,
      { id: r.id, reference: r.reference, allocatedUserId: null, clocks: warnedClocks(this.view(r)) },
      now,
      this.clockAlerts.whileQueued(m, now),
    );
  }

  /**
   * Whoever holds an open referral now (its allocated AMHP, or null in the queue), read afresh for the clock job just
   * before it warns; undefined once it is no longer open.
   */
  async holderOf(m: EntityManager, id: string): Promise<{ allocatedUserId: string | null } | undefined> {
    const [row]: Array<{ allocatedUserId: string | null }> = await m.query(
      `SELECT allocated_user_id AS "allocatedUserId" FROM referrals WHERE id = $1 AND ${openStatusSql('status')}`,
      [id],
    );
    return row;
  }

  /**
   * The 409 for answering an offer that is no longer open, saying plainly what happened and when (local time with
   * its zone): taken by another AMHP (not named), allocated by a manager, the referral ended, or already answered.
   */
  private offerClosed(
    response: 'accepted' | 'declined' | 'withdrawn',
    reason: OfferWithdrawnReason | null,
    at: Date | null,
    status: string,
  ): ConflictProblem {
    const when = at ? ` at ${formatLocal(at, this.config.timeZone)}` : '';
    if (response !== 'withdrawn')
      return new ConflictProblem(`You already ${response} this offer${when}.`, 'offer-answered', { response, at: isoOrNull(at) });
    if (reason === 'accepted-by-another')
      return new ConflictProblem(
        `This referral was accepted by another AMHP${when}; the offer to you is closed and nothing more is needed from you.`,
        'offer-taken',
        { reason, at: isoOrNull(at) },
      );
    if (reason === 'allocated')
      return new ConflictProblem(`This referral was allocated to another AMHP${when}; the offer to you was withdrawn.`, 'offer-withdrawn', {
        reason,
        at: isoOrNull(at),
      });
    if (reason === 'amhp-not-eligible')
      return new ConflictProblem(
        `This offer was withdrawn${when}: you may not act as an AMHP now (your approval or registration changed). A manager will reallocate the referral.`,
        'offer-withdrawn',
        { reason, at: isoOrNull(at) },
      );
    return new ConflictProblem(`This offer was withdrawn${when}: the referral is now ${status}.`, 'offer-withdrawn', {
      reason: reason ?? 'referral-ended',
      at: isoOrNull(at),
    });
  }

  private async offers(m: EntityManager, id: string): Promise<OfferViewDto[]> {
    const rows: Array<{ id: string; user_id: string; offered_at: Date; response: string | null; responded_at: Date | null }> =
      await m.query(
        'SELECT id, user_id, offered_at, response, responded_at FROM allocation_offers WHERE referral_id = $1 ORDER BY offered_at, seq',
        [id],
      );
    return rows.map((o) => ({
      id: o.id,
      referralId: id,
      userId: o.user_id,
      offeredAt: o.offered_at.toISOString(),
      response: o.response,
      respondedAt: o.responded_at?.toISOString() ?? null,
    }));
  }

  private requirePerson(actor: Actor, r: Row, action: 'person.read' | 'person.write', m: EntityManager): Promise<string> {
    // The access facts came with the row when it was read for this actor (row(m, id, actor)): no statement of its own.
    return this.access.requirePerson(actor, action, r.personId, m, { type: 'referral', id: r.id }, accessFactsOf(actor, r));
  }

  /**
   * The referral a referrer asks for: one that does not exist is refused as someone else's is (403, audited), so the
   * answer does not say which references the hub holds; only their own are theirs to know.
   */
  /**
   * The referral as `actor` reaches it: as its referrer (`asReferrer`: its status view only) or as hub staff, whom the
   * caller then judges for the action it needs (requirePerson). A referrer's access is to her own referrals, not
   * through the person (no access facts to read); her own referral, whatever other roles the account holds, is reached
   * as staff where a hub role of hers reads the person, else as its referrer, never with a refusal offering
   * break-glass (the best verdict of the roles). Another's referral is refused to a referrer, audited.
   */
  private async reached(m: EntityManager, actor: Actor, id: string): Promise<{ r: Row; asReferrer: boolean }> {
    const referrerOnly = seesReferralStatusOnly(actor.roles);
    const r = referrerOnly ? await this.referrersRow(m, actor, id) : await this.row(m, id, actor);
    const own = refersOwnReferrals(actor.roles) && r.referrerUserId === actor.userId;
    const staffRead = referrerOnly
      ? undefined
      : this.access.decideFrom(actor, 'person.read', accessFactsOf(actor, r) ?? { accessVia: [], accessSession: null });
    const asReferrer = referrerOnly || (own && !staffRead?.allowed);
    if (asReferrer && !own) await this.deny(actor, r, 'referrals.read');
    return { r, asReferrer };
  }

  /**
   * A legal context changed after intake is judged as intake judges it, as at `at`: what the change makes wrong that
   * intake would refuse (before a recall notice, before the warrant, ...) is 422 naming `field`, with every finding of
   * the changed context; what the context already said before it is not asked again (raisedAnew).
   */
  private refuseAsIntake(
    before: LegalContext,
    after: LegalContext,
    at: Date,
    policy: ReturnType<ReferralsService['policy']>,
    field: string,
  ): void {
    const findings = intakeFindings(after, at, policy);
    const refusing = raisedAnew(intakeFindings(before, at, policy), findings).filter(refusesIntake);
    if (refusing.length)
      throw new UnprocessableProblem(refusing.map((f) => f.message).join(' '), refusing[0].code, {
        findings,
        errors: [{ field, messages: refusing.map((f) => f.message) }],
      });
  }

  private async referrersRow(m: EntityManager, actor: Actor, id: string): Promise<Row> {
    try {
      return await this.row(m, id);
    } catch (err) {
      if (!(err instanceof NotFoundProblem)) throw err;
      return this.access.deny(actor, 'referrals.read', { type: 'referral', id }, 'You are not allowed to see this referral.');
    }
  }

  /** A referrer asking for someone else's referral: audited, then 403 (break-glass is not for referrers). */
  private deny(actor: Actor, r: Row, action: string): Promise<never> {
    return this.access.deny(actor, action, { type: 'referral', id: r.id }, 'You are not allowed to see this referral.', r.personId);
  }

  /**
   * Until a referral is allocated, working it (screening, accepting, offering, recording an extension or written
   * reasons) is the duty AMHP's job: reading access is enough (the derived duty relationship, or a manager). Once
   * allocated, changes are for the allocated AMHP or a manager (person.write).
   */
  private actionFor(r: Row): 'person.read' | 'person.write' {
    return r.status === 'allocated' || r.status === 'in-assessment' ? 'person.write' : 'person.read';
  }

  /** The referral's row; read for `actor`, it carries what their access to its person is decided on (requirePerson). */
  /**
   * The referral's row; read for `actor`, it carries what their access to its person is decided on, and an id the hub
   * does not hold is refused to them as another person's referral is (AccessService.refuseUnknown), not 404.
   */
  private async row(m: EntityManager, id: string, actor?: Actor): Promise<Row> {
    const [raw] = actor
      ? await this.db.preparedOn<Record<string, unknown>>(m, ROW_WITH_ACCESS, [id, actor.userId, this.clock.now()])
      : await this.db.preparedOn<Record<string, unknown>>(m, `${ROW} WHERE r.id = $1`, [id]);
    if (!raw) return this.unknown(id, actor);
    return camel(raw);
  }

  private async lock(m: EntityManager, id: string, actor?: Actor): Promise<Row> {
    const locked = await m.query('SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE', [id]);
    if (!locked.length) return this.unknown(id, actor);
    return this.row(m, id, actor);
  }

  private unknown(id: string, actor: Actor | undefined): Promise<never> {
    const notFound = new NotFoundProblem('Referral', id);
    if (!actor) throw notFound;
    return this.access.refuseUnknown(actor, 'person.read', { type: 'referral', id }, notFound);
  }

  private async event(m: EntityManager, referralId: string, actor: Actor, type: string, data: Record<string, unknown>): Promise<void> {
    await this.db.preparedOn(m, `${INSERT_EVENT} VALUES ($1, $2, $3, $4, $5)`, [referralId, this.clock.now(), actor.userId, type, data]);
  }

  /**
   * A change of the referral ($1) and the timeline event that records it, in one statement (one round trip where
   * they took two): `update` is an UPDATE of the referral row WHERE id = $1, its parameters `params`.
   */
  private async changeWithEvent(
    m: EntityManager,
    update: string,
    params: unknown[],
    event: { actor: Actor | null; type: string; data: Record<string, unknown> },
  ): Promise<void> {
    const n = params.length;
    await this.db.preparedOn(
      m,
      `WITH changed AS (${update} RETURNING id)
       ${INSERT_EVENT} SELECT id, $${n + 1}::timestamptz, $${n + 2}::uuid, $${n + 3}::text, $${n + 4}::jsonb FROM changed`,
      [...params, this.clock.now(), event.actor?.userId ?? null, event.type, event.data],
    );
  }

  private policy() {
    return { ...DEFAULT_CLOCK_POLICY, timeZone: this.config.timeZone, s29AppealDays: this.config.s29AppealDays };
  }

  private extensionsOf(r: Row): S136BExtension[] {
    return r.extensions.map((e) => ({
      authorisedAt: new Date(e.authorisedAt),
      hours: e.minutes / 60,
      authorisedBy: e.authorisedBy,
      authorisingDoctor: e.authorisingDoctor,
      reason: e.reason,
      ...(e.superintendentApprovedAt ? { superintendentApprovedAt: new Date(e.superintendentApprovedAt) } : {}),
    }));
  }

  /** The legal context's clocks (clocksFor) and those the outcomes start (outcomeClocks: a s.4's 72 hours, APP-11). */
  private clocksOf(r: Row): Clock[] {
    return [
      ...clocksFor(
        toLegalContext(r.legalContext),
        this.extensionsOf(r),
        DEFAULT_RESPONSE_TARGETS,
        new Date(r.receivedAt),
        r.urgency,
        this.policy(),
        this.s29Of(r),
      ),
      ...outcomeClocks(this.stopFactsOf(r, this.clock.now()), this.config.timeZone),
    ];
  }

  /** NR-11 (s.29(4)): the s.29 applications on ground (c) or (d) that may extend a s.2 the patient is already on. */
  private s29Of(r: Row): DisplacementApplicationFacts[] {
    return (r.s29Applications ?? []).map((d) => ({
      filedAt: new Date(d.filedAt),
      status: d.status,
      disposedOn: d.disposedOn,
      appeal: d.appeal ?? null,
    }));
  }

  /** The facts that stop clocks (clockStop); a referral no longer open without a closing time stops now. */
  private stopFactsOf(r: Row, now: Date): StopFacts {
    const f = r.stopFacts;
    const date = (v: string | null | undefined) => (v ? new Date(v) : null);
    return {
      assessmentOpenedAt: date(f?.assessmentOpenedAt),
      inPersonContactsAt: (f?.inPersonContactsAt ?? []).map((at) => new Date(at)),
      outcomes: (f?.outcomes ?? []).map((o) => ({
        kind: o.kind,
        decidedAt: new Date(o.decidedAt),
        signedAt: date(o.signedAt),
        alternatives: o.alternatives ?? [],
        admittedAt: date(o.admittedAt),
        section: o.section ?? null,
        s4ConvertedAt: date(o.s4ConvertedAt),
        conveyanceEndsAt: date(o.conveyanceEndsAt),
        ctoDecision: o.ctoDecision ?? null,
        managersReceivedAt: date(o.managersReceivedAt),
      })),
      closedAt: r.closedAt ? new Date(r.closedAt) : !isOpen(r.status) ? now : null,
      displacementApplications: this.s29Of(r),
      s29AppealDays: this.config.s29AppealDays,
      s2Ended: this.statedS2EndOf(r),
    };
  }

  /**
   * APP-17 / APP-22: the end recorded of the s.2 the referral states the patient is already on: recorded on the
   * referral, else on the hub's own assessment of the same admission (statedS2Ended); null for any other referral.
   */
  private statedS2EndOf(r: Row): S2Ended | null {
    const context = r.legalContext as Record<string, unknown>;
    if (context.kind !== 'already-s2') return null;
    const ended = (e: StoredDetentionEnd): Omit<S2Ended, 'assessmentId'> => ({ kind: e.kind, at: new Date(e.at), by: e.by ?? null });
    const own = context.detentionEnded as StoredDetentionEnd | undefined;
    const onRecord: RecordedS2End[] = (r.recordedS2Ends ?? [])
      .filter((x) => x.admittedAt)
      .map((x) => ({ assessmentId: x.assessmentId, admittedAt: new Date(x.admittedAt!), ended: ended(x.ended) }));
    return statedS2Ended(new Date(context.admittedAt as string), own ? ended(own) : null, onRecord);
  }

  /** The end of the stated s.2 as the referral shows it (ReferralLegalContextDto.detentionEnded), from where it is kept. */
  private statedS2EndView(r: Row): StatedS2EndViewDto | null {
    const ended = this.statedS2EndOf(r);
    if (!ended) return null;
    const kept = ended.assessmentId
      ? r.recordedS2Ends.find((x) => x.assessmentId === ended.assessmentId)!.ended
      : ((r.legalContext as Record<string, unknown>).detentionEnded as StoredDetentionEnd);
    return {
      kind: kept.kind,
      at: new Date(kept.at).toISOString(),
      by: kept.by ?? null,
      nearestRelativeNoticeAt: kept.nearestRelativeNoticeAt ?? null,
      barredAt: kept.barredAt ?? null,
      details: kept.details ?? null,
      recordedAt: kept.recordedAt,
      assessmentId: ended.assessmentId ?? null,
    };
  }

  /**
   * For the assessments module, in its transaction, after it records what may stop a clock (the assessment opening,
   * a contact, an outcome, an admission): the queue's soonest deadline becomes that of the clocks still running.
   */
  async refreshNextDeadline(m: EntityManager, id: string): Promise<void> {
    const r = await this.row(m, id);
    if (!isOpen(r.status)) return;
    const next = this.runningSoonest(r);
    // Most changes (a contact, a timeline event) move no clock: nothing to write.
    if ((next?.getTime() ?? null) === (r.nextDeadline ? new Date(r.nextDeadline).getTime() : null)) return;
    await m.query('UPDATE referrals SET next_deadline = $2 WHERE id = $1', [id, next]);
  }

  /**
   * For the people module, in its transaction, after a s.29 displacement application is recorded or changed (NR-11,
   * s.29(4)): each open referral of the person has its soonest deadline refreshed, as after any change that may move a
   * clock (a s.2 the patient is already on is extended, its clock stopped or moved to the court's decision).
   */
  async refreshNextDeadlinesOf(m: EntityManager, personId: string): Promise<void> {
    const open: Array<{ id: string }> = await m.query(
      `SELECT r.id FROM referrals r WHERE r.person_id = $1 AND ${openStatusSql('r.status')}`,
      [personId],
    );
    for (const { id } of open) await this.refreshNextDeadline(m, id);
  }

  /** The soonest deadline of the clocks not stopped by now (clockStop): a stopped clock no longer orders the queue. */
  private runningSoonest(r: Row): Date | null {
    const now = this.clock.now();
    const facts = this.stopFactsOf(r, now);
    return this.soonest(
      this.clocksOf(r).filter((c) => {
        const stop = clockStop(c, facts, this.config.timeZone);
        return !stop || stop.stoppedAt.getTime() > now.getTime();
      }),
    );
  }

  private soonest(clocks: Clock[]): Date | null {
    return clocks.reduce<Date | null>((min, c) => (!min || c.deadline < min ? c.deadline : min), null);
  }

  /** The referral's clocks with their state now (stopped when their purpose was met: clockStop). */
  private clockViews(r: Row): ReferralDto['clocks'] {
    const now = this.clock.now();
    const facts = this.stopFactsOf(r, now);
    // POL-08: the extension the place-of-safety clock applied (at most one), shown on it with its authorising doctor.
    const applied = applyExtensions(toLegalContext(r.legalContext), this.extensionsOf(r), this.config.timeZone).applied;
    return this.clocksOf(r).map((c) => {
      // A clock stops when its purpose is met (clockStop), not only at close; a stop still ahead is not one yet.
      const found = clockStop(c, facts, this.config.timeZone);
      const stop = found && found.stoppedAt.getTime() <= now.getTime() ? found : null;
      const s = clockState(c, now, DEFAULT_WARNINGS, stop?.stoppedAt);
      // Field by field, not `{ ...c }`: the clocks come in several shapes, and spreading objects of many shapes into
      // a literal made V8 give each answer a map of its own, straight into the old generation: ~70% of what full
      // collections cleared in a queue read (bench/on-duty.bench.js, BENCH_HEAP_PROFILE), and a ~50 ms stall every
      // few seconds at 500 requests a second.
      const view: ReferralDto['clocks'][number] = {
        id: c.id,
        label: c.label,
        rule: c.rule,
        citation: c.citation,
        anchor: c.anchor.toISOString(),
        deadline: c.deadline.toISOString(),
        extendedBy: c.extendedBy,
        basis: c.basis,
        provisional: c.provisional,
        state: s.state,
        remainingMs: s.remainingMs,
        stage: s.stage,
        stoppedAt: stop ? stop.stoppedAt.toISOString() : null,
        stopRule: stop?.stopRule ?? null,
        stopReason: stop?.reason ?? null,
        result: stop?.result ?? null,
      };
      if (c.id === 'POL-07' || c.id === 'POL-04') view.extension = applied ? extensionView(applied) : null;
      return view;
    });
  }

  /** The clocks as a referrer or a phone shows them, soonest deadline first; `running`: only those not stopped. */
  private clockSummaries(r: Row, running = false): ClockSummaryDto[] {
    return this.clockViews(r)
      .filter((c) => !running || c.state !== 'stopped')
      .sort((a, b) => a.deadline.localeCompare(b.deadline))
      .map((c) => ({
        id: c.id,
        label: c.label,
        rule: c.rule,
        deadline: c.deadline,
        deadlineLocal: formatLocal(new Date(c.deadline), this.config.timeZone),
        state: c.state,
        remainingMs: c.remainingMs,
        stoppedAt: c.stoppedAt,
        result: c.result,
      }));
  }

  private runningClocks(r: Row): ClockSummaryDto[] {
    return this.clockSummaries(r, true);
  }

  private view(r: Row): ReferralDto {
    return {
      id: r.id,
      reference: r.reference,
      status: r.status,
      person: r.person,
      source: r.source,
      urgency: r.urgency,
      receivedAt: new Date(r.receivedAt).toISOString(),
      referrer: r.referrer,
      reason: r.reason,
      risks: r.risks,
      legalContext: (r.legalContext.kind === 'already-s2'
        ? { ...r.legalContext, detentionEnded: this.statedS2EndView(r) }
        : r.legalContext) as never,
      location: r.location,
      otherAuthority: r.otherAuthority,
      nearestRelativeRequest: r.nearestRelativeRequest,
      allocatedUserId: r.allocatedUserId,
      allocatedAt: isoOrNull(r.allocatedAt),
      decisionReason: r.decisionReason,
      transferredTo: r.transferredTo,
      writtenReasonsAt: isoOrNull(r.writtenReasonsAt),
      closedAt: isoOrNull(r.closedAt),
      nextDeadline: isoOrNull(r.nextDeadline),
      clocks: this.clockViews(r),
      extensions: this.extensionsOf(r).map(extensionView),
      findings: shownIntakeFindings(standingIntakeFindings(findingsOf(r), r.legalContext)),
      nextStatuses: TRANSITIONS[r.status],
      version: r.version,
    };
  }

  /**
   * The referrer's view of their own referral: its statutory clocks and the steps it has reached, with times (the
   * first offer to the AMHPs, the allocation, the assessment starting, the outcome, the end). No person data and no
   * names of staff.
   */
  private statusView(r: Row): ReferralStatusDto {
    const zone = this.config.timeZone;
    const f = r.stopFacts;
    const firstOutcome = (f?.outcomes ?? []).map((o) => o.decidedAt).sort()[0] ?? null;
    const ended = !isOpen(r.status) ? (r.status as ReferralProgressDto['step']) : null;
    const steps: Array<[ReferralProgressDto['step'], Date | string | null]> = [
      ['received', r.receivedAt],
      ['offered', r.firstOfferedAt],
      ['allocated', r.allocatedAt],
      ['assessment-started', f?.assessmentOpenedAt ?? null],
      ['outcome-recorded', firstOutcome],
      ...(ended ? [[ended, r.closedAt] as [ReferralProgressDto['step'], Date | null]] : []),
    ];
    const view: ReferralStatusDto = {
      id: r.id,
      reference: r.reference,
      status: r.status,
      urgency: r.urgency,
      receivedAt: new Date(r.receivedAt).toISOString(),
      allocatedAt: isoOrNull(r.allocatedAt),
      closedAt: isoOrNull(r.closedAt),
      clocks: this.clockSummaries(asItSays(r)),
      progress: steps
        .filter((x): x is [ReferralProgressDto['step'], Date | string] => x[1] !== null && x[1] !== undefined)
        .map(([step, at]) => ({ step, at: new Date(at).toISOString(), atLocal: formatLocal(new Date(at), zone) })),
      policePower: policePowerOf((r.legalContext as { kind: string }).kind),
    };
    STATUS_VERSIONS.set(view, r.version);
    return view;
  }
}

/**
 * The referral as it says itself, for its status view (a referrer, or staff who may not read the person): its clocks
 * are then those of what it records, never ones the hub worked out from its record of the person, which would show
 * that record back to someone because they referred: an earlier place of safety's detention it continues (its
 * start and its s.136B extensions, another referral's: POL-07 / POL-04, POL-08 under s.136(2A), s.135(3ZA)), a
 * displacement application before the court (NR-11, s.29(4)) or a s.2's end recorded on another assessment (APP-17).
 * The staff view keeps them.
 */
function asItSays(r: Row): Row {
  const { continues, ...legalContext } = r.legalContext as Record<string, unknown>;
  return {
    ...r,
    legalContext: legalContext as Row['legalContext'],
    extensions: continues ? [] : r.extensions,
    s29Applications: [],
    recordedS2Ends: [],
  };
}

/**
 * PERSON-MATCH: the intake findings a referral's record shows. An `identity-match-pending` kept by an intake from before
 * a pending match was kept out of the caller's answer is not shown from the record (it would tell its reader that the
 * hub holds the NHS number given): a manager is told while the match waits, read as it stands (withIdentityMatchFinding).
 */
/**
 * The referral's findings as they stand: those of intake, with each rule judged again since (POL-09, after a date of
 * birth recorded or corrected, or a move: rejudgePoliceStation; POL-06 and POL-02, after the police's answer:
 * recordPoliceAnswer) shown as last judged, in place of its intake ones.
 */
function findingsOf(r: Pick<Row, 'intakeFindings' | 'rejudgedFindings'>): Finding[] {
  const again = r.rejudgedFindings ?? [];
  if (!again.length) return r.intakeFindings;
  const rules = new Set<string>(again.map((a) => a.rule));
  return [...r.intakeFindings.filter((f) => !rules.has(f.rule)), ...again.flatMap((a) => a.findings)];
}

function shownIntakeFindings<F extends { code: string }>(findings: F[]): F[] {
  return findings.filter((f) => f.code !== 'identity-match-pending');
}

/** A s.136B extension as the record shows it (POL-08). */
function extensionView(e: S136BExtension): ExtensionViewDto {
  return {
    authorisedAt: e.authorisedAt.toISOString(),
    hours: e.hours,
    minutes: Math.round(e.hours * 60),
    authorisedBy: e.authorisedBy ?? 'examining-doctor',
    authorisingDoctor: e.authorisingDoctor
      ? { doctorId: e.authorisingDoctor.doctorId ?? null, name: e.authorisingDoctor.name, gmcNumber: e.authorisingDoctor.gmcNumber }
      : null,
    reason: e.reason,
    superintendentApprovedAt: e.superintendentApprovedAt ? e.superintendentApprovedAt.toISOString() : null,
  };
}
