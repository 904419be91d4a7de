import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated','offered-again','deadline-moved','left-police-station'`;
const AFTER = `${BEFORE},'not-under-18'`;

/**
 * Written by hand: the pages and notifications that a child is held at a police station (POL-09, MHA 1983 s.136A(1))
 * are closed as `not-under-18` when the date of birth on the person's record, recorded or corrected after intake,
 * shows they were not under 18 on the day they arrived (the referral's findings judged again), so that a child held
 * at one later is paged afresh.
 */
export class PagesNotUnder181796595000000 implements MigrationInterface {
  name = 'PagesNotUnder181796595000000';

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
    // Closed as not a child reads, as before, as the child having left the police station: the matter is over.
    await q.query(`UPDATE "pages" SET closed_reason = 'left-police-station' WHERE closed_reason = 'not-under-18'`);
    await q.query(`UPDATE "notifications" SET closed_reason = 'left-police-station' WHERE closed_reason = 'not-under-18'`);
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
