import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated','offered-again'`;
const AFTER = `${BEFORE},'deadline-moved'`;

/**
 * Written by hand: a clock's warnings answer for the end they warned of (DUTY-01, DUTY-03). When its deadline moves
 * later (a s.136B extension, POL-08; a time corrected after the fact), the pages and warnings of the old end are closed
 * as `deadline-moved` (those acknowledged or read superseded), so that the job's holder is paged and told again at
 * each lead and at the breach of the new end, and the old end's pages are passed on up the chain to no one.
 */
export class PagesDeadlineMoved1796520100000 implements MigrationInterface {
  name = 'PagesDeadlineMoved1796520100000';

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
    // A warning closed as its end moved reads, as before, as one the job's holder no longer answers for.
    await q.query(`UPDATE "pages" SET closed_reason = 'reallocated' WHERE closed_reason = 'deadline-moved'`);
    await q.query(`UPDATE "notifications" SET closed_reason = 'reallocated' WHERE closed_reason = 'deadline-moved'`);
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
