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
import { ACTIVITY_DEFINITIONS, activityFigures } from './activity';
import type { RecordsQuery, ReportRecordsDto, ReportSelectionQuery } from './dto/reports.dto';
import { parsePeriod, type ReportPeriod } from './period';
import { placesOfSafetyDefinitions, placesOfSafetyFigures } from './places-of-safety';
import {
  figureKey,
  figureValue,
  type RawFigure,
  recordsLink,
  type Report,
  type ReportFilters,
  type ReportName,
  REPORT_TITLES,
} from './report.model';
import type { AssessmentRow, PlaceOfSafetyRow, ReferralRow, Selection } from './rows';
import { TIMELINESS_DEFINITIONS, timelinessFigures } from './timeliness';

const REFERRAL_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       received_at AS "receivedAt", screened_at AS "screenedAt", screening_result AS "screeningResult", allocated_at AS "allocatedAt",
       assessment_id AS "assessmentId", doctors_requested_at AS "doctorsRequestedAt", doctors_arrived_at AS "doctorsArrivedAt",
       interview_at AS "interviewAt", decision_at AS "decisionAt", application_at AS "applicationAt", admitted_at AS "admittedAt"
  FROM report_referral_steps`;
const ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, opened_at AS "openedAt", decided_at AS "decidedAt", outcome_kind AS "outcomeKind",
       section, cto_decision AS "ctoDecision", alternatives, last_delay_reason AS "lastDelayReason"
  FROM report_assessments`;
const PLACE_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       received_at AS "receivedAt", place_type AS "placeType", under_18 AS "under18", arrived_at AS "arrivedAt",
       assessment_started_at AS "assessmentStartedAt", extension_hours AS "extensionHours", extension_reason AS "extensionReason",
       assessment_id AS "assessmentId", outcome_kind AS "outcomeKind", section, alternatives
  FROM report_places_of_safety`;

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
  ) {}

  async report(actor: Actor, name: ReportName, q: ReportSelectionQuery & { suppress?: boolean }): Promise<Report> {
    const { period, filters } = this.selection(q);
    const suppress = q.suppress === true || alwaysSuppressed(actor);
    const links = can(actor.roles, 'reports.records').allowed;
    const raw = await this.db.transaction(async (m) => {
      const figures = await this.figures(m, name, period, filters);
      await this.audit.record(m, {
        action: 'report.read',
        resourceType: 'report',
        resourceId: name,
        accessBasis: can(actor.roles, 'reports.read').basis,
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
      definitions: this.definitions(name),
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
   * The records behind one figure: the referrals (and assessments) it counts, limited to the people the caller may
   * read, each shown audited as a read of that person's referral in the same statement.
   */
  async records(actor: Actor, name: ReportName, q: RecordsQuery): Promise<ReportRecordsDto> {
    const { period, filters } = this.selection(q);
    return this.db.transaction(async (m) => {
      const figure = (await this.figures(m, name, period, filters)).find((f) => figureKey(f) === q.figure);
      if (!figure)
        throw new BadRequestProblem(`figure: ${name} has no figure ${q.figure} for this period`, [
          { field: 'figure', messages: ['is not a figure of this report'] },
        ]);
      const ids = [...new Set(figure.members.map((x) => x.referralId))];
      const scope = this.access.scope(actor, 'person.read', 's.person_id', 2);
      const rows = await this.audit.selectAudited<{ referralId: string; reference: string; personId: string }>(
        m,
        {
          sql: `SELECT s.referral_id AS "referralId", s.reference, s.person_id AS "personId", ${scope.basis} AS access_basis
                  FROM report_referral_steps s WHERE s.referral_id = ANY($1::uuid[]) AND ${scope.sql} ORDER BY s.received_at, s.referral_id`,
          params: [ids, ...scope.params],
          shown: ids.length,
          resourceColumn: 'referralId',
          subjectColumn: 'personId',
          basisColumn: 'access_basis',
        },
        { action: 'referral.read', resourceType: 'referral', details: { via: 'report', report: name, figure: q.figure } },
      );
      const byId = new Map(rows.map((r) => [r.referralId, r]));
      const items = figure.members
        .filter((x) => byId.has(x.referralId))
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.referralId.localeCompare(b.referralId))
        .map((x) => ({
          referralId: x.referralId,
          reference: byId.get(x.referralId)!.reference,
          assessmentId: x.assessmentId,
          personId: x.personId,
          at: x.at.toISOString(),
        }));
      return { figure: q.figure, items };
    });
  }

  private selection(q: ReportSelectionQuery): { period: ReportPeriod; filters: ReportFilters } {
    const period = parsePeriod(q, this.config.timeZone);
    const filters: ReportFilters = {};
    if (q.source !== undefined) filters.source = q.source;
    if (q.legalContext !== undefined) filters.legalContext = q.legalContext;
    if (q.team !== undefined) filters.team = q.team;
    if (q.hours !== undefined) filters.hours = q.hours;
    return { period, filters };
  }

  private definitions(name: ReportName): string[] {
    if (name === 'activity') return ACTIVITY_DEFINITIONS;
    if (name === 'timeliness') return TIMELINESS_DEFINITIONS;
    return placesOfSafetyDefinitions(this.config.placeOfSafetyTargetMinutes);
  }

  /** The raw figures of a report: its rows read in `m`, then the pure builder. */
  private async figures(m: EntityManager, name: ReportName, period: ReportPeriod, filters: ReportFilters): Promise<RawFigure[]> {
    const holidays = new Set((await this.patterns.bankHolidays()).map((h) => h.date));
    const sel: Selection = { period, filters, zone: this.config.timeZone, bankHolidays: holidays };
    const range = [period.start, period.end];
    if (name === 'activity') {
      const [referrals, assessments] = [
        await m.query<ReferralRow[]>(
          // The candidates first, by index (received in the period, or with a screening decision in it), so the view's
          // steps are computed for those referrals only; then exactly the rows received or first screened in the period.
          `${REFERRAL_ROWS} WHERE referral_id IN (${referralsReceivedOrScreenedSql('$1', '$2')})
              AND ((received_at >= $1 AND received_at < $2) OR (screened_at >= $1 AND screened_at < $2))`,
          range,
        ),
        await m.query<AssessmentRow[]>(
          `${ASSESSMENT_ROWS} WHERE (opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2)`,
          range,
        ),
      ];
      return activityFigures(sel, referrals, assessments);
    }
    if (name === 'timeliness') {
      return timelinessFigures(sel, await m.query<ReferralRow[]>(`${REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range));
    }
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
}
