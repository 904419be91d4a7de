import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: the pages and notifications that a child is held at a police station (POL-09, MHA 1983 s.136A(1))
 * are closed as `not-under-18` when the date of birth on the person's record, recorded or corrected after intake,
 * shows they were not under 18 on the day they arrived (the referral's findings judged again), so that a child held
 * at one later is paged afresh.
 */
export class PagesNotUnder181796595000000 implements MigrationInterface {
  name = 'PagesNotUnder181796595000000';

  async up(q: QueryRunner): Promise<void> {
    await addClosingReason(q, 'not-under-18');
  }

  async down(q: QueryRunner): Promise<void> {
    // Closed as not a child reads, as before, as the child having left the police station: the matter is over.
    await removeClosingReason(q, 'not-under-18', 'left-police-station');
  }
}
