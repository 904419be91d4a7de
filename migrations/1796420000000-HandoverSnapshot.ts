import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a compiled handover is a snapshot. Its row never changes (period, compilation); of its items only
 * the acknowledgement is written, once. The service compiles each date once; the database refuses the rest.
 */
export class HandoverSnapshot1796420000000 implements MigrationInterface {
  name = 'HandoverSnapshot1796420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "handovers" ADD CONSTRAINT "handovers_period" CHECK (period_from <= compiled_at)`);
    await q.query(`
      CREATE FUNCTION handovers_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'a compiled handover is a snapshot: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`CREATE TRIGGER handovers_snapshot BEFORE UPDATE ON handovers FOR EACH ROW EXECUTE FUNCTION handovers_refuse_change()`);
    await q.query(`
      CREATE FUNCTION handover_items_acknowledgement_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.handover_id IS DISTINCT FROM OLD.handover_id OR NEW.item_type IS DISTINCT FROM OLD.item_type
           OR NEW.item_id IS DISTINCT FROM OLD.item_id OR NEW.summary IS DISTINCT FROM OLD.summary
           OR NEW.first_handed_over_on IS DISTINCT FROM OLD.first_handed_over_on OR OLD.acknowledged_at IS NOT NULL THEN
          RAISE EXCEPTION 'a compiled handover is a snapshot: only an item''s acknowledgement is written, once' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END
      $$`);
    await q.query(
      `CREATE TRIGGER handover_items_snapshot BEFORE UPDATE ON handover_items FOR EACH ROW EXECUTE FUNCTION handover_items_acknowledgement_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER handover_items_snapshot ON handover_items`);
    await q.query(`DROP FUNCTION handover_items_acknowledgement_only()`);
    await q.query(`DROP TRIGGER handovers_snapshot ON handovers`);
    await q.query(`DROP FUNCTION handovers_refuse_change()`);
    await q.query(`ALTER TABLE "handovers" DROP CONSTRAINT "handovers_period"`);
  }
}
