import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the same views, the same columns and the same definitions, read in one pass. Each referral's
 * steps and each assessment's timeline facts were a correlated subquery per column (ten index scans a referral, eight
 * an assessment); now each row reads its referral's events once and its assessment's events once, every step an
 * aggregate with a FILTER (the first of several in (at, id) order by an ordered array_agg, as the LIMIT 1 did), and
 * the lead AMHP's team is a join on practitioner_directory (one practitioner per user, practitioners_user_key) instead
 * of a subquery. CREATE OR REPLACE keeps every column's name, type and order, so nothing reading the views changes.
 * And a view of the instants applications were signed, so that the few assessments whose application can fall in a
 * window are found by index before report_assessment_ops computes their timelines. Measured by
 * bench/reports.bench.js (bench/README.md, P5).
 */
export class ReportViewsOnePass1796430000000 implements MigrationInterface {
  name = 'ReportViewsOnePass1796430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE OR REPLACE VIEW report_referral_steps AS
       SELECT r.id AS referral_id, r.reference, r.person_id, r.source, r.legal_context->>'kind' AS legal_context, r.status,
              pd.team, r.received_at, re.screened_at, re.screening_result, re.allocated_at,
              fa.id AS assessment_id, ae.doctors_requested_at, ae.doctors_arrived_at, ae.interview_at,
              fa.decided_at AS decision_at,
              coalesce(ae.application_signed_at, (fa.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              ae.admitted_at
         FROM referrals r
         LEFT JOIN LATERAL (SELECT a.id, a.lead_amhp_user_id, a.decided_at, a.outcome FROM assessments a
                             WHERE a.referral_id = r.id ORDER BY a.opened_at, a.id LIMIT 1) fa ON TRUE
         LEFT JOIN LATERAL (
              SELECT (array_agg(e.at ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screened_at,
                     (array_agg(e.type ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screening_result,
                     min(e.at) FILTER (WHERE e.type = 'allocated') AS allocated_at
                FROM referral_events e WHERE e.referral_id = r.id) re ON TRUE
         LEFT JOIN LATERAL (
              SELECT min(x.at) FILTER (WHERE x.type = 'doctors-requested') AS doctors_requested_at,
                     max(x.at) FILTER (WHERE x.type = 'doctor-arrived') AS doctors_arrived_at,
                     min(x.at) FILTER (WHERE x.type = 'interview-started') AS interview_at,
                     min(x.at) FILTER (WHERE x.type = 'application-signed') AS application_signed_at,
                     min(x.at) FILTER (WHERE x.type = 'admitted') AS admitted_at
                FROM assessment_events x WHERE x.assessment_id = fa.id) ae ON TRUE
         LEFT JOIN practitioner_directory pd ON pd.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id)`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, a.opened_at, a.decided_at, a.outcome_kind, a.section, a.outcome->'cto'->>'decision' AS cto_decision,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.outcome->'alternatives') = 'array'
                                                                   THEN a.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              (SELECT ae.delay_reason FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.delay_reason IS NOT NULL
                ORDER BY ae.at DESC, ae.id DESC LIMIT 1) AS last_delay_reason
         FROM assessments a JOIN referrals r ON r.id = a.referral_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = a.lead_amhp_user_id`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_assessment_ops AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              a.lead_amhp_user_id, pd.team,
              a.opened_at, a.decided_at, a.outcome_kind, a.section, a.outcome->'cto'->>'decision' AS cto_decision,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.outcome->'alternatives') = 'array'
                                                                   THEN a.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              coalesce(t.application_signed_at, (a.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              t.bed_identified_at, t.bed_out_of_area, t.conveyance_arrived_at, t.conveyance_mode,
              CASE WHEN a.outcome->'application'->>'inPatient' = 'true' AND a.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                   THEN (a.outcome->'application'->>'managersReceivedAt')::timestamptz
                   ELSE t.admitted_at END AS admitted_at,
              t.last_delay_reason
         FROM assessments a JOIN referrals r ON r.id = a.referral_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = a.lead_amhp_user_id
         LEFT JOIN LATERAL (
              SELECT min(x.at) FILTER (WHERE x.type = 'application-signed') AS application_signed_at,
                     min(x.at) FILTER (WHERE x.type = 'bed-identified') AS bed_identified_at,
                     (array_agg((x.data->>'bedOutOfArea')::boolean ORDER BY x.at, x.id) FILTER (WHERE x.type = 'bed-identified'))[1] AS bed_out_of_area,
                     min(x.at) FILTER (WHERE x.type = 'conveyance-arrived') AS conveyance_arrived_at,
                     (array_agg(x.data->>'conveyanceMode' ORDER BY (x.type = 'conveyance-arrived') DESC, x.at, x.id)
                        FILTER (WHERE x.type IN ('conveyance-requested', 'conveyance-arrived') AND x.data ? 'conveyanceMode'))[1] AS conveyance_mode,
                     min(x.at) FILTER (WHERE x.type = 'admitted') AS admitted_at,
                     (array_agg(x.delay_reason ORDER BY x.at DESC, x.id DESC) FILTER (WHERE x.delay_reason IS NOT NULL))[1] AS last_delay_reason
                FROM assessment_events x WHERE x.assessment_id = a.id) t ON TRUE`,
    );
    await q.query(
      `CREATE VIEW report_application_signings AS
       SELECT x.assessment_id, x.at AS signed_at FROM assessment_events x WHERE x.type = 'application-signed'
       UNION ALL
       SELECT a.id, (a.outcome->'application'->>'signedAt')::timestamptz FROM assessments a
        WHERE a.outcome->'application'->>'signedAt' IS NOT NULL`,
    );
    await q.query(
      `COMMENT ON VIEW report_application_signings IS 'Owned by reports. Every instant an application is recorded as signed: each application-signed event on an assessment''s timeline and the signing time of its outcome. A superset of the application_at of report_assessment_ops (its first event, else the outcome''s), read by index to find the few assessments whose application_at can fall in a window.'`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_equity_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, a.opened_at, a.decided_at, a.outcome_kind, a.section,
              p.ethnic_category, p.sex,
              date_part('year', age((a.opened_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN persons p ON p.id = a.person_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = a.lead_amhp_user_id`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_equity_referrals AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              pd.team, r.received_at, r.status, nullif(btrim(r.other_authority), '') AS other_authority,
              nullif(btrim(r.transferred_to), '') AS transferred_to,
              EXISTS (SELECT 1 FROM assessments a WHERE a.referral_id = r.id) AS assessed,
              p.ethnic_category, p.sex,
              date_part('year', age((r.received_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM referrals r JOIN persons p ON p.id = r.person_id
         LEFT JOIN practitioner_directory pd ON pd.user_id = r.allocated_user_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_application_signings`);
    // The definitions of migrations ReportViews, OpsReportViews and ReportPopulations, as they were.
    await q.query(
      `CREATE OR REPLACE VIEW report_referral_steps AS
       SELECT r.id AS referral_id, r.reference, r.person_id, r.source, r.legal_context->>'kind' AS legal_context, r.status,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id) LIMIT 1) AS team,
              r.received_at,
              (SELECT e.at FROM referral_events e WHERE e.referral_id = r.id AND e.type IN ('accepted','not-accepted','transferred')
                ORDER BY e.at, e.id LIMIT 1) AS screened_at,
              (SELECT e.type FROM referral_events e WHERE e.referral_id = r.id AND e.type IN ('accepted','not-accepted','transferred')
                ORDER BY e.at, e.id LIMIT 1) AS screening_result,
              (SELECT min(e.at) FROM referral_events e WHERE e.referral_id = r.id AND e.type = 'allocated') AS allocated_at,
              fa.id AS assessment_id,
              (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = fa.id AND ae.type = 'doctors-requested') AS doctors_requested_at,
              (SELECT max(ae.at) FROM assessment_events ae WHERE ae.assessment_id = fa.id AND ae.type = 'doctor-arrived') AS doctors_arrived_at,
              (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = fa.id AND ae.type = 'interview-started') AS interview_at,
              fa.decided_at AS decision_at,
              coalesce((SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = fa.id AND ae.type = 'application-signed'),
                       (fa.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = fa.id AND ae.type = 'admitted') AS admitted_at
         FROM referrals r
         LEFT JOIN LATERAL (SELECT a.* FROM assessments a WHERE a.referral_id = r.id ORDER BY a.opened_at, a.id LIMIT 1) fa ON TRUE`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = a.lead_amhp_user_id LIMIT 1) AS team,
              a.opened_at, a.decided_at, a.outcome_kind, a.section, a.outcome->'cto'->>'decision' AS cto_decision,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.outcome->'alternatives') = 'array'
                                                                   THEN a.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              (SELECT ae.delay_reason FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.delay_reason IS NOT NULL
                ORDER BY ae.at DESC, ae.id DESC LIMIT 1) AS last_delay_reason
         FROM assessments a JOIN referrals r ON r.id = a.referral_id`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_assessment_ops AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              a.lead_amhp_user_id,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = a.lead_amhp_user_id LIMIT 1) AS team,
              a.opened_at, a.decided_at, a.outcome_kind, a.section, a.outcome->'cto'->>'decision' AS cto_decision,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.outcome->'alternatives') = 'array'
                                                                   THEN a.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              coalesce((SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.type = 'application-signed'),
                       (a.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.type = 'bed-identified') AS bed_identified_at,
              (SELECT (ae.data->>'bedOutOfArea')::boolean FROM assessment_events ae
                WHERE ae.assessment_id = a.id AND ae.type = 'bed-identified' ORDER BY ae.at, ae.id LIMIT 1) AS bed_out_of_area,
              (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.type = 'conveyance-arrived') AS conveyance_arrived_at,
              (SELECT ae.data->>'conveyanceMode' FROM assessment_events ae
                WHERE ae.assessment_id = a.id AND ae.type IN ('conveyance-requested', 'conveyance-arrived') AND ae.data ? 'conveyanceMode'
                ORDER BY (ae.type = 'conveyance-arrived') DESC, ae.at, ae.id LIMIT 1) AS conveyance_mode,
              CASE WHEN a.outcome->'application'->>'inPatient' = 'true' AND a.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                   THEN (a.outcome->'application'->>'managersReceivedAt')::timestamptz
                   ELSE (SELECT min(ae.at) FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.type = 'admitted') END AS admitted_at,
              (SELECT ae.delay_reason FROM assessment_events ae WHERE ae.assessment_id = a.id AND ae.delay_reason IS NOT NULL
                ORDER BY ae.at DESC, ae.id DESC LIMIT 1) AS last_delay_reason
         FROM assessments a JOIN referrals r ON r.id = a.referral_id`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_equity_assessments AS
       SELECT a.id AS assessment_id, a.referral_id, a.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT pd.team FROM practitioner_directory pd WHERE pd.user_id = a.lead_amhp_user_id LIMIT 1) AS team,
              a.opened_at, a.decided_at, a.outcome_kind, a.section,
              p.ethnic_category, p.sex,
              date_part('year', age((a.opened_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM assessments a JOIN referrals r ON r.id = a.referral_id JOIN persons p ON p.id = a.person_id`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_equity_referrals AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT pd.team FROM practitioner_directory pd WHERE pd.user_id = r.allocated_user_id LIMIT 1) AS team,
              r.received_at, r.status, nullif(btrim(r.other_authority), '') AS other_authority,
              nullif(btrim(r.transferred_to), '') AS transferred_to,
              EXISTS (SELECT 1 FROM assessments a WHERE a.referral_id = r.id) AS assessed,
              p.ethnic_category, p.sex,
              date_part('year', age((r.received_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int AS age_years
         FROM referrals r JOIN persons p ON p.id = r.person_id`,
    );
  }
}
