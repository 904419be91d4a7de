import { MigrationInterface, QueryRunner } from 'typeorm';

export class ForeignKeys1795238475027 implements MigrationInterface {
  name = 'ForeignKeys1795238475027';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "access_relationships" ADD CONSTRAINT "FK_921502af9af4b4ba1705240ac41" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "break_glass_sessions" ADD CONSTRAINT "FK_03d564928f5a6d95fb126e91e46" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "review_alerts" ADD CONSTRAINT "FK_8ea9d8d934093181e32db0198d1" FOREIGN KEY ("raised_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "review_alerts" ADD CONSTRAINT "FK_35c22909b56836a41ea82a0a136" FOREIGN KEY ("reviewed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"`);
    await q.query(`ALTER TABLE "review_alerts" DROP CONSTRAINT "FK_35c22909b56836a41ea82a0a136"`);
    await q.query(`ALTER TABLE "review_alerts" DROP CONSTRAINT "FK_8ea9d8d934093181e32db0198d1"`);
    await q.query(`ALTER TABLE "break_glass_sessions" DROP CONSTRAINT "FK_03d564928f5a6d95fb126e91e46"`);
    await q.query(`ALTER TABLE "access_relationships" DROP CONSTRAINT "FK_921502af9af4b4ba1705240ac41"`);
  }
}
