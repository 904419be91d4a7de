import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(3), (4), (8)). A request referred to the hub for an AMHP's written
 * statement on extending a community treatment order (the responsible clinician's examination, the order's current
 * expiry, the patient), its allocation to an AMHP, and the statement (agree or not, with reasons, signed under a current
 * approval), with what it leads to: whether the CTO is extended and the period the extension gives.
 */
export class CtoExtensions1796620100000 implements MigrationInterface {
  name = 'CtoExtensions1796620100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "cto_extensions" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "person_id" uuid NOT NULL REFERENCES "persons" ("id"),
         "responsible_clinician" text NOT NULL,
         "cto_made_on" date NOT NULL,
         "cto_expires_on" date NOT NULL,
         "rc_examined_on" date NOT NULL,
         "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         "status" text NOT NULL DEFAULT 'received',
         "allocated_user_id" uuid REFERENCES "users" ("id"),
         "allocated_at" TIMESTAMP WITH TIME ZONE,
         "decision" text,
         "reasons" text,
         "signed_at" TIMESTAMP WITH TIME ZONE,
         "signed_by" uuid REFERENCES "users" ("id"),
         "approval_id" uuid,
         "extended" boolean,
         "extended_period" jsonb,
         "findings" jsonb NOT NULL DEFAULT '[]',
         "version" integer NOT NULL DEFAULT 1,
         "created_by" uuid NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "cto_extensions_status" CHECK (status IN ('received','allocated','agreed','not-agreed')),
         CONSTRAINT "cto_extensions_decision" CHECK (decision IS NULL OR decision IN ('agree','disagree')),
         CONSTRAINT "cto_extensions_dates" CHECK (cto_expires_on >= cto_made_on),
         CONSTRAINT "cto_extensions_allocated" CHECK ((status = 'received') = (allocated_user_id IS NULL)),
         CONSTRAINT "cto_extensions_statement" CHECK (
           (status IN ('agreed','not-agreed')) = (decision IS NOT NULL AND reasons IS NOT NULL AND signed_at IS NOT NULL AND signed_by IS NOT NULL AND extended IS NOT NULL)
           AND (status <> 'agreed' OR (decision = 'agree' AND extended AND extended_period IS NOT NULL))
           AND (status <> 'not-agreed' OR (decision = 'disagree' AND NOT extended AND extended_period IS NULL))),
         CONSTRAINT "PK_cto_extensions" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "cto_extensions_open_idx" ON "cto_extensions" ("cto_expires_on") WHERE status IN ('received','allocated')`);
    await q.query(`CREATE INDEX "cto_extensions_person_idx" ON "cto_extensions" ("person_id")`);
    await q.query(
      `CREATE INDEX "cto_extensions_allocated_idx" ON "cto_extensions" ("allocated_user_id") WHERE allocated_user_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cto_extensions"`);
  }
}
