import type { ModuleTables } from '../database/table-ownership';

/** The tables the people module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: [
    'persons',
    'person_matches',
    'person_match_intakes',
    'relatives',
    'nominated_persons',
    'nearest_relative_objections',
    'nearest_relative_displacements',
  ],
  sqlFragments: [
    'personSummarySql',
    'personExistsSql',
    's29ApplicationsSql',
    'personAsRecordedSql',
    'relativesAsRecordedSql',
    'personMatchPendingSql',
  ],
};

/**
 * The NHS number a person's record shows (`p`, the alias of their persons row): one sent for them that waits in a
 * pending identity match to the record holding it (PERSON-MATCH: the number given at intake, POST /people or PATCH
 * /people/{id}, not written while a manager has yet to confirm who the person is), else the number the record holds.
 * Whoever reads the record sees what was sent, as the answer to the request that sent it did: a record shows nothing
 * that would tell a reader the hub holds the number for someone else. A record waits only on its latest claim: a number
 * (or none) given to it later withdraws it from the match (PeopleService's withdrawnPartsSql), so it then shows that.
 */
export const personNhsNumberSql = (p: string): string =>
  `coalesce((SELECT pm.nhs_number FROM person_matches pm
              WHERE pm.status = 'pending'
                AND (pm.pending_person_id = ${p}.id OR pm.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${p}.id))
              ORDER BY pm.last_requested_at DESC, pm.seq DESC LIMIT 1), ${p}.nhs_number)`;

/**
 * The ids of the people whose record shows the NHS number `nhsNumber` (an SQL expression; personNhsNumberSql): the
 * record holding it, and the pending persons and intakes of the pending matches for it, each part by its index; of
 * those, each that shows that number (a record waits on its latest claim only, but one kept from before a later claim
 * superseded the earlier may still hold a number of its own, or wait on two matches).
 */
export const peopleShowingNhsNumberSql = (nhsNumber: string): string =>
  `(SELECT s.id FROM (SELECT h.id FROM persons h WHERE h.nhs_number = ${nhsNumber}
    UNION ALL SELECT pm.pending_person_id FROM person_matches pm WHERE pm.nhs_number = ${nhsNumber} AND pm.status = 'pending'
    UNION ALL SELECT i.person_id FROM person_match_intakes i JOIN person_matches pm ON pm.id = i.match_id
     WHERE pm.nhs_number = ${nhsNumber} AND pm.status = 'pending') s
    JOIN persons shown ON shown.id = s.id WHERE ${personNhsNumberSql('shown')} = ${nhsNumber})`;

/**
 * SQL fragment for another module's query: whether the person (`personId`, an SQL expression) waits on a pending
 * identity match (their record, or one of its intakes): who they are is yet to be confirmed by the hub.
 */
export const personMatchPendingSql = (personId: string): string =>
  `EXISTS (SELECT 1 FROM person_matches pm WHERE pm.status = 'pending'
            AND (pm.pending_person_id = ${personId} OR pm.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${personId})))`;

/** SQL fragment for another module's query: a person with the id `id` (an SQL expression, e.g. `$1`) is on record. */
export const personExistsSql = (id: string): string => `EXISTS (SELECT 1 FROM persons WHERE persons.id = ${id})`;

/** NR-11 (s.29(5)): a displacement application's (`d`) appeal as JSON {lodgedOn, outcome, disposedOn}, or null when none is recorded. */
const DISPLACEMENT_APPEAL_SQL = `CASE WHEN d.appeal_lodged_on IS NULL THEN NULL ELSE json_build_object('lodgedOn', to_char(d.appeal_lodged_on, 'YYYY-MM-DD'),
  'outcome', d.appeal_outcome, 'disposedOn', to_char(d.appeal_disposed_on, 'YYYY-MM-DD')) END`;

