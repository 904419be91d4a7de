import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the views the reports module reads (it owns no case tables; src/reports/reports.tables.ts). One
 * row per referral, per assessment and per place-of-safety referral, with the instants and codes each report figure
 * is defined on; never names or free text. A team is the AMHP's, read through workforce's shared practitioner_directory. Each is recomputed on read, so a report always reflects the record.
 */
export class ReportViews1796425000000 implements MigrationInterface {
  name = 'ReportViews1796425000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIEW report_referral_steps AS
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
      `COMMENT ON VIEW report_referral_steps IS 'Owned by reports. One row per referral: its source, legal context, team and the instant of each step (screening decision, allocation, and the first assessment''s doctors requested, last doctor arrived, interview, decision, application, admission).'`,
    );
    await q.query(
      `CREATE VIEW report_assessments AS
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
      `COMMENT ON VIEW report_assessments IS 'Owned by reports. One row per assessment: the referral''s source and legal context, the lead AMHP''s team, when it was arranged and decided, the outcome codes (section, CTO decision, alternatives) and the last delay reason on its timeline.'`,
    );
    await q.query(
      `CREATE VIEW report_places_of_safety AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id) LIMIT 1) AS team,
              r.received_at,
              coalesce(r.legal_context->>'placeOfSafetyType', 'not-recorded') AS place_type,
              coalesce((r.legal_context->>'personUnder18')::boolean, false) AS under_18,
              (r.legal_context->>'arrivedAt')::timestamptz AS arrived_at,
              (SELECT min(ae.at) FROM assessment_events ae JOIN assessments a2 ON a2.id = ae.assessment_id
                WHERE a2.referral_id = r.id AND ae.type = 'interview-started') AS assessment_started_at,
              x.hours AS extension_hours, x.reason AS extension_reason,
              fa.id AS assessment_id, fa.outcome_kind, fa.section,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(fa.outcome->'alternatives') = 'array'
                                                                   THEN fa.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives
         FROM referrals r
         LEFT JOIN referral_extensions x ON x.referral_id = r.id
         LEFT JOIN LATERAL (SELECT a.* FROM assessments a WHERE a.referral_id = r.id AND a.decided_at IS NOT NULL
                             ORDER BY a.decided_at, a.id LIMIT 1) fa ON TRUE
        WHERE r.legal_context->>'kind' IN ('s136', 's135-1', 's135-2')`,
    );
    await q.query(
      `COMMENT ON VIEW report_places_of_safety IS 'Owned by reports. One row per s.135/s.136 referral: the place of safety and its type, whether the person is under 18, arrival, the first interview, the s.136B extension (hours, reason) and the first decided assessment''s outcome.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_places_of_safety`);
    await q.query(`DROP VIEW report_assessments`);
    await q.query(`DROP VIEW report_referral_steps`);
  }
}
