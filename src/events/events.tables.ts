import type { ModuleTables } from '../database/table-ownership';

/** The tables the events module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['outbox_events', 'published_events'],
  sharedViews: ['published_events'],
};

/**
 * SQL (a scalar subquery): the outbox's horizon, below which its events can be delivered. Every consumer of
 * published_events (the live stream, its replay on resume, webhook fan-out) delivers events in the order
 * (xact_id, id) and only those with xact_id below this: the oldest transaction still running on this database, as
 * the statement's snapshot sees it. An event's id is taken when its row is inserted, but the row is seen only when
 * its transaction commits, so by id alone an event can appear behind one already delivered (A takes id 10, B takes
 * 11 and commits, 11 is delivered, A commits: a consumer going on after 11 never sees 10). A transaction still
 * running writes after the horizon in that order, whatever ids it took, so a place in the order, once reached, can
 * never be overtaken (migration OutboxCommitOrder).
 *
 * The snapshot's transactions in progress (pg_snapshot_xip, and every id from its xmax on) are all counted but those
 * that pg_stat_activity shows, at that moment, as the transaction of a session on another database of the server,
 * which can never write this outbox; what cannot be placed so (a session that has just ended, a prepared transaction,
 * a column hidden from this role) is counted, so the horizon errs only towards waiting. So another database's long
 * transaction (a CREATE DATABASE copying a template, a migration of another application) does not hold this one's
 * events back, as pg_snapshot_xmin alone would. Read in the same statement as the events it bounds, so that both come
 * from one snapshot. Other databases' transactions are read from pg_stat_activity once a statement (an uncorrelated
 * ARRAY, not a lookup for each transaction running: that read is the horizon's dearest part), and only when a
 * transaction is running at all. The cost: an event waits while an older transaction of this database that wrote is
 * still open.
 */
export const OUTBOX_HORIZON_SQL = `(SELECT coalesce(
    (SELECT min(running) FROM pg_snapshot_xip(snap) AS running
      WHERE running::xid <> ALL (ARRAY(SELECT elsewhere.backend_xid FROM pg_stat_activity elsewhere
                                        WHERE elsewhere.backend_xid IS NOT NULL AND elsewhere.datname IS DISTINCT FROM current_database()))),
    pg_snapshot_xmax(snap))::text::bigint
  FROM pg_current_snapshot() AS snap)`;
