import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { asAt, Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { AssignmentChecksService } from '../rota/assignment-checks.service';
import { AssignmentsService } from '../rota/assignments.service';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { PatternsService } from '../rota/patterns.service';
import { localInstant } from '../rota/rota.rules';
import { ShiftsService } from '../rota/shifts.service';
import { addDays, localDate } from '../statute/time';

const WEEK = [1, 2, 3, 4, 5];
const WEEKEND = [6, 7];
const ALL = [1, 2, 3, 4, 5, 6, 7];

/**
 * Demo rota: a typical hub's patterns and the next eight weeks generated and mostly filled, fairly, through the
 * same rule checks as a manager's assignment; a few places are deliberately left open so coverage shows gaps.
 */
@Injectable()
export class DemoRota {
  constructor(
    private readonly db: Db,
    private readonly patterns: PatternsService,
    private readonly shifts: ShiftsService,
    private readonly checks: AssignmentChecksService,
    private readonly assignments: AssignmentsService,
    private readonly onCall: ManagerOnCallService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async seed(manager: Actor): Promise<void> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    const validFrom = addDays(today, -7);
    // The patterns were added the day they took effect, and the rota generated before its first shift began: a pattern
    // takes effect from its day on, and the days gone are not generated afterwards (ROTA-WORKED).
    await asAt({ at: localInstant(validFrom, '00:00', this.config.timeZone) }, () => this.addPatterns(manager, validFrom));
    const last = addDays(today, 55);
    const madeAt = localInstant(addDays(today, -1), '00:00', this.config.timeZone);
    await asAt({ at: madeAt }, () => this.shifts.generate(addDays(today, -1), last));

    // An assignment made once a shift is under way starts then (ROTA-WORKED), so the places of yesterday and today are
    // filled as at the start of yesterday.
    await asAt({ at: madeAt }, () => this.fill(manager, today, last));
    // The demo's manager is on call out of hours (DUTY-03's last step, paged with the morning handover): every evening
    // 17:00 to 09:00 the next morning, from yesterday's, arranged before the first began.
    await asAt({ at: madeAt }, async () => {
      for (let day = addDays(today, -1); day <= last; day = addDays(day, 1))
        await this.onCall.create(manager, {
          userId: manager.userId,
          startsAt: localInstant(day, '17:00', this.config.timeZone).toISOString(),
          endsAt: localInstant(addDays(day, 1), '09:00', this.config.timeZone).toISOString(),
        });
    });
  }

  /** A typical hub's patterns, valid from `validFrom`. */
  private async addPatterns(manager: Actor, validFrom: string): Promise<void> {
    await this.patterns.create(manager, {
      name: 'Day',
      startTime: '09:00',
      endTime: '17:00',
      weekdays: WEEK,
      bankHolidays: 'exclude',
      requiredCount: 3,
      validFrom,
    });
    await this.patterns.create(manager, {
      name: 'Weekend day',
      startTime: '09:00',
      endTime: '17:00',
      weekdays: WEEKEND,
      bankHolidays: 'exclude',
      requiredCount: 2,
      validFrom,
    });
    await this.patterns.create(manager, {
      name: 'Bank holiday day',
      startTime: '09:00',
      endTime: '17:00',
      weekdays: ALL,
      bankHolidays: 'only',
      requiredCount: 2,
      validFrom,
    });
    await this.patterns.create(manager, {
      name: 'Evening',
      startTime: '17:00',
      endTime: '22:00',
      weekdays: ALL,
      requiredCount: 2,
      validFrom,
    });
    await this.patterns.create(manager, {
      name: 'Night',
      startTime: '22:00',
      endTime: '09:00',
      weekdays: ALL,
      requiredCount: 1,
      requiredSkills: ['senior'],
      validFrom,
    });
  }

  private async fill(manager: Actor, today: string, last: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const people: Array<{ id: string; skills: string[]; fte: number }> = await m.query(
        `SELECT id, skills, fte::float AS fte FROM practitioner_directory WHERE active`,
      );
      const hours = new Map(people.map((p) => [p.id, 0]));
      const shifts = (await this.shifts.onDates(m, addDays(today, -1), last)).map((s) => ({
        ...s,
        startsAt: new Date(s.startsAt),
        endsAt: new Date(s.endsAt),
      }));
      // Deliberate gaps: one night a week from now with nobody, and one evening three days from now a person short.
      const gapNight = addDays(today, 7);
      const shortEvening = addDays(today, 3);
      // As a manager would: each day, the scarce shifts first (those needing a skill, i.e. the senior night), or the
      // few seniors end up on day shifts and the rest rule then keeps every one of them off the night.
      shifts.sort(
        (a, b) =>
          a.localDate.localeCompare(b.localDate) ||
          b.requiredSkills.length - a.requiredSkills.length ||
          new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime(),
      );
      const acceptable = new Set(['training-short-current-year', 'training-short-completed-year', 'registration-check-stale']);
      for (const s of shifts) {
        let places = s.requiredCount;
        if (s.label === 'Night' && s.localDate === gapNight) places = 0;
        if (s.label === 'Evening' && s.localDate === shortEvening) places -= 1;
        const taken = new Set<string>();
        for (let place = 0; place < places; place++) {
          // Fairness: the fewest hours per FTE first; a night needs its skill from whoever takes it.
          const candidates = people
            .filter((p) => !taken.has(p.id) && s.requiredSkills.every((k) => p.skills.includes(k)))
            .sort((a, b) => hours.get(a.id)! / a.fte - hours.get(b.id)! / b.fte);
          for (const p of candidates) {
            const checked = await this.checks.check(m, s, p.id);
            if (checked.hard.length || checked.warnings.some((w) => !acceptable.has(w.code))) continue;
            const overrides = checked.warnings.map((w) => ({ code: w.code, reason: 'Demo data: accepted by the team manager' }));
            await this.assignments.assignIn(m, manager, { shiftId: s.id, practitionerId: p.id, overrides, source: 'manual' });
            hours.set(p.id, hours.get(p.id)! + (new Date(s.endsAt).getTime() - new Date(s.startsAt).getTime()) / 3_600_000);
            taken.add(p.id);
            break;
          }
        }
      }
    });
  }
}
