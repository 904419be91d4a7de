import { MigrationInterface, QueryRunner } from 'typeorm';

export class Alerts1795249647521 implements MigrationInterface {
  name = 'Alerts1795249647521';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" text NOT NULL, "severity" text NOT NULL DEFAULT 'warning', "title" text NOT NULL, "body" text, "link" text, "subject_type" text, "subject_id" text, "dedup_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "notifications_severity" CHECK (severity IN ('info','warning','urgent')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "notifications_unread_idx" ON "notifications"  ("user_id", "created_at") WHERE read_at IS NULL`);
    await q.query(`CREATE INDEX "notifications_inbox_idx" ON "notifications"  ("user_id", "created_at") `);
    await q.query(`CREATE UNIQUE INDEX "notifications_dedup_key" ON "notifications"  ("user_id", "dedup_key") `);
    await q.query(
      `CREATE TABLE "job_runs" ("job" text NOT NULL, "run_key" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "outcome" text, "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "job_runs_outcome" CHECK (outcome IS NULL OR outcome IN ('succeeded','failed')), CONSTRAINT "PK_0c13c20516894ed6dabe9829037" PRIMARY KEY ("job", "run_key"))`,
    );
    await q.query(
      `CREATE TABLE "outbox_cursors" ("consumer" text NOT NULL, "last_event_id" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_06d9e63435f871afb256f94b3d7" PRIMARY KEY ("consumer"))`,
    );
    await q.query(
      `CREATE TABLE "webhook_subscriptions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" text NOT NULL, "event_types" text array NOT NULL, "secret" text NOT NULL, "description" text, "allow_person_data" boolean NOT NULL DEFAULT false, "active" boolean NOT NULL DEFAULT true, "consecutive_failures" integer NOT NULL DEFAULT '0', "disabled_at" TIMESTAMP WITH TIME ZONE, "disabled_reason" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_bf631ae77d39849d599817fb6f4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "webhook_subscriptions_active_idx" ON "webhook_subscriptions"  ("active") `);
    await q.query(
      `CREATE TABLE "webhook_deliveries" ("id" BIGSERIAL NOT NULL, "subscription_id" uuid NOT NULL, "event_id" bigint NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_status_code" integer, "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "webhook_deliveries_status" CHECK (status IN ('pending','delivered','failed','abandoned')), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"  ("next_attempt_at") WHERE status = 'pending'`);
    await q.query(`CREATE UNIQUE INDEX "webhook_deliveries_event_key" ON "webhook_deliveries"  ("subscription_id", "event_id") `);
    await q.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "FK_9a8a82462cab47c73d25f49261f" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "FK_14b3f82f583acc3d608ed70c374" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_23eb2b6ae801c52cfb79a556b8a" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_27d1ee90033bdafe0ffe8f1be6f" FOREIGN KEY ("event_id") REFERENCES "outbox_events"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Written by hand: every committed outbox event is announced on the 'amhp_outbox' channel (its id), so the event
    // stream on every replica wakes at once (LISTEN/NOTIFY delivers at commit, never for a rollback).
    await q.query(
      `CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('amhp_outbox', NEW.id::text); RETURN NEW; END $$`,
    );
    await q.query(`CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_events_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER outbox_events_notify ON outbox_events`);
    await q.query(`DROP FUNCTION outbox_events_notify()`);
    await q.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_27d1ee90033bdafe0ffe8f1be6f"`);
    await q.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_23eb2b6ae801c52cfb79a556b8a"`);
    await q.query(`ALTER TABLE "webhook_subscriptions" DROP CONSTRAINT "FK_14b3f82f583acc3d608ed70c374"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "FK_9a8a82462cab47c73d25f49261f"`);
    await q.query(`DROP INDEX "public"."webhook_deliveries_event_key"`);
    await q.query(`DROP INDEX "public"."webhook_deliveries_due_idx"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP INDEX "public"."webhook_subscriptions_active_idx"`);
    await q.query(`DROP TABLE "webhook_subscriptions"`);
    await q.query(`DROP TABLE "outbox_cursors"`);
    await q.query(`DROP TABLE "job_runs"`);
    await q.query(`DROP INDEX "public"."notifications_dedup_key"`);
    await q.query(`DROP INDEX "public"."notifications_inbox_idx"`);
    await q.query(`DROP INDEX "public"."notifications_unread_idx"`);
    await q.query(`DROP TABLE "notifications"`);
  }
}
