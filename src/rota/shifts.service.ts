import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { BreakGlassService } from '../access/break-glass.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { ConflictProblem, NotFoundProblem, PreconditionFailedProblem, unprocessableField, requirePeriod } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { daysBetween, isIsoDate, localDate } from '../statute/time';
import { AssignedDto, CreateShiftDto, GenerateResultDto, RestoredShiftDto, ShiftChangeDto, ShiftDto, UpdateShiftDto } from './dto/rota.dto';
import {
  CoverageShift,
  filledPlaces,
  generationRefusal,
  planShifts,
  PatternFacts,
  restoreRefusal,
  shiftCreationRefusal,
  staffingDrift,
} from './rota.rules';
import { ShiftEntity, ShiftPatternEntity } from './rota.entities';

export const MAX_SHIFT_HOURS = 24;

/**
 * The AMHPs on shift `alias` as json, each with her skills and her own part of it (ROTA-WORKED: from when she was put
 * on, until she was taken off): what coverageGaps and shiftParts read. Times come as ISO text (coverageShift).
 */
export function assignedPartsSql(alias: string): string {
  return `coalesce((SELECT json_agg(json_build_object('practitionerId', a.practitioner_id, 'skills', p.skills, 'startsAt', a.starts_at, 'endsAt', a.ends_at)
                      ORDER BY a.starts_at, a.seq)
                      FROM shift_assignments a JOIN practitioner_directory p ON p.id = a.practitioner_id WHERE a.shift_id = ${alias}.id), '[]')`;
}

/** A shift row read with assignedPartsSql, its times as instants. */
type Assigned = CoverageShift['assigned'][number];
export function coverageShift<A extends Assigned>(
  r: Omit<CoverageShift, 'assigned'> & { assigned: A[] },
): Omit<CoverageShift, 'assigned'> & { assigned: A[] } {
  return {
    ...r,
    startsAt: new Date(r.startsAt),
    endsAt: new Date(r.endsAt),
    assigned: r.assigned.map((a) => ({
      ...a,
      ...(a.startsAt ? { startsAt: new Date(a.startsAt) } : {}),
      ...(a.endsAt ? { endsAt: new Date(a.endsAt) } : {}),
    })),
  };
}

interface ShiftRow {
  id: string;
  patternId: string | null;
  localDate: string;
  label: string;
  startsAt: Date;
  endsAt: Date;
  requiredCount: number;
  requiredSkills: string[];
  bankHoliday: boolean;
  notes: string | null;
  editedIndividually: boolean;
  version: number;
  assigned: Array<{
    assignmentId: string;
    practitionerId: string;
    userId: string;
    displayName: string;
    skills: string[];
    overrides: AssignedDto['overrides'];
    startsAt: string;
    endsAt: string;
  }>;
}

