import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated, then completed by hand: the local dates the rota has been generated for (rota_days). A change to a
 * pattern or to the bank holiday calendar then brings exactly those days in line at once, creating the shifts the
 * pattern now calls for there (a pattern made active again, a later end, a new pattern), where before it only
 * changed the shifts already generated. Carried over from the shifts: every date a pattern's shift was generated for.
 */
export class RotaDays1796510000000 implements MigrationInterface {
  name = 'RotaDays1796510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rota_days" ("local_date" date NOT NULL, "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1e661f4d029ac5f5c8b4c93d683" PRIMARY KEY ("local_date"))`,
    );
    await q.query(
      `INSERT INTO rota_days (local_date, generated_at)
       SELECT local_date, min(created_at) FROM shifts WHERE pattern_id IS NOT NULL GROUP BY local_date`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rota_days"`);
  }
}
