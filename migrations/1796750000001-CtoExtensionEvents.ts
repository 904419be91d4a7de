import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(4), (8)). A request for an AMHP's statement on extending a CTO keeps the
 * steps it went through, each written in the transaction of its change: received, allocated (to `amhp_user_id`),
 * reallocated (to another), statement-made, withdrawn (with its `reason`), breach-raised (the lapse told, by the
 * service: no actor). When each happened is the service's clock, except a request's receipt, which is when it reached
 * the hub (`received_at`). Its lapse is not a step stored: it is the end of the day the CTO expired, as the request's
 * read says.
 *
 * The requests there before get the steps their columns show, at the times they hold: received (`received_at`, by
 * `created_by`), allocated (the last allocation only, `allocated_at`, to `allocated_user_id`; who allocated it was not
 * kept, so no actor), statement-made (`signed_at`, by `signed_by`: when it was recorded was not kept), withdrawn
 * (`withdrawn_at`, by `withdrawn_by`, `withdrawn_reason`) and breach-raised (`breach_raised_at`).
 */
export class CtoExtensionEvents1796750000001 implements MigrationInterface {
  name = 'CtoExtensionEvents1796750000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "cto_extension_events" (
         "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
         "cto_extension_id" uuid NOT NULL REFERENCES "cto_extensions" ("id") ON DELETE CASCADE,
         "type" text NOT NULL,
         "at" TIMESTAMP WITH TIME ZONE NOT NULL,
         "actor_id" uuid REFERENCES "users" ("id"),
         "amhp_user_id" uuid REFERENCES "users" ("id"),
         "reason" text,
         CONSTRAINT "cto_extension_events_type" CHECK (type IN ('received','allocated','reallocated','statement-made','withdrawn','breach-raised')),
         CONSTRAINT "cto_extension_events_amhp" CHECK ((type IN ('allocated','reallocated')) = (amhp_user_id IS NOT NULL)),
         CONSTRAINT "cto_extension_events_reason" CHECK ((type = 'withdrawn') = (reason IS NOT NULL)),
         CONSTRAINT "PK_cto_extension_events" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "cto_extension_events_request_idx" ON "cto_extension_events" ("cto_extension_id", "at", "id")`);
    await q.query(
      `INSERT INTO "cto_extension_events" (cto_extension_id, type, at, actor_id, amhp_user_id, reason)
       SELECT s.* FROM (
         SELECT id, 'received', received_at, created_by, NULL::uuid, NULL::text FROM "cto_extensions"
         UNION ALL
         SELECT id, 'allocated', allocated_at, NULL, allocated_user_id, NULL FROM "cto_extensions" WHERE allocated_at IS NOT NULL
         UNION ALL
         SELECT id, 'statement-made', signed_at, signed_by, NULL, NULL FROM "cto_extensions" WHERE signed_at IS NOT NULL
         UNION ALL
         SELECT id, 'withdrawn', withdrawn_at, withdrawn_by, NULL, withdrawn_reason FROM "cto_extensions" WHERE withdrawn_at IS NOT NULL
         UNION ALL
         SELECT id, 'breach-raised', breach_raised_at, NULL, NULL, NULL FROM "cto_extensions" WHERE breach_raised_at IS NOT NULL
       ) s (id, type, at, actor_id, amhp_user_id, reason)
       ORDER BY s.at, CASE s.type WHEN 'received' THEN 0 WHEN 'allocated' THEN 1 ELSE 2 END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cto_extension_events"`);
  }
}
