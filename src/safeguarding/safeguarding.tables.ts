import type { ModuleTables } from '../database/table-ownership';

/** The tables the safeguarding module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['decisions', 'decision_amendments', 'follow_up_actions', 'handovers', 'handover_items'],
};
