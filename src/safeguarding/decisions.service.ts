import { AssessmentsService } from '../assessments/assessments.service';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock, isoOrNull, recordedInstant } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, ProblemError, UnprocessableProblem } from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { PeopleService } from '../people/people.service';
import { personAsRecordedSql, recordedPersonSummarySql } from '../people/people.tables';
import { PersonMoves } from '../people/person-moves';
import { formatLocal, type Finding } from '../statute/clocks';
import { dolsClocks, EXTENSION_MAX_DAYS, UA_MAX_DAYS, validateExtension } from '../statute/dols';
import { ageOn, localDate } from '../statute/time';
import { EligibilityService } from '../workforce/eligibility.service';
import { ActionsService, type NewAction } from './actions.service';
import {
  DOLS_ADJOINING_HOURS,
  dolsEpisode,
  dolsFactsFromDetails,
  dolsRecordOf,
  DECISION_MAKER_AUTHORITY,
  signsOnAmhpApproval,
  type DolsPerson,
  dolsReturnRow,
  legalFrameworkWarnings,
  missingForSigning,
  s42DutyArises,
  subjectFindings,
  validateDraft,
  type DraftError,
  type Escalation,
  type MissingItem,
} from './decision.rules';
import type { DecisionType } from './safeguarding.entities';
import { sacWithLabels } from './sac-code-lists';
import {
  AmendDecisionDto,
  AmendmentViewDto,
  CreateDecisionDto,
  DecisionHistoryDto,
  DecisionMetadataDto,
  DecisionQuery,
  DecisionSummaryDto,
  DecisionViewDto,
  UpdateDecisionDto,
} from './dto/decision.dto';
import { isFilledText } from '../statute/visible-text';
import { hardFindings } from '../workforce/workforce.rules';

type Json = Record<string, unknown>;

interface DecisionRow {
  id: string;
  type: DecisionType;
  status: 'draft' | 'signed';
  personId: string | null;
  personDetails: { name: string; dateOfBirth?: string; approximateAge?: number; address?: string } | null;
  authorUserId: string;
  occurredAt: Date;
  content: Json;
  details: Json;
  costPence: number | null;
  escalation: Escalation | null;
  signedAt: Date | null;
  version: number;
  createdAt: Date;
  amendmentCount: number;
  person: { id: string; givenName: string; familyName: string; dateOfBirth: string | null; nhsNumber: string | null } | null;
}

/** A signed decision as the morning handover lists it. */
export interface SignedDecision {
  id: string;
  type: string;
  /** A draft is on the handover as a record still needing action (not yet signed). */
  status: 'signed' | 'draft';
  occurredAt: string;
  signedAt: string | null;
  /** Amendments made so far, and when the last was made (a decision handed over before, amended since, comes again). */
  amendmentCount: number;
  lastAmendedAt: string | null;
  authorUserId: string;
  personId: string | null;
  personName: string | null;
  question: string | null;
  decision: string | null;
  handoverNote: string | null;
  costPence: number | null;
  escalated: boolean;
  actions: Array<{
    id: string;
    description: string;
    ownerUserId: string | null;
    ownerTeam: string | null;
    dueAt: string | null;
    doneAt: string | null;
  }>;
}

/**
 * Who a decision is about, as it shows them: as the author recorded them when naming them (person_as_recorded), never
 * the person's record as it is later, which its author may no longer read (her access to the person ends with her
 * work with them; the decision stays hers to read) and which would rewrite the record after the fact.
 */
const PERSON_AS_RECORDED = recordedPersonSummarySql('d.person_as_recorded', 'd.person_id');

/** What a caller asks of a decision, and the refusal when it is not theirs to (decisions.read, decisions.write). */
type DecisionUse = 'read' | 'edit' | 'sign' | 'amend';
const REFUSED: Record<DecisionUse, string> = {
  read: 'Only the author and managers may read this decision.',
  edit: 'Only the author may edit a draft decision.',
  sign: 'Only the author may sign a draft decision.',
  amend: 'Only the author or a manager may amend a decision.',
};

const SELECT = `SELECT d.id, d.type, d.status, d.person_id AS "personId", d.person_details AS "personDetails", d.author_user_id AS "authorUserId",
       d.occurred_at AS "occurredAt", d.content, d.details, d.cost_pence AS "costPence", d.escalation, d.signed_at AS "signedAt",
       d.version, d.created_at AS "createdAt",
       (SELECT count(*)::int FROM decision_amendments x WHERE x.decision_id = d.id) AS "amendmentCount",
       ${PERSON_AS_RECORDED} AS person
  FROM decisions d`;

const DOLS_TYPES: readonly DecisionType[] = ['dols-urgent-authorisation', 'dols-extension'];
/** The details an amendment may change that decide which urgent authorisation, and which detention, a DoLS record is of. */
const DOLS_EPISODE_FIELDS = ['managingAuthority', 'grantedAt', 'days', 'extension'] as const;
/** isIsoInstant's pattern, for SQL: only such a value is cast to an instant. */
const ISO_INSTANT_SQL = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$';

