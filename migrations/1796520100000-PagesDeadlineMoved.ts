import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: a clock's warnings answer for the end they warned of (DUTY-01, DUTY-03). When its deadline moves
 * later (a s.136B extension, POL-08; a time corrected after the fact), the pages and warnings of the old end are closed
 * as `deadline-moved` (those acknowledged or read superseded), so that the job's holder is paged and told again at
 * each lead and at the breach of the new end, and the old end's pages are passed on up the chain to no one.
 */
export class PagesDeadlineMoved1796520100000 implements MigrationInterface {
  name = 'PagesDeadlineMoved1796520100000';

  async up(q: QueryRunner): Promise<void> {
    await addClosingReason(q, 'deadline-moved');
  }

  async down(q: QueryRunner): Promise<void> {
    // A warning closed as its end moved reads, as before, as one the job's holder no longer answers for.
    await removeClosingReason(q, 'deadline-moved', 'reallocated');
  }
}
