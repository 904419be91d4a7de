import type { ModuleTables } from '../database/table-ownership';

/** The tables the people module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['persons', 'person_matches', 'relatives', 'nominated_persons', 'nearest_relative_objections', 'nearest_relative_displacements'],
  sqlFragments: ['personSummarySql', 'personExistsSql', 's29ApplicationsSql', 'personAsRecordedSql'],
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

/**
 * SQL fragment for another module's query: the person's (`personId`, an SQL expression) details as a record about them
 * keeps them at the time it is written (jsonb: givenName, familyName, dateOfBirth, nhsNumber, address, postcode,
 * preferredLanguage, interpreterNeeded, communicationNeeds). A record read later, by someone whose access to the person
 * may have ended, shows this, not the person's record as it is then.
 */
export const personAsRecordedSql = (personId: string): string =>
  `(SELECT jsonb_build_object('givenName', p.given_name, 'familyName', p.family_name, 'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'),
            'nhsNumber', p.nhs_number, 'address', p.address, 'postcode', p.postcode, 'preferredLanguage', p.preferred_language,
            'interpreterNeeded', p.interpreter_needed, 'communicationNeeds', p.communication_needs)
      FROM persons p WHERE p.id = ${personId})`;

/** The five fields of personSummarySql, from a snapshot personAsRecordedSql took (`recorded`) and the person's id. */
export const recordedPersonSummarySql = (recorded: string, personId: string): string =>
  `CASE WHEN ${recorded} IS NULL THEN NULL ELSE json_build_object('id', ${personId}, 'givenName', ${recorded}->>'givenName',
     'familyName', ${recorded}->>'familyName', 'dateOfBirth', ${recorded}->>'dateOfBirth', 'nhsNumber', ${recorded}->>'nhsNumber') END`;
