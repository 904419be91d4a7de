import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the views a module shares so that others can join its rows into their own queries without reading
 * its tables (one owner per table, src/database/table-ownership.ts). Each is a plain projection of one table, so the
 * planner inlines it and the owner's indexes serve it as before; the owner may change its table behind the view.
 */
export class SharedViews1796409714235 implements MigrationInterface {
  name = 'SharedViews1796409714235';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW user_directory AS SELECT id, display_name, email, phone, roles, active FROM users`);
    await q.query(
      `COMMENT ON VIEW user_directory IS 'Owned by auth. Who a user id is (name, contact, roles, active) for lists of other modules that show or sort by names; never credentials.'`,
    );
    await q.query(
      `CREATE VIEW practitioner_directory AS
       SELECT id, user_id, profession, registration_status, registration_checked_on, team, fte, skills, supervision_interval_days, active, created_at
         FROM practitioners`,
    );
    await q.query(
      `COMMENT ON VIEW practitioner_directory IS 'Owned by workforce. A practitioner''s user, team, FTE, skills and status, for the rota and supervision to join into their lists; registration numbers stay in workforce.'`,
    );
    await q.query(`CREATE VIEW published_events AS SELECT id, type, aggregate_type, aggregate_id, occurred_at, payload FROM outbox_events`);
    await q.query(
      `COMMENT ON VIEW published_events IS 'Owned by events. The committed domain events of the outbox, read-only, for the consumers that deliver them (the SSE stream, webhooks).'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW published_events`);
    await q.query(`DROP VIEW practitioner_directory`);
    await q.query(`DROP VIEW user_directory`);
  }
}
