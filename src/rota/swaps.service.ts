import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem } from '../common/problem';
import { Db } from '../database/db';
import type { EventPayload } from '../events/catalogue';
import { EventsService } from '../events/events.service';
import { PractitionersService, refuseOwnRecord } from '../workforce/practitioners.service';
import { AssignmentChecksService, Finding, Override } from './assignment-checks.service';
import { AssignmentsService } from './assignments.service';
import { AcceptSwapDto, ApproveSwapDto, CreateSwapDto, SwapDto, SwapNoteDto, SwapQuery, SwapStatus } from './dto/leave-swaps.dto';

interface SwapRow {
  id: string;
  assignmentId: string | null;
  shiftId: string;
  label: string;
  startsAt: Date;
  endsAt: Date;
  fromPractitionerId: string;
  fromUserId: string;
  fromName: string;
  toPractitionerId: string | null;
  toUserId: string | null;
  toName: string | null;
  takerPractitionerId: string | null;
  takerUserId: string | null;
  takerName: string | null;
  status: SwapStatus;
  note: string | null;
  acceptedAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdBy: string;
  createdAt: Date;
  createdKey: string;
  /** The order offered in (bigint, as text): the tie-break of the list and its cursor. */
  seq: string;
  version: number;
}

const COLUMNS = `r.id, r.assignment_id AS "assignmentId", r.shift_id AS "shiftId", s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
  r.from_practitioner_id AS "fromPractitionerId", fp.user_id AS "fromUserId", fu.display_name AS "fromName",
  r.to_practitioner_id AS "toPractitionerId", tp.user_id AS "toUserId", tu.display_name AS "toName",
  r.taker_practitioner_id AS "takerPractitionerId", kp.user_id AS "takerUserId", ku.display_name AS "takerName",
  r.status, r.note, r.accepted_at AS "acceptedAt", r.decided_by AS "decidedBy", r.decided_at AS "decidedAt", r.decision_note AS "decisionNote",
  r.created_by AS "createdBy", r.created_at AS "createdAt",
  to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdKey", r.seq, r.version`;
const FROM = `swap_requests r JOIN shifts s ON s.id = r.shift_id
  JOIN practitioner_directory fp ON fp.id = r.from_practitioner_id JOIN user_directory fu ON fu.id = fp.user_id
  LEFT JOIN practitioner_directory tp ON tp.id = r.to_practitioner_id LEFT JOIN user_directory tu ON tu.id = tp.user_id
  LEFT JOIN practitioner_directory kp ON kp.id = r.taker_practitioner_id LEFT JOIN user_directory ku ON ku.id = kp.user_id`;

const OPEN: SwapStatus[] = ['offered', 'accepted'];

