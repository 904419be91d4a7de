import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * NR-11 (s.29(4)): the day a s.29 application was finally decided (an order made, refused) or withdrawn. A s.2 that
 * the application extended runs until then, and seven days more after an order. Orders already recorded take the day
 * their order took effect; refusals and withdrawals recorded before stay unknown (null), which the rules say.
 */
export class DisplacementDisposedOn1796442000000 implements MigrationInterface {
  name = 'DisplacementDisposedOn1796442000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE nearest_relative_displacements ADD COLUMN disposed_on date`);
    await q.query(`UPDATE nearest_relative_displacements SET disposed_on = effective_from WHERE status = 'order'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE nearest_relative_displacements DROP COLUMN disposed_on`);
  }
}
