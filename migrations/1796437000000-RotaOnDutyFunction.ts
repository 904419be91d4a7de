import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Who is on duty at `at`" as a function whose plan is made once per connection. As a prepared statement Postgres
 * kept planning it afresh on every call (its generic plan's estimate for an unknown time range looked worse than
 * a plan for the actual times, though both scan the same few index entries): ~500 us of planning for ~130 us of
 * execution, most of the Postgres CPU of the thin client's and referrers' hot read (measured in
 * bench/on-duty.bench.js, P3). `plan_cache_mode = force_generic_plan` applies to this function's query alone.
 *
 * Shifts are at most 24 h long, so `p_since` (= `p_at` less 24 h) keeps "now" an index range scan however many years
 * of rota there are; "next" is the earliest start after `p_at` within a week.
 */
export class RotaOnDutyFunction1796437000000 implements MigrationInterface {
  name = 'RotaOnDutyFunction1796437000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION rota_on_duty(p_at timestamptz, p_since timestamptz)
        RETURNS TABLE ("shiftId" uuid, label text, "startsAt" timestamptz, "endsAt" timestamptz, "requiredCount" integer, next boolean, amhps json)
        LANGUAGE plpgsql STABLE
        SET plan_cache_mode = force_generic_plan
      AS $$
      BEGIN
        RETURN QUERY
        WITH picked AS (
          SELECT s.id, s.label, s.starts_at, s.ends_at, s.required_count, false AS next FROM shifts s
           WHERE s.starts_at > p_since AND s.starts_at <= p_at AND s.ends_at > p_at
          UNION ALL
          SELECT s.id, s.label, s.starts_at, s.ends_at, s.required_count, true FROM shifts s
           WHERE s.starts_at = (SELECT min(x.starts_at) FROM shifts x WHERE x.starts_at > p_at AND x.starts_at < p_at + interval '8 days'))
        SELECT p.id, p.label, p.starts_at, p.ends_at, p.required_count, p.next,
               coalesce((SELECT json_agg(json_build_object('userId', u.id, 'displayName', u.display_name, 'phone', u.phone, 'skills', pr.skills)
                                         ORDER BY u.display_name)
                           FROM shift_assignments a JOIN user_directory u ON u.id = a.user_id JOIN practitioner_directory pr ON pr.id = a.practitioner_id
                          WHERE a.shift_id = p.id), '[]'::json)
          FROM picked p ORDER BY p.starts_at, p.label;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION rota_on_duty(timestamptz, timestamptz)`);
  }
}
