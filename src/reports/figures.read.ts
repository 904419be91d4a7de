/**
 * What each report reads and builds: its rows read through a Queryable (the API's transaction, or the reports' worker
 * thread's own connection: figures.worker.ts), then the pure builders (activity.ts, timeliness.ts, returns.ts, ...).
 * No Nest here: everything a report needs from the app (its time zone, the bank holidays, the moment it is asked,
 * the caller) comes in its input, so that it runs the same in either thread.
 */
import { referralsReceivedOrScreenedSql } from '../referrals/referrals.tables';
import { localDate } from '../statute/time';
import { dolsReturnRow, type DecisionType, type DolsReturnRow } from '../safeguarding/decision.rules';
import type { WorkforcePolicy } from '../workforce/workforce.rules';
import { activityFigures, type ActivityReferralRow } from './activity';
import { bedsAndConveyanceFigures } from './beds-and-conveyance';
import { equityFigures, type EquityAssessmentRow, type EquityReferralRow } from './equity';
import type { OpsAssessmentRow } from './ops-rows';
import { outOfAreaFigures } from './out-of-area';
import { type DecisionRow, type HandoverItemRow, outOfHoursFigures } from './out-of-hours';
import type { ReportPeriod } from './period';
import { oneRowPerDetention, placesOfSafetyFigures } from './places-of-safety';
import { populationYearFor, type PopulationRow } from './populations';
import { repeatAssessmentFigures } from './repeat-assessments';
import type { RawFigure, ReportName } from './report.model';
import {
  dataQualityFigures,
  dolsReturnCases,
  type DolsReturnCase,
  guardianshipFigures,
  type GuardianshipRow,
  type DataQualityStepRow,
  type ReferralPersonRow,
  sacFigures,
  type SafeguardingRow,
  type WorkforceRow,
  workforceSurveyFigures,
} from './returns';
import type { AssessmentRow, PlaceOfSafetyRow, ReferralRow, Selection } from './rows';
import { timelinessFigures } from './timeliness';
import {
  type ApprovalRow,
  myWorkloadFigures,
  type PractitionerRow,
  type ShiftRow,
  type SupervisionRow,
  type TrainingRow,
  workforceFigures,
  type WorkforceInput,
} from './workforce';

/** What a report's rows are read through: a transaction's EntityManager, or the worker's own connection. */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T>;
}

/** Everything a report's figures depend on besides its rows. */
export interface FiguresInput {
  name: ReportName;
  sel: Selection;
  /** The moment the report is asked for (what is still waiting is waiting now). */
  now: Date;
  /** The caller (my-workload counts their own assessments). */
  userId: string;
  timeZone: string;
  placeOfSafetyTargetMinutes: number;
  policy: Pick<WorkforcePolicy, 'trainingHoursPerYear' | 'trainingMentalHealthHoursPerYear' | 'approvingCouncils'>;
}

/** What the DoLS return's case rows depend on besides the decisions. */
export interface DolsCasesInput {
  period: ReportPeriod;
  timeZone: string;
  council: string;
}

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
  'withdrawnAt',
] as const satisfies ReadonlyArray<keyof ReferralRow>;
const REFERRAL_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       ${epochMs('received_at', 'receivedAt')}, ${epochMs('screened_at', 'screenedAt')}, screening_result AS "screeningResult",
       ${epochMs('allocated_at', 'allocatedAt')}, assessment_id AS "assessmentId", ${epochMs('doctors_requested_at', 'doctorsRequestedAt')},
       ${epochMs('doctors_arrived_at', 'doctorsArrivedAt')}, ${epochMs('interview_at', 'interviewAt')}, ${epochMs('decision_at', 'decisionAt')},
       ${epochMs('application_at', 'applicationAt')}, ${epochMs('admitted_at', 'admittedAt')}, ${epochMs('withdrawn_at', 'withdrawnAt')},
       linked_at_intake AS "linkedAtIntake"
  FROM report_referral_steps`;
const OPENED_DECIDED = ['openedAt', 'decidedAt'] as const satisfies ReadonlyArray<keyof AssessmentRow & keyof EquityAssessmentRow>;
const ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, ${epochMs('opened_at', 'openedAt')}, ${epochMs('decided_at', 'decidedAt')}, outcome_kind AS "outcomeKind",
       section, cto_decision AS "ctoDecision", alternatives, last_delay_reason AS "lastDelayReason"
  FROM report_assessments`;
