import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a page answers for the episode of its matter it was raised in (DUTY-01, DUTY-03). When the service
 * closes the pages of a matter (a job allocated, reallocated, sent back to the queue or ended; an offer taken,
 * allocated or ended), every page of it is superseded (`superseded_at`), those already acknowledged by their
 * recipient too: the acknowledgement stays as it was given, but no longer stands in the way of a new page of the same
 * chain, step and recipient. A manager who acknowledged a clock warning before the job was allocated is paged again
 * when it comes back to the queue; an AMHP who acknowledged it before the job was taken from her, when it comes back to
 * her. Only the pages of the current episode are one per chain, step and recipient. The pages closed before are
 * superseded as of their closing.
 */
export class PagesSupersededByNewEpisode1796493000000 implements MigrationInterface {
  name = 'PagesSupersededByNewEpisode1796493000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "pages" ADD "superseded_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE "pages" SET superseded_at = acknowledged_at WHERE closed_reason IS NOT NULL`);
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "pages_closed_superseded" CHECK (closed_reason IS NULL OR superseded_at IS NOT NULL)`,
    );
    await q.query(`DROP INDEX "public"."pages_chain_key"`);
    await q.query(
      `CREATE UNIQUE INDEX "pages_chain_key" ON "pages" ("chain_key", "step", "recipient_user_id") WHERE superseded_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // One page not closed by the service per chain, step and recipient again: the newest of each is kept.
    await q.query(`DELETE FROM "pages" p USING "pages" o
      WHERE p.closed_reason IS NULL AND o.closed_reason IS NULL
        AND o.chain_key = p.chain_key AND o.step = p.step AND o.recipient_user_id = p.recipient_user_id
        AND (o.created_at, o.id) > (p.created_at, p.id)`);
    await q.query(`DROP INDEX "public"."pages_chain_key"`);
    await q.query(
      `CREATE UNIQUE INDEX "pages_chain_key" ON "pages" ("chain_key", "step", "recipient_user_id") WHERE closed_reason IS NULL`,
    );
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_closed_superseded"`);
    await q.query(`ALTER TABLE "pages" DROP COLUMN "superseded_at"`);
  }
}
