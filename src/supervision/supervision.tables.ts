import type { ModuleTables } from '../database/table-ownership';

/** The tables the supervision module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['supervision_sessions', 'supervision_actions', 'appraisals', 'practice_audits'],
};
