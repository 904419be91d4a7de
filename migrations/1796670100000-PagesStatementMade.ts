import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: the pages and notifications that an AMHP's statement on extending a CTO is due (CTO-04, MHA 1983
 * s.20A(8): by the end of the day the CTO expires) are closed as `statement-made` once the statement is made: nothing
 * about that deadline is anyone's to act on any more.
 */
export class PagesStatementMade1796670100000 implements MigrationInterface {
  name = 'PagesStatementMade1796670100000';

  async up(q: QueryRunner): Promise<void> {
    await addClosingReason(q, 'statement-made');
  }

  async down(q: QueryRunner): Promise<void> {
    // Closed because the statement was made reads, as before, as no longer hers: the matter went to someone else.
    await removeClosingReason(q, 'statement-made', 'reallocated');
  }
}
