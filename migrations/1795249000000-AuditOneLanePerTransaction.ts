import { MigrationInterface, QueryRunner } from 'typeorm';

const ARGS_ONE = `p_occurred_at timestamptz, p_actor_id uuid, p_actor_roles text, p_action text, p_resource_type text, p_resource_id text,
  p_subject_person_id uuid, p_access_basis text, p_request_id text, p_ip text, p_outcome text, p_details jsonb`;
const ARGS_MANY = `p_occurred_at timestamptz, p_actor_id uuid, p_actor_roles text, p_action text, p_resource_type text, p_resource_ids text[],
  p_subject_person_ids uuid[], p_access_bases text[], p_request_id text, p_ip text, p_outcome text, p_details jsonb`;

/**
 * Written by hand: a transaction appends to ONE audit chain lane, the first it takes (remembered in the
 * transaction-local setting `audit.lane`). Before, each append took any free lane, so a long transaction could end
 * up holding all eight; a denial then audited in a transaction of its own (AuditService.recordAlone) waited for a
 * lane the request itself held, until the statement timeout (the demo seed hit this). A second audit written beside
 * a transaction names that transaction's lane to avoid (`p_avoid_lane`), so it can never wait on its own caller.
 */
export class AuditOneLanePerTransaction1795249000000 implements MigrationInterface {
  name = 'AuditOneLanePerTransaction1795249000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_take_lane(p_avoid_lane smallint, OUT o_lane smallint, OUT o_prev text) LANGUAGE plpgsql AS $$
      DECLARE
        v_held text := current_setting('audit.lane', true);
      BEGIN
        IF v_held IS NOT NULL AND v_held <> '' THEN
          -- This transaction's lane: its head row is already locked by us, so this does not wait.
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane = v_held::smallint FOR UPDATE;
          RETURN;
        END IF;
        -- A free lane if there is one, otherwise wait for any (never the caller's own, when it says which).
        SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF o_lane IS NULL THEN
          SELECT lane, last_hash INTO o_lane, o_prev FROM audit_chain_heads WHERE lane IS DISTINCT FROM p_avoid_lane ORDER BY random() LIMIT 1 FOR UPDATE;
        END IF;
        PERFORM set_config('audit.lane', o_lane::text, true);
      END
      $$`);
    await q.query(`DROP FUNCTION audit_append(timestamptz, uuid, text, text, text, text, uuid, text, text, text, text, jsonb)`);
    await q.query(`
      CREATE FUNCTION audit_append(${ARGS_ONE}, p_avoid_lane smallint DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
      BEGIN
        -- The head row stays locked until commit, so rows in one lane are chained in commit order; under REPEATABLE
        -- READ a concurrent append fails with 40001 and the caller retries the whole transaction.
        SELECT o_lane, o_prev INTO v_lane, v_prev FROM audit_take_lane(p_avoid_lane);
        v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at, p_actor_id, p_actor_roles, p_action, p_resource_type,
          p_resource_id, p_subject_person_id, p_access_basis, p_request_id, p_ip, p_outcome, p_details, v_lane, v_prev, '');
        v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
        INSERT INTO audit_events SELECT v_row.*;
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN v_row.id;
      END
      $$`);
    await q.query(`DROP FUNCTION audit_append_many(timestamptz, uuid, text, text, text, text[], uuid[], text[], text, text, text, jsonb)`);
    await q.query(`
      CREATE FUNCTION audit_append_many(${ARGS_MANY}, p_avoid_lane smallint DEFAULT NULL) RETURNS integer LANGUAGE plpgsql AS $$
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

  async down(q: QueryRunner): Promise<void> {
    // Back to a lane per append (the previous definitions), then drop the helper.
    await q.query(
      `DROP FUNCTION audit_append_many(timestamptz, uuid, text, text, text, text[], uuid[], text[], text, text, text, jsonb, smallint)`,
    );
    await q.query(`
      CREATE FUNCTION audit_append_many(${ARGS_MANY}) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE v_lane smallint; v_prev text; v_row audit_events; i integer;
      BEGIN
        IF coalesce(array_length(p_resource_ids, 1), 0) = 0 THEN RETURN 0; END IF;
        SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF v_lane IS NULL THEN SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE; END IF;
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
    await q.query(`DROP FUNCTION audit_append(timestamptz, uuid, text, text, text, text, uuid, text, text, text, text, jsonb, smallint)`);
    await q.query(`
      CREATE FUNCTION audit_append(${ARGS_ONE}) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE v_lane smallint; v_prev text; v_row audit_events;
      BEGIN
        SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF v_lane IS NULL THEN SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE; END IF;
        v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at, p_actor_id, p_actor_roles, p_action, p_resource_type,
          p_resource_id, p_subject_person_id, p_access_basis, p_request_id, p_ip, p_outcome, p_details, v_lane, v_prev, '');
        v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
        INSERT INTO audit_events SELECT v_row.*;
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN v_row.id;
      END
      $$`);
    await q.query(`DROP FUNCTION audit_take_lane(smallint)`);
  }
}
