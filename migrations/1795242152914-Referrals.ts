import { MigrationInterface, QueryRunner } from 'typeorm';

export class Referrals1795242152914 implements MigrationInterface {
  name = 'Referrals1795242152914';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "persons" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "nhs_number" text, "given_name" text NOT NULL, "family_name" text NOT NULL, "date_of_birth" date, "sex" text, "gender" text, "ethnic_category" text, "preferred_language" text, "interpreter_needed" boolean NOT NULL DEFAULT false, "communication_needs" text, "address" text, "postcode" text, "responsible_authority" text, "gp_practice" text, "version" integer NOT NULL DEFAULT '1', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "persons_sex" CHECK (sex IS NULL OR sex IN ('female','male','indeterminate','not-known')), CONSTRAINT "persons_ethnic_category" CHECK (ethnic_category IS NULL OR ethnic_category IN ('A','B','C','D','E','F','G','H','J','K','L','M','N','P','R','S','Z')), CONSTRAINT "persons_nhs_number" CHECK (nhs_number IS NULL OR nhs_number ~ '^[0-9]{10}$'), CONSTRAINT "PK_74278d8812a049233ce41440ac7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "persons_nhs_number_key" ON "persons"  ("nhs_number") WHERE nhs_number IS NOT NULL`);
    await q.query(
      `CREATE TABLE "referrals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "person_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'received', "source" text NOT NULL, "urgency" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "referrer" jsonb NOT NULL, "referrer_user_id" uuid, "reason" text NOT NULL, "risks" jsonb NOT NULL, "legal_context" jsonb NOT NULL, "location" text, "other_authority" text, "nearest_relative_request" boolean NOT NULL DEFAULT false, "next_deadline" TIMESTAMP WITH TIME ZONE, "allocated_user_id" uuid, "allocated_at" TIMESTAMP WITH TIME ZONE, "decision_reason" text, "transferred_to" text, "written_reasons_at" TIMESTAMP WITH TIME ZONE, "written_reasons_method" text, "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "referrals_source" CHECK (source IN ('gp','cmht','crisis-home-treatment','ae-liaison','ward','police-s136','police-s135','nearest-relative','court-prison','other-council','other')), CONSTRAINT "referrals_urgency" CHECK (urgency IN ('emergency','urgent','routine')), CONSTRAINT "referrals_status" CHECK (status IN ('received','screening','accepted','not-accepted','transferred','allocated','in-assessment','closed','withdrawn')), CONSTRAINT "PK_ea9980e34f738b6252817326c08" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "referrals_referrer_idx" ON "referrals"  ("referrer_user_id", "received_at") `);
    await q.query(`CREATE INDEX "referrals_allocated_idx" ON "referrals"  ("allocated_user_id", "status") `);
    await q.query(`CREATE INDEX "referrals_person_idx" ON "referrals"  ("person_id", "received_at") `);
    await q.query(
      `CREATE INDEX "referrals_queue_idx" ON "referrals"  ("next_deadline", "id") WHERE status NOT IN ('closed','withdrawn','not-accepted','transferred')`,
    );
    await q.query(`CREATE UNIQUE INDEX "referrals_reference_key" ON "referrals"  ("reference") `);
    await q.query(
      `CREATE TABLE "referral_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "referral_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "type" text NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_850a7d8ea24a8e90aba261d0190" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "referral_events_referral_idx" ON "referral_events"  ("referral_id", "id") `);
    await q.query(
      `CREATE TABLE "referral_extensions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "authorised_at" TIMESTAMP WITH TIME ZONE NOT NULL, "hours" integer NOT NULL, "authorised_by" text NOT NULL, "reason" text NOT NULL, "superintendent_approved_at" TIMESTAMP WITH TIME ZONE, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "referral_extensions_hours" CHECK (hours BETWEEN 1 AND 12), CONSTRAINT "PK_6aa861091957bb33eefc3c9bc34" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "referral_extensions_referral_key" ON "referral_extensions"  ("referral_id") `);
    await q.query(
      `CREATE TABLE "allocation_offers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "user_id" uuid NOT NULL, "offered_at" TIMESTAMP WITH TIME ZONE NOT NULL, "offered_by" uuid NOT NULL, "response" text, "responded_at" TIMESTAMP WITH TIME ZONE, "note" text, CONSTRAINT "allocation_offers_response" CHECK (response IS NULL OR response IN ('accepted','declined','withdrawn')), CONSTRAINT "PK_233a8072d0e80facbd2c88ec0b7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "allocation_offers_open_idx" ON "allocation_offers"  ("user_id", "offered_at") WHERE response IS NULL`);
    await q.query(
      `CREATE UNIQUE INDEX "allocation_offers_one_acceptance_key" ON "allocation_offers"  ("referral_id") WHERE response = 'accepted'`,
    );
    await q.query(`CREATE INDEX "allocation_offers_referral_idx" ON "allocation_offers"  ("referral_id", "user_id") `);
    await q.query(
      `ALTER TABLE "persons" ADD CONSTRAINT "FK_36f8f00b9b52079fa2692b4a6c2" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_c02ba081d470c3883e299cbefc6" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_f23553d02832ad08a505cf382b8" FOREIGN KEY ("referrer_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_c5716a90a9c1fc6f34d6755cfbc" FOREIGN KEY ("allocated_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referrals" ADD CONSTRAINT "FK_191f06d42840b237f7b93be8145" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referral_events" ADD CONSTRAINT "FK_f784bd7780f323ff43ff4d9eadb" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referral_events" ADD CONSTRAINT "FK_20a30cd6f670b7cbd4ebc70c4b5" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referral_extensions" ADD CONSTRAINT "FK_e4304ecac748a04a2f091d9f7c2" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "referral_extensions" ADD CONSTRAINT "FK_1d6658780213c816921f2b455c6" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "FK_e83a211fcebf4e607337b8d8079" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "FK_885beb298cf4775a88ac521108d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "allocation_offers" ADD CONSTRAINT "FK_2679007fd3676488a43c7dc2482" FOREIGN KEY ("offered_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Find a person by name (prefix, case-insensitive) and date of birth.
    await q.query(
      `CREATE INDEX "persons_name_dob_idx" ON "persons" (lower(family_name) text_pattern_ops, date_of_birth, lower(given_name) text_pattern_ops)`,
    );
    // Human referral references, REF-<year>-<n>: one sequence, never reused.
    await q.query(`CREATE SEQUENCE referral_reference_seq`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SEQUENCE referral_reference_seq`);
    await q.query(`DROP INDEX "persons_name_dob_idx"`);
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "FK_2679007fd3676488a43c7dc2482"`);
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "FK_885beb298cf4775a88ac521108d"`);
    await q.query(`ALTER TABLE "allocation_offers" DROP CONSTRAINT "FK_e83a211fcebf4e607337b8d8079"`);
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "FK_1d6658780213c816921f2b455c6"`);
    await q.query(`ALTER TABLE "referral_extensions" DROP CONSTRAINT "FK_e4304ecac748a04a2f091d9f7c2"`);
    await q.query(`ALTER TABLE "referral_events" DROP CONSTRAINT "FK_20a30cd6f670b7cbd4ebc70c4b5"`);
    await q.query(`ALTER TABLE "referral_events" DROP CONSTRAINT "FK_f784bd7780f323ff43ff4d9eadb"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_191f06d42840b237f7b93be8145"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_c5716a90a9c1fc6f34d6755cfbc"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_f23553d02832ad08a505cf382b8"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "FK_c02ba081d470c3883e299cbefc6"`);
    await q.query(`ALTER TABLE "persons" DROP CONSTRAINT "FK_36f8f00b9b52079fa2692b4a6c2"`);
    await q.query(`DROP INDEX "public"."allocation_offers_referral_idx"`);
    await q.query(`DROP INDEX "public"."allocation_offers_one_acceptance_key"`);
    await q.query(`DROP INDEX "public"."allocation_offers_open_idx"`);
    await q.query(`DROP TABLE "allocation_offers"`);
    await q.query(`DROP INDEX "public"."referral_extensions_referral_key"`);
    await q.query(`DROP TABLE "referral_extensions"`);
    await q.query(`DROP INDEX "public"."referral_events_referral_idx"`);
    await q.query(`DROP TABLE "referral_events"`);
    await q.query(`DROP INDEX "public"."referrals_reference_key"`);
    await q.query(`DROP INDEX "public"."referrals_queue_idx"`);
    await q.query(`DROP INDEX "public"."referrals_person_idx"`);
    await q.query(`DROP INDEX "public"."referrals_allocated_idx"`);
    await q.query(`DROP INDEX "public"."referrals_referrer_idx"`);
    await q.query(`DROP TABLE "referrals"`);
    await q.query(`DROP INDEX "public"."persons_nhs_number_key"`);
    await q.query(`DROP TABLE "persons"`);
  }
}
