import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a s.136B extension (POL-08) is "a further period not exceeding 12 hours" (s.136B(1)), which the
 * doctor authorises to a time, not in whole hours: its length is kept in minutes (1 to 720), not whole hours. Each
 * extension recorded so far keeps its length (hours × 60). The places-of-safety view reads the minutes: its
 * extension_hours is minutes / 60 (7.5 for 7 h 30 min), and extension_minutes is added.
 */
export class ExtensionMinutes1796446000000 implements MigrationInterface {
  name = 'ExtensionMinutes1796446000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referral_extensions" ADD "minutes" integer`);
    await q.query(`UPDATE "referral_extensions" SET "minutes" = "hours" * 60`);
    await q.query(`ALTER TABLE "referral_extensions" ALTER COLUMN "minutes" SET NOT NULL`);
    await q.query(`ALTER TABLE "referral_extensions" ADD CONSTRAINT "referral_extensions_minutes" CHECK (minutes BETWEEN 1 AND 720)`);
    await q.query(`DROP VIEW report_places_of_safety`);
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "referral_extensions_hours"`);
    await q.query(`ALTER TABLE "referral_extensions" DROP COLUMN "hours"`);
    await q.query(placesOfSafetyView('x.minutes / 60.0 AS extension_hours', ', x.minutes AS extension_minutes'));
    await q.query(placesOfSafetyComment('the s.136B extension (its length in hours, to the minute, and in minutes; its reason)'));
  }

  async down(q: QueryRunner): Promise<void> {
    // Whole hours again: a part hour is rounded up (the length the doctor authorised is never shortened into a breach).
    await q.query(`DROP VIEW report_places_of_safety`);
    await q.query(`ALTER TABLE "referral_extensions" ADD "hours" integer`);
    await q.query(`UPDATE "referral_extensions" SET "hours" = ceil("minutes" / 60.0)`);
    await q.query(`ALTER TABLE "referral_extensions" ALTER COLUMN "hours" SET NOT NULL`);
    await q.query(`ALTER TABLE "referral_extensions" ADD CONSTRAINT "referral_extensions_hours" CHECK (hours BETWEEN 1 AND 12)`);
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "referral_extensions_minutes"`);
    await q.query(`ALTER TABLE "referral_extensions" DROP COLUMN "minutes"`);
    await q.query(placesOfSafetyView('x.hours AS extension_hours', ''));
    await q.query(placesOfSafetyComment('the s.136B extension (hours, reason)'));
  }
}

/** The view of ReportViews1796425000000, its extension's length read by `hours` (and any further columns at its end). */
function placesOfSafetyView(hours: string, more: string): string {
  return `CREATE VIEW report_places_of_safety AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id) LIMIT 1) AS team,
              r.received_at,
              coalesce(r.legal_context->>'placeOfSafetyType', 'not-recorded') AS place_type,
              coalesce((r.legal_context->>'personUnder18')::boolean, false) AS under_18,
              (r.legal_context->>'arrivedAt')::timestamptz AS arrived_at,
              (SELECT min(ae.at) FROM assessment_events ae JOIN assessments a2 ON a2.id = ae.assessment_id
                WHERE a2.referral_id = r.id AND ae.type = 'interview-started') AS assessment_started_at,
              ${hours}, x.reason AS extension_reason,
              fa.id AS assessment_id, fa.outcome_kind, fa.section,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(fa.outcome->'alternatives') = 'array'
                                                                   THEN fa.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives${more}
         FROM referrals r
         LEFT JOIN referral_extensions x ON x.referral_id = r.id
         LEFT JOIN LATERAL (SELECT a.* FROM assessments a WHERE a.referral_id = r.id AND a.decided_at IS NOT NULL
                             ORDER BY a.decided_at, a.id LIMIT 1) fa ON TRUE
        WHERE r.legal_context->>'kind' IN ('s136', 's135-1', 's135-2')`;
}

function placesOfSafetyComment(extension: string): string {
  return `COMMENT ON VIEW report_places_of_safety IS 'Owned by reports. One row per s.135/s.136 referral: the place of safety and its type, whether the person is under 18, arrival, the first interview, ${extension} and the first decided assessment''s outcome.'`;
}
