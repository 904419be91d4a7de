import { MigrationInterface, QueryRunner } from 'typeorm';

export class Workforce1795238490206 implements MigrationInterface {
  name = 'Workforce1795238490206';

  async up(q: QueryRunner): Promise<void> {
    // Exclusion constraints over (id, period) need GiST support for equality on plain columns.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(
      `CREATE TABLE "doctors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "gmc_number" text NOT NULL, "organisation" text, "email" text, "phone" text, "notes" text, "active" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "doctors_gmc_number" CHECK (gmc_number ~ '^[0-9]{7}$'), CONSTRAINT "PK_8207e7889b50ee3695c2b8154ff" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "doctors_gmc_number_key" ON "doctors"  ("gmc_number") `);
    await q.query(
      `CREATE TABLE "doctor_approvals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "doctor_id" uuid NOT NULL, "kind" text NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "approving_body" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "doctor_approvals_period" CHECK (ends_on >= starts_on), CONSTRAINT "doctor_approvals_kind" CHECK (kind IN ('s12','approved-clinician')), CONSTRAINT "PK_25fbcd470c70d0af2f287105283" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "doctor_approvals_doctor_idx" ON "doctor_approvals"  ("doctor_id", "kind", "starts_on") `);
    await q.query(
      `CREATE TABLE "practitioners" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "profession" text NOT NULL, "registration_body" text NOT NULL, "registration_number" text NOT NULL, "registration_status" text NOT NULL DEFAULT 'active', "registration_checked_on" date, "team" text, "fte" numeric(3,2) NOT NULL DEFAULT '1', "contracted_hours_per_week" numeric(4,1), "skills" text array NOT NULL DEFAULT '{}', "supervision_interval_days" integer NOT NULL DEFAULT '30', "line_manager_user_id" uuid, "active" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "practitioners_supervision_interval" CHECK (supervision_interval_days BETWEEN 7 AND 365), CONSTRAINT "practitioners_fte" CHECK (fte > 0 AND fte <= 1), CONSTRAINT "practitioners_registration_status" CHECK (registration_status IN ('active','suspended','lapsed','removed')), CONSTRAINT "practitioners_profession" CHECK (profession IN ('social-worker','mental-health-nurse','learning-disability-nurse','occupational-therapist','psychologist')), CONSTRAINT "PK_88941574a3e4fe907d36ee2f8cc" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "practitioners_user_key" ON "practitioners"  ("user_id") `);
    await q.query(
      `CREATE TABLE "supervision_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "supervisee_id" uuid NOT NULL, "supervisor_user_id" uuid NOT NULL, "held_on" date NOT NULL, "type" text NOT NULL, "duration_minutes" integer NOT NULL, "notes" text, "recorded_by" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "supervision_sessions_duration" CHECK (duration_minutes BETWEEN 5 AND 600), CONSTRAINT "supervision_sessions_type" CHECK (type IN ('professional','managerial','group','reflective')), CONSTRAINT "PK_d1ff76d33a78cef842c592843b9" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "supervision_sessions_supervisee_idx" ON "supervision_sessions"  ("supervisee_id", "held_on") `);
    await q.query(
      `CREATE TABLE "supervision_actions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "description" text NOT NULL, "owner_user_id" uuid NOT NULL, "due_on" date, "done_on" date, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_f3d8b17b9fec95fb90ab7af1fa3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "supervision_actions_owner_idx" ON "supervision_actions"  ("owner_user_id", "due_on") `);
    await q.query(`CREATE INDEX "supervision_actions_session_idx" ON "supervision_actions"  ("session_id") `);
    await q.query(
      `CREATE TABLE "appraisals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "appraiser_user_id" uuid NOT NULL, "held_on" date NOT NULL, "period_from" date NOT NULL, "period_to" date NOT NULL, "outcome" text NOT NULL, "summary" text, "objectives" text, "next_due_on" date, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "appraisals_period" CHECK (period_to >= period_from), CONSTRAINT "appraisals_outcome" CHECK (outcome IN ('meets','partially-meets','does-not-meet')), CONSTRAINT "PK_c4c4dfe76db3c762a3193370d02" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "appraisals_practitioner_idx" ON "appraisals"  ("practitioner_id", "held_on") `);
    await q.query(
      `CREATE TABLE "practice_audits" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "reviewer_user_id" uuid NOT NULL, "audited_on" date NOT NULL, "work_reference" text NOT NULL, "themes" text array NOT NULL DEFAULT '{}', "findings" text NOT NULL, "rating" text NOT NULL, "score" integer, "actions" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "practice_audits_score" CHECK (score IS NULL OR score BETWEEN 0 AND 100), CONSTRAINT "practice_audits_rating" CHECK (rating IN ('outstanding','good','requires-improvement','inadequate')), CONSTRAINT "PK_1b165840baf3d0ee14141672a4b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "practice_audits_practitioner_idx" ON "practice_audits"  ("practitioner_id", "audited_on") `);
    await q.query(
      `CREATE TABLE "approvals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "approving_authority" text NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "conditions" text, "ended_on" date, "end_reason" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "approvals_end" CHECK ((ended_on IS NULL) = (end_reason IS NULL)), CONSTRAINT "approvals_period" CHECK (ends_on >= starts_on), CONSTRAINT "approvals_no_overlap" EXCLUDE USING gist ("practitioner_id" WITH =, daterange("starts_on", coalesce("ended_on", "ends_on"), '[]') WITH &&), CONSTRAINT "PK_690417aaefa84d18b1a59e2a499" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "approvals_ends_on_idx" ON "approvals"  ("ends_on") `);
    await q.query(`CREATE INDEX "approvals_practitioner_idx" ON "approvals"  ("practitioner_id", "starts_on") `);
    await q.query(
      `CREATE TABLE "approval_suspensions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "approval_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE, "reason" text NOT NULL, "lift_reason" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "approval_suspensions_period" CHECK (ends_at IS NULL OR ends_at > starts_at), CONSTRAINT "PK_41dd5b42b3c9dcad711dc5e9dbe" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "approval_suspensions_approval_idx" ON "approval_suspensions"  ("approval_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "training_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "completed_on" date NOT NULL, "hours" numeric(5,2) NOT NULL, "provider" text NOT NULL, "topic" text NOT NULL, "mental_health_specific" boolean NOT NULL DEFAULT true, "notes" text, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "training_records_hours" CHECK (hours > 0 AND hours <= 200), CONSTRAINT "PK_e5be03d302b74d727130886edec" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "training_records_practitioner_idx" ON "training_records"  ("practitioner_id", "completed_on") `);
    await q.query(
      `ALTER TABLE "doctor_approvals" ADD CONSTRAINT "FK_c5ce8fb8927ebf489b6d8dbcdb5" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "practitioners" ADD CONSTRAINT "FK_491af8c359704e5d630bce0d022" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "practitioners" ADD CONSTRAINT "FK_200747e2f296d0742b49eb32826" FOREIGN KEY ("line_manager_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "supervision_sessions" ADD CONSTRAINT "FK_6b15257d5b7791f4deab993a956" FOREIGN KEY ("supervisee_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "supervision_sessions" ADD CONSTRAINT "FK_b8b2ad25c371e05f64a571ef195" FOREIGN KEY ("supervisor_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "supervision_sessions" ADD CONSTRAINT "FK_e1a7feeb70be7b81e3cfe215880" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "supervision_actions" ADD CONSTRAINT "FK_cbbb714556a20a5673e5b01820e" FOREIGN KEY ("session_id") REFERENCES "supervision_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "supervision_actions" ADD CONSTRAINT "FK_282b0d26da20e0d1c81a3f4eaad" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appraisals" ADD CONSTRAINT "FK_09ea57879410a243f9df3752b1b" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appraisals" ADD CONSTRAINT "FK_6ab8b1c9f622d1773ed208ec431" FOREIGN KEY ("appraiser_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "practice_audits" ADD CONSTRAINT "FK_03c9d75aa600f43160079c9010e" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "practice_audits" ADD CONSTRAINT "FK_2a0f19c89f7efa9e1575b5786b7" FOREIGN KEY ("reviewer_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "approvals" ADD CONSTRAINT "FK_fcb28b9eff5f4380b96af322eb4" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "approval_suspensions" ADD CONSTRAINT "FK_dfbce6bd1de31a4b1093d55e8ef" FOREIGN KEY ("approval_id") REFERENCES "approvals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "approval_suspensions" ADD CONSTRAINT "FK_5c303e78c5bc3bc05f64121792c" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "training_records" ADD CONSTRAINT "FK_1049ad32f6538f6cd283202ad88" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "training_records" ADD CONSTRAINT "FK_36461b7be51a1d6c6099afa2bfe" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Search the s.12 register by name or organisation, case-insensitively, by prefix.
    await q.query(
      `CREATE INDEX "doctors_name_search_idx" ON "doctors" (lower(name) text_pattern_ops, lower(coalesce(organisation, '')) text_pattern_ops)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "doctors_name_search_idx"`);
    await q.query(`ALTER TABLE "training_records" DROP CONSTRAINT "FK_36461b7be51a1d6c6099afa2bfe"`);
    await q.query(`ALTER TABLE "training_records" DROP CONSTRAINT "FK_1049ad32f6538f6cd283202ad88"`);
    await q.query(`ALTER TABLE "approval_suspensions" DROP CONSTRAINT "FK_5c303e78c5bc3bc05f64121792c"`);
    await q.query(`ALTER TABLE "approval_suspensions" DROP CONSTRAINT "FK_dfbce6bd1de31a4b1093d55e8ef"`);
    await q.query(`ALTER TABLE "approvals" DROP CONSTRAINT "FK_fcb28b9eff5f4380b96af322eb4"`);
    await q.query(`ALTER TABLE "practice_audits" DROP CONSTRAINT "FK_2a0f19c89f7efa9e1575b5786b7"`);
    await q.query(`ALTER TABLE "practice_audits" DROP CONSTRAINT "FK_03c9d75aa600f43160079c9010e"`);
    await q.query(`ALTER TABLE "appraisals" DROP CONSTRAINT "FK_6ab8b1c9f622d1773ed208ec431"`);
    await q.query(`ALTER TABLE "appraisals" DROP CONSTRAINT "FK_09ea57879410a243f9df3752b1b"`);
    await q.query(`ALTER TABLE "supervision_actions" DROP CONSTRAINT "FK_282b0d26da20e0d1c81a3f4eaad"`);
    await q.query(`ALTER TABLE "supervision_actions" DROP CONSTRAINT "FK_cbbb714556a20a5673e5b01820e"`);
    await q.query(`ALTER TABLE "supervision_sessions" DROP CONSTRAINT "FK_e1a7feeb70be7b81e3cfe215880"`);
    await q.query(`ALTER TABLE "supervision_sessions" DROP CONSTRAINT "FK_b8b2ad25c371e05f64a571ef195"`);
    await q.query(`ALTER TABLE "supervision_sessions" DROP CONSTRAINT "FK_6b15257d5b7791f4deab993a956"`);
    await q.query(`ALTER TABLE "practitioners" DROP CONSTRAINT "FK_200747e2f296d0742b49eb32826"`);
    await q.query(`ALTER TABLE "practitioners" DROP CONSTRAINT "FK_491af8c359704e5d630bce0d022"`);
    await q.query(`ALTER TABLE "doctor_approvals" DROP CONSTRAINT "FK_c5ce8fb8927ebf489b6d8dbcdb5"`);
    await q.query(`DROP INDEX "public"."training_records_practitioner_idx"`);
    await q.query(`DROP TABLE "training_records"`);
    await q.query(`DROP INDEX "public"."approval_suspensions_approval_idx"`);
    await q.query(`DROP TABLE "approval_suspensions"`);
    await q.query(`DROP INDEX "public"."approvals_practitioner_idx"`);
    await q.query(`DROP INDEX "public"."approvals_ends_on_idx"`);
    await q.query(`DROP TABLE "approvals"`);
    await q.query(`DROP INDEX "public"."practice_audits_practitioner_idx"`);
    await q.query(`DROP TABLE "practice_audits"`);
    await q.query(`DROP INDEX "public"."appraisals_practitioner_idx"`);
    await q.query(`DROP TABLE "appraisals"`);
    await q.query(`DROP INDEX "public"."supervision_actions_session_idx"`);
    await q.query(`DROP INDEX "public"."supervision_actions_owner_idx"`);
    await q.query(`DROP TABLE "supervision_actions"`);
    await q.query(`DROP INDEX "public"."supervision_sessions_supervisee_idx"`);
    await q.query(`DROP TABLE "supervision_sessions"`);
    await q.query(`DROP INDEX "public"."practitioners_user_key"`);
    await q.query(`DROP TABLE "practitioners"`);
    await q.query(`DROP INDEX "public"."doctor_approvals_doctor_idx"`);
    await q.query(`DROP TABLE "doctor_approvals"`);
    await q.query(`DROP INDEX "public"."doctors_gmc_number_key"`);
    await q.query(`DROP TABLE "doctors"`);
  }
}
