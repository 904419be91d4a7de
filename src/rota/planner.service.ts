import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, isoOrNull } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import {
  ConflictProblem,
  NotFoundProblem,
  PreconditionFailedProblem,
  ProblemError,
  ServiceUnavailableProblem,
  UnprocessableProblem,
  requirePeriod,
} from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { loadApprovals } from '../workforce/approval.facts';
import { facts as trainingFacts, TrainingService } from '../workforce/training.service';
import { workforcePolicy } from '../workforce/workforce.policy';
import { practitionerSeqSql } from '../workforce/workforce.tables';
import { accountBarSql } from '../workforce/eligibility.service';
import type { Override } from './assignment-checks.service';
import { AssignmentsService } from './assignments.service';
import { CreatePlanDto, CreatePreferenceDto, FairnessDto, PlanDto, PlanRunDto, PreferenceDto, PreferenceListDto } from './dto/planner.dto';
import { fairnessAsSeen, fairnessReport, unavailablePeriods } from './fairness';
import { ShiftsService } from './shifts.service';
import type { PlanInputs, PlanPerson } from './plan-facts';
import { professionalSupervisionDatesSql } from '../supervision/supervision.tables';
import { PlanRunRow, planRunUrl, PlanRunsService, PlanRunStopped } from './plan-runs.service';
import type { ExistingAssignment, PlanResult, PlanShift } from './planner';
import { RotaFinding, RotaPolicy } from './rota.rules';
import { rotaPolicy } from './rota.policy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** At most 13 weeks per plan (performance target P6, bench/README.md, is sized for it). */
export const MAX_PLAN_DAYS = 91;
/** The planner's time budget: P6 asks for a 13-week plan in under 10 s. */
const PLANNER_SECONDS = 7;

interface PlanRow {
  id: string;
  status: 'proposed' | 'published' | 'discarded';
  startsAt: Date;
  endsAt: Date;
  assignments: Array<{ shiftId: string; practitionerId: string; warnings?: RotaFinding[] }>;
  fairness: Record<string, unknown> & { solver?: PlanResult['solver']; dropped?: PlanResult['dropped'] };
  unfilled: Array<{ shiftId: string; missing: number; reason: string; code?: string; missingSkills?: string[] }>;
  basis: string;
  createdBy: string;
  createdAt: Date;
  publishedAt: Date | null;
  version: number;
}

const PLAN_COLUMNS = `id, status, starts_at AS "startsAt", ends_at AS "endsAt", assignments, fairness, unfilled, basis, created_by AS "createdBy",
  created_at AS "createdAt", published_at AS "publishedAt", version`;

/**
 * The rota planner and what it needs: proposals (solved by the pure planner), publication through the one
 * assignment path, preferences, and the fairness report.
 */
