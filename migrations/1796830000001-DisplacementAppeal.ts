import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * NR-11 (s.29(4), (5)): an appeal brought against the county court's decision on a s.29 application: the day it was
 * lodged, and later its outcome (determined: the order upheld or set aside, the refusal upheld or reversed with an
 * order; or withdrawn) and the day of it. While an appeal is pending the application is not finally disposed of, so a
 * s.2 it extends stays in force with no end date. No application recorded before has an appeal (all null).
 */
export class DisplacementAppeal1796830000001 implements MigrationInterface {
  name = 'DisplacementAppeal1796830000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE nearest_relative_displacements ADD COLUMN appeal_lodged_on date, ADD COLUMN appeal_outcome text, ADD COLUMN appeal_disposed_on date`,
    );
    await q.query(
      `ALTER TABLE nearest_relative_displacements ADD CONSTRAINT "nr_displacements_appeal_outcome"
         CHECK (appeal_outcome IS NULL OR appeal_outcome IN ('order-upheld','order-set-aside','refusal-upheld','refusal-reversed','withdrawn'))`,
    );
    await q.query(
      `ALTER TABLE nearest_relative_displacements ADD CONSTRAINT "nr_displacements_appeal_disposal"
         CHECK ((appeal_outcome IS NULL) = (appeal_disposed_on IS NULL) AND (appeal_outcome IS NULL OR (appeal_lodged_on IS NOT NULL AND appeal_disposed_on >= appeal_lodged_on)))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE nearest_relative_displacements DROP CONSTRAINT "nr_displacements_appeal_disposal"`);
    await q.query(`ALTER TABLE nearest_relative_displacements DROP CONSTRAINT "nr_displacements_appeal_outcome"`);
    await q.query(
      `ALTER TABLE nearest_relative_displacements DROP COLUMN appeal_disposed_on, DROP COLUMN appeal_outcome, DROP COLUMN appeal_lodged_on`,
    );
  }
}
