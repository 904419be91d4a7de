import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox's commit order, (xact_id, id): the order its consumers (the live stream, its replay, webhook fan-out)
 * deliver events in (OutboxCommitOrder). Built CONCURRENTLY, outside a transaction: every change of case data writes
 * an outbox event, and a plain CREATE INDEX would hold them all for as long as it took to index years of events. An
 * index left invalid by an interrupted build is dropped and built again; one already valid (built by
 * OutboxCommitOrder on a database that ran it before this change) is kept as it is.
 */
export class OutboxCommitOrderIndex1796800000000 implements MigrationInterface {
  name = 'OutboxCommitOrderIndex1796800000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const [state]: Array<{ valid: boolean }> = await q.query(
      `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = 'outbox_events_commit_order_idx' AND c.relnamespace = 'public'::regnamespace`,
    );
    if (state?.valid) return;
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."outbox_events_commit_order_idx"`);
    await q.query(`CREATE INDEX CONCURRENTLY "outbox_events_commit_order_idx" ON "outbox_events" ("xact_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."outbox_events_commit_order_idx"`);
  }
}
