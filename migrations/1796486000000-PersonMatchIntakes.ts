import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated, then reviewed: an intake folded into the caller's pending match (the same NHS number sent again while the
 * match waits) keeps the person it recorded, linked to the match here, so that nothing acknowledged is lost and
 * resolving the match settles every intake it holds. Records from before were not kept: nothing to carry over.
 */
export class PersonMatchIntakes1796486000000 implements MigrationInterface {
  name = 'PersonMatchIntakes1796486000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_match_intakes" ("match_id" uuid NOT NULL, "person_id" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempt" integer NOT NULL, CONSTRAINT "person_match_intakes_attempt" CHECK (attempt >= 2), CONSTRAINT "PK_fa1aaf6862aebba4c126ef72659" PRIMARY KEY ("match_id", "person_id"))`,
    );
    await q.query(`CREATE INDEX "person_match_intakes_person_idx" ON "person_match_intakes"  ("person_id") `);
    await q.query(
      `ALTER TABLE "person_match_intakes" ADD CONSTRAINT "FK_45f4fc76b84d0c3c03b05c64762" FOREIGN KEY ("match_id") REFERENCES "person_matches"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "person_match_intakes" ADD CONSTRAINT "FK_67cd5a3ac1d7588dd64acf3fd44" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_match_intakes" DROP CONSTRAINT "FK_67cd5a3ac1d7588dd64acf3fd44"`);
    await q.query(`ALTER TABLE "person_match_intakes" DROP CONSTRAINT "FK_45f4fc76b84d0c3c03b05c64762"`);
    await q.query(`DROP INDEX "public"."person_match_intakes_person_idx"`);
    await q.query(`DROP TABLE "person_match_intakes"`);
  }
}
