import type { ModuleTables } from '../database/table-ownership';

/** The tables the doctors module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['doctors', 'doctor_approvals'],
};