@Injectable()
export class PlannerService {
  private readonly log = new Logger('Planner');

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly assignments: AssignmentsService,
    private readonly shifts: ShiftsService,
    private readonly training: TrainingService,
    private readonly runs: PlanRunsService,
  ) {}

  private get policy(): RotaPolicy {
    return rotaPolicy(this.config);
  }

  // ---- plans ----

  /**
   * Makes a proposal for [from, to). One plan runs at a time for the hub (409 `plan-running` naming the one running,
   * with its status URL). The rows are read here, in one snapshot; everything else (eligibility, the model, the
   * solve, the verification) runs in a worker thread, so the API keeps answering while it works.
   *
   * By default the caller waits for the plan (201 with it; 409 `plan-cancelled` if it is cancelled meanwhile). With
   * `respondAsync` (`Prefer: respond-async`) the run is answered at once (202, its status URL) and goes on here.
   */
  async propose(actor: Actor, body: CreatePlanDto, respondAsync = false): Promise<{ plan: PlanDto } | { run: PlanRunDto }> {
    const from = new Date(body.from);
    const to = new Date(body.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new UnprocessableProblem('from and to must be instants such as 2027-03-01T00:00:00Z.', 'bad-period');
    requirePeriod(from, to, MAX_PLAN_DAYS, `Plan at most 13 weeks (${MAX_PLAN_DAYS} days) at a time.`);

    const run = await this.runs.begin(actor, from, to);
    if (!respondAsync) return { plan: await this.make(actor, run.id, from, to) };
    // Outside the request's transaction: the work outlives the request.
    void this.db.detached(() => this.make(actor, run.id, from, to)).catch(() => undefined);
    return { run: planRunDto(run) };
  }

  /** The status of a planner run: running, done (with its plan), failed (why) or cancelled (by whom). */
  async run(id: string): Promise<PlanRunDto> {
    return planRunDto(await this.runs.get(id));
  }

  async cancel(actor: Actor, id: string): Promise<PlanRunDto> {
    return planRunDto(await this.runs.cancel(actor, id));
  }

  private async make(actor: Actor, runId: string, from: Date, to: Date): Promise<PlanDto> {
    let result: PlanResult;
    let basis: string;
    try {
      // One consistent snapshot for the rows and the fingerprint publication compares against, in a read-only
      // transaction of its own (even under an Idempotency-Key), closed before the solve: the solve can take seconds.
      const read = await this.db.snapshot(async (m) => ({
        inputs: await this.loadInputs(m, from, to),
        basis: await this.basis(m, from, to),
      }));
      basis = read.basis;
      result = await this.runs.solve(runId, read.inputs, { timeLimitSeconds: PLANNER_SECONDS });
    } catch (err) {
      if (err instanceof PlanRunStopped) throw await this.stopped(runId);
      const message = (err as Error).message;
      this.log.error(`plan ${runId} failed: ${message}`);
      await this.runs.fail(runId, message).catch(() => undefined);
      throw new ProblemError(500, 'plan-failed', 'The plan failed', `The plan did not finish: ${message}.`, {
        run: { id: runId, statusUrl: planRunUrl(runId) },
      });
    }

    return this.db.transaction(async (m) => {
      const [{ id }] = await m.query(
        `INSERT INTO rota_plans (starts_at, ends_at, status, assignments, fairness, unfilled, basis, created_by, created_at)
         VALUES ($1, $2, 'proposed', $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          from,
          to,
          JSON.stringify(result.assignments),
          JSON.stringify({ ...result.fairness, solver: result.solver, dropped: result.dropped }),
          JSON.stringify(result.unfilled),
          basis,
          actor.userId,
          this.clock.now(),
        ],
      );
      // Cancelled while the result was on its way: nothing is kept.
      if (!(await this.runs.finish(m, runId, id))) throw await this.stopped(runId);
      await this.audit.record(m, {
        action: 'rota.plan.propose',
        resourceType: 'rota-plan',
        resourceId: id,
        actor,
        details: {
          from: from.toISOString(),
          to: to.toISOString(),
          run: runId,
          assignments: result.assignments.length,
          unfilled: result.unfilled.reduce((n, u) => n + u.missing, 0),
          dropped: result.dropped.length,
          solver: result.solver.status,
        },
      });
      return this.get(id, m);
    });
  }

  /** The answer to a caller waiting for a run that ended without a plan. */
  private async stopped(runId: string): Promise<ProblemError> {
    const run = await this.runs.get(runId);
    return run.status === 'cancelled'
      ? new ConflictProblem('The plan was cancelled before it finished; nothing was proposed.', 'plan-cancelled', {
          run: { id: run.id, statusUrl: planRunUrl(run.id) },
        })
      : new ServiceUnavailableProblem(`The plan did not finish: ${run.error ?? 'the service is stopping'}`);
  }

  async get(id: string, m: EntityManager = this.db.manager): Promise<PlanDto> {
    const [row]: PlanRow[] = await m.query(`SELECT ${PLAN_COLUMNS} FROM rota_plans WHERE id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Plan', id);
    return this.dto(m, row);
  }

  /**
   * Publishes a proposal: every assignment goes through AssignmentsService.assignIn (every rule re-checked) in one
   * transaction, all or nothing. 412 on a stale If-Match; 409 `rota-changed` when the shifts or assignments of the
   * period changed since the plan was made; 409 `plan-invalid` listing the assignments a rule now refuses. An
   * assignment with eligibility warnings (e.g. training short, AMHP-06) is published only when `overrides` give a
   * reason for each warning code, as for a manual assignment: 422 `override-required` otherwise, listing them.
   *
   * REPEATABLE READ: the fingerprint checked and the rota the assignments are written into are one snapshot, so a
   * change committed after the check makes the write fail (40001), the transaction is retried and the retry answers
   * `rota-changed`. The route declares it (@TransactionIsolation) so it holds under an Idempotency-Key too. What the
   * rules read about each AMHP (leave, approvals, suspensions, her other shifts) is written by others under her rota
   * lock, which is a write (PractitionersService.lockForRota): one committed since the snapshot makes her lock fail
   * (40001) here too, and the retry judges her on what that write left.
   */
  async publish(actor: Actor, id: string, expectedVersion: ExpectedVersion, overrides: Override[] = []): Promise<PlanDto> {
    return this.db.transaction(async (m) => {
      const row = await this.lock(m, id);
      assertVersion(expectedVersion, row.version);
      if (row.status !== 'proposed')
        throw new ConflictProblem(`The plan is ${row.status}; only a proposed plan can be published.`, 'plan-not-proposed');
      const unaccepted = row.assignments
        .map((a) => ({ ...a, warnings: (a.warnings ?? []).filter((w) => !overrides.some((o) => o.code === w.code)) }))
        .filter((a) => a.warnings.length);
      if (unaccepted.length) {
        const codes = [...new Set(unaccepted.flatMap((a) => a.warnings.map((w) => w.code)))];
        throw new UnprocessableProblem(
          `${unaccepted.length} of the plan's assignments have warnings that need an override with a reason: ${codes.join(', ')}.`,
          'override-required',
          {
            findings: codes.map((c) => unaccepted.flatMap((a) => a.warnings).find((w) => w.code === c)),
            assignments: unaccepted.map((a) => ({
              shiftId: a.shiftId,
              practitionerId: a.practitionerId,
              codes: a.warnings.map((w) => w.code),
            })),
          },
        );
      }
      if ((await this.basis(m, row.startsAt, row.endsAt)) !== row.basis) {
        throw new ConflictProblem(
          'The rota has changed since this plan was made (shifts or assignments in its period); make a new plan.',
          'rota-changed',
        );
      }
      const failures: Array<{ shiftId: string; practitionerId: string; code: string; detail?: string; findings: unknown[] }> = [];
      for (const a of row.assignments) {
        // A savepoint per assignment: a refusal (even one the database raised) leaves the others checkable.
        await m.query('SAVEPOINT plan_assignment');
        try {
          await this.assignments.assignIn(m, actor, { shiftId: a.shiftId, practitionerId: a.practitionerId, overrides, source: 'plan' });
          await m.query('RELEASE SAVEPOINT plan_assignment');
        } catch (err) {
          await m.query('ROLLBACK TO SAVEPOINT plan_assignment');
          if (!(err instanceof ProblemError)) throw err;
          failures.push({
            shiftId: a.shiftId,
            practitionerId: a.practitionerId,
            code: err.code,
            detail: err.detail,
            findings: (err.extensions.findings as unknown[]) ?? [],
          });
        }
      }
      if (failures.length) {
        throw new ConflictProblem(
          `${failures.length} of the plan's ${row.assignments.length} assignments now break a rule; nothing was published. Make a new plan.`,
          'plan-invalid',
          { failures },
        );
      }
      const now = this.clock.now();
      // UPDATE … RETURNING answers [rows, count].
      const [updated] = await m.query(
        `UPDATE rota_plans SET status = 'published', published_at = $3, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`,
        [id, row.version, now],
      );
      if (!updated.length) throw new PreconditionFailedProblem();
      await this.audit.record(m, {
        action: 'rota.plan.publish',
        resourceType: 'rota-plan',
        resourceId: id,
        details: {
          assignments: row.assignments.length,
          ...(overrides.length ? { overrides: [...new Set(overrides.map((o) => o.code))] } : {}),
        },
      });
      await this.events.emit(m, {
        type: 'rota.plan.published',
        aggregateType: 'rota-plan',
        aggregateId: id,
        payload: {
          planId: id,
          from: row.startsAt.toISOString(),
          to: row.endsAt.toISOString(),
          assignments: row.assignments.length,
          unfilled: row.unfilled.reduce((n, u) => n + u.missing, 0),
        },
      });
      return this.get(id, m);
    }, 'REPEATABLE READ');
  }

  async discard(id: string, expectedVersion: ExpectedVersion): Promise<PlanDto> {
    return this.db.transaction(async (m) => {
      const row = await this.lock(m, id);
      assertVersion(expectedVersion, row.version);
      if (row.status !== 'proposed')
        throw new ConflictProblem(`The plan is ${row.status}; only a proposed plan can be discarded.`, 'plan-not-proposed');
      await m.query(`UPDATE rota_plans SET status = 'discarded', version = version + 1 WHERE id = $1`, [id]);
      await this.audit.record(m, { action: 'rota.plan.discard', resourceType: 'rota-plan', resourceId: id });
      return this.get(id, m);
    });
  }

  private async lock(m: EntityManager, id: string): Promise<PlanRow> {
    const [row]: PlanRow[] = await m.query(`SELECT ${PLAN_COLUMNS} FROM rota_plans WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new NotFoundProblem('Plan', id);
    return row;
  }

  /**
   * A fingerprint of the rota in [from, to): every shift starting in it (times, staffing, version) and who is on
   * it. Made when the plan is proposed and again when it is published; any change in between means the plan was
   * solved against a rota that no longer exists.
   */
  private async basis(m: EntityManager, from: Date, to: Date): Promise<string> {
    const rows: Array<{ line: string }> = await m.query(
      `SELECT concat_ws('|', s.id, s.starts_at, s.ends_at, s.required_count, array_to_string(s.required_skills, ','), s.version,
              coalesce((SELECT string_agg(a.id || ':' || a.practitioner_id || ':' || a.version, ',' ORDER BY a.id) FROM shift_assignments a WHERE a.shift_id = s.id), '')) AS line
         FROM shifts s WHERE s.starts_at >= $1 AND s.starts_at < $2 ORDER BY s.id`,
      [from, to],
    );
    const hash = createHash('sha256');
    for (const r of rows) hash.update(r.line).update('\n');
    return hash.digest('hex');
  }

  /**
   * The rows a plan is made from (PlanInputs), read in the caller's (snapshot) transaction; the worker builds the facts.
   * A shift's place is held only by an AMHP on it to its end (ROTA-WORKED): one taken off part-way no longer holds it
   * (her worked part stays among the existing assignments, so she is not planned on it again).
   */
  private async loadInputs(m: EntityManager, from: Date, to: Date): Promise<PlanInputs> {
    const policy = this.policy;
    const shiftRows: Array<Omit<PlanShift, 'assigned'> & { assigned: Array<{ practitionerId: string; skills: string[] }> }> = await m.query(
      `SELECT s.id, s.label, to_char(s.local_date, 'YYYY-MM-DD') AS "localDate", s.pattern_id AS "patternId", s.starts_at AS "startsAt", s.ends_at AS "endsAt",
              s.required_count AS "requiredCount", s.required_skills AS "requiredSkills", s.bank_holiday AS "bankHoliday",
              coalesce((SELECT json_agg(json_build_object('practitionerId', a.practitioner_id, 'skills', p.skills))
                          FROM shift_assignments a JOIN practitioner_directory p ON p.id = a.practitioner_id
                         WHERE a.shift_id = s.id AND a.ends_at >= s.ends_at), '[]') AS assigned
         FROM shifts s WHERE s.starts_at >= $1 AND s.starts_at < $2 ORDER BY s.starts_at, s.seq`,
      [from, to],
    );
    const shifts: PlanShift[] = shiftRows.map((s) => ({ ...s, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) }));

    const people: PlanPerson[] = await m.query(
      `SELECT p.id, p.fte::float8 AS fte, p.skills, u.display_name AS "displayName", p.profession, p.registration_status AS "registrationStatus",
              to_char(p.registration_checked_on, 'YYYY-MM-DD') AS "registrationCheckedOn",
              json_build_object('intervalDays', p.supervision_interval_days, 'recordCreatedOn', to_char(p.created_at AT TIME ZONE $1, 'YYYY-MM-DD'),
                                'professionalOn', ${professionalSupervisionDatesSql('p.id')}) AS supervision,
              ${accountBarSql('u')} AS "accountBar"
         FROM practitioner_directory p JOIN user_directory u ON u.id = p.user_id WHERE p.active ORDER BY u.display_name, ${practitionerSeqSql('p.id')}`,
      [policy.timeZone],
    );
    const ids = people.map((p) => p.id);
    const lookback = Math.min(to.getTime() - from.getTime(), MAX_PLAN_DAYS * DAY);
    const reach = (policy.referenceWeeks * 7 + 1) * DAY;
    const windowStart = new Date(Math.min(from.getTime() - reach, from.getTime() - lookback));

    const [approvals, records, existingRows, leaveRows, preferenceRows] = await Promise.all([
      loadApprovals(m, ids),
      this.training.records(m, ids),
      m.query<Array<ExistingAssignment & { bankHoliday: boolean }>>(
        `SELECT a.practitioner_id AS "practitionerId", a.shift_id AS "shiftId", a.starts_at AS "startsAt", a.ends_at AS "endsAt", s.bank_holiday AS "bankHoliday"
           FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
          WHERE a.practitioner_id = ANY($1::uuid[]) AND a.starts_at < $3 AND a.ends_at > $2`,
        [ids, windowStart, new Date(to.getTime() + reach)],
      ),
      m.query<Array<{ practitionerId: string; kind: string; startsAt: Date; endsAt: Date }>>(
        `SELECT practitioner_id AS "practitionerId", kind, starts_at AS "startsAt", ends_at AS "endsAt" FROM leave_requests
          WHERE practitioner_id = ANY($1::uuid[]) AND status = 'approved' AND starts_at < $3 AND ends_at > $2`,
        [ids, new Date(from.getTime() - lookback), to],
      ),
      m.query<Array<{ practitionerId: string; patternId: string | null; weekday: number | null; onDate: string | null; weight: number }>>(
        `SELECT practitioner_id AS "practitionerId", pattern_id AS "patternId", weekday, to_char(on_date, 'YYYY-MM-DD') AS "onDate", weight
           FROM rota_preferences WHERE practitioner_id = ANY($1::uuid[])`,
        [ids],
      ),
    ]);
    return {
      from,
      to,
      now: this.clock.now(),
      lookbackMs: lookback,
      policy,
      workforce: workforcePolicy(this.config),
      shifts,
      people: people.map((p) => ({ ...p, fte: Number(p.fte) })),
      // Plain objects: they cross to the worker thread by structured clone.
      approvals: approvals.map((a) => ({
        id: a.id,
        practitionerId: a.practitionerId,
        approvingAuthority: a.approvingAuthority,
        startsOn: a.startsOn,
        endsOn: a.endsOn,
        endedOn: a.endedOn,
        suspensions: a.suspensions.map((x) => ({ startsAt: x.startsAt, endsAt: x.endsAt, reason: x.reason })),
      })),
      training: records.map((r) => ({ practitionerId: r.practitionerId, ...trainingFacts(r) })),
      existing: existingRows.map((e) => ({ ...e, startsAt: new Date(e.startsAt), endsAt: new Date(e.endsAt) })),
      leave: leaveRows.map((l) => ({ ...l, startsAt: new Date(l.startsAt), endsAt: new Date(l.endsAt) })),
      preferences: preferenceRows,
    };
  }

  private async dto(m: EntityManager, row: PlanRow): Promise<PlanDto> {
    const shiftIds = [...new Set([...row.assignments.map((a) => a.shiftId), ...row.unfilled.map((u) => u.shiftId)])];
    const personIds = [...new Set(row.assignments.map((a) => a.practitionerId))];
    const [shifts, people]: [
      Array<{ id: string; label: string; startsAt: Date; endsAt: Date }>,
      Array<{ id: string; displayName: string }>,
    ] = await Promise.all([
      m.query(`SELECT id, label, starts_at AS "startsAt", ends_at AS "endsAt" FROM shifts WHERE id = ANY($1::uuid[])`, [shiftIds]),
      m.query(
        `SELECT p.id, u.display_name AS "displayName" FROM practitioner_directory p JOIN user_directory u ON u.id = p.user_id WHERE p.id = ANY($1::uuid[])`,
        [personIds],
      ),
    ]);
    const shiftOf = new Map(shifts.map((s) => [s.id, s]));
    const nameOf = new Map(people.map((p) => [p.id, p.displayName]));
    const when = (id: string) => {
      const s = shiftOf.get(id);
      // A shift deleted since the plan was made: the plan can no longer be published (rota-changed).
      return s
        ? { label: s.label, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString() }
        : { label: '(removed)', startsAt: row.startsAt.toISOString(), endsAt: row.startsAt.toISOString() };
    };
    const { solver, dropped, ...fairness } = row.fairness;
    return {
      id: row.id,
      status: row.status,
      from: new Date(row.startsAt).toISOString(),
      to: new Date(row.endsAt).toISOString(),
      assignments: row.assignments
        .map((a) => ({
          shiftId: a.shiftId,
          ...when(a.shiftId),
          practitionerId: a.practitionerId,
          displayName: nameOf.get(a.practitionerId) ?? '',
          warnings: a.warnings ?? [],
        }))
        .sort(
          (a, b) => a.startsAt.localeCompare(b.startsAt) || a.label.localeCompare(b.label) || a.displayName.localeCompare(b.displayName),
        ),
      unfilled: row.unfilled.map((u) => ({
        shiftId: u.shiftId,
        ...when(u.shiftId),
        missing: u.missing,
        missingSkills: u.missingSkills ?? [],
        code: u.code ?? 'working-time',
        reason: u.reason,
      })),
      dropped: dropped ?? [],
      fairness: fairness as unknown as PlanDto['fairness'],
      solver: solver ?? { status: 'unknown', seconds: 0, chunks: 0, variables: 0, constraints: 0, cutRounds: 0, cuts: 0, statuses: {} },
      createdBy: row.createdBy,
      createdAt: new Date(row.createdAt).toISOString(),
      publishedAt: isoOrNull(row.publishedAt),
      version: row.version,
    };
  }

  // ---- preferences ----

  async createPreference(body: CreatePreferenceDto): Promise<PreferenceDto> {
    if (body.patternId === undefined && body.weekday === undefined && body.onDate === undefined) {
      throw new UnprocessableProblem(
        'Say what the preference is about: a patternId, a weekday or an onDate (or several).',
        'preference-target-required',
      );
    }
    return this.db.transaction(async (m) => {
      // An id in the body that names nothing of its kind (a user id as practitionerId) is bad input naming the field.
      const unknown = (field: string, kind: string, id: string) =>
        new UnprocessableProblem(`${kind} ${id} does not exist.`, 'reference-not-found', {
          errors: [{ field, messages: [`is not a ${kind.toLowerCase()}`] }],
        });
      if (!(await m.query('SELECT 1 FROM practitioner_directory WHERE id = $1', [body.practitionerId])).length)
        throw unknown('practitionerId', 'Practitioner', body.practitionerId);
      if (body.patternId && !(await m.query('SELECT 1 FROM shift_patterns WHERE id = $1', [body.patternId])).length)
        throw unknown('patternId', 'Pattern', body.patternId);
      const [row] = await m.query(
        `INSERT INTO rota_preferences (practitioner_id, pattern_id, weekday, on_date, weight, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${PREFERENCE_COLUMNS}`,
        [
          body.practitionerId,
          body.patternId ?? null,
          body.weekday ?? null,
          body.onDate ?? null,
          body.weight,
          body.note ?? null,
          this.clock.now(),
        ],
      );
      await this.audit.record(m, {
        action: 'rota.preference.create',
        resourceType: 'rota-preference',
        resourceId: row.id,
        details: { practitionerId: body.practitionerId, weight: body.weight },
      });
      return preferenceDto(row);
    });
  }

  async listPreferences(practitionerId?: string): Promise<PreferenceListDto> {
    const rows = await this.db.manager.query(
      `SELECT ${PREFERENCE_COLUMNS} FROM rota_preferences WHERE ($1::uuid IS NULL OR practitioner_id = $1) ORDER BY created_at, seq LIMIT 1000`,
      [practitionerId ?? null],
    );
    return { items: rows.map(preferenceDto) };
  }

  async deletePreference(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      // DELETE … RETURNING answers [rows, count].
      const [rows]: [Array<{ practitionerId: string }>] = await m.query(
        'DELETE FROM rota_preferences WHERE id = $1 RETURNING practitioner_id AS "practitionerId"',
        [id],
      );
      if (!rows.length) throw new NotFoundProblem('Preference', id);
      await this.audit.record(m, {
        action: 'rota.preference.delete',
        resourceType: 'rota-preference',
        resourceId: id,
        details: { practitionerId: rows[0].practitionerId },
      });
    });
  }

  // ---- fairness ----

  /** Per AMHP over [from, to): hours, FTE, hours ÷ FTE, share, nights, weekends, bank holidays; and the spread. */
  /**
   * GET /rota/fairness: the figures for everyone; why a colleague was unavailable only to a reader who may see her
   * workforce facts (ShiftsService.seesWorkforceFacts; others see `unavailable`, fairnessAsSeen).
   */
  async fairness(reader: Actor, fromRaw: string, toRaw: string): Promise<FairnessDto> {
    const from = new Date(fromRaw);
    const to = new Date(toRaw);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new UnprocessableProblem('from and to must be instants such as 2027-03-01T00:00:00Z.', 'bad-period');
    requirePeriod(from, to, 366);
    const ds = this.db.manager;
    const [people, worked, leave]: [
      Array<{ id: string; userId: string; fte: number; displayName: string }>,
      Array<{ practitionerId: string; startsAt: Date; endsAt: Date; bankHoliday: boolean }>,
      Array<{ practitionerId: string; startsAt: Date; endsAt: Date }>,
    ] = await Promise.all([
      // Active AMHPs, and anyone who worked in the period since made inactive.
      ds.query(
        `SELECT p.id, p.user_id AS "userId", p.fte::float8 AS fte, u.display_name AS "displayName" FROM practitioner_directory p JOIN user_directory u ON u.id = p.user_id
          WHERE p.active OR EXISTS (SELECT 1 FROM shift_assignments a WHERE a.practitioner_id = p.id AND a.starts_at >= $1 AND a.starts_at < $2)
          ORDER BY u.display_name, ${practitionerSeqSql('p.id')}`,
        [from, to],
      ),
      ds.query(
        `SELECT a.practitioner_id AS "practitionerId", a.starts_at AS "startsAt", a.ends_at AS "endsAt", s.bank_holiday AS "bankHoliday"
           FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id WHERE a.starts_at >= $1 AND a.starts_at < $2`,
        [from, to],
      ),
      ds.query(
        `SELECT practitioner_id AS "practitionerId", starts_at AS "startsAt", ends_at AS "endsAt" FROM leave_requests WHERE status = 'approved' AND starts_at < $2 AND ends_at > $1`,
        [from, to],
      ),
    ]);
    const approvals = await loadApprovals(
      this.db.manager,
      people.map((p) => p.id),
    );
    const report = fairnessReport(
      people.map((p) => ({
        id: p.id,
        fte: Number(p.fte),
        displayName: p.displayName,
        unavailable: unavailablePeriods(
          {
            approvals: approvals.filter((a) => a.practitionerId === p.id),
            leave: leave
              .filter((l) => l.practitionerId === p.id)
              .map((l) => ({ startsAt: new Date(l.startsAt), endsAt: new Date(l.endsAt) })),
          },
          { from, to },
          this.config.timeZone,
        ),
      })),
      worked.map((w) => ({ ...w, startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt) })),
      this.config.timeZone,
      { from, to },
    );
    const userOf = new Map(people.map((p) => [p.id, p.userId]));
    const seen = fairnessAsSeen(report, (practitionerId) => this.shifts.seesWorkforceFacts(reader, userOf.get(practitionerId)!));
    return { from: from.toISOString(), to: to.toISOString(), ...seen };
  }
}

const PREFERENCE_COLUMNS = `id, practitioner_id AS "practitionerId", pattern_id AS "patternId", weekday, to_char(on_date, 'YYYY-MM-DD') AS "onDate", weight, note, created_at AS "createdAt"`;

function planRunDto(r: PlanRunRow): PlanRunDto {
  return {
    id: r.id,
    status: r.status,
    from: new Date(r.startsAt).toISOString(),
    to: new Date(r.endsAt).toISOString(),
    requestedBy: r.requestedBy,
    requestedAt: new Date(r.requestedAt).toISOString(),
    finishedAt: isoOrNull(r.finishedAt),
    planId: r.planId,
    plan: r.planId ? `/rota/plans/${r.planId}` : null,
    cancelledBy: r.cancelledBy,
    error: r.error,
    statusUrl: planRunUrl(r.id),
  };
}

function preferenceDto(r: PreferenceDto & { createdAt: Date | string }): PreferenceDto {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}
