import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: what a calendar feed needs to say that a shift's event changed (RFC 5545 §3.8.7.3 LAST-MODIFIED,
 * §3.8.7.4 SEQUENCE). `updated_at` is when the shift's own details last changed; `staffing_version` counts every
 * assignment put on or taken off it (an assignment, a swap, leave, an approval's end) and `staffed_at` is when the
 * last one was. Filled from the assignments there are now, so that no SEQUENCE a subscriber has seen goes down.
 */
export class ShiftFeedRevision1796451000000 implements MigrationInterface {
  name = 'ShiftFeedRevision1796451000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "shifts" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         ADD "staffing_version" integer NOT NULL DEFAULT 0, ADD "staffed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await q.query(`UPDATE "shifts" SET "updated_at" = "created_at"`);
    await q.query(
      `UPDATE "shifts" s SET "staffing_version" = a.n, "staffed_at" = a.last
         FROM (SELECT shift_id, count(*)::int AS n, max(created_at) AS last FROM shift_assignments GROUP BY shift_id) a
        WHERE a.shift_id = s.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shifts" DROP COLUMN "staffed_at", DROP COLUMN "staffing_version", DROP COLUMN "updated_at"`);
  }
}
