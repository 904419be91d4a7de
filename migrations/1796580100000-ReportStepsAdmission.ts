import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the referral steps view's admission is the one every other reading of the record uses (the
 * beds-and-conveyance view, the clocks' stop facts): the timeline's first "admitted", but for a patient already in
 * hospital (whom s.5(1) treats as admitted when the hospital managers receive the application, APP-12) that receipt:
 * there is no arrival to record for them. The timeliness report's "application → admitted" was missing such a patient's
 * admission, or took a later event for it. CREATE OR REPLACE keeps every column's name, type and order.
 */
export class ReportStepsAdmission1796580100000 implements MigrationInterface {
  name = 'ReportStepsAdmission1796580100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE OR REPLACE VIEW report_referral_steps AS
       SELECT r.id AS referral_id, r.reference, r.person_id, r.source, r.legal_context->>'kind' AS legal_context, r.status,
              pd.team, r.received_at, re.screened_at, re.screening_result, re.allocated_at,
              fa.id AS assessment_id, ae.doctors_requested_at, ae.doctors_arrived_at, ae.interview_at,
              fa.decided_at AS decision_at,
              coalesce(ae.application_signed_at, (fa.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              CASE WHEN fa.outcome->'application'->>'inPatient' = 'true' AND fa.outcome->'application'->>'managersReceivedAt' IS NOT NULL
                   THEN (fa.outcome->'application'->>'managersReceivedAt')::timestamptz
                   ELSE ae.admitted_at END AS admitted_at, re.withdrawn_at, re.linked_at_intake
         FROM referrals r
         LEFT JOIN LATERAL (SELECT a.id, a.lead_amhp_user_id, a.decided_at, a.outcome FROM assessments a
                             WHERE a.referral_id = r.id ORDER BY a.opened_at, a.id LIMIT 1) fa ON TRUE
         LEFT JOIN LATERAL (
              SELECT (array_agg(e.at ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screened_at,
                     (array_agg(e.type ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screening_result,
                     min(e.at) FILTER (WHERE e.type = 'allocated') AS allocated_at,
                     min(e.at) FILTER (WHERE e.type = 'withdrawn') AS withdrawn_at,
                     coalesce(bool_or(e.type = 'received' AND e.data->'findings' @> '[{"code": "open-referral-exists"}]'), false) AS linked_at_intake
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
  }

  async down(q: QueryRunner): Promise<void> {
    // The definition of migration ReportWithdrawnReferrals, as it was.
    await q.query(
      `CREATE OR REPLACE VIEW report_referral_steps AS
       SELECT r.id AS referral_id, r.reference, r.person_id, r.source, r.legal_context->>'kind' AS legal_context, r.status,
              pd.team, r.received_at, re.screened_at, re.screening_result, re.allocated_at,
              fa.id AS assessment_id, ae.doctors_requested_at, ae.doctors_arrived_at, ae.interview_at,
              fa.decided_at AS decision_at,
              coalesce(ae.application_signed_at, (fa.outcome->'application'->>'signedAt')::timestamptz) AS application_at,
              ae.admitted_at, re.withdrawn_at, re.linked_at_intake
         FROM referrals r
         LEFT JOIN LATERAL (SELECT a.id, a.lead_amhp_user_id, a.decided_at, a.outcome FROM assessments a
                             WHERE a.referral_id = r.id ORDER BY a.opened_at, a.id LIMIT 1) fa ON TRUE
         LEFT JOIN LATERAL (
              SELECT (array_agg(e.at ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screened_at,
                     (array_agg(e.type ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('accepted','not-accepted','transferred')))[1] AS screening_result,
                     min(e.at) FILTER (WHERE e.type = 'allocated') AS allocated_at,
                     min(e.at) FILTER (WHERE e.type = 'withdrawn') AS withdrawn_at,
                     coalesce(bool_or(e.type = 'received' AND e.data->'findings' @> '[{"code": "open-referral-exists"}]'), false) AS linked_at_intake
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
  }
}
