import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { BadRequestProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { referralsReceivedOrScreenedSql } from '../referrals/referrals.tables';
import { PatternsService } from '../rota/patterns.service';
import { ACTIVITY_DEFINITIONS, activityFigures, type ActivityReferralRow } from './activity';
import type { RecordsQuery, ReportRecordsDto, ReportSelectionQuery } from './dto/reports.dto';
import { parsePeriod, type ReportPeriod } from './period';
import { placesOfSafetyDefinitions, placesOfSafetyFigures } from './places-of-safety';
import {
  figureKey,
  figureValue,
  type Member,
  type RawFigure,
  recordsLink,
  type Report,
  type ReportFilters,
  type ReportName,
  REPORT_TITLES,
} from './report.model';
import type { AssessmentRow, PlaceOfSafetyRow, ReferralRow, Selection } from './rows';
import { TIMELINESS_DEFINITIONS, timelinessFigures } from './timeliness';
import { equityDefinitions, equityFigures, type EquityAssessmentRow, type EquityReferralRow } from './equity';
import { OUT_OF_AREA_DEFINITIONS, outOfAreaFigures } from './out-of-area';
import { populationYearFor } from './populations';
import { PopulationsService } from './populations.service';
import { REPEAT_DEFINITIONS, repeatAssessmentFigures } from './repeat-assessments';
import { BEDS_AND_CONVEYANCE_DEFINITIONS, bedsAndConveyanceFigures } from './beds-and-conveyance';
import type { OpsAssessmentRow } from './ops-rows';
import { type DecisionRow, type HandoverItemRow, OUT_OF_HOURS_DEFINITIONS, outOfHoursFigures } from './out-of-hours';
import {
  type ApprovalRow,
  MY_WORKLOAD_DEFINITIONS,
  myWorkloadFigures,
  type PractitionerRow,
  type ShiftRow,
  type SupervisionRow,
  type TrainingRow,
  WORKFORCE_DEFINITIONS,
  workforceFigures,
  type WorkforceInput,
} from './workforce';
import { dolsReturnRow, type DecisionType, type DolsReturnRow } from '../safeguarding/decision.rules';
import {
  DATA_QUALITY_DEFINITIONS,
  dataQualityFigures,
  DOLS_RETURN_COLUMNS,
  dolsReturnCases,
  type DolsReturnCase,
  GUARDIANSHIP_DEFINITIONS,
  guardianshipFigures,
  type GuardianshipRow,
  type DataQualityStepRow,
  type ReferralPersonRow,
  SAC_DEFINITIONS,
  sacFigures,
  type SafeguardingRow,
  type WorkforceRow,
  workforceSurveyDefinitions,
  workforceSurveyFigures,
} from './returns';

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

/**
 * An instant column read as epoch milliseconds. node-postgres parses a float8 with parseFloat, where a timestamptz goes
 * through a regular expression and a Date built from its parts: on ten years of rows that was most of the time a report
 * spent in Node. `withDates` turns the columns back into Dates: the same instants, to the millisecond (truncated, as the
 * timestamp parser does for an instant after 1970).
 */
const epochMs = (column: string, alias: string): string => `floor(extract(epoch FROM ${column}) * 1000)::float8 AS "${alias}"`;

/** The rows with the named columns (epoch milliseconds, or null) as Dates. */
function withDates<T extends object>(rows: T[], instants: ReadonlyArray<keyof T>): T[] {
  for (const row of rows)
    for (const key of instants) {
      const v: unknown = row[key];
      if (typeof v === 'number') (row as Record<keyof T, unknown>)[key] = new Date(v);
    }
  return rows;
}

const REFERRAL_INSTANTS = [
  'receivedAt',
  'screenedAt',
  'allocatedAt',
  'doctorsRequestedAt',
  'doctorsArrivedAt',
  'interviewAt',
  'decisionAt',
  'applicationAt',
  'admittedAt',
] as const satisfies ReadonlyArray<keyof ReferralRow>;
const REFERRAL_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       ${epochMs('received_at', 'receivedAt')}, ${epochMs('screened_at', 'screenedAt')}, screening_result AS "screeningResult",
       ${epochMs('allocated_at', 'allocatedAt')}, assessment_id AS "assessmentId", ${epochMs('doctors_requested_at', 'doctorsRequestedAt')},
       ${epochMs('doctors_arrived_at', 'doctorsArrivedAt')}, ${epochMs('interview_at', 'interviewAt')}, ${epochMs('decision_at', 'decisionAt')},
       ${epochMs('application_at', 'applicationAt')}, ${epochMs('admitted_at', 'admittedAt')}
  FROM report_referral_steps`;
const OPENED_DECIDED = ['openedAt', 'decidedAt'] as const satisfies ReadonlyArray<keyof AssessmentRow & keyof EquityAssessmentRow>;
const ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, ${epochMs('opened_at', 'openedAt')}, ${epochMs('decided_at', 'decidedAt')}, outcome_kind AS "outcomeKind",
       section, cto_decision AS "ctoDecision", alternatives, last_delay_reason AS "lastDelayReason"
  FROM report_assessments`;
const PLACE_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       received_at AS "receivedAt", place_type AS "placeType", under_18 AS "under18", arrived_at AS "arrivedAt",
       assessment_started_at AS "assessmentStartedAt", extension_hours AS "extensionHours", extension_reason AS "extensionReason",
       assessment_id AS "assessmentId", outcome_kind AS "outcomeKind", section, alternatives
  FROM report_places_of_safety`;
const EQUITY_ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, ${epochMs('opened_at', 'openedAt')}, ${epochMs('decided_at', 'decidedAt')}, outcome_kind AS "outcomeKind",
       section, ethnic_category AS "ethnicCategory", sex, age_years AS "ageYears"
  FROM report_equity_assessments`;
const RECEIVED = ['receivedAt'] as const satisfies ReadonlyArray<keyof EquityReferralRow & keyof ReferralRow & keyof ReferralPersonRow>;
const EQUITY_REFERRAL_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       ${epochMs('received_at', 'receivedAt')}, status, other_authority AS "otherAuthority", transferred_to AS "transferredTo", assessed,
       ethnic_category AS "ethnicCategory", sex, age_years AS "ageYears"
  FROM report_equity_referrals`;
/** How far back a repeat is looked for: 12 months and a day (a month is at most 31 days). */
const REPEAT_LOOKBACK = "interval '12 months 1 day'";
const OPS_INSTANTS = [
  'openedAt',
  'decidedAt',
  'applicationAt',
  'bedIdentifiedAt',
  'conveyanceArrivedAt',
  'admittedAt',
] as const satisfies ReadonlyArray<keyof OpsAssessmentRow>;
const OPS_ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, lead_amhp_user_id AS "leadAmhpUserId", ${epochMs('opened_at', 'openedAt')},
       ${epochMs('decided_at', 'decidedAt')}, outcome_kind AS "outcomeKind", section, cto_decision AS "ctoDecision", alternatives,
       ${epochMs('application_at', 'applicationAt')}, ${epochMs('bed_identified_at', 'bedIdentifiedAt')}, bed_out_of_area AS "bedOutOfArea",
       ${epochMs('conveyance_arrived_at', 'conveyanceArrivedAt')}, conveyance_mode AS "conveyanceMode", ${epochMs('admitted_at', 'admittedAt')},
       last_delay_reason AS "lastDelayReason"
  FROM report_assessment_ops`;

const DECISION_ROWS = `SELECT decision_id AS "decisionId", type, person_id AS "personId", occurred_at AS "occurredAt", sac, s42_duty AS "s42Duty",
       enquiry_delegated AS "enquiryDelegated", dols, managing_authority AS "managingAuthority", sex, to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth",
       approximate_age AS "approximateAge", ethnic_category AS "ethnicCategory"
  FROM report_safeguarding_decisions`;
const PERSON_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", ${epochMs('received_at', 'receivedAt')}, sex,
       to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", ethnic_category AS "ethnicCategory"
  FROM report_referral_people`;

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
 * timeliness.ts, places-of-safety.ts) turn them into figures. The figures hold no person data; the list of records
 * behind a figure is a read of those people, scoped and audited like every other list.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly patterns: PatternsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly populations: PopulationsService,
  ) {}

  async report(actor: Actor, name: ReportName, q: ReportSelectionQuery & { suppress?: boolean }): Promise<Report> {
    const { period, filters } = this.selection(q, name);
    const suppress = q.suppress === true || alwaysSuppressed(actor);
    const links = can(actor.roles, 'reports.records').allowed;
    let notes: string[] = [];
    const raw = await this.db.transaction(async (m) => {
      const figures = await this.figures(m, name, period, filters, actor);
      if (name === 'equity') notes = await this.equityNotes(m, period);
      await this.audit.record(m, {
        action: 'report.read',
        resourceType: 'report',
        resourceId: name,
        accessBasis:
          name === 'my-workload' ? can(actor.roles, 'reports.workload', { owns: true }).basis : can(actor.roles, 'reports.read').basis,
        details: { period: period.label, ...filters, suppressed: suppress },
      });
      return figures;
    });
    return {
      report: name,
      title: REPORT_TITLES[name],
      period: { label: period.label, from: period.from, to: period.to },
      filters,
      suppressed: suppress,
      generatedAt: this.clock.now().toISOString(),
      definitions: [...this.definitions(name, period), ...notes],
      figures: raw.map((f) => ({
        section: f.section,
        sectionLabel: f.sectionLabel,
        group: f.group,
        groupLabel: f.groupLabel,
        measure: f.measure,
        measureLabel: f.measureLabel,
        unit: f.unit,
        value: figureValue(f, suppress),
        ...(links ? { records: recordsLink(name, figureKey(f), period, filters) } : {}),
      })),
    };
  }

  /**
   * The records behind one figure: the referrals (and assessments) or out-of-hours decisions it counts, limited to the
   * people the caller may read, each shown audited as a read of that person's referral or decision in the same
   * statement; or the staff, shifts or handover items it counts (no person's record: listed as they are).
   */
  async records(actor: Actor, name: ReportName, q: RecordsQuery): Promise<ReportRecordsDto> {
    const { period, filters } = this.selection(q, name);
    return this.db.transaction(async (m) => {
      const figure = (await this.figures(m, name, period, filters, actor)).find((f) => figureKey(f) === q.figure);
      if (!figure)
        throw new BadRequestProblem(`figure: ${name} has no figure ${q.figure} for this period`, [
          { field: 'figure', messages: ['is not a figure of this report'] },
        ]);
      const referralIds = [...new Set(figure.members.flatMap((x) => (x.referralId === null ? [] : [x.referralId])))];
      const decisionIds = [...new Set(figure.members.flatMap((x) => (x.decisionId === undefined ? [] : [x.decisionId])))];
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
      const key = (x: Member) => x.referralId ?? x.decisionId ?? x.practitionerId ?? x.shiftId ?? x.handoverItemId ?? '';
      const items = figure.members
        .filter((x) =>
          notPersonal(x)
            ? true
            : x.decisionId !== undefined
              ? decisionShown.has(x.decisionId)
              : x.referralId !== null && byId.has(x.referralId),
        )
        .sort((a, b) => a.at.getTime() - b.at.getTime() || key(a).localeCompare(key(b)))
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
      return { figure: q.figure, items };
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
    const rows = await this.db.transaction(async (m) => {
      // A request's local date can be a day either side of its UTC instant: read a day more each way, then keep the period's.
      const window = [new Date(period.start.getTime() - 86_400_000), new Date(period.end.getTime() + 86_400_000)];
      const candidates = dolsReturnCases(
        period,
        await this.decisionRows(
          m,
          `type IN ('dols-urgent-authorisation', 'dols-extension') AND (dols->>'standardRequestedAt')::timestamptz >= $1 AND (dols->>'standardRequestedAt')::timestamptz < $2`,
          window,
        ),
        council,
      );
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

  /** Signed decisions of the view matching `where`, each with its DoLS return row (null unless a DoLS request). */
  private async decisionRows(
    m: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<Array<SafeguardingRow & { row: DolsReturnRow | null }>> {
    const rows = await m.query<SafeguardingRow[]>(`${DECISION_ROWS} WHERE ${where}`, params);
    return rows.map((r) => ({
      ...r,
      approximateAge: r.approximateAge === null ? null : Number(r.approximateAge),
      row: r.dols ? dolsReturnRow(r.type as DecisionType, r.dols, this.config.timeZone) : null,
    }));
  }

  private selection(q: ReportSelectionQuery, name?: ReportName): { period: ReportPeriod; filters: ReportFilters } {
    const period = parsePeriod(q, this.config.timeZone);
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

  private definitions(name: ReportName, period?: ReportPeriod): string[] {
    if (name === 'returns-workforce-survey') return workforceSurveyDefinitions(period?.to ?? '');
    if (name === 'returns-sac') return SAC_DEFINITIONS;
    if (name === 'data-quality') return DATA_QUALITY_DEFINITIONS;
    if (name === 'returns-guardianship') return GUARDIANSHIP_DEFINITIONS;
    if (name === 'activity') return ACTIVITY_DEFINITIONS;
    if (name === 'timeliness') return TIMELINESS_DEFINITIONS;
    if (name === 'equity') return [];
    if (name === 'repeat-assessments') return REPEAT_DEFINITIONS;
    if (name === 'out-of-area') return OUT_OF_AREA_DEFINITIONS;
    if (name === 'beds-and-conveyance') return BEDS_AND_CONVEYANCE_DEFINITIONS;
    if (name === 'workforce') return WORKFORCE_DEFINITIONS;
    if (name === 'my-workload') return MY_WORKLOAD_DEFINITIONS;
    if (name === 'out-of-hours') return OUT_OF_HOURS_DEFINITIONS;
    return placesOfSafetyDefinitions(this.config.placeOfSafetyTargetMinutes);
  }

  /** The raw figures of a report: its rows read in `m`, then the pure builder. */
  private async figures(
    m: EntityManager,
    name: ReportName,
    period: ReportPeriod,
    filters: ReportFilters,
    actor: Actor,
  ): Promise<RawFigure[]> {
    const holidays = new Set((await this.patterns.bankHolidays()).map((h) => h.date));
    const sel: Selection = { period, filters, zone: this.config.timeZone, bankHolidays: holidays };
    const range = [period.start, period.end];
    if (name === 'returns-sac') {
      const rows = await m.query<SafeguardingRow[]>(
        `${DECISION_ROWS} WHERE type = 'adult-safeguarding' AND occurred_at >= $1 AND occurred_at < $2`,
        range,
      );
      return sacFigures({ ...sel, filters: filters.hours === undefined ? {} : { hours: filters.hours } }, rows);
    }
    if (name === 'returns-workforce-survey') {
      const rows = await m.query<WorkforceRow[]>(
        `SELECT practitioner_id AS "practitionerId", profession, fte, team, skills, active, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn",
                to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn"
           FROM report_workforce WHERE starts_on <= $1::date AND ends_on >= $1::date`,
        [period.to],
      );
      return workforceSurveyFigures(period.to, rows, new Date(period.end.getTime() - 1));
    }
    if (name === 'returns-guardianship') {
      const rows = await m.query<GuardianshipRow[]>(
        `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", sex, signed_at AS "signedAt",
                guardian_type AS "guardianType", accepted_at AS "acceptedAt"
           FROM report_guardianship WHERE (signed_at >= $1 AND signed_at < $2) OR (accepted_at >= $1 AND accepted_at < $2)`,
        range,
      );
      return guardianshipFigures(sel, rows);
    }
    if (name === 'data-quality') {
      const [people, steps, decisions] = [
        withDates(await m.query<ReferralPersonRow[]>(`${PERSON_ROWS} WHERE received_at >= $1 AND received_at < $2`, range), RECEIVED),
        // The candidates first, by index (a referral with an assessment decided in the period), so the view's steps are
        // computed for those referrals only; then exactly those whose first assessment was decided in the period. Only
        // the steps the report checks: the view then skips the referrals' own events.
        withDates(
          await m.query<DataQualityStepRow[]>(
            `SELECT referral_id AS "referralId", person_id AS "personId", assessment_id AS "assessmentId",
                    ${epochMs('decision_at', 'decisionAt')}, ${epochMs('interview_at', 'interviewAt')},
                    ${epochMs('doctors_requested_at', 'doctorsRequestedAt')}, ${epochMs('doctors_arrived_at', 'doctorsArrivedAt')}
               FROM report_referral_steps
              WHERE referral_id IN (SELECT referral_id FROM report_assessments WHERE decided_at >= $1 AND decided_at < $2)
                AND decision_at >= $1 AND decision_at < $2`,
            range,
          ),
          ['decisionAt', 'interviewAt', 'doctorsRequestedAt', 'doctorsArrivedAt'],
        ),
        await this.decisionRows(m, `occurred_at >= $1 AND occurred_at < $2`, range),
      ];
      return dataQualityFigures(sel, people, steps, decisions);
    }
    if (name === 'activity') {
      const [referrals, assessments] = [
        withDates(
          await m.query<ActivityReferralRow[]>(
            // The candidates first, by index (received in the period, or with a screening decision in it), so the view's
            // steps are computed for those referrals only; then exactly the rows received or first screened in the period.
            // Only the columns activity counts by: the view then skips the assessments' timelines.
            `SELECT referral_id AS "referralId", person_id AS "personId", assessment_id AS "assessmentId", source,
                    legal_context AS "legalContext", team, ${epochMs('received_at', 'receivedAt')}, ${epochMs('screened_at', 'screenedAt')},
                    screening_result AS "screeningResult"
               FROM report_referral_steps
              WHERE referral_id IN (${referralsReceivedOrScreenedSql('$1', '$2')})
                AND ((received_at >= $1 AND received_at < $2) OR (screened_at >= $1 AND screened_at < $2))`,
            range,
          ),
          ['receivedAt', 'screenedAt'],
        ),
        withDates(
          await m.query<AssessmentRow[]>(
            `${ASSESSMENT_ROWS} WHERE (opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2)`,
            range,
          ),
          OPENED_DECIDED,
        ),
      ];
      return activityFigures(sel, referrals, assessments);
    }
    if (name === 'timeliness') {
      return timelinessFigures(
        sel,
        withDates(await m.query<ReferralRow[]>(`${REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range), REFERRAL_INSTANTS),
      );
    }
    if (name === 'equity') {
      const years = await this.populations.years(m);
      const year = populationYearFor(period, years);
      return equityFigures(
        sel,
        withDates(
          await m.query<EquityAssessmentRow[]>(
            `${EQUITY_ASSESSMENT_ROWS} WHERE opened_at >= $1::timestamptz - ${REPEAT_LOOKBACK} AND opened_at < $2 OR (decided_at >= $1 AND decided_at < $2)`,
            range,
          ),
          OPENED_DECIDED,
        ),
        withDates(
          await m.query<EquityReferralRow[]>(`${EQUITY_REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range),
          RECEIVED,
        ),
        year === undefined ? [] : await this.populations.rows(m, year),
      );
    }
    if (name === 'repeat-assessments') {
      return repeatAssessmentFigures(
        sel,
        withDates(
          await m.query<AssessmentRow[]>(
            `${ASSESSMENT_ROWS} WHERE opened_at >= $1::timestamptz - ${REPEAT_LOOKBACK} AND opened_at < $2 OR (decided_at >= $1 AND decided_at < $2)`,
            range,
          ),
          OPENED_DECIDED,
        ),
        // Only who was referred and when: the referrals' people, not their steps.
        withDates(
          await m.query<Array<Pick<ReferralRow, 'personId' | 'receivedAt'>>>(
            `SELECT person_id AS "personId", ${epochMs('received_at', 'receivedAt')} FROM report_referral_people
              WHERE received_at >= $1 AND received_at < $2::timestamptz + interval '91 days'`,
            range,
          ),
          RECEIVED,
        ),
        this.clock.now(),
      );
    }
    if (name === 'out-of-area') {
      return outOfAreaFigures(
        sel,
        withDates(
          await m.query<EquityReferralRow[]>(`${EQUITY_REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range),
          RECEIVED,
        ),
      );
    }
    if (name === 'beds-and-conveyance' || name === 'workforce' || name === 'my-workload' || name === 'out-of-hours')
      return this.opsFigures(m, name, sel, actor);
    const rows = await m.query<PlaceOfSafetyRow[]>(
      `${PLACE_ROWS} WHERE coalesce(arrived_at, received_at) >= $1 AND coalesce(arrived_at, received_at) < $2`,
      range,
    );
    return placesOfSafetyFigures(
      sel,
      rows.map((r) => ({ ...r, extensionHours: r.extensionHours === null ? null : Number(r.extensionHours) })),
      this.config.placeOfSafetyTargetMinutes,
      this.clock.now(),
    );
  }

  /** The equity report's definitions: which population year its rates use, or that none is loaded. */
  private async equityNotes(m: EntityManager, period: ReportPeriod): Promise<string[]> {
    const years = await this.populations.years(m);
    return equityDefinitions(populationYearFor(period, years), years);
  }

  /** The operational reports: beds and conveyance, workforce and rota, an AMHP's own workload, out-of-hours decisions. */
  private async opsFigures(
    m: EntityManager,
    name: 'beds-and-conveyance' | 'workforce' | 'my-workload' | 'out-of-hours',
    sel: Selection,
    actor: Actor,
  ): Promise<RawFigure[]> {
    const { start, end } = sel.period;
    if (name === 'beds-and-conveyance') {
      // Decided in the period, or an application signed in the 14 days before its end (those waiting then): the
      // candidates by index first, so the view's timeline facts are computed for those assessments only.
      const rows = withDates(
        await m.query<OpsAssessmentRow[]>(
          `${OPS_ASSESSMENT_ROWS}
          WHERE assessment_id IN (SELECT assessment_id FROM report_assessments WHERE decided_at >= $1 AND decided_at < $2
                                  UNION SELECT assessment_id FROM report_application_signings WHERE signed_at >= $3 AND signed_at < $2)
            AND ((decided_at >= $1 AND decided_at < $2) OR (application_at >= $3 AND application_at < $2))`,
          [start, end, new Date(Math.min(end.getTime(), this.clock.now().getTime()) - 14 * 86_400_000)],
        ),
        OPS_INSTANTS,
      );
      return bedsAndConveyanceFigures(sel, rows, this.clock.now());
    }
    if (name === 'my-workload') {
      const rows = withDates(
        await m.query<OpsAssessmentRow[]>(
          `${OPS_ASSESSMENT_ROWS} WHERE lead_amhp_user_id = $3 AND ((opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2))`,
          [start, end, actor.userId],
        ),
        OPS_INSTANTS,
      );
      return myWorkloadFigures(sel, rows);
    }
    if (name === 'out-of-hours') {
      const [decisions, items] = [
        await m.query<DecisionRow[]>(
          `SELECT decision_id AS "decisionId", type, person_id AS "personId", occurred_at AS "occurredAt", signed_at AS "signedAt", sac,
                  extension_decision AS "extensionDecision", extension_days AS "extensionDays"
             FROM report_decisions WHERE occurred_at >= $1 AND occurred_at < $2`,
          [start, end],
        ),
        await m.query<HandoverItemRow[]>(
          `SELECT item_id AS "itemId", item_type AS "itemType", compiled_at AS "compiledAt", acknowledged_at AS "acknowledgedAt"
             FROM report_handover_items WHERE compiled_at >= $1 AND compiled_at < $2`,
          [start, end],
        ),
      ];
      return outOfHoursFigures(sel, decisions, items);
    }
    const [practitioners, approvals, training, supervision, shifts, assessments] = [
      await m.query<PractitionerRow[]>(
        `SELECT practitioner_id AS "practitionerId", user_id AS "userId", profession, team, fte, active,
                supervision_interval_days AS "supervisionIntervalDays", created_at AS "createdAt" FROM report_practitioners`,
      ),
      await m.query<ApprovalRow[]>(
        `SELECT practitioner_id AS "practitionerId", starts_on AS "startsOn", ends_on AS "endsOn", ended_on AS "endedOn" FROM report_approvals`,
      ),
      await m.query<TrainingRow[]>(
        `SELECT practitioner_id AS "practitionerId", completed_on AS "completedOn", hours, mental_health_specific AS "mentalHealthSpecific"
           FROM report_training WHERE completed_on <= $1`,
        [sel.period.to],
      ),
      await m.query<SupervisionRow[]>(
        `SELECT practitioner_id AS "practitionerId", held_on AS "heldOn", type FROM report_supervision WHERE held_on <= $1`,
        [sel.period.to],
      ),
      await m.query<ShiftRow[]>(
        `SELECT shift_id AS "shiftId", starts_at AS "startsAt", ends_at AS "endsAt", required_count AS "requiredCount",
                assigned_count AS "assignedCount" FROM report_shifts WHERE starts_at >= $1 AND starts_at < $2`,
        [start, end],
      ),
      // The assessments opened, with what the rota's figures select them by only: the view then skips their timelines.
      withDates(
        await m.query<WorkforceInput['assessments'][number][]>(
          `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
                  legal_context AS "legalContext", team, ${epochMs('opened_at', 'openedAt')}
             FROM report_assessment_ops WHERE opened_at >= $1 AND opened_at < $2`,
          [start, end],
        ),
        ['openedAt'],
      ),
    ];
    return workforceFigures(sel, { practitioners, approvals, training, supervision, shifts, assessments }, this.config);
  }
}
