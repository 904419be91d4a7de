import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: an open offer is withdrawn when its AMHP may no longer act as one (a suspension, an approval ended,
 * a lapsed registration, a record made inactive: MHA 1983 s.114; AMHP-03/05/07/08), recorded as `amhp-not-eligible`.
 */
export class OfferWithdrawnNotEligible1796455000000 implements MigrationInterface {
  name = 'OfferWithdrawnNotEligible1796455000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "allocation_offers_withdrawn_reason"`);
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "allocation_offers_withdrawn_reason" CHECK (withdrawn_reason IS NULL OR withdrawn_reason IN ('accepted-by-another','allocated','referral-ended','amhp-not-eligible'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "allocation_offers" SET "withdrawn_reason" = 'referral-ended' WHERE "withdrawn_reason" = 'amhp-not-eligible'`);
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "allocation_offers_withdrawn_reason"`);
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "allocation_offers_withdrawn_reason" CHECK (withdrawn_reason IS NULL OR withdrawn_reason IN ('accepted-by-another','allocated','referral-ended'))`,
    );
  }
}
