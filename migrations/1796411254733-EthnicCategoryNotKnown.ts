import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: the NHS Data Dictionary ethnic category takes 99 (not known) beside Z (not stated), as MHSDS does. */
export class EthnicCategoryNotKnown1796411254733 implements MigrationInterface {
  name = 'EthnicCategoryNotKnown1796411254733';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "persons" DROP CONSTRAINT "persons_ethnic_category"`);
    await q.query(
      `ALTER TABLE "persons" ADD CONSTRAINT "persons_ethnic_category" CHECK (ethnic_category IS NULL OR ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z','99'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "persons" SET "ethnic_category" = NULL WHERE "ethnic_category" = '99'`);
    await q.query(`ALTER TABLE "persons" DROP CONSTRAINT "persons_ethnic_category"`);
    await q.query(
      `ALTER TABLE "persons" ADD CONSTRAINT "persons_ethnic_category" CHECK (ethnic_category IS NULL OR ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z'))`,
    );
  }
}
