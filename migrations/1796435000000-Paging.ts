import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paging: each device's Web Push subscription (push_subscriptions), the pages that must wake someone and be
 * acknowledged, with the state of each channel (pages), and the manager on call in the rota (manager_on_call), the
 * last step of the escalation chains.
 */
export class Paging1796435000000 implements MigrationInterface {
  name = 'Paging1796435000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "push_subscriptions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "endpoint" text NOT NULL, "p256dh" text NOT NULL, "auth" text NOT NULL, "label" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE, "last_failed_at" TIMESTAMP WITH TIME ZONE, "last_error" text, CONSTRAINT "PK_757fc8f00c34f66832668dc2e53" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "push_subscriptions_user_idx" ON "push_subscriptions"  ("user_id") `);
    await q.query(`CREATE UNIQUE INDEX "push_subscriptions_endpoint_key" ON "push_subscriptions"  ("endpoint") `);
    await q.query(
      `CREATE TABLE "pages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "recipient_user_id" uuid NOT NULL, "chain_key" text NOT NULL, "step" integer NOT NULL DEFAULT '0', "reason" text, "subject_type" text, "subject_id" text, "referral_id" uuid, "urgency" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "push_state" text NOT NULL DEFAULT 'pending', "push_attempts" integer NOT NULL DEFAULT '0', "push_next_attempt_at" TIMESTAMP WITH TIME ZONE, "push_sent_at" TIMESTAMP WITH TIME ZONE, "push_last_error" text, "gateway_state" text, "gateway_requested_at" TIMESTAMP WITH TIME ZONE, "gateway_updated_at" TIMESTAMP WITH TIME ZONE, "gateway_detail" text, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" uuid, "acknowledged_via" text, CONSTRAINT "pages_step" CHECK (step BETWEEN 0 AND 3), CONSTRAINT "pages_ack_via" CHECK (acknowledged_via IS NULL OR acknowledged_via IN ('app','notification','gateway')), CONSTRAINT "pages_gateway_state" CHECK (gateway_state IS NULL OR gateway_state IN ('requested','delivered','failed')), CONSTRAINT "pages_push_state" CHECK (push_state IN ('pending','sent','failed','no-device')), CONSTRAINT "pages_kind" CHECK (kind IN ('offer','clock-warning','clock-breach','escalation','handover')), CONSTRAINT "PK_8f21ed625aa34c8391d636b7d3b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "pages_created_idx" ON "pages"  ("created_at") `);
    await q.query(`CREATE INDEX "pages_push_due_idx" ON "pages"  ("push_next_attempt_at") WHERE push_state = 'pending'`);
    await q.query(`CREATE INDEX "pages_recipient_idx" ON "pages"  ("recipient_user_id", "created_at") `);
    await q.query(`CREATE UNIQUE INDEX "pages_chain_key" ON "pages"  ("chain_key", "step", "recipient_user_id") `);
    await q.query(
      `CREATE TABLE "manager_on_call" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "manager_on_call_period" CHECK (ends_at > starts_at), CONSTRAINT "manager_on_call_no_overlap" EXCLUDE USING gist (tstzrange("starts_at", "ends_at") WITH &&), CONSTRAINT "PK_1c87da9e01fce2f4b9287d4ee4c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "manager_on_call_period_idx" ON "manager_on_call"  ("starts_at", "ends_at") `);
    await q.query(
      `ALTER TABLE "push_subscriptions" ADD CONSTRAINT "FK_6771f119f1c06d2ccf38f238664" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "FK_f9e6093517a83ee5ed760b11f8c" FOREIGN KEY ("recipient_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "FK_3bcd6f4bbbfb48b9ed1351eac99" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "pages" ADD CONSTRAINT "FK_9c00c166b872810056f8e4c1c5a" FOREIGN KEY ("acknowledged_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "manager_on_call" ADD CONSTRAINT "FK_2707f22596f5a1b7ebfc2170e4d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "manager_on_call" ADD CONSTRAINT "FK_e602212da0620350aff9d4582a2" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "manager_on_call" DROP CONSTRAINT "FK_e602212da0620350aff9d4582a2"`);
    await q.query(`ALTER TABLE "manager_on_call" DROP CONSTRAINT "FK_2707f22596f5a1b7ebfc2170e4d"`);
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "FK_9c00c166b872810056f8e4c1c5a"`);
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "FK_3bcd6f4bbbfb48b9ed1351eac99"`);
    await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "FK_f9e6093517a83ee5ed760b11f8c"`);
    await q.query(`ALTER TABLE "push_subscriptions" DROP CONSTRAINT "FK_6771f119f1c06d2ccf38f238664"`);
    await q.query(`DROP INDEX "public"."manager_on_call_period_idx"`);
    await q.query(`DROP TABLE "manager_on_call"`);
    await q.query(`DROP INDEX "public"."pages_chain_key"`);
    await q.query(`DROP INDEX "public"."pages_recipient_idx"`);
    await q.query(`DROP INDEX "public"."pages_push_due_idx"`);
    await q.query(`DROP INDEX "public"."pages_created_idx"`);
    await q.query(`DROP TABLE "pages"`);
    await q.query(`DROP INDEX "public"."push_subscriptions_endpoint_key"`);
    await q.query(`DROP INDEX "public"."push_subscriptions_user_idx"`);
    await q.query(`DROP TABLE "push_subscriptions"`);
  }
}
