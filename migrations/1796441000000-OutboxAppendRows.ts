import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox events a transaction raised, written together just before it commits, in the same statement as its
 * audit rows (EventsService.emit inside a transaction that Db opened): each argument holds one field of every event,
 * in the order they were raised, and the events get their ids in that order.
 */
export class OutboxAppendRows1796441000000 implements MigrationInterface {
  name = 'OutboxAppendRows1796441000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_append_rows(p_types text[], p_aggregate_types text[], p_aggregate_ids text[], p_payloads jsonb[],
        p_actor_ids uuid[], p_occurred_at timestamptz[]) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_n integer := coalesce(array_length(p_types, 1), 0);
      BEGIN
        IF NOT (ARRAY[array_length(p_aggregate_types, 1), array_length(p_aggregate_ids, 1), array_length(p_payloads, 1),
             array_length(p_actor_ids, 1), array_length(p_occurred_at, 1)] <@ ARRAY[v_n]) THEN
          RAISE EXCEPTION 'outbox_append_rows: every field needs one value for each of the % events', v_n;
        END IF;
        INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, actor_id, occurred_at)
        SELECT t, a, i, p, u, o
          FROM unnest(p_types, p_aggregate_types, p_aggregate_ids, p_payloads, p_actor_ids, p_occurred_at) WITH ORDINALITY AS e(t, a, i, p, u, o, n)
         ORDER BY n;
        RETURN v_n;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION outbox_append_rows(text[], text[], text[], jsonb[], uuid[], timestamptz[])`);
  }
}
