import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BreakGlassService } from '../access/break-glass.service';
import { AuditService } from '../audit/audit.service';
import { AccountWithdrawals } from '../auth/account-withdrawals';
import type { Actor } from '../auth/actor';
import { ConflictProblem, NotFoundProblem, requirePeriod } from '../common/problem';
import { Db } from '../database/db';
import { pgCode } from '../database/pg-errors';
import { EventsService } from '../events/events.service';
import { Clock } from '../common/clock';
import { accountBarSql, EligibilityService } from '../workforce/eligibility.service';
import { EligibilityWithdrawals, WithdrawnAssignment } from '../workforce/eligibility-withdrawals';
import { PractitionersService, refuseOwnRecord } from '../workforce/practitioners.service';
import { AssignmentChecksService, Override } from './assignment-checks.service';
import { AssignmentDto, ShiftDto } from './dto/rota.dto';
import { OffDuty } from './off-duty';
import { ShiftsService } from './shifts.service';
import { hardFindings } from '../workforce/workforce.rules';

/**
 * What taking an assignment off from `from` (never earlier than now) does to it (ROTA-WORKED): one under way is kept
 * as worked and ends at the cut; one not yet started is removed. The one place this is decided: unassignIn does it,
 * the leave impact preview shows it.
 */
export function takenOff(a: { startsAt: Date; endsAt: Date }, now: Date, from?: Date): { keptUntil: Date | null } {
  const cut = from && from > now ? from : now;
  return { keptUntil: new Date(a.startsAt) < now ? (cut < new Date(a.endsAt) ? cut : new Date(a.endsAt)) : null };
}

export interface NewAssignment {
  shiftId: string;
  practitionerId: string;
  overrides?: Override[];
  source: 'manual' | 'plan' | 'swap';
  /** Assignments being replaced in the same transaction (a swap): not counted against the rules. */
  replacing?: string[];
}

