import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * NR-07 (s.26(6), (7)): a cohabitee counts as a spouse after six months of living with the patient, a non-relative as a
 * relative after five years. Recorded as years with two decimals, six months was 0.5 however long the months were, so a
 * cohabitation that began six months ago to the day could be judged short (0.49) or long enough (0.5) by how it was
 * typed. A relative may now be recorded with the day they began living with the patient, and the period is counted
 * from it in calendar months. Relatives already recorded keep their years.
 */
export class RelativesLivingWithSince1796840000002 implements MigrationInterface {
  name = 'RelativesLivingWithSince1796840000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "relatives" ADD "living_with_since" date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "relatives" DROP COLUMN "living_with_since"`);
  }
}
