import type { ModuleTables } from '../database/table-ownership';

/** The tables the events module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['outbox_events', 'published_events'],
  sharedViews: ['published_events'],
};

/**
 * SQL: the outbox's horizon, below which its events can be delivered. Every consumer of published_events (the live
 * stream, its replay on resume, webhook fan-out) delivers events in the order (xact_id, id) and only those with
 * xact_id below this: the xmin of the statement's snapshot, the oldest transaction still running. An event's id is
 * taken when its row is inserted, but the row is seen only when its transaction commits, so by id alone an event can
 * appear behind one already delivered (A takes id 10, B takes 11 and commits, 11 is delivered, A commits: a consumer
 * going on after 11 never sees 10). A transaction still running writes after the horizon in that order, whatever
 * ids it took, so a place in the order, once reached, can never be overtaken (migration OutboxCommitOrder).
 * Read in the same statement as the events it bounds, so that both come from one snapshot. The cost: an event waits
 * while any older transaction that wrote (on any database of the server) is still open.
 */
export const OUTBOX_HORIZON_SQL = `pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
