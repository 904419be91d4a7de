import type { ModuleTables } from '../database/table-ownership';

/** The tables the workforce module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['practitioners', 'approvals', 'approval_suspensions', 'training_records', 'practitioner_directory'],
  sharedViews: ['practitioner_directory'],
};
