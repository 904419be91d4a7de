import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem, unprocessableField } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { localDate } from '../statute/time';
import {
  BankHolidayChangeDto,
  BankHolidayDto,
  CreatePatternDto,
  GenerateResultDto,
  PatternChangeDto,
  PatternDto,
  PutBankHolidayDto,
  ROTA_FIRST_DAY,
  ROTA_LAST_DAY,
  UpdatePatternDto,
} from './dto/rota.dto';
import { BankHolidayEntity, ShiftPatternEntity } from './rota.entities';
import { patternDatesRefusal, type RotaDateRefusal } from './rota.rules';
import { ShiftsService } from './shifts.service';
import type { Actor } from '../auth/actor';

function dto(p: ShiftPatternEntity): PatternDto {
  return {
    id: p.id,
    name: p.name,
    startTime: p.startTime,
    endTime: p.endTime,
    weekdays: p.weekdays,
    bankHolidays: p.bankHolidays,
    requiredCount: p.requiredCount,
    requiredSkills: p.requiredSkills,
    validFrom: p.validFrom,
    validTo: p.validTo,
    active: p.active,
    version: p.version,
  };
}

/** Shift patterns and the bank holiday calendar. */
@Injectable()
export class PatternsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly shifts: ShiftsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The hub's today (its time zone), the earliest day a pattern or a change to one takes effect (ROTA-WORKED). */
  private today(): string {
    return localDate(this.clock.now(), this.config.timeZone);
  }

  async list(): Promise<PatternDto[]> {
    return (await this.db.manager.getRepository(ShiftPatternEntity).find({ order: { active: 'DESC', startTime: 'ASC', name: 'ASC' } })).map(
      dto,
    );
  }

  /**
   * Adds a pattern. From today, the days already on the rota (ShiftsService.generatedOn) get the shifts it calls for
   * in the same transaction (ShiftsService.reconcileIn, never one already over: ROTA-WORKED); the days not yet
   * generated are left for generate. The answer's `rota` says what it did.
   */
  async create(actor: Actor, body: CreatePatternDto): Promise<PatternChangeDto> {
    if (body.startTime === body.endTime)
      throw unprocessableField(
        'endTime',
        'A shift of 24 hours or none is not a pattern: startTime and endTime must differ.',
        'bad-pattern',
      );
    if (body.validTo && body.validTo < body.validFrom)
      throw unprocessableField('validTo', 'validTo cannot be before validFrom.', 'bad-pattern');
    inRotaYears({ validFrom: body.validFrom, validTo: body.validTo });
    refuseDates(patternDatesRefusal({ validFrom: body.validFrom, validTo: body.validTo }, this.today()));
    return this.db.transaction(async (m) => {
      await this.shifts.lockRota(m);
      const repo = m.getRepository(ShiftPatternEntity);
      const p = await repo.save(
        repo.create({
          ...body,
          bankHolidays: body.bankHolidays ?? 'any',
          requiredSkills: body.requiredSkills ?? [],
          validTo: body.validTo ?? null,
          active: true,
          createdAt: this.clock.now(),
        }),
      );
      const rota = await this.onTheRota(m, actor, p.id);
      await this.audit.record(m, {
        action: 'rota.pattern.create',
        resourceType: 'shift-pattern',
        resourceId: p.id,
        ...(rota ? { details: { rota: rotaCounts(rota) } } : {}),
      });
      await this.events.emit(m, {
        type: 'rota.pattern.created',
        aggregateType: 'shift-pattern',
        aggregateId: p.id,
        payload: { patternId: p.id },
      });
      return { ...dto(p), ...(rota ? { rota } : {}) };
    });
  }

  /**
   * Brings the pattern's part of the rota in line with it, in the caller's transaction: from today to the last day on
   * the rota (ShiftsService.generatedOn: a day generate has covered), or to its last shift generated ahead if later.
   * The shifts it now calls for on those days are created (never one already over, never twice), those it no longer
   * calls for are removed or kept and listed, and the rest take its name and staffing (ShiftsService.reconcileIn,
   * ROTA-WORKED). Undefined when nothing of the rota from today on is generated.
   */
  private async onTheRota(m: EntityManager, actor: Actor, id: string): Promise<GenerateResultDto | undefined> {
    const today = this.today();
    const [{ last }]: Array<{ last: string | null }> = await m.query(
      `SELECT to_char(max(local_date), 'YYYY-MM-DD') AS last FROM shifts WHERE pattern_id = $1 AND starts_at > $2`,
      [id, this.clock.now()],
    );
    const rotaDay = await this.shifts.lastRotaDay(m, today);
    const to = [last, rotaDay]
      .filter((d): d is string => d !== null && d >= today)
      .sort()
      .pop();
    return to ? this.shifts.reconcileIn(m, today, to, actor, id) : undefined;
  }

  /**
   * Changes a pattern's name, staffing, end or active flag. Its part of the days already on the rota is brought in line
   * in the same transaction (onTheRota, ROTA-WORKED: never a shift under way or over is changed, none already over is
   * made): the shifts it now calls for there are created (made active again, a later end), its shifts that have not
   * started take its name, required AMHPs and skills; after its end, or all of them when it is made inactive, they
   * are removed when nobody is on them and kept and listed otherwise; the answer's `rota` says what it did.
   */
  async update(actor: Actor, id: string, body: UpdatePatternDto, expectedVersion: ExpectedVersion): Promise<PatternChangeDto> {
    return this.db.transaction(async (m) => {
      await this.shifts.lockRota(m);
      const p = await m.getRepository(ShiftPatternEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!p) throw new NotFoundProblem('Shift pattern', id);
      assertVersion(expectedVersion, p.version);
      if (body.validTo && body.validTo < p.validFrom)
        throw unprocessableField('validTo', 'validTo cannot be before validFrom.', 'bad-pattern');
      inRotaYears({ validTo: body.validTo });
      // Read under the lock: the end it has now decides whether it has already ended (ROTA-WORKED).
      refuseDates(patternDatesRefusal({ validTo: body.validTo, endedOn: p.validTo }, this.today()));
      const [rows] = await m.query(
        `UPDATE shift_patterns SET name = coalesce($3, name), required_count = coalesce($4, required_count), required_skills = coalesce($5, required_skills),
                valid_to = coalesce($6, valid_to), active = coalesce($7, active), version = version + 1
          WHERE id = $1 AND version = $2 RETURNING id`,
        [
          id,
          p.version,
          body.name ?? null,
          body.requiredCount ?? null,
          body.requiredSkills ?? null,
          body.validTo ?? null,
          body.active ?? null,
        ],
      );
      if (!rows.length) throw new PreconditionFailedProblem();
      const rota = await this.onTheRota(m, actor, id);
      await this.audit.record(m, {
        action: 'rota.pattern.update',
        resourceType: 'shift-pattern',
        resourceId: id,
        // The fields sent (the body's others are there, undefined).
        details: {
          fields: Object.keys(body).filter((k) => body[k as keyof UpdatePatternDto] !== undefined),
          ...(rota ? { rota: rotaCounts(rota) } : {}),
        },
      });
      return { ...dto(await m.getRepository(ShiftPatternEntity).findOneByOrFail({ id })), ...(rota ? { rota } : {}) };
    });
  }

  async bankHolidays(year?: number): Promise<BankHolidayDto[]> {
    const rows: BankHolidayDto[] = await this.db.manager.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, name FROM bank_holidays WHERE $1::int IS NULL OR extract(year FROM date) = $1 ORDER BY date`,
      [year ?? null],
    );
    return rows;
  }

  /**
   * Adds or renames a bank holiday. A day already on the rota is brought in line with it in the same transaction
   * (ShiftsService.reconcileIn): a pattern that excludes bank holidays loses its unstaffed shift that day, one that
   * runs only on them gains it, and the flags follow; a staffed shift is kept and listed for the manager.
   */
  async putBankHoliday(actor: Actor, date: string, body: PutBankHolidayDto): Promise<BankHolidayChangeDto> {
    return this.db.transaction(async (m) => {
      await this.shifts.lockRota(m);
      await m.getRepository(BankHolidayEntity).upsert({ date, name: body.name }, ['date']);
      await this.audit.record(m, { action: 'rota.bank-holiday.put', resourceType: 'bank-holiday', resourceId: date });
      const rota = (await this.shifts.generatedOn(m, date)) ? await this.shifts.reconcileIn(m, date, date, actor) : undefined;
      return { date, name: body.name, ...(rota ? { rota } : {}) };
    });
  }

  /** Removes a bank holiday; a day already on the rota is brought in line as for putBankHoliday. */
  async deleteBankHoliday(actor: Actor, date: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.shifts.lockRota(m);
      const result = await m.getRepository(BankHolidayEntity).delete({ date });
      if (!result.affected) throw new NotFoundProblem('Bank holiday', date);
      await this.audit.record(m, { action: 'rota.bank-holiday.delete', resourceType: 'bank-holiday', resourceId: date });
      if (await this.shifts.generatedOn(m, date)) await this.shifts.reconcileIn(m, date, date, actor);
    });
  }
}

/** What a change to a pattern did to the rota, as its audit row records it. */
function rotaCounts(rota: GenerateResultDto): Record<string, number> {
  return {
    created: rota.created,
    updated: rota.updated,
    removed: rota.removed,
    kept: rota.kept.length,
    overStaffed: rota.overStaffed.length,
    keptEdited: rota.keptEdited.length,
    skipped: rota.skipped.length,
  };
}

/** A pattern's dates that would take effect before today: 422 `pattern-in-past` naming the field (ROTA-WORKED). */
export function refuseDates(refusal: RotaDateRefusal | null): void {
  if (refusal) throw unprocessableField(refusal.field, refusal.message, 'pattern-in-past');
}

/** A pattern's dates fall in the years a rota covers (ROTA_FIRST_DAY..ROTA_LAST_DAY): otherwise 422 naming the field. */
function inRotaYears(dates: { validFrom?: string; validTo?: string | null }): void {
  for (const [field, value] of Object.entries(dates))
    if (typeof value === 'string' && (value < ROTA_FIRST_DAY || value > ROTA_LAST_DAY))
      throw new UnprocessableProblem(`${field} must fall between ${ROTA_FIRST_DAY} and ${ROTA_LAST_DAY}.`, 'bad-pattern', {
        errors: [{ field, messages: [`${field} must fall between ${ROTA_FIRST_DAY} and ${ROTA_LAST_DAY}`] }],
      });
}
