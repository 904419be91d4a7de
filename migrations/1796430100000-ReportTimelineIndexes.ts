import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (INCLUDE is beyond the entity decorators, which declare these indexes with synchronize: false): a
 * covering index on each timeline, so that the report views' one pass over a referral's or an assessment's events
 * (migration ReportViewsOnePass) is an index-only scan of a few adjacent index entries instead of a heap page per
 * event. An assessment event's `data` is included for the bed's area and the conveyance's mode (a few bytes: the
 * event's codes, never free text, which is in `note`). Plans that change (bench/README.md, P5): the aggregates of
 * report_referral_steps over referral_events and assessment_events, and of report_assessment_ops over
 * assessment_events, and report_assessments' last delay reason, from Bitmap Heap Scans (and an Index Scan Backward
 * with a filter) to Index Only Scans; and the applications signed in a window (beds and conveyance: those waiting at
 * the end of the period), from every assessment's timeline to an Index Scan of the few signed then.
 */
export class ReportTimelineIndexes1796430100000 implements MigrationInterface {
  name = 'ReportTimelineIndexes1796430100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "referral_events_steps_idx" ON "referral_events" ("referral_id", "at", "id") INCLUDE ("type")`);
    await q.query(
      `CREATE INDEX "assessment_events_steps_idx" ON "assessment_events" ("assessment_id", "at", "id") INCLUDE ("type", "delay_reason", "data")`,
    );
    await q.query(
      `CREATE INDEX "assessment_events_application_signed_idx" ON "assessment_events" ("at") WHERE type = 'application-signed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."assessment_events_application_signed_idx"`);
    await q.query(`DROP INDEX "public"."assessment_events_steps_idx"`);
    await q.query(`DROP INDEX "public"."referral_events_steps_idx"`);
  }
}
