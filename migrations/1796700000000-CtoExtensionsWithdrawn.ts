import { MigrationInterface, QueryRunner } from 'typeorm';
import { addClosingReason, removeClosingReason } from './closing-reasons';

/**
 * Written by hand: CTO-04 (MHA 1983 s.20A(4), (8)). A request for an AMHP's statement on extending a CTO may be
 * withdrawn before the statement is made (the responsible clinician is not extending it, the CTO was revoked or the
 * patient discharged, it was made in error, or another reason given in a note): status `withdrawn`, with when, by whom,
 * the reason (the list as it was when this ran: src/statute/cto-extension.rules.ts holds it now) and the note. Its
 * deadline's pages and notifications are then closed as `request-withdrawn`.
 */
export class CtoExtensionsWithdrawn1796700000000 implements MigrationInterface {
  name = 'CtoExtensionsWithdrawn1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "cto_extensions" ADD COLUMN "withdrawn_at" TIMESTAMP WITH TIME ZONE, ADD COLUMN "withdrawn_by" uuid REFERENCES "users" ("id"),
         ADD COLUMN "withdrawn_reason" text, ADD COLUMN "withdrawn_note" text`,
    );
    await q.query(`ALTER TABLE "cto_extensions" DROP CONSTRAINT "cto_extensions_status"`);
    await q.query(
      `ALTER TABLE "cto_extensions" ADD CONSTRAINT "cto_extensions_status" CHECK (status IN ('received','allocated','agreed','not-agreed','withdrawn'))`,
    );
    // Withdrawn from either open status: allocated to an AMHP or not.
    await q.query(`ALTER TABLE "cto_extensions" DROP CONSTRAINT "cto_extensions_allocated"`);
    await q.query(
      `ALTER TABLE "cto_extensions" ADD CONSTRAINT "cto_extensions_allocated" CHECK (
         status = 'withdrawn' OR (status = 'received') = (allocated_user_id IS NULL))`,
    );
    await q.query(
      `ALTER TABLE "cto_extensions" ADD CONSTRAINT "cto_extensions_withdrawn" CHECK (
         (status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL AND withdrawn_reason IS NOT NULL)
         AND (withdrawn_reason IS NULL OR withdrawn_reason IN ('not-extending','cto-revoked','discharged','made-in-error','other'))
         AND (withdrawn_reason IS DISTINCT FROM 'other' OR withdrawn_note IS NOT NULL)
         AND (status = 'withdrawn' OR withdrawn_note IS NULL))`,
    );
    await addClosingReason(q, 'request-withdrawn');
  }

  /**
   * Refused while any request is withdrawn: the schema before this has no status that says a request is closed without
   * the AMHP's statement (agreed and not-agreed each need one), so a withdrawn request could only read as open again,
   * received or allocated, and the warnings job would then warn, page and raise its breach as if it were still owed a
   * statement. The error names how many are withdrawn; nothing is changed.
   */
  async down(q: QueryRunner): Promise<void> {
    const [{ n }]: Array<{ n: number }> = await q.query(`SELECT count(*)::int AS n FROM "cto_extensions" WHERE status = 'withdrawn'`);
    if (n > 0)
      throw new Error(
        `CtoExtensionsWithdrawn1796700000000 cannot be rolled back: ${n} CTO extension request${n === 1 ? ' is' : 's are'} withdrawn, and the schema before it has no closed status for ${n === 1 ? 'it' : 'them'} (${n === 1 ? 'it' : 'they'} would read as open again, and be warned of, paged and raised as lapsed). Nothing was changed.`,
      );
    // No request is withdrawn, so none was closed as request-withdrawn; any such row reads as before, no longer hers.
    await removeClosingReason(q, 'request-withdrawn', 'reallocated');
    await q.query(`ALTER TABLE "cto_extensions" DROP CONSTRAINT "cto_extensions_withdrawn"`);
    await q.query(`ALTER TABLE "cto_extensions" DROP CONSTRAINT "cto_extensions_allocated"`);
    await q.query(
      `ALTER TABLE "cto_extensions" ADD CONSTRAINT "cto_extensions_allocated" CHECK ((status = 'received') = (allocated_user_id IS NULL))`,
    );
    await q.query(`ALTER TABLE "cto_extensions" DROP CONSTRAINT "cto_extensions_status"`);
    await q.query(
      `ALTER TABLE "cto_extensions" ADD CONSTRAINT "cto_extensions_status" CHECK (status IN ('received','allocated','agreed','not-agreed'))`,
    );
    await q.query(
      `ALTER TABLE "cto_extensions" DROP COLUMN "withdrawn_at", DROP COLUMN "withdrawn_by", DROP COLUMN "withdrawn_reason",
         DROP COLUMN "withdrawn_note"`,
    );
  }
}
