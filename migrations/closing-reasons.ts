import { QueryRunner } from 'typeorm';

/**
 * The reasons a page or a notification may be closed for are a CHECK on each table. A migration that adds one writes
 * both checks from the list as it stood then (`before`), never from the code's list of now: a migration stays what it
 * was when it ran. Not a migration itself (its name has no timestamp, so it is not listed in index.ts).
 */
async function setChecks(q: QueryRunner, reasons: readonly string[]): Promise<void> {
  const list = reasons.map((r) => `'${r}'`).join(',');
  await q.query(`ALTER TABLE "pages" DROP CONSTRAINT "pages_closed_reason"`);
  await q.query(
    `ALTER TABLE "pages" ADD CONSTRAINT "pages_closed_reason" CHECK (closed_reason IS NULL OR (acknowledged_via = 'system' AND closed_reason IN (${list})))`,
  );
  await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_closed_reason"`);
  await q.query(
    `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_closed_reason" CHECK ((closed_at IS NULL) = (closed_reason IS NULL) AND (closed_reason IS NULL OR closed_reason IN (${list})))`,
  );
}

/** Up: `added` may close pages and notifications, besides the reasons `before`. */
export function addClosingReason(q: QueryRunner, before: readonly string[], added: string): Promise<void> {
  return setChecks(q, [...before, added]);
}

/** Down: the rows closed as `added` read as `readAs` again (a reason `before` had), and the checks are as they were. */
export async function removeClosingReason(q: QueryRunner, before: readonly string[], added: string, readAs: string): Promise<void> {
  await q.query(`UPDATE "pages" SET closed_reason = $1 WHERE closed_reason = $2`, [readAs, added]);
  await q.query(`UPDATE "notifications" SET closed_reason = $1 WHERE closed_reason = $2`, [readAs, added]);
  await setChecks(q, before);
}