const PLACE_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       received_at AS "receivedAt", place_type AS "placeType", under_18 AS "under18", arrived_at AS "arrivedAt",
       assessment_started_at AS "assessmentStartedAt", extension_hours AS "extensionHours", extension_reason AS "extensionReason",
       assessment_id AS "assessmentId", outcome_kind AS "outcomeKind", section, alternatives, continues_referral_id AS "continuesReferralId",
       withdrawn_at AS "withdrawnAt", linked_at_intake AS "linkedAtIntake"
  FROM report_places_of_safety`;
const EQUITY_ASSESSMENT_ROWS = `SELECT assessment_id AS "assessmentId", referral_id AS "referralId", person_id AS "personId", source,
       legal_context AS "legalContext", team, ${epochMs('opened_at', 'openedAt')}, ${epochMs('decided_at', 'decidedAt')}, outcome_kind AS "outcomeKind",
       section, ethnic_category AS "ethnicCategory", sex, age_years AS "ageYears", age_years_decided AS "ageYearsDecided"
  FROM report_equity_assessments`;
const RECEIVED = ['receivedAt'] as const satisfies ReadonlyArray<keyof EquityReferralRow & keyof ReferralRow & keyof ReferralPersonRow>;
const RECEIVED_WITHDRAWN = ['receivedAt', 'withdrawnAt'] as const satisfies ReadonlyArray<keyof EquityReferralRow & keyof ReferralRow>;
const EQUITY_REFERRAL_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", source, legal_context AS "legalContext", team,
       ${epochMs('received_at', 'receivedAt')}, status, other_authority AS "otherAuthority", transferred_to AS "transferredTo", assessed,
       ethnic_category AS "ethnicCategory", sex, age_years AS "ageYears", ${epochMs('withdrawn_at', 'withdrawnAt')}, linked_at_intake AS "linkedAtIntake"
  FROM report_equity_referrals`;
