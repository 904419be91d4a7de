import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the pages still standing (not superseded), by referral and chain. The clock job reads the standing
 * clock chains of the open referrals every minute (PagesService.currentChains), and a referral's pages are read by
 * referral when they are closed (closeFor); without it each was a sequential scan of every page the hub ever raised,
 * most of them acknowledged long ago on referrals long closed (bench/pages.bench.js).
 */
export class PagesStandingByReferral1796593100000 implements MigrationInterface {
  name = 'PagesStandingByReferral1796593100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "pages_standing_referral_idx" ON "pages" ("referral_id", "chain_key") WHERE superseded_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."pages_standing_referral_idx"`);
  }
}
