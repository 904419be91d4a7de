import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: audit_append_many writes the audit rows of one list or search (one per person returned) in a
 * single call: one round trip and one lane lock instead of one of each per row. Same chaining as audit_append.
 */
export class AuditAppendMany1795242885114 implements MigrationInterface {
  name = 'AuditAppendMany1795242885114';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_append_many(p_occurred_at timestamptz, p_actor_id uuid, p_actor_roles text, p_action text,
        p_resource_type text, p_resource_ids text[], p_subject_person_ids uuid[], p_access_bases text[], p_request_id text,
        p_ip text, p_outcome text, p_details jsonb) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
        i integer;
      BEGIN
        IF coalesce(array_length(p_resource_ids, 1), 0) = 0 THEN RETURN 0; END IF;
        SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF v_lane IS NULL THEN
          SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE;
        END IF;
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
    await q.query(`DROP FUNCTION audit_append_many(timestamptz, uuid, text, text, text, text[], uuid[], text[], text, text, text, jsonb)`);
  }
}
