import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { ConflictProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem, unprocessableField } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { addDays, daysBetween, type IsoDate, localDate } from '../statute/time';
import { ApprovalRecord, loadApprovals } from './approval.facts';
import { ApprovalSuspensionEntity } from './approval.entity';
import {
  ApprovalDto,
  CreateApprovalDto,
  EndApprovalDto,
  LiftSuspensionDto,
  ReapprovalDueDto,
  RecordTrainingDecisionDto,
  SuspendApprovalDto,
  UpdateApprovalDto,
  WithdrawEntryDto,
} from './dto/approval.dto';
import { EligibilityWithdrawals } from './eligibility-withdrawals';
import { facts as trainingFacts, TrainingService } from './training.service';
import { workforcePolicy } from './workforce.policy';
import { PractitionersService } from './practitioners.service';
import {
  approvalPeriodFindings,
  approvalStatus,
  approvedCourseFindings,
  Finding,
  reminderStage,
  trainingByApprovalYear,
} from './workforce.rules';

/** A 422 with the findings, and the request fields they are about named in `errors` as every refused field is. */
function rejectFindings(findings: Finding[]): void {
  if (!findings.length) return;
  const errors = findings.filter((f) => f.field).map((f) => ({ field: f.field, messages: [f.message] }));
  throw new UnprocessableProblem(findings.map((f) => f.message).join(' '), findings[0].code, {
    findings,
    ...(errors.length ? { errors } : {}),
  });
}

