import type { ModuleTables } from '../database/table-ownership';

/** The tables the people module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['persons', 'relatives', 'nearest_relative_objections', 'nearest_relative_displacements'],
  sqlFragments: ['personSummarySql'],
};
