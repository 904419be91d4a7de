import type { ModuleTables } from '../database/table-ownership';

/** The tables the workforce module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['practitioners', 'approvals', 'approval_suspensions', 'training_records', 'training_year_decisions', 'practitioner_directory'],
  sharedViews: ['practitioner_directory'],
  sqlFragments: ['practitionerUserIdSql'],
};

/** SQL fragment for another module's query: the user account of the practitioner `id` (an SQL expression), or NULL. */
export const practitionerUserIdSql = (id: string): string => `(SELECT pu.user_id FROM practitioners pu WHERE pu.id = ${id})`;
