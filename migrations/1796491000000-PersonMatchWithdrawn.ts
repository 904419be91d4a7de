import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a pending identity match can be `withdrawn` (PERSON-MATCH). A record's later claim of a different
 * NHS number (or none) by PATCH /people/{id} supersedes the claim still waiting in the match: the record's part in it
 * goes, and a match left with no record leaves the managers' queue as `withdrawn` (resolving it is 409). Nothing to
 * carry over: no match was withdrawn before.
 */
export class PersonMatchWithdrawn1796491000000 implements MigrationInterface {
  name = 'PersonMatchWithdrawn1796491000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "person_matches_status"`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "person_matches_status" CHECK (status IN ('pending','same-person','different-person','folded','withdrawn'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A withdrawal is not undone (the record holds the number it was given since), nor made to look like a decision.
    await q.query(
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM person_matches WHERE status = 'withdrawn') THEN RAISE EXCEPTION 'withdrawn person matches are kept: not reverting PersonMatchWithdrawn'; END IF; END $$`,
    );
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "person_matches_status"`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "person_matches_status" CHECK (status IN ('pending','same-person','different-person','folded'))`,
    );
  }
}
