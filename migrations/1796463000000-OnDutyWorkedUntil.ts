import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (ROTA-WORKED): an assignment taken off a shift in progress ends at the change and is kept as worked
 * up to then, so "who is on duty at `at`" lists on a shift being worked only the AMHPs whose own period holds `at`.
 */
export class OnDutyWorkedUntil1796463000000 implements MigrationInterface {
  name = 'OnDutyWorkedUntil1796463000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION rota_on_duty(p_at timestamptz, p_since timestamptz)
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
                          WHERE a.shift_id = p.id AND (p.next OR (a.starts_at <= p_at AND a.ends_at > p_at))), '[]'::json)
          FROM picked p ORDER BY p.starts_at, p.label;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION rota_on_duty(p_at timestamptz, p_since timestamptz)
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
}
