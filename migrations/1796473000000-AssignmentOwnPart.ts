import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (ROTA-WORKED): an assignment covers only its own part of a shift, from when she was put on until
 * she was taken off.
 * - `shift_assignments.version` and `updated_at`: an assignment's own times changed in place (cut short when she is
 *   taken off part-way) are a revision of her calendar event, so its SEQUENCE and LAST-MODIFIED move (RFC 5545
 *   §3.8.7.3-4). Assignments already cut short (their end before their shift's) count as changed once.
 * - `report_shifts.assigned_count`: the places filled the whole way through, i.e. the fewest AMHPs on the shift at any
 *   moment of it, not every assignment row of it.
 */
export class AssignmentOwnPart1796473000000 implements MigrationInterface {
  name = 'AssignmentOwnPart1796473000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shift_assignments" ADD "version" integer NOT NULL DEFAULT 1, ADD "updated_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `UPDATE "shift_assignments" a SET "version" = 2, "updated_at" = a.ends_at
         FROM "shifts" s WHERE s.id = a.shift_id AND a.ends_at < s.ends_at`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_shifts AS
       SELECT s.id AS shift_id, s.local_date::text AS local_date, s.starts_at, s.ends_at, s.required_count,
              (SELECT coalesce(min((SELECT count(*) FROM shift_assignments b
                                     WHERE b.shift_id = s.id AND b.starts_at <= t.at AND b.ends_at > t.at)), 0)::int
                 FROM (SELECT s.starts_at AS at
                       UNION SELECT a.starts_at FROM shift_assignments a WHERE a.shift_id = s.id AND a.starts_at > s.starts_at AND a.starts_at < s.ends_at
                       UNION SELECT a.ends_at FROM shift_assignments a WHERE a.shift_id = s.id AND a.ends_at > s.starts_at AND a.ends_at < s.ends_at) t
              ) AS assigned_count
         FROM shifts s`,
    );
    await q.query(
      `COMMENT ON VIEW report_shifts IS 'Owned by reports. One row per rota shift: when, how many AMHPs it needs and how many places are filled the whole way through (the fewest AMHPs on it at any moment).'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE OR REPLACE VIEW report_shifts AS
       SELECT s.id AS shift_id, s.local_date::text AS local_date, s.starts_at, s.ends_at, s.required_count,
              (SELECT count(*)::int FROM shift_assignments sa WHERE sa.shift_id = s.id) AS assigned_count
         FROM shifts s`,
    );
    await q.query(
      `COMMENT ON VIEW report_shifts IS 'Owned by reports. One row per rota shift: when, how many AMHPs it needs and how many are assigned.'`,
    );
    await q.query(`ALTER TABLE "shift_assignments" DROP COLUMN "updated_at", DROP COLUMN "version"`);
  }
}
