import { MigrationInterface, QueryRunner } from 'typeorm';
import { addSeq, dropSeq } from './order-of-making';

/**
 * The tables of the lists that still tied on a time and broke the tie on a random uuid, and the order their rows
 * already kept are numbered in: the order they were listed in until now (their time, then id; shifts by their start,
 * then label, which did not break a tie at all; calendar tokens, listed newest first and then by id, numbered so that
 * that order stays); for follow-up actions, listed by a due date that may be unset, the order they were recorded in.
 */
const TABLES = [
  ['assessments', 'opened_at, id'],
  ['decisions', 'occurred_at, id'],
  ['swap_requests', 'created_at, id'],
  ['leave_requests', 'starts_at, id'],
  ['shifts', 'starts_at, label, id'],
  ['person_matches', 'requested_at, id'],
  ['cto_extensions', 'cto_expires_on, received_at, id'],
  ['follow_up_actions', 'created_at, id'],
  ['review_alerts', 'raised_at, id'],
  ['break_glass_sessions', 'started_at, id'],
  ['decision_amendments', 'amended_at, id'],
  ['supervision_sessions', 'held_on, id'],
  ['supervision_actions', `coalesce(due_on, '9999-12-31'::date), id`],
  ['webhook_subscriptions', 'created_at, id'],
  ['calendar_tokens', 'created_at, id DESC'],
] as const;

/**
 * Written by hand: as 1796690000000 did for offers, pages, notifications and the queue. The rows of these tables made
 * at the same instant (or given the same time, or held or due on the same day) were listed in the order of their
 * random ids: the assessments, the out-of-hours decisions with their amendments and follow-up actions, the rota's
 * swaps, leave and shifts, the person matches, the CTO extension requests, the break-glass sessions, the review
 * alerts, the supervision sessions and their actions, the webhook subscriptions and the calendar feed tokens. So each
 * list and its cursor showed them in an order that changed from one data set to another. Each now carries `seq`, the
 * order it was made in, which breaks the tie. No index of these lists ended in id, so none changes.
 */
export class OrderOfMakingLists1796730000000 implements MigrationInterface {
  name = 'OrderOfMakingLists1796730000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, order] of TABLES) await addSeq(q, table, order);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of [...TABLES].reverse()) await dropSeq(q, table);
  }
}