/** How far back a repeat is looked for: 12 months and a day (a month is at most 31 days). */
const REPEAT_LOOKBACK = "interval '12 months 1 day'";
/** The assessments a repeat is counted among: opened from the lookback before the period to its end, or decided in it. */
const OPENED_SINCE_LOOKBACK_OR_DECIDED = `WHERE opened_at >= $1::timestamptz - ${REPEAT_LOOKBACK} AND opened_at < $2 OR (decided_at >= $1 AND decided_at < $2)`;
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
       approximate_age AS "approximateAge", ethnic_category AS "ethnicCategory", seq::float8 AS seq
  FROM report_safeguarding_decisions`;
const PERSON_ROWS = `SELECT referral_id AS "referralId", person_id AS "personId", ${epochMs('received_at', 'receivedAt')}, sex,
       to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", ethnic_category AS "ethnicCategory"
  FROM report_referral_people`;

/** Signed decisions of the view matching `where`, each with its DoLS return row (null unless a DoLS request). */
async function decisionRows(
  m: Queryable,
  timeZone: string,
  where: string,
  params: unknown[],
): Promise<Array<SafeguardingRow & { row: DolsReturnRow | null }>> {
  const rows = await m.query<SafeguardingRow[]>(`${DECISION_ROWS} WHERE ${where}`, params);
  return rows.map((r) => ({
    ...r,
    approximateAge: r.approximateAge === null ? null : Number(r.approximateAge),
    row: r.dols ? dolsReturnRow(r.type as DecisionType, r.dols, timeZone) : null,
  }));
}

/**
 * The DoLS return's case rows for a period (codes and dates only, no one's record read yet): the signed DoLS decisions
 * about requests made in it, the latest decision about each request giving its row.
 */
export async function readDolsReturnCases(m: Queryable, input: DolsCasesInput): Promise<DolsReturnCase[]> {
  const { period } = input;
  // A request's local date can be a day either side of its UTC instant: read a day more each way, then keep the period's.
  const window = [new Date(period.start.getTime() - 86_400_000), new Date(period.end.getTime() + 86_400_000)];
  return dolsReturnCases(
    period,
    await decisionRows(
      m,
      input.timeZone,
      `type IN ('dols-urgent-authorisation', 'dols-extension') AND (dols->>'standardRequestedAt')::timestamptz >= $1 AND (dols->>'standardRequestedAt')::timestamptz < $2`,
      window,
    ),
    input.council,
  );
}

/** The years of population loaded, ascending. */
export async function populationYears(m: Queryable): Promise<number[]> {
  return (await m.query<Array<{ year: number }>>('SELECT DISTINCT year FROM report_populations ORDER BY year')).map((r) => r.year);
}

/** The population rows of one year. */
export async function populationRows(m: Queryable, year: number): Promise<PopulationRow[]> {
  return m.query<PopulationRow[]>(
    `SELECT year, age_band AS "ageBand", sex, ethnic_group AS "ethnicGroup", population FROM report_populations WHERE year = $1`,
    [year],
  );
}

/**
 * The raw figures of a report: its rows read through `m` (in one snapshot: the caller's transaction), then the pure
 * builder.
 */
export async function readFigures(m: Queryable, input: FiguresInput): Promise<RawFigure[]> {
  const { name, sel } = input;
  const { period, filters } = sel;
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
              to_char(ends_on, 'YYYY-MM-DD') AS "endsOn", to_char(ended_on, 'YYYY-MM-DD') AS "endedOn", approving_authority AS "approvingAuthority"
         FROM report_workforce WHERE starts_on <= $1::date AND ends_on >= $1::date`,
      [period.to],
    );
    return workforceSurveyFigures(period.to, rows, new Date(period.end.getTime() - 1), input.policy.approvingCouncils);
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
      await decisionRows(m, input.timeZone, `occurred_at >= $1 AND occurred_at < $2`, range),
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
                  screening_result AS "screeningResult", ${epochMs('withdrawn_at', 'withdrawnAt')}, linked_at_intake AS "linkedAtIntake"
             FROM report_referral_steps
            WHERE referral_id IN (${referralsReceivedOrScreenedSql('$1', '$2')})
              AND ((received_at >= $1 AND received_at < $2) OR (screened_at >= $1 AND screened_at < $2))`,
          range,
        ),
        ['receivedAt', 'screenedAt', 'withdrawnAt'],
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
    const years = await populationYears(m);
    const year = populationYearFor(period, years);
    return equityFigures(
      sel,
      withDates(
        await m.query<EquityAssessmentRow[]>(`${EQUITY_ASSESSMENT_ROWS} ${OPENED_SINCE_LOOKBACK_OR_DECIDED}`, range),
        OPENED_DECIDED,
      ),
      withDates(
        await m.query<EquityReferralRow[]>(`${EQUITY_REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range),
        RECEIVED_WITHDRAWN,
      ),
      year === undefined ? [] : await populationRows(m, year),
    );
  }
  if (name === 'repeat-assessments') {
    return repeatAssessmentFigures(
      sel,
      withDates(await m.query<AssessmentRow[]>(`${ASSESSMENT_ROWS} ${OPENED_SINCE_LOOKBACK_OR_DECIDED}`, range), OPENED_DECIDED),
      // Only who was referred and when: the referrals' people, not their steps.
      withDates(
        await m.query<Array<Pick<ReferralRow, 'personId' | 'receivedAt' | 'withdrawnAt' | 'linkedAtIntake'>>>(
          `SELECT person_id AS "personId", ${epochMs('received_at', 'receivedAt')}, ${epochMs('withdrawn_at', 'withdrawnAt')},
                  linked_at_intake AS "linkedAtIntake" FROM report_referral_people
            WHERE received_at >= $1 AND received_at < $2::timestamptz + interval '91 days'`,
          range,
        ),
        RECEIVED_WITHDRAWN,
      ),
      input.now,
    );
  }
  if (name === 'out-of-area') {
    return outOfAreaFigures(
      sel,
      withDates(
        await m.query<EquityReferralRow[]>(`${EQUITY_REFERRAL_ROWS} WHERE received_at >= $1 AND received_at < $2`, range),
        RECEIVED_WITHDRAWN,
      ),
    );
  }
  if (name === 'beds-and-conveyance' || name === 'workforce' || name === 'my-workload' || name === 'out-of-hours')
    return opsFigures(m, name, input);
  const rows = await m.query<PlaceOfSafetyRow[]>(
    `${PLACE_ROWS} WHERE coalesce(arrived_at, received_at) >= $1 AND coalesce(arrived_at, received_at) < $2`,
    range,
  );
  return placesOfSafetyFigures(
    sel,
    // One detention across places of safety is counted once (s.136(3), s.135(3A)).
    oneRowPerDetention(rows).map((r) => ({ ...r, extensionHours: r.extensionHours === null ? null : Number(r.extensionHours) })),
    input.placeOfSafetyTargetMinutes,
    input.now,
  );
}

