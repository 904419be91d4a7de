import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: a job offered again to an AMHP who declined it (or whose offer was withdrawn) is a new offer, and a
 * new episode of her offer pages (DUTY-01, DUTY-03): her pages of the earlier offer are closed as `offered-again` (those
 * she had acknowledged superseded), so that the new offer pages her afresh, at once, and her old acknowledgement
 * answers nothing of it. A new offer also answers the managers' page and word that nobody accepted the job, the same
 * way: should this offer go unaccepted too, the chain pages them again. Notifications are closed for the same reasons
 * as pages.
 */
export class PagesOfferedAgain1796520000000 implements MigrationInterface {
  name = 'PagesOfferedAgain1796520000000';

  async up(q: QueryRunner): Promise<void> {
    await addClosingReason(q, 'offered-again');
  }

  async down(q: QueryRunner): Promise<void> {
    // A page or notification closed as offered again reads, as before, as an offer ended: the job was allocated.
    await removeClosingReason(q, 'offered-again', 'allocated');
  }
}
