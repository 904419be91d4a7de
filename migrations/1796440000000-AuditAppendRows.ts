import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit rows a transaction recorded one by one, appended together just before it commits (AuditService.record
 * inside a transaction that Db opened): one call, one chain-lane lock and one update of the lane's head for all of
 * them, instead of one each. Each argument holds one field of every row, in the order the rows were recorded; the
 * rows are chained and hashed one after the other exactly as audit_append does for one.
 */
export class AuditAppendRows1796440000000 implements MigrationInterface {
  name = 'AuditAppendRows1796440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_append_rows(p_occurred_at timestamptz[], p_actor_ids uuid[], p_actor_roles text[], p_actions text[],
        p_resource_types text[], p_resource_ids text[], p_subject_person_ids uuid[], p_access_bases text[], p_request_ids text[],
        p_ips text[], p_outcomes text[], p_details jsonb[]) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
        v_rows audit_events[] := '{}';
        v_n integer := coalesce(array_length(p_actions, 1), 0);
        i integer;
      BEGIN
        IF v_n = 0 THEN RETURN 0; END IF;
        IF NOT (ARRAY[array_length(p_occurred_at, 1), array_length(p_actor_ids, 1), array_length(p_actor_roles, 1),
             array_length(p_resource_types, 1), array_length(p_resource_ids, 1), array_length(p_subject_person_ids, 1),
             array_length(p_access_bases, 1), array_length(p_request_ids, 1), array_length(p_ips, 1), array_length(p_outcomes, 1),
             array_length(p_details, 1)] <@ ARRAY[v_n]) THEN
          RAISE EXCEPTION 'audit_append_rows: every field needs one value for each of the % rows', v_n;
        END IF;
        SELECT o_lane, o_prev INTO v_lane, v_prev FROM audit_take_lane(NULL);
        FOR i IN 1 .. v_n LOOP
          v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at[i], p_actor_ids[i], p_actor_roles[i], p_actions[i], p_resource_types[i],
            p_resource_ids[i], p_subject_person_ids[i], p_access_bases[i], p_request_ids[i], p_ips[i], p_outcomes[i], p_details[i], v_lane, v_prev, '');
          v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
          v_rows := v_rows || v_row;
          v_prev := v_row.hash;
        END LOOP;
        INSERT INTO audit_events SELECT * FROM unnest(v_rows);
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN v_n;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION audit_append_rows(timestamptz[], uuid[], text[], text[], text[], text[], uuid[], text[], text[], text[], text[], jsonb[])`,
    );
  }
}