/**
 * SQL fragment for another module's query: the person's (`personId`, an SQL expression) s.29 applications on ground (c)
 * or (d), a JSON array of {filedAt, status, disposedOn, appeal} in filing order, `[]` if none: what NR-11 (s.29(4)) needs to
 * judge when a s.2 the person is on ends.
 */
export const s29ApplicationsSql = (personId: string): string =>
  `coalesce((SELECT json_agg(json_build_object('filedAt', d.filed_at, 'status', d.status, 'disposedOn', to_char(d.disposed_on, 'YYYY-MM-DD'), 'appeal', ${DISPLACEMENT_APPEAL_SQL})
                            ORDER BY d.filed_at, d.seq)
               FROM nearest_relative_displacements d WHERE d.person_id = ${personId} AND d.ground IN ('c', 'd')), '[]')`;

/**
 * SQL fragment for another module's query: the person's (`personId`, an SQL expression) details as a record about them
 * keeps them at the time it is written (jsonb: givenName, familyName, dateOfBirth, nhsNumber, address, postcode,
 * preferredLanguage, interpreterNeeded, communicationNeeds). A record read later, by someone whose access to the person
 * may have ended, shows this, not the person's record as it is then.
 */
export const personAsRecordedSql = (personId: string): string =>
  `(SELECT jsonb_build_object('givenName', p.given_name, 'familyName', p.family_name, 'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'),
            'nhsNumber', ${personNhsNumberSql('p')}, 'address', p.address, 'postcode', p.postcode, 'preferredLanguage', p.preferred_language,
            'interpreterNeeded', p.interpreter_needed, 'communicationNeeds', p.communication_needs)
      FROM persons p WHERE p.id = ${personId})`;

/** The five fields of personSummarySql, from a snapshot personAsRecordedSql took (`recorded`) and the person's id. */
export const recordedPersonSummarySql = (recorded: string, personId: string): string =>
  `CASE WHEN ${recorded} IS NULL THEN NULL ELSE json_build_object('id', ${personId}, 'givenName', ${recorded}->>'givenName',
     'familyName', ${recorded}->>'familyName', 'dateOfBirth', ${recorded}->>'dateOfBirth', 'nhsNumber', ${recorded}->>'nhsNumber') END`;

/** The columns the relatives service reads of each nearest-relative list (the keys of its rows' JSON). */
export const RELATIVE_COLUMNS = `r.id, r.person_id AS "personId", r.name, r.relationship, r.whole_blood AS "wholeBlood",
  to_char(r.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", r.lives_with_patient AS "livesWithPatient", r.cares_for_patient AS "caresForPatient",
  r.uk_resident AS "ukResident", r.separated_or_deserted AS "separatedOrDeserted", r.years_living_with::float8 AS "yearsLivingWith",
  to_char(r.living_with_since, 'YYYY-MM-DD') AS "livingWithSince", r.authorised_delegate AS "authorisedDelegate", r.contact, r.notes, r.version, r.created_by AS "createdBy", r.created_at AS "createdAt"`;

export const OBJECTION_COLUMNS = `o.id, o.person_id AS "personId", o.objector_kind AS "objectorKind", o.relative_id AS "relativeId",
  o.delegate_name AS "delegateName", o.displacement_id AS "displacementId", o.nominated_person_id AS "nominatedPersonId", o.notified_at AS "notifiedAt", o.notified_to AS "notifiedTo",
  o.details, o.withdrawn_at AS "withdrawnAt", o.withdrawal_details AS "withdrawalDetails", o.recorded_by AS "recordedBy", o.created_at AS "createdAt"`;

export const DISPLACEMENT_COLUMNS = `d.id, d.person_id AS "personId", d.relative_id AS "relativeId", d.ground, d.status, d.filed_at AS "filedAt",
  to_char(d.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(d.disposed_on, 'YYYY-MM-DD') AS "disposedOn", ${DISPLACEMENT_APPEAL_SQL} AS appeal, d.acting_nearest_relative AS "actingNearestRelative", d.court, d.version,
  d.recorded_by AS "recordedBy", d.created_at AS "createdAt"`;

