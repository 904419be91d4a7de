import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a closed assessment (its outcome report and letter) and a decision show the person as the record
 * held them when it was written, not the person's record as it is later, which someone whose access to the person has
 * ended must not read through them. Records written before keep the person as they are recorded now (the best that is
 * known of them at the time).
 */
export class PersonAsRecorded1796476000000 implements MigrationInterface {
  name = 'PersonAsRecorded1796476000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "assessments" ADD "person_as_recorded" jsonb`);
    await q.query(`ALTER TABLE "decisions" ADD "person_as_recorded" jsonb`);
    const snapshot = (personId: string) =>
      `(SELECT jsonb_build_object('givenName', p.given_name, 'familyName', p.family_name, 'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'),
                'nhsNumber', p.nhs_number, 'address', p.address, 'postcode', p.postcode, 'preferredLanguage', p.preferred_language,
                'interpreterNeeded', p.interpreter_needed, 'communicationNeeds', p.communication_needs)
          FROM "persons" p WHERE p.id = ${personId})`;
    await q.query(`UPDATE "assessments" a SET "person_as_recorded" = ${snapshot('a.person_id')}`);
    await q.query(`UPDATE "decisions" d SET "person_as_recorded" = ${snapshot('d.person_id')} WHERE d.person_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "decisions" DROP COLUMN "person_as_recorded"`);
    await q.query(`ALTER TABLE "assessments" DROP COLUMN "person_as_recorded"`);
  }
}
