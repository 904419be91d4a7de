import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports read a period of referrals, screening decisions and assessments: indexes on the instants they select by,
 * so a financial year on ten years of records reads that year's rows, not every row (measured by bench/reports.bench.js).
 */
export class ReportIndexes1796429300000 implements MigrationInterface {
  name = 'ReportIndexes1796429300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "referrals_received_idx" ON "referrals"  ("received_at") `);
    await q.query(`CREATE INDEX "referral_events_type_at_idx" ON "referral_events"  ("type", "at") `);
    await q.query(`CREATE INDEX "assessments_opened_idx" ON "assessments"  ("opened_at") `);
    await q.query(`CREATE INDEX "assessments_decided_idx" ON "assessments"  ("decided_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."assessments_decided_idx"`);
    await q.query(`DROP INDEX "public"."assessments_opened_idx"`);
    await q.query(`DROP INDEX "public"."referral_events_type_at_idx"`);
    await q.query(`DROP INDEX "public"."referrals_received_idx"`);
  }
}
