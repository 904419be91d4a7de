import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ConflictProblem, UnprocessableProblem } from '../common/problem';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { localDate } from '../statute/time';
import { supervisionOverdueFinding } from '../supervision/supervision.rules';
import type { RuleId } from '../statute/rule-catalogue';
import { EligibilityService } from '../workforce/eligibility.service';
import { PractitionersService } from '../workforce/practitioners.service';
import { Period, RotaFinding, skillsLostBySwap, startDate, workingTimeFindings } from './rota.rules';
import { rotaPolicy } from './rota.policy';

export interface Finding {
  code: string;
  rule: RuleId;
  severity: 'hard' | 'warning';
  message: string;
}

export interface Override {
  code: string;
  reason: string;
}

export interface CheckedAssignment {
  practitionerId: string;
  userId: string;
  hard: Finding[];
  warnings: Finding[];
}

/**
 * The rules an assignment must pass, in one place for every path that puts an AMHP on a shift (manual
 * assignment, swap approval, plan publication): approval and eligibility for the whole shift (AMHP-01..07), not on
 * approved leave, no overlap, enough rest, at most ROTA_MAX_CONSECUTIVE_DAYS days in a row (hard); weekly hours,
 * nights, weekly rest, training, overdue professional supervision (AMHP-10) (warnings).
 */
@Injectable()
export class AssignmentChecksService {
  constructor(
    private readonly eligibility: EligibilityService,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks adding `practitionerId` to a shift period. Locks the practitioner's row first, so that concurrent
   * assignments of one AMHP are checked one after another (rest and overlap are then race-proof; the exclusion
   * constraint stays as the last line of defence). `ignoreAssignmentIds`: assignments about to be removed (a swap).
   */
  async check(m: EntityManager, shift: Period, practitionerId: string, ignoreAssignmentIds: string[] = []): Promise<CheckedAssignment> {
    const p = await this.practitioners.lockForRota(m, practitionerId);
    // An id that names no practitioner (a user id, a typo) is bad input naming the field, as a swap's taker is.
    if (!p)
      throw new UnprocessableProblem(`Practitioner ${practitionerId} does not exist.`, 'reference-not-found', {
        errors: [{ field: 'practitionerId', messages: ['is not a practitioner'] }],
      });
    const findings: Finding[] = [];
    if (!p.active)
      findings.push({
        code: 'practitioner-inactive',
        rule: 'ROTA-ACTIVE',
        severity: 'hard',
        message: 'The practitioner is marked inactive.',
      });

    const eligible = await this.eligibility.forPractitioner(practitionerId, shift.startsAt, shift.endsAt, m);
    findings.push(...eligible.findings);

    const leave: Array<{ kind: string; starts_at: Date; ends_at: Date }> = await m.query(
      `SELECT kind, starts_at, ends_at FROM leave_requests
        WHERE practitioner_id = $1 AND status = 'approved' AND starts_at < $3 AND ends_at > $2`,
      [practitionerId, shift.startsAt, shift.endsAt],
    );
    for (const l of leave) {
      findings.push({
        code: 'on-leave',
        rule: 'ROTA-LEAVE',
        severity: 'hard',
        message: `Approved ${l.kind} leave from ${l.starts_at.toISOString()} to ${l.ends_at.toISOString()} overlaps the shift.`,
      });
    }

    const policy = rotaPolicy(this.config);
    const reach = (policy.referenceWeeks * 7 + 1) * 86_400_000;
    const others: Period[] = (
      await m.query(
        `SELECT starts_at AS "startsAt", ends_at AS "endsAt" FROM shift_assignments
          WHERE practitioner_id = $1 AND starts_at < $3 AND ends_at > $2 AND NOT (id = ANY($4::uuid[]))`,
        [practitionerId, new Date(shift.startsAt.getTime() - reach), new Date(shift.endsAt.getTime() + reach), ignoreAssignmentIds],
      )
    ).map((r: Period) => ({ startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
    findings.push(...workingTimeFindings(shift, others, policy).map((f: RotaFinding) => f));

    if (ignoreAssignmentIds.length) findings.push(...(await this.skillsLeftBehind(m, practitionerId, ignoreAssignmentIds)));

    const supervision = supervisionOverdueFinding(
      p.supervision,
      startDate(shift, policy.timeZone),
      localDate(this.clock.now(), policy.timeZone),
    );
    if (supervision) findings.push(supervision);

    return {
      practitionerId,
      userId: p.userId,
      hard: findings.filter((f) => f.severity === 'hard'),
      warnings: findings.filter((f) => f.severity === 'warning'),
    };
  }

  /** ROTA-SKILLS (skillsLostBySwap) for a swap: the assignments `replaced` give way to `taker` on their shift. */
  private async skillsLeftBehind(m: EntityManager, taker: string, replaced: string[]): Promise<Finding[]> {
    const [row]: Array<{ label: string; required: string[]; staying: string[]; leaving: string[]; taker: string[] }> = await m.query(
      `SELECT s.label, s.required_skills AS required,
              coalesce((SELECT array_agg(DISTINCT k) FROM shift_assignments x JOIN practitioner_directory p ON p.id = x.practitioner_id, unnest(p.skills) k
                         WHERE x.shift_id = s.id AND NOT (x.id = ANY($1::uuid[]))), '{}') AS staying,
              coalesce((SELECT array_agg(DISTINCT k) FROM shift_assignments x JOIN practitioner_directory p ON p.id = x.practitioner_id, unnest(p.skills) k
                         WHERE x.id = ANY($1::uuid[])), '{}') AS leaving,
              coalesce((SELECT skills FROM practitioner_directory WHERE id = $2), '{}') AS taker
         FROM shifts s WHERE s.id = (SELECT shift_id FROM shift_assignments WHERE id = ANY($1::uuid[]) LIMIT 1)`,
      [replaced, taker],
    );
    return row ? skillsLostBySwap(row) : [];
  }

  /**
   * Refuses a checked assignment that breaks a hard rule (422, or 409 for an overlap: a lost race), or that has a
   * warning without an override reason (422 listing what needs one). Returns the overrides to record.
   */
  enforce(checked: CheckedAssignment, overrides: Override[] = []): Array<Finding & { reason: string }> {
    if (checked.hard.some((f) => f.code === 'overlap')) {
      throw new ConflictProblem('The AMHP is already on a shift at that time.', 'assignment-overlap', { findings: checked.hard });
    }
    if (checked.hard.length) {
      throw new UnprocessableProblem(checked.hard.map((f) => f.message).join(' '), 'assignment-refused', {
        findings: [...checked.hard, ...checked.warnings],
      });
    }
    const missing = checked.warnings.filter((w) => !overrides.some((o) => o.code === w.code));
    if (missing.length) {
      throw new UnprocessableProblem(
        `These warnings need an override with a reason: ${missing.map((w) => w.code).join(', ')}.`,
        'override-required',
        { findings: checked.warnings },
      );
    }
    return checked.warnings.map((w) => ({ ...w, reason: overrides.find((o) => o.code === w.code)!.reason }));
  }
}
