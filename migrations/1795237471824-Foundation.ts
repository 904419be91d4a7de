import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795237471824 implements MigrationInterface {
  name = 'Foundation1795237471824';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "access_relationships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "person_id" uuid NOT NULL, "kind" text NOT NULL, "source_type" text NOT NULL, "source_id" text NOT NULL, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_to" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "access_relationships_period" CHECK (valid_to IS NULL OR valid_to > valid_from), CONSTRAINT "access_relationships_kind" CHECK (kind IN ('allocated','referrer','duty')), CONSTRAINT "PK_4522f77ed9bfd25d6ca6d80021e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "access_relationships_source_idx" ON "access_relationships"  ("source_type", "source_id") `);
    await q.query(`CREATE INDEX "access_relationships_user_person_idx" ON "access_relationships"  ("user_id", "person_id") `);
    await q.query(
      `CREATE TABLE "break_glass_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "person_id" uuid NOT NULL, "reason" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "break_glass_period" CHECK (expires_at > started_at), CONSTRAINT "break_glass_reason_length" CHECK (char_length(reason) >= 20), CONSTRAINT "PK_a418a811a6fb1cae94eaf345606" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "break_glass_user_person_idx" ON "break_glass_sessions"  ("user_id", "person_id", "expires_at") `);
    await q.query(
      `CREATE TABLE "review_alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "person_id" uuid, "raised_by" uuid NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL, "summary" text NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE, "reviewed_by" uuid, "review_outcome" text, "review_note" text, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "review_alerts_reviewed" CHECK ((reviewed_at IS NULL) = (review_outcome IS NULL)), CONSTRAINT "review_alerts_outcome" CHECK (review_outcome IS NULL OR review_outcome IN ('justified','not-justified','referred')), CONSTRAINT "PK_74c44d410e65dab3abee3fe19f9" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "review_alerts_open_idx" ON "review_alerts"  ("raised_at") WHERE reviewed_at IS NULL`);
    await q.query(
      `CREATE TABLE "audit_events" ("id" bigint NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "actor_roles" text, "action" text NOT NULL, "resource_type" text NOT NULL, "resource_id" text, "subject_person_id" uuid, "access_basis" text, "request_id" text, "ip" text, "outcome" text NOT NULL, "details" jsonb, "lane" smallint NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "audit_events_outcome" CHECK (outcome IN ('success','denied','failure')), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "audit_events_occurred_idx" ON "audit_events"  ("occurred_at") `);
    await q.query(`CREATE INDEX "audit_events_resource_idx" ON "audit_events"  ("resource_type", "resource_id", "id") `);
    await q.query(`CREATE INDEX "audit_events_actor_idx" ON "audit_events"  ("actor_id", "id") `);
    await q.query(`CREATE INDEX "audit_events_subject_idx" ON "audit_events"  ("subject_person_id", "id") `);
    await q.query(
      `CREATE TABLE "audit_chain_heads" ("lane" smallint NOT NULL, "last_id" bigint, "last_hash" text NOT NULL, CONSTRAINT "PK_2c6b6526bd9d771fda234be1d25" PRIMARY KEY ("lane"))`,
    );
    await q.query(
      `CREATE TABLE "login_attempts" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "email" text NOT NULL, "ip" text NOT NULL, "succeeded" boolean NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_070e613c8f768b1a70742705c5b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "login_attempts_ip_at_idx" ON "login_attempts"  ("ip", "attempted_at") `);
    await q.query(`CREATE INDEX "login_attempts_email_at_idx" ON "login_attempts"  ("email", "attempted_at") `);
    await q.query(
      `CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "family_id" uuid NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens"  ("user_id") `);
    await q.query(`CREATE UNIQUE INDEX "refresh_tokens_hash_key" ON "refresh_tokens"  ("token_hash") `);
    await q.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "password_hash" text, "roles" text array NOT NULL, "active" boolean NOT NULL DEFAULT true, "external_subject" text, "phone" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "users_email_lower" CHECK (email = lower(email)), CONSTRAINT "users_roles_known" CHECK (roles <@ ARRAY['admin','manager','amhp','referrer','auditor']::text[] AND cardinality(roles) > 0), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "users"  ("email") `);
    await q.query(`CREATE UNIQUE INDEX "users_external_subject_key" ON "users"  ("external_subject") `);
    await q.query(
      `CREATE TABLE "idempotency_keys" ("user_id" uuid NOT NULL, "key" text NOT NULL, "method" text NOT NULL, "path" text NOT NULL, "request_hash" text NOT NULL, "status_code" integer NOT NULL, "response_body" jsonb, "response_headers" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_392b1af86f210d98d3f0c764728" PRIMARY KEY ("user_id", "key"))`,
    );
    await q.query(`CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys"  ("expires_at") `);
    // ---- written by hand: the append-only, hash-chained audit log ----
    await q.query(`CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id`);
    // Eight chain lanes: concurrent requests append to different lanes instead of queueing on one lock.
    await q.query(`INSERT INTO audit_chain_heads (lane, last_id, last_hash) SELECT g, NULL, repeat('0', 64) FROM generate_series(0, 7) g`);
    // The canonical text that is hashed; GET /audit-events/verify rebuilds it independently.
    await q.query(`
      CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws(chr(31), e.id::text, e.lane::text, e.prev_hash,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_id::text, ''), coalesce(e.actor_roles, ''), e.action, e.resource_type,
          coalesce(e.resource_id, ''), coalesce(e.subject_person_id::text, ''), coalesce(e.access_basis, ''),
          coalesce(e.request_id, ''), coalesce(e.ip, ''), e.outcome, coalesce(e.details::text, ''))
      $$`);
    await q.query(`
      CREATE FUNCTION audit_append(p_occurred_at timestamptz, p_actor_id uuid, p_actor_roles text, p_action text,
        p_resource_type text, p_resource_id text, p_subject_person_id uuid, p_access_basis text, p_request_id text,
        p_ip text, p_outcome text, p_details jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        v_lane smallint;
        v_prev text;
        v_row audit_events;
      BEGIN
        -- Take a free lane if there is one, otherwise wait for any. The row lock on the head is held until commit,
        -- so rows in one lane are chained in commit order; under REPEATABLE READ a concurrent append fails with
        -- 40001 and the caller retries the whole transaction.
        SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF v_lane IS NULL THEN
          SELECT lane, last_hash INTO v_lane, v_prev FROM audit_chain_heads ORDER BY random() LIMIT 1 FOR UPDATE;
        END IF;
        v_row := ROW(nextval('audit_events_id_seq'), p_occurred_at, p_actor_id, p_actor_roles, p_action, p_resource_type,
          p_resource_id, p_subject_person_id, p_access_basis, p_request_id, p_ip, p_outcome, p_details, v_lane, v_prev, '');
        v_row.hash := encode(sha256(convert_to(audit_canonical(v_row), 'UTF8')), 'hex');
        INSERT INTO audit_events SELECT v_row.*;
        UPDATE audit_chain_heads SET last_id = v_row.id, last_hash = v_row.hash WHERE lane = v_lane;
        RETURN v_row.id;
      END
      $$`);
    // Append-only for every role, the owner included: UPDATE, DELETE and TRUNCATE are refused.
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(
      `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER audit_events_no_update_delete ON audit_events`);
    await q.query(`DROP FUNCTION audit_events_refuse_change()`);
    await q.query(`DROP FUNCTION audit_append(timestamptz, uuid, text, text, text, text, uuid, text, text, text, text, jsonb)`);
    await q.query(`DROP FUNCTION audit_canonical(audit_events)`);
    await q.query(`DROP INDEX "public"."idempotency_keys_expires_idx"`);
    await q.query(`DROP TABLE "idempotency_keys"`);
    await q.query(`DROP INDEX "public"."users_external_subject_key"`);
    await q.query(`DROP INDEX "public"."users_email_key"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP INDEX "public"."refresh_tokens_hash_key"`);
    await q.query(`DROP INDEX "public"."refresh_tokens_user_idx"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP INDEX "public"."login_attempts_email_at_idx"`);
    await q.query(`DROP INDEX "public"."login_attempts_ip_at_idx"`);
    await q.query(`DROP TABLE "login_attempts"`);
    await q.query(`DROP TABLE "audit_chain_heads"`);
    await q.query(`DROP INDEX "public"."audit_events_subject_idx"`);
    await q.query(`DROP INDEX "public"."audit_events_actor_idx"`);
    await q.query(`DROP INDEX "public"."audit_events_resource_idx"`);
    await q.query(`DROP INDEX "public"."audit_events_occurred_idx"`);
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP INDEX "public"."review_alerts_open_idx"`);
    await q.query(`DROP TABLE "review_alerts"`);
    await q.query(`DROP INDEX "public"."break_glass_user_person_idx"`);
    await q.query(`DROP TABLE "break_glass_sessions"`);
    await q.query(`DROP INDEX "public"."access_relationships_user_person_idx"`);
    await q.query(`DROP INDEX "public"."access_relationships_source_idx"`);
    await q.query(`DROP TABLE "access_relationships"`);
  }
}
