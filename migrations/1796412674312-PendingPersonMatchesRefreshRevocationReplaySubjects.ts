import { MigrationInterface, QueryRunner } from 'typeorm';

export class PendingPersonMatchesRefreshRevocationReplaySubjects1796412674312 implements MigrationInterface {
  name = 'PendingPersonMatchesRefreshRevocationReplaySubjects1796412674312';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_matches" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "pending_person_id" uuid NOT NULL, "candidate_person_id" uuid NOT NULL, "nhs_number" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_by" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "person_matches_nhs_number" CHECK (nhs_number ~ '^[0-9]{10}$'), CONSTRAINT "person_matches_status" CHECK (status IN ('pending','same-person','different-person')), CONSTRAINT "PK_27a3da5769f35c66ca48644e0c3" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "person_matches_status_idx" ON "person_matches"  ("status", "requested_at") `);
    await q.query(`CREATE UNIQUE INDEX "person_matches_pending_person_key" ON "person_matches"  ("pending_person_id") `);
    await q.query(`ALTER TABLE "refresh_tokens" ADD "revoked_reason" text`);
    await q.query(`ALTER TABLE "idempotency_keys" ADD "subject_person_ids" uuid array NOT NULL DEFAULT '{}'`);
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "FK_af55108becce9f32cd384645884" FOREIGN KEY ("pending_person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "FK_7cadb471d5c11db7808ab10b23c" FOREIGN KEY ("candidate_person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "FK_60544cd6411f798d057a64aabed" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "person_matches" ADD CONSTRAINT "FK_c7aae0b7549854e1b07db60d596" FOREIGN KEY ("resolved_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "FK_c7aae0b7549854e1b07db60d596"`);
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "FK_60544cd6411f798d057a64aabed"`);
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "FK_7cadb471d5c11db7808ab10b23c"`);
    await q.query(`ALTER TABLE "person_matches" DROP CONSTRAINT "FK_af55108becce9f32cd384645884"`);
    await q.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "subject_person_ids"`);
    await q.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "revoked_reason"`);
    await q.query(`DROP INDEX "public"."person_matches_pending_person_key"`);
    await q.query(`DROP INDEX "public"."person_matches_status_idx"`);
    await q.query(`DROP TABLE "person_matches"`);
  }
}
