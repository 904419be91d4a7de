import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM compares CHECK constraints by name only, so it cannot see a changed expression):
 * a relationship ended at the instant it began is an empty period [t, t), which is never valid.
 */
export class EmptyRelationshipPeriod1795242671845 implements MigrationInterface {
  name = 'EmptyRelationshipPeriod1795242671845';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "access_relationships" DROP CONSTRAINT "access_relationships_period"`);
    await q.query(
      `ALTER TABLE "access_relationships" ADD CONSTRAINT "access_relationships_period" CHECK (valid_to IS NULL OR valid_to >= valid_from)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "access_relationships" DROP CONSTRAINT "access_relationships_period"`);
    await q.query(
      `ALTER TABLE "access_relationships" ADD CONSTRAINT "access_relationships_period" CHECK (valid_to IS NULL OR valid_to > valid_from)`,
    );
  }
}
