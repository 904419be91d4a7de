import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the reports' views of referrals other than report_referral_steps gain, at their end (CREATE OR
 * REPLACE keeps every other column as it was), when the referral was withdrawn and whether intake linked it to another
 * open referral of the same person (DUTY-02), as report_referral_steps has since ReportWithdrawnReferrals. A referral
 * withdrawn after such a link is the duplicate of an episode already counted: the places-of-safety, equity,
 * out-of-area and repeat-assessment reports count that episode once (src/reports/rows.ts, duplicateWithdrawn), as
 * activity shows it apart. The places-of-safety view's under_18 is also true when the date of birth on the person's
 * record makes them under 18 on the day of arrival (POL-09), as intake judges it: one recorded after intake counts
 * too. And report_equity_assessments gains the person's age on the local day the assessment was decided: a detention
 * counts when decided, and its age band is the age then, as the report's definitions say.
 */
export class ReportEpisodesOnce1796580000000 implements MigrationInterface {
  name = 'ReportEpisodesOnce1796580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(equityReferrals(`, w.withdrawn_at, w.linked_at_intake`, WITHDRAWAL_JOIN));
    await q.query(referralPeople(`, w.withdrawn_at, w.linked_at_intake`, WITHDRAWAL_JOIN));
    await q.query(placesOfSafety(`, w.withdrawn_at, w.linked_at_intake`, WITHDRAWAL_JOIN, UNDER_18_BY_RECORD));
    await q.query(
      `CREATE OR REPLACE VIEW report_equity_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, a.opened_at, a.decided_at, a.outcome_kind, a.section,
              p.ethnic_category, p.sex,
              date_part('year', age((a.opened_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years,
              date_part('year', age((a.decided_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years_decided
         FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN persons p ON p.id = a.person_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = a.lead_amhp_user_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Columns cannot be taken off a view by CREATE OR REPLACE: each is made again as it was, keeping its comment.
    const comments: Array<{ name: string; comment: string | null }> = await q.query(
      `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c
        WHERE c.relname IN ('report_equity_referrals', 'report_referral_people', 'report_places_of_safety', 'report_equity_assessments')`,
    );
    await q.query('DROP VIEW report_equity_referrals');
    await q.query(equityReferrals('', ''));
    await q.query('DROP VIEW report_referral_people');
    await q.query(referralPeople('', ''));
    await q.query('DROP VIEW report_places_of_safety');
    await q.query(placesOfSafety('', ''));
    await q.query('DROP VIEW report_equity_assessments');
    await q.query(
      `CREATE VIEW report_equity_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, a.opened_at, a.decided_at, a.outcome_kind, a.section,
              p.ethnic_category, p.sex,
              date_part('year', age((a.opened_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN persons p ON p.id = a.person_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = a.lead_amhp_user_id`,
    );
    for (const { name, comment } of comments)
      if (comment !== null) await q.query(`COMMENT ON VIEW ${name} IS '${comment.replace(/'/g, "''")}'`);
  }
}

/** When the referral `r` was withdrawn, and whether intake linked it to another open referral (as report_referral_steps). */
const WITHDRAWAL_JOIN = `
         LEFT JOIN LATERAL (
              SELECT min(e.at) FILTER (WHERE e.type = 'withdrawn') AS withdrawn_at,
                     coalesce(bool_or(e.type = 'received' AND e.data->'findings' @> '[{"code": "open-referral-exists"}]'), false) AS linked_at_intake
                FROM referral_events e WHERE e.referral_id = r.id) w ON TRUE`;

/**
 * POL-09 (s.136A(1)): under 18 by the flag given at intake or by the date of birth on the person's record, on the local
 * date of arrival (else of receipt), as withAgeAtArrival judges at intake: a date of birth recorded after intake
 * still counts the child at a police station. Under 18: the 18th birthday (a 29 February one on 28 February) is after
 * that day.
 */
const UNDER_18_BY_RECORD = `
              OR coalesce((SELECT p.date_of_birth + interval '18 years' >
                                  (coalesce((r.legal_context->'continues'->>'startedAt')::timestamptz, (r.legal_context->>'arrivedAt')::timestamptz,
                                            r.received_at) AT TIME ZONE 'Europe/London')::date
                             FROM persons p WHERE p.id = r.person_id), false)`;

/** The view of ReportViewsOnePass1796430000000, with `more` columns at its end and `join` after its others. */
function equityReferrals(more: string, join: string): string {
  return `CREATE OR REPLACE VIEW report_equity_referrals AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, r.received_at, r.status, nullif(btrim(r.other_authority), '') AS other_authority,
              nullif(btrim(r.transferred_to), '') AS transferred_to,
              EXISTS (SELECT 1 FROM assessments a WHERE a.referral_id = r.id) AS assessed,
              p.ethnic_category, p.sex,
              date_part('year', age((r.received_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years${more}
         FROM referrals r JOIN persons p ON p.id = r.person_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = r.allocated_user_id${join}`;
}

/** The view of ReturnViews1796429200000, with `more` columns at its end and `join` after its others. */
function referralPeople(more: string, join: string): string {
  return `CREATE OR REPLACE VIEW report_referral_people AS
       SELECT r.id AS referral_id, r.person_id, r.received_at, p.sex, p.date_of_birth, p.ethnic_category${more}
         FROM referrals r JOIN persons p ON p.id = r.person_id${join}`;
}

/** The view of PlaceOfSafetyContinuations1796451500000, with `more` columns at its end and `join` after its others. */
function placesOfSafety(more: string, join: string, underByRecord = ''): string {
  return `CREATE OR REPLACE VIEW report_places_of_safety AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id) LIMIT 1) AS team,
              r.received_at,
              coalesce(r.legal_context->>'placeOfSafetyType', 'not-recorded') AS place_type,
              coalesce((r.legal_context->>'personUnder18')::boolean, false)${underByRecord} AS under_18,
              coalesce((r.legal_context->'continues'->>'startedAt')::timestamptz, (r.legal_context->>'arrivedAt')::timestamptz) AS arrived_at,
              (SELECT min(ae.at) FROM assessment_events ae JOIN assessments a2 ON a2.id = ae.assessment_id
                WHERE a2.referral_id = r.id AND ae.type = 'interview-started') AS assessment_started_at,
              x.minutes / 60.0 AS extension_hours, x.reason AS extension_reason,
              fa.id AS assessment_id, fa.outcome_kind, fa.section,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(fa.outcome->'alternatives') = 'array'
                                                                   THEN fa.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              x.minutes AS extension_minutes, (r.legal_context->'continues'->>'referralId')::uuid AS continues_referral_id${more}
         FROM referrals r
         LEFT JOIN referral_extensions x ON x.referral_id = r.id
         LEFT JOIN LATERAL (SELECT a.* FROM assessments a WHERE a.referral_id = r.id AND a.decided_at IS NOT NULL
                             ORDER BY a.decided_at, a.id LIMIT 1) fa ON TRUE${join}
        WHERE r.legal_context->>'kind' IN ('s136', 's135-1', 's135-2')`;
}
