import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated: a pattern's shift on a local date that a manager removed on purpose (DELETE /rota/shifts/{id}), so that
 * generate and a change to the pattern do not create it again (ShiftsService.reconcileIn), until she restores it.
 */
export class ShiftsRemovedOnPurpose1796592000000 implements MigrationInterface {
  name = 'ShiftsRemovedOnPurpose1796592000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "shifts_removed" ("pattern_id" uuid NOT NULL, "local_date" date NOT NULL, "shift_id" uuid NOT NULL, "removed_by" uuid NOT NULL, "removed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a6279a55694f58ed182f8396140" PRIMARY KEY ("pattern_id", "local_date"))`,
    );
    await q.query(
      `ALTER TABLE "shifts_removed" ADD CONSTRAINT "FK_7c2bb1d8419baae2f17fe40cb22" FOREIGN KEY ("pattern_id") REFERENCES "shift_patterns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shifts_removed" ADD CONSTRAINT "FK_d587de2027c9c6d5f52c133ffc1" FOREIGN KEY ("removed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shifts_removed" DROP CONSTRAINT "FK_d587de2027c9c6d5f52c133ffc1"`);
    await q.query(`ALTER TABLE "shifts_removed" DROP CONSTRAINT "FK_7c2bb1d8419baae2f17fe40cb22"`);
    await q.query(`DROP TABLE "shifts_removed"`);
  }
}
