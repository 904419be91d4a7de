import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a clock's page keeps the end it warned of (DUTY-01, DUTY-03), so that an end moved later within
 * the same warning stage (a short s.136B extension, POL-08) puts the standing page and warning right where they
 * stand, and an end moved earlier wakes its holder again (clockPageMove). Pages raised before have none (null).
 */
export class PagesEndsAt1796593000000 implements MigrationInterface {
  name = 'PagesEndsAt1796593000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" ADD "ends_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" DROP COLUMN "ends_at"`);
  }
}
