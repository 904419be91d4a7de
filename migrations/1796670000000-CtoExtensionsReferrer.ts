import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(4), (8)). The responsible clinician's team may refer its request for an
 * AMHP's statement on extending a CTO itself, through a referrer account, as police and GPs refer: the request is then
 * its own to follow (`referrer_user_id`, as a referral's referrer), read back by it and by nobody else of its role.
 * Requests made before are nobody's own (staff made them).
 */
export class CtoExtensionsReferrer1796670000000 implements MigrationInterface {
  name = 'CtoExtensionsReferrer1796670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cto_extensions" ADD COLUMN "referrer_user_id" uuid REFERENCES "users" ("id")`);
    await q.query(`CREATE INDEX "cto_extensions_referrer_idx" ON "cto_extensions" ("referrer_user_id") WHERE referrer_user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "cto_extensions_referrer_idx"`);
    await q.query(`ALTER TABLE "cto_extensions" DROP COLUMN "referrer_user_id"`);
  }
}
