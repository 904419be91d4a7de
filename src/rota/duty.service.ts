import { Injectable } from '@nestjs/common';
import { onCallMayActSql } from './manager-on-call.service';
import { Clock } from '../common/clock';
import { requirePeriod } from '../common/problem';
import { Db } from '../database/db';
import { ManagerOnCallDto } from './dto/manager-on-call.dto';
import { CoverageDto, DutyShiftDto, OnDutyDto } from './dto/rota.dto';
import { coverageGaps, CoverageShift } from './rota.rules';
import { assignedPartsSql, coverageShift, MAX_SHIFT_HOURS } from './shifts.service';

/** A row of the on-duty read: a shift (none when nothing is on or next) and the manager on call, on every row. */
type OnDutyRow = Omit<DutyShiftDto, 'shiftId' | 'startsAt' | 'endsAt'> & {
  shiftId: string | null;
  startsAt: Date;
  endsAt: Date;
  next: boolean;
  /** As json_build_object gives it: the times are ISO text, not yet in the answer's form. */
  manager: ManagerOnCallDto | null;
};

/** Who is on duty, and where the rota falls short. The thin client's and referrers' hot read (P3). */
@Injectable()
export class DutyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async onDuty(atRaw?: string): Promise<OnDutyDto> {
    const at = atRaw ? new Date(atRaw) : this.clock.now();
    // One round trip for the whole answer: the shifts on at `at` and the next ones to start (migration
    // RotaOnDutyFunction, planned once per connection), with the manager on call beside them (a row with no shift when
    // there is none). Shifts are at most MAX_SHIFT_HOURS long, so the start bound keeps "now" an index range scan
    // however many years of rota there are. The shifts come in the function's order (start, label, then the order made
    // in: migration OnDutyOrderOfMaking), kept as it gave them: sorted again on start and label alone, two shifts tied
    // on both could change places.
    const rows: Array<OnDutyRow> = await this.db.prepared(
      'rota-on-duty-and-manager',
      `SELECT d."shiftId", d.label, d."startsAt", d."endsAt", d."requiredCount", d.next, d.amhps, m.manager
         FROM (SELECT (SELECT json_build_object('id', c.id, 'userId', c.user_id, 'displayName', u.display_name, 'phone', u.phone,
                                                'startsAt', c.starts_at, 'endsAt', c.ends_at)
                         FROM manager_on_call c JOIN user_directory u ON u.id = c.user_id
                        WHERE c.starts_at <= $1 AND c.ends_at > $1 AND ${onCallMayActSql('u')} ORDER BY c.starts_at DESC LIMIT 1) AS manager) m
         LEFT JOIN rota_on_duty($1, $2) WITH ORDINALITY d ON true
        ORDER BY d.ordinality`,
      [at, new Date(at.getTime() - MAX_SHIFT_HOURS * 3_600_000)],
    );
    const shifts = rows.filter((r): r is OnDutyRow & { shiftId: string } => r.shiftId !== null);
    const shape = (r: (typeof shifts)[number]): DutyShiftDto => ({
      shiftId: r.shiftId,
      label: r.label,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      requiredCount: r.requiredCount,
      amhps: r.amhps,
    });
    const onCall = rows[0]?.manager;
    return {
      at: at.toISOString(),
      onDuty: shifts.filter((r) => !r.next).map(shape),
      next: shifts.filter((r) => r.next).map(shape),
      managerOnCall: onCall
        ? { ...onCall, startsAt: new Date(onCall.startsAt).toISOString(), endsAt: new Date(onCall.endsAt).toISOString() }
        : null,
    };
  }

  async coverage(from: Date, to: Date): Promise<CoverageDto> {
    requirePeriod(from, to, 93, 'Coverage for at most 93 days at a time.');
    // Each AMHP fills her place for her own part of the shift only (ROTA-WORKED): taken off part-way, the place is
    // short from the change; put on once the shift was under way, it was short until then.
    const rows: CoverageShift[] = await this.db.manager.query(
      `SELECT s.id, s.label, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.required_count AS "requiredCount", s.required_skills AS "requiredSkills",
              ${assignedPartsSql('s')} AS assigned
         FROM shifts s WHERE s.starts_at < $2 AND s.ends_at > $1 ORDER BY s.starts_at`,
      [from, to],
    );
    const gaps = coverageGaps(rows.map(coverageShift), from, to);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      gaps: gaps.map((g) => ({ ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })),
    };
  }
}