/** AMHP approvals (warrants): their periods (AMHP-05), suspensions (AMHP-07) and early ends (AMHP-08). */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
    private readonly withdrawals: EligibilityWithdrawals,
    private readonly training: TrainingService,
  ) {}

  /**
   * The approval as it now stands, with what the change took from its AMHP (AMHP-05/07/08): the shifts she was taken
   * off and, when she may not act now, her open offers withdrawn and her referrals handed back or to be reallocated.
   */
  private async withRota(m: EntityManager, id: string): Promise<ApprovalDto> {
    const a = await this.load(m, id);
    return { ...this.dto(a), ...(await this.withdrawals.recheck(m, a.practitionerId)) };
  }

  /**
   * AMHP-02: whether an approval starting `startsOn` is her first: none of hers starting earlier is recorded here, by any
   * authority, and no authority that approved her before is given (`previouslyApprovedBy`).
   */
  private async isFirstApproval(
    m: EntityManager,
    practitionerId: string,
    startsOn: IsoDate,
    previouslyApprovedBy: string | null | undefined,
  ): Promise<boolean> {
    if (previouslyApprovedBy) return false;
    const [earlier]: Array<{ id: string }> = await m.query(
      'SELECT id FROM approvals WHERE practitioner_id = $1 AND starts_on < $2 LIMIT 1',
      [practitionerId, startsOn],
    );
    return !earlier;
  }

  async list(actor: Actor, practitionerId: string): Promise<ApprovalDto[]> {
    await this.practitioners.findReadable(this.db.manager, actor, practitionerId);
    return (await loadApprovals(this.db.manager, [practitionerId])).map((a) => this.dto(a));
  }

  async create(actor: Actor, practitionerId: string, dto: CreateApprovalDto): Promise<ApprovalDto> {
    rejectFindings(approvalPeriodFindings(dto.startsOn, dto.endsOn, this.config.approvalMaxYears));
    return this.db.transaction(async (m) => {
      await this.practitioners.refuseOwn(m, actor, practitionerId, 'record an approval');
      // AMHP-02: her first approval needs the approved course completed within the five years before it starts.
      const firstApproval = await this.isFirstApproval(m, practitionerId, dto.startsOn, dto.previouslyApprovedBy);
      rejectFindings(
        approvedCourseFindings({ startsOn: dto.startsOn, approvedCourseCompletedOn: dto.approvedCourseCompletedOn, firstApproval }),
      );
      const now = this.clock.now();
      const [row] = await m
        .query(
          `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on, conditions, approved_course_completed_on, previously_approved_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [
            practitionerId,
            dto.approvingAuthority,
            dto.startsOn,
            dto.endsOn,
            dto.conditions ?? null,
            dto.approvedCourseCompletedOn ?? null,
            dto.previouslyApprovedBy ?? null,
            now,
          ],
        )
        .catch((err) => {
          if ((err as { driverError?: { code?: string } }).driverError?.code === '23P01') {
            throw new ConflictProblem(
              'This approval overlaps another approval of the same practitioner; end or shorten that one first.',
              'approval-overlap',
            );
          }
          throw err;
        });
      await this.audit.record(m, {
        at: now,
        action: 'approval.create',
        resourceType: 'approval',
        resourceId: row.id,
        details: {
          practitionerId,
          startsOn: dto.startsOn,
          endsOn: dto.endsOn,
          firstApproval,
          ...(dto.approvedCourseCompletedOn ? { approvedCourseCompletedOn: dto.approvedCourseCompletedOn } : {}),
          ...(dto.previouslyApprovedBy ? { previouslyApprovedBy: dto.previouslyApprovedBy } : {}),
        },
      });
      return this.dto(await this.load(m, row.id));
    });
  }

  async update(actor: Actor, id: string, dto: UpdateApprovalDto, expectedVersion: ExpectedVersion): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.load(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'change an approval');
      assertVersion(expectedVersion, a.version);
      if (a.endedOn) throw new ConflictProblem('An approval that has been ended cannot be changed.', 'approval-ended');
      if (dto.endsOn) rejectFindings(approvalPeriodFindings(a.startsOn, dto.endsOn, this.config.approvalMaxYears));
      // AMHP-02: the course date or the earlier authority corrected is judged as at the approval's recording.
      const course = dto.approvedCourseCompletedOn ?? a.approvedCourseCompletedOn;
      const before = dto.previouslyApprovedBy !== undefined ? dto.previouslyApprovedBy : a.previouslyApprovedBy;
      if (dto.approvedCourseCompletedOn !== undefined || dto.previouslyApprovedBy !== undefined) {
        const firstApproval = await this.isFirstApproval(m, a.practitionerId, a.startsOn, before);
        rejectFindings(approvedCourseFindings({ startsOn: a.startsOn, approvedCourseCompletedOn: course ?? undefined, firstApproval }));
      }
      const [rows] = await m
        .query(
          `UPDATE approvals SET ends_on = coalesce($3, ends_on), conditions = CASE WHEN $5 THEN $4 ELSE conditions END,
                  approved_course_completed_on = $6, previously_approved_by = $7, version = version + 1
          WHERE id = $1 AND version = $2 RETURNING id`,
          [id, a.version, dto.endsOn ?? null, dto.conditions ?? null, dto.conditions !== undefined, course, before],
        )
        .catch((err) => {
          if ((err as { driverError?: { code?: string } }).driverError?.code === '23P01')
            throw new ConflictProblem('The new end date overlaps a later approval.', 'approval-overlap');
          throw err;
        });
      if (!rows.length) throw new PreconditionFailedProblem();
      await this.audit.record(m, {
        action: 'approval.update',
        resourceType: 'approval',
        resourceId: id,
        details: {
          fields: Object.keys(dto),
          ...(dto.endsOn ? { endsOn: dto.endsOn } : {}),
          ...(dto.approvedCourseCompletedOn ? { approvedCourseCompletedOn: dto.approvedCourseCompletedOn } : {}),
          ...(dto.previouslyApprovedBy !== undefined ? { previouslyApprovedBy: dto.previouslyApprovedBy } : {}),
        },
      });
      return dto.endsOn ? this.withRota(m, id) : this.dto(await this.load(m, id));
    });
  }

  /** AMHP-07: the approval is suspended from `startsAt` (default now) until lifted. */
  async suspend(actor: Actor, id: string, dto: SuspendApprovalDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'suspend an approval');
      const now = this.clock.now();
      const startsAt = dto.startsAt ? new Date(dto.startsAt) : now;
      if (a.suspensions.some((s) => s.endsAt === null || s.endsAt > startsAt)) {
        throw new ConflictProblem('The approval is already suspended at that time; lift that suspension first.', 'already-suspended');
      }
      const s = await m.getRepository(ApprovalSuspensionEntity).save(
        m.getRepository(ApprovalSuspensionEntity).create({
          approvalId: id,
          startsAt,
          endsAt: null,
          reason: dto.reason,
          liftReason: null,
          createdBy: actor.userId,
          createdAt: now,
        }),
      );
      await m.query('UPDATE approvals SET version = version + 1 WHERE id = $1', [id]);
      await this.audit.record(m, {
        at: now,
        action: 'approval.suspend',
        resourceType: 'approval',
        resourceId: id,
        details: { suspensionId: s.id, startsAt: startsAt.toISOString() },
      });
      return this.withRota(m, id);
    });
  }

  async lift(actor: Actor, id: string, suspensionId: string, dto: LiftSuspensionDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'lift a suspension');
      const s = a.suspensions.find((x) => x.id === suspensionId);
      if (!s) throw new NotFoundProblem('Suspension', suspensionId);
      if (s.endsAt) throw new ConflictProblem('This suspension has already been lifted.', 'already-lifted');
      const endsAt = dto.endsAt ? new Date(dto.endsAt) : this.clock.now();
      if (endsAt <= s.startsAt) throw new UnprocessableProblem('A suspension cannot be lifted before it started.', 'lift-before-start');
      await m.query('UPDATE approval_suspensions SET ends_at = $2, lift_reason = $3 WHERE id = $1', [suspensionId, endsAt, dto.reason]);
      await m.query('UPDATE approvals SET version = version + 1 WHERE id = $1', [id]);
      await this.audit.record(m, {
        action: 'approval.lift-suspension',
        resourceType: 'approval',
        resourceId: id,
        details: { suspensionId, endsAt: endsAt.toISOString() },
      });
      return this.dto(await this.load(m, id));
    });
  }

  /**
   * AMHP-06 (reg 5(a)): the approving authority's decision that she may go on acting although approval year `year` ended
   * short of training. Only for a year that ended short (422 naming `year`: one not yet over, or not short), decided on or
   * after the year's end and not in the future (422 naming `decidedOn`); one decision a year (409). Her eligibility then
   * keeps the shortfall as a warning naming the decision instead of a block.
   */
  async recordTrainingDecision(actor: Actor, id: string, dto: RecordTrainingDecisionDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      // The authority's decision that she may go on acting despite a shortfall: never recorded by her (AMHP-12).
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'record a training decision');
      const now = this.clock.now();
      const today = localDate(now, this.config.timeZone);
      const records = (await this.training.records(m, [a.practitionerId])).map(trainingFacts);
      const y = trainingByApprovalYear(a, records, workforcePolicy(this.config), today).find((x) => x.year === dto.year);
      const refuse = (field: 'year' | 'decidedOn', message: string, code: string) =>
        new UnprocessableProblem(`${field} ${message}.`, code, { errors: [{ field, messages: [message] }] });
      if (!y) throw refuse('year', `must be a year of this approval (it has ${this.yearsOf(a, today)})`, 'training-year-not-short');
      if (y.status !== 'short')
        throw refuse(
          'year',
          y.status === 'met'
            ? `must be a year that ended short of training: year ${y.year} met the requirement`
            : `must be a year that has ended: year ${y.year} runs to ${y.to}`,
          'training-year-not-short',
        );
      if (dto.decidedOn <= y.to) throw refuse('decidedOn', `must be after the year ended on ${y.to}`, 'decision-before-year-ended');
      if (dto.decidedOn > today) throw refuse('decidedOn', `must not be in the future (today is ${today})`, 'decision-in-future');
      const [added]: Array<{ id: string }> = await m.query(
        `INSERT INTO training_year_decisions (approval_id, year, decided_on, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (approval_id, year) DO NOTHING RETURNING id`,
        [id, dto.year, dto.decidedOn, dto.reason, actor.userId, now],
      );
      if (!added) throw new ConflictProblem(`A decision on approval year ${dto.year} is already recorded.`, 'training-decision-exists');
      await m.query('UPDATE approvals SET version = version + 1 WHERE id = $1', [id]);
      await this.audit.record(m, {
        at: now,
        action: 'approval.training-decision',
        resourceType: 'approval',
        resourceId: id,
        details: { year: dto.year, decidedOn: dto.decidedOn, shortfallHours: y.shortfallHours },
      });
      return this.dto(await this.load(m, id));
    });
  }

  private yearsOf(a: ApprovalRecord, today: IsoDate): number {
    return trainingByApprovalYear(a, [], workforcePolicy(this.config), today).length;
  }

  /** AMHP-08: the approval ends early; the reason is kept (and given to the AMHP in writing). */
  async end(actor: Actor, id: string, dto: EndApprovalDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'end an approval');
      if (a.endedOn) throw new ConflictProblem('This approval has already been ended.', 'approval-ended');
      if (dto.endedOn < a.startsOn || dto.endedOn > a.endsOn) {
        throw unprocessableField(
          'endedOn',
          `endedOn must fall within the approval (${a.startsOn} to ${a.endsOn}).`,
          'end-outside-approval',
        );
      }
      await m.query('UPDATE approvals SET ended_on = $2, end_reason = $3, version = version + 1 WHERE id = $1', [
        id,
        dto.endedOn,
        dto.reason,
      ]);
      await this.audit.record(m, { action: 'approval.end', resourceType: 'approval', resourceId: id, details: { endedOn: dto.endedOn } });
      return this.withRota(m, id);
    });
  }

  /**
   * A suspension recorded in error (the wrong AMHP, the wrong start) withdrawn, with the reason (AMHP-07, AMHP-09): it
   * stays on the record, marked withdrawn, but no rule reads it any more, so eligibility for any time, past or ahead,
   * is judged as if it had never been. Shifts it took her off are not put back: the rota is rebuilt by a person.
   */
  async withdrawSuspension(actor: Actor, id: string, suspensionId: string, dto: WithdrawEntryDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'withdraw a suspension');
      const [s]: Array<{ withdrawn_at: Date | null }> = await m.query(
        'SELECT withdrawn_at FROM approval_suspensions WHERE id = $1 AND approval_id = $2',
        [suspensionId, id],
      );
      if (!s) throw new NotFoundProblem('Suspension', suspensionId);
      if (s.withdrawn_at) throw new ConflictProblem('This suspension has already been withdrawn.', 'already-withdrawn');
      await m.query('UPDATE approval_suspensions SET withdrawn_at = $2, withdrawn_by = $3, withdrawal_reason = $4 WHERE id = $1', [
        suspensionId,
        this.clock.now(),
        actor.userId,
        dto.reason,
      ]);
      await m.query('UPDATE approvals SET version = version + 1 WHERE id = $1', [id]);
      await this.audit.record(m, {
        action: 'approval.withdraw-suspension',
        resourceType: 'approval',
        resourceId: id,
        details: { suspensionId },
      });
      return this.dto(await this.load(m, id));
    });
  }

  /**
   * An early end recorded in error withdrawn, with the reason (AMHP-08, AMHP-09): the approval runs to its end date
   * again; the withdrawn end stays on the record (withdrawnEnds). 409 when it is not ended, or when a later approval
   * now overlaps it. Shifts the end took her off are not put back.
   */
  async withdrawEnd(actor: Actor, id: string, dto: WithdrawEntryDto): Promise<ApprovalDto> {
    return this.db.transaction(async (m) => {
      const a = await this.lockApproval(m, id);
      await this.practitioners.refuseOwn(m, actor, a.practitionerId, 'withdraw the end of an approval');
      if (!a.endedOn) throw new ConflictProblem('This approval has not been ended.', 'approval-not-ended');
      const entry = {
        endedOn: a.endedOn,
        endReason: a.endReason,
        withdrawnAt: this.clock.now().toISOString(),
        withdrawnBy: actor.userId,
        reason: dto.reason,
      };
      await m
        .query(
          `UPDATE approvals SET ended_on = NULL, end_reason = NULL, withdrawn_ends = withdrawn_ends || jsonb_build_array($2::jsonb), version = version + 1
            WHERE id = $1`,
          [id, JSON.stringify(entry)],
        )
        .catch((err) => {
          if ((err as { driverError?: { code?: string } }).driverError?.code === '23P01')
            throw new ConflictProblem('A later approval now covers those dates; change that one first.', 'approval-overlap');
          throw err;
        });
      await this.audit.record(m, {
        action: 'approval.withdraw-end',
        resourceType: 'approval',
        resourceId: id,
        details: { endedOn: a.endedOn },
      });
      return this.dto(await this.load(m, id));
    });
  }

  /**
   * Approvals ending within `withinDays`, not yet ended, with the reminder stage reached (AMHP-05 reminders): by the
   * day they end, then name, then the order the practitioners were recorded in (two of one name, never in no order).
   */
  async reapprovalDue(withinDays?: number): Promise<ReapprovalDueDto[]> {
    const leadTimes = this.config.approvalReminderDays;
    const within = withinDays ?? Math.max(...leadTimes);
    const today = localDate(this.clock.now(), this.config.timeZone);
    const rows: Array<{ approvalId: string; practitionerId: string; displayName: string; endsOn: string; renewed: boolean }> =
      await this.db.manager.query(
        `SELECT a.id AS "approvalId", a.practitioner_id AS "practitionerId", u.display_name AS "displayName", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn",
              EXISTS (SELECT 1 FROM approvals n WHERE n.practitioner_id = a.practitioner_id AND n.starts_on = a.ends_on + 1 AND n.ended_on IS NULL) AS renewed
         FROM approvals a JOIN practitioners p ON p.id = a.practitioner_id JOIN user_directory u ON u.id = p.user_id
        WHERE a.ended_on IS NULL AND p.active AND a.ends_on >= $1::date AND a.ends_on <= $2::date
        ORDER BY a.ends_on, u.display_name, p.seq`,
        [today, addDays(today, within)],
      );
    return rows.map((r) => {
      const daysLeft = daysBetween(today, r.endsOn);
      // Within the window asked for but before the longest lead time: no stage yet, shown as the window itself.
      return { ...r, daysLeft, reminderStage: reminderStage(daysLeft, leadTimes) ?? within };
    });
  }

  private async lockApproval(m: EntityManager, id: string): Promise<ApprovalRecord> {
    const locked = await m.query('SELECT id FROM approvals WHERE id = $1 FOR UPDATE', [id]);
    if (!locked.length) throw new NotFoundProblem('Approval', id);
    return this.load(m, id);
  }

  private async load(m: EntityManager, id: string): Promise<ApprovalRecord> {
    const [a] = await loadApprovals(m, [], id);
    if (!a) throw new NotFoundProblem('Approval', id);
    return a;
  }

  private dto(a: ApprovalRecord): ApprovalDto {
    return {
      id: a.id,
      practitionerId: a.practitionerId,
      approvingAuthority: a.approvingAuthority,
      startsOn: a.startsOn,
      endsOn: a.endsOn,
      conditions: a.conditions,
      approvedCourseCompletedOn: a.approvedCourseCompletedOn,
      previouslyApprovedBy: a.previouslyApprovedBy,
      endedOn: a.endedOn,
      endReason: a.endReason,
      status: approvalStatus(a, this.clock.now(), this.config.timeZone),
      suspensions: a.suspensions.map((s) => ({
        id: s.id,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt?.toISOString() ?? null,
        reason: s.reason,
        liftReason: s.liftReason,
      })),
      trainingDecisions: a.trainingDecisions,
      withdrawnSuspensions: a.withdrawnSuspensions.map((s) => ({
        ...s,
        startsAt: new Date(s.startsAt).toISOString(),
        endsAt: s.endsAt ? new Date(s.endsAt).toISOString() : null,
        withdrawnAt: new Date(s.withdrawnAt).toISOString(),
      })),
      withdrawnEnds: a.withdrawnEnds,
      version: a.version,
    };
  }
}
