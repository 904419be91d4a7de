import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated','offered-again','deadline-moved'`;
const AFTER = `${BEFORE},'left-police-station'`;

/**
 * Written by hand: the pages and notifications that a child is held at a police station (POL-09, MHA 1983 s.136A(1))
 * answer for that detention there. Once she is moved to a place of safety that is not a police station they are closed
 * as `left-police-station` (those acknowledged or read superseded), so that a move back to a police station pages the
 * AMHPs on duty and the manager on call afresh, where the earlier pages kept the new ones from being raised.
 */
export class PagesLeftPoliceStation1796520200000 implements MigrationInterface {
  name = 'PagesLeftPoliceStation1796520200000';

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
    // Closed as the child left the police station reads, as before, as the escalation answered by the job's allocation.
    await q.query(`UPDATE "pages" SET closed_reason = 'allocated' WHERE closed_reason = 'left-police-station'`);
    await q.query(`UPDATE "notifications" SET closed_reason = 'allocated' WHERE closed_reason = 'left-police-station'`);
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
