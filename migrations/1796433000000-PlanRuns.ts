import { MigrationInterface, QueryRunner } from 'typeorm';

export class PlanRuns1796433000000 implements MigrationInterface {
  name = 'PlanRuns1796433000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "rota_plan_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" text NOT NULL DEFAULT 'running', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "plan_id" uuid, "cancelled_by" uuid, "error" text, CONSTRAINT "rota_plan_runs_period" CHECK (ends_at > starts_at), CONSTRAINT "rota_plan_runs_status" CHECK (status IN ('running','done','failed','cancelled')), CONSTRAINT "PK_6468ea602f2442034e928e139d7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "rota_plan_runs_requested_idx" ON "rota_plan_runs"  ("requested_at") `);
    await q.query(`CREATE UNIQUE INDEX "rota_plan_runs_one_running" ON "rota_plan_runs"  ("status") WHERE status = 'running'`);
    await q.query(
      `ALTER TABLE "rota_plan_runs" ADD CONSTRAINT "FK_085ffa1327d582bf29cda90fa65" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rota_plan_runs" ADD CONSTRAINT "FK_75cd6bae79bfbe16e9fa09f756d" FOREIGN KEY ("plan_id") REFERENCES "rota_plans"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rota_plan_runs" ADD CONSTRAINT "FK_0f7bed3a1217abe67894d67d97a" FOREIGN KEY ("cancelled_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rota_plan_runs" DROP CONSTRAINT "FK_0f7bed3a1217abe67894d67d97a"`);
    await q.query(`ALTER TABLE "rota_plan_runs" DROP CONSTRAINT "FK_75cd6bae79bfbe16e9fa09f756d"`);
    await q.query(`ALTER TABLE "rota_plan_runs" DROP CONSTRAINT "FK_085ffa1327d582bf29cda90fa65"`);
    await q.query(`DROP INDEX "public"."rota_plan_runs_one_running"`);
    await q.query(`DROP INDEX "public"."rota_plan_runs_requested_idx"`);
    await q.query(`DROP TABLE "rota_plan_runs"`);
  }
}
