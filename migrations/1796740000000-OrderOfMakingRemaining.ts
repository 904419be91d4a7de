import { MigrationInterface, QueryRunner } from 'typeorm';
import { addSeq, dropSeq } from './order-of-making';

/**
 * The tables of the lists and picks that still broke a tie of their time (or name) on a random uuid, or on nothing,
 * and the order their rows already kept are numbered in: the order they were listed in until now. Push subscriptions
 * were listed newest first and then by id, so they are numbered so that order stays; a shift's AMHPs by their start
 * (then name, which the id settled when names were the same); the handover's items by the day first handed over and
 * their kind, then id; appraisals and practice audits, which broke a tie of day and time on nothing, in the order
 * they were recorded.
 */
const TABLES = [
  ['push_subscriptions', 'created_at, id DESC'],
  ['shift_assignments', 'starts_at, id'],
  ['handover_items', `first_handed_over_on, array_position(ARRAY['decision','action','referral','assessment','rota-note'], item_type), id`],
  ['appraisals', 'created_at, id'],
  ['practice_audits', 'created_at, id'],
  ['rota_preferences', 'created_at, id'],
  ['users', 'created_at, id'],
  ['nearest_relative_displacements', 'effective_from NULLS LAST, id'],
  ['assessment_contacts', 'at, id'],
  ['medical_recommendations', 'examined_at, id'],
] as const;

/**
 * Written by hand: as 1796730000000 did for the lists it names. The rows of these tables made at the same instant
 * (or given the same time, or held on the same day) came in the order of their random ids, or in no set order: the
 * duty phone's devices (GET /me/push-subscriptions), a shift's AMHPs (the rota, the on-duty answer's amhps, the
 * calendar feed, coverage), the morning handover's items, a practitioner's appraisals and practice audits, rota
 * preferences, the accounts that look alike, which order of a court naming an acting nearest relative is cited, and
 * an assessment's contacts and medical recommendations. Each now carries `seq`, the order it was made in, which
 * breaks the tie. No index of these tables ended in id, so none changes.
 */
export class OrderOfMakingRemaining1796740000000 implements MigrationInterface {
  name = 'OrderOfMakingRemaining1796740000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, order] of TABLES) await addSeq(q, table, order);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of [...TABLES].reverse()) await dropSeq(q, table);
  }
}
