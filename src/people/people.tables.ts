import type { ModuleTables } from '../database/table-ownership';

/** The tables the people module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['persons', 'person_matches', 'relatives', 'nearest_relative_objections', 'nearest_relative_displacements'],
  sqlFragments: ['personSummarySql', 'personExistsSql'],
};

/** SQL fragment for another module's query: a person with the id `id` (an SQL expression, e.g. `$1`) is on record. */
export const personExistsSql = (id: string): string => `EXISTS (SELECT 1 FROM persons WHERE persons.id = ${id})`;
