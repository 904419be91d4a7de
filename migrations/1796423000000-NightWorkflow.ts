import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The night's workflow: the lasting `conducted` relationship of the AMHP who conducted an assessment (read access
 * to that assessment and its report after it closes), and why an offer was withdrawn (taken by another AMHP,
 * allocated directly, the referral ended), so that whoever answers it late is told what happened.
 */
export class NightWorkflow1796423000000 implements MigrationInterface {
  name = 'NightWorkflow1796423000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "access_relationships" DROP CONSTRAINT "access_relationships_kind"`);
    await q.query(
      `ALTER TABLE "access_relationships" ADD CONSTRAINT "access_relationships_kind" CHECK (kind IN ('allocated','referrer','duty','conducted'))`,
    );
    await q.query(`ALTER TABLE "allocation_offers" ADD "withdrawn_reason" text`);
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "allocation_offers_withdrawn_reason" CHECK (withdrawn_reason IS NULL OR withdrawn_reason IN ('accepted-by-another','allocated','referral-ended'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "allocation_offers_withdrawn_reason"`);
    await q.query(`ALTER TABLE "allocation_offers" DROP COLUMN "withdrawn_reason"`);
    await q.query(`ALTER TABLE "access_relationships" DROP CONSTRAINT "access_relationships_kind"`);
    await q.query(
      `ALTER TABLE "access_relationships" ADD CONSTRAINT "access_relationships_kind" CHECK (kind IN ('allocated','referrer','duty'))`,
    );
  }
}