interface AssignmentRow {
  id: string;
  shiftId: string;
  practitionerId: string;
  userId: string;
  startsAt: Date;
  endsAt: Date;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The practitioner `own` is one the swap was made to, whatever has become of it since: its offerer, the colleague it
 * is addressed to or who took it, or, for an offer to anyone, any colleague. Accepting is hers to try (and a lost race
 * hers to be told of); a swap not made to her is refused as an id the hub does not hold is.
 */
function madeTo(row: Pick<SwapRow, 'fromPractitionerId' | 'toPractitionerId' | 'takerPractitionerId'>, own: string): boolean {
  return row.fromPractitionerId === own || row.takerPractitionerId === own || row.toPractitionerId === own || row.toPractitionerId === null;
}

/**
 * Shift swaps: an AMHP offers one of their assignments to a named colleague or to anyone eligible; a colleague
 * accepts (checked against every rota rule at that moment); a manager approves, which re-checks every rule and, in
 * one transaction, puts the taker on the shift and takes the offerer off. Each step locks the swap row, so two
 * colleagues accepting the same offer at once are decided one after the other: one wins, the other gets 409.
 */
/** Why a swap is not shown to an AMHP: the same words for another's swap and for an id the hub does not hold. */
const NOT_YOURS = 'you may see your own swaps and the open offers you could take';

@Injectable()
export class SwapsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly practitioners: PractitionersService,
    private readonly checks: AssignmentChecksService,
    private readonly assignments: AssignmentsService,
  ) {}

  /** Offers an assignment; a manager may also name the taker (accepted now) and approve it at once. */
  async create(actor: Actor, dto: CreateSwapDto): Promise<SwapDto> {
    const arranging = dto.takerPractitionerId !== undefined || dto.approve === true || dto.overrides !== undefined;
    if (arranging) await this.access.require(actor, 'swaps.decide', {}, { type: 'shift-assignment', id: dto.assignmentId });
    if (dto.approve && !dto.takerPractitionerId)
      throw new UnprocessableProblem(
        'Name the colleague taking the shift (takerPractitionerId) to approve a swap at once.',
        'taker-required',
        { errors: [{ field: 'takerPractitionerId', messages: ['is required with approve'] }] },
      );
    if (dto.overrides && !dto.approve)
      throw new UnprocessableProblem('Overrides are given when approving (approve: true).', 'overrides-need-approve');
    if (dto.takerPractitionerId && dto.toPractitionerId && dto.takerPractitionerId !== dto.toPractitionerId) {
      throw new UnprocessableProblem('The taker must be the colleague the offer is addressed to.', 'taker-not-addressee', {
        errors: [{ field: 'takerPractitionerId', messages: ['must equal toPractitionerId'] }],
      });
    }
    return this.db.transaction(async (m) => {
      // Locking the assignment makes "one open swap per assignment" hold under concurrent offers.
      const a = await this.lockAssignment(m, dto.assignmentId);
      if (!a) throw new NotFoundProblem('Assignment', dto.assignmentId);
      if (!this.access.hasRole(actor, 'swaps.act')) {
        await this.access.require(actor, 'swaps.act', { owns: a.userId === actor.userId }, { type: 'shift-assignment', id: a.id });
      }
      this.refuseStarted(a.startsAt);
      const [open]: Array<{ id: string }> = await m.query(
        `SELECT id FROM swap_requests WHERE assignment_id = $1 AND status = ANY($2::text[])`,
        [a.id, OPEN],
      );
      if (open) throw new ConflictProblem('This assignment is already offered in an open swap.', 'swap-already-open', { swapId: open.id });
      const to = dto.takerPractitionerId ?? dto.toPractitionerId ?? null;
      if (to) await this.requireColleague(m, to, a.practitionerId, dto.takerPractitionerId ? 'takerPractitionerId' : 'toPractitionerId');

      const [{ id }]: Array<{ id: string }> = await m.query(
        `INSERT INTO swap_requests (assignment_id, shift_id, from_practitioner_id, to_practitioner_id, status, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, 'offered', $5, $6, $7) RETURNING id`,
        [a.id, a.shiftId, a.practitionerId, to, dto.note ?? null, actor.userId, this.clock.now()],
      );
      await this.audit.record(m, {
        action: 'rota.swap.offer',
        resourceType: 'swap-request',
        resourceId: id,
        details: { assignmentId: a.id, shiftId: a.shiftId, fromPractitionerId: a.practitionerId, toPractitionerId: to },
      });
      await this.events.emit(m, {
        type: 'rota.swap.offered',
        aggregateType: 'swap-request',
        aggregateId: id,
        payload: {
          swapId: id,
          assignmentId: a.id,
          shiftId: a.shiftId,
          fromPractitionerId: a.practitionerId,
          toPractitionerId: to,
          startsAt: iso(a.startsAt),
          endsAt: iso(a.endsAt),
        },
      });
      if (!dto.takerPractitionerId) return this.dto(await this.loadRow(m, id));

      const warnings = await this.acceptIn(m, await this.lockRow(m, id), dto.takerPractitionerId);
      if (!dto.approve) return { ...this.dto(await this.loadRow(m, id)), warnings };
      await this.approveIn(m, actor, await this.lockRow(m, id), dto.overrides ?? [], undefined);
      return this.dto(await this.loadRow(m, id));
    });
  }

  /** Managers see every swap; an AMHP sees their own and the open offers they could take. */
  async list(actor: Actor, q: SwapQuery): Promise<Page<SwapDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where: string[] = [];
    const params: unknown[] = [];
    const manager = this.access.hasRole(actor, 'swaps.decide');
    if (q.mine || !manager) {
      const own = (await this.practitioners.findByUser(actor.userId))?.id ?? null;
      params.push(own, actor.userId);
      const involved = `(r.from_practitioner_id = $1 OR r.to_practitioner_id = $1 OR r.taker_practitioner_id = $1 OR r.created_by = $2)`;
      const takeable = `($1::uuid IS NOT NULL AND r.status = 'offered' AND r.to_practitioner_id IS NULL AND r.from_practitioner_id <> $1)`;
      where.push(q.mine ? involved : `(${involved} OR ${takeable})`);
    }
    if (q.status) {
      params.push(q.status);
      where.push(`r.status = $${params.length}`);
    }
    if (q.cursor) {
      // The order they were offered in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [createdAt, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      params.push(createdAt, seq);
      where.push(`(r.created_at, r.seq) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(limit + 1);
    const rows: SwapRow[] = await this.db.manager.query(
      `SELECT ${COLUMNS} FROM ${FROM} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.seq DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(
      rows,
      limit,
      (r) => [r.createdKey, String(r.seq)],
      (r) => this.dto(r),
    );
  }

  async get(actor: Actor, id: string): Promise<SwapDto> {
    const m = this.db.manager;
    return this.dto(await this.seen(m, actor, id, 'swaps.read', () => this.loadRow(m, id)));
  }

  /**
   * The swap `id` as `load` reads it, if the actor may see it: a manager every swap; anyone else her own swaps and
   * the open offers she could take. Any other swap, and an id the hub does not hold, is the same audited 403 (the
   * rule of AccessService.refuseUnknown, with this service's own refusal), so that ids cannot be probed. (Accepting
   * asks `madeTo` instead: a taker who lost the race to an open offer is told 409, as a lost race is.)
   */
  private async seen(
    m: EntityManager,
    actor: Actor,
    id: string,
    policy: 'swaps.read' | 'swaps.act',
    load: () => Promise<SwapRow>,
  ): Promise<SwapRow> {
    const manager = this.access.hasRole(actor, 'swaps.decide');
    const row = await load().catch((err: unknown) => {
      if (err instanceof NotFoundProblem && !manager) return undefined;
      throw err;
    });
    if (manager && row) return row;
    if (row) {
      const own = (await this.practitioners.findByUser(actor.userId, m))?.id ?? null;
      const involved =
        row.createdBy === actor.userId ||
        (own !== null && [row.fromPractitionerId, row.toPractitionerId, row.takerPractitionerId].includes(own));
      const takeable = own !== null && row.status === 'offered' && row.toPractitionerId === null && row.fromPractitionerId !== own;
      if (involved || takeable) return row;
    }
    return this.deny(actor, policy, id, NOT_YOURS);
  }

  /**
   * The taker accepts: the named colleague, any AMHP for an offer to anyone, or a manager naming the taker. Every
   * rule is checked for the taker now (422 listing the findings if a hard rule fails); warnings come back for the
   * manager, who must override them with a reason to approve.
   */
  async accept(actor: Actor, id: string, dto: AcceptSwapDto, expectedVersion: ExpectedVersion): Promise<SwapDto> {
    return this.db.transaction(async (m) => {
      const manager = this.access.hasRole(actor, 'swaps.act');
      const resource = { type: 'swap-request', id };
      // Who may act on the swap is decided before anything of its state (its version, whether it is still open) is
      // told: to an AMHP an offer not made to her, whatever its state, gets the same audited 403 as an id the hub does
      // not hold (AccessService.refuseUnknown), so that ids cannot be probed; a manager, who acts on every swap, 404.
      const row = await this.access.loadOrRefuse(actor, 'swaps.act', resource, () => this.lockRow(m, id));
      const own = manager ? undefined : (await this.practitioners.findByUser(actor.userId, m))?.id;
      if (!manager) await this.access.require(actor, 'swaps.act', { owns: own !== undefined && madeTo(row, own) }, resource);
      if (dto.takerPractitionerId && !manager)
        await this.access.require(actor, 'swaps.act', { owns: own === dto.takerPractitionerId }, resource);
      // Only now its state: one it was made to who lost the race to it is told so (412, 409), as a lost race is.
      assertVersion(expectedVersion, row.version);
      const taker = dto.takerPractitionerId ?? own ?? (await this.practitioners.findByUser(actor.userId, m))?.id;
      if (!taker)
        throw new UnprocessableProblem('You have no practitioner record; name the colleague taking the shift.', 'no-practitioner-record', {
          errors: [{ field: 'takerPractitionerId', messages: ['is required'] }],
        });
      if (row.status !== 'offered')
        throw new ConflictProblem(`The swap is ${row.status}; only an open offer can be accepted.`, 'swap-not-open', {
          swapStatus: row.status,
        });
      if (taker === row.fromPractitionerId) throw new UnprocessableProblem('The offerer cannot take their own shift.', 'swap-to-self');
      // Reached only by a manager naming a taker (an AMHP it was not addressed to was refused above).
      if (row.toPractitionerId && row.toPractitionerId !== taker)
        throw new UnprocessableProblem('This offer is addressed to another colleague.', 'taker-not-addressee');
      const warnings = await this.acceptIn(m, row, taker);
      return { ...this.dto(await this.loadRow(m, id)), warnings };
    });
  }

  /** A manager approves: every rule re-checked now, and the shift handed over atomically. */
  async approve(actor: Actor, id: string, dto: ApproveSwapDto, expectedVersion: ExpectedVersion): Promise<SwapDto> {
    return this.db.transaction(async (m) => {
      const row = await this.lockRow(m, id);
      assertVersion(expectedVersion, row.version);
      await this.approveIn(m, actor, row, dto.overrides ?? [], dto.note);
      return this.dto(await this.loadRow(m, id));
    });
  }

  async decline(actor: Actor, id: string, dto: SwapNoteDto, expectedVersion: ExpectedVersion): Promise<SwapDto> {
    return this.close(actor, id, 'declined', dto.note, expectedVersion);
  }

  /** The offerer or a manager withdraws an open swap. */
  async cancel(actor: Actor, id: string, dto: SwapNoteDto, expectedVersion: ExpectedVersion): Promise<SwapDto> {
    return this.close(actor, id, 'cancelled', dto.note, expectedVersion);
  }

  private async close(
    actor: Actor,
    id: string,
    status: 'declined' | 'cancelled',
    note: string | undefined,
    expectedVersion: ExpectedVersion,
  ): Promise<SwapDto> {
    return this.db.transaction(async (m) => {
      const row =
        status === 'cancelled'
          ? await this.access.loadOrRefuse(actor, 'swaps.act', { type: 'swap-request', id }, () => this.lockRow(m, id))
          : await this.lockRow(m, id);
      if (status === 'cancelled' && !this.access.hasRole(actor, 'swaps.act')) {
        await this.access.require(actor, 'swaps.act', { owns: row.fromUserId === actor.userId }, { type: 'swap-request', id });
      }
      assertVersion(expectedVersion, row.version);
      if (!OPEN.includes(row.status))
        throw new ConflictProblem(`The swap is already ${row.status}.`, 'swap-closed', { swapStatus: row.status });
      await this.update(m, row, `status = '${status}', decided_by = $3, decided_at = $4, decision_note = $5`, [
        actor.userId,
        this.clock.now(),
        note ?? null,
      ]);
      const verb = status === 'declined' ? 'decline' : 'cancel';
      await this.audit.record(m, {
        action: `rota.swap.${verb}`,
        resourceType: 'swap-request',
        resourceId: id,
        details: { assignmentId: row.assignmentId, previousStatus: row.status },
      });
      await this.events.emit(m, {
        type: `rota.swap.${status}`,
        aggregateType: 'swap-request',
        aggregateId: row.id,
        payload: this.payload(row),
      });
      return this.dto(await this.loadRow(m, id));
    });
  }

  /** Checks the taker against every rule now and records the acceptance. Returns the warnings for the manager. */
  private async acceptIn(m: EntityManager, row: SwapRow, taker: string): Promise<Finding[]> {
    if (taker === row.fromPractitionerId) throw new UnprocessableProblem('The offerer cannot take their own shift.', 'swap-to-self');
    const a = await this.currentAssignment(m, row);
    this.refuseStarted(a.startsAt);
    const checked = await this.checks.check(m, a, taker, [a.id]);
    if (checked.hard.length) {
      throw new UnprocessableProblem(
        `The colleague cannot take this shift: ${checked.hard.map((f) => f.message).join(' ')}`,
        'swap-refused',
        { findings: [...checked.hard, ...checked.warnings] },
      );
    }
    await this.update(m, row, `status = 'accepted', taker_practitioner_id = $3, accepted_at = $4`, [taker, this.clock.now()]);
    await this.audit.record(m, {
      action: 'rota.swap.accept',
      resourceType: 'swap-request',
      resourceId: row.id,
      details: {
        assignmentId: row.assignmentId,
        takerPractitionerId: taker,
        ...(checked.warnings.length ? { warnings: checked.warnings.map((w) => w.code) } : {}),
      },
    });
    await this.events.emit(m, {
      type: 'rota.swap.accepted',
      aggregateType: 'swap-request',
      aggregateId: row.id,
      payload: { ...this.payload(row), takerPractitionerId: taker },
    });
    return checked.warnings;
  }

  /**
   * Hands the shift over in the caller's transaction: the taker is assigned through AssignmentsService (which
   * re-checks every rule and needs an override for each warning), the swap is pointed at the taker's new assignment,
   * then the offerer is unassigned. The swap is re-pointed before the unassignment because swap_requests.assignment_id
   * cascades on delete: otherwise removing the offered assignment would delete the swap being approved.
   */
  private async approveIn(m: EntityManager, actor: Actor, row: SwapRow, overrides: Override[], note: string | undefined): Promise<void> {
    refuseOwnRecord(actor, row.fromUserId, 'approve a swap');
    refuseOwnRecord(actor, row.takerUserId, 'approve a swap');
    if (row.status !== 'accepted')
      throw new ConflictProblem(`The swap is ${row.status}; only an accepted swap can be approved.`, 'swap-not-accepted', {
        swapStatus: row.status,
      });
    const taker = row.takerPractitionerId!;
    const a = await this.currentAssignment(m, row);
    this.refuseStarted(a.startsAt);
    const assignmentId = await this.assignments.assignIn(m, actor, {
      shiftId: a.shiftId,
      practitionerId: taker,
      overrides,
      source: 'swap',
      replacing: [a.id],
    });
    await this.update(m, row, `status = 'approved', assignment_id = $3, decided_by = $4, decided_at = $5, decision_note = $6`, [
      assignmentId,
      actor.userId,
      this.clock.now(),
      note ?? null,
    ]);
    await this.assignments.unassignIn(m, a.id, 'swap');
    await this.audit.record(m, {
      action: 'rota.swap.approve',
      resourceType: 'swap-request',
      resourceId: row.id,
      details: {
        shiftId: a.shiftId,
        fromPractitionerId: row.fromPractitionerId,
        takerPractitionerId: taker,
        removedAssignmentId: a.id,
        newAssignmentId: assignmentId,
        ...(overrides.length ? { overrides: overrides.map((o) => o.code) } : {}),
      },
    });
    await this.events.emit(m, {
      type: 'rota.swap.approved',
      aggregateType: 'swap-request',
      aggregateId: row.id,
      payload: {
        ...this.payload(row),
        // The swap now points at the taker's new assignment (as the event schema says), not the one removed.
        assignmentId,
        takerPractitionerId: taker,
        removedAssignmentId: a.id,
        newAssignmentId: assignmentId,
      },
    });
  }

  /**
   * The offered assignment, locked, as it must still be: the offerer's, on the swap's shift, for the shift's period.
   * Anything else means the rota changed under the swap (409).
   */
  private async currentAssignment(m: EntityManager, row: SwapRow): Promise<AssignmentRow> {
    const a = row.assignmentId ? await this.lockAssignment(m, row.assignmentId) : undefined;
    const stale =
      !a ||
      a.practitionerId !== row.fromPractitionerId ||
      a.shiftId !== row.shiftId ||
      a.startsAt.getTime() !== new Date(row.startsAt).getTime() ||
      a.endsAt.getTime() !== new Date(row.endsAt).getTime();
    if (stale)
      throw new ConflictProblem('The shift or the assignment offered has changed since the swap was made; make a new offer.', 'swap-stale');
    return a;
  }

  private refuseStarted(startsAt: Date): void {
    if (startsAt <= this.clock.now())
      throw new UnprocessableProblem('The shift has already started; only future shifts can be swapped.', 'shift-started');
  }

  private async requireColleague(m: EntityManager, practitionerId: string, fromPractitionerId: string, field: string): Promise<void> {
    if (practitionerId === fromPractitionerId)
      throw new UnprocessableProblem('The offerer cannot take their own shift.', 'swap-to-self', {
        errors: [{ field, messages: ['must be a colleague, not the offerer'] }],
      });
    const [p] = await m.query('SELECT 1 FROM practitioner_directory WHERE id = $1', [practitionerId]);
    if (!p)
      throw new UnprocessableProblem(`Practitioner ${practitionerId} does not exist.`, 'reference-not-found', {
        errors: [{ field, messages: ['is not a practitioner'] }],
      });
  }

  /** Compare-and-set on the version read under the row lock; `sets` uses $3 onwards. */
  private async update(m: EntityManager, row: SwapRow, sets: string, params: unknown[]): Promise<void> {
    const [rows] = await m.query(`UPDATE swap_requests SET ${sets}, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`, [
      row.id,
      row.version,
      ...params,
    ]);
    if (!rows.length) throw new PreconditionFailedProblem('The swap was changed by someone else meanwhile; fetch it again and retry.');
  }

  /** A denial the route could not know about (swaps.read lets every AMHP in): audited, then 403. */
  private async deny(actor: Actor, policy: string, id: string, reason: string): Promise<never> {
    await this.audit.recordAlone({
      action: 'access.denied',
      resourceType: 'swap-request',
      resourceId: id,
      outcome: 'denied',
      actor: { userId: actor.userId, roles: actor.roles },
      details: { policy, reason },
    });
    throw new ForbiddenProblem(reason);
  }

  private payload(row: SwapRow): EventPayload<'rota.swap.accepted'> {
    return {
      swapId: row.id,
      assignmentId: row.assignmentId,
      shiftId: row.shiftId,
      fromPractitionerId: row.fromPractitionerId,
      toPractitionerId: row.toPractitionerId,
      takerPractitionerId: row.takerPractitionerId,
      startsAt: iso(row.startsAt),
      endsAt: iso(row.endsAt),
    };
  }

  private async lockAssignment(m: EntityManager, id: string): Promise<AssignmentRow | undefined> {
    const [a]: AssignmentRow[] = await m.query(
      `SELECT id, shift_id AS "shiftId", practitioner_id AS "practitionerId", user_id AS "userId", starts_at AS "startsAt", ends_at AS "endsAt"
         FROM shift_assignments WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return a ? { ...a, startsAt: new Date(a.startsAt), endsAt: new Date(a.endsAt) } : undefined;
  }

  private async lockRow(m: EntityManager, id: string): Promise<SwapRow> {
    const [locked] = await m.query('SELECT id FROM swap_requests WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundProblem('Swap', id);
    return this.loadRow(m, id);
  }

  private async loadRow(m: EntityManager, id: string): Promise<SwapRow> {
    const [row]: SwapRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Swap', id);
    return row;
  }

  private dto(r: SwapRow): SwapDto {
    return {
      id: r.id,
      assignmentId: r.assignmentId,
      shiftId: r.shiftId,
      label: r.label,
      startsAt: iso(r.startsAt),
      endsAt: iso(r.endsAt),
      fromPractitionerId: r.fromPractitionerId,
      fromName: r.fromName,
      toPractitionerId: r.toPractitionerId,
      toName: r.toName,
      takerPractitionerId: r.takerPractitionerId,
      takerName: r.takerName,
      status: r.status,
      note: r.note,
      acceptedAt: r.acceptedAt ? iso(r.acceptedAt) : null,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt ? iso(r.decidedAt) : null,
      decisionNote: r.decisionNote,
      createdBy: r.createdBy,
      createdAt: iso(r.createdAt),
      version: r.version,
    };
  }
}