/** The operational reports: beds and conveyance, workforce and rota, an AMHP's own workload, out-of-hours decisions. */
async function opsFigures(
  m: Queryable,
  name: 'beds-and-conveyance' | 'workforce' | 'my-workload' | 'out-of-hours',
  input: FiguresInput,
): Promise<RawFigure[]> {
  const { sel } = input;
  const { start, end } = sel.period;
  if (name === 'beds-and-conveyance') {
    // Decided in the period, or an application signed in the 15 days before its end (those waiting then, whose 14 local
    // calendar days, applicationActionableUntil, may reach an hour further back across a clock change; the figures keep
    // those still actionable): the candidates by index first, so the view's timeline facts are computed for those
    // assessments only.
    const rows = withDates(
      await m.query<OpsAssessmentRow[]>(
        `${OPS_ASSESSMENT_ROWS}
        WHERE assessment_id IN (SELECT assessment_id FROM report_assessments WHERE decided_at >= $1 AND decided_at < $2
                                UNION SELECT assessment_id FROM report_application_signings WHERE signed_at >= $3 AND signed_at < $2)
          AND ((decided_at >= $1 AND decided_at < $2) OR (application_at >= $3 AND application_at < $2))`,
        [start, end, new Date(Math.min(end.getTime(), input.now.getTime()) - 15 * 86_400_000)],
      ),
      OPS_INSTANTS,
    );
    return bedsAndConveyanceFigures(sel, rows, input.now);
  }
  if (name === 'my-workload') {
    const rows = withDates(
      await m.query<OpsAssessmentRow[]>(
        `${OPS_ASSESSMENT_ROWS} WHERE lead_amhp_user_id = $3 AND ((opened_at >= $1 AND opened_at < $2) OR (decided_at >= $1 AND decided_at < $2))`,
        [start, end, input.userId],
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
      `SELECT practitioner_id AS "practitionerId", starts_on AS "startsOn", ends_on AS "endsOn", ended_on AS "endedOn",
              approving_authority AS "approvingAuthority" FROM report_approvals`,
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
  return workforceFigures(
    sel,
    { practitioners, approvals, training, supervision, shifts, assessments },
    input.policy,
    localDate(input.now, input.timeZone),
  );
}
