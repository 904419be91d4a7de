import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the referral steps view gains two columns at its end (CREATE OR REPLACE keeps the others as they
 * were): when the referral was withdrawn, and whether intake linked it to another open referral of the same person
 * (DUTY-02, the finding open-referral-exists). A referral withdrawn after such a link is the duplicate of an episode
 * already counted: the activity report shows it on its own line, so the referrals received reconcile.
 */
export class ReportWithdrawnReferrals1796479000000 implements MigrationInterface {
  name = 'ReportWithdrawnReferrals1796479000000';

  async up(q: QueryRunner): Promise<void> {
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

  async down(q: QueryRunner): Promise<void> {
    // Columns cannot be taken off a view by CREATE OR REPLACE: the view is made again as it was.
    await q.query('DROP VIEW report_referral_steps');
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
  }
}
