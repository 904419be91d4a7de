import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AMHP-02 (SI 2008/1206 reg 3(3)): an approval keeps the day she completed the approved AMHP course, which a first
 * approval must give, and the authority that approved her before when this hub has no record of that approval. Both
 * null on the approvals recorded before: nothing was asked of them, and nothing is made up for them.
 */
export class ApprovalCourseCompleted1796810000001 implements MigrationInterface {
  name = 'ApprovalCourseCompleted1796810000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "approvals" ADD "approved_course_completed_on" date, ADD "previously_approved_by" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "approvals" DROP COLUMN "previously_approved_by", DROP COLUMN "approved_course_completed_on"`);
  }
}
