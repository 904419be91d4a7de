import type { ModuleTables } from '../database/table-ownership';

/** The tables the access module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['access_relationships', 'break_glass_sessions', 'review_alerts'],
  // What a decision on a person needs, read with another module's record in the same statement.
  sqlFragments: ['accessFactsSql', 'liveRelationshipSql', 'holdersOfLiveRelationshipsSql'],
};

/**
 * SQL fragment for another module's query: the user `user` holds a relationship of `kind` from the source `source`
 * (SQL expressions; the source id as text) still live at `at`.
 */
export const liveRelationshipSql = (kind: string, source: string, user: string, at: string): string =>
  `EXISTS (SELECT 1 FROM access_relationships lr WHERE lr.source_type = ${kind} AND lr.source_id = ${source}
             AND lr.user_id = ${user} AND (lr.valid_to IS NULL OR lr.valid_to > ${at}))`;

/** SQL fragment for another module's query: a SELECT of the user ids holding a relationship of `kind` live at `at`. */
export const holdersOfLiveRelationshipsSql = (kind: string, at: string): string =>
  `SELECT hr.user_id FROM access_relationships hr WHERE hr.source_type = ${kind} AND (hr.valid_to IS NULL OR hr.valid_to > ${at})`;
