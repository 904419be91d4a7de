import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated','offered-again','deadline-moved','left-police-station','not-under-18'`;
const AFTER = `${BEFORE},'statement-made'`;

/**
 * Written by hand: the pages and notifications that an AMHP's statement on extending a CTO is due (CTO-04, MHA 1983
 * s.20A(8): by the end of the day the CTO expires) are closed as `statement-made` once the statement is made: nothing
 * about that deadline is anyone's to act on any more.
 */
export class PagesStatementMade1796670100000 implements MigrationInterface {
  name = 'PagesStatementMade1796670100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_closed_reason"`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_closed_reason" CHECK (closed_reason IS NULL OR (acknowledged_via = 'system' AND closed_reason IN (${AFTER})))`,
    );
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_closed_reason"`);
    await q.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_closed_reason" CHECK ((closed_at IS NULL) = (closed_reason IS NULL) AND (closed_reason IS NULL OR closed_reason IN (${AFTER})))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Closed because the statement was made reads, as before, as no longer hers: the matter went to someone else.
    await q.query(`UPDATE "pages" SET closed_reason = 'reallocated' WHERE closed_reason = 'statement-made'`);
    await q.query(`UPDATE "notifications" SET closed_reason = 'reallocated' WHERE closed_reason = 'statement-made'`);
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_closed_reason"`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_closed_reason" CHECK (closed_reason IS NULL OR (acknowledged_via = 'system' AND closed_reason IN (${BEFORE})))`,
    );
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_closed_reason"`);
    await q.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_closed_reason" CHECK ((closed_at IS NULL) = (closed_reason IS NULL) AND (closed_reason IS NULL OR closed_reason IN (${BEFORE})))`,
    );
  }
}
