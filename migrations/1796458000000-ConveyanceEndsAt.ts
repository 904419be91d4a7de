import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * APP-13 / APP-14 (s.6(1)): when the authority to convey the patient under an assessment's application ended, as the
 * rules judged it (conveyanceWindow) when the assessment last changed. The referral's clocks take an admission at or
 * after it as no admission under the application (clockStop, outcomeClocks): it ends no place-of-safety detention or
 * s.2 (POL-11, APP-20) and starts no s.4 72 hours (APP-11). An application decided before this stays unjudged (null)
 * until its assessment next changes.
 */
export class ConveyanceEndsAt1796458000000 implements MigrationInterface {
  name = 'ConveyanceEndsAt1796458000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assessments ADD COLUMN conveyance_ends_at TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assessments DROP COLUMN conveyance_ends_at`);
  }
}
