import { SqlWhere } from '../common/sql-where';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../auth/users.service';
import type { Actor } from '../auth/actor';
import { Clock, recordedDate } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem, unprocessableField } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { IsoDate, localDate } from '../statute/time';
import { PractitionersService, refuseOwnRecord } from '../workforce/practitioners.service';
import type { ApprovalComplianceDto } from '../workforce/dto/training.dto';
import { practitionerSeqSql } from '../workforce/workforce.tables';
import type { PortfolioSupervisionDto } from './dto/portfolio.dto';
import {
  CreateSupervisionActionDto,
  CreateSupervisionSessionDto,
  SupervisionActionDto,
  SupervisionActionQuery,
  SupervisionDueDto,
  SupervisionOverdueQuery,
  SupervisionSessionDto,
  SupervisionSessionQuery,
  UpdateSupervisionActionDto,
  UpdateSupervisionSessionDto,
} from './dto/supervision.dto';
import { SupervisionActionEntity, SupervisionSessionEntity, SupervisionType } from './supervision.entity';
import {
  actionOverdue,
  lastProfessionalSupervision,
  PROFESSIONAL_SUPERVISION_TYPES,
  SessionFacts,
  supervisionDue,
  tallySessions,
} from './supervision.rules';

interface SessionRow {
  id: string;
  superviseeId: string;
  superviseeUserId: string;
  superviseeName: string;
  supervisorUserId: string;
  supervisorName: string;
  heldOn: string;
  type: SupervisionType;
  durationMinutes: number;
  notes: string | null;
  recordedBy: string;
  version: number;
  createdAt: Date;
  /** The order recorded in (bigint, as text): the tie-break of the list and its cursor. */
  seq: string;
}

interface ActionRow {
  id: string;
  sessionId: string;
  superviseeId: string;
  superviseeUserId: string;
  supervisorUserId: string;
  heldOn: string;
  description: string;
  ownerUserId: string;
  ownerName: string;
  dueOn: string | null;
  doneOn: string | null;
  version: number;
  /** The order recorded in (bigint, as text): the tie-break of the lists and the cursor. */
  seq: string;
}

/** A practitioner's record as the workforce module returns it. */
type Practitioner = Awaited<ReturnType<PractitionersService['find']>>;

const SESSION_COLUMNS = `s.id, s.supervisee_id AS "superviseeId", p.user_id AS "superviseeUserId", pu.display_name AS "superviseeName",
  s.supervisor_user_id AS "supervisorUserId", su.display_name AS "supervisorName", to_char(s.held_on, 'YYYY-MM-DD') AS "heldOn", s.type,
  s.duration_minutes AS "durationMinutes", s.notes, s.recorded_by AS "recordedBy", s.version, s.created_at AS "createdAt", s.seq`;
const SESSION_FROM = `supervision_sessions s JOIN practitioner_directory p ON p.id = s.supervisee_id JOIN user_directory pu ON pu.id = p.user_id JOIN user_directory su ON su.id = s.supervisor_user_id`;

const ACTION_COLUMNS = `a.id, a.session_id AS "sessionId", s.supervisee_id AS "superviseeId", p.user_id AS "superviseeUserId", s.supervisor_user_id AS "supervisorUserId",
  to_char(s.held_on, 'YYYY-MM-DD') AS "heldOn", a.description, a.owner_user_id AS "ownerUserId", ou.display_name AS "ownerName",
  to_char(a.due_on, 'YYYY-MM-DD') AS "dueOn", to_char(a.done_on, 'YYYY-MM-DD') AS "doneOn", a.version, a.seq`;
const ACTION_FROM = `supervision_actions a JOIN supervision_sessions s ON s.id = a.session_id JOIN practitioner_directory p ON p.id = s.supervisee_id JOIN user_directory ou ON ou.id = a.owner_user_id`;
/** Open actions without a due date sort last. */
const ACTION_DUE_KEY = `coalesce(a.due_on, '9999-12-31'::date)`;

/**
 * Supervision sessions and the actions agreed in them (AMHP-10). Notes are read only by the supervisor, the supervisee
 * and managers, and each read is audited with the read; auditors see that a session happened, never what was said.
 */
