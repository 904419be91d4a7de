import type { ModuleTables } from '../database/table-ownership';

/** The tables the people module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['persons', 'person_matches', 'relatives', 'nominated_persons', 'nearest_relative_objections', 'nearest_relative_displacements'],
  sqlFragments: ['personSummarySql', 'personExistsSql', 's29ApplicationsSql'],
};

/** SQL fragment for another module's query: a person with the id `id` (an SQL expression, e.g. `$1`) is on record. */
export const personExistsSql = (id: string): string => `EXISTS (SELECT 1 FROM persons WHERE persons.id = ${id})`;

/**
 * SQL fragment for another module's query: the person's (`personId`, an SQL expression) s.29 applications on ground (c)
 * or (d), a JSON array of {filedAt, status, disposedOn} in filing order, `[]` if none: what NR-11 (s.29(4)) needs to
 * judge when a s.2 the person is on ends.
 */
export const s29ApplicationsSql = (personId: string): string =>
  `coalesce((SELECT json_agg(json_build_object('filedAt', d.filed_at, 'status', d.status, 'disposedOn', to_char(d.disposed_on, 'YYYY-MM-DD'))
                            ORDER BY d.filed_at)
               FROM nearest_relative_displacements d WHERE d.person_id = ${personId} AND d.ground IN ('c', 'd')), '[]')`;
