import { MigrationInterface, QueryRunner } from 'typeorm';

export class ObjectorAndNominatedPerson1796412936597 implements MigrationInterface {
  name = 'ObjectorAndNominatedPerson1796412936597';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "nominated_persons" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "name" text NOT NULL, "relative_id" uuid, "appointed_on" date NOT NULL, "appointed_by" text NOT NULL, "method" text NOT NULL, "ended_on" date, "end_reason" text, "version" integer NOT NULL DEFAULT '1', "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "nominated_persons_ended" CHECK (ended_on IS NULL OR ended_on >= appointed_on), CONSTRAINT "nominated_persons_appointed_by" CHECK (appointed_by IN ('patient','amhp','court')), CONSTRAINT "PK_7905e6e5a3dff468ea106e92c44" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "nominated_persons_person_idx" ON "nominated_persons"  ("person_id", "appointed_on") `);
    await q.query(`ALTER TABLE "nearest_relative_objections" ADD "objector_kind" text NOT NULL DEFAULT 'not-recorded'`);
    // Written by hand: an objection recorded with a relative was recorded as that relative's (NR-14).
    await q.query(`UPDATE "nearest_relative_objections" SET "objector_kind" = 'relative' WHERE "relative_id" IS NOT NULL`);
    await q.query(`ALTER TABLE "nearest_relative_objections" ADD "delegate_name" text`);
    await q.query(`ALTER TABLE "nearest_relative_objections" ADD "displacement_id" uuid`);
    await q.query(`ALTER TABLE "nearest_relative_objections" ADD "nominated_person_id" uuid`);
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "nr_objections_objector_kind" CHECK (objector_kind IN ('relative','acting-nearest-relative','delegate','nominated-person','not-recorded'))`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "FK_a0073ee8f61657341a5a8011b44" FOREIGN KEY ("displacement_id") REFERENCES "nearest_relative_displacements"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nearest_relative_objections" ADD CONSTRAINT "FK_b31fd7eb6cf51bac00e8374144d" FOREIGN KEY ("nominated_person_id") REFERENCES "nominated_persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nominated_persons" ADD CONSTRAINT "FK_c9a33da3c9ca6c922bf854dabf2" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nominated_persons" ADD CONSTRAINT "FK_f1266366898246c739317c44e1d" FOREIGN KEY ("relative_id") REFERENCES "relatives"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "nominated_persons" ADD CONSTRAINT "FK_2be0140f80b4e5727b90e8a8e91" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "nominated_persons" DROP CONSTRAINT "FK_2be0140f80b4e5727b90e8a8e91"`);
    await q.query(`ALTER TABLE "nominated_persons" DROP CONSTRAINT "FK_f1266366898246c739317c44e1d"`);
    await q.query(`ALTER TABLE "nominated_persons" DROP CONSTRAINT "FK_c9a33da3c9ca6c922bf854dabf2"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "FK_b31fd7eb6cf51bac00e8374144d"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "FK_a0073ee8f61657341a5a8011b44"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP CONSTRAINT "nr_objections_objector_kind"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP COLUMN "nominated_person_id"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP COLUMN "displacement_id"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP COLUMN "delegate_name"`);
    await q.query(`ALTER TABLE "nearest_relative_objections" DROP COLUMN "objector_kind"`);
    await q.query(`DROP INDEX "public"."nominated_persons_person_idx"`);
    await q.query(`DROP TABLE "nominated_persons"`);
  }
}