/** Shifts: generated from patterns (idempotently), or added by hand; listed with who is on them. */
@Injectable()
export class ShiftsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly alerts: BreakGlassService,
    private readonly access: AccessService,
  ) {}

  /**
   * Creates the shifts the active patterns call for in [from, to]; re-running creates nothing twice. It also brings
   * the shifts already generated there back in line with the patterns and the bank holiday calendar (reconcileIn).
   */
  async generate(from: string, to: string, actor?: Actor, restoreRemoved = false): Promise<GenerateResultDto> {
    if (!isIsoDate(from) || !isIsoDate(to))
      throw unprocessableField(isIsoDate(from) ? 'to' : 'from', 'from and to must be real dates.', 'bad-range');
    if (to < from) throw unprocessableField('to', 'to cannot be before from.', 'bad-range');
    if (daysBetween(from, to) > 366) throw unprocessableField('to', 'Generate at most a year at a time.', 'bad-range');
    // ROTA-WORKED: the days before today are history; their rota is not made afterwards.
    const refusal = generationRefusal(from, localDate(this.clock.now(), this.config.timeZone));
    if (refusal) throw unprocessableField(refusal.field, refusal.message, 'rota-in-past');
    return this.db.transaction(async (m) => {
      await this.lockRota(m);
      // Every day of the range is on the rota from now on, whether or not a pattern calls for a shift on it.
      await m.query(
        `INSERT INTO rota_days (local_date, generated_at) SELECT d::date, $3 FROM generate_series($1::date, $2::date, interval '1 day') AS d
         ON CONFLICT (local_date) DO NOTHING`,
        [from, to, this.clock.now()],
      );
      // restoreRemoved: the pattern shifts a manager removed on purpose in the range are called for again (the marks
      // are cleared, each audited), and created below as any other the patterns call for.
      // Each mark is kept, restored (who and when), so a restore of one of them after is told it is back already.
      const restored: Array<{ patternId: string; localDate: string; shiftId: string }> = restoreRemoved
        ? (
            await m.query(
              `UPDATE shifts_removed SET restored_at = $3, restored_by = $4 WHERE local_date BETWEEN $1 AND $2 AND restored_at IS NULL
               RETURNING pattern_id AS "patternId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", shift_id AS "shiftId"`,
              [from, to, this.clock.now(), actor?.userId ?? null],
            )
          )[0]
        : [];
      for (const r of restored)
        await this.audit.record(m, {
          action: 'rota.shift.restore',
          resourceType: 'shift',
          resourceId: r.shiftId,
          details: { patternId: r.patternId, localDate: r.localDate },
        });
      return { ...(await this.reconcileIn(m, from, to, actor, undefined, restored.length)), restored: restored.length };
    });
  }

  /**
   * Takes the rota's generation lock for the caller's transaction: whatever creates shifts from the patterns or changes
   * which days are on the rota (generate, a change to a pattern, a bank holiday) takes turns, so a pattern made active
   * while the rota of a day is first generated is never missed by both. Take it before locking a pattern.
   */
  async lockRota(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('rota:generate', 0))`);
  }

  /**
   * Whether the local date `date` is on the rota: generate has covered it (rota_days), whether or not any shift was
   * called for on it. A change to a pattern or to the bank holiday calendar brings these days, and only these, in line.
   */
  async generatedOn(m: EntityManager, date: string): Promise<boolean> {
    return (await m.query('SELECT 1 FROM rota_days WHERE local_date = $1', [date])).length > 0;
  }

  /** The last local date on the rota from `from` on (generatedOn), or null when none is. */
  async lastRotaDay(m: EntityManager, from: string): Promise<string | null> {
    const [{ last }]: Array<{ last: string | null }> = await m.query(
      `SELECT to_char(max(local_date), 'YYYY-MM-DD') AS last FROM rota_days WHERE local_date >= $1`,
      [from],
    );
    return last;
  }

  /**
   * The generated rota of the local dates [from, to] made to match the active patterns and the bank holiday calendar,
   * in the caller's transaction: the shifts the patterns call for are created (never twice, and never one already over:
   * what was worked then is history, ROTA-WORKED; one under way is, to be staffed from now); a generated shift that
   * has not started and that its pattern no longer calls for (a bank holiday added or removed since, for a pattern
   * that excludes or only runs on them; a pattern ended by `validTo` or made inactive) is removed when nobody is on it,
   * and otherwise kept and listed in `kept` (with a review alert) for the manager to move its AMHPs: staffed shifts are
   * never deleted silently; a generated shift that has not started and that its pattern still calls for takes the
   * pattern's name, required AMHPs and skills (`updated`), but one whose own staffing a manager changed
   * (`editedIndividually`) keeps it and is listed in `keptEdited` when it differs, and one left with more AMHPs on it
   * than its pattern now requires keeps them and is listed in `overStaffed`; the `bankHoliday` flag of the shifts that
   * have not started follows the calendar. Shifts that have started, and shifts added by hand, are left as they are
   * (apart from the flag of the latter). Shifts are created only on the days already on the rota (generatedOn: those
   * generate has covered); the days not yet generated are left for generate. With `patternId` (a new pattern, or a
   * change to one: POST and PATCH /rota/patterns) only that pattern's part of those days is brought in line: the
   * shifts it now calls for there are created (made active again, a later end), and its other shifts follow it.
   */
  async reconcileIn(
    m: EntityManager,
    from: string,
    to: string,
    actor?: Actor,
    patternId?: string,
    restored = 0,
  ): Promise<GenerateResultDto> {
    {
      await this.lockRota(m);
      const onRota = new Set<string>(
        (await m.query(`SELECT to_char(local_date, 'YYYY-MM-DD') AS d FROM rota_days WHERE local_date BETWEEN $1 AND $2`, [from, to])).map(
          (r: { d: string }) => r.d,
        ),
      );
      const patterns: PatternFacts[] = (
        await m.getRepository(ShiftPatternEntity).find({ where: patternId ? { id: patternId, active: true } : { active: true } })
      ).map((p) => ({ ...p }));
      const holidays = new Set<string>(
        (await m.query(`SELECT to_char(date, 'YYYY-MM-DD') AS d FROM bank_holidays WHERE date BETWEEN $1 AND $2`, [from, to])).map(
          (r: { d: string }) => r.d,
        ),
      );
      const planned = planShifts(patterns, holidays, from, to, this.config.timeZone);
      const wanted = planned.shifts;
      const warnings = planned.warnings.filter((w) => onRota.has(w.localDate));
      // A shift already over is history (ROTA-WORKED): not made afterwards, whatever the patterns say now; nor is one on
      // a day not yet on the rota (left for generate).
      const upcoming = wanted.filter((s) => s.endsAt.getTime() > this.clock.now().getTime() && onRota.has(s.localDate));
      // A pattern's shift a manager removed on purpose (DELETE /rota/shifts/{id}) is not created again on that day,
      // whatever changes after (generate, the pattern renamed, ended and extended, made inactive and active again):
      // listed in `skipped` until she restores it (restoreOne, or generate with restoreRemoved).
      const removedOnPurpose = new Map<string, { shiftId: string; removedBy: string; removedAt: Date }>(
        upcoming.length
          ? (
              await m.query(
                `SELECT pattern_id AS "patternId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", shift_id AS "shiftId", removed_by AS "removedBy", removed_at AS "removedAt"
                   FROM shifts_removed WHERE local_date BETWEEN $1 AND $2 AND restored_at IS NULL AND ($3::uuid IS NULL OR pattern_id = $3)`,
                [from, to, patternId ?? null],
              )
            ).map((r: { patternId: string; localDate: string; shiftId: string; removedBy: string; removedAt: Date }) => [
              `${r.patternId}|${r.localDate}`,
              { shiftId: r.shiftId, removedBy: r.removedBy, removedAt: r.removedAt },
            ])
          : [],
      );
      const ahead = upcoming.filter((s) => !removedOnPurpose.has(`${s.patternId}|${s.localDate}`));
      const skipped = upcoming
        .filter((s) => removedOnPurpose.has(`${s.patternId}|${s.localDate}`))
        .map((s) => {
          const r = removedOnPurpose.get(`${s.patternId}|${s.localDate}`)!;
          return {
            patternId: s.patternId,
            label: s.label,
            localDate: s.localDate,
            startsAt: s.startsAt.toISOString(),
            shiftId: r.shiftId,
            removedBy: r.removedBy,
            removedAt: new Date(r.removedAt).toISOString(),
            message: `The "${s.label}" shift on ${s.localDate} was removed by a manager on purpose: it is not created again (POST /rota/shifts/removed/${r.shiftId}/restore, or generate with restoreRemoved, to bring it back).`,
          };
        });
      let created = 0;
      for (let i = 0; i < ahead.length; i += 500) {
        const batch = ahead.slice(i, i + 500);
        // Skills travel as comma-joined text: unnest cannot take an array of arrays of different lengths.
        const rows: Array<{ id: string }> = await m.query(
          `INSERT INTO shifts (pattern_id, local_date, label, starts_at, ends_at, required_count, required_skills, bank_holiday, updated_at, created_at)
           SELECT t.pattern_id, t.local_date, t.label, t.starts_at, t.ends_at, t.required_count, string_to_array(t.skills, ','), t.bank_holiday, $9, $9
             FROM unnest($1::uuid[], $2::date[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[], $8::boolean[])
                  AS t(pattern_id, local_date, label, starts_at, ends_at, required_count, skills, bank_holiday)
           ON CONFLICT (pattern_id, local_date) WHERE pattern_id IS NOT NULL DO NOTHING RETURNING id`,
          [
            batch.map((s) => s.patternId),
            batch.map((s) => s.localDate),
            batch.map((s) => s.label),
            batch.map((s) => s.startsAt),
            batch.map((s) => s.endsAt),
            batch.map((s) => s.requiredCount),
            batch.map((s) => s.requiredSkills.join(',')),
            batch.map((s) => s.bankHoliday),
            this.clock.now(),
          ],
        );
        created += rows.length;
      }
      const now = this.clock.now();

      // Generated shifts their pattern no longer calls for: locked (an assignment locks its shift first), then counted.
      const wantedByKey = new Map(wanted.map((w) => [`${w.patternId}|${w.localDate}`, w]));
      const candidates: Array<{
        id: string;
        patternId: string;
        localDate: string;
        label: string;
        startsAt: Date;
        requiredCount: number;
        requiredSkills: string[];
        editedIndividually: boolean;
      }> = await m.query(
        `SELECT id, pattern_id AS "patternId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", label, starts_at AS "startsAt",
                required_count AS "requiredCount", required_skills AS "requiredSkills", edited_individually AS "editedIndividually"
           FROM shifts WHERE pattern_id IS NOT NULL AND local_date BETWEEN $1 AND $2 AND starts_at > $3 AND ($4::uuid IS NULL OR pattern_id = $4)
          ORDER BY id FOR UPDATE`,
        [from, to, now, patternId ?? null],
      );
      const stale = candidates.filter((c) => !wantedByKey.has(`${c.patternId}|${c.localDate}`));
      const staffed = new Map<string, number>(
        stale.length
          ? (
              await m.query(
                'SELECT shift_id AS id, count(*)::int AS n FROM shift_assignments WHERE shift_id = ANY($1::uuid[]) GROUP BY shift_id',
                [stale.map((c) => c.id)],
              )
            ).map((r: { id: string; n: number }) => [r.id, r.n])
          : [],
      );
      const removable = stale.filter((c) => !staffed.has(c.id)).map((c) => c.id);
      // DELETE / UPDATE … RETURNING answer [rows, count].
      const removed: string[] = removable.length
        ? (
            (
              await m.query(
                'DELETE FROM shifts s WHERE s.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM shift_assignments a WHERE a.shift_id = s.id) RETURNING id',
                [removable],
              )
            )[0] as Array<{ id: string }>
          ).map((r) => r.id)
        : [];
      for (const id of removed) {
        await this.audit.record(m, { action: 'rota.shift.delete', resourceType: 'shift', resourceId: id, details: { source: 'generate' } });
        await this.events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'shift', aggregateId: id, payload: { shiftId: id } });
      }
      const kept = stale
        .filter((c) => !removed.includes(c.id))
        .map((c) => ({
          shiftId: c.id,
          label: c.label,
          localDate: c.localDate,
          startsAt: new Date(c.startsAt).toISOString(),
          assigned: staffed.get(c.id) ?? 0,
          message: `The "${c.label}" shift on ${c.localDate} is no longer called for by its pattern (bank holiday rule, dates, or the pattern made inactive), but AMHPs are on it: move them and remove the shift.`,
        }));
      for (const k of kept) {
        if (actor)
          await this.alerts.raiseAlertOnce(m, {
            kind: 'rota-stale-shift',
            subjectType: 'shift',
            subjectId: k.shiftId,
            personId: null,
            raisedBy: actor.userId,
            summary: k.message,
          });
      }

      // The staffing of the shifts ahead that their pattern still calls for follows the pattern (ROTA-WORKED: never a
      // shift under way or over), but a shift whose own staffing a manager changed keeps it, listed.
      const drifted = candidates
        .map((c) => {
          const w = wantedByKey.get(`${c.patternId}|${c.localDate}`);
          return w ? { c, w, fields: staffingDrift(c, w) } : null;
        })
        .filter((d): d is NonNullable<typeof d> => d !== null && d.fields.length > 0);
      const toUpdate = drifted.filter((d) => !d.c.editedIndividually);
      const assignedOn = new Map<string, number>(
        toUpdate.length
          ? (
              await m.query(
                'SELECT shift_id AS id, count(*)::int AS n FROM shift_assignments WHERE shift_id = ANY($1::uuid[]) GROUP BY shift_id',
                [toUpdate.map((d) => d.c.id)],
              )
            ).map((r: { id: string; n: number }) => [r.id, r.n])
          : [],
      );
      for (let i = 0; i < toUpdate.length; i += 500) {
        const batch = toUpdate.slice(i, i + 500);
        await m.query(
          `UPDATE shifts s SET label = t.label, required_count = t.required_count, required_skills = string_to_array(t.skills, ','),
                  version = s.version + 1, updated_at = $5
             FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS t(id, label, required_count, skills) WHERE s.id = t.id`,
          [
            batch.map((d) => d.c.id),
            batch.map((d) => d.w.label),
            batch.map((d) => d.w.requiredCount),
            batch.map((d) => d.w.requiredSkills.join(',')),
            now,
          ],
        );
      }
      for (const { c, fields } of toUpdate) {
        await this.audit.record(m, {
          action: 'rota.shift.update',
          resourceType: 'shift',
          resourceId: c.id,
          details: { fields, source: patternId ? 'pattern' : 'generate' },
        });
        await this.events.emit(m, {
          type: 'rota.shift.updated',
          aggregateType: 'shift',
          aggregateId: c.id,
          payload: { shiftId: c.id, fields },
        });
      }
      const listed = (c: (typeof candidates)[number], assigned: number, message: string) => ({
        shiftId: c.id,
        label: c.label,
        localDate: c.localDate,
        startsAt: new Date(c.startsAt).toISOString(),
        assigned,
        message,
      });
      const overStaffed = toUpdate
        .filter((d) => (assignedOn.get(d.c.id) ?? 0) > d.w.requiredCount)
        .map((d) =>
          listed(
            { ...d.c, label: d.w.label },
            assignedOn.get(d.c.id) ?? 0,
            `The "${d.w.label}" shift on ${d.c.localDate} now requires ${d.w.requiredCount} AMHP(s) but ${assignedOn.get(d.c.id)} are on it: they stay on it until the manager takes one off.`,
          ),
        );
      const keptEdited = drifted
        .filter((d) => d.c.editedIndividually)
        .map((d) =>
          listed(
            d.c,
            0,
            `The "${d.c.label}" shift on ${d.c.localDate} keeps the staffing a manager set on it (${d.fields.join(', ')} differ from its pattern): change the shift itself to follow the pattern.`,
          ),
        );
      if (keptEdited.length) {
        const counts = new Map<string, number>(
          (
            await m.query(
              'SELECT shift_id AS id, count(*)::int AS n FROM shift_assignments WHERE shift_id = ANY($1::uuid[]) GROUP BY shift_id',
              [keptEdited.map((k) => k.shiftId)],
            )
          ).map((r: { id: string; n: number }) => [r.id, r.n]),
        );
        for (const k of keptEdited) k.assigned = counts.get(k.shiftId) ?? 0;
      }

      // The bank holiday flag of the shifts ahead follows the calendar.
      const [reflagged]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE shifts SET bank_holiday = NOT bank_holiday, version = version + 1, updated_at = $4
          WHERE local_date BETWEEN $1 AND $2 AND starts_at > $4 AND bank_holiday <> (to_char(local_date, 'YYYY-MM-DD') = ANY($3::text[]))
            AND ($5::uuid IS NULL OR pattern_id = $5)
          RETURNING id`,
        [from, to, [...holidays], now, patternId ?? null],
      );

      // A change to one pattern is audited by its caller (rota.pattern.update), with these counts.
      if (!patternId)
        await this.audit.record(m, {
          action: 'rota.shifts.generate',
          resourceType: 'rota',
          details: {
            from,
            to,
            created,
            removed: removed.length,
            kept: kept.length,
            reflagged: reflagged.length,
            updated: toUpdate.length,
            overStaffed: overStaffed.length,
            keptEdited: keptEdited.length,
            skipped: skipped.length,
            restored,
          },
        });
      if (created)
        await this.events.emit(m, {
          type: 'rota.shifts.generated',
          aggregateType: 'rota',
          aggregateId: `${from}/${to}`,
          payload: { from, to, created },
        });
      for (const { id } of reflagged)
        await this.events.emit(m, {
          type: 'rota.shift.updated',
          aggregateType: 'shift',
          aggregateId: id,
          payload: { shiftId: id, fields: ['bankHoliday'] },
        });
      return {
        created,
        existing: ahead.length - created,
        removed: removed.length,
        reflagged: reflagged.length,
        updated: toUpdate.length,
        kept,
        overStaffed,
        keptEdited,
        skipped,
        restored,
        warnings,
      };
    }
  }

  async create(body: CreateShiftDto): Promise<ShiftDto> {
    const startsAt = new Date(body.startsAt);
    const endsAt = new Date(body.endsAt);
    if (endsAt <= startsAt) throw unprocessableField('endsAt', 'endsAt must be after startsAt.', 'bad-period');
    if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_HOURS * 3_600_000)
      throw unprocessableField('endsAt', `A shift lasts at most ${MAX_SHIFT_HOURS} hours.`, 'bad-period');
    // ROTA-WORKED: a shift already over is history, not added afterwards; one under way may be, as generate makes it.
    const refusal = shiftCreationRefusal(endsAt, this.clock.now());
    if (refusal) throw unprocessableField(refusal.field, refusal.message, 'rota-in-past');
    return this.db.transaction(async (m) => {
      const repo = m.getRepository(ShiftEntity);
      const holiday =
        (await m.query('SELECT 1 FROM bank_holidays WHERE date = $1', [localDate(startsAt, this.config.timeZone)])).length > 0;
      const s = await repo.save(
        repo.create({
          patternId: null,
          localDate: localDate(startsAt, this.config.timeZone),
          label: body.label,
          startsAt,
          endsAt,
          requiredCount: body.requiredCount,
          requiredSkills: body.requiredSkills ?? [],
          bankHoliday: holiday,
          notes: body.notes ?? null,
          updatedAt: this.clock.now(),
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(m, { action: 'rota.shift.create', resourceType: 'shift', resourceId: s.id });
      await this.events.emit(m, {
        type: 'rota.shift.created',
        aggregateType: 'shift',
        aggregateId: s.id,
        payload: { shiftId: s.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
      });
      return this.get(s.id, m);
    });
  }

  /**
   * Changes a shift's label, staffing or notes; its label and staffing only before it starts (ROTA-WORKED: 422
   * `shift-started` naming the field). Its own label or staffing marks a generated shift `editedIndividually`:
   * changes to its pattern leave them. `followPattern` hands it back: the mark is cleared and, in the same transaction,
   * it is brought in line with its pattern as a change to the pattern would (reconcileIn: label, required AMHPs and
   * skills; listed in `overStaffed` when more AMHPs are on it than now required). Never on a shift under way or over
   * (ROTA-WORKED), nor on one added by hand (no pattern): 422 naming `followPattern`; 409 when its pattern no longer
   * calls for it (ended, inactive, its bank holiday rule), as generate would remove or list it.
   */
  async update(actor: Actor, id: string, body: UpdateShiftDto, expectedVersion: ExpectedVersion): Promise<ShiftChangeDto> {
    const follow = body.followPattern === true;
    const own = (['label', 'requiredCount', 'requiredSkills'] as const).filter((k) => body[k] !== undefined);
    if (follow && own.length)
      throw unprocessableField(
        'followPattern',
        `followPattern hands the shift's label and staffing back to its pattern: send it without ${own.join(', ')}.`,
        'bad-shift-change',
      );
    return this.db.transaction(async (m) => {
      if (follow) await this.lockRota(m);
      const s = await this.lock(m, id);
      assertVersion(expectedVersion, s.version);
      if (follow) await this.refuseFollow(m, s);
      // ROTA-WORKED: a shift under way or over keeps the label and staffing it is being (or was) worked with, as a
      // change to its pattern leaves it; its notes may still be added to.
      if (own.length && s.startsAt <= this.clock.now())
        throw unprocessableField(
          own[0],
          `This shift has started: its ${own.join(', ')} stay as it is being worked; only shifts that have not started can be changed (ROTA-WORKED). Its notes can still be changed.`,
          'shift-started',
        );
      const [rows] = await m.query(
        `UPDATE shifts SET label = coalesce($3, label), required_count = coalesce($4, required_count), required_skills = coalesce($5, required_skills),
                notes = CASE WHEN $7 THEN $6 ELSE notes END, version = version + 1, updated_at = $8,
                -- Its own label or staffing: a later change to its pattern leaves them (reconcileIn), until handed back.
                edited_individually = CASE WHEN $9 THEN false
                  ELSE edited_individually OR pattern_id IS NOT NULL AND ($3::text IS NOT NULL OR $4::int IS NOT NULL OR $5::text[] IS NOT NULL) END
          WHERE id = $1 AND version = $2 RETURNING id`,
        [
          id,
          s.version,
          body.label ?? null,
          body.requiredCount ?? null,
          body.requiredSkills ?? null,
          body.notes ?? null,
          body.notes !== undefined,
          this.clock.now(),
          follow,
        ],
      );
      if (!rows.length) throw new PreconditionFailedProblem();
      // The fields sent (the body's others are there, undefined).
      const fields = Object.keys(body).filter((k) => body[k as keyof UpdateShiftDto] !== undefined);
      await this.audit.record(m, {
        action: 'rota.shift.update',
        resourceType: 'shift',
        resourceId: id,
        details: { fields },
      });
      await this.events.emit(m, {
        type: 'rota.shift.updated',
        aggregateType: 'shift',
        aggregateId: id,
        payload: { shiftId: id, fields },
      });
      // Its pattern's label and staffing now, with their own audit row and event (source `pattern`).
      const rota = follow ? await this.reconcileIn(m, s.localDate, s.localDate, actor, s.patternId!) : undefined;
      return { ...(await this.get(id, m)), ...(rota ? { rota } : {}) };
    });
  }

  /** Why the locked shift `s` cannot be handed back to its pattern (followPattern), thrown; nothing when it can. */
  private async refuseFollow(m: EntityManager, s: ShiftEntity): Promise<void> {
    if (!s.patternId)
      throw unprocessableField(
        'followPattern',
        'This shift was added by hand: it has no pattern to follow. Change its label or staffing instead.',
        'shift-has-no-pattern',
      );
    // ROTA-WORKED: a shift under way or over stays as it was worked.
    if (s.startsAt <= this.clock.now())
      throw unprocessableField(
        'followPattern',
        'This shift has started: it stays as it is being worked, and only shifts that have not started follow their pattern (ROTA-WORKED).',
        'shift-started',
      );
    if (!(await this.calledFor(m, s.patternId, s.localDate)))
      throw new ConflictProblem(
        'Its pattern no longer calls for this shift (ended, made inactive, or its bank holiday rule): there is nothing to follow. Move its AMHPs and remove it, or change it on its own.',
        'shift-not-called-for',
        { errors: [{ field: 'followPattern', messages: ['its pattern no longer calls for this shift'] }] },
      );
  }

  /** The shift the pattern calls for on the local date `date` as it stands now (active, its dates and bank holiday rule), if any. */
  private async calledFor(
    m: EntityManager,
    patternId: string,
    date: string,
  ): Promise<ReturnType<typeof planShifts>['shifts'][number] | undefined> {
    const pattern = await m.getRepository(ShiftPatternEntity).findOneBy({ id: patternId, active: true });
    if (!pattern) return undefined;
    const holiday = (await m.query('SELECT 1 FROM bank_holidays WHERE date = $1', [date])).length > 0;
    return planShifts([{ ...pattern }], new Set(holiday ? [date] : []), date, date, this.config.timeZone).shifts[0];
  }

  /**
   * Brings back the one generated shift a manager removed on purpose whose id was `removedShiftId` (POST
   * /rota/shifts/removed/{id}/restore), leaving her other removals as they are (generate with restoreRemoved brings
   * back all of a range). Its mark is kept, restored (who and when: audited `rota.shift.restore`), and in the same
   * transaction its pattern's part of the day is brought in line (reconcileIn): the shift it calls for there is
   * created (`rota.shift.created`) when the day is on the rota, and otherwise when generate covers it. ROTA-WORKED: a
   * shift already over, or a day gone, is not put back (422 `rota-in-past` naming `id`, restoreRefusal); 404 for an
   * id no manager removed on purpose; 409 `shift-already-restored` once restored (also for the second of two at once:
   * both take the rota's generation lock).
   */
  async restoreOne(actor: Actor, removedShiftId: string): Promise<RestoredShiftDto> {
    return this.db.transaction(async (m) => {
      await this.lockRota(m);
      const [mark]: Array<{ patternId: string; localDate: string; restoredAt: Date | null }> = await m.query(
        `SELECT pattern_id AS "patternId", to_char(local_date, 'YYYY-MM-DD') AS "localDate", restored_at AS "restoredAt"
           FROM shifts_removed WHERE shift_id = $1 FOR UPDATE`,
        [removedShiftId],
      );
      if (!mark) throw new NotFoundProblem('Removed shift', removedShiftId);
      if (mark.restoredAt)
        throw new ConflictProblem(
          `This shift was restored already (${new Date(mark.restoredAt).toISOString()}): its pattern calls for it again.`,
          'shift-already-restored',
        );
      const now = this.clock.now();
      const planned = await this.calledFor(m, mark.patternId, mark.localDate);
      const refusal = restoreRefusal(mark.localDate, planned?.endsAt ?? null, localDate(now, this.config.timeZone), now);
      if (refusal) throw unprocessableField(refusal.field, refusal.message, 'rota-in-past');
      await m.query('UPDATE shifts_removed SET restored_at = $2, restored_by = $3 WHERE shift_id = $1', [
        removedShiftId,
        now,
        actor.userId,
      ]);
      await this.audit.record(m, {
        action: 'rota.shift.restore',
        resourceType: 'shift',
        resourceId: removedShiftId,
        details: { patternId: mark.patternId, localDate: mark.localDate },
      });
      const rota = await this.reconcileIn(m, mark.localDate, mark.localDate, actor, mark.patternId, 1);
      const [back]: Array<{ id: string }> = rota.created
        ? await m.query('SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = $2', [mark.patternId, mark.localDate])
        : [];
      const shift = back ? await this.get(back.id, m) : null;
      if (shift)
        await this.events.emit(m, {
          type: 'rota.shift.created',
          aggregateType: 'shift',
          aggregateId: shift.id,
          payload: { shiftId: shift.id, startsAt: shift.startsAt, endsAt: shift.endsAt },
        });
      return {
        removedShiftId,
        patternId: mark.patternId,
        localDate: mark.localDate,
        restoredBy: actor.userId,
        restoredAt: now.toISOString(),
        shift: shift ? this.forReader(actor, shift) : null,
        rota,
      };
    });
  }

  /**
   * Removes a shift nobody is on (a shift with assignments must be emptied first: 409). A shift that has started is
   * part of the duty record, staffed or not (a gap in cover is history too): 409 `shift-started` (ROTA-WORKED). A
   * generated shift's removal is the manager's choice, recorded (shifts_removed: its pattern, day, who and when) so
   * that neither generate nor a change to its pattern creates it again (reconcileIn: `skipped`), until she restores
   * it (restoreOne, or generate with restoreRemoved). It takes the rota's generation lock, so a generate under way sees the mark.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.lockRota(m);
      const shift = await this.lock(m, id);
      if (shift.startsAt <= this.clock.now())
        throw new ConflictProblem(
          'This shift has started: it stays on the duty record and cannot be removed (ROTA-WORKED).',
          'shift-started',
        );
      const [{ n }] = await m.query('SELECT count(*)::int AS n FROM shift_assignments WHERE shift_id = $1', [id]);
      if (n > 0) throw new ConflictProblem('Unassign the AMHPs on this shift before removing it.', 'shift-has-assignments');
      await m.query('DELETE FROM shifts WHERE id = $1', [id]);
      if (shift.patternId)
        await m.query(
          `INSERT INTO shifts_removed (pattern_id, local_date, shift_id, removed_by, removed_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (pattern_id, local_date) DO UPDATE SET shift_id = EXCLUDED.shift_id, removed_by = EXCLUDED.removed_by, removed_at = EXCLUDED.removed_at,
             restored_at = NULL, restored_by = NULL`,
          [shift.patternId, shift.localDate, id, actor.userId, this.clock.now()],
        );
      await this.audit.record(m, {
        action: 'rota.shift.delete',
        resourceType: 'shift',
        resourceId: id,
        details: shift.patternId ? { patternId: shift.patternId, localDate: shift.localDate, removedOnPurpose: true } : undefined,
      });
      await this.events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'shift', aggregateId: id, payload: { shiftId: id } });
    });
  }

  /**
   * Counts an assignment put on or taken off the shift, inside the caller's transaction. Every path that changes who
   * is on a shift goes through AssignmentsService.assignIn or unassignIn, which call this: the hub feed's SEQUENCE and
   * LAST-MODIFIED move with it (RFC 5545 §3.8.7.3, §3.8.7.4).
   */
  async staffingChanged(m: EntityManager, id: string): Promise<void> {
    await m.query('UPDATE shifts SET staffing_version = staffing_version + 1, staffed_at = $2 WHERE id = $1', [id, this.clock.now()]);
  }

  /** GET /rota/shifts: the shifts of a period as `reader` may see them (seesWorkforceFacts). */
  async list(reader: Actor, from: Date, to: Date, unfilledOnly = false): Promise<ShiftDto[]> {
    requirePeriod(from, to, 93, 'List at most 93 days of shifts at a time.');
    const rows = await this.query(this.db.manager, 's.starts_at < $2 AND s.ends_at > $1', [from, to]);
    // Unfilled: short of AMHPs at any moment of it, each counting for her own part only (ROTA-WORKED).
    return rows
      .filter(
        (s) => !unfilledOnly || filledPlaces({ startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) }, s.assigned) < s.requiredCount,
      )
      .map((s) => this.forReader(reader, this.dto(s)));
  }

  /** GET /rota/shifts/:id: one shift as `reader` may see it (seesWorkforceFacts). */
  async read(reader: Actor, id: string): Promise<ShiftDto> {
    return this.forReader(reader, await this.get(id));
  }

  /**
   * Whether `reader` sees the workforce facts of the AMHP `userId` that the rota carries: the warnings overridden on
   * her assignments, with their messages and a manager's reasons (training hours short, supervision overdue, working
   * time), and why she was unavailable or taken off a shift (leave, which may be sick leave; a suspended approval;
   * reasonsAsSeen). Only whoever reads that AMHP's workforce records does (practitioners.read: managers, auditors; the
   * AMHP herself). Everyone who reads the rota sees who is on which shift, and that a colleague was unavailable.
   */
  seesWorkforceFacts(reader: Actor, userId: string): boolean {
    return userId === reader.userId || this.access.hasRole(reader, 'practitioners.read');
  }

  private forReader(reader: Actor, shift: ShiftDto): ShiftDto {
    return {
      ...shift,
      assigned: shift.assigned.map((a) => (this.seesWorkforceFacts(reader, a.userId) ? a : { ...a, overrides: [] })),
    };
  }

  /** The shifts of the local dates from `from` to `to` (both included), in time order. */
  async onDates(m: EntityManager, from: string, to: string): Promise<ShiftDto[]> {
    return (await this.query(m, 's.local_date BETWEEN $1 AND $2', [from, to])).map((s) => this.dto(s));
  }

  /** For the morning handover: shifts that started in [from, to) and carry notes, in time order (each handed over once). */
  async notesBetween(
    m: EntityManager,
    from: Date,
    to: Date,
  ): Promise<Array<{ id: string; label: string; startsAt: string; endsAt: string; notes: string }>> {
    const rows: Array<{ id: string; label: string; starts_at: Date; ends_at: Date; notes: string }> = await m.query(
      `SELECT id, label, starts_at, ends_at, notes FROM shifts WHERE starts_at >= $1 AND starts_at < $2 AND notes IS NOT NULL AND btrim(notes) <> '' ORDER BY starts_at, seq`,
      [from, to],
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.label,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      notes: r.notes,
    }));
  }

  async get(id: string, m: EntityManager = this.db.manager): Promise<ShiftDto> {
    const [row] = await this.query(m, 's.id = $1', [id]);
    if (!row) throw new NotFoundProblem('Shift', id);
    return this.dto(row);
  }

  async lock(m: EntityManager, id: string): Promise<ShiftEntity> {
    const s = await m.getRepository(ShiftEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!s) throw new NotFoundProblem('Shift', id);
    return s;
  }

  private async query(m: EntityManager, where: string, params: unknown[]): Promise<ShiftRow[]> {
    const rows: ShiftRow[] = await m.query(
      `SELECT s.id, s.pattern_id AS "patternId", to_char(s.local_date, 'YYYY-MM-DD') AS "localDate", s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt",
              s.required_count AS "requiredCount", s.required_skills AS "requiredSkills", s.bank_holiday AS "bankHoliday", s.notes,
              s.edited_individually AS "editedIndividually", s.version,
              coalesce((SELECT json_agg(json_build_object('assignmentId', a.id, 'practitionerId', a.practitioner_id, 'userId', a.user_id,
                          'displayName', u.display_name, 'skills', p.skills, 'overrides', a.overrides,
                          'startsAt', a.starts_at, 'endsAt', a.ends_at) ORDER BY a.starts_at, u.display_name, a.seq)
                          FROM shift_assignments a JOIN user_directory u ON u.id = a.user_id JOIN practitioner_directory p ON p.id = a.practitioner_id
                         WHERE a.shift_id = s.id), '[]') AS assigned
         FROM shifts s WHERE ${where} ORDER BY s.starts_at, s.label, s.seq`,
      params,
    );
    return rows;
  }

  private dto(s: ShiftRow): ShiftDto {
    const iso = (d: Date | string) => new Date(d).toISOString();
    return {
      ...s,
      startsAt: iso(s.startsAt),
      endsAt: iso(s.endsAt),
      assigned: s.assigned.map((a) => ({ ...a, startsAt: iso(a.startsAt), endsAt: iso(a.endsAt) })),
    };
  }
}
