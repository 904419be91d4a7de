import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a s.136B extension (POL-08) names the registered medical practitioner who authorised it, from the
 * register (its id, with the name and GMC number as they stood) or by name and GMC number. Extensions recorded by
 * role alone ('examining-doctor') keep null here.
 */
export class ExtensionAuthorisingDoctor1796422000000 implements MigrationInterface {
  name = 'ExtensionAuthorisingDoctor1796422000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "referral_extensions" ADD "authorising_doctor_id" uuid, ADD "authorising_doctor_name" text, ADD "authorising_doctor_gmc_number" text`,
    );
    await q.query(
      `ALTER TABLE "referral_extensions" ADD CONSTRAINT "referral_extensions_authorising_doctor" CHECK ((authorising_doctor_name IS NULL AND authorising_doctor_gmc_number IS NULL AND authorising_doctor_id IS NULL) OR (authorising_doctor_name IS NOT NULL AND authorising_doctor_gmc_number ~ '^[0-9]{7}$'))`,
    );
    await q.query(
      `ALTER TABLE "referral_extensions" ADD CONSTRAINT "FK_ce759e8f779ceaf627ad5853527" FOREIGN KEY ("authorising_doctor_id") REFERENCES "doctors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "FK_ce759e8f779ceaf627ad5853527"`);
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "referral_extensions_authorising_doctor"`);
    await q.query(
      `ALTER TABLE "referral_extensions" DROP COLUMN "authorising_doctor_gmc_number", DROP COLUMN "authorising_doctor_name", DROP COLUMN "authorising_doctor_id"`,
    );
  }
}
