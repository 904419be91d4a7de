import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * NR-06 (s.26(5)(a)): whether the patient is ordinarily resident in the United Kingdom, the Channel Islands or the Isle
 * of Man; relatives who are not so resident are disregarded only for a patient who is. Unrecorded (null) for everyone
 * recorded so far: the nearest-relative proposal takes them to be, as it did, and says so.
 */
export class PersonUkResident1796459000000 implements MigrationInterface {
  name = 'PersonUkResident1796459000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE persons ADD COLUMN uk_resident BOOLEAN`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE persons DROP COLUMN uk_resident`);
  }
}
