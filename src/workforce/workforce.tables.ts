import type { ModuleTables } from '../database/table-ownership';

/** The tables the workforce module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['practitioners', 'approvals', 'approval_suspensions', 'training_records', 'training_year_decisions', 'practitioner_directory'],
  sharedViews: ['practitioner_directory'],
  sqlFragments: ['practitionerUserIdSql', 'practitionerSeqSql'],
};

/** SQL fragment for another module's query: the user account of the practitioner `id` (an SQL expression), or NULL. */
export const practitionerUserIdSql = (id: string): string => `(SELECT pu.user_id FROM practitioners pu WHERE pu.id = ${id})`;

/**
 * SQL fragment for another module's query: the order the practitioner `id` (an SQL expression) was recorded in (seq,
 * a bigint), what breaks a tie of names in a list of practitioners (the supervision overview, the planner), never the
 * random id.
 */
export const practitionerSeqSql = (id: string): string => `(SELECT ps.seq FROM practitioners ps WHERE ps.id = ${id})`;
