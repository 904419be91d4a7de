import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a shift a manager removed on purpose and then restored keeps its mark, with who restored it and
 * when (shifts_removed.restored_at, restored_by), so that a second restore of it is told it is back already (409) and
 * generate calls for it again (ShiftsService.reconcileIn reads only the marks not restored). Removed again, the mark
 * is written afresh (not restored).
 */
export class ShiftsRestored1796660000000 implements MigrationInterface {
  name = 'ShiftsRestored1796660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shifts_removed" ADD "restored_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "shifts_removed" ADD "restored_by" uuid`);
    await q.query(
      `ALTER TABLE "shifts_removed" ADD CONSTRAINT "FK_8a9d3762fa39187dbda69e61021" FOREIGN KEY ("restored_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Restored marks were deleted before.
    await q.query(`DELETE FROM "shifts_removed" WHERE restored_at IS NOT NULL`);
    await q.query(`ALTER TABLE "shifts_removed" DROP CONSTRAINT "FK_8a9d3762fa39187dbda69e61021"`);
    await q.query(`ALTER TABLE "shifts_removed" DROP COLUMN "restored_by"`);
    await q.query(`ALTER TABLE "shifts_removed" DROP COLUMN "restored_at"`);
  }
}
