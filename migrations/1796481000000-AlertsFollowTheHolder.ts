import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a page or a notification about a job follows whoever holds the job (DUTY-01, DUTY-03).
 * - A page the service closed (closed_reason set) no longer stands in the way of a new page of the same chain and step
 *   to the same person: an AMHP a job comes back to is paged about its clocks afresh. Only the pages still open, or
 *   answered by their recipient, are one per chain, step and recipient.
 * - A notification can be closed by the service, with why (the same reasons as a page's): a clock warning of a job
 *   reallocated away from her, an offer taken by another AMHP, allocated or ended. It is no longer new in her inbox.
 */
export class AlertsFollowTheHolder1796481000000 implements MigrationInterface {
  name = 'AlertsFollowTheHolder1796481000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."pages_chain_key"`);
    await q.query(
      `CREATE UNIQUE INDEX "pages_chain_key" ON "pages" ("chain_key", "step", "recipient_user_id") WHERE closed_reason IS NULL`,
    );
    await q.query(`ALTER TABLE "notifications" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "notifications" ADD "closed_reason" text`);
    await q.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_closed_reason" CHECK ((closed_at IS NULL) = (closed_reason IS NULL) AND (closed_reason IS NULL OR closed_reason IN ('accepted-by-another','allocated','referral-ended','amhp-not-eligible','reallocated')))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_closed_reason"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "closed_reason"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "closed_at"`);
    // One page per chain, step and recipient again: the first of each is kept.
    await q.query(`DELETE FROM "pages" p USING "pages" o
      WHERE o.chain_key = p.chain_key AND o.step = p.step AND o.recipient_user_id = p.recipient_user_id
        AND (o.created_at, o.id) < (p.created_at, p.id)`);
    await q.query(`DROP INDEX "public"."pages_chain_key"`);
    await q.query(`CREATE UNIQUE INDEX "pages_chain_key" ON "pages" ("chain_key", "step", "recipient_user_id")`);
  }
}
