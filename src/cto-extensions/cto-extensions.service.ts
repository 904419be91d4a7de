import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { type Decision, refersOwnReferrals, seesReferralStatusOnly } from '../access/policy';
import { clockStage, LAST_STEP } from '../alerts/escalation.rules';
import { NotificationsService } from '../alerts/notifications.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, recordedDate, recordedInstant } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem, unprocessableField } from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { pgCode } from '../database/pg-errors';
import { EventsService } from '../events/events.service';
import { PagesService } from '../pages/pages.service';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { formatDay, formatLocal } from '../statute/clocks';
import {
  CTO_EXTENSION_WITHDRAWAL_LABELS,
  CTO_STATEMENT_WARNING_LEADS_HOURS,
  ctoExtensionLapsed,
  ctoExtensionOutcome,
  ctoExtensionRequestFindings,
  ctoStatementDueBy,
  ctoWithdrawalNoteMissing,
  type CtoExtensionFinding,
  type CtoExtensionWithdrawalReason,
} from '../statute/cto-extension.rules';
import type { RuleId } from '../statute/rule-catalogue';
import { addDays, localDate } from '../statute/time';
import { EligibilityService } from '../workforce/eligibility.service';
import type { CtoExtensionDecision, CtoExtensionStatus, CtoExtensionStep } from './cto-extension.entities';
import {
  AllocateCtoExtensionDto,
  CreateCtoExtensionDto,
  CtoExtensionDetailDto,
  CtoExtensionListDto,
  CtoExtensionPeriodDto,
  CtoExtensionQuery,
  CtoExtensionStatementDto,
  CtoExtensionStepDto,
  CtoExtensionViewDto,
  WithdrawCtoExtensionDto,
} from './dto/cto-extension.dto';

/** How far back a request's receipt, or a statement's signature, may be recorded (days). */
const RECORDED_MAX_AGE_DAYS = 90;

/** CTO-04: the leads of the statement's warnings, in minutes, as clockStage takes them. */
const STATEMENT_LEADS_MINUTES = CTO_STATEMENT_WARNING_LEADS_HOURS.map((h) => h * 60);

/** The key of a statement warning (stage: a lead in minutes, or `breach`): notifications' dedup key and the pages' chain. */
export function ctoStatementKey(id: string, stage: string): string {
  return `cto-extension:${id}:${stage}`;
}

const NOT_YOURS = 'You are not allowed to see this CTO extension request.';

interface Row {
  id: string;
  person_id: string;
  responsible_clinician: string;
  cto_made_on: string;
  cto_expires_on: string;
  rc_examined_on: string;
  received_at: Date;
  referrer_user_id: string | null;
  status: CtoExtensionStatus;
  allocated_user_id: string | null;
  allocated_at: Date | null;
  decision: CtoExtensionDecision | null;
  reasons: string | null;
  signed_at: Date | null;
  signed_by: string | null;
  approval_id: string | null;
  extended: boolean | null;
  extended_period: CtoExtensionPeriodDto | null;
  findings: CtoExtensionFinding[];
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawn_reason: CtoExtensionWithdrawalReason | null;
  withdrawn_note: string | null;
  version: number;
}

const COLUMNS = `c.id, c.person_id, c.responsible_clinician, to_char(c.cto_made_on, 'YYYY-MM-DD') AS cto_made_on,
  to_char(c.cto_expires_on, 'YYYY-MM-DD') AS cto_expires_on, to_char(c.rc_examined_on, 'YYYY-MM-DD') AS rc_examined_on, c.received_at,
  c.referrer_user_id, c.status, c.allocated_user_id, c.allocated_at, c.decision, c.reasons, c.signed_at, c.signed_by, c.approval_id, c.extended,
  c.extended_period, c.findings, c.withdrawn_at, c.withdrawn_by, c.withdrawn_reason, c.withdrawn_note, c.version`;

/**
 * CTO-04 (s.20A(8)): the requests the warnings job reads, locked (those it cannot lock now are left to its next run):
 * no statement made, not withdrawn, the breach not raised yet, expiring by $1 (the furthest day a lead reaches). The
 * partial index cto_extensions_breach_due_idx holds exactly these, so the read stays as small as the requests still
 * owed a warning, however many lapsed before.
 */
export const STATEMENT_DUE_SQL = `SELECT ${COLUMNS} FROM cto_extensions c
  WHERE c.status IN ('received', 'allocated') AND c.breach_raised_at IS NULL AND c.cto_expires_on <= $1::date
  ORDER BY c.cto_expires_on, c.received_at, c.seq FOR UPDATE OF c SKIP LOCKED`;

/** Blocker findings as a 422: the first one's code, every finding, and each field named as request fields are. */
function refuse(findings: CtoExtensionFinding[], fieldName: (f: CtoExtensionFinding) => string | undefined): never {
  const blockers = findings.filter((f) => f.severity === 'blocker');
  const errors = blockers
    .map((f) => ({ field: fieldName(f), messages: [f.message] }))
    .filter((e): e is { field: string; messages: string[] } => !!e.field);
  throw new UnprocessableProblem(blockers.map((f) => f.message).join(' '), blockers[0].code, {
    findings,
    ...(errors.length ? { errors } : {}),
  });
}

