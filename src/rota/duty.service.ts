import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { Db } from '../database/db';
import { CoverageDto, DutyShiftDto, OnDutyDto } from './dto/rota.dto';
import { coverageGaps, CoverageShift } from './rota.rules';
import { MAX_SHIFT_HOURS } from './shifts.service';

/** Who is on duty, and where the rota falls short. The thin client's and referrers' hot read (P3). */
@Injectable()
export class DutyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async onDuty(atRaw?: string): Promise<OnDutyDto> {
    const at = atRaw ? new Date(atRaw) : this.clock.now();
    // One round trip for both answers: the shifts on at `at` and the next ones to start (migration RotaOnDutyFunction,
    // planned once per connection). Shifts are at most MAX_SHIFT_HOURS long, so the start bound keeps "now" an index
    // range scan however many years of rota there are.
    const rows: Array<DutyShiftDto & { next: boolean; startsAt: Date; endsAt: Date }> = await this.db.prepared(
      'rota-on-duty',
      `SELECT "shiftId", label, "startsAt", "endsAt", "requiredCount", next, amhps FROM rota_on_duty($1, $2)`,
      [at, new Date(at.getTime() - MAX_SHIFT_HOURS * 3_600_000)],
    );
    const shape = (r: (typeof rows)[number]): DutyShiftDto => ({
      shiftId: r.shiftId,
      label: r.label,
      startsAt: new Date(r.startsAt).toISOString(),
      endsAt: new Date(r.endsAt).toISOString(),
      requiredCount: r.requiredCount,
      amhps: r.amhps,
    });
    const [onCall]: Array<{ id: string; userId: string; displayName: string; phone: string | null; startsAt: Date; endsAt: Date }> =
      await this.db.prepared(
        'rota-manager-on-call',
        `SELECT c.id, c.user_id AS "userId", u.display_name AS "displayName", u.phone, c.starts_at AS "startsAt", c.ends_at AS "endsAt"
           FROM manager_on_call c JOIN user_directory u ON u.id = c.user_id WHERE c.starts_at <= $1 AND c.ends_at > $1`,
        [at],
      );
    return {
      at: at.toISOString(),
      onDuty: rows.filter((r) => !r.next).map(shape),
      next: rows.filter((r) => r.next).map(shape),
      managerOnCall: onCall
        ? { ...onCall, startsAt: new Date(onCall.startsAt).toISOString(), endsAt: new Date(onCall.endsAt).toISOString() }
        : null,
    };
  }

  async coverage(from: Date, to: Date): Promise<CoverageDto> {
    if (to <= from) throw new UnprocessableProblem('to must be after from.', 'bad-period');
    if (to.getTime() - from.getTime() > 93 * 86_400_000)
      throw new UnprocessableProblem('Coverage for at most 93 days at a time.', 'bad-period');
    const rows: Array<CoverageShift & { startsAt: Date; endsAt: Date }> = await this.db.manager.query(
      `SELECT s.id, s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.required_count AS "requiredCount", s.required_skills AS "requiredSkills",
              coalesce((SELECT json_agg(json_build_object('practitionerId', a.practitioner_id, 'skills', p.skills))
                          FROM shift_assignments a JOIN practitioner_directory p ON p.id = a.practitioner_id WHERE a.shift_id = s.id), '[]') AS assigned
         FROM shifts s WHERE s.starts_at < $2 AND s.ends_at > $1 ORDER BY s.starts_at`,
      [from, to],
    );
    const gaps = coverageGaps(
      rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) })),
      from,
      to,
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      gaps: gaps.map((g) => ({ ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })),
    };
  }
}
