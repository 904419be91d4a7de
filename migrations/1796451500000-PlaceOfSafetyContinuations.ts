import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: s.136(2A), (3) and s.135(3ZA), (3A) (POL-07, POL-04). A s.135/s.136 referral that continues a
 * detention begun on an earlier referral (legal_context.continues: the person taken on to another place of safety
 * and referred again from there) is part of that one detention: the places-of-safety view gives its arrival as the
 * first start (so its limit is that of the detention, and it falls in the same period as the first referral) and
 * names the first referral in continues_referral_id, by which the report counts the two as one detention.
 */
export class PlaceOfSafetyContinuations1796451500000 implements MigrationInterface {
  name = 'PlaceOfSafetyContinuations1796451500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_places_of_safety`);
    await q.query(
      placesOfSafetyView(
        `coalesce((r.legal_context->'continues'->>'startedAt')::timestamptz, (r.legal_context->>'arrivedAt')::timestamptz)`,
        `, (r.legal_context->'continues'->>'referralId')::uuid AS continues_referral_id`,
      ),
    );
    await q.query(
      `COMMENT ON VIEW report_places_of_safety IS 'Owned by reports. One row per s.135/s.136 referral: the place of safety and its type, whether the person is under 18, arrival (the first start of the detention, for a referral that continues one begun on an earlier referral, named in continues_referral_id), the first interview, the s.136B extension (its length in hours, to the minute, and in minutes; its reason) and the first decided assessment''s outcome.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW report_places_of_safety`);
    await q.query(placesOfSafetyView(`(r.legal_context->>'arrivedAt')::timestamptz`, ''));
    await q.query(
      `COMMENT ON VIEW report_places_of_safety IS 'Owned by reports. One row per s.135/s.136 referral: the place of safety and its type, whether the person is under 18, arrival, the first interview, the s.136B extension (its length in hours, to the minute, and in minutes; its reason) and the first decided assessment''s outcome.'`,
    );
  }
}

/** The view of ExtensionMinutes1796446000000, its arrival read by `arrived` (and any further columns at its end). */
function placesOfSafetyView(arrived: string, more: string): string {
  return `CREATE VIEW report_places_of_safety AS
       SELECT r.id AS referral_id, r.person_id, r.source, r.legal_context->>'kind' AS legal_context,
              (SELECT p.team FROM practitioner_directory p WHERE p.user_id = coalesce(fa.lead_amhp_user_id, r.allocated_user_id) LIMIT 1) AS team,
              r.received_at,
              coalesce(r.legal_context->>'placeOfSafetyType', 'not-recorded') AS place_type,
              coalesce((r.legal_context->>'personUnder18')::boolean, false) AS under_18,
              ${arrived} AS arrived_at,
              (SELECT min(ae.at) FROM assessment_events ae JOIN assessments a2 ON a2.id = ae.assessment_id
                WHERE a2.referral_id = r.id AND ae.type = 'interview-started') AS assessment_started_at,
              x.minutes / 60.0 AS extension_hours, x.reason AS extension_reason,
              fa.id AS assessment_id, fa.outcome_kind, fa.section,
              coalesce(ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(fa.outcome->'alternatives') = 'array'
                                                                   THEN fa.outcome->'alternatives' ELSE '[]'::jsonb END)), '{}') AS alternatives,
              x.minutes AS extension_minutes${more}
         FROM referrals r
         LEFT JOIN referral_extensions x ON x.referral_id = r.id
         LEFT JOIN LATERAL (SELECT a.* FROM assessments a WHERE a.referral_id = r.id AND a.decided_at IS NOT NULL
                             ORDER BY a.decided_at, a.id LIMIT 1) fa ON TRUE
        WHERE r.legal_context->>'kind' IN ('s136', 's135-1', 's135-2')`;
}