const REQUEST_FIELDS: Record<string, string> = {
  madeOn: 'ctoMadeOn',
  expiresOn: 'ctoExpiresOn',
  examinedOn: 'rcExaminedOn',
  signedAt: 'signedAt',
};

/**
 * CTO-04 (MHA 1983 s.20A(3), (4), (8)): the hub's part in extending a community treatment order. The responsible
 * clinician's request is referred to the hub (the examination, the order's current expiry, the patient), a manager
 * allocates it to an AMHP, and the AMHP states in writing whether they agree the conditions are met and that
 * extending the order is appropriate (form CTO7), signed under an approval current at the time (AMHP-01/07, the
 * eligibility checks every AMHP act asks), by the end of the day the order expires. The record then says whether the
 * responsible clinician's report may extend it and to when (the next period, s.20A(3)). Every read of a request is a
 * read of the person's record (person.read, audited); every change is person.write, audited and published, in one
 * transaction.
 */
/** The AMHP's statement on it is made (agreed or not): final. */
const decided = (r: Row): boolean => r.status === 'agreed' || r.status === 'not-agreed';
/** Withdrawn before the statement was made: final, and no one's to act on. */
const withdrawn = (r: Row): boolean => r.status === 'withdrawn';

@Injectable()
export class CtoExtensionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly eligibility: EligibilityService,
    private readonly notifications: NotificationsService,
    private readonly pages: PagesService,
    private readonly onCall: ManagerOnCallService,
  ) {}

  private get zone(): string {
    return this.config.timeZone;
  }

  /** POST /cto-extensions: the request referred to the hub, refused (422) when the order cannot be extended on it. */
  async create(actor: Actor, dto: CreateCtoExtensionDto): Promise<CtoExtensionDetailDto> {
    const now = this.clock.now();
    const receivedAt = dto.receivedAt ? recordedInstant(dto.receivedAt, 'receivedAt', now, RECORDED_MAX_AGE_DAYS) : now;
    recordedDate(dto.rcExaminedOn, 'rcExaminedOn', localDate(now, this.zone));
    if (dto.ctoMadeOn > dto.ctoExpiresOn)
      throw unprocessableField('ctoExpiresOn', 'ctoExpiresOn cannot be before ctoMadeOn.', 'cto-expiry-before-made');
    const findings = ctoExtensionRequestFindings(
      { madeOn: dto.ctoMadeOn, expiresOn: dto.ctoExpiresOn, examinedOn: dto.rcExaminedOn },
      receivedAt,
      this.zone,
    );
    if (findings.some((f) => f.severity === 'blocker')) refuse(findings, (f) => (f.field ? REQUEST_FIELDS[f.field] : undefined));
    return this.db.transaction(async (m) => {
      const basis = await this.requestBasis(actor, dto.personId, m);
      // The request is its referrer's own to follow (the responsible clinician's team, through a referrer account), as a
      // referral is its referrer's: whatever other roles the account holds.
      const refers = refersOwnReferrals(actor.roles);
      let id: string;
      try {
        [{ id }] = await m.query(
          `INSERT INTO cto_extensions (person_id, responsible_clinician, cto_made_on, cto_expires_on, rc_examined_on, received_at, created_by,
                                       referrer_user_id, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [
            dto.personId,
            dto.responsibleClinician,
            dto.ctoMadeOn,
            dto.ctoExpiresOn,
            dto.rcExaminedOn,
            receivedAt,
            actor.userId,
            refers ? actor.userId : null,
            now,
          ],
        );
      } catch (err) {
        if (pgCode(err) === '23503') throw unprocessableField('personId', `No person ${dto.personId} is recorded.`, 'person-not-found');
        throw err;
      }
      await this.step(m, id, 'received', actor.userId, receivedAt);
      await this.audit.record(m, {
        action: 'cto-extension.create',
        resourceType: 'cto-extension',
        resourceId: id,
        subjectPersonId: dto.personId,
        accessBasis: basis,
        details: { ctoExpiresOn: dto.ctoExpiresOn, rcExaminedOn: dto.rcExaminedOn },
      });
      await this.events.emit(m, {
        type: 'cto-extension.received',
        aggregateType: 'cto-extension',
        aggregateId: id,
        payload: { ctoExtensionId: id, personId: dto.personId, ctoExpiresOn: dto.ctoExpiresOn, rcExaminedOn: dto.rcExaminedOn },
      });
      return this.detail(m, await this.load(m, id));
    });
  }

  /** POST /cto-extensions/{id}/allocation: a manager allocates (or reallocates) the request to an AMHP who may act now. */
  async allocate(actor: Actor, id: string, dto: AllocateCtoExtensionDto, expected: ExpectedVersion): Promise<CtoExtensionDetailDto> {
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id);
      const basis = await this.access.requirePerson(actor, 'person.write', r.person_id, m, { type: 'cto-extension', id });
      this.requireOpen(r);
      assertVersion(expected, r.version);
      const now = this.clock.now();
      this.requireNotLapsed(r, now);
      // AMHP-01/03/05/07: the AMHP allocated must be able to act as one now, as a referral's allocation asks.
      const eligible = await this.eligibility.forUser(dto.amhpUserId, now, new Date(now.getTime() + 60_000), m);
      const hard = eligible.findings.filter((f) => f.severity === 'hard');
      if (hard.length)
        throw new UnprocessableProblem(
          `This user may not act as an AMHP now: ${hard.map((f) => f.message).join(' ')}`,
          'amhp-not-eligible',
          {
            findings: eligible.findings,
            errors: [{ field: 'amhpUserId', messages: hard.map((f) => f.message) }],
          },
        );
      await m.query(
        `UPDATE cto_extensions SET status = 'allocated', allocated_user_id = $2, allocated_at = $3, version = version + 1 WHERE id = $1`,
        [id, dto.amhpUserId, now],
      );
      // The allocated AMHP's relationship to the person, for this request (the one before it ends with reallocation).
      await this.access.end(m, 'cto-extension', id, now);
      await this.access.grant(m, {
        userId: dto.amhpUserId,
        personId: r.person_id,
        kind: 'allocated',
        sourceType: 'cto-extension',
        sourceId: id,
        validFrom: now,
        recordedAt: now,
      });
      const reallocated = !!r.allocated_user_id && r.allocated_user_id !== dto.amhpUserId;
      await this.step(m, id, reallocated ? 'reallocated' : 'allocated', actor.userId, now, { amhpUserId: dto.amhpUserId });
      await this.audit.record(m, {
        action: 'cto-extension.allocate',
        resourceType: 'cto-extension',
        resourceId: id,
        subjectPersonId: r.person_id,
        accessBasis: basis,
        details: { amhpUserId: dto.amhpUserId, previousUserId: r.allocated_user_id },
      });
      // The statement's warnings: the AMHP it was taken from has nothing of it to act on; the one it comes to is told at
      // once of a deadline already near (the warnings job then tells her nothing more of that stage).
      if (r.allocated_user_id && r.allocated_user_id !== dto.amhpUserId)
        await this.closeWarnings(m, id, 'reallocated', r.allocated_user_id);
      await this.warn(m, { ...r, status: 'allocated', allocated_user_id: dto.amhpUserId }, now);
      await this.events.emit(m, {
        type: 'cto-extension.allocated',
        aggregateType: 'cto-extension',
        aggregateId: id,
        payload: { ctoExtensionId: id, personId: r.person_id, userId: dto.amhpUserId },
      });
      return this.detail(m, await this.load(m, id));
    });
  }

  /**
   * POST /cto-extensions/{id}/statement: the allocated AMHP's written statement (s.20A(8)). Refused (422) on a CTO-04
   * blocker (signed before the examination or after the order expired, an approval not current at signing); once
   * made it is final (409 `cto-extension-decided`), and a stale If-Match is 412.
   */
  async state(actor: Actor, id: string, dto: CtoExtensionStatementDto, expected: ExpectedVersion): Promise<CtoExtensionDetailDto> {
    const now = this.clock.now();
    const signedAt = dto.signedAt ? recordedInstant(dto.signedAt, 'signedAt', now, RECORDED_MAX_AGE_DAYS) : now;
    return this.db.transaction(async (m) => {
      const r = await this.lock(m, id);
      // Withdrawn while it was hers: her access to the patient ended with it, and she was told why. Her statement sent
      // after (kept on her phone without a signal) is refused as withdrawn, as she was told, not as someone else's.
      if (withdrawn(r) && r.allocated_user_id === actor.userId) {
        await this.access.recordDenied(actor, 'cto-extensions.state', { type: 'cto-extension', id }, 'withdrawn', r.person_id);
        this.requireOpen(r);
      }
      const basis = await this.access.requirePerson(actor, 'person.write', r.person_id, m, { type: 'cto-extension', id });
      this.requireOpen(r);
      if (r.status === 'received' || r.allocated_user_id !== actor.userId) {
        await this.access.recordDenied(actor, 'cto-extensions.state', { type: 'cto-extension', id }, 'not-allocated', r.person_id);
        throw new ConflictProblem(
          r.status === 'received'
            ? 'The request is not allocated yet: a manager allocates it to the AMHP who makes the statement.'
            : 'The request is allocated to another AMHP: only the allocated AMHP makes the statement.',
          'cto-extension-not-allocated-to-you',
        );
      }
      assertVersion(expected, r.version);
      if (signedAt.getTime() < r.received_at.getTime())
        throw unprocessableField('signedAt', 'signedAt cannot be before the request was received.', 'signed-before-received');
      // AMHP-01/07 (reg 3, reg 6): approved, and not suspended, when they signed, as the eligibility checks judge it.
      const eligible = await this.eligibility.forUser(actor.userId, signedAt, new Date(signedAt.getTime() + 60_000), m);
      const approved = !eligible.findings.some((f) => f.severity === 'hard');
      const outcome = ctoExtensionOutcome(
        { madeOn: r.cto_made_on, expiresOn: r.cto_expires_on, examinedOn: r.rc_examined_on },
        { decision: dto.decision, signedAt, amhpApprovedAtSigning: approved },
        this.zone,
      );
      if (outcome.findings.some((f) => f.severity === 'blocker'))
        refuse(outcome.findings, (f) => (f.field === 'signedAt' ? 'signedAt' : undefined));
      const status: CtoExtensionStatus = outcome.extended ? 'agreed' : 'not-agreed';
      const period = outcome.period
        ? {
            period: outcome.period.period,
            months: outcome.period.months,
            from: outcome.period.from,
            lastDay: outcome.period.lastDay,
            monthEnd: outcome.period.monthEnd,
          }
        : null;
      await m.query(
        `UPDATE cto_extensions SET status = $2, decision = $3, reasons = $4, signed_at = $5, signed_by = $6, approval_id = $7, extended = $8,
                extended_period = $9, findings = $10, version = version + 1 WHERE id = $1`,
        [
          id,
          status,
          dto.decision,
          dto.reasons,
          signedAt,
          actor.userId,
          eligible.approvalId,
          outcome.extended,
          period,
          JSON.stringify(outcome.findings),
        ],
      );
      await this.step(m, id, 'statement-made', actor.userId, now);
      await this.audit.record(m, {
        action: 'cto-extension.statement',
        resourceType: 'cto-extension',
        resourceId: id,
        subjectPersonId: r.person_id,
        accessBasis: basis,
        details: { decision: dto.decision, extended: outcome.extended, extendedUntil: period?.lastDay ?? null },
      });
      // The deadline's warnings and pages, to the AMHP and the managers alike, answer nothing now.
      await this.closeWarnings(m, id, 'statement-made');
      await this.events.emit(m, {
        type: 'cto-extension.decided',
        aggregateType: 'cto-extension',
        aggregateId: id,
        payload: {
          ctoExtensionId: id,
          personId: r.person_id,
          userId: actor.userId,
          decision: dto.decision,
          extended: outcome.extended,
          extendedUntil: period?.lastDay ?? null,
          signedAt: signedAt.toISOString(),
        },
      });
      return this.detail(m, await this.load(m, id));
    });
  }

  /**
   * POST /cto-extensions/{id}/withdraw: the request withdrawn before the AMHP's statement is made (CTO-04), by the
   * referrer that made it (its own, `own:referrer`) or a manager (person.write); another's, or an id the hub does not
   * hold, is refused to a referrer as reading it is (403, audited). Refused (409) once the statement is made, once
   * withdrawn, or once lapsed (the CTO ended without the statement: there is nothing left to withdraw); reason `other`
   * with no reasons in the note is 422 naming note; a stale If-Match is 412. In one transaction: withdrawn with
   * why, when and by whom, audited, published (`cto-extension.withdrawn`), every warning and page of its deadline
   * closed (`request-withdrawn`), the AMHP it was allocated to told, and her access to the patient through it
   * ended. The warnings job never reads it again.
   */
  async withdraw(actor: Actor, id: string, dto: WithdrawCtoExtensionDto, expected: ExpectedVersion): Promise<CtoExtensionDetailDto> {
    const missing = ctoWithdrawalNoteMissing(dto.reason, dto.note);
    if (missing) throw unprocessableField('note', missing, 'requirement-missing');
    const note = dto.note ?? null;
    return this.db.transaction(async (m) => {
      const r = await this.withdrawable(m, actor, id);
      const basis = r.basis;
      this.requireOpen(r);
      assertVersion(expected, r.version);
      const now = this.clock.now();
      this.requireNotLapsed(r, now);
      await m.query(
        `UPDATE cto_extensions SET status = 'withdrawn', withdrawn_at = $2, withdrawn_by = $3, withdrawn_reason = $4, withdrawn_note = $5,
                version = version + 1 WHERE id = $1`,
        [id, now, actor.userId, dto.reason, note],
      );
      await this.step(m, id, 'withdrawn', actor.userId, now, { reason: dto.reason });
      await this.audit.record(m, {
        action: 'cto-extension.withdraw',
        resourceType: 'cto-extension',
        resourceId: id,
        subjectPersonId: r.person_id,
        accessBasis: basis,
        details: { reason: dto.reason, from: r.status, allocatedUserId: r.allocated_user_id },
      });
      // The allocated AMHP has no reason left to read the patient's record through it (as a referral's withdrawal ends
      // its AMHP's access): her reads after are refused as any unrelated read is (403, audited). A statement made keeps
      // hers: she may be asked about it.
      await this.access.end(m, 'cto-extension', id, now);
      // Nothing about its deadline is anyone's to act on now: the AMHP's and the managers' warnings and pages alike.
      await this.closeWarnings(m, id, 'request-withdrawn');
      const amhp = r.status === 'allocated' ? r.allocated_user_id : null;
      if (amhp && amhp !== actor.userId) {
        const why = CTO_EXTENSION_WITHDRAWAL_LABELS[dto.reason];
        await this.notifications.notify(m, {
          userIds: [amhp],
          kind: 'cto-extension.withdrawn',
          severity: 'urgent',
          title: "CTO extension: the request was withdrawn; the AMHP's statement is no longer needed",
          body: `Withdrawn at ${formatLocal(now, this.zone)}: ${why}${note ? `: ${note}` : ''}. Do not go on with it. If you had already seen the patient or done anything on it, tell the hub what, so that it is recorded.`,
          // No link: her access to the request and the patient ended with it (a read would be 403), and this says all
          // there is to know.
          link: null,
          subjectType: 'cto-extension',
          subjectId: id,
          dedupKey: `cto-extension-withdrawn:${id}`,
        });
      }
      await this.events.emit(m, {
        type: 'cto-extension.withdrawn',
        aggregateType: 'cto-extension',
        aggregateId: id,
        payload: {
          ctoExtensionId: id,
          personId: r.person_id,
          userId: actor.userId,
          reason: dto.reason,
          allocatedUserId: amhp,
          withdrawnAt: now.toISOString(),
        },
      });
      return this.detail(m, await this.load(m, id));
    });
  }

  /**
   * The request locked for its withdrawal, with the basis to audit it on: a manager's is person.write of the patient;
   * a referrer's, its own request (`own:referrer`). A referrer asking to withdraw another's, or an id the hub does not
   * hold, is refused as reading it is (403, audited); a manager's unknown id is 404.
   */
  private async withdrawable(m: EntityManager, actor: Actor, id: string): Promise<Row & { basis: string }> {
    const resource = { type: 'cto-extension', id };
    const full = this.access.hasRole(actor, 'cto-extensions.withdraw');
    const r = await this.lock(m, id).catch((err: unknown) => {
      if (err instanceof NotFoundProblem && !full) return null;
      throw err;
    });
    if (r && full) return { ...r, basis: await this.access.requirePerson(actor, 'person.write', r.person_id, m, resource) };
    if (r && refersOwnReferrals(actor.roles) && r.referrer_user_id === actor.userId) return { ...r, basis: 'own:referrer' };
    return this.access.deny(actor, 'cto-extensions.withdraw', resource, NOT_YOURS, r?.person_id ?? null);
  }

  /**
   * GET /cto-extensions/{id}: a read of the person's record (person.read), audited; or, to the referrer who made it
   * (the responsible clinician's team), its own request (`own:referrer`, audited the same). A referrer asking for
   * another's request, or an id the hub does not hold, is refused alike (403, audited).
   */
  async get(actor: Actor, id: string): Promise<CtoExtensionDetailDto> {
    return this.db.transaction(async (m) => {
      const resource = { type: 'cto-extension', id };
      let r: Row;
      let basis: string;
      if (seesReferralStatusOnly(actor.roles)) {
        const found = await this.load(m, id).catch((err: unknown) => {
          if (err instanceof NotFoundProblem) return null;
          throw err;
        });
        if (!found || found.referrer_user_id !== actor.userId)
          return this.access.deny(actor, 'cto-extensions.read', resource, NOT_YOURS, found?.person_id ?? null);
        [r, basis] = [found, 'own:referrer'];
      } else {
        r = await this.access.loadOrRefuse(actor, 'person.read', resource, () => this.load(m, id));
        // Her own request, where no hub role of hers reads the person, is read as its referrer's (the best verdict).
        const own = refersOwnReferrals(actor.roles) && r.referrer_user_id === actor.userId;
        const staff = own ? await this.access.decide(actor, 'person.read', r.person_id, m, resource) : null;
        basis =
          own && !staff!.allowed
            ? 'own:referrer'
            : (staff?.basis ?? (await this.access.requirePerson(actor, 'person.read', r.person_id, m, resource)));
      }
      await this.audit.record(m, {
        action: 'cto-extension.read',
        resourceType: 'cto-extension',
        resourceId: id,
        subjectPersonId: r.person_id,
        accessBasis: basis,
      });
      return this.detail(m, r);
    });
  }

  /**
   * The requests allocated to the caller whose statement she has still to make (CTO-04, s.20A(8)): allocated, not
   * lapsed, of patients she may read, the soonest to expire first, at most `limit`; each as GET /cto-extensions/{id}
   * answers it and each an audited read of its patient, once (the duty phone's job pack, for use without a signal),
   * with the access decision it was read on (for the patient's record read beside it).
   */
  async stillToState(actor: Actor, limit: number): Promise<Array<{ request: CtoExtensionDetailDto; decision: Decision }>> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const rows: Row[] = await m.query(
        `SELECT ${COLUMNS} FROM cto_extensions c WHERE c.status = 'allocated' AND c.allocated_user_id = $1
          ORDER BY c.cto_expires_on, c.received_at, c.seq LIMIT $2`,
        [actor.userId, limit],
      );
      const open = rows.filter((r) => !this.lapsed(r, now));
      const decisions = await this.access.decideEach(
        actor,
        'person.read',
        open.map((r) => r.person_id),
        m,
      );
      const requests: Array<{ request: CtoExtensionDetailDto; decision: Decision }> = [];
      for (const [i, r] of open.entries()) {
        if (!decisions[i].allowed) continue;
        await this.audit.record(m, {
          action: 'cto-extension.read',
          resourceType: 'cto-extension',
          resourceId: r.id,
          subjectPersonId: r.person_id,
          accessBasis: decisions[i].basis,
          details: { via: 'job-pack' },
        });
        requests.push({ request: await this.detail(m, r), decision: decisions[i] });
      }
      return requests;
    });
  }

  /** GET /cto-extensions: those of people the caller may read, the soonest to expire first; each one shown an audited read. */
  async list(actor: Actor, q: CtoExtensionQuery): Promise<CtoExtensionListDto> {
    return this.db.transaction(async (m) => {
      const where = new SqlWhere();
      if (q.status) where.add('c.status = ?', q.status);
      if (q.assigned === 'me') where.add('c.allocated_user_id = ?', actor.userId);
      if (q.personId) where.add('c.person_id = ?', q.personId);
      if (q.cursor) {
        // The order they were received in breaks a tie of time (seq), never the random id: the cursor carries it.
        const [expiresOn, receivedAt, seq] = decodeCursor(q.cursor, ['date', 'instant', 'bigint']);
        const key = [where.param(expiresOn), where.param(receivedAt), where.param(seq)];
        where.raw(`(c.cto_expires_on, c.received_at, c.seq) > (${key[0]}::date, ${key[1]}::timestamptz, ${key[2]}::bigint)`);
      }
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      // A referrer (the responsible clinician's team) sees the requests it made itself, and no one else's; an account
      // that refers and holds a hub role, those and the ones of people it may read (as the referrals' queue).
      let basis: string;
      if (seesReferralStatusOnly(actor.roles)) {
        where.add('c.referrer_user_id = ?', actor.userId);
        basis = `'own:referrer'`;
      } else {
        const scope = this.access.scope(actor, 'person.read', 'c.person_id', where.params.length + 1);
        where.params.push(...scope.params);
        if (refersOwnReferrals(actor.roles)) {
          const me = where.param(actor.userId);
          where.raw(`(${scope.sql} OR c.referrer_user_id = ${me}::uuid)`);
          basis = `CASE WHEN ${scope.sql} THEN ${scope.basis} ELSE 'own:referrer' END`;
        } else {
          where.raw(scope.sql);
          basis = scope.basis;
        }
      }
      const rows: Array<Row & { seq: string; basis: string | null }> = await m.query(
        `SELECT ${COLUMNS}, c.seq, ${basis} AS basis FROM cto_extensions c ${where}
          ORDER BY c.cto_expires_on, c.received_at, c.seq LIMIT ${limit + 1}`,
        where.params,
      );
      const page = pageOf(
        rows,
        limit,
        (r) => [r.cto_expires_on, new Date(r.received_at).toISOString(), String(r.seq)],
        (r) => r,
      );
      await this.audit.recordMany(
        m,
        { action: 'cto-extension.read', resourceType: 'cto-extension' },
        page.items.map((r) => ({ resourceId: r.id, subjectPersonId: r.person_id, accessBasis: r.basis })),
      );
      return { items: page.items.map((r) => this.view(r)), nextCursor: page.nextCursor };
    });
  }

  /**
   * CTO-04 (s.20A(8)): the warnings job (every minute). Each request with no statement made and not withdrawn whose
   * deadline (the end of the day the CTO expires) is within a lead of CTO_STATEMENT_WARNING_LEADS_HOURS, or has passed,
   * is told at that stage (warn): once per stage and person however often it runs. Its breach is raised once, however
   * long after the deadline the job first sees it (the jobs stopped for days, a backup restored): the job reads only
   * the requests whose breach is not raised yet (STATEMENT_DUE_SQL, through the partial index that holds only those),
   * never the history of every request that ever lapsed. Requests the job cannot lock now (a statement, an allocation
   * or a withdrawal under way) are left to its next run.
   */
  async statementWarnings(m: EntityManager, now: Date): Promise<{ raised: number; paged: number }> {
    const rows: Row[] = await m.query(STATEMENT_DUE_SQL, [this.warnedUntil(now)]);
    const told = { raised: 0, paged: 0 };
    const whom = this.whomToTell(m, now);
    for (const r of rows) {
      const done = await this.warn(m, r, now, whom);
      told.raised += done.raised;
      told.paged += done.paged;
    }
    return told;
  }

  /** The last day of expiry the job warns of at `now`: the furthest a lead reaches (days ahead of today, rounded up). */
  warnedUntil(now: Date): string {
    return addDays(localDate(now, this.zone), Math.ceil(Math.max(...CTO_STATEMENT_WARNING_LEADS_HOURS) / 24));
  }

  /** The managers (notified) and the managers on call (paged), each read once, when first needed. */
  private whomToTell(m: EntityManager, now: Date): { managers: () => Promise<string[]>; onCall: () => Promise<string[]> } {
    let managers: Promise<string[]> | undefined;
    let onCall: Promise<string[]> | undefined;
    return {
      managers: () => (managers ??= this.notifications.managerIds(m)),
      onCall: () => (onCall ??= this.onCall.managersOnCall(m, now).then((last) => last.userIds)),
    };
  }

  /**
   * CTO-04 (s.20A(8)): a request with no statement made, at a warning stage now (clockStage over the leads: the nearest
   * lead reached, or `breach` once the deadline has passed and the CTO has lapsed unextended): told, as a statutory
   * clock of a referral is (ClockAlerts), by a notification (`clock.warning`, `clock.breached`) to the managers and the
   * allocated AMHP, and a page (`clock-warning`, `clock-breach`) to the AMHP (step 0) and to the managers on call
   * (the manager on call, or every manager: the chain's last step). Keyed per request and stage
   * (ctoStatementKey), so each is raised once per person whoever raises it (the job, an allocation).
   */
  private async warn(m: EntityManager, r: Row, now: Date, whom = this.whomToTell(m, now)): Promise<{ raised: number; paged: number }> {
    const dueBy = ctoStatementDueBy(r.cto_expires_on, this.zone);
    const stage = clockStage(dueBy, now, STATEMENT_LEADS_MINUTES);
    if (!stage || decided(r) || withdrawn(r)) return { raised: 0, paged: 0 };
    const breach = stage === 'breach';
    const key = ctoStatementKey(r.id, stage);
    const amhp = r.status === 'allocated' ? r.allocated_user_id : null;
    const due = `by the end of ${formatDay(r.cto_expires_on)} (${formatLocal(dueBy, this.zone)})`;
    const raised = await this.notifications.notify(m, {
      userIds: [...(amhp ? [amhp] : []), ...(await whom.managers())],
      kind: breach ? 'clock.breached' : 'clock.warning',
      severity: breach ? 'urgent' : 'warning',
      title: breach
        ? "CTO extension: the AMHP's statement was not made in time; the CTO has lapsed"
        : `CTO extension: the AMHP's statement is due within ${Number(stage) / 60} h${amhp ? '' : ', and the request is not allocated'}`,
      body: breach
        ? `The statement was due ${due}. Without it the CTO could not be extended and has ended (CTO-04, s.20A(8)).`
        : `Due ${due}. Without it the CTO cannot be extended and ends then (CTO-04, s.20A(8)).`,
      link: `/cto-extensions/${r.id}`,
      subjectType: 'cto-extension',
      subjectId: r.id,
      dedupKey: key,
    });
    const page = { kind: breach ? ('clock-breach' as const) : ('clock-warning' as const), chainKey: key, endsAt: dueBy };
    const subject = { subjectType: 'cto-extension', subjectId: r.id };
    let paged = 0;
    if (amhp) paged += (await this.pages.raise(m, { ...page, ...subject, recipientUserIds: [amhp], step: 0 })).length;
    paged += (await this.pages.raise(m, { ...page, ...subject, recipientUserIds: await whom.onCall(), step: LAST_STEP })).length;
    // Raised: the job reads it no more (its index holds only the requests whose breach is still to raise), and its
    // timeline says so, once, by the service.
    if (breach)
      await m.query(
        `WITH raised AS (UPDATE cto_extensions SET breach_raised_at = $2 WHERE id = $1 AND breach_raised_at IS NULL RETURNING id)
         INSERT INTO cto_extension_events (cto_extension_id, type, at) SELECT id, 'breach-raised', $2 FROM raised`,
        [r.id, now],
      );
    return { raised, paged };
  }

  /**
   * The statement's warnings and pages closed, with why: everyone's (the statement made, the request withdrawn), or one
   * AMHP's (reallocated).
   */
  private async closeWarnings(
    m: EntityManager,
    id: string,
    reason: 'statement-made' | 'request-withdrawn' | 'reallocated',
    userId?: string,
  ): Promise<void> {
    const prefix = `${ctoStatementKey(id, '')}`;
    await this.pages.closeChains(m, prefix, reason, { recipientUserId: userId ?? null });
    await this.notifications.close(m, { subjectId: id, dedupPrefix: prefix, userId: userId ?? null }, reason);
  }

  /**
   * Who may make the request for this person, and the basis it is audited on: whoever may change the person's record
   * (a manager, the allocated AMHP: person.write), or a referrer (the responsible clinician's team) for a person it
   * may name (person.identify: the people of its own referrals), as a referral names a person by id. Refused alike
   * (403, audited) whether the hub holds the person or not.
   */
  private async requestBasis(actor: Actor, personId: string, m: EntityManager): Promise<string> {
    const resource = { type: 'person', id: personId };
    if (refersOwnReferrals(actor.roles)) {
      const write = seesReferralStatusOnly(actor.roles) ? null : await this.access.decide(actor, 'person.write', personId, m, resource);
      if (write?.allowed) return write.basis;
      const identify = await this.access.decide(actor, 'person.identify', personId, m);
      if (identify.allowed) return identify.basis;
      if (seesReferralStatusOnly(actor.roles))
        return this.access.deny(
          actor,
          'person.identify',
          resource,
          'You may not request a statement for this person by their record: only for the people of your own referrals.',
          personId,
        );
    }
    return this.access.requirePerson(actor, 'person.write', personId, m, resource);
  }

  /** Neither decided nor withdrawn: both are final (409 `cto-extension-decided`, `cto-extension-withdrawn`). */
  private requireOpen(r: Row): void {
    if (decided(r))
      throw new ConflictProblem(
        `The AMHP's statement on this request is already made (${r.decision === 'agree' ? 'agreed' : 'not agreed'}, signed ${r.signed_at!.toISOString()}): it is final.`,
        'cto-extension-decided',
      );
    if (withdrawn(r))
      throw new ConflictProblem(
        `This request was withdrawn at ${formatLocal(r.withdrawn_at!, this.zone)} (${CTO_EXTENSION_WITHDRAWAL_LABELS[r.withdrawn_reason!]}): no statement is asked for on it. A new request from the responsible clinician is a new matter.`,
        'cto-extension-withdrawn',
        { withdrawnAt: r.withdrawn_at!.toISOString(), reason: r.withdrawn_reason },
      );
  }

  /** Past the end of the day the CTO expired without the AMHP's statement, not withdrawn (CTO-04): nothing is left to do with it. */
  private lapsed(r: Row, now: Date): boolean {
    return ctoExtensionLapsed(r.cto_expires_on, decided(r), now, this.zone, withdrawn(r));
  }

  /**
   * CTO-04 (s.20A(8)): once the day the CTO expired has ended without the AMHP's statement, the CTO has ended and cannot
   * be extended on this request: allocating it would send an AMHP to make a statement that can no longer count.
   */
  private requireNotLapsed(r: Row, now: Date): void {
    if (this.lapsed(r, now))
      throw new ConflictProblem(
        `The CTO expired at the end of ${r.cto_expires_on} without the AMHP's statement: it was not extended and has ended (CTO-04, s.20A(8)). A new CTO or a recall is a new matter, not this request.`,
        'cto-extension-lapsed',
        { rule: 'CTO-04' satisfies RuleId },
      );
  }

  private async load(m: EntityManager, id: string): Promise<Row> {
    const [r] = await m.query(`SELECT ${COLUMNS} FROM cto_extensions c WHERE c.id = $1`, [id]);
    if (!r) throw new NotFoundProblem('CTO extension request', id);
    return r as Row;
  }

  private async lock(m: EntityManager, id: string): Promise<Row> {
    const [r] = await m.query(`SELECT ${COLUMNS} FROM cto_extensions c WHERE c.id = $1 FOR UPDATE`, [id]);
    if (!r) throw new NotFoundProblem('CTO extension request', id);
    return r as Row;
  }

  /**
   * A step of the request's timeline, in the transaction of its change: `at` the instant the change itself records (the
   * service's clock; a receipt: when the request reached the hub), by whom, to which AMHP (an allocation), and why (a
   * withdrawal).
   */
  private async step(
    m: EntityManager,
    id: string,
    type: Exclude<CtoExtensionStep, 'lapsed' | 'breach-raised'>,
    by: string,
    at: Date,
    extra: { amhpUserId?: string; reason?: CtoExtensionWithdrawalReason } = {},
  ): Promise<void> {
    await this.db.preparedOn(
      m,
      `INSERT INTO cto_extension_events (cto_extension_id, type, at, actor_id, amhp_user_id, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, type, at, by, extra.amhpUserId ?? null, extra.reason ?? null],
    );
  }

  /** The request as read on its own: its view, and its timeline (the steps stored, and its lapse once lapsed), oldest first. */
  private async detail(m: EntityManager, r: Row): Promise<CtoExtensionDetailDto> {
    const view = this.view(r);
    const stored = await this.db.preparedOn<{
      type: CtoExtensionStep;
      at: Date;
      actor_id: string | null;
      amhp_user_id: string | null;
      reason: string | null;
    }>(m, `SELECT type, at, actor_id, amhp_user_id, reason FROM cto_extension_events WHERE cto_extension_id = $1 ORDER BY at, id`, [r.id]);
    const timeline: CtoExtensionStepDto[] = stored.map((e) => ({
      type: e.type,
      at: new Date(e.at).toISOString(),
      byUserId: e.actor_id,
      amhpUserId: e.amhp_user_id,
      reason: e.reason,
    }));
    // CTO-04: the lapse is the end of the day the CTO expired, not a change anyone made: after the steps before it.
    if (view.lapsed) {
      const lapse = { type: 'lapsed', at: view.statementDueBy, byUserId: null, amhpUserId: null, reason: null };
      const after = timeline.findIndex((e) => e.at > lapse.at);
      timeline.splice(after < 0 ? timeline.length : after, 0, lapse);
    }
    return { ...view, timeline };
  }

  private view(r: Row): CtoExtensionViewDto {
    const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
    return {
      id: r.id,
      personId: r.person_id,
      status: r.status,
      responsibleClinician: r.responsible_clinician,
      ctoMadeOn: r.cto_made_on,
      ctoExpiresOn: r.cto_expires_on,
      rcExaminedOn: r.rc_examined_on,
      receivedAt: iso(r.received_at)!,
      statementDueBy: ctoStatementDueBy(r.cto_expires_on, this.zone).toISOString(),
      lapsed: this.lapsed(r, this.clock.now()),
      allocatedUserId: r.allocated_user_id,
      allocatedAt: iso(r.allocated_at),
      statement:
        r.decision && r.signed_at && r.signed_by
          ? {
              decision: r.decision,
              reasons: r.reasons ?? '',
              signedAt: iso(r.signed_at)!,
              signedByUserId: r.signed_by,
              approvalId: r.approval_id,
            }
          : null,
      extended: r.extended,
      extendedPeriod: r.extended_period,
      withdrawal:
        r.withdrawn_reason && r.withdrawn_at && r.withdrawn_by
          ? { reason: r.withdrawn_reason, note: r.withdrawn_note, withdrawnAt: iso(r.withdrawn_at)!, withdrawnByUserId: r.withdrawn_by }
          : null,
      findings: r.findings.map(({ rule, severity, code, message, citation }) => ({ rule, severity, code, message, citation })),
      version: r.version,
    };
  }
}
