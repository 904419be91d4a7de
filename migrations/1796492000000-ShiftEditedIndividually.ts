import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a generated shift records whether a manager changed its own staffing (label, required AMHPs or
 * skills) by PATCH /rota/shifts/{id}. A change to its pattern then leaves that shift's staffing as the manager set it
 * and lists it, where it brings the pattern's other shifts ahead in line. Carried over from the audit trail: a
 * generated shift whose label or staffing was changed on its own before is marked.
 */
export class ShiftEditedIndividually1796492000000 implements MigrationInterface {
  name = 'ShiftEditedIndividually1796492000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shifts" ADD "edited_individually" boolean NOT NULL DEFAULT false`);
    await q.query(
      `UPDATE shifts s SET edited_individually = true
        WHERE s.pattern_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'rota.shift.update' AND e.resource_id = s.id::text
                         AND e.details->'fields' ?| array['label','requiredCount','requiredSkills'])`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "shifts" DROP COLUMN "edited_individually"`);
  }
}
