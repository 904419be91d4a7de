import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, recordedDate } from '../common/clock';
import { NotFoundProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { localDate } from '../statute/time';
import { loadApprovals } from './approval.facts';
import {
  CreateTrainingDto,
  TrainingRecordDto,
  TrainingRemovedRecordDto,
  TrainingShortfallDto,
  TrainingSummaryDto,
} from './dto/training.dto';
import { PractitionersService } from './practitioners.service';
import { TrainingRecordEntity } from './training-record.entity';
import { effectiveEnd, TrainingFacts, trainingByApprovalYear } from './workforce.rules';
import { workforcePolicy } from './workforce.policy';

function dto(r: TrainingRecordEntity): TrainingRecordDto {
  return {
    id: r.id,
    practitionerId: r.practitionerId,
    completedOn: r.completedOn,
    hours: r.hours,
    provider: r.provider,
    topic: r.topic,
    mentalHealthSpecific: r.mentalHealthSpecific,
    notes: r.notes,
  };
}

function removedDto(r: TrainingRecordEntity): TrainingRemovedRecordDto {
  return { ...dto(r), removedAt: r.removedAt!.toISOString(), removedBy: r.removedBy! };
}

/** Refresher training records and compliance against the yearly requirement (AMHP-06). */
@Injectable()
export class TrainingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
  ) {}

  async add(actor: Actor, practitionerId: string, body: CreateTrainingDto): Promise<TrainingRecordDto> {
    // AMHP-06 counts training completed: a course booked (a date to come) would meet the year's hours before it is held.
    const now = this.clock.now();
    recordedDate(body.completedOn, 'completedOn', localDate(now, this.config.timeZone));
    return this.db.transaction(async (m) => {
      await this.practitioners.refuseOwn(m, actor, practitionerId, 'record training');
      const repo = m.getRepository(TrainingRecordEntity);
      const r = await repo.save(
        repo.create({
          practitionerId,
          completedOn: body.completedOn,
          hours: body.hours,
          provider: body.provider,
          topic: body.topic,
          mentalHealthSpecific: body.mentalHealthSpecific ?? true,
          notes: body.notes ?? null,
          recordedBy: actor.userId,
          createdAt: now,
        }),
      );
      await this.audit.record(m, {
        at: now,
        action: 'training.add',
        resourceType: 'training-record',
        resourceId: r.id,
        details: { practitionerId, hours: body.hours, completedOn: body.completedOn },
      });
      return dto(r);
    });
  }

  /**
   * Removes a record entered in error, once: it is kept, with who removed it and when, and is of no effect (no year's
   * hours count it: AMHP-06), so the LSSA's record of her training still says what was recorded and what was taken
   * back (AMHP-09). Marked and read in one statement, so of concurrent removals exactly one finds it not yet removed
   * (the others wait on its row lock, then find it removed: 404) and exactly one `training.remove` is audited (QUALITY
   * R3: the audit trail is what happened).
   */
  async remove(actor: Actor, id: string): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      // UPDATE … RETURNING answers [rows, count].
      const [rows]: [Array<{ practitionerId: string; hours: string; completedOn: string }>] = await m.query(
        `UPDATE training_records SET removed_at = $2, removed_by = $3 WHERE id = $1 AND removed_at IS NULL
         RETURNING practitioner_id AS "practitionerId", hours, to_char(completed_on, 'YYYY-MM-DD') AS "completedOn"`,
        [id, now, actor.userId],
      );
      if (!rows.length) throw new NotFoundProblem('Training record', id);
      const [r] = rows;
      await this.practitioners.refuseOwn(m, actor, r.practitionerId, 'remove training');
      await this.audit.record(m, {
        at: now,
        action: 'training.remove',
        resourceType: 'training-record',
        resourceId: id,
        details: { practitionerId: r.practitionerId, hours: Number(r.hours), completedOn: r.completedOn },
      });
    });
  }

  async summary(actor: Actor, practitionerId: string): Promise<TrainingSummaryDto> {
    const m = this.db.manager;
    await this.practitioners.findReadable(m, actor, practitionerId);
    const records = await this.records(m, [practitionerId]);
    const today = localDate(this.clock.now(), this.config.timeZone);
    const policy = workforcePolicy(this.config);
    const compliance = (await loadApprovals(m, [practitionerId])).map((a) => ({
      approvalId: a.id,
      startsOn: a.startsOn,
      endsOn: effectiveEnd(a),
      years: trainingByApprovalYear(a, records.map(facts), policy, today),
    }));
    const removed = await this.records(m, [practitionerId], 'removed');
    return { records: records.map(dto), compliance, removed: removed.map(removedDto) };
  }

  /** Who is short of training in their current (or just completed) approval year, by how much, and by when. */
  async shortfalls(): Promise<TrainingShortfallDto[]> {
    const m = this.db.manager;
    const today = localDate(this.clock.now(), this.config.timeZone);
    const people: Array<{ id: string; displayName: string; team: string | null }> = await m.query(
      `SELECT p.id, u.display_name AS "displayName", p.team FROM practitioners p JOIN user_directory u ON u.id = p.user_id WHERE p.active ORDER BY lower(u.display_name), p.seq`,
    );
    const approvals = await loadApprovals(
      m,
      people.map((p) => p.id),
    );
    const records = await this.records(
      m,
      people.map((p) => p.id),
    );
    const policy = workforcePolicy(this.config);
    const out: TrainingShortfallDto[] = [];
    for (const person of people) {
      const approval = approvals.find((a) => a.practitionerId === person.id && a.startsOn <= today && effectiveEnd(a) >= today);
      if (!approval) continue;
      const years = trainingByApprovalYear(approval, records.filter((r) => r.practitionerId === person.id).map(facts), policy, today);
      // The year just completed (if it ended short) and the current year (if still short).
      const current = years.findIndex((y) => y.from <= today && today <= y.to);
      for (const y of [years[current - 1], years[current]]) {
        if (!y || (y.status !== 'short' && y.status !== 'in-progress')) continue;
        out.push({
          practitionerId: person.id,
          displayName: person.displayName,
          team: person.team,
          approvalYear: y.year,
          dueBy: y.to,
          hours: y.hours,
          shortfallHours: y.shortfallHours,
          mentalHealthShortfallHours: y.mentalHealthShortfallHours,
          status: y.status,
          decidedOn: y.decision?.decidedOn ?? null,
        });
      }
    }
    return out.sort((a, b) => (a.status === b.status ? a.dueBy.localeCompare(b.dueBy) : a.status === 'short' ? -1 : 1));
  }

  /** The practitioners' training records that count (the default), or those removed as entered in error, oldest first. */
  async records(m: EntityManager, practitionerIds: string[], which: 'counted' | 'removed' = 'counted'): Promise<TrainingRecordEntity[]> {
    if (!practitionerIds.length) return [];
    return m
      .getRepository(TrainingRecordEntity)
      .createQueryBuilder('t')
      .where('t.practitioner_id = ANY(:ids)', { ids: practitionerIds })
      .andWhere(which === 'counted' ? 't.removed_at IS NULL' : 't.removed_at IS NOT NULL')
      .orderBy('t.completed_on', 'ASC')
      .addOrderBy('t.created_at', 'ASC')
      .getMany();
  }
}

export function facts(r: TrainingRecordEntity): TrainingFacts {
  return { completedOn: r.completedOn, hours: r.hours, mentalHealthSpecific: r.mentalHealthSpecific };
}