/** Putting AMHPs on shifts and taking them off, every rule checked, every override audited. */
@Injectable()
export class AssignmentsService implements OnModuleInit {
  private readonly logger = new Logger('AssignmentsService');

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly checks: AssignmentChecksService,
    private readonly shifts: ShiftsService,
    private readonly practitioners: PractitionersService,
    private readonly alerts: BreakGlassService,
    private readonly eligibility: EligibilityService,
    private readonly withdrawals: EligibilityWithdrawals,
    private readonly clock: Clock,
    private readonly accountWithdrawals: AccountWithdrawals,
    private readonly offDuty: OffDuty,
  ) {}

  onModuleInit(): void {
    this.withdrawals.registerRota((m, practitionerId) => this.removeIneligible(m, practitionerId));
    // AMHP-11: her account disabled, or its amhp role taken away (PATCH /users/{id}): off the rota as for a suspension.
    this.accountWithdrawals.register((userId) => this.db.transaction((m) => this.removeIneligibleUser(m, userId)));
  }

  /** removeIneligible for a user account: nothing when she has no practitioner record. */
  async removeIneligibleUser(m: EntityManager, userId: string): Promise<WithdrawnAssignment[]> {
    const p = await this.practitioners.findByUser(userId, m);
    return p ? this.removeIneligible(m, p.id) : [];
  }

  /**
   * The scheduled sweep (job `ineligible-amhp-rota`, every minute): an account disabled or its amhp role taken away
   * where no handler here saw it (on another replica whose handler failed, or roles changed by the identity provider)
   * still holds rota places. Each practitioner with an assignment not yet over whose account may not act (AMHP-11) is
   * re-checked (removeIneligible) in a transaction of her own; one that fails is logged and tried again next run.
   * By the system: the audit rows carry no actor. Ids and counts only.
   */
  async removeBarredAccounts(now: Date): Promise<Record<string, unknown>> {
    const barred: Array<{ practitionerId: string }> = await this.db.manager.query(
      `SELECT DISTINCT a.practitioner_id AS "practitionerId" FROM shift_assignments a JOIN user_directory u ON u.id = a.user_id
        WHERE a.ends_at > $1 AND ${accountBarSql('u')} IS NOT NULL ORDER BY 1`,
      [now],
    );
    const done = { practitioners: barred.length, assignmentsRemoved: 0, failed: [] as string[] };
    for (const { practitionerId } of barred) {
      try {
        const removed = await this.db.detached(() => this.db.transaction((m) => this.removeIneligible(m, practitionerId)));
        done.assignmentsRemoved += removed.length;
      } catch (err) {
        done.failed.push(practitionerId);
        this.logger.error(
          `taking practitioner ${practitionerId}, whose account may not act, off the rota failed: ${(err as Error).message}`,
        );
      }
    }
    return done;
  }

  /**
   * AMHP-05/07/08/11 ("a hard block on the rota"; "taken off the rota"): every assignment of the practitioner not yet over
   * (one in progress too: she may not act from now) is checked again against the workforce rules, and those with a
   * hard finding are taken off, each audited with an event as any removal is. Past assignments are history and stay;
   * one in progress ends when she stops being able to act (now, or later when what stops her comes later: an approval
   * ended "at the end of" today keeps her on tonight's shift until local midnight), kept as worked up to then
   * (ROTA-WORKED, unassignIn). Their places then show as gaps in coverage, on duty and the gap alerts.
   */
  async removeIneligible(m: EntityManager, practitionerId: string): Promise<WithdrawnAssignment[]> {
    await this.practitioners.lockForRota(m, practitionerId);
    const now = this.clock.now();
    const ahead: Array<{ id: string; shiftId: string; startsAt: Date; endsAt: Date }> = await m.query(
      `SELECT id, shift_id AS "shiftId", starts_at AS "startsAt", ends_at AS "endsAt" FROM shift_assignments
        WHERE practitioner_id = $1 AND ends_at > $2 ORDER BY starts_at, seq`,
      [practitionerId, now],
    );
    if (!ahead.length) return [];
    const judged = await this.eligibility.forPeriods(
      m,
      practitionerId,
      ahead.map((a) => ({ from: a.startsAt, to: a.endsAt })),
    );
    const removed: WithdrawnAssignment[] = [];
    for (const [i, a] of ahead.entries()) {
      const hard = hardFindings(judged[i]);
      if (!hard.length) continue;
      const until = a.startsAt < now ? await this.eligibility.mayActUntil(m, practitionerId, now, a.endsAt) : undefined;
      // What stops her lies wholly in the part already worked: that is history, and she may act for the rest.
      if (until && until >= a.endsAt) continue;
      await this.unassignIn(
        m,
        a.id,
        'approval',
        hard.map((f) => f.code),
        until,
      );
      removed.push({
        assignmentId: a.id,
        shiftId: a.shiftId,
        startsAt: a.startsAt.toISOString(),
        endsAt: a.endsAt.toISOString(),
        findings: hard,
      });
    }
    return removed;
  }

  async assign(actor: Actor, a: NewAssignment): Promise<ShiftDto> {
    return this.db.transaction(async (m) => {
      await this.assignIn(m, actor, a);
      return this.shifts.get(a.shiftId, m);
    });
  }

  /** Assigns inside the caller's transaction (swaps and plans use it). Returns the new assignment's id. */
  async assignIn(m: EntityManager, actor: Actor, a: NewAssignment): Promise<string> {
    const shift = await this.shifts.lock(m, a.shiftId);
    // ROTA-WORKED: the duty record says who was on when. Put on a shift under way, she is on it from now, never from
    // its start (before anyone asked her); a shift already over is history and nobody is added to it afterwards.
    const now = this.clock.now();
    if (shift.endsAt <= now)
      throw new ConflictProblem('This shift is over: who was on duty is history and cannot be changed (ROTA-WORKED).', 'shift-over');
    const period = { startsAt: shift.startsAt < now ? now : shift.startsAt, endsAt: shift.endsAt };
    const checked = await this.checks.check(m, period, a.practitionerId, a.replacing ?? []);
    const overridden = this.checks.enforce(checked, a.overrides);
    if (overridden.length) refuseOwnRecord(actor, checked.userId, 'override rota warnings');
    let id: string;
    try {
      [{ id }] = await m.query(
        `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, overrides, source, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          shift.id,
          a.practitionerId,
          checked.userId,
          period.startsAt,
          period.endsAt,
          JSON.stringify(overridden),
          a.source,
          actor.userId,
          now,
        ],
      );
    } catch (err) {
      // The exclusion constraint: a concurrent request put this AMHP on an overlapping shift first (R8).
      if (pgCode(err) === '23P01') throw new ConflictProblem('The AMHP is already on a shift at that time.', 'assignment-overlap');
      throw err;
    }
    await this.shifts.staffingChanged(m, shift.id);
    await this.audit.record(m, {
      action: 'rota.assign',
      resourceType: 'shift-assignment',
      resourceId: id,
      details: {
        shiftId: shift.id,
        practitionerId: a.practitionerId,
        source: a.source,
        ...(period.startsAt > shift.startsAt ? { from: period.startsAt.toISOString() } : {}),
        ...(overridden.length ? { overrides: overridden.map((o) => o.code) } : {}),
      },
    });
    if (overridden.length) {
      // Every override of a working-time or training warning is reviewable.
      await this.alerts.raiseAlert(m, {
        kind: 'rota-override',
        subjectType: 'shift-assignment',
        subjectId: id,
        personId: null,
        raisedBy: actor.userId,
        summary: `Rota warnings overridden: ${overridden.map((o) => o.code).join(', ')}`,
      });
    }
    await this.events.emit(m, {
      type: 'rota.assignment.created',
      aggregateType: 'shift',
      aggregateId: shift.id,
      payload: {
        shiftId: shift.id,
        assignmentId: id,
        practitionerId: a.practitionerId,
        userId: checked.userId,
        startsAt: period.startsAt.toISOString(),
        endsAt: period.endsAt.toISOString(),
        source: a.source,
      },
    });
    return id;
  }

  async unassign(actor: Actor, assignmentId: string): Promise<void> {
    await this.db.transaction((m) => this.unassignIn(m, assignmentId, 'manual'));
  }

  /**
   * Takes an AMHP off a shift from now on (or from `from`, when later: approved leave that starts later in a shift
   * she is working). `because`: the finding codes that took it off (a removal by the rules, not by a person). What has
   * been worked is history and is never removed (ROTA-WORKED): an assignment already over is refused (409
   * `assignment-worked`), one in progress ends at the cut and is kept as worked up to then (its end is trimmed, its
   * version raised), and only one not yet started is deleted (takenOff). Returns which of the two happened.
   */
  async unassignIn(
    m: EntityManager,
    assignmentId: string,
    source: 'manual' | 'swap' | 'leave' | 'approval',
    because?: string[],
    from?: Date,
  ): Promise<'removed' | 'ended'> {
    const [row]: Array<{ shift_id: string; practitioner_id: string; user_id: string; starts_at: Date; ends_at: Date }> = await m.query(
      'SELECT shift_id, practitioner_id, user_id, starts_at, ends_at FROM shift_assignments WHERE id = $1 FOR UPDATE',
      [assignmentId],
    );
    if (!row) throw new NotFoundProblem('Assignment', assignmentId);
    const now = this.clock.now();
    if (row.ends_at <= now)
      throw new ConflictProblem(
        'This shift has been worked: who was on duty is history and cannot be removed (ROTA-WORKED).',
        'assignment-worked',
      );
    const { keptUntil } = takenOff({ startsAt: row.starts_at, endsAt: row.ends_at }, now, from);
    const started = keptUntil !== null;
    const cut = keptUntil ?? now;
    // An open swap offer of this assignment has nothing left to offer: cancel it (its history stays).
    const [cancelled]: [Array<{ id: string }>] = await m.query(
      `UPDATE swap_requests SET status = 'cancelled', decided_at = $2, decision_note = 'The assignment was removed', version = version + 1
        WHERE assignment_id = $1 AND status IN ('offered', 'accepted') RETURNING id`,
      [assignmentId, now],
    );
    // ROTA-WORKED: a shift in progress ends now for her; the part she has worked stays on the record.
    // Her own event changes in place: versioned, so that calendar feeds show the new end (RFC 5545 §3.8.7.4).
    if (started)
      await m.query('UPDATE shift_assignments SET ends_at = $2, version = version + 1, updated_at = $3 WHERE id = $1', [
        assignmentId,
        cut,
        now,
      ]);
    else await m.query('DELETE FROM shift_assignments WHERE id = $1', [assignmentId]);
    await this.shifts.staffingChanged(m, row.shift_id);
    // Taken off a shift she is on now: no longer on duty from the cut, and what being on duty gave her ends with it
    // (OffDuty): now, or with her part of the shift when she stays on until a later cut.
    if (new Date(row.starts_at) <= now && new Date(row.ends_at) > now) await this.offDuty.takenOff(m, row.user_id, cut);
    await this.audit.record(m, {
      action: 'rota.unassign',
      resourceType: 'shift-assignment',
      resourceId: assignmentId,
      details: {
        shiftId: row.shift_id,
        practitionerId: row.practitioner_id,
        source,
        ...(started ? { workedUntil: cut.toISOString(), plannedEnd: row.ends_at.toISOString() } : {}),
        ...(because ? { because } : {}),
        ...(cancelled.length ? { cancelledSwaps: cancelled.map((c) => c.id) } : {}),
      },
    });
    await this.events.emit(m, {
      type: 'rota.assignment.removed',
      aggregateType: 'shift',
      aggregateId: row.shift_id,
      payload: {
        shiftId: row.shift_id,
        assignmentId,
        practitionerId: row.practitioner_id,
        userId: row.user_id,
        // The part taken away: from the cut for a shift in progress.
        startsAt: (started ? cut : row.starts_at).toISOString(),
        endsAt: row.ends_at.toISOString(),
        source,
      },
    });
    return started ? 'ended' : 'removed';
  }

  /** An AMHP's assignments in a period: their own, or anyone's for a reader of the whole rota. */
  async list(actor: Actor, from: Date, to: Date, practitionerId?: string): Promise<AssignmentDto[]> {
    requirePeriod(from, to, 400);
    let target = practitionerId;
    if (!target) {
      const own = await this.practitioners.findByUser(actor.userId);
      if (!own) return [];
      target = own.id;
    }
    const rows: Array<AssignmentDto & { startsAt: Date; endsAt: Date; overrides: AssignmentDto['warnings'] }> = await this.db.manager.query(
      `SELECT a.id, a.shift_id AS "shiftId", a.practitioner_id AS "practitionerId", a.user_id AS "userId", s.label,
              a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.overrides, a.source
         FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
        WHERE a.practitioner_id = $1 AND a.starts_at < $3 AND a.ends_at > $2 ORDER BY a.starts_at`,
      [target, from, to],
    );
    return rows.map((r) => ({
      id: r.id,
      shiftId: r.shiftId,
      practitionerId: r.practitionerId,
      userId: r.userId,
      label: r.label,
      startsAt: new Date(r.startsAt).toISOString(),
      endsAt: new Date(r.endsAt).toISOString(),
      // Her warnings and the reasons they were overridden: only to whom may read her workforce records.
      warnings: this.shifts.seesWorkforceFacts(actor, r.userId) ? r.overrides : [],
      source: r.source,
    }));
  }
}
