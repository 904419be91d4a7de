/**
 * One owner per table. Each module with tables declares them in `src/<module>/<module>.tables.ts` as `TABLES`; only
 * that module's code reads or writes them. Another module asks the owner's service, or embeds a view or SQL fragment
 * the owner exports by name for it. src/database/table-ownership.spec.ts scans the SQL in the code and the migrations
 * and fails on a table read or written by a module that does not own it, or owned by no module or by two.
 */
export interface ModuleTables {
  /** Tables (and views) created by the migrations that this module alone reads and writes. */
  readonly owns: readonly string[];
  /** Owned views that other modules may read: each documented in the migration that creates it. */
  readonly sharedViews?: readonly string[];
  /**
   * Exported functions (or consts) of this module that return SQL over its tables, for another module to embed in its
   * own query where a join is the right tool (one round trip, one plan). The only SQL of a module another may import.
   */
  readonly sqlFragments?: readonly string[];
}
