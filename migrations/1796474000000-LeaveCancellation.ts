import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: a cancellation of leave is recorded beside the decision on it, no longer over it (ROTA-WORKED): the
 * approval's who, when and note stay on the record once the leave is cancelled. Leave cancelled before this kept the
 * canceller in decided_*: moved to cancelled_*, and the approval (or decline) put back from the audit trail where it
 * is there (otherwise left empty: it was overwritten).
 */
export class LeaveCancellation1796474000000 implements MigrationInterface {
  name = 'LeaveCancellation1796474000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "leave_requests" ADD "cancelled_by" uuid, ADD "cancelled_at" TIMESTAMP WITH TIME ZONE, ADD "cancellation_note" text`,
    );
    await q.query(
      `ALTER TABLE "leave_requests" ADD CONSTRAINT "FK_6fe9eadf188865e7309c801a3ed" FOREIGN KEY ("cancelled_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `UPDATE "leave_requests" l
          SET "cancelled_by" = l.decided_by, "cancelled_at" = l.decided_at, "cancellation_note" = l.decision_note,
              "decided_by" = d.actor_id, "decided_at" = d.occurred_at, "decision_note" = NULL
         FROM (SELECT x.id, (SELECT a.actor_id FROM "audit_events" a
                              WHERE a.resource_type = 'leave-request' AND a.resource_id = x.id::text AND a.outcome = 'success'
                                AND a.action IN ('rota.leave.approve', 'rota.leave.decline') ORDER BY a.id DESC LIMIT 1) AS actor_id,
                             (SELECT a.occurred_at FROM "audit_events" a
                              WHERE a.resource_type = 'leave-request' AND a.resource_id = x.id::text AND a.outcome = 'success'
                                AND a.action IN ('rota.leave.approve', 'rota.leave.decline') ORDER BY a.id DESC LIMIT 1) AS occurred_at
                 FROM "leave_requests" x WHERE x.status = 'cancelled') d
        WHERE d.id = l.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "leave_requests" SET "decided_by" = "cancelled_by", "decided_at" = "cancelled_at", "decision_note" = "cancellation_note" WHERE "cancelled_at" IS NOT NULL AND status = 'cancelled'`,
    );
    await q.query(`ALTER TABLE "leave_requests" DROP CONSTRAINT "FK_6fe9eadf188865e7309c801a3ed"`);
    await q.query(`ALTER TABLE "leave_requests" DROP COLUMN "cancellation_note", DROP COLUMN "cancelled_at", DROP COLUMN "cancelled_by"`);
  }
}
