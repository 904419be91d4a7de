import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a suspension (AMHP-07) or an early end (AMHP-08) recorded in error can be withdrawn. The record
 * keeps it, with who withdrew it, when and why (AMHP-09: the portfolio says what happened), but it no longer has effect.
 */
export class ApprovalWithdrawals1796463100000 implements MigrationInterface {
  name = 'ApprovalWithdrawals1796463100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "approval_suspensions" ADD "withdrawn_at" TIMESTAMP WITH TIME ZONE, ADD "withdrawn_by" uuid, ADD "withdrawal_reason" text`,
    );
    await q.query(
      `ALTER TABLE "approval_suspensions" ADD CONSTRAINT "approval_suspensions_withdrawn" CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL) AND (withdrawn_at IS NULL) = (withdrawn_by IS NULL))`,
    );
    await q.query(
      `ALTER TABLE "approval_suspensions" ADD CONSTRAINT "FK_72d851edc424e833eb4a72f3930" FOREIGN KEY ("withdrawn_by") REFERENCES "users"("id") ON DELETE RESTRICT`,
    );
    await q.query(`ALTER TABLE "approvals" ADD "withdrawn_ends" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "approvals" DROP COLUMN "withdrawn_ends"`);
    await q.query(`DELETE FROM "approval_suspensions" WHERE "withdrawn_at" IS NOT NULL`);
    await q.query(`ALTER TABLE "approval_suspensions" DROP CONSTRAINT "FK_72d851edc424e833eb4a72f3930"`);
    await q.query(`ALTER TABLE "approval_suspensions" DROP CONSTRAINT "approval_suspensions_withdrawn"`);
    await q.query(
      `ALTER TABLE "approval_suspensions" DROP COLUMN "withdrawal_reason", DROP COLUMN "withdrawn_by", DROP COLUMN "withdrawn_at"`,
    );
  }
}
