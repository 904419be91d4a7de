import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a person may have more than one identity match to resolve (a number given at intake, another given
 * later with PATCH /people/{id} that another record holds), one pending per pair of records, and any number resolved.
 */
export class PendingMatchPerPair1796461000000 implements MigrationInterface {
  name = 'PendingMatchPerPair1796461000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."person_matches_pending_person_key"`);
    await q.query(
      `CREATE UNIQUE INDEX "person_matches_pending_pair_key" ON "person_matches" ("pending_person_id", "candidate_person_id") WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."person_matches_pending_pair_key"`);
    await q.query(`CREATE UNIQUE INDEX "person_matches_pending_person_key" ON "person_matches" ("pending_person_id") `);
  }
}
