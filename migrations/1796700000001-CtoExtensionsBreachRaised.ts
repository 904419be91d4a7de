import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(8)). The lapse of a request for an AMHP's statement on extending a CTO (no
 * statement by the end of the day the CTO expired) is raised as a breach once, however long after the deadline the
 * warnings job first sees it: the job read only the requests that expired in the last 7 days, so one that lapsed while
 * the jobs were stopped for longer (an outage, a restored backup) was never raised. The job now reads the open
 * requests whose breach is not raised yet (`breach_raised_at` null), through a partial index that holds only those, so
 * its read stays as small as the requests still owed a warning, however many lapsed before. Requests already told of
 * their breach (a `cto-extension:<id>:breach` notification or page) are marked raised when it was first raised; any
 * other that lapsed is raised at the job's next run.
 */
export class CtoExtensionsBreachRaised1796700000001 implements MigrationInterface {
  name = 'CtoExtensionsBreachRaised1796700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cto_extensions" ADD COLUMN "breach_raised_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `UPDATE "cto_extensions" c SET breach_raised_at = raised.at
         FROM (SELECT subject_id, min(created_at) AS at FROM (
                 SELECT subject_id, created_at FROM "notifications" WHERE subject_type = 'cto-extension' AND dedup_key LIKE 'cto-extension:%:breach'
                 UNION ALL
                 SELECT subject_id, created_at FROM "pages" WHERE subject_type = 'cto-extension' AND chain_key LIKE 'cto-extension:%:breach') told
               GROUP BY subject_id) raised
        WHERE raised.subject_id = c.id::text`,
    );
    await q.query(
      `CREATE INDEX "cto_extensions_breach_due_idx" ON "cto_extensions" ("cto_expires_on")
         WHERE status IN ('received','allocated') AND breach_raised_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "cto_extensions_breach_due_idx"`);
    await q.query(`ALTER TABLE "cto_extensions" DROP COLUMN "breach_raised_at"`);
  }
}
