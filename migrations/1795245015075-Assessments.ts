import { MigrationInterface, QueryRunner } from 'typeorm';

export class Assessments1795245015075 implements MigrationInterface {
  name = 'Assessments1795245015075';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "relatives" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "name" text NOT NULL, "relationship" text NOT NULL, "whole_blood" boolean NOT NULL DEFAULT true, "date_of_birth" date, "lives_with_patient" boolean NOT NULL DEFAULT false, "cares_for_patient" boolean NOT NULL DEFAULT false, "uk_resident" boolean NOT NULL DEFAULT true, "separated_or_deserted" boolean NOT NULL DEFAULT false, "years_living_with" numeric(5,2), "authorised_delegate" text, "contact" jsonb NOT NULL DEFAULT '{}', "notes" text, "version" integer NOT NULL DEFAULT '1', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "relatives_relationship" CHECK (relationship IN ('spouse','civil-partner','cohabitee','child','parent','sibling','grandparent','grandchild','uncle-aunt','nephew-niece','non-relative-resident','local-authority-care-order','guardian-or-residence-order','other')), CONSTRAINT "PK_4c16d30b6af847a1f7286caf2c3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "relatives_person_idx" ON "relatives"  ("person_id") `);
    await q.query(
      `CREATE TABLE "nearest_relative_objections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "relative_id" uuid, "notified_at" TIMESTAMP WITH TIME ZONE NOT NULL, "notified_to" text NOT NULL, "details" text NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawal_details" text, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "nr_objections_notified_to" CHECK (notified_to IN ('amhp','lssa')), CONSTRAINT "PK_204b7d56394519db2f0e81f5df6" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "nr_objections_person_idx" ON "nearest_relative_objections"  ("person_id", "notified_at") `);
    await q.query(
      `CREATE TABLE "nearest_relative_displacements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "relative_id" uuid, "ground" text NOT NULL, "status" text NOT NULL DEFAULT 'applied', "filed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "effective_from" date, "acting_nearest_relative" text, "court" text, "version" integer NOT NULL DEFAULT '1', "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "nr_displacements_status" CHECK (status IN ('applied','interim-order','order','refused','withdrawn')), CONSTRAINT "nr_displacements_ground" CHECK (ground IN ('a','b','c','d','e')), CONSTRAINT "PK_5d9fd9424b095adc34a43262011" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "nr_displacements_person_idx" ON "nearest_relative_displacements"  ("person_id", "filed_at") `);
    await q.query(
      `CREATE TABLE "assessments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "person_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'open', "lead_amhp_user_id" uuid NOT NULL, "other_amhp_user_ids" uuid array NOT NULL DEFAULT '{}', "location" text, "involvement" jsonb NOT NULL DEFAULT '{}', "interview" jsonb, "nearest_relative" jsonb, "conflicts" jsonb NOT NULL DEFAULT '[]', "patient_teams" text array NOT NULL DEFAULT '{}', "outcome_kind" text, "section" text, "legal_status_code" text, "outcome" jsonb, "decided_at" TIMESTAMP WITH TIME ZONE, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_by" uuid NOT NULL, CONSTRAINT "assessments_section" CHECK (section IS NULL OR section IN ('s2','s3','s4','s7')), CONSTRAINT "assessments_outcome_kind" CHECK (outcome_kind IS NULL OR outcome_kind IN ('application','cto-decision','not-detained')), CONSTRAINT "assessments_status" CHECK (status IN ('open','decided','closed')), CONSTRAINT "PK_a3442bd80a00e9111cefca57f6c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "assessments_lead_idx" ON "assessments"  ("lead_amhp_user_id", "status", "opened_at") `);
    await q.query(`CREATE INDEX "assessments_person_idx" ON "assessments"  ("person_id", "opened_at") `);
    await q.query(`CREATE INDEX "assessments_referral_idx" ON "assessments"  ("referral_id", "opened_at") `);
    await q.query(`CREATE UNIQUE INDEX "assessments_one_open_per_referral_key" ON "assessments"  ("referral_id") WHERE status <> 'closed'`);
    await q.query(
      `CREATE TABLE "assessment_events" ("id" BIGSERIAL NOT NULL, "assessment_id" uuid NOT NULL, "type" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "delay_reason" text, "note" text, "data" jsonb NOT NULL DEFAULT '{}', "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dec9e38c870b0f94a9c35c5b933" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "assessment_events_assessment_idx" ON "assessment_events"  ("assessment_id", "at") `);
    await q.query(
      `CREATE TABLE "assessment_contacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "assessment_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "mode" text NOT NULL, "by_role" text NOT NULL, "by_user_id" uuid, "by_name" text, "note" text, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "assessment_contacts_by_role" CHECK (by_role IN ('amhp','doctor','other')), CONSTRAINT "assessment_contacts_mode" CHECK (mode IN ('in-person','video','phone')), CONSTRAINT "PK_f6bc6cfdd2a034528e8a48cf831" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "assessment_contacts_assessment_idx" ON "assessment_contacts"  ("assessment_id", "at") `);
    await q.query(
      `CREATE TABLE "medical_recommendations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "assessment_id" uuid NOT NULL, "doctor_id" uuid, "doctor_name" text NOT NULL, "stated_approval" jsonb, "previous_acquaintance" boolean NOT NULL, "no_acquaintance_reason" text, "examined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "exam_mode" text NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "section" text NOT NULL, "joint_group" uuid, "received_by_managers_at" TIMESTAMP WITH TIME ZONE, "details" jsonb NOT NULL DEFAULT '{}', "withdrawn_at" TIMESTAMP WITH TIME ZONE, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "medical_recommendations_mode" CHECK (exam_mode IN ('in-person','video','phone')), CONSTRAINT "medical_recommendations_section" CHECK (section IN ('s2','s3','s4','s7')), CONSTRAINT "PK_bb378e776d1fd1577193191d986" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "medical_recommendations_assessment_idx" ON "medical_recommendations"  ("assessment_id") `);
    await q.query(
      `ALTER TABLE "relatives" ADD CONSTRAINT "FK_ddce7ef200701f18f67a90f0137" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "relatives" ADD CONSTRAINT "FK_062f57546d2188a3394d08c1dd6" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "FK_5ae7dc94d33b12e87bc8b346ee7" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "FK_d770d8169e94ea7356ba5b4a031" FOREIGN KEY ("relative_id") REFERENCES "relatives"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "FK_d7ad0e0f8c7419e01438d8d5dac" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_displacements" ADD CONSTRAINT "FK_c25ddeba26b9ebef06ae54c54a9" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_displacements" ADD CONSTRAINT "FK_fdd18f3bebec42ac90c32f11e45" FOREIGN KEY ("relative_id") REFERENCES "relatives"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_displacements" ADD CONSTRAINT "FK_4c795dc50385f5691395d23b350" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessments" ADD CONSTRAINT "FK_a48e22e2323b7957487ebc798f3" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessments" ADD CONSTRAINT "FK_0f4856768f33357c963bfc74b06" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessments" ADD CONSTRAINT "FK_1d01a875e17bcce9092958822d8" FOREIGN KEY ("lead_amhp_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessments" ADD CONSTRAINT "FK_cba2d07506cc7a2033cb6b6b130" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment_events" ADD CONSTRAINT "FK_ff8fbfb2aad4382f81326871205" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment_events" ADD CONSTRAINT "FK_9381929ebe96a963ee9025ae064" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment_contacts" ADD CONSTRAINT "FK_a55c114629e58a6a4fa5e4dc89b" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment_contacts" ADD CONSTRAINT "FK_6cb8ad53e6e719a792b9a16897e" FOREIGN KEY ("by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment_contacts" ADD CONSTRAINT "FK_4287b6d3095ef44d8c87e37ea36" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "medical_recommendations" ADD CONSTRAINT "FK_bf67cf1115194f91a68ebd8973d" FOREIGN KEY ("assessment_id") REFERENCES "assessments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "medical_recommendations" ADD CONSTRAINT "FK_400eb9cc4c7644f83e0cdeb25c2" FOREIGN KEY ("doctor_id") REFERENCES "doctors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "medical_recommendations" ADD CONSTRAINT "FK_9ed74816c334ad87e5204be8f5d" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "medical_recommendations" DROP CONSTRAINT "FK_9ed74816c334ad87e5204be8f5d"`);
    await q.query(`ALTER TABLE "medical_recommendations" DROP CONSTRAINT "FK_400eb9cc4c7644f83e0cdeb25c2"`);
    await q.query(`ALTER TABLE "medical_recommendations" DROP CONSTRAINT "FK_bf67cf1115194f91a68ebd8973d"`);
    await q.query(`ALTER TABLE "assessment_contacts" DROP CONSTRAINT "FK_4287b6d3095ef44d8c87e37ea36"`);
    await q.query(`ALTER TABLE "assessment_contacts" DROP CONSTRAINT "FK_6cb8ad53e6e719a792b9a16897e"`);
    await q.query(`ALTER TABLE "assessment_contacts" DROP CONSTRAINT "FK_a55c114629e58a6a4fa5e4dc89b"`);
    await q.query(`ALTER TABLE "assessment_events" DROP CONSTRAINT "FK_9381929ebe96a963ee9025ae064"`);
    await q.query(`ALTER TABLE "assessment_events" DROP CONSTRAINT "FK_ff8fbfb2aad4382f81326871205"`);
    await q.query(`ALTER TABLE "assessments" DROP CONSTRAINT "FK_cba2d07506cc7a2033cb6b6b130"`);
    await q.query(`ALTER TABLE "assessments" DROP CONSTRAINT "FK_1d01a875e17bcce9092958822d8"`);
    await q.query(`ALTER TABLE "assessments" DROP CONSTRAINT "FK_0f4856768f33357c963bfc74b06"`);
    await q.query(`ALTER TABLE "assessments" DROP CONSTRAINT "FK_a48e22e2323b7957487ebc798f3"`);
    await q.query(`ALTER TABLE "nearest_relative_displacements" DROP CONSTRAINT "FK_4c795dc50385f5691395d23b350"`);
    await q.query(`ALTER TABLE "nearest_relative_displacements" DROP CONSTRAINT "FK_fdd18f3bebec42ac90c32f11e45"`);
    await q.query(`ALTER TABLE "nearest_relative_displacements" DROP CONSTRAINT "FK_c25ddeba26b9ebef06ae54c54a9"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "FK_d7ad0e0f8c7419e01438d8d5dac"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "FK_d770d8169e94ea7356ba5b4a031"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "FK_5ae7dc94d33b12e87bc8b346ee7"`);
    await q.query(`ALTER TABLE "relatives" DROP CONSTRAINT "FK_062f57546d2188a3394d08c1dd6"`);
    await q.query(`ALTER TABLE "relatives" DROP CONSTRAINT "FK_ddce7ef200701f18f67a90f0137"`);
    await q.query(`DROP INDEX "public"."medical_recommendations_assessment_idx"`);
    await q.query(`DROP TABLE "medical_recommendations"`);
    await q.query(`DROP INDEX "public"."assessment_contacts_assessment_idx"`);
    await q.query(`DROP TABLE "assessment_contacts"`);
    await q.query(`DROP INDEX "public"."assessment_events_assessment_idx"`);
    await q.query(`DROP TABLE "assessment_events"`);
    await q.query(`DROP INDEX "public"."assessments_one_open_per_referral_key"`);
    await q.query(`DROP INDEX "public"."assessments_referral_idx"`);
    await q.query(`DROP INDEX "public"."assessments_person_idx"`);
    await q.query(`DROP INDEX "public"."assessments_lead_idx"`);
    await q.query(`DROP TABLE "assessments"`);
    await q.query(`DROP INDEX "public"."nr_displacements_person_idx"`);
    await q.query(`DROP TABLE "nearest_relative_displacements"`);
    await q.query(`DROP INDEX "public"."nr_objections_person_idx"`);
    await q.query(`DROP TABLE "nearest_relative_objections"`);
    await q.query(`DROP INDEX "public"."relatives_person_idx"`);
    await q.query(`DROP TABLE "relatives"`);
  }
}
