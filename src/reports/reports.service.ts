import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { badCursor, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination';
import { JobThread } from '../common/job-thread';
import { BadRequestProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { ownConnection } from '../database/data-source.options';
import { Db } from '../database/db';
import { PatternsService } from '../rota/patterns.service';
import { localDate } from '../statute/time';
import { ACTIVITY_DEFINITIONS } from './activity';
import { BEDS_AND_CONVEYANCE_DEFINITIONS } from './beds-and-conveyance';
import type { RecordsQuery, ReportRecordsDto, ReportSelectionQuery } from './dto/reports.dto';
import { equityDefinitions } from './equity';
import { populationYears, type FiguresInput } from './figures.read';
import type { FiguresWorkerData, ReportAnswer, ReportAnswerTo, ReportJob } from './figures.worker';
import { OUT_OF_AREA_DEFINITIONS } from './out-of-area';
import { OUT_OF_HOURS_DEFINITIONS } from './out-of-hours';
import { parsePeriod, type ReportPeriod } from './period';
import { placesOfSafetyDefinitions } from './places-of-safety';
import { populationYearFor } from './populations';
import { REPEAT_DEFINITIONS } from './repeat-assessments';
import {
  figureKey,
  type Member,
  membersCursorOf,
  recordsLink,
  type Report,
  type ReportFilters,
  type ReportName,
  REPORT_TITLES,
} from './report.model';
import {
  DATA_QUALITY_DEFINITIONS,
  DOLS_RETURN_COLUMNS,
  type DolsReturnCase,
  GUARDIANSHIP_DEFINITIONS,
  SAC_DEFINITIONS,
  workforceSurveyDefinitions,
} from './returns';
import { TIMELINESS_DEFINITIONS } from './timeliness';
import { MY_WORKLOAD_DEFINITIONS, workforceDefinitions } from './workforce';

/** The heap the reports' worker thread may use: ten years of a busy hub's rows take ~200 MiB. */
const REPORT_MEMORY_MB = 1024;

/** The DoLS return: one case row per application, in the return's column order. */
export interface DolsReturn {
  report: 'returns-dols';
  title: string;
  period: { label: string; from: string; to: string };
  council: string;
  generatedAt: string;
  definitions: string[];
  columns: Array<{ key: string; label: string }>;
  rows: DolsReturnCase[];
}

export const DOLS_RETURN_DEFINITIONS = [
  'One row per standard authorisation request received in the period (the local date it was requested), from the signed DoLS decisions (urgent authorisations and their extensions): the latest decision about a request gives its row.',
  'Person reference: the hub’s pseudonymous reference (the id of the person’s record, or of the decision for a person with no record), never a name; the council maps it to its own before the return leaves.',
  'An assessment not yet recorded is blank; a request with no status recorded is not yet signed off. Reading this return is a read of each person’s decision, audited.',
];

/** The filters a report applies, where not all four (a statutory return counts what the return counts). */
const FILTERS_APPLYING: Partial<Record<ReportName, ReadonlyArray<keyof ReportFilters>>> = {
  'returns-sac': ['hours'],
  'returns-guardianship': [],
  'returns-workforce-survey': [],
  'data-quality': [],
};

/** Whether the caller gets suppressed figures whatever they ask: an auditor sees aggregates for copies that leave the council. */
export const alwaysSuppressed = (actor: Pick<Actor, 'roles'>): boolean => actor.roles.includes('auditor');

/**
 * The reports: each reads the rows of the reports' views for its period, and the pure builders (activity.ts,
 * timeliness.ts, places-of-safety.ts) turn them into figures, both in the reports' worker thread (figures.read.ts,
 * figures.worker.ts), so that a manager's ten-year report does not make the duty AMHP's requests wait. The figures
 * hold no person data; the list of records behind a figure is a read of those people, scoped and audited like every
 * other list, here.
 */
@Injectable()
export class ReportsService implements OnModuleDestroy {
  /** The reports' worker thread (figures.worker.ts), started with the first report and stopped after a minute idle. */
  private readonly builder: JobThread<ReportJob, ReportAnswer>;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly patterns: PatternsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    dataSource: DataSource,
  ) {
    const workerData: FiguresWorkerData = {
      // The API's own limits: an outage answers 503 within seconds here too, not a report waiting for ever.
      connection: ownConnection(dataSource.options, 'amhp-hub-reports'),
      // Below the API's threads, as the planner's (PLANNER_NICE): the duty AMHP's requests come first.
      nice: config.plannerNice,
    };
    this.builder = JobThread.beside(__filename, 'figures.worker', { workerData, memoryMb: REPORT_MEMORY_MB, what: 'building the report' });
  }

  async onModuleDestroy(): Promise<void> {
    await this.builder.close();
  }

  async report(actor: Actor, name: ReportName, q: ReportSelectionQuery & { suppress?: boolean }): Promise<Report> {
    const { period, filters } = this.selection(q, name);
    const suppress = q.suppress === true || alwaysSuppressed(actor);
    const links = can(actor.roles, 'reports.records').allowed;
    const input = await this.figuresInput(name, period, filters, actor);
    const figures = await this.build({ job: 'figures', input, suppress });
    const notes = await this.db.transaction(async (m) => {
      await this.audit.record(m, {
        action: 'report.read',
        resourceType: 'report',
        resourceId: name,
        accessBasis:
          name === 'my-workload' ? can(actor.roles, 'reports.workload', { owns: true }).basis : can(actor.roles, 'reports.read').basis,
        details: { period: period.label, ...filters, suppressed: suppress },
      });
      return name === 'equity' ? this.equityNotes(m, period) : [];
    });
    return {
      report: name,
      title: REPORT_TITLES[name],
      period: { label: period.label, from: period.from, to: period.to },
      filters,
      suppressed: suppress,
      generatedAt: this.clock.now().toISOString(),
      definitions: [...this.definitions(name, period, input.now), ...notes],
      figures: links ? figures.map((f) => ({ ...f, records: recordsLink(name, figureKey(f), period, filters) })) : figures,
    };
  }

  /**
   * The records behind one figure: the referrals (and assessments) or out-of-hours decisions it counts, limited to the
   * people the caller may read, each shown audited as a read of that person's referral or decision in the same
   * statement; or the staff, shifts or handover items it counts (no person's record: listed as they are). A page at
   * a time, in the order of their instants: only the records of the page shown are read.
   */
  async records(actor: Actor, name: ReportName, q: RecordsQuery): Promise<ReportRecordsDto> {
    const { period, filters } = this.selection(q, name);
    const after = q.cursor === undefined ? null : membersCursorOf(decodeCursor(q.cursor, ['number', 'string', 'number']));
    if (q.cursor !== undefined && !after) throw badCursor();
    const page = await this.build({
      job: 'members',
      input: await this.figuresInput(name, period, filters, actor),
      figure: q.figure,
      after,
      limit: q.limit ?? DEFAULT_PAGE_SIZE,
    });
    if (!page)
      throw new BadRequestProblem(`figure: ${name} has no figure ${q.figure} for this period`, [
        { field: 'figure', messages: ['is not a figure of this report'] },
      ]);
    const { members } = page;
    return this.db.transaction(async (m) => {
      const referralIds = [...new Set(members.flatMap((x) => (x.referralId === null ? [] : [x.referralId])))];
      const decisionIds = [...new Set(members.flatMap((x) => (x.decisionId === undefined ? [] : [x.decisionId])))];
      const scope = this.access.scope(actor, 'person.read', 's.person_id', 2);
      const rows = referralIds.length
        ? await this.audit.selectAudited<{ referralId: string; reference: string; personId: string }>(
            m,
            {
              sql: `SELECT s.referral_id AS "referralId", s.reference, s.person_id AS "personId", ${scope.basis} AS access_basis
                  FROM report_referral_steps s WHERE s.referral_id = ANY($1::uuid[]) AND ${scope.sql} ORDER BY s.received_at, s.referral_id`,
              params: [referralIds, ...scope.params],
              shown: referralIds.length,
              resourceColumn: 'referralId',
              subjectColumn: 'personId',
              basisColumn: 'access_basis',
            },
            { action: 'referral.read', resourceType: 'referral', details: { via: 'report', report: name, figure: q.figure } },
          )
        : [];
      const decisions = decisionIds.length
        ? await this.audit.selectAudited<{ decisionId: string }>(
            m,
            {
              sql: `SELECT s.decision_id AS "decisionId", s.person_id AS "personId", ${scope.basis} AS access_basis
                  FROM report_safeguarding_decisions s WHERE s.decision_id = ANY($1::uuid[]) AND ${scope.sql} ORDER BY s.occurred_at, s.decision_id`,
              params: [decisionIds, ...scope.params],
              shown: decisionIds.length,
              resourceColumn: 'decisionId',
              subjectColumn: 'personId',
              basisColumn: 'access_basis',
            },
            { action: 'decision.read', resourceType: 'decision', details: { via: 'report', report: name, figure: q.figure } },
          )
        : [];
      const byId = new Map(rows.map((r) => [r.referralId, r]));
      const decisionShown = new Set(decisions.map((d) => d.decisionId));
      // Staff, shifts and handover items are not a person's record: listed as they are, unaudited as reads of people.
      const notPersonal = (x: Member) => x.practitionerId !== undefined || x.shiftId !== undefined || x.handoverItemId !== undefined;
      const items = members
        .filter((x) =>
          notPersonal(x)
            ? true
            : x.decisionId !== undefined
              ? decisionShown.has(x.decisionId)
              : x.referralId !== null && byId.has(x.referralId),
        )
        .map((x) => ({
          referralId: x.referralId,
          reference: x.referralId === null ? null : byId.get(x.referralId)!.reference,
          assessmentId: x.assessmentId,
          ...(x.decisionId !== undefined ? { decisionId: x.decisionId } : {}),
          ...(x.practitionerId !== undefined ? { practitionerId: x.practitionerId } : {}),
          ...(x.shiftId !== undefined ? { shiftId: x.shiftId } : {}),
          ...(x.handoverItemId !== undefined ? { handoverItemId: x.handoverItemId } : {}),
          personId: x.personId,
          at: x.at.toISOString(),
        }));
      return { figure: q.figure, items, nextCursor: page.next && encodeCursor(page.next) };
    });
  }

  /**
   * The DoLS return (managers): the case rows of the period. Which decisions give rows is worked out first (codes
   * and dates only); then exactly those decisions are read, scoped and audited as reads of each person's decision.
   */
  async dolsReturn(actor: Actor, q: ReportSelectionQuery): Promise<DolsReturn> {
    const { period } = this.selection(q);
    // Blank when COUNCIL_NAME is not set: the council fills its name in before the return leaves.
    const council = this.config.councilName ?? '';
    const candidates = await this.build({ job: 'dols-cases', input: { period, timeZone: this.config.timeZone, council } });
    const rows = await this.db.transaction(async (m) => {
      const ids = candidates.map((c) => c.decisionId);
      const scope = this.access.scope(actor, 'person.read', 's.person_id', 2);
      const shown = ids.length
        ? await this.audit.selectAudited<{ decisionId: string }>(
            m,
            {
              sql: `SELECT s.decision_id AS "decisionId", s.person_id AS "personId", ${scope.basis} AS access_basis
                  FROM report_safeguarding_decisions s WHERE s.decision_id = ANY($1::uuid[]) AND ${scope.sql} ORDER BY s.occurred_at, s.decision_id`,
              params: [ids, ...scope.params],
              shown: ids.length,
              resourceColumn: 'decisionId',
              subjectColumn: 'personId',
              basisColumn: 'access_basis',
            },
            { action: 'decision.read', resourceType: 'decision', details: { via: 'report', report: 'returns-dols', period: period.label } },
          )
        : [];
      await this.audit.record(m, {
        action: 'report.read',
        resourceType: 'report',
        resourceId: 'returns-dols',
        accessBasis: can(actor.roles, 'reports.records').basis,
        details: { period: period.label, suppressed: false },
      });
      const visible = new Set(shown.map((x) => x.decisionId));
      return candidates.filter((c) => visible.has(c.decisionId));
    });
    return {
      report: 'returns-dols',
      title: 'DoLS return: case rows',
      period: { label: period.label, from: period.from, to: period.to },
      council,
      generatedAt: this.clock.now().toISOString(),
      definitions: DOLS_RETURN_DEFINITIONS,
      columns: DOLS_RETURN_COLUMNS.map(([key, label]) => ({ key, label })),
      rows,
    };
  }

  private selection(q: ReportSelectionQuery, name?: ReportName): { period: ReportPeriod; filters: ReportFilters } {
    const zone = this.config.timeZone;
    const period = parsePeriod(q, zone, localDate(this.clock.now(), zone));
    // The returns count what a return counts: a filter they cannot apply is refused rather than shown as if applied.
    const applies = name === undefined ? undefined : FILTERS_APPLYING[name];
    if (applies)
      for (const field of ['source', 'legalContext', 'team', 'hours'] as const)
        if (q[field] !== undefined && !applies.includes(field))
          throw new BadRequestProblem(`${field}: does not apply to the ${name} report`, [
            { field, messages: ['does not apply to this report'] },
          ]);
    const filters: ReportFilters = {};
    if (q.source !== undefined) filters.source = q.source;
    if (q.legalContext !== undefined) filters.legalContext = q.legalContext;
    if (q.team !== undefined) filters.team = q.team;
    if (q.hours !== undefined) filters.hours = q.hours;
    return { period, filters };
  }

  /** `now`: the instant the figures were built as at (the workforce report judges its statuses no later than today). */
  private definitions(name: ReportName, period: ReportPeriod, now: Date): string[] {
    if (name === 'returns-workforce-survey') return workforceSurveyDefinitions(period.to);
    if (name === 'returns-sac') return SAC_DEFINITIONS;
    if (name === 'data-quality') return DATA_QUALITY_DEFINITIONS;
    if (name === 'returns-guardianship') return GUARDIANSHIP_DEFINITIONS;
    if (name === 'activity') return ACTIVITY_DEFINITIONS;
    if (name === 'timeliness') return TIMELINESS_DEFINITIONS;
    if (name === 'equity') return [];
    if (name === 'repeat-assessments') return REPEAT_DEFINITIONS;
    if (name === 'out-of-area') return OUT_OF_AREA_DEFINITIONS;
    if (name === 'beds-and-conveyance') return BEDS_AND_CONVEYANCE_DEFINITIONS;
    if (name === 'workforce') return workforceDefinitions(period.to, localDate(now, this.config.timeZone));
    if (name === 'my-workload') return MY_WORKLOAD_DEFINITIONS;
    if (name === 'out-of-hours') return OUT_OF_HOURS_DEFINITIONS;
    return placesOfSafetyDefinitions(this.config.placeOfSafetyTargetMinutes);
  }

  /** What a report's figures depend on besides its rows (figures.read.ts). */
  private async figuresInput(name: ReportName, period: ReportPeriod, filters: ReportFilters, actor: Actor): Promise<FiguresInput> {
    const bankHolidays = new Set((await this.patterns.bankHolidays()).map((h) => h.date));
    return {
      name,
      sel: { period, filters, zone: this.config.timeZone, bankHolidays },
      now: this.clock.now(),
      userId: actor.userId,
      timeZone: this.config.timeZone,
      placeOfSafetyTargetMinutes: this.config.placeOfSafetyTargetMinutes,
      policy: {
        trainingHoursPerYear: this.config.trainingHoursPerYear,
        trainingMentalHealthHoursPerYear: this.config.trainingMentalHealthHoursPerYear,
        approvingCouncils: this.config.approvingCouncils,
      },
    };
  }

  /**
   * A report's rows read and its figures built in the reports' worker thread (figures.worker.ts): in one snapshot of
   * the database, on a connection of the thread's own, never on the API's event loop or in its heap.
   */
  private build<J extends ReportJob>(job: J): Promise<ReportAnswerTo<J>> {
    return this.builder.run(job) as Promise<ReportAnswerTo<J>>;
  }

  private async equityNotes(m: EntityManager, period: ReportPeriod): Promise<string[]> {
    const years = await populationYears(m);
    return equityDefinitions(populationYearFor(period, years), years);
  }
}
