import { MigrationInterface, QueryRunner } from 'typeorm';

export class SwapHistory1795240453634 implements MigrationInterface {
  name = 'SwapHistory1795240453634';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be"`);
    await q.query(`ALTER TABLE "swap_requests" ALTER COLUMN "assignment_id" DROP NOT NULL`);
    await q.query(
      `CREATE UNIQUE INDEX "swap_requests_one_open_key" ON "swap_requests"  ("assignment_id") WHERE status IN ('offered','accepted')`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be" FOREIGN KEY ("assignment_id") REFERENCES "shift_assignments"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be"`);
    await q.query(`DROP INDEX "public"."swap_requests_one_open_key"`);
    await q.query(`ALTER TABLE "swap_requests" ALTER COLUMN "assignment_id" SET NOT NULL`);
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be" FOREIGN KEY ("assignment_id") REFERENCES "shift_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