export const NOMINATED_COLUMNS = `n.id, n.person_id AS "personId", n.name, n.relative_id AS "relativeId", to_char(n.appointed_on, 'YYYY-MM-DD') AS "appointedOn",
  n.appointed_by AS "appointedBy", n.method, to_char(n.ended_on, 'YYYY-MM-DD') AS "endedOn", n.end_reason AS "endReason", n.version,
  n.recorded_by AS "recordedBy", n.created_at AS "createdAt"`;

/** The lists of a person's nearest-relative facts that the relatives service reads with the person. */
export type FactPart = 'relatives' | 'displacements' | 'nominated' | 'objections';

/**
 * Each list's rows (the columns' names their keys, with `seq`, the order each was recorded in) and their order: what
 * was recorded at one instant (or on one day, for nominated persons) in the order it was recorded, and newest first
 * the reverse of it, never by random id.
 */
export const FACT_LISTS: Record<FactPart, { rows: string; order: string }> = {
  relatives: { rows: `SELECT ${RELATIVE_COLUMNS}, r.seq FROM relatives r WHERE r.person_id = p.id`, order: 'x."createdAt", x.seq' },
  displacements: {
    rows: `SELECT ${DISPLACEMENT_COLUMNS}, d.seq FROM nearest_relative_displacements d WHERE d.person_id = p.id`,
    order: 'x."filedAt" DESC, x.seq DESC',
  },
  nominated: {
    rows: `SELECT ${NOMINATED_COLUMNS}, n.appointed_on AS "appointedOnDate", n.seq FROM nominated_persons n WHERE n.person_id = p.id`,
    order: 'x."appointedOnDate" DESC, x."createdAt" DESC, x.seq DESC',
  },
  objections: {
    rows: `SELECT ${OBJECTION_COLUMNS}, o.seq FROM nearest_relative_objections o WHERE o.person_id = p.id`,
    order: 'x."notifiedAt" DESC, x.seq DESC',
  },
};

/** One of FACT_LISTS as a JSON array (`agg`: json_agg or jsonb_agg) of its rows in its order, without their seq. */
export const factListSql = (part: FactPart, agg: 'json_agg' | 'jsonb_agg'): string =>
  `coalesce((SELECT ${agg}(to_jsonb(x) - 'seq' ORDER BY ${FACT_LISTS[part].order}) FROM (${FACT_LISTS[part].rows}) x), '[]')`;

/**
 * SQL fragment for another module's query: the person's (`personId`, an SQL expression) nearest-relative facts as a
 * record about them keeps them at the time it is written (jsonb: dateOfBirth, ukResident and the lists relatives,
 * displacements, nominated and objections, each as the relatives service reads it). A record read later works out
 * the nearest relative's position from this (RelativesService.nearestRelativeStateAsRecorded), so that a relative's
 * later change of name or address, or a relative recorded afterwards, does not rewrite it.
 */
export const relativesAsRecordedSql = (personId: string): string =>
  `(SELECT jsonb_build_object('dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'), 'ukResident', p.uk_resident${(
    Object.keys(FACT_LISTS) as FactPart[]
  )
    .map((part) => `, '${part}', ${factListSql(part, 'jsonb_agg')}`)
    .join('')})
      FROM persons p WHERE p.id = ${personId})`;

/**
 * The person a record was confirmed to be (a same-person match it was the pending person of, or an intake folded into
 * such a match): the latest such match's candidate, NULL if none. `person` is an SQL expression for the person id.
 */
export const sameAsSql = (person: string): string =>
  `(SELECT same.candidate_person_id FROM person_matches same
     WHERE same.status = 'same-person'
       AND (same.pending_person_id = ${person} OR same.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${person}))
     ORDER BY same.resolved_at DESC, same.seq DESC LIMIT 1)`;
