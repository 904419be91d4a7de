import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * APP-11 (s.4(4)): when a s.4 became a s.2, as the rules judged it (s4Conversion) when the assessment last changed; the
 * referral's s.4 clock stops on it, not on any receipt of a second recommendation. A s.4 whose conversion was recorded
 * before (the conversion step refuses unless the rules agree) takes the managers' first receipt of a s.2
 * recommendation; any other stays unjudged (null) until its assessment next changes, so its clock runs and warns.
 */
export class S4ConvertsAt1796444000000 implements MigrationInterface {
  name = 'S4ConvertsAt1796444000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assessments ADD COLUMN s4_converts_at TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE assessments a SET s4_converts_at = (SELECT min(r.received_by_managers_at) FROM medical_recommendations r
                    WHERE r.assessment_id = a.id AND r.section = 's2' AND r.withdrawn_at IS NULL)
                    WHERE a.outcome ? 'convertedFromS4'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assessments DROP COLUMN s4_converts_at`);
  }
}
