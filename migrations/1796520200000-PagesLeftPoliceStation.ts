import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: the pages and notifications that a child is held at a police station (POL-09, MHA 1983 s.136A(1))
 * answer for that detention there. Once she is moved to a place of safety that is not a police station they are closed
 * as `left-police-station` (those acknowledged or read superseded), so that a move back to a police station pages the
 * AMHPs on duty and the manager on call afresh, where the earlier pages kept the new ones from being raised.
 */
export class PagesLeftPoliceStation1796520200000 implements MigrationInterface {
  name = 'PagesLeftPoliceStation1796520200000';

  async up(q: QueryRunner): Promise<void> {
    await addClosingReason(q, 'left-police-station');
  }

  async down(q: QueryRunner): Promise<void> {
    // Closed as the child left the police station reads, as before, as the escalation answered by the job's allocation.
    await removeClosingReason(q, 'left-police-station', 'allocated');
  }
}
