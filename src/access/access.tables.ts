import type { ModuleTables } from '../database/table-ownership';

/** The tables the access module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['access_relationships', 'break_glass_sessions', 'review_alerts'],
  // What a decision on a person needs, read with another module's record in the same statement.
  sqlFragments: ['accessFactsSql'],
};
