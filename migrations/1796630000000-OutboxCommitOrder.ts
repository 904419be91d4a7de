import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: each outbox event records the transaction that wrote it (pg_current_xact_id(), an xid8, held as a
 * bigint), so that its consumers (the live stream, its replay on resume, webhook fan-out) deliver it only once no
 * transaction still running can commit an event before it: its writer is below the oldest transaction still running
 * on the database (OUTBOX_HORIZON_SQL, src/events/events.tables.ts). Delivered in the order (xact_id, id), an event can then never appear
 * behind one already delivered, which an id alone could not promise (ids are taken at insert, rows seen at commit).
 *
 * The events written before this migration keep 0 (their order stays their ids'); the column's default writes the
 * writer's id from then on, for the one-statement path (outbox_append_rows) and the single INSERT alike. The webhook
 * cursor records the transaction of the event it stopped at beside its id.
 */
export class OutboxCommitOrder1796630000000 implements MigrationInterface {
  name = 'OutboxCommitOrder1796630000000';

  async up(q: QueryRunner): Promise<void> {
    // A constant default first (no rewrite of the table), then the writer's id for every row written from now on.
    await q.query(`ALTER TABLE "outbox_events" ADD "xact_id" bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "outbox_events" ALTER COLUMN "xact_id" SET DEFAULT (pg_current_xact_id()::text)::bigint`);
    // The index of the commit order is built by OutboxCommitOrderIndex (CONCURRENTLY, outside a transaction), so a hub
    // upgrading with years of events keeps writing while it builds. (A database that ran this migration before has it
    // already, built here; that migration then finds it and leaves it.)
    await q.query(
      `CREATE OR REPLACE VIEW published_events AS SELECT id, type, aggregate_type, aggregate_id, occurred_at, payload, xact_id FROM outbox_events`,
    );
    await q.query(`ALTER TABLE "outbox_cursors" ADD "last_xact_id" bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox_cursors" DROP COLUMN "last_xact_id"`);
    await q.query(`DROP VIEW published_events`);
    await q.query(`CREATE VIEW published_events AS SELECT id, type, aggregate_type, aggregate_id, occurred_at, payload FROM outbox_events`);
    await q.query(
      `COMMENT ON VIEW published_events IS 'Owned by events. The committed domain events of the outbox, read-only, for the consumers that deliver them (the SSE stream, webhooks).'`,
    );
    await q.query(`DROP INDEX IF EXISTS "public"."outbox_events_commit_order_idx"`);
    await q.query(`ALTER TABLE "outbox_events" DROP COLUMN "xact_id"`);
  }
}
