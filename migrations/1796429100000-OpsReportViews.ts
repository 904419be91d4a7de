import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the views the operational reports read (beds and conveyance, workforce and rota, out-of-hours
 * safeguarding and DoLS, and an AMHP's own workload). Like the first report views, they hold ids, codes, numbers and
 * instants only, never names or free text, and are recomputed on read.
 */
export class OpsReportViews1796429100000 implements MigrationInterface {
  name = 'OpsReportViews1796429100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIEW report_assessment_ops AS
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
      `COMMENT ON VIEW report_assessment_ops IS 'Owned by reports. One row per assessment: its lead AMHP and team, when it was arranged and decided, the outcome codes, the application signed, the bed identified (and whether out of area), the conveyance (arrival and mode), the admission and the last delay reason on its timeline.'`,
    );
    await q.query(
      `CREATE VIEW report_practitioners AS
       SELECT p.id AS practitioner_id, p.user_id, p.profession, p.team, p.fte::float8 AS fte, p.active,
              p.supervision_interval_days, p.created_at
         FROM practitioners p`,
    );
    await q.query(
      `COMMENT ON VIEW report_practitioners IS 'Owned by reports. One row per practitioner: profession, team, FTE, whether active, the professional supervision interval and when the record was created.'`,
    );
    await q.query(
      `CREATE VIEW report_approvals AS
       SELECT a.practitioner_id, a.starts_on::text AS starts_on, a.ends_on::text AS ends_on, a.ended_on::text AS ended_on FROM approvals a`,
    );
    await q.query(`COMMENT ON VIEW report_approvals IS 'Owned by reports. One row per AMHP approval: its start, end and any early end.'`);
    await q.query(
      `CREATE VIEW report_training AS
       SELECT t.practitioner_id, t.completed_on::text AS completed_on, t.hours::float8 AS hours, t.mental_health_specific FROM training_records t`,
    );
    await q.query(
      `COMMENT ON VIEW report_training IS 'Owned by reports. One row per training record: when, how many hours, whether mental-health specific.'`,
    );
    await q.query(
      `CREATE VIEW report_supervision AS
       SELECT s.supervisee_id AS practitioner_id, s.held_on::text AS held_on, s.type, s.duration_minutes FROM supervision_sessions s`,
    );
    await q.query(
      `COMMENT ON VIEW report_supervision IS 'Owned by reports. One row per supervision session: the practitioner supervised, the date and type.'`,
    );
    await q.query(
      `CREATE VIEW report_shifts AS
       SELECT s.id AS shift_id, s.local_date::text AS local_date, s.starts_at, s.ends_at, s.required_count,
              (SELECT count(*)::int FROM shift_assignments sa WHERE sa.shift_id = s.id) AS assigned_count
         FROM shifts s`,
    );
    await q.query(
      `COMMENT ON VIEW report_shifts IS 'Owned by reports. One row per rota shift: when, how many AMHPs it needs and how many are assigned.'`,
    );
    await q.query(
      `CREATE VIEW report_decisions AS
       SELECT d.id AS decision_id, d.type, d.person_id, d.occurred_at, d.signed_at,
              CASE WHEN jsonb_typeof(d.content->'sac') = 'object' THEN d.content->'sac' END AS sac,
              d.details->'extension'->>'decision' AS extension_decision,
              CASE WHEN jsonb_typeof(d.details->'extension'->'days') = 'number' THEN (d.details->'extension'->>'days')::int END AS extension_days
         FROM decisions d WHERE d.status = 'signed'`,
    );
    await q.query(
      `COMMENT ON VIEW report_decisions IS 'Owned by reports. One row per signed out-of-hours decision: its type, when it happened and was signed, the SAC codes of a s.42 decision and the decision and days of a DoLS extension.'`,
    );
    await q.query(
      `CREATE VIEW report_handover_items AS
       SELECT i.id AS item_id, i.item_type, h.compiled_at, i.acknowledged_at
         FROM handover_items i JOIN handovers h ON h.id = i.handover_id`,
    );
    await q.query(
      `COMMENT ON VIEW report_handover_items IS 'Owned by reports. One row per handover item: its type, when its handover was compiled and when the day team acknowledged it.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const v of [
      'report_handover_items',
      'report_decisions',
      'report_shifts',
      'report_supervision',
      'report_training',
      'report_approvals',
      'report_practitioners',
      'report_assessment_ops',
    ])
      await q.query(`DROP VIEW ${v}`);
  }
}
