import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the approving authority's decision that an AMHP may go on acting although a completed approval year
 * ended short of the refresher training its conditions require (AMHP-06, SI 2008/1206 reg 5(a)). Without one, a short
 * completed year blocks her on the rota and in every AMHP action; with one, it is a warning naming the decision. One
 * decision per approval year, kept with the approval (removed with it).
 */
export class TrainingYearDecisions1796456000000 implements MigrationInterface {
  name = 'TrainingYearDecisions1796456000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "training_year_decisions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "approval_id" uuid NOT NULL,
      "year" integer NOT NULL,
      "decided_on" date NOT NULL,
      "reason" text NOT NULL,
      "created_by" uuid NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_training_year_decisions" PRIMARY KEY ("id"),
      CONSTRAINT "training_year_decisions_year" CHECK ("year" >= 1),
      CONSTRAINT "UQ_training_year_decisions_approval_year" UNIQUE ("approval_id", "year"),
      CONSTRAINT "FK_training_year_decisions_approval" FOREIGN KEY ("approval_id") REFERENCES "approvals"("id") ON DELETE CASCADE,
      CONSTRAINT "FK_training_year_decisions_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "training_year_decisions"`);
  }
}
