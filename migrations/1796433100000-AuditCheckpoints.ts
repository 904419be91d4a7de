import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditCheckpoints1796433100000 implements MigrationInterface {
  name = 'AuditCheckpoints1796433100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_checkpoints" ("lane" smallint NOT NULL, "last_id" bigint NOT NULL, "last_hash" text NOT NULL, "events" bigint NOT NULL, "prev_id" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "signature" text NOT NULL, CONSTRAINT "PK_5590d6e1a9c2557a7ce8d934227" PRIMARY KEY ("lane", "last_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_verifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" text NOT NULL DEFAULT 'running', "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "events_total" bigint NOT NULL DEFAULT '0', "events_checked" bigint NOT NULL DEFAULT '0', "checkpoints_checked" integer NOT NULL DEFAULT '0', "valid" boolean, "breaks" jsonb, "error" text, CONSTRAINT "audit_verifications_status" CHECK (status IN ('running','done','failed')), CONSTRAINT "PK_b0d662ddbb3679bb08f61a6e4d4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "audit_verifications_one_running" ON "audit_verifications"  ("status") WHERE status = 'running'`);
    await q.query(
      `ALTER TABLE "audit_verifications" ADD CONSTRAINT "FK_bf98a9db1462a2c3493255090d2" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_verifications" DROP CONSTRAINT "FK_bf98a9db1462a2c3493255090d2"`);
    await q.query(`DROP INDEX "public"."audit_verifications_one_running"`);
    await q.query(`DROP TABLE "audit_verifications"`);
    await q.query(`DROP TABLE "audit_checkpoints"`);
  }
}
