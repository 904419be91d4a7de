import { MigrationInterface, QueryRunner } from 'typeorm';
import { addSeq, dropSeq } from './order-of-making';

/**
 * The tables whose lists tie on a time and broke the tie on a random uuid, and the order their rows already kept are
 * numbered in: the order they were listed in until now (their time, then id); for referrals, whose queue time (the
 * next deadline) moves, the order they were recorded in.
 */
const TABLES = [
  ['referrals', 'created_at, id'],
  ['allocation_offers', 'offered_at, id'],
  ['pages', 'created_at, id'],
  ['notifications', 'created_at, id'],
] as const;

/** The queue's index, in the queue's order (GET /referrals): the next deadline, then the order recorded. */
const QUEUE_WHERE = `WHERE status NOT IN ('closed','withdrawn','not-accepted','transferred')`;

/**
 * Written by hand: offers, pages and notifications made at the same instant (several in one transaction, or within
 * the clock's resolution), and referrals due at the same time (or with no deadline), were listed in the order of
 * their random ids, so the Now screen, the offers of a referral, the inbox and the queue (and their cursors) showed
 * them in an order that changed from one data set to another. Each now carries `seq`, the order it was made in (an
 * identity), that breaks the tie. The rows already kept are numbered in the order they were listed in until now, so
 * no list changes its order for them; new ones follow.
 */
export class OrderOfMaking1796690000000 implements MigrationInterface {
  name = 'OrderOfMaking1796690000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, order] of TABLES) await addSeq(q, table, order);
    await q.query(`DROP INDEX "public"."referrals_queue_idx"`);
    await q.query(`CREATE INDEX "referrals_queue_idx" ON "referrals"  ("next_deadline", "seq") ${QUEUE_WHERE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."referrals_queue_idx"`);
    await q.query(`CREATE INDEX "referrals_queue_idx" ON "referrals"  ("next_deadline", "id") ${QUEUE_WHERE}`);
    for (const [table] of [...TABLES].reverse()) await dropSeq(q, table);
  }
}
