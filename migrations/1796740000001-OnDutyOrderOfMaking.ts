import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The body of rota_on_duty (migration 1796463000000, ROTA-WORKED), with what breaks a tie: `order` ends the shifts'
 * order, `amhps` the order of a shift's AMHPs.
 */
const body = (order: string, amhps: string, seq: string) => `
      CREATE OR REPLACE FUNCTION rota_on_duty(p_at timestamptz, p_since timestamptz)
        RETURNS TABLE ("shiftId" uuid, label text, "startsAt" timestamptz, "endsAt" timestamptz, "requiredCount" integer, next boolean, amhps json)
        LANGUAGE plpgsql STABLE
        SET plan_cache_mode = force_generic_plan
      AS $$
      BEGIN
        RETURN QUERY
        WITH picked AS (
          SELECT s.id, s.label, s.starts_at, s.ends_at, s.required_count, false AS next${seq} FROM shifts s
           WHERE s.starts_at > p_since AND s.starts_at <= p_at AND s.ends_at > p_at
          UNION ALL
          SELECT s.id, s.label, s.starts_at, s.ends_at, s.required_count, true${seq} FROM shifts s
           WHERE s.starts_at = (SELECT min(x.starts_at) FROM shifts x WHERE x.starts_at > p_at AND x.starts_at < p_at + interval '8 days'))
        SELECT p.id, p.label, p.starts_at, p.ends_at, p.required_count, p.next,
               coalesce((SELECT json_agg(json_build_object('userId', u.id, 'displayName', u.display_name, 'phone', u.phone, 'skills', pr.skills)
                                         ORDER BY ${amhps})
                           FROM shift_assignments a JOIN user_directory u ON u.id = a.user_id JOIN practitioner_directory pr ON pr.id = a.practitioner_id
                          WHERE a.shift_id = p.id AND (p.next OR (a.starts_at <= p_at AND a.ends_at > p_at))), '[]'::json)
          FROM picked p ORDER BY ${order};
      END
      $$`;

/**
 * Written by hand. "Who is on duty at `at`" listed shifts by their start, then label, and a shift's AMHPs by name:
 * two shifts with the same start and label (an extra shift beside the pattern's) and two AMHPs of the same name came
 * in no set order, which could differ from one read to the next. Each tie is now broken by the order the shift, or
 * her place on it, was made in (`seq`, migrations 1796730000000 and 1796740000000). The rows the function reads are
 * the same: seq is read from the rows already fetched (no join), and the sorts are the same sorts with one more key
 * (EXPLAIN ANALYZE on a rota of some thousands of shifts shows the same plan).
 */
export class OnDutyOrderOfMaking1796740000001 implements MigrationInterface {
  name = 'OnDutyOrderOfMaking1796740000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(body('p.starts_at, p.label, p.seq', 'u.display_name, a.seq', ', s.seq'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(body('p.starts_at, p.label', 'u.display_name', ''));
  }
}