@Injectable()
export class SupervisionService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
    private readonly users: UsersService,
  ) {}

  async create(actor: Actor, dto: CreateSupervisionSessionDto): Promise<SupervisionSessionDto> {
    this.refuseFuture(
      'heldOn',
      dto.heldOn,
      'supervision-date-in-future',
      'A supervision session can only be recorded once it has been held',
    );
    for (const [i, a] of (dto.actions ?? []).entries()) this.refuseDueBeforeSession(`actions.${i}.dueOn`, a.dueOn, dto.heldOn);
    const manager = this.access.hasRole(actor, 'supervision.write');
    // An AMHP who is not a manager records only the sessions they held themselves.
    if (!manager) {
      await this.access.require(
        actor,
        'supervision.write',
        { owns: dto.supervisorUserId === actor.userId },
        { type: 'practitioner', id: dto.superviseeId },
      );
    }
    return this.db.transaction(async (m) => {
      const supervisee = await this.supervisee(m, dto.superviseeId);
      // ...and only of a practitioner the hub has recorded them as supervising (their line manager, set by managers):
      // naming oneself supervisor of any colleague would let anyone sign off anyone's AMHP-10 supervision.
      if (!manager && supervisee.lineManagerUserId !== actor.userId) {
        await this.access.deny(
          actor,
          'supervision.write',
          { type: 'practitioner', id: dto.superviseeId },
          "you are not recorded as this practitioner's supervisor: a manager records the session, or records you as their line manager",
        );
      }
      if (supervisee.userId === dto.supervisorUserId) {
        throw new UnprocessableProblem('A practitioner cannot be recorded as their own supervisor.', 'self-supervision', {
          errors: [{ field: 'supervisorUserId', messages: ['must not be the supervisee'] }],
        });
      }
      // AMHP-12: her supervision keeps her on the rota (AMHP-10): the supervisor or another manager records it, never she.
      refuseOwnRecord(actor, supervisee.userId, 'record supervision');
      // AMHP-10: professional supervision is given by a manager or a fellow AMHP, never by a referrer or an auditor.
      await this.users.requireActiveWithRole(m, [dto.supervisorUserId], ['manager', 'amhp'], 'supervisorUserId', 'supervisor-not-staff');
      for (const [i, a] of (dto.actions ?? []).entries()) await this.requireActionOwner(m, a.ownerUserId, `actions.${i}.ownerUserId`);
      const repo = m.getRepository(SupervisionSessionEntity);
      const now = this.clock.now();
      const s = await repo.save(
        repo.create({
          superviseeId: dto.superviseeId,
          supervisorUserId: dto.supervisorUserId,
          heldOn: dto.heldOn,
          type: dto.type,
          durationMinutes: dto.durationMinutes,
          notes: dto.notes ?? null,
          recordedBy: actor.userId,
          createdAt: now,
        }),
      );
      const actionIds: string[] = [];
      for (const a of dto.actions ?? []) actionIds.push(await this.insertAction(m, s.id, a));
      // Identifiers and field names only: never what the notes say.
      await this.audit.record(m, {
        at: now,
        action: 'supervision.create',
        resourceType: 'supervision-session',
        resourceId: s.id,
        details: {
          superviseeId: dto.superviseeId,
          supervisorUserId: dto.supervisorUserId,
          heldOn: dto.heldOn,
          type: dto.type,
          withNotes: !!dto.notes,
          actionIds,
        },
      });
      return (await this.present(m, actor, [await this.loadRow(m, s.id)], { auditReads: false }))[0];
    });
  }

  async list(actor: Actor, q: SupervisionSessionQuery): Promise<Page<SupervisionSessionDto>> {
    if (q.from && q.to && q.from > q.to) throw unprocessableField('to', 'from must not be after to.', 'backwards-range');
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    // An AMHP without a full role sees only the sessions they held or received.
    if (!this.access.hasRole(actor, 'supervision.read')) where.add('(s.supervisor_user_id = ? OR p.user_id = ?)', actor.userId);
    if (q.superviseeId) where.add('s.supervisee_id = ?', q.superviseeId);
    if (q.supervisorUserId) where.add('s.supervisor_user_id = ?', q.supervisorUserId);
    if (q.type) where.add('s.type = ?', q.type);
    if (q.from) where.add('s.held_on >= ?::date', q.from);
    if (q.to) where.add('s.held_on <= ?::date', q.to);
    if (q.cursor) {
      // The order they were recorded in breaks a tie of day (seq), never the random id: the cursor carries it.
      const [heldOn, seq] = decodeCursor(q.cursor, ['date', 'bigint']);
      where.raw(`(s.held_on, s.seq) < (${where.param(heldOn)}::date, ${where.param(seq)}::bigint)`);
    }
    const limitParam = where.param(limit + 1);
    return this.db.transaction(async (m) => {
      const rows: SessionRow[] = await m.query(
        `SELECT ${SESSION_COLUMNS} FROM ${SESSION_FROM} ${where} ORDER BY s.held_on DESC, s.seq DESC LIMIT ${limitParam}`,
        where.params,
      );
      const page = pageOf(
        rows,
        limit,
        (r) => [r.heldOn, String(r.seq)],
        (r) => r,
      );
      return { items: await this.present(m, actor, page.items, { auditReads: true }), nextCursor: page.nextCursor };
    });
  }

  async get(actor: Actor, id: string): Promise<SupervisionSessionDto> {
    return this.db.transaction(async (m) => {
      // An unknown id is refused to an AMHP as another's session is (AccessService.refuseUnknown), so ids cannot be probed.
      const row = await this.access.loadOrRefuse(actor, 'supervision.read', { type: 'supervision-session', id }, () => this.loadRow(m, id));
      if (!this.access.hasRole(actor, 'supervision.read')) {
        await this.access.require(actor, 'supervision.read', { owns: this.party(actor, row) }, { type: 'supervision-session', id });
      }
      return (await this.present(m, actor, [row], { auditReads: true }))[0];
    });
  }

  /** The supervisor or a manager changes notes, duration or type; If-Match guards against a concurrent change. */
  async update(
    actor: Actor,
    id: string,
    dto: UpdateSupervisionSessionDto,
    expectedVersion: ExpectedVersion,
  ): Promise<SupervisionSessionDto> {
    return this.db.transaction(async (m) => {
      const row = await this.access.loadOrRefuse(actor, 'supervision.write', { type: 'supervision-session', id }, () =>
        this.loadRow(m, id),
      );
      await this.requireSupervisorOrManager(actor, row.supervisorUserId, id);
      // AMHP-12: nor does she change her own session (its type decides whether it counts as professional supervision).
      refuseOwnRecord(actor, row.superviseeUserId, 'change a supervision session');
      assertVersion(expectedVersion, row.version);
      const columns: Record<keyof UpdateSupervisionSessionDto, string> = {
        notes: 'notes',
        durationMinutes: 'duration_minutes',
        type: 'type',
      };
      const fields = (Object.keys(columns) as Array<keyof UpdateSupervisionSessionDto>).filter((k) => dto[k] !== undefined);
      if (!fields.length) return (await this.present(m, actor, [row], { auditReads: true }))[0];
      const params: unknown[] = [id, row.version, ...fields.map((f) => dto[f])];
      const sets = fields.map((f, i) => `${columns[f]} = $${i + 3}`);
      const [rows] = await m.query(
        `UPDATE supervision_sessions SET ${sets.join(', ')}, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!rows.length)
        throw new PreconditionFailedProblem('The supervision session was changed by someone else meanwhile; fetch it again and retry.');
      await this.audit.record(m, {
        action: 'supervision.update',
        resourceType: 'supervision-session',
        resourceId: id,
        details: { superviseeId: row.superviseeId, fields, ...(dto.type ? { type: dto.type } : {}) },
      });
      // Notes the writer did not send back to us are notes read.
      return (await this.present(m, actor, [await this.loadRow(m, id)], { auditReads: !fields.includes('notes') }))[0];
    });
  }

  async addAction(actor: Actor, sessionId: string, dto: CreateSupervisionActionDto): Promise<SupervisionActionDto> {
    return this.db.transaction(async (m) => {
      const session = await this.access.loadOrRefuse(actor, 'supervision.write', { type: 'supervision-session', id: sessionId }, () =>
        this.loadRow(m, sessionId),
      );
      await this.requireSupervisorOrManager(actor, session.supervisorUserId, sessionId);
      this.refuseDueBeforeSession('dueOn', dto.dueOn, session.heldOn);
      await this.requireActionOwner(m, dto.ownerUserId, 'ownerUserId');
      const id = await this.insertAction(m, sessionId, dto);
      return this.actionDto(actor, await this.loadAction(m, id));
    });
  }

  /** The action's owner, the session's supervisor or a manager marks it done, moves its due date or rewords it. */
  async updateAction(
    actor: Actor,
    id: string,
    dto: UpdateSupervisionActionDto,
    expectedVersion: ExpectedVersion,
  ): Promise<SupervisionActionDto> {
    return this.db.transaction(async (m) => {
      const a = await this.access.loadOrRefuse(actor, 'supervision.write', { type: 'supervision-action', id }, () =>
        this.loadAction(m, id),
      );
      if (!this.access.hasRole(actor, 'supervision.write')) {
        await this.access.require(
          actor,
          'supervision.write',
          { owns: a.ownerUserId === actor.userId || a.supervisorUserId === actor.userId },
          { type: 'supervision-action', id },
        );
      }
      assertVersion(expectedVersion, a.version);
      if (dto.doneOn) {
        this.refuseFuture('doneOn', dto.doneOn, 'done-in-future', 'An action cannot be marked done on a later day');
        if (dto.doneOn < a.heldOn)
          throw new UnprocessableProblem(
            `doneOn (${dto.doneOn}) is before the session that agreed the action (${a.heldOn}).`,
            'done-before-session',
            { errors: [{ field: 'doneOn', messages: ['must not be before the session'] }] },
          );
      }
      this.refuseDueBeforeSession('dueOn', dto.dueOn ?? undefined, a.heldOn);
      const columns: Record<keyof UpdateSupervisionActionDto, string> = { doneOn: 'done_on', dueOn: 'due_on', description: 'description' };
      const fields = (Object.keys(columns) as Array<keyof UpdateSupervisionActionDto>).filter((k) => dto[k] !== undefined);
      if (!fields.length) return this.actionDto(actor, a);
      const params: unknown[] = [id, a.version, ...fields.map((f) => dto[f])];
      const sets = fields.map((f, i) => `${columns[f]} = $${i + 3}`);
      const [rows] = await m.query(
        `UPDATE supervision_actions SET ${sets.join(', ')}, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!rows.length) throw new PreconditionFailedProblem('The action was changed by someone else meanwhile; fetch it again and retry.');
      await this.audit.record(m, {
        action: 'supervision-action.update',
        resourceType: 'supervision-action',
        resourceId: id,
        details: {
          sessionId: a.sessionId,
          fields,
          ...(dto.doneOn !== undefined ? { doneOn: dto.doneOn } : {}),
          ...(dto.dueOn !== undefined ? { dueOn: dto.dueOn } : {}),
        },
      });
      return this.actionDto(actor, await this.loadAction(m, id));
    });
  }

  async listActions(actor: Actor, q: SupervisionActionQuery): Promise<Page<SupervisionActionDto>> {
    const today = this.today();
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    if (!this.access.hasRole(actor, 'supervision.read'))
      where.add('(a.owner_user_id = ? OR s.supervisor_user_id = ? OR p.user_id = ?)', actor.userId);
    if (q.owner) where.add('a.owner_user_id = ?', q.owner === 'me' ? actor.userId : q.owner.toLowerCase());
    if (q.open !== undefined) where.raw(q.open ? 'a.done_on IS NULL' : 'a.done_on IS NOT NULL');
    // The same definition as actionOverdue(): open, with a due date before today.
    if (q.overdue !== undefined)
      where.add(`${q.overdue ? '' : 'NOT '}(a.done_on IS NULL AND a.due_on IS NOT NULL AND a.due_on < ?::date)`, today);
    if (q.sessionId) where.add('a.session_id = ?', q.sessionId);
    if (q.superviseeId) where.add('s.supervisee_id = ?', q.superviseeId);
    if (q.cursor) {
      // The order they were recorded in breaks a tie of due date (seq), never the random id: the cursor carries it.
      const [due, seq] = decodeCursor(q.cursor, ['date', 'bigint']);
      where.raw(`(${ACTION_DUE_KEY}, a.seq) > (${where.param(due)}::date, ${where.param(seq)}::bigint)`);
    }
    const limitParam = where.param(limit + 1);
    const rows: ActionRow[] = await this.db.manager.query(
      `SELECT ${ACTION_COLUMNS} FROM ${ACTION_FROM} ${where} ORDER BY ${ACTION_DUE_KEY}, a.seq LIMIT ${limitParam}`,
      where.params,
    );
    return pageOf(
      rows,
      limit,
      (r) => [r.dueOn ?? '9999-12-31', String(r.seq)],
      (r) => this.actionDto(actor, r, today),
    );
  }

  /**
   * AMHP-10: every active practitioner against their own professional supervision interval, most overdue first.
   * Managers and auditors see everyone; an AMHP (an own-record role of supervision.read) only their own line.
   */
  async overdue(actor: Actor, q: SupervisionOverdueQuery): Promise<{ asOf: IsoDate; items: SupervisionDueDto[] }> {
    const today = this.today();
    const where = new SqlWhere([PROFESSIONAL_SUPERVISION_TYPES, today]).raw('p.active');
    if (!this.access.hasRole(actor, 'supervision.read')) where.add('p.user_id = ?', actor.userId);
    if (q.team) where.add('p.team = ?', q.team);
    // The last session of a type that counts (supervision.rules) held on or before today, as lastProfessionalSupervision().
    const rows: Array<{
      id: string;
      displayName: string;
      team: string | null;
      intervalDays: number;
      createdAt: Date;
      lastProfessionalOn: string | null;
    }> = await this.db.manager.query(
      `SELECT p.id, u.display_name AS "displayName", p.team, p.supervision_interval_days AS "intervalDays", p.created_at AS "createdAt",
              (SELECT to_char(max(s.held_on), 'YYYY-MM-DD') FROM supervision_sessions s
                WHERE s.supervisee_id = p.id AND s.type = ANY($1::text[]) AND s.held_on <= $2::date) AS "lastProfessionalOn"
         FROM practitioner_directory p JOIN user_directory u ON u.id = p.user_id
        ${where}
        ORDER BY lower(u.display_name), ${practitionerSeqSql('p.id')}`,
      where.params,
    );
    const items = rows
      .map((r) => ({
        practitionerId: r.id,
        displayName: r.displayName,
        team: r.team,
        ...supervisionDue(
          {
            lastProfessionalOn: r.lastProfessionalOn,
            intervalDays: r.intervalDays,
            recordCreatedOn: localDate(r.createdAt, this.config.timeZone),
          },
          today,
        ),
      }))
      .filter((d) => !q.overdueOnly || d.status === 'overdue');
    items.sort((a, b) => b.daysOverdue - a.daysOverdue || a.daysUntilDue - b.daysUntilDue);
    return { asOf: today, items };
  }

  /**
   * The supervision part of a reapproval portfolio: status, totals and counts per approval year, and the sessions
   * (date, type, length, supervisor). Notes are never selected. The caller has checked access to the practitioner.
   */
  async portfolioRecord(
    m: EntityManager,
    practitioner: Pick<Practitioner, 'id' | 'supervisionIntervalDays' | 'createdAt'>,
    approvalYears: ApprovalComplianceDto[],
  ): Promise<PortfolioSupervisionDto> {
    const today = this.today();
    const sessions: Array<SessionFacts & { id: string; supervisorName: string }> = await m.query(
      `SELECT s.id, to_char(s.held_on, 'YYYY-MM-DD') AS "heldOn", s.type, s.duration_minutes AS "durationMinutes", su.display_name AS "supervisorName"
         FROM supervision_sessions s JOIN user_directory su ON su.id = s.supervisor_user_id
        WHERE s.supervisee_id = $1 ORDER BY s.held_on DESC, s.seq DESC`,
      [practitioner.id],
    );
    const last = lastProfessionalSupervision(sessions, today);
    return {
      status: supervisionDue(
        {
          lastProfessionalOn: last,
          intervalDays: practitioner.supervisionIntervalDays,
          recordCreatedOn: localDate(practitioner.createdAt, this.config.timeZone),
        },
        today,
      ),
      totals: tallySessions(sessions, '0001-01-01', '9999-12-31'),
      byApprovalYear: approvalYears.flatMap((a) =>
        a.years
          .filter((y) => y.from <= today)
          .map((y) => ({ approvalId: a.approvalId, year: y.year, from: y.from, to: y.to, ...tallySessions(sessions, y.from, y.to) })),
      ),
      sessions: sessions.map((s) => ({
        id: s.id,
        heldOn: s.heldOn,
        type: s.type,
        durationMinutes: s.durationMinutes,
        supervisorName: s.supervisorName,
      })),
    };
  }

  private today(): IsoDate {
    return localDate(this.clock.now(), this.config.timeZone);
  }

  private refuseFuture(field: string, date: IsoDate, code: string, what: string): void {
    const today = this.today();
    if (date > today) {
      throw new UnprocessableProblem(`${what}: ${field} ${date} is after today (${today}, ${this.config.timeZone}).`, code, {
        errors: [{ field, messages: [`must not be after today (${today})`] }],
      });
    }
    recordedDate(date, field, today);
  }

  private refuseDueBeforeSession(field: string, dueOn: IsoDate | undefined | null, heldOn: IsoDate): void {
    if (dueOn && dueOn < heldOn) {
      throw new UnprocessableProblem(
        `An action cannot be due (${dueOn}) before the session that agreed it (${heldOn}).`,
        'action-due-before-session',
        { errors: [{ field, messages: ['must not be before the session'] }] },
      );
    }
  }

  /** The supervisor or the supervisee (by their practitioner record's user). */
  private party(actor: Actor, row: Pick<SessionRow, 'supervisorUserId' | 'superviseeUserId'>): boolean {
    return row.supervisorUserId === actor.userId || row.superviseeUserId === actor.userId;
  }

  private async requireSupervisorOrManager(actor: Actor, supervisorUserId: string, sessionId: string): Promise<void> {
    if (this.access.hasRole(actor, 'supervision.write')) return;
    await this.access.require(
      actor,
      'supervision.write',
      { owns: supervisorUserId === actor.userId },
      { type: 'supervision-session', id: sessionId },
    );
  }

  /**
   * Who may read a session's notes, and on what basis: the supervisor, the supervisee, or a manager (the full role of
   * `supervision.write`; auditors hold only `supervision.read`). Null: withheld.
   */
  private notesBasis(actor: Actor, row: Pick<SessionRow, 'supervisorUserId' | 'superviseeUserId'>): string | null {
    if (row.supervisorUserId === actor.userId) return 'own:supervisor';
    if (row.superviseeUserId === actor.userId) return 'own:supervisee';
    const manager = can(actor.roles, 'supervision.write', { owns: false });
    return manager.allowed ? manager.basis : null;
  }

  /** Shapes sessions for this reader, withholding notes they may not see and auditing each read of notes (same transaction). */
  private async present(
    m: EntityManager,
    actor: Actor,
    rows: SessionRow[],
    options: { auditReads: boolean },
  ): Promise<SupervisionSessionDto[]> {
    const today = this.today();
    const actions = rows.length
      ? await m.query<ActionRow[]>(
          `SELECT ${ACTION_COLUMNS} FROM ${ACTION_FROM} WHERE a.session_id = ANY($1::uuid[]) ORDER BY ${ACTION_DUE_KEY}, a.seq`,
          [rows.map((r) => r.id)],
        )
      : [];
    const out: SupervisionSessionDto[] = [];
    for (const r of rows) {
      const basis = this.notesBasis(actor, r);
      if (basis && r.notes !== null && options.auditReads) {
        await this.audit.record(m, {
          action: 'supervision.read-notes',
          resourceType: 'supervision-session',
          resourceId: r.id,
          accessBasis: basis,
          details: { superviseeId: r.superviseeId },
        });
      }
      out.push({
        id: r.id,
        superviseeId: r.superviseeId,
        superviseeName: r.superviseeName,
        supervisorUserId: r.supervisorUserId,
        supervisorName: r.supervisorName,
        heldOn: r.heldOn,
        type: r.type,
        durationMinutes: r.durationMinutes,
        notes: basis ? r.notes : null,
        notesWithheld: !basis,
        recordedBy: r.recordedBy,
        actions: actions.filter((a) => a.sessionId === r.id).map((a) => this.actionDto(actor, a, today)),
        version: r.version,
        createdAt: new Date(r.createdAt).toISOString(),
      });
    }
    return out;
  }

  private async supervisee(m: EntityManager, practitionerId: string): Promise<Practitioner> {
    try {
      return await this.practitioners.find(m, practitionerId);
    } catch (err) {
      if (err instanceof NotFoundProblem)
        throw new UnprocessableProblem(`Practitioner ${practitionerId} does not exist.`, 'supervisee-not-found', {
          errors: [{ field: 'superviseeId', messages: ['must be an existing practitioner'] }],
        });
      throw err;
    }
  }

  /** An action is owned by someone who can see and close it (a manager or an AMHP: actions.read), not a referrer. */
  private requireActionOwner(m: EntityManager, ownerUserId: string, field: string): Promise<void> {
    return this.users.requireActiveWithRole(m, [ownerUserId], ['manager', 'amhp'], field, 'owner-not-staff');
  }

  private async insertAction(m: EntityManager, sessionId: string, a: CreateSupervisionActionDto): Promise<string> {
    const repo = m.getRepository(SupervisionActionEntity);
    const saved = await repo.save(
      repo.create({ sessionId, description: a.description, ownerUserId: a.ownerUserId, dueOn: a.dueOn ?? null, doneOn: null }),
    );
    await this.audit.record(m, {
      action: 'supervision-action.create',
      resourceType: 'supervision-action',
      resourceId: saved.id,
      details: { sessionId, ownerUserId: a.ownerUserId, dueOn: a.dueOn ?? null },
    });
    return saved.id;
  }

  private async loadRow(m: EntityManager, id: string): Promise<SessionRow> {
    const rows: SessionRow[] = await m.query(`SELECT ${SESSION_COLUMNS} FROM ${SESSION_FROM} WHERE s.id = $1`, [id]);
    if (!rows.length) throw new NotFoundProblem('Supervision session', id);
    return rows[0];
  }

  private async loadAction(m: EntityManager, id: string): Promise<ActionRow> {
    const rows: ActionRow[] = await m.query(`SELECT ${ACTION_COLUMNS} FROM ${ACTION_FROM} WHERE a.id = $1`, [id]);
    if (!rows.length) throw new NotFoundProblem('Supervision action', id);
    return rows[0];
  }

  /**
   * An action's words are said in the supervision, as its notes are (AMHP-10): shown to whoever may read the session's
   * notes and to the action's owner, who carries it out; withheld from anyone else (an auditor), who sees that the
   * action exists, whose it is and when it is due or was done.
   */
  private actionDto(actor: Actor, a: ActionRow, today: IsoDate = this.today()): SupervisionActionDto {
    const shown = a.ownerUserId === actor.userId || this.notesBasis(actor, a) !== null;
    return {
      id: a.id,
      sessionId: a.sessionId,
      superviseeId: a.superviseeId,
      description: shown ? a.description : null,
      descriptionWithheld: !shown,
      ownerUserId: a.ownerUserId,
      ownerName: a.ownerName,
      dueOn: a.dueOn,
      doneOn: a.doneOn,
      overdue: actionOverdue(a, today),
      version: a.version,
    };
  }
}
