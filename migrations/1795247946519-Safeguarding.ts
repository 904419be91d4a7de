import { MigrationInterface, QueryRunner } from 'typeorm';

export class Safeguarding1795247946519 implements MigrationInterface {
  name = 'Safeguarding1795247946519';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "decisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "person_id" uuid, "person_details" jsonb, "author_user_id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "content" jsonb NOT NULL DEFAULT '{}', "details" jsonb NOT NULL DEFAULT '{}', "cost_pence" integer, "escalation" jsonb, "signed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "decisions_cost" CHECK (cost_pence IS NULL OR cost_pence >= 0), CONSTRAINT "decisions_signed" CHECK ((status = 'signed') = (signed_at IS NOT NULL)), CONSTRAINT "decisions_status" CHECK (status IN ('draft','signed')), CONSTRAINT "decisions_type" CHECK (type IN ('adult-safeguarding','best-interests','dols-urgent-authorisation','dols-extension','emergency-placement','carer-breakdown','child-protection-referral','other')), CONSTRAINT "PK_48eee6fa229cd5e43648f6a2ec3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "decisions_person_idx" ON "decisions"  ("person_id", "occurred_at") `);
    await q.query(`CREATE INDEX "decisions_signed_idx" ON "decisions"  ("signed_at") WHERE status = 'signed'`);
    await q.query(`CREATE INDEX "decisions_author_idx" ON "decisions"  ("author_user_id", "status", "occurred_at") `);
    await q.query(
      `CREATE TABLE "decision_amendments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "decision_id" uuid NOT NULL, "amended_by" uuid NOT NULL, "amended_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text NOT NULL, "changes" jsonb NOT NULL, CONSTRAINT "PK_8f05a976c9cf2893317a4ba56fb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "decision_amendments_decision_idx" ON "decision_amendments"  ("decision_id", "amended_at") `);
    await q.query(
      `CREATE TABLE "follow_up_actions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "source_type" text NOT NULL, "source_id" uuid NOT NULL, "description" text NOT NULL, "owner_user_id" uuid, "owner_team" text, "due_at" TIMESTAMP WITH TIME ZONE, "done_at" TIMESTAMP WITH TIME ZONE, "done_by" uuid, "done_note" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "follow_up_actions_source" CHECK (source_type IN ('decision','handover')), CONSTRAINT "PK_d4f25b8527ddf8a4620351963ef" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "follow_up_actions_source_idx" ON "follow_up_actions"  ("source_type", "source_id") `);
    await q.query(`CREATE INDEX "follow_up_actions_owner_idx" ON "follow_up_actions"  ("owner_user_id", "done_at", "due_at") `);
    await q.query(
      `CREATE TABLE "handovers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "handover_date" date NOT NULL, "period_from" TIMESTAMP WITH TIME ZONE NOT NULL, "compiled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "compiled_by" uuid, CONSTRAINT "PK_88432ab36f1a01be3bb86a16c28" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "handovers_date_key" ON "handovers"  ("handover_date") `);
    await q.query(
      `CREATE TABLE "handover_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "handover_id" uuid NOT NULL, "item_type" text NOT NULL, "item_id" uuid NOT NULL, "summary" jsonb NOT NULL, "first_handed_over_on" date NOT NULL, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" uuid, "acknowledgement_note" text, CONSTRAINT "handover_items_type" CHECK (item_type IN ('decision','referral','assessment','rota-note','action')), CONSTRAINT "PK_bd4a48167de24735d31a8e94d08" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "handover_items_open_idx" ON "handover_items"  ("acknowledged_at") WHERE acknowledged_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX "handover_items_subject_key" ON "handover_items"  ("handover_id", "item_type", "item_id") `);
    await q.query(`CREATE INDEX "handover_items_handover_idx" ON "handover_items"  ("handover_id", "item_type") `);
    await q.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_6eb85c0248dc00ea60c61cdb10a" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "decisions" ADD CONSTRAINT "FK_fa939f3ffc5924d219124507105" FOREIGN KEY ("author_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "decision_amendments" ADD CONSTRAINT "FK_45f52e47b5b14ccba67101770c0" FOREIGN KEY ("decision_id") REFERENCES "decisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "decision_amendments" ADD CONSTRAINT "FK_cd6430af0bb51e5a96e4c734a81" FOREIGN KEY ("amended_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "follow_up_actions" ADD CONSTRAINT "FK_d5d5f2650453e13d87ae05c4f5b" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "follow_up_actions" ADD CONSTRAINT "FK_77779aae263e1e6a398fd65da0c" FOREIGN KEY ("done_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "follow_up_actions" ADD CONSTRAINT "FK_c783271af430260d9db8c11ecb9" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "handovers" ADD CONSTRAINT "FK_b31e3c51f86bc3b2fe1dc4af3f5" FOREIGN KEY ("compiled_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "handover_items" ADD CONSTRAINT "FK_898c2231883e47982cbc0359f00" FOREIGN KEY ("handover_id") REFERENCES "handovers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "handover_items" ADD CONSTRAINT "FK_6e0d1fa1b137971fa6d19775e11" FOREIGN KEY ("acknowledged_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "handover_items" DROP CONSTRAINT "FK_6e0d1fa1b137971fa6d19775e11"`);
    await q.query(`ALTER TABLE "handover_items" DROP CONSTRAINT "FK_898c2231883e47982cbc0359f00"`);
    await q.query(`ALTER TABLE "handovers" DROP CONSTRAINT "FK_b31e3c51f86bc3b2fe1dc4af3f5"`);
    await q.query(`ALTER TABLE "follow_up_actions" DROP CONSTRAINT "FK_c783271af430260d9db8c11ecb9"`);
    await q.query(`ALTER TABLE "follow_up_actions" DROP CONSTRAINT "FK_77779aae263e1e6a398fd65da0c"`);
    await q.query(`ALTER TABLE "follow_up_actions" DROP CONSTRAINT "FK_d5d5f2650453e13d87ae05c4f5b"`);
    await q.query(`ALTER TABLE "decision_amendments" DROP CONSTRAINT "FK_cd6430af0bb51e5a96e4c734a81"`);
    await q.query(`ALTER TABLE "decision_amendments" DROP CONSTRAINT "FK_45f52e47b5b14ccba67101770c0"`);
    await q.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_fa939f3ffc5924d219124507105"`);
    await q.query(`ALTER TABLE "decisions" DROP CONSTRAINT "FK_6eb85c0248dc00ea60c61cdb10a"`);
    await q.query(`DROP INDEX "public"."handover_items_handover_idx"`);
    await q.query(`DROP INDEX "public"."handover_items_subject_key"`);
    await q.query(`DROP INDEX "public"."handover_items_open_idx"`);
    await q.query(`DROP TABLE "handover_items"`);
    await q.query(`DROP INDEX "public"."handovers_date_key"`);
    await q.query(`DROP TABLE "handovers"`);
    await q.query(`DROP INDEX "public"."follow_up_actions_owner_idx"`);
    await q.query(`DROP INDEX "public"."follow_up_actions_source_idx"`);
    await q.query(`DROP TABLE "follow_up_actions"`);
    await q.query(`DROP INDEX "public"."decision_amendments_decision_idx"`);
    await q.query(`DROP TABLE "decision_amendments"`);
    await q.query(`DROP INDEX "public"."decisions_author_idx"`);
    await q.query(`DROP INDEX "public"."decisions_signed_idx"`);
    await q.query(`DROP INDEX "public"."decisions_person_idx"`);
    await q.query(`DROP TABLE "decisions"`);
  }
}