/** A DTO as plain JSON: class instances flattened, undefined (absent) keys dropped, null kept (it means "clear"). */
function plain<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** JSON with object keys sorted: the same value written in another key order compares equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Merges a partial object key by key: a key given replaces the stored one; null removes it. */
function merge(stored: Json, patch: Json | undefined): Json {
  if (!patch) return stored;
  const out: Json = { ...stored };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Who the decision is about, by name: from the person's record, or the details given for one with none. */
function personName(d: Pick<DecisionRow, 'person' | 'personDetails'>): string | null {
  if (d.person) return `${d.person.givenName} ${d.person.familyName}`.trim();
  return d.personDetails?.name ?? null;
}

/** 422 with the rules' draft errors, grouped by field as the validation problems are. */
function draftProblem(errors: DraftError[]): UnprocessableProblem {
  const byField = new Map<string, string[]>();
  for (const e of errors) byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
  return new UnprocessableProblem(`The record has values it cannot hold: ${[...byField.keys()].join(', ')}.`, 'decision-invalid', {
    errors: [...byField].map(([field, messages]) => ({ field, messages })),
  });
}

/**
 * Out-of-hours decisions (OOH-01..OOH-08, OOH-DA; see README, Out of hours): the duty AMHP / EDT worker's record of a s.42
 * concern, a best-interests decision, a DoLS urgent authorisation or its extension, an emergency placement, a carer
 * breakdown, a child-protection referral.
 *
 * A draft is its author's alone to edit and sign; signing runs the OOH-08 checks (decision.rules.ts), freezes the
 * record and turns its actions into follow-up actions. After that a correction is an amendment with a reason, by the
 * author or a manager, which keeps the before and after of every field, so the record as signed stays recoverable.
 *
 * Who reads what: the author and managers the whole record; an auditor its metadata only (no content, no details, no
 * person details); another AMHP nothing. Every read and change is audited in its transaction, with the person.
 */
/** An out-of-hours decision is recorded at most this long after it was made (the morning handover, a late write-up). */
export const DECISION_LEAD_DAYS = 31;

@Injectable()
export class DecisionsService implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly access: AccessService,
    private readonly people: PeopleService,
    private readonly users: UsersService,
    private readonly actions: ActionsService,
    private readonly assessments: AssessmentsService,
    private readonly eligibility: EligibilityService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly personMoves: PersonMoves,
  ) {}

  /** A pending identity match resolved as the same person (PersonMoves): decisions about the pending person move too. */
  onModuleInit(): void {
    this.personMoves.register(async (m, from, to) => {
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE decisions SET person_id = $2, version = version + 1 WHERE person_id = $1 RETURNING id`,
        [from, to],
      );
      return { decisions: rows.map((r) => r.id) };
    });
  }

  /** POST /decisions: a draft by the caller, about a person they may read or one with no record. */
  async create(actor: Actor, dto: CreateDecisionDto): Promise<DecisionViewDto> {
    const occurredAt = this.notFuture(dto.occurredAt, 'occurredAt');
    this.requireOnePerson(dto.personId, dto.personDetails, true);
    const content = plain(dto.content ?? {}) as Json;
    const details = plain(dto.details ?? {}) as Json;
    this.requireDraftValid(dto.type, content, details);
    return this.db.transaction(async (m) => {
      const basis = dto.personId ? await this.requireReadablePerson(actor, dto.personId, m) : null;
      await this.actions.requireOwners(
        m,
        this.actionsOf(content).map((a) => a.ownerUserId),
        'content.actions',
      );
      const [{ id }] = await m.query(
        `INSERT INTO decisions (type, person_id, person_details, author_user_id, occurred_at, content, details, cost_pence, escalation, person_as_recorded, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ${personAsRecordedSql('$2::uuid')}, $10) RETURNING id`,
        [
          dto.type,
          dto.personId ?? null,
          dto.personDetails ? plain(dto.personDetails) : null,
          actor.userId,
          occurredAt,
          content,
          details,
          dto.costPence ?? null,
          dto.escalation ? plain(dto.escalation) : null,
          this.clock.now(),
        ],
      );
      await this.audit.record(m, {
        action: 'decision.create',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: dto.personId ?? null,
        accessBasis: basis,
        details: { type: dto.type },
      });
      await this.events.emit(m, {
        type: 'decision.drafted',
        aggregateType: 'decision',
        aggregateId: id,
        payload: { decisionId: id, type: dto.type, authorUserId: actor.userId, personId: dto.personId ?? null },
      });
      return this.fullView(m, await this.load(m, id));
    });
  }

  /** PATCH /decisions/:id: the author edits their draft; a signed record is amended instead (409). */
  async update(actor: Actor, id: string, dto: UpdateDecisionDto, expectedVersion: ExpectedVersion): Promise<DecisionViewDto> {
    const occurredAt = dto.occurredAt !== undefined ? this.notFuture(dto.occurredAt, 'occurredAt') : undefined;
    this.requireOnePerson(dto.personId, dto.personDetails, false);
    return this.db.transaction(async (m) => {
      const d = await this.lockAndLoad(m, id, actor, 'edit');
      // Whether another's decision is signed, and when, is told only to those who may read it (its author, managers).
      if (d.authorUserId !== actor.userId && !this.isManager(actor)) await this.refuseNotAuthor(actor, d, 'edit');
      this.requireDraft(d);
      if (d.authorUserId !== actor.userId) await this.refuseNotAuthor(actor, d, 'edit');
      assertVersion(expectedVersion, d.version);
      const content = merge(d.content, plain(dto.content) as Json | undefined);
      const details = merge(d.details, plain(dto.details) as Json | undefined);
      this.requireDraftValid(d.type, content, details);
      await this.actions.requireOwners(
        m,
        this.actionsOf(content).map((a) => a.ownerUserId),
        'content.actions',
      );
      const basis = dto.personId ? await this.requireReadablePerson(actor, dto.personId, m) : 'author';
      const person = dto.personId
        ? { id: dto.personId, details: null }
        : dto.personDetails
          ? { id: null, details: plain(dto.personDetails) }
          : { id: d.personId, details: d.personDetails };
      await m.query(
        `UPDATE decisions SET occurred_at = $2, person_id = $3, person_details = $4, content = $5, details = $6, cost_pence = $7, escalation = $8,
                person_as_recorded = CASE WHEN $9::boolean THEN ${personAsRecordedSql('$3::uuid')} WHEN $3::uuid IS NULL THEN NULL ELSE person_as_recorded END,
                version = version + 1 WHERE id = $1`,
        [
          id,
          occurredAt ?? d.occurredAt,
          person.id,
          person.details,
          content,
          details,
          dto.costPence === undefined ? d.costPence : dto.costPence,
          dto.escalation === undefined ? d.escalation : plain(dto.escalation),
          // A person named now (and readable: above) is recorded as they are now; one kept stays as recorded.
          !!dto.personId,
        ],
      );
      const fields = this.changedFields({
        ...dto,
        ...(dto.content ? { content: plain(dto.content) } : {}),
        ...(dto.details ? { details: plain(dto.details) } : {}),
      });
      await this.audit.record(m, {
        action: 'decision.update',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: person.id ?? d.personId,
        accessBasis: basis,
        details: { fields },
      });
      await this.events.emit(m, {
        type: 'decision.updated',
        aggregateType: 'decision',
        aggregateId: id,
        payload: { decisionId: id, fields },
      });
      return this.fullView(m, await this.load(m, id));
    });
  }

  /**
   * POST /decisions/:id/sign: the author signs; everything OOH-08 and the type need must be there (422
   * `decision-incomplete` listing every missing field). The record's actions become follow-up actions.
   */
  async sign(actor: Actor, id: string, expectedVersion: ExpectedVersion): Promise<DecisionViewDto> {
    return this.db.transaction(async (m) => {
      const d = await this.lockAndLoad(m, id, actor, 'sign');
      if (d.authorUserId !== actor.userId) await this.refuseNotAuthor(actor, d, 'sign');
      if (d.status === 'signed')
        throw new ConflictProblem(
          `This decision was signed at ${isoOrNull(d.signedAt)}; correct it with an amendment (POST /decisions/${id}/amendments).`,
          'decision-signed',
          { signedAt: isoOrNull(d.signedAt) },
        );
      assertVersion(expectedVersion, d.version);
      await this.requireAuthority(m, actor, d);
      this.requireDraftValid(d.type, d.content, d.details);
      const dols = await this.withDolsHistory(m, d, d.details);
      // OOH-04 / OOH-05: a second urgent authorisation or extension in the same detention, naming the earlier decision.
      this.refuseBlockers(dols.findings);
      this.requireSignable(d.type, d.content, dols.details, d.costPence, d.escalation);
      this.refuseBlockers(this.subjectFindings(d, d.details, d.occurredAt));
      const now = this.clock.now();
      await m.query(`UPDATE decisions SET status = 'signed', signed_at = $2, version = version + 1 WHERE id = $1`, [id, now]);
      const actionIds = await this.actions.insert(m, actor, 'decision', id, this.actionsOf(d.content), d.personId);
      const escalated = this.aboveLimit(d.costPence);
      await this.audit.record(m, {
        action: 'decision.sign',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: d.personId,
        accessBasis: 'author',
        details: { type: d.type, actionIds, escalated },
      });
      await this.events.emit(m, {
        type: 'decision.signed',
        aggregateType: 'decision',
        aggregateId: id,
        payload: {
          decisionId: id,
          type: d.type,
          authorUserId: d.authorUserId,
          personId: d.personId,
          signedAt: now.toISOString(),
          actionIds,
        },
      });
      if (escalated) {
        await this.events.emit(m, {
          type: 'decision.escalation-required',
          aggregateType: 'decision',
          aggregateId: id,
          payload: {
            decisionId: id,
            type: d.type,
            costPence: d.costPence,
            limitPence: this.config.delegatedAuthorityLimitPence,
            escalationOutcome: d.escalation?.outcome ?? null,
          },
        });
      }
      return this.fullView(m, await this.load(m, id));
    });
  }

  /**
   * POST /decisions/:id/amendments: a correction of a signed record, with a reason, by its author or a manager. The
   * before and after of every field changed are kept; the amended record must still be complete. Actions added to
   * `content.actions` become follow-up actions; actions taken out stay (they may be under way or done).
   */
  async amend(actor: Actor, id: string, dto: AmendDecisionDto, expectedVersion: ExpectedVersion): Promise<DecisionViewDto> {
    return this.db.transaction(async (m) => {
      const d = await this.lockAndLoad(m, id, actor, 'amend');
      const manager = this.isManager(actor);
      if (d.authorUserId !== actor.userId && !manager) await this.refuse(actor, id, 'amend', d.personId);
      if (d.status === 'draft')
        throw new ConflictProblem('This decision is a draft: edit it (PATCH) instead of amending it.', 'decision-draft');
      assertVersion(expectedVersion, d.version);
      const after = {
        content: merge(d.content, plain(dto.content) as Json | undefined),
        details: merge(d.details, plain(dto.details) as Json | undefined),
        costPence: dto.costPence === undefined ? d.costPence : dto.costPence,
        escalation: dto.escalation === undefined ? d.escalation : plain<Escalation | null>(dto.escalation),
      };
      const changes = this.diff(d, after);
      if (!Object.keys(changes).length) throw new UnprocessableProblem('The amendment changes nothing in the record.', 'no-change');
      this.requireDraftValid(d.type, after.content, after.details);
      // OOH-09: a record signed before the SAC fields were asked for may be corrected without adding them.
      const sacRequired = d.content.sac !== undefined || after.content.sac !== undefined;
      const dols = await this.withDolsHistory(m, d, after.details);
      // OOH-04 / OOH-05: an amendment may not make the record a second urgent authorisation or extension of a detention.
      if (DOLS_EPISODE_FIELDS.some((k) => `details.${k}` in changes)) this.refuseBlockers(dols.findings);
      this.requireSignable(d.type, after.content, dols.details, after.costPence, after.escalation, sacRequired);
      const now = this.clock.now();
      const [{ id: amendmentId }] = await m.query(
        'INSERT INTO decision_amendments (decision_id, amended_by, amended_at, reason, changes) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [id, actor.userId, now, dto.reason, changes],
      );
      await m.query(
        'UPDATE decisions SET content = $2, details = $3, cost_pence = $4, escalation = $5, version = version + 1 WHERE id = $1',
        [id, after.content, after.details, after.costPence, after.escalation],
      );
      const before = new Set(this.actionsOf(d.content).map(canonical));
      const added = this.actionsOf(after.content).filter((a) => !before.has(canonical(a)));
      const actionIds = added.length ? await this.actions.insert(m, actor, 'decision', id, added, d.personId) : [];
      const fields = Object.keys(changes);
      const basis = d.authorUserId === actor.userId ? 'author' : 'role:manager';
      await this.audit.record(m, {
        action: 'decision.amend',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: d.personId,
        accessBasis: basis,
        details: { amendmentId, fields, actionIds },
      });
      await this.events.emit(m, {
        type: 'decision.amended',
        aggregateType: 'decision',
        aggregateId: id,
        payload: { decisionId: id, amendmentId, fields, amendedBy: actor.userId, actionIds },
      });
      if (!this.aboveLimit(d.costPence) && this.aboveLimit(after.costPence)) {
        await this.events.emit(m, {
          type: 'decision.escalation-required',
          aggregateType: 'decision',
          aggregateId: id,
          payload: {
            decisionId: id,
            type: d.type,
            costPence: after.costPence,
            limitPence: this.config.delegatedAuthorityLimitPence,
            escalationOutcome: after.escalation?.outcome ?? null,
          },
        });
      }
      return this.fullView(m, await this.load(m, id));
    });
  }

  /** GET /decisions/:id: the whole record for its author and managers; metadata for an auditor; 403 for anyone else. */
  async get(actor: Actor, id: string): Promise<DecisionViewDto | DecisionMetadataDto> {
    return this.db.transaction(async (m) => {
      const d = await this.load(m, id, actor, 'read');
      const sees = await this.reader(actor, d);
      if (sees === 'metadata') {
        await this.audit.record(m, {
          action: 'decision.read-metadata',
          resourceType: 'decision',
          resourceId: id,
          subjectPersonId: d.personId,
          accessBasis: 'role:auditor',
        });
        return this.metadataView(m, d);
      }
      await this.audit.record(m, {
        action: 'decision.read',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: d.personId,
        accessBasis: sees,
      });
      return this.fullView(m, d);
    });
  }

  /** GET /decisions/:id/history: the record as signed and every amendment in order (auditors: who and when only). */
  async history(actor: Actor, id: string): Promise<DecisionHistoryDto> {
    return this.db.transaction(async (m) => {
      const d = await this.load(m, id, actor, 'read');
      const sees = await this.reader(actor, d);
      const rows: Array<{
        id: string;
        amendedBy: string;
        amendedAt: Date;
        reason: string;
        changes: Record<string, { before: unknown; after: unknown }>;
      }> = await m.query(
        'SELECT id, amended_by AS "amendedBy", amended_at AS "amendedAt", reason, changes FROM decision_amendments WHERE decision_id = $1 ORDER BY amended_at, seq',
        [id],
      );
      if (sees === 'metadata') {
        await this.audit.record(m, {
          action: 'decision.read-history-metadata',
          resourceType: 'decision',
          resourceId: id,
          subjectPersonId: d.personId,
          accessBasis: 'role:auditor',
        });
        return {
          id,
          view: 'metadata',
          signed: null,
          amendments: rows.map((a) => ({
            id: a.id,
            amendedBy: a.amendedBy,
            amendedAt: isoOrNull(a.amendedAt)!,
            fields: Object.keys(a.changes),
          })),
          version: d.version,
        };
      }
      await this.audit.record(m, {
        action: 'decision.read-history',
        resourceType: 'decision',
        resourceId: id,
        subjectPersonId: d.personId,
        accessBasis: sees,
      });
      const amendments: AmendmentViewDto[] = rows.map((a) => ({
        id: a.id,
        amendedBy: a.amendedBy,
        amendedAt: isoOrNull(a.amendedAt)!,
        fields: Object.keys(a.changes),
        reason: a.reason,
        changes: a.changes,
      }));
      return { id, view: 'full', signed: d.status === 'signed' ? this.asSigned(d, rows) : null, amendments, version: d.version };
    });
  }

  /**
   * GET /decisions: newest first. Managers see every decision, an AMHP their own, an auditor the metadata of every
   * one. Each listed is an audited read of its person.
   */
  async list(
    actor: Actor,
    q: DecisionQuery,
  ): Promise<{ items: Array<DecisionSummaryDto | DecisionMetadataDto>; nextCursor: string | null }> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const metadataOnly = !this.isManager(actor) && actor.roles.includes('auditor');
    const where = new SqlWhere();
    if (!this.isManager(actor) && !metadataOnly) where.add('d.author_user_id = ?', actor.userId);
    if (q.author === 'me') where.add('d.author_user_id = ?', actor.userId);
    if (q.status) where.add('d.status = ?', q.status);
    if (q.type) where.add('d.type = ?', q.type);
    if (q.since) where.add('d.occurred_at >= ?', new Date(q.since));
    if (q.until) where.add('d.occurred_at < ?', new Date(q.until));
    if (q.cursor) {
      // The order they were recorded in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [occurredAt, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      where.raw(`(d.occurred_at, d.seq) < (${where.param(occurredAt)}::timestamptz, ${where.param(seq)}::bigint)`);
    }
    // Each row's basis as reader() gives it for one decision: its author, a manager, or an auditor's metadata.
    const basis = metadataOnly
      ? `'role:auditor'`
      : this.isManager(actor)
        ? `CASE WHEN d.author_user_id = ${where.param(actor.userId)}::uuid THEN 'author' ELSE 'role:manager' END`
        : `'author'`;
    const sql = `SELECT d.id, d.seq, d.type, d.status, d.occurred_at AS "occurredAt", d.signed_at AS "signedAt", d.author_user_id AS "authorUserId",
        d.person_id AS "personId", d.version, ${basis} AS "accessBasis", (SELECT count(*)::int FROM decision_amendments x WHERE x.decision_id = d.id) AS "amendmentCount"
        ${metadataOnly ? '' : `, ${PERSON_AS_RECORDED} AS person, d.person_details AS "personDetails", d.content->>'question' AS question, d.cost_pence AS "costPence", d.escalation IS NOT NULL AS escalated`}
      FROM decisions d ${where} ORDER BY d.occurred_at DESC, d.seq DESC LIMIT ${where.param(limit + 1)}`;
    return this.db.transaction(async (m) => {
      /** seq: the order recorded in (bigint, as text), the tie-break of the list and its cursor. */
      type Row = DecisionRow & { seq: string; question?: string | null; escalated?: boolean };
      const rows = await this.audit.selectAudited<Row>(
        m,
        { sql, params: where.params, shown: limit, resourceColumn: 'id', subjectColumn: 'personId', basisColumn: 'accessBasis' },
        { action: metadataOnly ? 'decision.read-metadata' : 'decision.read', resourceType: 'decision', details: { via: 'list' } },
      );
      const page = rows.slice(0, limit);
      const names = await this.users.displayNames(m, [...new Set(page.map((r) => r.authorUserId))]);
      const items = page.map((r) => {
        const meta = this.metadataOf(r, names.get(r.authorUserId) ?? null);
        if (metadataOnly) return meta;
        return {
          ...meta,
          view: 'summary' as const,
          personName: personName(r),
          question: r.question ?? null,
          costPence: r.costPence,
          escalated: !!r.escalated,
        };
      });
      const last = page.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.occurredAt).toISOString(), String(last.seq)]) : null,
      };
    });
  }

  /**
   * For the morning handover, inside its transaction: the decisions signed in [from, to), oldest first, with their
   * follow-up actions. Not audited here: the caller audits what it compiles.
   */
  /** For the alerts jobs (in the caller's transaction, not audited): signed DoLS decisions with their clocks (OOH-04/05). */
  async dolsClocksOfSigned(
    m: EntityManager,
  ): Promise<Array<{ id: string; authorUserId: string; personId: string | null; clocks: ReturnType<typeof dolsClocks> }>> {
    const rows: Array<{
      id: string;
      type: DecisionType;
      author_user_id: string;
      person_id: string | null;
      details: Record<string, unknown>;
    }> = await m.query(
      `SELECT id, type, author_user_id, person_id, details FROM decisions WHERE status = 'signed' AND type IN ('dols-urgent-authorisation', 'dols-extension') ORDER BY occurred_at`,
    );
    return rows.flatMap((r) => {
      const facts = dolsFactsFromDetails(r.type, r.details);
      return facts
        ? [
            {
              id: r.id,
              authorUserId: r.author_user_id,
              personId: r.person_id,
              clocks: dolsClocks(facts, this.config.timeZone, this.config.dolsDayCounting),
            },
          ]
        : [];
    });
  }

  /**
   * The decisions a handover of the period [from, to) carries (OOH-08, as the record now stands): those signed in it;
   * those signed before and amended in it (the handover that listed them showed what the amendment superseded); and
   * every draft of something that happened before `to`, still unsigned, as a record needing action.
   */
  async forHandover(m: EntityManager, from: Date, to: Date): Promise<SignedDecision[]> {
    const rows: Array<DecisionRow & { amendmentCount: number; lastAmendedAt: Date | null }> = await m.query(
      `SELECT d.id, d.type, d.status, d.occurred_at AS "occurredAt", d.signed_at AS "signedAt", d.author_user_id AS "authorUserId", d.person_id AS "personId",
              ${PERSON_AS_RECORDED} AS person, d.person_details AS "personDetails",
              d.content, d.cost_pence AS "costPence", d.escalation,
              (SELECT count(*)::int FROM decision_amendments x WHERE x.decision_id = d.id AND x.amended_at < $2) AS "amendmentCount",
              (SELECT max(x.amended_at) FROM decision_amendments x WHERE x.decision_id = d.id AND x.amended_at < $2) AS "lastAmendedAt"
         FROM decisions d
        WHERE (d.status = 'signed' AND d.signed_at < $2
               AND (d.signed_at >= $1 OR EXISTS (SELECT 1 FROM decision_amendments x WHERE x.decision_id = d.id AND x.amended_at >= $1 AND x.amended_at < $2)))
           OR (d.status = 'draft' AND d.occurred_at < $2)
        ORDER BY d.status DESC, coalesce(d.signed_at, d.occurred_at), d.seq`,
      [from, to],
    );
    const actions = await this.actions.ofSources(
      m,
      'decision',
      rows.map((r) => r.id),
    );
    const text = (v: unknown) => (typeof v === 'string' && isFilledText(v) ? v : null);
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status === 'signed' ? 'signed' : 'draft',
      occurredAt: isoOrNull(r.occurredAt)!,
      signedAt: isoOrNull(r.signedAt),
      amendmentCount: r.amendmentCount,
      lastAmendedAt: isoOrNull(r.lastAmendedAt),
      authorUserId: r.authorUserId,
      personId: r.personId,
      personName: personName(r),
      question: text(r.content?.question),
      decision: text(r.content?.decision),
      handoverNote: text(r.content?.handoverNote),
      costPence: r.costPence,
      escalated: r.escalation !== null,
      actions: (actions.get(r.id) ?? []).map((a) => ({
        id: a.id,
        description: a.description,
        ownerUserId: a.ownerUserId,
        ownerTeam: a.ownerTeam,
        dueAt: a.dueAt,
        doneAt: a.doneAt,
      })),
    }));
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** How much of the record the caller sees: the author and managers all of it (the basis), an auditor metadata. */
  private async reader(actor: Actor, d: DecisionRow): Promise<'author' | 'role:manager' | 'metadata'> {
    if (d.authorUserId === actor.userId) return 'author';
    if (this.isManager(actor)) return 'role:manager';
    if (actor.roles.includes('auditor')) return 'metadata';
    return this.refuse(actor, d.id, 'read', d.personId);
  }

  private async refuseNotAuthor(actor: Actor, d: DecisionRow, what: 'edit' | 'sign'): Promise<never> {
    return this.refuse(actor, d.id, what, d.personId);
  }

  /** The refusal of `what` on a decision that is not the caller's to read or change (403, audited). */
  private refuse(actor: Actor, id: string, what: DecisionUse, personId: string | null): Promise<never> {
    return this.access.deny(
      actor,
      what === 'read' ? 'decisions.read' : 'decisions.write',
      { type: 'decision', id },
      REFUSED[what],
      personId,
    );
  }

  /**
   * A decision id the hub does not hold: 404 to those who may `what` any decision (managers; auditors read every
   * decision's metadata), else the refusal another's decision gets, so that the answer never says which decisions
   * (about whom safeguarding was decided overnight) exist.
   */
  private unknown(actor: Actor | undefined, id: string, what: DecisionUse | undefined): Promise<never> {
    const seesAll = !actor || !what || this.isManager(actor) || (what === 'read' && actor.roles.includes('auditor'));
    if (seesAll) throw new NotFoundProblem('Decision', id);
    return this.refuse(actor, id, what, null);
  }

  /** The person's record must be one the caller may read (person.read; 403 otherwise) and must exist (422). */
  private async requireReadablePerson(actor: Actor, personId: string, m: EntityManager): Promise<string> {
    const basis = await this.access.requirePerson(actor, 'person.read', personId, m, { type: 'person', id: personId });
    try {
      await this.people.get(m, personId);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 404)
        throw new UnprocessableProblem(`Person ${personId} does not exist.`, 'person-not-found', { field: 'personId' });
      throw err;
    }
    return basis;
  }

  private requireOnePerson(personId: string | undefined, personDetails: unknown, required: boolean): void {
    if (personId !== undefined && personDetails !== undefined)
      throw new UnprocessableProblem(
        'Give personId (a person with a record) or personDetails (one without), not both.',
        'person-ambiguous',
        { fields: ['personId', 'personDetails'] },
      );
    if (required && personId === undefined && personDetails === undefined)
      throw new UnprocessableProblem(
        'Say who the decision is about: personId (a person with a record) or personDetails (name, date of birth or age, address).',
        'person-required',
        { fields: ['personId', 'personDetails'] },
      );
  }

  private requireDraft(d: DecisionRow): void {
    if (d.status === 'signed') {
      throw new ConflictProblem(
        `This decision was signed at ${isoOrNull(d.signedAt)} and can no longer be edited; correct it with an amendment and a reason (POST /decisions/${d.id}/amendments).`,
        'decision-signed',
        { signedAt: isoOrNull(d.signedAt), amend: { href: `/decisions/${d.id}/amendments`, method: 'POST' } },
      );
    }
  }

  /**
   * OOH-04 / OOH-05 (MCA 2005 Sch A1 para 77): one urgent authorisation per detention, extended once. What the hub
   * itself holds, not only what the form says: the signed DoLS records before this one (all of them, for a draft) of
   * the same person whose grants are near enough for their periods to touch, judged by dolsEpisode (the same person,
   * the same home compared leniently, periods with their extension overlapping or adjoining). `details` with
   * `previousExtensions` at least the extensions granted in the episode, and the episode's findings.
   */
  private async withDolsHistory(m: EntityManager, d: DecisionRow, details: Json): Promise<{ details: Json; findings: Finding[] }> {
    const current = dolsRecordOf(d.id, d.type, this.dolsPerson(d), details);
    if (!current) return { details, findings: [] };
    // Periods last at most UA_MAX_DAYS + EXTENSION_MAX_DAYS (in local days, one of them may have 25 hours); adjoining
    // adds DOLS_ADJOINING_HOURS. Grants further apart never touch.
    const reachSeconds = (UA_MAX_DAYS + EXTENSION_MAX_DAYS) * 86_400 + 3_600 + DOLS_ADJOINING_HOURS * 3_600;
    const rows: DecisionRow[] = await m.query(
      `${SELECT}
        WHERE d.type IN ('dols-urgent-authorisation', 'dols-extension') AND d.status = 'signed' AND d.id <> $1
          AND ($2::timestamptz IS NULL OR d.signed_at < $2)
          AND ($3::uuid IS NULL OR d.person_id IS NULL OR d.person_id = $3)
          AND abs(extract(epoch FROM (CASE WHEN d.details->>'grantedAt' ~ $4 THEN (d.details->>'grantedAt')::timestamptz END) - $5::timestamptz)) <= $6`,
      [d.id, d.signedAt, d.personId, ISO_INSTANT_SQL, current.grantedAt, reachSeconds],
    );
    const earlier = rows.flatMap((r) => dolsRecordOf(r.id, r.type, this.dolsPerson(r), r.details) ?? []);
    const episode = dolsEpisode(current, earlier, this.config.timeZone, this.config.dolsDayCounting);
    const typed = Number.isInteger(details.previousExtensions) ? (details.previousExtensions as number) : 0;
    return {
      details: episode.extensionsGranted > typed ? { ...details, previousExtensions: episode.extensionsGranted } : details,
      findings: episode.findings,
    };
  }

  /** Who a DoLS record is about, as dolsEpisode matches people: the record's id, or the name and date of birth given. */
  private dolsPerson(d: Pick<DecisionRow, 'personId' | 'person' | 'personDetails'>): DolsPerson {
    return { id: d.personId, name: personName(d), dateOfBirth: d.person?.dateOfBirth ?? d.personDetails?.dateOfBirth ?? null };
  }

  /**
   * OOH-08(12), AMHP-07: an AMHP signs on the authority of their approval (DECISION_MAKER_AUTHORITY), so it must be in
   * effect, not suspended, when the decision was made: 422 `amhp-not-eligible` with the eligibility findings
   * otherwise. A manager signs under their post's delegated authority.
   */
  private async requireAuthority(m: EntityManager, actor: Actor, d: DecisionRow): Promise<void> {
    if (!signsOnAmhpApproval(d.type, actor.roles)) return;
    const at = new Date(d.occurredAt);
    const eligibility = await this.eligibility.forUser(actor.userId, at, new Date(at.getTime() + 60_000), m);
    const hard = hardFindings(eligibility);
    if (!hard.length) return;
    throw new UnprocessableProblem(
      `You could not act as an AMHP when this decision was made (${formatLocal(at, this.config.timeZone)}): ${hard.map((f) => f.message).join(' ')} Its authority is ${DECISION_MAKER_AUTHORITY[d.type].basis}; a manager with delegated authority may sign it instead.`,
      'amhp-not-eligible',
      { findings: eligibility.findings },
    );
  }

  /** subjectFindings (OOH-01, OOH-02, OOH-04) for this decision: the person's age on its day, from their record or the details given. */
  private subjectFindings(d: DecisionRow, details: Json, occurredAt: Date): Finding[] {
    const day = localDate(occurredAt, this.config.timeZone);
    const dob = d.person?.dateOfBirth ?? d.personDetails?.dateOfBirth ?? null;
    const age = dob ? ageOn(dob, day) : (d.personDetails?.approximateAge ?? null);
    return subjectFindings(d.type, details, { age, occurredAt });
  }

  /** 422 with the blockers among `findings`, when there are any. */
  private refuseBlockers(findings: Finding[]): void {
    const blockers = findings.filter((f) => f.severity === 'blocker');
    if (blockers.length) throw new UnprocessableProblem(blockers.map((f) => f.message).join(' '), blockers[0].code, { findings: blockers });
  }

  private requireDraftValid(type: DecisionType, content: Json, details: Json): void {
    const errors = validateDraft(type, content, details);
    if (errors.length) throw draftProblem(errors);
  }

  private requireSignable(
    type: DecisionType,
    content: Json,
    details: Json,
    costPence: number | null,
    escalation: Escalation | null,
    sacRequired = true,
  ): void {
    const missing = this.missing(type, content, details, costPence, escalation, sacRequired);
    if (missing.length) {
      throw new UnprocessableProblem(
        `The record cannot be signed yet: ${[...new Set(missing.map((x) => x.field))].join(', ')}.`,
        'decision-incomplete',
        { missing },
      );
    }
  }

  private missing(
    type: DecisionType,
    content: Json,
    details: Json,
    costPence: number | null,
    escalation: Escalation | null,
    sacRequired = true,
  ): MissingItem[] {
    return missingForSigning(type, content, details, {
      costPence,
      limitPence: this.config.delegatedAuthorityLimitPence,
      escalation,
      zone: this.config.timeZone,
      dolsDayCounting: this.config.dolsDayCounting,
      sacRequired,
    });
  }

  private aboveLimit(costPence: number | null): boolean {
    return costPence !== null && costPence > this.config.delegatedAuthorityLimitPence;
  }

  private actionsOf(content: Json): NewAction[] {
    const list = Array.isArray(content.actions) ? (content.actions as Json[]) : [];
    return list.map((a) => ({
      description: typeof a.description === 'string' ? a.description : '',
      ownerUserId: (a.ownerUserId as string | undefined) ?? null,
      ownerTeam: (a.ownerTeam as string | undefined) ?? null,
      dueAt: (a.dueAt as string | undefined) ?? null,
    }));
  }

  /** Field path → { before, after } for each content and details key and column that differs. */
  private diff(
    d: DecisionRow,
    after: { content: Json; details: Json; costPence: number | null; escalation: Escalation | null },
  ): Record<string, { before: unknown; after: unknown }> {
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const part of ['content', 'details'] as const) {
      const keys = new Set([...Object.keys(d[part]), ...Object.keys(after[part])]);
      for (const k of keys) {
        const [b, a] = [d[part][k] ?? null, after[part][k] ?? null];
        if (canonical(b) !== canonical(a)) changes[`${part}.${k}`] = { before: b, after: a };
      }
    }
    if (canonical(d.costPence) !== canonical(after.costPence)) changes.costPence = { before: d.costPence, after: after.costPence };
    if (canonical(d.escalation) !== canonical(after.escalation)) changes.escalation = { before: d.escalation, after: after.escalation };
    return changes;
  }

  /** The record as it was signed: the current one with every amendment undone, newest first. */
  private asSigned(d: DecisionRow, amendments: Array<{ changes: Record<string, { before: unknown; after: unknown }> }>): Json {
    const record = {
      content: { ...d.content },
      details: { ...d.details },
      costPence: d.costPence as unknown,
      escalation: d.escalation as unknown,
    };
    for (const a of [...amendments].reverse()) {
      for (const [path, { before }] of Object.entries(a.changes)) {
        const dot = path.indexOf('.');
        if (dot < 0) {
          (record as Json)[path] = before ?? null;
          continue;
        }
        const part = record[path.slice(0, dot) as 'content' | 'details'];
        const key = path.slice(dot + 1);
        if (before === null || before === undefined) delete part[key];
        else part[key] = before;
      }
    }
    return { ...record, occurredAt: isoOrNull(d.occurredAt), signedAt: isoOrNull(d.signedAt), version: d.version - amendments.length };
  }

  private changedFields(dto: object): string[] {
    const fields: string[] = [];
    for (const [k, v] of Object.entries(dto)) {
      if (v === undefined) continue;
      if ((k === 'content' || k === 'details') && v && typeof v === 'object') fields.push(...Object.keys(v).map((x) => `${k}.${x}`));
      else fields.push(k);
    }
    return fields;
  }

  /** OOH-07 prompts: is an MHA assessment of this person open at the time the decision was made? */
  private async mhaAssessmentInProgress(m: EntityManager, d: DecisionRow): Promise<boolean> {
    if (!d.personId) return false;
    return this.assessments.openAt(m, d.personId, new Date(d.occurredAt));
  }

  private metadataOf(
    d: Pick<DecisionRow, 'id' | 'type' | 'status' | 'occurredAt' | 'signedAt' | 'authorUserId' | 'personId' | 'amendmentCount' | 'version'>,
    authorName: string | null,
  ): DecisionMetadataDto {
    return {
      id: d.id,
      type: d.type,
      status: d.status,
      occurredAt: isoOrNull(d.occurredAt)!,
      signedAt: isoOrNull(d.signedAt),
      authorUserId: d.authorUserId,
      authorName,
      personId: d.personId,
      amendmentCount: d.amendmentCount,
      version: d.version,
      view: 'metadata',
    };
  }

  private async metadataView(m: EntityManager, d: DecisionRow): Promise<DecisionMetadataDto> {
    const names = await this.users.displayNames(m, [d.authorUserId]);
    return this.metadataOf(d, names.get(d.authorUserId) ?? null);
  }

  private async fullView(m: EntityManager, d: DecisionRow): Promise<DecisionViewDto> {
    const names = await this.users.displayNames(m, [d.authorUserId]);
    // The details as the rules judge them: with the extensions the hub holds of the same urgent authorisation (OOH-05).
    const dols = await this.withDolsHistory(m, d, d.details);
    const judged = dols.details;
    const warnings: Finding[] = [
      ...legalFrameworkWarnings(d.type, d.content, { mhaAssessmentInProgress: await this.mhaAssessmentInProgress(m, d) }),
      ...this.subjectFindings(d, d.details, d.occurredAt),
      ...dols.findings,
    ];
    let clocks: Array<Record<string, unknown>> | null = null;
    if (DOLS_TYPES.includes(d.type)) {
      const facts = dolsFactsFromDetails(d.type, judged);
      clocks = facts
        ? dolsClocks(facts, this.config.timeZone, this.config.dolsDayCounting).map((c) => ({
            ...c,
            anchor: c.anchor.toISOString(),
            deadline: c.deadline.toISOString(),
          }))
        : [];
      if (facts)
        warnings.push(
          ...validateExtension(facts, this.config.timeZone, this.config.dolsDayCounting).filter((f) => f.severity === 'warning'),
        );
    }
    const s42 = d.details.s42 as { careAndSupportNeeds?: unknown; abuseOrNeglect?: unknown; unableToProtectSelf?: unknown } | undefined;
    const s42Recorded =
      d.type === 'adult-safeguarding' &&
      !!s42 &&
      [s42.careAndSupportNeeds, s42.abuseOrNeglect, s42.unableToProtectSelf].every((v) => typeof v === 'boolean');
    const actions = d.status === 'signed' ? ((await this.actions.ofSources(m, 'decision', [d.id])).get(d.id) ?? []) : [];
    return {
      ...this.metadataOf(d, names.get(d.authorUserId) ?? null),
      view: 'full',
      person: d.person,
      personDetails: d.personDetails,
      content: d.content,
      details: d.details,
      costPence: d.costPence,
      escalation: d.escalation as unknown as Record<string, unknown> | null,
      aboveDelegatedLimit: this.aboveLimit(d.costPence),
      createdAt: isoOrNull(d.createdAt)!,
      missingForSigning:
        d.status === 'draft'
          ? (this.missing(d.type, d.content, judged, d.costPence, d.escalation) as unknown as Array<Record<string, unknown>>)
          : null,
      warnings: warnings as unknown as Array<Record<string, unknown>>,
      dolsClocks: clocks,
      dolsReturnRow: dolsReturnRow(d.type, d.details, this.config.timeZone) as unknown as Record<string, unknown> | null,
      s42DutyArises: s42Recorded
        ? s42DutyArises(s42 as { careAndSupportNeeds: boolean; abuseOrNeglect: boolean; unableToProtectSelf: boolean })
        : null,
      sac: d.type === 'adult-safeguarding' ? sacWithLabels(d.content.sac) : null,
      actions: actions as unknown as Array<Record<string, unknown>>,
    };
  }

  /**
   * Whether the caller may see a decision's content (question, decision, handover note, actions) wherever it is
   * shown, e.g. on the morning handover: its author and managers, as GET /decisions/:id says.
   */
  seesContent(actor: Actor, authorUserId: string): boolean {
    return authorUserId === actor.userId || this.isManager(actor);
  }

  private isManager(actor: Actor): boolean {
    return actor.roles.includes('manager');
  }

  /** A time recorded for the decision: not in the future, nor more than a month before it is recorded (422 naming it). */
  private notFuture(value: string, field: string): Date {
    return recordedInstant(value, field, this.clock.now(), DECISION_LEAD_DAYS);
  }

  /** The decision, locked; an id the hub does not hold is answered to `actor` as `unknown` says. */
  private async lockAndLoad(m: EntityManager, id: string, actor: Actor, what: DecisionUse): Promise<DecisionRow> {
    const locked = await m.query('SELECT id FROM decisions WHERE id = $1 FOR UPDATE', [id]);
    if (!locked.length) return this.unknown(actor, id, what);
    return this.load(m, id, actor, what);
  }

  private async load(m: EntityManager, id: string, actor?: Actor, what?: DecisionUse): Promise<DecisionRow> {
    const [row] = await m.query(`${SELECT} WHERE d.id = $1`, [id]);
    if (!row) return this.unknown(actor, id, what);
    return row;
  }
}
