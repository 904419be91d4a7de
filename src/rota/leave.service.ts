import { SqlWhere } from '../common/sql-where';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { badCursor, decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem, requirePeriod } from '../common/problem';
import { Db } from '../database/db';
import type { EventPayload } from '../events/catalogue';
import { EventsService } from '../events/events.service';
import { PractitionersService, refuseOwnRecord } from '../workforce/practitioners.service';
import { AssignmentsService, takenOff } from './assignments.service';
import { coverageShift } from './shifts.service';
import {
  ApproveLeaveDto,
  CreateLeaveDto,
  LeaveConflictDto,
  LeaveDto,
  LeaveImpactDto,
  LeaveNoteDto,
  LeaveQuery,
  LeaveStatus,
} from './dto/leave-swaps.dto';
import { GapDto } from './dto/rota.dto';
import { coverageGaps, CoverageShift, Gap } from './rota.rules';

/** Leave of a year and a day is a long absence, not a leave request: refused with 422. */
export const MAX_LEAVE_DAYS = 366;

interface LeaveRow {
  id: string;
  practitionerId: string;
  userId: string;
  displayName: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  status: LeaveStatus;
  note: string | null;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  cancelledBy: string | null;
  cancelledAt: Date | null;
  cancellationNote: string | null;
  createdAt: Date;
  /** The order asked for in (bigint, as text): the tie-break of the list and its cursor. */
  seq: string;
  version: number;
}

const COLUMNS = `l.id, l.practitioner_id AS "practitionerId", p.user_id AS "userId", u.display_name AS "displayName", l.kind,
  l.starts_at AS "startsAt", l.ends_at AS "endsAt", l.status, l.note, l.requested_by AS "requestedBy", l.decided_by AS "decidedBy",
  l.decided_at AS "decidedAt", l.decision_note AS "decisionNote", l.cancelled_by AS "cancelledBy", l.cancelled_at AS "cancelledAt",
  l.cancellation_note AS "cancellationNote", l.created_at AS "createdAt", l.seq, l.version`;
const FROM = `leave_requests l JOIN practitioner_directory p ON p.id = l.practitioner_id JOIN user_directory u ON u.id = p.user_id`;

const iso = (d: Date | string) => new Date(d).toISOString();

/** An assignment of hers overlapping the leave, as read. */
type AssignmentInLeave = Omit<LeaveConflictDto, 'startsAt' | 'endsAt'> & { startsAt: Date; endsAt: Date };
const isoTimes = (a: { startsAt: Date; endsAt: Date }) => ({ startsAt: iso(a.startsAt), endsAt: iso(a.endsAt) });

function gapDto(g: Gap): GapDto {
  return { ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() };
}

/**
 * Leave and unavailability. An AMHP asks for their own; a manager records anyone's, approves or declines. Approved
 * leave keeps the AMHP off the rota (AssignmentChecksService refuses 'on-leave'), so approving it over shifts they
 * are on is refused (409) unless the manager asks for them to be taken off in the same transaction.
 */
