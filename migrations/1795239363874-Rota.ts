import { MigrationInterface, QueryRunner } from 'typeorm';

export class Rota1795239363874 implements MigrationInterface {
  name = 'Rota1795239363874';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "outbox_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "type" text NOT NULL, "aggregate_type" text NOT NULL, "aggregate_id" text NOT NULL, "payload" jsonb NOT NULL, "actor_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6689a16c00d09b8089f6237f1d2" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_events_aggregate_idx" ON "outbox_events"  ("aggregate_type", "aggregate_id", "id") `);
    await q.query(`CREATE INDEX "outbox_events_undelivered_idx" ON "outbox_events"  ("id") WHERE published_at IS NULL`);
    await q.query(
      `CREATE TABLE "shift_patterns" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "start_time" text NOT NULL, "end_time" text NOT NULL, "weekdays" integer array NOT NULL, "bank_holidays" text NOT NULL DEFAULT 'any', "required_count" integer NOT NULL, "required_skills" text array NOT NULL DEFAULT '{}', "valid_from" date NOT NULL, "valid_to" date, "active" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "shift_patterns_validity" CHECK (valid_to IS NULL OR valid_to >= valid_from), CONSTRAINT "shift_patterns_bank_holidays" CHECK (bank_holidays IN ('any','exclude','only')), CONSTRAINT "shift_patterns_required" CHECK (required_count BETWEEN 1 AND 50), CONSTRAINT "shift_patterns_weekdays" CHECK (cardinality(weekdays) > 0 AND weekdays <@ ARRAY[1,2,3,4,5,6,7]), CONSTRAINT "shift_patterns_times" CHECK (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'), CONSTRAINT "PK_9889aed63041895165dc3b2abdc" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "bank_holidays" ("date" date NOT NULL, "name" text NOT NULL, CONSTRAINT "PK_29eb0904eb8a93d246ba526b908" PRIMARY KEY ("date"))`,
    );
    await q.query(
      `CREATE TABLE "shifts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "pattern_id" uuid, "local_date" date NOT NULL, "label" text NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "required_count" integer NOT NULL, "required_skills" text array NOT NULL DEFAULT '{}', "bank_holiday" boolean NOT NULL DEFAULT false, "notes" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "shifts_required" CHECK (required_count BETWEEN 0 AND 50), CONSTRAINT "shifts_period" CHECK (ends_at > starts_at), CONSTRAINT "PK_84d692e367e4d6cdf045828768c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "shifts_period_idx" ON "shifts"  ("starts_at", "ends_at") `);
    await q.query(`CREATE UNIQUE INDEX "shifts_pattern_date_key" ON "shifts"  ("pattern_id", "local_date") WHERE pattern_id IS NOT NULL`);
    await q.query(
      `CREATE TABLE "shift_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shift_id" uuid NOT NULL, "practitioner_id" uuid NOT NULL, "user_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "overrides" jsonb NOT NULL DEFAULT '[]', "source" text NOT NULL DEFAULT 'manual', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "shift_assignments_no_overlap" EXCLUDE USING gist ("practitioner_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&), CONSTRAINT "PK_7a78d24f38deedd9fe0ea19685c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "shift_assignments_period_idx" ON "shift_assignments"  ("starts_at", "ends_at") `);
    await q.query(`CREATE INDEX "shift_assignments_user_period_idx" ON "shift_assignments"  ("user_id", "starts_at") `);
    await q.query(`CREATE INDEX "shift_assignments_shift_idx" ON "shift_assignments"  ("shift_id") `);
    await q.query(
      `CREATE TABLE "leave_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "kind" text NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'requested', "note" text, "requested_by" uuid NOT NULL, "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_note" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "leave_requests_status" CHECK (status IN ('requested','approved','declined','cancelled')), CONSTRAINT "leave_requests_kind" CHECK (kind IN ('annual','sick','training','compassionate','unavailable','other')), CONSTRAINT "leave_requests_period" CHECK (ends_at > starts_at), CONSTRAINT "PK_d3abcf9a16cef1450129e06fa9f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "leave_requests_practitioner_idx" ON "leave_requests"  ("practitioner_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "swap_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "assignment_id" uuid NOT NULL, "shift_id" uuid NOT NULL, "from_practitioner_id" uuid NOT NULL, "to_practitioner_id" uuid, "taker_practitioner_id" uuid, "status" text NOT NULL DEFAULT 'offered', "note" text, "accepted_at" TIMESTAMP WITH TIME ZONE, "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_note" text, "created_by" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "swap_requests_status" CHECK (status IN ('offered','accepted','approved','declined','cancelled')), CONSTRAINT "PK_4a3a8b292e0e8df37acbc47e648" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "swap_requests_open_idx" ON "swap_requests"  ("status", "created_at") `);
    await q.query(`CREATE INDEX "swap_requests_assignment_idx" ON "swap_requests"  ("assignment_id") `);
    await q.query(
      `CREATE TABLE "calendar_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "scope" text NOT NULL, "practitioner_id" uuid, "token_hash" text NOT NULL, "label" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "calendar_tokens_target" CHECK ((scope = 'hub') = (practitioner_id IS NULL)), CONSTRAINT "calendar_tokens_scope" CHECK (scope IN ('practitioner','hub')), CONSTRAINT "PK_181f2e17c83bfa7d4d287cf08a0" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "calendar_tokens_hash_key" ON "calendar_tokens"  ("token_hash") `);
    await q.query(
      `CREATE TABLE "rota_preferences" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "practitioner_id" uuid NOT NULL, "pattern_id" uuid, "weekday" integer, "on_date" date, "weight" integer NOT NULL, "note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "rota_preferences_weekday" CHECK (weekday IS NULL OR weekday BETWEEN 1 AND 7), CONSTRAINT "rota_preferences_target" CHECK (pattern_id IS NOT NULL OR weekday IS NOT NULL OR on_date IS NOT NULL), CONSTRAINT "rota_preferences_weight" CHECK (weight BETWEEN -10 AND 10 AND weight <> 0), CONSTRAINT "PK_9d8f54cf3c56e038c6a8f31172f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "rota_preferences_practitioner_idx" ON "rota_preferences"  ("practitioner_id") `);
    await q.query(
      `CREATE TABLE "rota_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'proposed', "assignments" jsonb NOT NULL, "fairness" jsonb NOT NULL, "unfilled" jsonb NOT NULL DEFAULT '[]', "basis" text NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "rota_plans_period" CHECK (ends_at > starts_at), CONSTRAINT "rota_plans_status" CHECK (status IN ('proposed','published','discarded')), CONSTRAINT "PK_3ee9c82e310c059ae21a47dd3a5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `ALTER TABLE "shifts" ADD CONSTRAINT "FK_a5c6b4365b1590d61351abb42eb" FOREIGN KEY ("pattern_id") REFERENCES "shift_patterns"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_assignments" ADD CONSTRAINT "FK_fe59c463f888b8ee0da19404b14" FOREIGN KEY ("shift_id") REFERENCES "shifts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_assignments" ADD CONSTRAINT "FK_bbfb70eb6fbe7a41e71d7f12308" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_assignments" ADD CONSTRAINT "FK_f1b9d618ce78a6d9f31e29a06bf" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "shift_assignments" ADD CONSTRAINT "FK_6f34ea04cce69024444392e0d0c" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "leave_requests" ADD CONSTRAINT "FK_3d3c9c8b2fa2ff5e7ce47ec8793" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "leave_requests" ADD CONSTRAINT "FK_9bdc52f31625db2a5a2a33a91b4" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "leave_requests" ADD CONSTRAINT "FK_cefc9ac278f47417d433dc46848" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be" FOREIGN KEY ("assignment_id") REFERENCES "shift_assignments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_1f63204bfa107c8e8b44f56cbd6" FOREIGN KEY ("shift_id") REFERENCES "shifts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_f893d19a6634fd3a0535e5f156e" FOREIGN KEY ("from_practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_84725c5885152fd25edf5cb03cf" FOREIGN KEY ("to_practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_19f814ffea095ea3e534bd126a7" FOREIGN KEY ("taker_practitioner_id") REFERENCES "practitioners"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_392b2dd2c501a6766a6fea2a527" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "swap_requests" ADD CONSTRAINT "FK_a99b09f652f169491003d58edde" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "calendar_tokens" ADD CONSTRAINT "FK_b72b4c7c65d3753a2b4fd1bb02a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "calendar_tokens" ADD CONSTRAINT "FK_fe88c957a70b42def8fc13bbfca" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rota_preferences" ADD CONSTRAINT "FK_5521aeefd24c35d4012b0f8305d" FOREIGN KEY ("practitioner_id") REFERENCES "practitioners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rota_preferences" ADD CONSTRAINT "FK_89e7d10892ba8485ac956e3ffd1" FOREIGN KEY ("pattern_id") REFERENCES "shift_patterns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rota_plans" ADD CONSTRAINT "FK_1dc78593660604bc5f55ccd8e9d" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // England and Wales bank holidays (gov.uk), editable through the API as later years are announced.
    await q.query(`INSERT INTO bank_holidays (date, name) VALUES
        ('2025-01-01', 'New Year''s Day'),
        ('2025-04-18', 'Good Friday'),
        ('2025-04-21', 'Easter Monday'),
        ('2025-05-05', 'Early May bank holiday'),
        ('2025-05-26', 'Spring bank holiday'),
        ('2025-08-25', 'Summer bank holiday'),
        ('2025-12-25', 'Christmas Day'),
        ('2025-12-26', 'Boxing Day'),
        ('2026-01-01', 'New Year''s Day'),
        ('2026-04-03', 'Good Friday'),
        ('2026-04-06', 'Easter Monday'),
        ('2026-05-04', 'Early May bank holiday'),
        ('2026-05-25', 'Spring bank holiday'),
        ('2026-08-31', 'Summer bank holiday'),
        ('2026-12-25', 'Christmas Day'),
        ('2026-12-28', 'Boxing Day (substitute day)'),
        ('2027-01-01', 'New Year''s Day'),
        ('2027-03-26', 'Good Friday'),
        ('2027-03-29', 'Easter Monday'),
        ('2027-05-03', 'Early May bank holiday'),
        ('2027-05-31', 'Spring bank holiday'),
        ('2027-08-30', 'Summer bank holiday'),
        ('2027-12-27', 'Christmas Day (substitute day)'),
        ('2027-12-28', 'Boxing Day (substitute day)'),
        ('2028-01-03', 'New Year''s Day (substitute day)'),
        ('2028-04-14', 'Good Friday'),
        ('2028-04-17', 'Easter Monday'),
        ('2028-05-01', 'Early May bank holiday'),
        ('2028-05-29', 'Spring bank holiday'),
        ('2028-08-28', 'Summer bank holiday'),
        ('2028-12-25', 'Christmas Day'),
        ('2028-12-26', 'Boxing Day')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rota_plans" DROP CONSTRAINT "FK_1dc78593660604bc5f55ccd8e9d"`);
    await q.query(`ALTER TABLE "rota_preferences" DROP CONSTRAINT "FK_89e7d10892ba8485ac956e3ffd1"`);
    await q.query(`ALTER TABLE "rota_preferences" DROP CONSTRAINT "FK_5521aeefd24c35d4012b0f8305d"`);
    await q.query(`ALTER TABLE "calendar_tokens" DROP CONSTRAINT "FK_fe88c957a70b42def8fc13bbfca"`);
    await q.query(`ALTER TABLE "calendar_tokens" DROP CONSTRAINT "FK_b72b4c7c65d3753a2b4fd1bb02a"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_a99b09f652f169491003d58edde"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_392b2dd2c501a6766a6fea2a527"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_19f814ffea095ea3e534bd126a7"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_84725c5885152fd25edf5cb03cf"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_f893d19a6634fd3a0535e5f156e"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_1f63204bfa107c8e8b44f56cbd6"`);
    await q.query(`ALTER TABLE "swap_requests" DROP CONSTRAINT "FK_befbca7f8dff47152ce0f32a3be"`);
    await q.query(`ALTER TABLE "leave_requests" DROP CONSTRAINT "FK_cefc9ac278f47417d433dc46848"`);
    await q.query(`ALTER TABLE "leave_requests" DROP CONSTRAINT "FK_9bdc52f31625db2a5a2a33a91b4"`);
    await q.query(`ALTER TABLE "leave_requests" DROP CONSTRAINT "FK_3d3c9c8b2fa2ff5e7ce47ec8793"`);
    await q.query(`ALTER TABLE "shift_assignments" DROP CONSTRAINT "FK_6f34ea04cce69024444392e0d0c"`);
    await q.query(`ALTER TABLE "shift_assignments" DROP CONSTRAINT "FK_f1b9d618ce78a6d9f31e29a06bf"`);
    await q.query(`ALTER TABLE "shift_assignments" DROP CONSTRAINT "FK_bbfb70eb6fbe7a41e71d7f12308"`);
    await q.query(`ALTER TABLE "shift_assignments" DROP CONSTRAINT "FK_fe59c463f888b8ee0da19404b14"`);
    await q.query(`ALTER TABLE "shifts" DROP CONSTRAINT "FK_a5c6b4365b1590d61351abb42eb"`);
    await q.query(`DROP TABLE "rota_plans"`);
    await q.query(`DROP INDEX "public"."rota_preferences_practitioner_idx"`);
    await q.query(`DROP TABLE "rota_preferences"`);
    await q.query(`DROP INDEX "public"."calendar_tokens_hash_key"`);
    await q.query(`DROP TABLE "calendar_tokens"`);
    await q.query(`DROP INDEX "public"."swap_requests_assignment_idx"`);
    await q.query(`DROP INDEX "public"."swap_requests_open_idx"`);
    await q.query(`DROP TABLE "swap_requests"`);
    await q.query(`DROP INDEX "public"."leave_requests_practitioner_idx"`);
    await q.query(`DROP TABLE "leave_requests"`);
    await q.query(`DROP INDEX "public"."shift_assignments_shift_idx"`);
    await q.query(`DROP INDEX "public"."shift_assignments_user_period_idx"`);
    await q.query(`DROP INDEX "public"."shift_assignments_period_idx"`);
    await q.query(`DROP TABLE "shift_assignments"`);
    await q.query(`DROP INDEX "public"."shifts_pattern_date_key"`);
    await q.query(`DROP INDEX "public"."shifts_period_idx"`);
    await q.query(`DROP TABLE "shifts"`);
    await q.query(`DROP TABLE "bank_holidays"`);
    await q.query(`DROP TABLE "shift_patterns"`);
    await q.query(`DROP INDEX "public"."outbox_events_undelivered_idx"`);
    await q.query(`DROP INDEX "public"."outbox_events_aggregate_idx"`);
    await q.query(`DROP TABLE "outbox_events"`);
  }
}
