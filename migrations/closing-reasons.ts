import { QueryRunner } from 'typeorm';

/**
 * The reasons a page or a notification may be closed for are a CHECK on each table. Their history is kept here once:
 * the reasons the tables were made with, then each reason in the order a migration added it. A migration writes the
 * checks from the history up to itself, never from the code's list of now (src/events/catalogue.ts CLOSED_REASONS),
 * so it stays what it was when it ran; a new reason is appended, never inserted. Not a migration itself (its name has
 * no timestamp, so it is not listed in index.ts).
 */
export const FIRST_CLOSING_REASONS = ['accepted-by-another', 'allocated', 'referral-ended', 'amhp-not-eligible', 'reallocated'] as const;
export const ADDED_CLOSING_REASONS = [
  'offered-again',
  'deadline-moved',
  'left-police-station',
  'not-under-18',
  'statement-made',
  'request-withdrawn',
] as const;
type Added = (typeof ADDED_CLOSING_REASONS)[number];

/** The reasons there were before the migration that added `added`. */
function reasonsBefore(added: Added): string[] {
  return [...FIRST_CLOSING_REASONS, ...ADDED_CLOSING_REASONS.slice(0, ADDED_CLOSING_REASONS.indexOf(added))];
}

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

/** Up: `added` may close pages and notifications, besides the reasons before it. */
export function addClosingReason(q: QueryRunner, added: Added): Promise<void> {
  return setChecks(q, [...reasonsBefore(added), added]);
}

/** Down: the rows closed as `added` read as `readAs` again (a reason there was before it), and the checks are as they were. */
export async function removeClosingReason(q: QueryRunner, added: Added, readAs: string): Promise<void> {
  await q.query(`UPDATE "pages" SET closed_reason = $1 WHERE closed_reason = $2`, [readAs, added]);
  await q.query(`UPDATE "notifications" SET closed_reason = $1 WHERE closed_reason = $2`, [readAs, added]);
  await setChecks(q, reasonsBefore(added));
}
