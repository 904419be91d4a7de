import { MigrationInterface, QueryRunner } from 'typeorm';

const ARGS_MANY = `p_occurred_at timestamptz, p_actor_id uuid, p_actor_roles text, p_action text, p_resource_type text, p_resource_ids text[],
  p_subject_person_ids uuid[], p_access_bases text[], p_request_id text, p_ip text, p_outcome text, p_details jsonb, p_avoid_lane smallint DEFAULT NULL`;

/**
 * The audit append of a list read (each row shown is one audit row, chained) with fewer statements, as it is the
 * Postgres cost of every audited list: the duty AMHP's queue spent ~1 ms of its ~1.3 ms of Postgres CPU here
 * (bench/on-duty.bench.js with BENCH_PG_STATEMENTS=1), for a read of ~0.2 ms.
 * - The rows are chained and hashed as before, one after the other, then written by ONE insert instead of one each.
 * - A connection first tries "its" lane (its backend pid modulo the lanes) by primary key, and only when that one is
 *   taken falls back to any free lane in random order; the lanes stay independent chains, so nothing else changes.
 */
export class AuditAppendFewerStatements1796438000000 implements MigrationInterface {
  name = 'AuditAppendFewerStatements1796438000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_take_lane(p_avoid_lane smallint, OUT o_lane smallint, OUT o_prev text) LANGUAGE plpgsql AS $$
      DECLARE
        v_held text := current_setting('audit.lane', true);
      BEGIN
        IF v_held IS NOT NULL AND v_held <> '' THEN
          -- This transaction's lane: its head row is already locked by us, so this does not wait.
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane = v_held::smallint FOR UPDATE;
          RETURN;
        END IF;
        -- This connection's own lane, if it exists, is free and is not the one to avoid.
        SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads
         WHERE lane = (pg_backend_pid() % 32)::smallint AND lane IS DISTINCT FROM p_avoid_lane FOR UPDATE SKIP LOCKED;
        IF o_lane IS NULL THEN
          -- Any free lane, otherwise wait for any (never the caller's own, when it says which).
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        END IF;
        IF o_lane IS NULL THEN
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE;
        END IF;
        PERFORM set_config('audit.lane', o_lane::text, true);
      END
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_many(${ARGS_MANY}) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
        v_rows audit_events[] := '{}';
        i integer;
      BEGIN
        IF coalesce(array_length(p_resource_ids, 1), 0) = 0 THEN RETURN 0; END IF;
        SELECT o_lane, o_prev INTO v_lane, v_prev FROM audit_take_lane(p_avoid_lane);
        FOR i IN 1 .. array_length(p_resource_ids, 1) LOOP
          v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at, p_actor_id, p_actor_roles, p_action, p_resource_type,
            p_resource_ids[i], p_subject_person_ids[i], p_access_bases[i], p_request_id, p_ip, p_outcome, p_details, v_lane, v_prev, '');
          v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
          v_rows := v_rows || v_row;
          v_prev := v_row.hash;
        END LOOP;
        INSERT INTO audit_events SELECT * FROM unnest(v_rows);
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN array_length(p_resource_ids, 1);
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to one insert per row and a random lane (migration AuditOneLanePerTransaction's definitions).
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_take_lane(p_avoid_lane smallint, OUT o_lane smallint, OUT o_prev text) LANGUAGE plpgsql AS $$
      DECLARE
        v_held text := current_setting('audit.lane', true);
      BEGIN
        IF v_held IS NOT NULL AND v_held <> '' THEN
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane = v_held::smallint FOR UPDATE;
          RETURN;
        END IF;
        SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF o_lane IS NULL THEN
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE;
        END IF;
        PERFORM set_config('audit.lane', o_lane::text, true);
      END
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_many(${ARGS_MANY}) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
        i integer;
      BEGIN
        IF coalesce(array_length(p_resource_ids, 1), 0) = 0 THEN RETURN 0; END IF;
        SELECT o_lane, o_prev INTO v_lane, v_prev FROM audit_take_lane(p_avoid_lane);
        FOR i IN 1 .. array_length(p_resource_ids, 1) LOOP
          v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at, p_actor_id, p_actor_roles, p_action, p_resource_type,
            p_resource_ids[i], p_subject_person_ids[i], p_access_bases[i], p_request_id, p_ip, p_outcome, p_details, v_lane, v_prev, '');
          v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
          INSERT INTO audit_events SELECT v_row.*;
          v_prev := v_row.hash;
        END LOOP;
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN array_length(p_resource_ids, 1);
      END
      $$`);
  }
}
