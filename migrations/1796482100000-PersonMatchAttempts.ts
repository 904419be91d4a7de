import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: an intake repeated by the same caller with an NHS number already waiting in a pending match of
 * theirs to its holder is folded into that match (`attempts` counts the intakes), not left as one more record and
 * one more match in the managers' queue; a change of a person (PATCH) repeated with the same held number counts on
 * that person's pending match too. Matches recorded before count one.
 */
export class PersonMatchAttempts1796482100000 implements MigrationInterface {
  name = 'PersonMatchAttempts1796482100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_matches" ADD "attempts" integer NOT NULL DEFAULT 1`);
    await q.query(`ALTER TABLE "person_matches" ADD "last_requested_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE "person_matches" SET "last_requested_at" = "requested_at"`);
    await q.query(`ALTER TABLE "person_matches" ALTER COLUMN "last_requested_at" SET NOT NULL`);
    await q.query(`ALTER TABLE "person_matches" ADD CONSTRAINT "person_matches_attempts" CHECK (attempts >= 1)`);
    // What a repeated intake looks for, under the number's lock: the caller's open match to the number's holder.
    await q.query(
      `CREATE INDEX "person_matches_open_intake_idx" ON "person_matches" ("nhs_number", "requested_by") WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "person_matches_open_intake_idx"`);
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "person_matches_attempts"`);
    await q.query(`ALTER TABLE "person_matches" DROP COLUMN "last_requested_at"`);
    await q.query(`ALTER TABLE "person_matches" DROP COLUMN "attempts"`);
  }
}
