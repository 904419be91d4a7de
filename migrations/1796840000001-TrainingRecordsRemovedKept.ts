import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A training record removed as entered in error was deleted: what it said (its provider, topic, notes, who recorded it)
 * was gone, and the LSSA's record of the AMHP's training (AMHP-09) could no longer say what it had held. It is now
 * kept, with who removed it and when, and of no effect: the reports' view of training, like every count of the
 * yearly hours (AMHP-06), reads only the records not removed.
 */
export class TrainingRecordsRemovedKept1796840000001 implements MigrationInterface {
  name = 'TrainingRecordsRemovedKept1796840000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "training_records" ADD "removed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "training_records" ADD "removed_by" uuid`);
    await q.query(
      `ALTER TABLE "training_records" ADD CONSTRAINT "FK_4caa1cbaf711500d48ef8f29f30" FOREIGN KEY ("removed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW report_training AS
       SELECT t.practitioner_id, t.completed_on::text AS completed_on, t.hours::float8 AS hours, t.mental_health_specific FROM training_records t
        WHERE t.removed_at IS NULL`,
    );
    await q.query(
      `COMMENT ON VIEW report_training IS 'Owned by reports. One row per training record not removed as entered in error: when, how many hours, whether mental-health specific.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Taken back, the records removed since are deleted, as they were before: otherwise they would count again.
    await q.query(
      `CREATE OR REPLACE VIEW report_training AS
       SELECT t.practitioner_id, t.completed_on::text AS completed_on, t.hours::float8 AS hours, t.mental_health_specific FROM training_records t`,
    );
    await q.query(
      `COMMENT ON VIEW report_training IS 'Owned by reports. One row per training record: when, how many hours, whether mental-health specific.'`,
    );
    await q.query(`DELETE FROM "training_records" WHERE "removed_at" IS NOT NULL`);
    await q.query(`ALTER TABLE "training_records" DROP CONSTRAINT "FK_4caa1cbaf711500d48ef8f29f30"`);
    await q.query(`ALTER TABLE "training_records" DROP COLUMN "removed_by"`);
    await q.query(`ALTER TABLE "training_records" DROP COLUMN "removed_at"`);
  }
}