@Injectable()
export class LeaveService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly practitioners: PractitionersService,
    private readonly assignments: AssignmentsService,
  ) {}

  async create(actor: Actor, dto: CreateLeaveDto): Promise<LeaveDto> {
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt)
      throw new UnprocessableProblem('endsAt must be after startsAt.', 'bad-period', {
        errors: [{ field: 'endsAt', messages: ['must be after startsAt'] }],
      });
    if (endsAt.getTime() - startsAt.getTime() > MAX_LEAVE_DAYS * 86_400_000) {
      throw new UnprocessableProblem(`Leave of at most ${MAX_LEAVE_DAYS} days at a time.`, 'bad-period', {
        errors: [{ field: 'endsAt', messages: [`must be at most ${MAX_LEAVE_DAYS} days after startsAt`] }],
      });
    }
    if (dto.unassign && !dto.approve)
      throw new UnprocessableProblem('unassign applies only when approving the leave (approve: true).', 'unassign-needs-approve');

    const practitionerId = dto.practitionerId ?? (await this.ownPractitionerId(actor));
    if (!practitionerId)
      throw new UnprocessableProblem(
        'You have no practitioner record; name the practitioner whose leave this is.',
        'no-practitioner-record',
      );
    if (dto.approve) await this.access.require(actor, 'leave.decide', {}, { type: 'practitioner', id: practitionerId });

    return this.db.transaction(async (m) => {
      // The practitioner's row is the lock every rota write about them takes (AssignmentChecksService.check), so
      // overlapping requests, and assignments made while this leave is approved, are decided one after another.
      const p = await this.practitioners.lockForRota(m, practitionerId);
      if (!p)
        throw new UnprocessableProblem(`Practitioner ${practitionerId} does not exist.`, 'reference-not-found', {
          errors: [{ field: 'practitionerId', messages: ['is not a practitioner'] }],
        });
      if (!this.access.hasRole(actor, 'leave.request')) {
        await this.access.require(
          actor,
          'leave.request',
          { owns: p.userId === actor.userId },
          { type: 'practitioner', id: practitionerId },
        );
      }
      const overlapping: Array<{ id: string }> = await m.query(
        `SELECT id FROM leave_requests WHERE practitioner_id = $1 AND status IN ('requested','approved') AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at`,
        [practitionerId, startsAt, endsAt],
      );
      if (overlapping.length) {
        throw new ConflictProblem('The practitioner already has leave requested or approved in that period.', 'leave-overlaps', {
          overlapping: overlapping.map((o) => o.id),
        });
      }
      const [{ id }]: Array<{ id: string }> = await m.query(
        `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, note, requested_by, created_at)
         VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7) RETURNING id`,
        [practitionerId, dto.kind, startsAt, endsAt, dto.note ?? null, actor.userId, this.clock.now()],
      );
      await this.audit.record(m, {
        action: 'rota.leave.request',
        resourceType: 'leave-request',
        resourceId: id,
        details: { practitionerId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
      });
      await this.emit(m, 'rota.leave.requested', { id, practitionerId, startsAt, endsAt });
      if (dto.approve) await this.approveIn(m, actor, await this.lockRow(m, id), undefined, !!dto.unassign);
      return this.dto(await this.loadRow(m, id));
    });
  }

  async list(actor: Actor, q: LeaveQuery): Promise<Page<LeaveDto>> {
    if (q.from && q.to) requirePeriod(new Date(q.from), new Date(q.to));
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    // An AMHP without a manager's role sees only their own leave.
    if (!this.access.hasRole(actor, 'leave.read')) {
      const own = await this.ownPractitionerId(actor);
      if (q.practitionerId && q.practitionerId !== own) {
        await this.access.require(actor, 'leave.read', { owns: false }, { type: 'practitioner', id: q.practitionerId });
      }
      if (!own) return { items: [], nextCursor: null };
      where.add('l.practitioner_id = ?', own);
    } else if (q.practitionerId) {
      where.add('l.practitioner_id = ?', q.practitionerId);
    }
    if (q.status) where.add('l.status = ?', q.status);
    if (q.from) where.add('l.ends_at > ?', new Date(q.from));
    if (q.to) where.add('l.starts_at < ?', new Date(q.to));
    if (q.cursor) {
      // The order they were asked for in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [startsAt, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      // A leave always starts at an instant: 'infinity', which an instant key may hold elsewhere, is no cursor of this list.
      if (Number.isNaN(Date.parse(String(startsAt)))) throw badCursor();
      where.raw(`(l.starts_at, l.seq) > (${where.param(new Date(startsAt))}::timestamptz, ${where.param(seq)}::bigint)`);
    }
    const limitParam = where.param(limit + 1);
    const rows: LeaveRow[] = await this.db.manager.query(
      `SELECT ${COLUMNS} FROM ${FROM} ${where} ORDER BY l.starts_at, l.seq LIMIT ${limitParam}`,
      where.params,
    );
    return pageOf(
      rows,
      limit,
      (r) => [iso(r.startsAt), String(r.seq)],
      (r) => this.dto(r),
    );
  }

  async get(actor: Actor, id: string): Promise<LeaveDto> {
    // An unknown id is refused to an AMHP as another's leave is (AccessService.refuseUnknown), so ids cannot be probed.
    const row = await this.access.loadOrRefuse(actor, 'leave.read', { type: 'leave-request', id }, () => this.loadRow(this.db.manager, id));
    await this.requireParty(actor, 'leave.read', row);
    return this.dto(row);
  }

  /**
   * What approving this leave would do to the rota, as approveIn does it: the shifts in the period the AMHP is on and
   * would lose (each removed, or kept as worked until she comes off, ROTA-WORKED: takenOff), the time she has already
   * worked in the period (approval refused while there is any), and the coverage gaps in the period as the rota stands
   * and after those changes (each AMHP counting for her own part of a shift).
   */
  async impact(id: string): Promise<LeaveImpactDto> {
    const m = this.db.manager;
    const leave = await this.loadRow(m, id);
    const now = this.clock.now();
    const [conflicts, worked] = [
      await this.conflicts(m, leave.practitionerId, leave.startsAt, leave.endsAt),
      await this.workedInLeave(m, leave.practitionerId, leave.startsAt, leave.endsAt),
    ];
    const assignments = conflicts.map((c) => ({ ...c, keptUntil: takenOff(c, now, leave.startsAt).keptUntil }));
    const rows: Array<Omit<CoverageShift, 'assigned'> & { assigned: Array<CoverageShift['assigned'][number] & { assignmentId: string }> }> =
      await m.query(
        `SELECT s.id, s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.required_count AS "requiredCount", s.required_skills AS "requiredSkills",
              coalesce((SELECT json_agg(json_build_object('assignmentId', a.id, 'practitionerId', a.practitioner_id, 'skills', p.skills,
                                                          'startsAt', a.starts_at, 'endsAt', a.ends_at))
                          FROM shift_assignments a JOIN practitioner_directory p ON p.id = a.practitioner_id WHERE a.shift_id = s.id), '[]') AS assigned
         FROM shifts s WHERE s.starts_at < $2 AND s.ends_at > $1 ORDER BY s.starts_at`,
        [leave.startsAt, leave.endsAt],
      );
    const before = rows.map(coverageShift);
    const cut = new Map(assignments.map((a) => [a.assignmentId, a.keptUntil]));
    const after = before.map((s) => ({
      ...s,
      assigned: s.assigned.flatMap((a) => {
        if (!cut.has(a.assignmentId)) return [a];
        const keptUntil = cut.get(a.assignmentId);
        return keptUntil ? [{ ...a, endsAt: keptUntil }] : [];
      }),
    }));
    const from = new Date(leave.startsAt);
    const to = new Date(leave.endsAt);
    return {
      leaveId: leave.id,
      practitionerId: leave.practitionerId,
      from: from.toISOString(),
      to: to.toISOString(),
      assignments: assignments.map((a) => ({ ...a, keptUntil: a.keptUntil ? a.keptUntil.toISOString() : null, ...isoTimes(a) })),
      worked: worked.map((w) => ({ ...w, ...isoTimes(w) })),
      gapsBefore: coverageGaps(before, from, to).map(gapDto),
      gapsAfter: coverageGaps(after, from, to).map(gapDto),
    };
  }

  async approve(actor: Actor, id: string, dto: ApproveLeaveDto, expectedVersion: ExpectedVersion): Promise<LeaveDto> {
    return this.db.transaction(async (m) => {
      const row = await this.lockRow(m, id);
      assertVersion(expectedVersion, row.version);
      await this.approveIn(m, actor, row, dto.note, !!dto.unassign);
      return this.dto(await this.loadRow(m, id));
    });
  }

  async decline(actor: Actor, id: string, dto: LeaveNoteDto, expectedVersion: ExpectedVersion): Promise<LeaveDto> {
    return this.db.transaction(async (m) => {
      const row = await this.lockRow(m, id);
      assertVersion(expectedVersion, row.version);
      refuseOwnRecord(actor, row.userId, 'decline leave');
      if (row.status !== 'requested')
        throw new ConflictProblem(`The leave is ${row.status}; only requested leave can be declined.`, 'leave-not-requested', {
          leaveStatus: row.status,
        });
      await this.decide(m, actor, row, 'declined', dto.note);
      await this.audit.record(m, {
        action: 'rota.leave.decline',
        resourceType: 'leave-request',
        resourceId: id,
        details: { practitionerId: row.practitionerId },
      });
      await this.emit(m, 'rota.leave.declined', row);
      return this.dto(await this.loadRow(m, id));
    });
  }

  /**
   * The AMHP whose leave it is (or who asked for it) or a manager withdraws it, even once approved. Leave taken is
   * history (ROTA-WORKED), as a worked shift is: approved leave already over is refused (409 `leave-taken`), and
   * approved leave in progress ends now, staying approved for the part taken. Who cancelled it, when and why are
   * recorded beside the approval, which stays on the record (cancelled_*, not decided_*).
   */
  async cancel(actor: Actor, id: string, dto: LeaveNoteDto, expectedVersion: ExpectedVersion): Promise<LeaveDto> {
    return this.db.transaction(async (m) => {
      const row = await this.access.loadOrRefuse(actor, 'leave.request', { type: 'leave-request', id }, () => this.lockRow(m, id));
      await this.requireParty(actor, 'leave.request', row);
      assertVersion(expectedVersion, row.version);
      if (row.status !== 'requested' && row.status !== 'approved') {
        throw new ConflictProblem(`The leave is already ${row.status}.`, 'leave-closed', { leaveStatus: row.status });
      }
      const now = this.clock.now();
      const taken = row.status === 'approved' && new Date(row.startsAt) < now;
      if (taken && new Date(row.endsAt) <= now)
        throw new ConflictProblem('This leave has been taken: it is history and cannot be cancelled (ROTA-WORKED).', 'leave-taken', {
          endsAt: iso(row.endsAt),
        });
      // ROTA-WORKED: approved leave in progress ends now; the part already taken stays approved on the record.
      const [rows] = await m.query(
        `UPDATE leave_requests SET status = $3, ends_at = $4, cancelled_by = $5, cancelled_at = $6, cancellation_note = $7, version = version + 1
          WHERE id = $1 AND version = $2 RETURNING id`,
        [row.id, row.version, taken ? 'approved' : 'cancelled', taken ? now : row.endsAt, actor.userId, now, dto.note ?? null],
      );
      if (!rows.length) throw new PreconditionFailedProblem('The leave was changed by someone else meanwhile; fetch it again and retry.');
      await this.audit.record(m, {
        action: 'rota.leave.cancel',
        resourceType: 'leave-request',
        resourceId: id,
        details: {
          practitionerId: row.practitionerId,
          previousStatus: row.status,
          ...(taken ? { takenUntil: now.toISOString(), plannedEnd: iso(row.endsAt) } : {}),
        },
      });
      // The part cancelled: from now for leave in progress.
      await this.emit(m, 'rota.leave.cancelled', { ...row, startsAt: taken ? now : row.startsAt });
      return this.dto(await this.loadRow(m, id));
    });
  }

  /** Approves locked, requested leave: refuses (409) over assignments in the period unless told to take them off. */
  private async approveIn(m: EntityManager, actor: Actor, row: LeaveRow, note: string | undefined, unassign: boolean): Promise<void> {
    refuseOwnRecord(actor, row.userId, 'approve leave');
    if (row.status !== 'requested')
      throw new ConflictProblem(`The leave is ${row.status}; only requested leave can be approved.`, 'leave-not-requested', {
        leaveStatus: row.status,
      });
    // Locked after the leave row: an assignment being made concurrently is then checked after this commits.
    await this.practitioners.lockForRota(m, row.practitionerId);
    // ROTA-WORKED, ROTA-LEAVE: time she has worked is history, and she cannot have been on leave and on duty at once.
    // Leave over it is refused, naming it: the leave starts when she stopped working (a shift in progress is then
    // ended at the leave's start by unassign).
    const worked = await this.workedInLeave(m, row.practitionerId, row.startsAt, row.endsAt);
    if (worked.length) {
      throw new ConflictProblem(
        `The AMHP has worked ${worked.length} shift(s) in the leave period: she cannot have been on leave then. Start the leave when she stopped working.`,
        'leave-over-worked-shift',
        { assignments: worked.map((w) => ({ ...w, ...isoTimes(w) })) },
      );
    }
    const conflicts = await this.conflicts(m, row.practitionerId, row.startsAt, row.endsAt);
    if (conflicts.length && !unassign) {
      throw new ConflictProblem(
        `The AMHP is on ${conflicts.length} shift(s) in the leave period; take them off first or approve with unassign: true.`,
        'leave-conflicts-with-assignments',
        { assignments: conflicts.map((c) => ({ ...c, ...isoTimes(c) })) },
      );
    }
    // Off from the leave's start, or now when it has started (takenOff): a shift under way is kept as worked until then.
    for (const c of conflicts) await this.assignments.unassignIn(m, c.assignmentId, 'leave', undefined, new Date(row.startsAt));
    await this.decide(m, actor, row, 'approved', note);
    const unassigned = conflicts.map((c) => c.assignmentId);
    await this.audit.record(m, {
      action: 'rota.leave.approve',
      resourceType: 'leave-request',
      resourceId: row.id,
      details: { practitionerId: row.practitionerId, ...(unassigned.length ? { unassigned } : {}) },
    });
    await this.events.emit(m, {
      type: 'rota.leave.approved',
      aggregateType: 'leave-request',
      aggregateId: row.id,
      payload: { ...this.payload(row), ...(unassigned.length ? { unassignedAssignmentIds: unassigned } : {}) },
    });
  }

  /** Compare-and-set of the decision (approved or declined) on the version read under the row lock. */
  private async decide(
    m: EntityManager,
    actor: Actor,
    row: LeaveRow,
    status: Exclude<LeaveStatus, 'cancelled' | 'requested'>,
    note: string | undefined,
  ): Promise<void> {
    const [rows] = await m.query(
      `UPDATE leave_requests SET status = $3, decided_by = $4, decided_at = $5, decision_note = $6, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [row.id, row.version, status, actor.userId, this.clock.now(), note ?? null],
    );
    if (!rows.length) throw new PreconditionFailedProblem('The leave was changed by someone else meanwhile; fetch it again and retry.');
  }

  /**
   * Her assignments in the leave period not yet worked (ROTA-WORKED): one already over is history, whatever the
   * leave's start, and is neither a conflict nor taken off; one in progress is (unassignIn ends it at the later of now
   * and the leave's start).
   */
  private async conflicts(m: EntityManager, practitionerId: string, startsAt: Date, endsAt: Date): Promise<AssignmentInLeave[]> {
    return m.query(
      `SELECT a.id AS "assignmentId", a.shift_id AS "shiftId", s.label, a.starts_at AS "startsAt", a.ends_at AS "endsAt"
         FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
        WHERE a.practitioner_id = $1 AND a.starts_at < $3 AND a.ends_at > $2 AND a.ends_at > $4 ORDER BY a.starts_at`,
      [practitionerId, startsAt, endsAt, this.clock.now()],
    );
  }

  /**
   * Her assignments with time already worked inside the leave period (ROTA-WORKED): the part of each before now that
   * falls in [startsAt, endsAt), whether the shift is over or still in progress.
   */
  private async workedInLeave(m: EntityManager, practitionerId: string, startsAt: Date, endsAt: Date): Promise<AssignmentInLeave[]> {
    return m.query(
      `SELECT a.id AS "assignmentId", a.shift_id AS "shiftId", s.label, a.starts_at AS "startsAt", a.ends_at AS "endsAt"
         FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
        WHERE a.practitioner_id = $1 AND a.starts_at < least($3::timestamptz, $4::timestamptz) AND least(a.ends_at, $4::timestamptz) > $2
        ORDER BY a.starts_at`,
      [practitionerId, startsAt, endsAt, this.clock.now()],
    );
  }

  /** The AMHP whose leave it is, or whoever asked for it, passes the own-record rule; managers pass by role. */
  private async requireParty(actor: Actor, action: 'leave.read' | 'leave.request', row: LeaveRow): Promise<void> {
    if (this.access.hasRole(actor, action)) return;
    await this.access.require(
      actor,
      action,
      { owns: row.userId === actor.userId || row.requestedBy === actor.userId },
      { type: 'leave-request', id: row.id },
    );
  }

  private async ownPractitionerId(actor: Actor): Promise<string | undefined> {
    return (await this.practitioners.findByUser(actor.userId))?.id;
  }

  private async emit(
    m: EntityManager,
    type: 'rota.leave.requested' | 'rota.leave.declined' | 'rota.leave.cancelled',
    row: Pick<LeaveRow, 'id' | 'practitionerId' | 'startsAt' | 'endsAt'>,
  ): Promise<void> {
    await this.events.emit(m, { type, aggregateType: 'leave-request', aggregateId: row.id, payload: this.payload(row) });
  }

  /** Identifiers and times only: the kind of leave (sickness) and its note stay out of the event stream. */
  private payload(row: Pick<LeaveRow, 'id' | 'practitionerId' | 'startsAt' | 'endsAt'>): EventPayload<'rota.leave.requested'> {
    return { leaveId: row.id, practitionerId: row.practitionerId, startsAt: iso(row.startsAt), endsAt: iso(row.endsAt) };
  }

  private async lockRow(m: EntityManager, id: string): Promise<LeaveRow> {
    const [locked] = await m.query('SELECT id FROM leave_requests WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundProblem('Leave', id);
    return this.loadRow(m, id);
  }

  private async loadRow(m: EntityManager, id: string): Promise<LeaveRow> {
    const [row]: LeaveRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Leave', id);
    return row;
  }

  private dto(r: LeaveRow): LeaveDto {
    return {
      id: r.id,
      practitionerId: r.practitionerId,
      displayName: r.displayName,
      kind: r.kind,
      startsAt: iso(r.startsAt),
      endsAt: iso(r.endsAt),
      status: r.status,
      note: r.note,
      requestedBy: r.requestedBy,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt ? iso(r.decidedAt) : null,
      decisionNote: r.decisionNote,
      cancelledBy: r.cancelledBy,
      cancelledAt: r.cancelledAt ? iso(r.cancelledAt) : null,
      cancellationNote: r.cancellationNote,
      createdAt: iso(r.createdAt),
      version: r.version,
    };
  }
}
