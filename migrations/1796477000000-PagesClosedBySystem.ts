import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a page stops waiting for its recipient when what it was about is no longer hers to act on (an offer
 * taken by another AMHP, allocated by a manager or ended with the referral; a clock page of a job reallocated away from
 * her). The service closes it (acknowledged via `system`, by no one) and says why, so it leaves her phone's list and
 * lock screen, and its escalation chain (DUTY-03) does not go on about it.
 */
export class PagesClosedBySystem1796477000000 implements MigrationInterface {
  name = 'PagesClosedBySystem1796477000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_ack_via"`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_ack_via" CHECK (acknowledged_via IS NULL OR acknowledged_via IN ('app','notification','gateway','system'))`,
    );
    await q.query(`ALTER TABLE "pages" ADD "closed_reason" text`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_closed_reason" CHECK (closed_reason IS NULL OR (acknowledged_via = 'system' AND closed_reason IN ('accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated')))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_closed_reason"`);
    await q.query(`ALTER TABLE "pages" DROP COLUMN "closed_reason"`);
    await q.query(`UPDATE "pages" SET acknowledged_via = NULL WHERE acknowledged_via = 'system'`);
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_ack_via"`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_ack_via" CHECK (acknowledged_via IS NULL OR acknowledged_via IN ('app','notification','gateway'))`,
    );
  }
}
