import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService, accessFactsSql, type PersonAccessRow } from '../access/access.service';
import { can, type Decision } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, openCursor, Page, pageOf, sealCursor } from '../common/pagination';
import {
  ConflictProblem,
  NotFoundProblem,
  PreconditionFailedProblem,
  ProblemError,
  UnprocessableProblem,
  ValidationProblem,
} from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { constraintOf, pgCode } from '../database/pg-errors';
import { addYears, localDate } from '../statute/time';
import {
  CreatePersonDto,
  PersonDto,
  PersonMatchDto,
  PersonMatchQuery,
  PersonSearchQuery,
  PersonSummaryDto,
  UpdatePersonDto,
} from './dto/person.dto';
import { isValidNhsNumber } from '../statute/nhs-number';
import { DateOfBirthChanges } from './date-of-birth-changes';
import { type MovedRecords, PersonMoves } from './person-moves';
import { peopleShowingNhsNumberSql, personNhsNumberSql, sameAsSql } from './people.tables';

type PersonField = keyof UpdatePersonDto;

/** The columns a person's fields live in (the order in which they are written). */
const COLUMN: Record<PersonField, string> = {
  nhsNumber: 'nhs_number',
  givenName: 'given_name',
  familyName: 'family_name',
  dateOfBirth: 'date_of_birth',
  sex: 'sex',
  gender: 'gender',
  ethnicCategory: 'ethnic_category',
  preferredLanguage: 'preferred_language',
  interpreterNeeded: 'interpreter_needed',
  communicationNeeds: 'communication_needs',
  address: 'address',
  postcode: 'postcode',
  responsibleAuthority: 'responsible_authority',
  gpPractice: 'gp_practice',
  ukResident: 'uk_resident',
};
const FIELDS = Object.keys(COLUMN) as PersonField[];

const COLUMNS = `p.id, ${personNhsNumberSql('p')} AS "nhsNumber", p.given_name AS "givenName", p.family_name AS "familyName",
  to_char(p.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", p.sex, p.gender, p.ethnic_category AS "ethnicCategory",
  p.preferred_language AS "preferredLanguage", p.interpreter_needed AS "interpreterNeeded", p.communication_needs AS "communicationNeeds",
  p.address, p.postcode, p.responsible_authority AS "responsibleAuthority", p.gp_practice AS "gpPractice",
  p.uk_resident AS "ukResident", p.version,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  ${sameAsSql('p.id')} AS "sameAs"`;

/**
 * PERSON-MATCH: a record a manager confirmed to be another person (same-person: `sameAs`, sameAsSql) is settled: its
 * referrals and what was kept against it moved to that person, and it no longer shows the number it waited on. A
 * change sent to it (its details, or a relative, objection, displacement or nominated person recorded against it),
 * with or without If-Match, is refused 409, never written to it: what the sender saw is no longer so, and what they
 * meant to record belongs to the person it was confirmed to be, whose record is changed instead.
 */
export function refuseChangeOfConfirmed(sameAs: string | null): void {
  if (sameAs)
    throw new ConflictProblem(
      `This record was confirmed to be another person's (${sameAs}), where its records moved; change that person's record instead.`,
      'person-confirmed-as-another',
      { sameAs },
    );
}

const SUMMARY_COLUMNS = `p.id, ${personNhsNumberSql('p')} AS "nhsNumber", p.given_name AS "givenName", p.family_name AS "familyName",
  to_char(p.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", p.sex, p.postcode, p.version`;

type PersonRow = Omit<PersonDto, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

/** What ATTACH_NHS_NUMBER reads: the holder of the number, if any, with the caller's access facts to them. */
type AttachedRow = PersonAccessRow & {
  holderId: string | null;
  matchId: string | null;
  /** The caller's earlier intake the new one was folded into: its pending person (the new record is kept, linked to the match). */
  earlierPersonId: string | null;
  /** The intakes the match now counts (1 for a new match). */
  attempts: number | null;
  givenName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
};

/**
 * The one way a pending identity match is raised (POST /people and referral intake by ATTACH_NHS_NUMBER, PATCH
 * /people/{id} by its change statement): the CTEs `open`, `repeated`, `linked` and `matched`, for a statement that
 * has put the person (`person`, an SQL expression, NULL when nothing was written) forward for the NHS number `nhsNumber`
 * that `holder` (NULL when nobody) holds, by the caller `user` at `at`. Each is an SQL expression of that statement.
 *
 * The caller's own match to the holder for that number still waiting is not queued again (one match per caller,
 * number and holder, however often and by whichever route they send it: no account can flood the managers' queue):
 * it counts one more attempt, and a person other than its pending person is linked to it as one of its intakes (kept
 * without the number, as the pending person is, and settled with the match). A match to the holder for that number
 * the person already waits in, as its pending person or an intake, whoever raised it, comes first: it counts the
 * attempt and the person is not linked to another (a record waits on one match to a holder, so no manager sees it
 * counted twice, and no match is withdrawn still listing a record that waits on another). Otherwise a new pending
 * match is left.
 * The fold is decided on the match's row as the update finds it: a manager resolving that match meanwhile leaves it
 * resolved, and the person then gets a pending match of its own, never an intake of a match already settled. Callers
 * hold the number's lock (personNumberLockSql) from an earlier statement, so the look for the open match and the write
 * are one step.
 */
function pendingMatchSql(p: { person: string; holder: string; nhsNumber: string; user: string; at: string }): string {
  const waitsIn = `(pm.pending_person_id = ${p.person} OR pm.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${p.person}))`;
  return `open AS (SELECT pm.id, pm.pending_person_id FROM person_matches pm
                    WHERE pm.candidate_person_id = ${p.holder} AND pm.nhs_number = ${p.nhsNumber} AND pm.status = 'pending'
                      AND ${p.person} IS NOT NULL AND (pm.requested_by = ${p.user} OR ${waitsIn})
                    ORDER BY ${waitsIn} DESC, pm.requested_at, pm.seq LIMIT 1),
       repeated AS (UPDATE person_matches pm SET attempts = pm.attempts + 1, last_requested_at = ${p.at} FROM open
                     WHERE pm.id = open.id AND pm.status = 'pending' RETURNING pm.id, pm.attempts, open.pending_person_id),
       linked AS (INSERT INTO person_match_intakes (match_id, person_id, requested_at, attempt)
                  SELECT rp.id, ${p.person}, ${p.at}, rp.attempts FROM repeated rp WHERE rp.pending_person_id <> ${p.person}
                  ON CONFLICT (match_id, person_id) DO NOTHING RETURNING person_id),
       matched AS (INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at)
                   SELECT ${p.person}, ${p.holder}, ${p.nhsNumber}, ${p.user}, ${p.at}, ${p.at}
                    WHERE ${p.person} IS NOT NULL AND ${p.holder} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM repeated)
                   ON CONFLICT (pending_person_id, candidate_person_id) WHERE status = 'pending'
                   DO UPDATE SET attempts = person_matches.attempts + 1, last_requested_at = EXCLUDED.last_requested_at
                   RETURNING id, attempts)`;
}

/**
 * A condition (true) that takes the lock on an NHS number (`nhsNumber`, an SQL expression) for the rest of the
 * transaction: requests giving one number are decided one after the other, each seeing what the one before it left.
 */
const personNumberLockSql = (nhsNumber: string): string =>
  `(SELECT true FROM (SELECT pg_advisory_xact_lock(hashtextextended('person-nhs-number:' || ${nhsNumber}::text, 0))) number_lock)`;

/**
 * PERSON-MATCH, a record's later claim superseding its earlier one: a condition (true) that takes, as
 * personNumberLockSql does and in the numbers' order (two requests never wait on each other), the locks on the number
 * a change of the person `person` claims (`nhsNumber`, NULL for none) and on each number the person waits on in a
 * pending match (as its pending person or an intake). Whatever raises or counts a match, or withdraws from it, holds
 * the lock on its number, so the change's statement (withdrawnPartsSql) finds each match's records as they stand.
 */
const claimLocksSql = (nhsNumber: string, person: string): string =>
  `(SELECT count(*) >= 0 FROM (SELECT pg_advisory_xact_lock(hashtextextended('person-nhs-number:' || c.n, 0))
      FROM (SELECT DISTINCT n FROM (SELECT ${nhsNumber}::text AS n
                                    UNION ALL SELECT pm.nhs_number FROM person_matches pm
                                     WHERE pm.status = 'pending'
                                       AND (pm.pending_person_id = ${person}
                                            OR pm.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${person}))) claimed
             WHERE n IS NOT NULL ORDER BY n) c) number_locks)`;

/**
 * PERSON-MATCH: a record's later claim of an NHS number supersedes the claim it still waits on in a pending match, so
 * that it shows (personNhsNumberSql) and is found by the number it was last given, never one it was given before (nor
 * would a record given a number nobody held go on showing it once given another). The CTEs `parts`, `promoted`,
 * `withdrawn` and `unlinked`, for the statement that changed the person `person` (an SQL expression, NULL when nothing
 * was written) and, when `claims` (an SQL boolean: the change sent `nhsNumber`), claimed the number `nhsNumber` (NULL:
 * none) that `holder` holds (NULL: nobody else), by `user` at `at`.
 *
 * The person's part goes from each pending match it is in for another number (the match for the number claimed, to
 * its holder, is the one pendingMatchSql counts): as an intake, its link; as the pending person, the oldest intake
 * takes its place. An intake that also waits in another pending match to the same holder (as its pending person or
 * an intake: kept from before pendingMatchSql counted a record on the match it waits in) never takes the place: it
 * leaves this match, to be settled by that one (`intakesLeft`), so that no record is counted on two of the holder's
 * matches and none is left on a withdrawn one. A match left with no record is `withdrawn` (no longer in the managers'
 * queue; resolving it is 409). The match's version moves. Callers
 * hold the locks of those numbers (claimLocksSql) from an earlier statement; a manager resolving a match meanwhile
 * leaves it resolved (the update finds it no longer pending).
 */
function withdrawnPartsSql(p: { person: string; claims: string; nhsNumber: string; holder: string; user: string; at: string }): string {
  return `parts AS (SELECT pm.id, pm.candidate_person_id, pm.pending_person_id = ${p.person} AS was_pending FROM person_matches pm
                     WHERE ${p.claims} AND pm.status = 'pending'
                       AND (pm.pending_person_id = ${p.person}
                            OR pm.id IN (SELECT i.match_id FROM person_match_intakes i WHERE i.person_id = ${p.person}))
                       AND pm.nhs_number IS DISTINCT FROM ${p.nhsNumber} AND pm.candidate_person_id IS DISTINCT FROM ${p.holder}),
       elsewhere AS (SELECT pt.id, i.person_id FROM parts pt JOIN person_match_intakes i ON i.match_id = pt.id
                      WHERE pt.was_pending
                        AND EXISTS (SELECT 1 FROM person_matches o WHERE o.status = 'pending' AND o.id <> pt.id
                                       AND o.candidate_person_id = pt.candidate_person_id
                                       AND (o.pending_person_id = i.person_id
                                            OR o.id IN (SELECT j.match_id FROM person_match_intakes j WHERE j.person_id = i.person_id)))),
       promoted AS (SELECT DISTINCT ON (pt.id) pt.id, i.person_id FROM parts pt JOIN person_match_intakes i ON i.match_id = pt.id
                     WHERE pt.was_pending
                       AND NOT EXISTS (SELECT 1 FROM elsewhere e WHERE e.id = pt.id AND e.person_id = i.person_id)
                     ORDER BY pt.id, i.attempt, i.person_id),
       withdrawn AS (UPDATE person_matches pm
                        SET pending_person_id = coalesce(pr.person_id, pm.pending_person_id),
                            status = CASE WHEN pt.was_pending AND pr.person_id IS NULL THEN 'withdrawn' ELSE pm.status END,
                            resolved_by = CASE WHEN pt.was_pending AND pr.person_id IS NULL THEN ${p.user} ELSE pm.resolved_by END,
                            resolved_at = CASE WHEN pt.was_pending AND pr.person_id IS NULL THEN ${p.at} ELSE pm.resolved_at END,
                            version = pm.version + 1
                       FROM parts pt LEFT JOIN promoted pr ON pr.id = pt.id
                      WHERE pm.id = pt.id AND pm.status = 'pending'
                      RETURNING pm.id, pm.status, pm.candidate_person_id, pm.pending_person_id, pt.was_pending),
       unlinked AS (DELETE FROM person_match_intakes i USING withdrawn w
                     WHERE i.match_id = w.id
                       AND (i.person_id = ${p.person} OR i.person_id = w.pending_person_id
                            OR EXISTS (SELECT 1 FROM elsewhere e WHERE e.id = w.id AND e.person_id = i.person_id))
                     RETURNING i.match_id, i.person_id, EXISTS (SELECT 1 FROM elsewhere e WHERE e.id = w.id AND e.person_id = i.person_id) AS left_to_own)`;
}

/** A match the change of a person withdrew from (withdrawnPartsSql), as its statement reads it back. */
type WithdrawnPart = {
  id: string;
  status: 'pending' | 'withdrawn';
  candidateId: string;
  pendingPersonId: string;
  wasPending: boolean;
  /** Its intakes that left it for the match of their own to the same holder they wait in. */
  intakesLeft: string[];
};

/** The statement's read of its `withdrawn` CTE: a JSON array of WithdrawnPart. */
const WITHDRAWN_PARTS = `(SELECT coalesce(json_agg(json_build_object('id', w.id, 'status', w.status, 'candidateId', w.candidate_person_id,
                           'pendingPersonId', w.pending_person_id, 'wasPending', w.was_pending,
                           'intakesLeft', coalesce((SELECT json_agg(u.person_id ORDER BY u.person_id) FROM unlinked u
                                                     WHERE u.match_id = w.id AND u.left_to_own), '[]')) ORDER BY w.id), '[]') FROM withdrawn w)`;

/**
 * POST /people's and intake's second statement, the same whether the number ($2) is held or not: the new person ($1)
 * takes the number when no record holds it; otherwise the pending match to its holder is left or the caller's open one
 * counts it (pendingMatchSql), and the holder's names and date of birth and the access facts of the caller ($3, at $4)
 * to the holder come back (a caller who may read the holder is told, 409, or at intake identifies them: what this
 * statement wrote is undone). `earlierPersonId` is the pending person of the caller's open match the intake was folded
 * into. The number's lock was taken by the first statement (insertHoldingNumber).
 */
const ATTACH_NHS_NUMBER = `WITH holder AS (SELECT id, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth FROM persons WHERE nhs_number = $2),
       attached AS (UPDATE persons SET nhs_number = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM holder) RETURNING id),
       ${pendingMatchSql({ person: '$1::uuid', holder: '(SELECT id FROM holder)', nhsNumber: '$2::text', user: '$3::uuid', at: '$4::timestamptz' })}
  SELECT h.id::text AS "holderId", coalesce(mt.id, rp.id)::text AS "matchId", rp.pending_person_id::text AS "earlierPersonId",
         coalesce(mt.attempts, rp.attempts) AS attempts, (SELECT count(*) FROM attached) + (SELECT count(*) FROM linked) AS written,
         h.given_name AS "givenName", h.family_name AS "familyName", h.date_of_birth AS "dateOfBirth",
         ${accessFactsSql({ user: '$3', person: 'h.id', at: '$4', resourceType: 'NULL::text', resourceId: 'NULL::text' })}
    FROM (SELECT 1) one LEFT JOIN holder h ON TRUE LEFT JOIN matched mt ON TRUE LEFT JOIN repeated rp ON TRUE`;

/** The audit record of a read of the person `id` on `decision`. */
function personRead(id: string, decision: Decision) {
  return { action: 'person.read', resourceType: 'person', resourceId: id, subjectPersonId: id, accessBasis: decision.basis };
}

function personDto(r: PersonRow): PersonDto {
  return { ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

/** Oldest plausible date of birth, in years before today: older is a typing mistake (1086 for 1986). */
const MAX_AGE_YEARS = 130;

/** LIKE pattern for "starts with", with LIKE's own characters taken literally. */
function startsWith(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * For other modules' list reads that show who each row is about (the referral queue) in the same statement: a
 * SQL expression giving the person's summary as JSON (id, names, date of birth, NHS number) for the person id in
 * `personIdExpr`. The people module keeps the knowledge of its table; the caller audits the read.
 */
export function personSummarySql(personIdExpr: string): string {
  return `(SELECT json_build_object('id', p.id, 'givenName', p.given_name, 'familyName', p.family_name,
            'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'), 'nhsNumber', ${personNhsNumberSql('p')}) FROM persons p WHERE p.id = ${personIdExpr})`;
}

/** The summary personSummarySql reads, from a person already in hand (the same five fields). */
export function personSummaryOf(p: PersonDto): Pick<PersonDto, 'id' | 'givenName' | 'familyName' | 'dateOfBirth' | 'nhsNumber'> {
  return { id: p.id, givenName: p.givenName, familyName: p.familyName, dateOfBirth: p.dateOfBirth, nhsNumber: p.nhsNumber };
}

export interface FindOrCreateResult {
  person: PersonDto;
  /** False when a person with the NHS number given was already recorded (nothing was written). */
  created: boolean;
  /**
   * For an existing person: the identifying fields given that differ from the record (names, date of birth), by
   * name only. Not empty means the NHS number may have been mistyped: the caller should say so, not guess.
   */
  discrepancies: Array<'givenName' | 'familyName' | 'dateOfBirth'>;
  /** The NHS number matched a recorded person the caller did not identify: `person` is a new record, pending this match. */
  pendingMatchId?: string;
  /**
   * The caller sent the number again while their match to its holder waited: `person` is this intake's record, kept
   * and linked to that match (one of its intakes), and this is the match's pending person, the record their first
   * intake made. The referral is judged against that person's open referral and detention as it would be had the
   * hub not held the number (the caller's repeat then finds the person their first intake recorded).
   */
  repeatOf?: string;
}

type PersonMatchRow = {
  id: string;
  status: PersonMatchDto['status'];
  nhsNumber: string;
  pendingPersonId: string;
  candidatePersonId: string;
  pendingPerson: PersonMatchDto['pendingPerson'];
  candidatePerson: PersonMatchDto['candidatePerson'];
  requestedBy: string;
  requestedAt: Date;
  /** The order asked for in (bigint, as text): the tie-break of the list and its cursor. */
  seq: string;
  attempts: number;
  lastRequestedAt: Date;
  intakes: Array<{ personId: string; requestedAt: string; attempt: number }>;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  foldedInto: string | null;
  version: number;
};

const MATCH_SELECT = `SELECT pm.id, pm.status, pm.nhs_number AS "nhsNumber", pm.pending_person_id AS "pendingPersonId",
    pm.candidate_person_id AS "candidatePersonId", ${personSummarySql('pm.pending_person_id')} AS "pendingPerson",
    ${personSummarySql('pm.candidate_person_id')} AS "candidatePerson", pm.requested_by AS "requestedBy", pm.requested_at AS "requestedAt",
    pm.seq, pm.attempts, pm.last_requested_at AS "lastRequestedAt",
    coalesce((SELECT json_agg(json_build_object('personId', i.person_id, 'requestedAt', i.requested_at, 'attempt', i.attempt) ORDER BY i.attempt)
                FROM person_match_intakes i WHERE i.match_id = pm.id), '[]') AS intakes, pm.resolved_by AS "resolvedBy", pm.resolved_at AS "resolvedAt", pm.folded_into AS "foldedInto", pm.version
  FROM person_matches pm`;

function matchView(r: PersonMatchRow): PersonMatchDto {
  return {
    id: r.id,
    status: r.status,
    nhsNumber: r.nhsNumber,
    pendingPerson: r.pendingPerson,
    candidatePerson: r.candidatePerson,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt.toISOString(),
    attempts: r.attempts,
    lastRequestedAt: r.lastRequestedAt.toISOString(),
    intakes: r.intakes.map((i) => ({ personId: i.personId, requestedAt: new Date(i.requestedAt).toISOString(), attempt: i.attempt })),
    resolvedBy: r.resolvedBy,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    foldedInto: r.foldedInto,
    version: r.version,
  };
}

/** The people a match settles: its pending person, then each intake folded into it, oldest first. */
export function matchedPersonIds(match: PersonMatchDto): string[] {
  return [match.pendingPerson.id, ...match.intakes.map((i) => i.personId)];
}

/**
 * People who are the subject of referrals. Every read of a person (one record or each search result) is audited
 * in the transaction that reads it, with the access basis; audit details carry ids and field names only, never a
 * name, NHS number or date of birth.
 *
 * Creating a person gives the creator no relationship to them: relationships come from referrals. A referrer who
 * records a person without a referral therefore cannot read the record back (403): intended, as nothing yet makes
 * that person their business.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly personMoves: PersonMoves,
    private readonly dateOfBirthChanges: DateOfBirthChanges,
  ) {}

  /**
   * POST /people: a new person. An NHS number already recorded is a 409 `person-exists` naming the record (its id and
   * link) to a caller who may read it. To anyone else an NHS number never says whether the hub holds a record for it
   * (being known to an AMHP hub means a Mental Health Act referral): they are answered as for a number never recorded,
   * 201 with what they sent, while the person is recorded without the number and a pending match to the recorded one
   * is left for a manager to resolve (GET /people/matches), as referral intake does.
   */
  async create(actor: Actor, dto: CreatePersonDto): Promise<PersonDto> {
    this.checkRules(dto);
    if (!dto.nhsNumber) {
      const inserted = await this.db.transaction((m) => this.insert(m, actor, dto));
      if ('existingId' in inserted) throw new Error('a person recorded without an NHS number conflicted with another');
      return inserted;
    }
    const nhsNumber = dto.nhsNumber;
    return this.db.transaction(async (m) => {
      // The same statements whether the hub holds the number or not, so that how long the answer takes does not say
      // which (being known to the hub means a Mental Health Act referral): the person recorded without the number,
      // then one statement that gives them the number if nobody holds it, or else leaves the pending match to the
      // holder, and reads what the caller's access to the holder is decided on.
      const person = await this.insertHoldingNumber(m, actor, dto);
      const [found] = await this.db.preparedOn<AttachedRow>(m, ATTACH_NHS_NUMBER, [person.id, nhsNumber, actor.userId, this.clock.now()]);
      const fields = FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
      if (!found.holderId) {
        await this.auditCreated(m, actor, person.id, fields);
        return { ...person, nhsNumber };
      }
      if (this.access.decideFrom(actor, 'person.read', found).allowed) {
        // The caller, who may read the record, learns that the person exists and their id: that disclosure is
        // recorded (in a transaction of its own), and nothing of this one is kept.
        await this.audit.recordAlone({
          action: 'person.create',
          resourceType: 'person',
          resourceId: found.holderId,
          subjectPersonId: found.holderId,
          outcome: 'failure',
          actor: { userId: actor.userId, roles: actor.roles },
          details: { reason: 'person-exists', matchedBy: 'nhsNumber', named: true },
        });
        throw this.personExists('A person with this NHS number is already recorded.', found.holderId);
      }
      await this.auditIntakeLeftPending(m, actor, person.id, found, fields);
      // The answer a number never recorded gets: what was sent, the number with it (held by the match until resolved).
      // A repeat folded into the caller's open match is answered alike: the record made for it is kept, one of its intakes.
      return { ...person, nhsNumber };
    });
  }

  /**
   * An intake (POST /people, a referral's) whose NHS number waits in a pending match for the hub: two audit rows
   * either way, so that the work does not say which. A new match: the person recorded without the number
   * (`person.create`), and the match against the holder (`person.match`). A repeat folded into the caller's open match
   * (ATTACH_NHS_NUMBER) alike: its person recorded (`person.create`, with the match it is an intake of), and the match
   * against the holder with the attempts it now counts and the intake's person.
   */
  private async auditIntakeLeftPending(
    m: EntityManager,
    actor: Actor,
    recordedId: string,
    found: AttachedRow,
    fields: PersonField[],
  ): Promise<void> {
    const pendingId = found.earlierPersonId ?? recordedId;
    await this.auditCreated(
      m,
      actor,
      recordedId,
      fields.filter((f) => f !== 'nhsNumber'),
      found.earlierPersonId ? { intakeOf: found.matchId } : {},
    );
    await this.audit.record(m, {
      action: 'person.match',
      resourceType: 'person-match',
      resourceId: found.matchId!,
      subjectPersonId: found.holderId!,
      outcome: 'failure',
      actor: { userId: actor.userId, roles: actor.roles },
      details: {
        matchedBy: 'nhsNumber',
        pendingPersonId: pendingId,
        reason: 'identity-not-confirmed',
        attempts: found.attempts,
        ...(found.earlierPersonId ? { intakePersonId: recordedId } : {}),
      },
    });
  }

  private async auditCreated(
    m: EntityManager,
    actor: Actor,
    id: string,
    fields: PersonField[],
    more: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record(m, {
      action: 'person.create',
      resourceType: 'person',
      resourceId: id,
      subjectPersonId: id,
      actor: { userId: actor.userId, roles: actor.roles },
      details: { fields, ...more },
    });
  }

  /**
   * POST /people with an NHS number: the person recorded without it, after taking the number's lock for this
   * transaction (the same statement), so that two requests with one number are decided one after the other and the
   * second sees the first's person (ATTACH_NHS_NUMBER). Not audited here: create() audits what it kept.
   */
  private async insertHoldingNumber(m: EntityManager, actor: Actor, dto: CreatePersonDto): Promise<PersonDto> {
    const fields = FIELDS.filter((f) => f !== 'nhsNumber' && dto[f] !== undefined && dto[f] !== null);
    const values = fields.map((f) => dto[f]);
    const n = fields.length;
    const rows = await this.db.preparedOn<PersonRow>(
      m,
      `INSERT INTO persons AS p (${[...fields.map((f) => COLUMN[f]), 'created_by', 'created_at', 'updated_at'].join(', ')})
       VALUES (${[...fields.map((_, i) => `$${i + 1}`), `(SELECT $${n + 1}::uuid WHERE ${personNumberLockSql(`$${n + 2}`)})`, `$${n + 3}`, `$${n + 3}`].join(', ')})
       RETURNING ${COLUMNS}`,
      [...values, actor.userId, dto.nhsNumber, this.clock.now()],
    );
    return personDto(rows[0]);
  }

  /** 409 `person-exists`: with the record's id and link when `existingId` is given (the caller may read it). */
  private personExists(message: string, existingId: string | null): ConflictProblem {
    return new ConflictProblem(
      existingId ? message : `${message} To refer them, send their details with POST /referrals: the hub matches them.`,
      'person-exists',
      existingId ? { existingId, href: `/people/${existingId}` } : {},
    );
  }

  /**
   * For referral intake, inside the caller's transaction: the person with the NHS number given if one is recorded
   * (no duplicate is made, and the existing record is not changed), otherwise a new person (audited
   * `person.create`). A match is audited `person.match`; the caller decides what of the person its reply shows, and
   * grants the relationships that follow from the referral.
   *
   * An NHS number alone never identifies the recorded person to a caller who may not already read them (NHS
   * demographic matching needs more than one identifier): unless the given and family names and the date of birth
   * given are the record's too, a new person is recorded with what the caller sent (without the NHS number) and a
   * pending match to the recorded person is left for a manager to resolve (`pendingMatchId`).
   */
  async findOrCreate(
    m: EntityManager,
    actor: Actor,
    dto: CreatePersonDto,
    options: { sameAs?: (personColumn: string) => string } = {},
  ): Promise<FindOrCreateResult> {
    this.checkRules(dto);
    if (!dto.nhsNumber && options.sameAs) {
      const known = await this.identifiedWithoutNhsNumber(m, actor, dto, options.sameAs);
      if (known) return { person: known, created: false, discrepancies: [] };
    }
    if (!dto.nhsNumber) {
      const inserted = await this.insert(m, actor, dto);
      if ('existingId' in inserted) throw new Error('a person recorded without an NHS number conflicted with another');
      return { person: inserted, created: true, discrepancies: [] };
    }
    // The statements POST /people sends, whether the hub holds the number or not (its time does not say which): the
    // person recorded without it, then the number given to them, or the pending match to its holder left.
    const nhsNumber = dto.nhsNumber;
    const recorded = await this.insertHoldingNumber(m, actor, dto);
    const [found] = await this.db.preparedOn<AttachedRow>(m, ATTACH_NHS_NUMBER, [recorded.id, nhsNumber, actor.userId, this.clock.now()]);
    const fields = FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
    if (!found.holderId) {
      await this.auditCreated(m, actor, recorded.id, fields);
      return { person: { ...recorded, nhsNumber }, created: true, discrepancies: [] };
    }
    const holder = { givenName: found.givenName, familyName: found.familyName, dateOfBirth: found.dateOfBirth };
    const same = (a: string | null | undefined, b: string | null | undefined) =>
      a != null && b != null && a.trim().toLowerCase() === b.trim().toLowerCase();
    const discrepancies = (['givenName', 'familyName', 'dateOfBirth'] as const).filter(
      (f) => dto[f] !== undefined && String(dto[f]).toLowerCase() !== String(holder[f] ?? '').toLowerCase(),
    );
    const identified = (['givenName', 'familyName', 'dateOfBirth'] as const).every((f) => same(dto[f], holder[f]));
    if (!identified && !this.access.decideFrom(actor, 'person.identify', found).allowed) {
      await this.auditIntakeLeftPending(m, actor, recorded.id, found, fields);
      // A repeat of the caller's intake still pending: the referral is made against the person this intake recorded,
      // kept and linked to the match (settled with it). Read back as it now stands: the statement the caller's repeat
      // of a number the hub did not hold sends (their first intake's person, identified, read with the undoing).
      if (found.earlierPersonId)
        return {
          person: await this.load(m, recorded.id),
          created: false,
          discrepancies: [],
          pendingMatchId: found.matchId!,
          repeatOf: found.earlierPersonId,
        };
      // The record as a new number's intake shows it: what was sent, the number with it (held by the match until resolved).
      return { person: { ...recorded, nhsNumber }, created: true, discrepancies: [], pendingMatchId: found.matchId! };
    }
    // The caller knows the recorded person: the referral is theirs, and the record made meanwhile is not kept (nothing
    // of it was acknowledged: the answer is the recorded person); a new match is removed, and the caller's open match
    // the intake was folded into counts it no more, nor holds it as an intake. One statement, which reads the recorded
    // person too: as many as a repeat folded into the caller's open match sends (its person read).
    const [row] = await this.db.preparedOn<PersonRow>(
      m,
      `WITH unmatched AS (DELETE FROM person_matches WHERE id = $2 AND NOT $3::boolean),
            uncounted AS (UPDATE person_matches SET attempts = attempts - 1 WHERE id = $2 AND $3::boolean),
            unlinked AS (DELETE FROM person_match_intakes WHERE match_id = $2 AND person_id = $1),
            unkept AS (DELETE FROM persons WHERE id = $1)
       SELECT ${COLUMNS} FROM persons p WHERE p.id = $4`,
      [recorded.id, found.matchId, found.earlierPersonId !== null, found.holderId],
    );
    const person = personDto(row);
    await this.audit.record(m, {
      action: 'person.match',
      resourceType: 'person',
      resourceId: person.id,
      subjectPersonId: person.id,
      actor: { userId: actor.userId, roles: actor.roles },
      details: { matchedBy: 'nhsNumber', discrepancies },
    });
    return { person, created: false, discrepancies };
  }

  /**
   * With no NHS number given, the person is the one recorded (no second record is made) only when all of these hold:
   * the given and family names and the date of birth are given and are the record's (letter case and outer spaces
   * aside), exactly one record matches them among those the caller names (`sameAs`, an SQL condition over the
   * person id, e.g. "has an open referral"), and the caller may already read that record (the referrer of its open
   * referral, the hub's staff), so the match discloses nobody. The match is audited `person.match`.
   */
  private async identifiedWithoutNhsNumber(
    m: EntityManager,
    actor: Actor,
    dto: CreatePersonDto,
    sameAs: (personColumn: string) => string,
  ): Promise<PersonDto | undefined> {
    if (!dto.givenName?.trim() || !dto.familyName?.trim() || !dto.dateOfBirth) return undefined;
    const rows = await this.db.preparedOn<{ id: string }>(
      m,
      `SELECT p.id FROM persons p
        WHERE lower(p.family_name) = lower($1) AND p.date_of_birth = $2::date AND lower(trim(p.given_name)) = lower($3) AND ${sameAs('p.id')}
        LIMIT 2`,
      [dto.familyName.trim(), dto.dateOfBirth, dto.givenName.trim()],
    );
    if (rows.length !== 1) return undefined;
    const decision = await this.access.decide(actor, 'person.identify', rows[0].id, m);
    if (!decision.allowed) return undefined;
    await this.audit.record(m, {
      action: 'person.match',
      resourceType: 'person',
      resourceId: rows[0].id,
      subjectPersonId: rows[0].id,
      accessBasis: decision.basis,
      actor: { userId: actor.userId, roles: actor.roles },
      details: { matchedBy: 'names-and-date-of-birth', discrepancies: [] },
    });
    return this.load(m, rows[0].id);
  }

  /**
   * GET /people/matches (managers): referral intakes whose person awaits identity matching, oldest first. Each
   * match shows both records and its intakes' records; each is audited as a read of that person.
   */
  async listMatches(actor: Actor, q: PersonMatchQuery): Promise<Page<PersonMatchDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    return this.db.transaction(async (m) => {
      const where = new SqlWhere();
      if ((q.status ?? 'pending') !== 'all') where.add('pm.status = ?', q.status ?? 'pending');
      if (q.cursor) {
        // The order they were asked for in breaks a tie of time (seq), never the random id: the cursor carries it.
        const [at, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
        where.raw(`(pm.requested_at, pm.seq) > (${where.param(at)}::timestamptz, ${where.param(seq)}::bigint)`);
      }
      const rows: PersonMatchRow[] = await m.query(
        `${MATCH_SELECT} ${where.toString()} ORDER BY pm.requested_at, pm.seq LIMIT ${where.param(limit + 1)}`,
        where.params,
      );
      const page = pageOf(
        rows,
        limit,
        (r) => [r.requestedAt.toISOString(), String(r.seq)],
        (r) => matchView(r),
      );
      const basis = can(actor.roles, 'person.read').basis;
      await this.audit.recordMany(
        m,
        { action: 'person.read', resourceType: 'person', details: { via: 'person-matches' } },
        page.items.flatMap((x) => [
          { resourceId: x.pendingPerson.id, subjectPersonId: x.pendingPerson.id, accessBasis: basis },
          { resourceId: x.candidatePerson.id, subjectPersonId: x.candidatePerson.id, accessBasis: basis },
          ...x.intakes.map((i) => ({ resourceId: i.personId, subjectPersonId: i.personId, accessBasis: basis })),
        ]),
      );
      return page;
    });
  }

  /**
   * Settles a pending match inside the caller's transaction (which moves the referrals on `same-person`): 404 for
   * no such match, 409 `match-resolved` when it was resolved already (also when two managers race), `match-withdrawn`
   * when its record's later number superseded it.
   *
   * PERSON-MATCH: it first takes the lock on the match's number, as whatever raises, counts or withdraws from a match
   * does (personNumberLockSql; a PATCH /people/{id} giving a record waiting on it a later number, claimLocksSql), so
   * that the two are decided one after the other, never both: the later number first, the match is withdrawn and this
   * is 409 `match-withdrawn` (or, another record having taken the pending place, settles that one); the resolution
   * first, every record it settles changes (it no longer shows the number it waited on; `sameAs` on `same-person`), so
   * its version moves, and a change sent on the version read before is 412 rather than written to a record confirmed
   * meanwhile.
   */
  async settleMatch(m: EntityManager, actor: Actor, id: string, outcome: 'same-person' | 'different-person'): Promise<PersonMatchDto> {
    await m.query(`SELECT ${personNumberLockSql('pm.nhs_number')} FROM person_matches pm WHERE pm.id = $1`, [id]);
    const [[row]]: PersonMatchRow[][] = await m.query(
      `UPDATE person_matches SET status = $2, resolved_by = $3, resolved_at = $4, version = version + 1
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id, outcome, actor.userId, this.clock.now()],
    );
    if (!row) {
      const [exists]: Array<{ status: string; foldedInto: string | null }> = await m.query(
        'SELECT status, folded_into AS "foldedInto" FROM person_matches WHERE id = $1',
        [id],
      );
      if (!exists) throw new NotFoundProblem('Person match', id);
      // A folded duplicate is settled with the match it was folded into: that one is to resolve.
      if (exists.foldedInto)
        throw new ConflictProblem(`This match was folded into ${exists.foldedInto}: resolve that one.`, 'match-resolved', {
          foldedInto: exists.foldedInto,
        });
      // PERSON-MATCH: its only record was given another NHS number (or none) since, which superseded the one it waited on.
      if (exists.status === 'withdrawn')
        throw new ConflictProblem(
          'This match was withdrawn: its record was given another NHS number since, so nothing waits on it.',
          'match-withdrawn',
        );
      throw new ConflictProblem(`This match was already resolved (${exists.status}).`, 'match-resolved');
    }
    const [full]: PersonMatchRow[] = await m.query(`${MATCH_SELECT} WHERE pm.id = $1`, [id]);
    const match = matchView(full);
    await m.query('UPDATE persons SET version = version + 1, updated_at = $2 WHERE id = ANY($1::uuid[])', [
      matchedPersonIds(match),
      this.clock.now(),
    ]);
    // The pending person, then each intake folded into the match (the same caller's repeats of the number): each is
    // settled as the pending person is, each audited, in this transaction.
    for (const pendingPersonId of matchedPersonIds(match)) {
      const intake = pendingPersonId !== full.pendingPersonId;
      const moved = outcome === 'same-person' ? await this.mergePerson(m, pendingPersonId, full.candidatePersonId) : {};
      await this.audit.record(m, {
        action: 'person.match-resolve',
        resourceType: 'person-match',
        resourceId: id,
        subjectPersonId: full.candidatePersonId,
        accessBasis: can(actor.roles, 'person.write').basis,
        details: { outcome, pendingPersonId, candidatePersonId: full.candidatePersonId, moved, ...(intake ? { intake: true } : {}) },
      });
    }
    return match;
  }

  /**
   * A same-person match's pending person (or an intake folded into it) merged into the recorded person `to`: the
   * records kept against them move, in the caller's transaction. 409 `pending-person-in-use` when some cannot.
   */
  private async mergePerson(m: EntityManager, from: string, to: string): Promise<MovedRecords> {
    // The pending person was recorded from what a referrer sent, for that intake: everything kept against them since
    // (the relatives and nearest-relative facts an AMHP recorded, the assessment she opened, decisions) is the
    // recorded person's and moves with the referrals (ReferralsService.resolveMatch), in this transaction. Left
    // behind, the allocated AMHP would lose her own open assessment (its access follows the person) and the s.26
    // ranking and s.11(4) consultation would be judged without the relatives she found (NR-01..NR-14).
    const at = this.clock.now();
    const moved = await this.movePersonRecords(m, from, to);
    for (const [kind, ids] of Object.entries(await this.personMoves.move(m, from, to, at))) moved[kind] = ids;
    // Anything still kept against the pending person (a table no mover knows of) would be left behind: refused.
    const [{ others }]: Array<{ others: string }> = await m.query(
      `SELECT coalesce(string_agg(DISTINCT cls.relname, ', '), '') AS others
         FROM pg_constraint c JOIN pg_class cls ON cls.oid = c.conrelid JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'persons'::regclass AND cls.relname NOT IN ('referrals', 'person_matches', 'person_match_intakes')
          AND (xpath('//n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I WHERE %I = %L', cls.relname, a.attname, $1::text), false, false, '')))[1]::text::int > 0`,
      [from],
    );
    if (others)
      throw new ConflictProblem(
        `The pending person has other records that cannot be moved (${others}); resolve them before confirming the match.`,
        'pending-person-in-use',
      );
    return moved;
  }

  /** The people module's own records of `from` (relatives and the s.26/s.29 and nominated-person facts) moved to `to`. */
  private async movePersonRecords(m: EntityManager, from: string, to: string): Promise<MovedRecords> {
    const moved: MovedRecords = {};
    const tables = [
      ['relatives', 'relatives', true],
      ['nominatedPersons', 'nominated_persons', true],
      ['nearestRelativeObjections', 'nearest_relative_objections', false],
      ['displacements', 'nearest_relative_displacements', true],
    ] as const;
    for (const [kind, table, versioned] of tables) {
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE ${table} SET person_id = $2${versioned ? ', version = version + 1' : ''} WHERE person_id = $1 RETURNING id`,
        [from, to],
      );
      if (rows.length) moved[kind] = rows.map((r) => r.id);
    }
    return moved;
  }

  /**
   * One person, with no access check and no audit: for a caller that has decided access and audits the read in the
   * same transaction `m` (e.g. a referral shown with its person). 404 when there is no such person.
   */
  async get(m: EntityManager, id: string): Promise<PersonDto> {
    return this.load(m, id);
  }

  /** GET /people/:id: the guard has decided access; the read and its audit record commit together. */
  async read(id: string, decision: Decision): Promise<PersonDto> {
    return this.db.transaction(async (m) => {
      const person = await this.load(m, id);
      await this.audit.record(m, personRead(person.id, decision));
      return person;
    });
  }

  /**
   * `read` of several people at once, each on its own decision: one statement for all of them, each read audited as
   * `read` audits it. In the order asked; a person not found is 404 as for one.
   */
  async readEach(reads: ReadonlyArray<{ id: string; decision: Decision }>): Promise<PersonDto[]> {
    if (!reads.length) return [];
    return this.db.transaction(async (m) => {
      const rows = await this.db.preparedIn<PersonRow>(m, `SELECT ${COLUMNS} FROM persons p WHERE p.id = ANY($1::uuid[])`, [
        reads.map((r) => r.id),
      ]);
      const found = new Map(rows.map((r) => [r.id, r]));
      const people: PersonDto[] = [];
      for (const { id, decision } of reads) {
        const row = found.get(id.toLowerCase());
        if (!row) throw new NotFoundProblem('Person', id);
        const person = personDto(row);
        await this.audit.record(m, personRead(person.id, decision));
        people.push(person);
      }
      return people;
    });
  }

  /**
   * PATCH /people/:id: compare-and-set on the version. An NHS number another person holds is a 409 `person-exists`
   * naming that record only to a caller who may read it (the disclosure audited, as POST /people does). Anyone else
   * (an AMHP with no relationship to the holder) is answered as for a number never recorded, so that the number does
   * not say whether the hub holds it (being known to the hub means a Mental Health Act referral): the change is made
   * without the number (the record giving up any of its own, as for a new number), which waits in a pending match to
   * the holder for a manager to resolve, audited against the holder (`person.match`). A number (or `null`) sent
   * supersedes any other the record still waits on in a pending match (PERSON-MATCH): its part in that match is
   * withdrawn in the change's statement (withdrawnPartsSql), audited against that match's holder
   * (`person.match-withdraw`), so that the record shows, and is found by, what it was given last, as it would had the
   * earlier number been new; the same statements either way.
   */
  async update(actor: Actor, id: string, dto: UpdatePersonDto, expectedVersion: ExpectedVersion, decision: Decision): Promise<PersonDto> {
    this.checkRules(dto);
    const outcome = await this.db.transaction(async (m): Promise<{ person: PersonDto } | { existingId: string }> => {
      const current = await this.load(m, id);
      assertVersion(expectedVersion, current.version);
      const fields = FIELDS.filter((f) => dto[f] !== undefined);
      if (!fields.length) {
        await this.audit.record(m, personRead(id, decision));
        return { person: current };
      }
      // PERSON-MATCH: a record confirmed to be another person is changed no more (409, whatever If-Match says).
      refuseChangeOfConfirmed(current.sameAs);
      let heldBy: string | undefined;
      // A number sent (or `null`, none) is a claim that supersedes any the record still waits on in a pending match
      // for another number (PERSON-MATCH; withdrawnPartsSql, in the change's statement below).
      const claims = dto.nhsNumber !== undefined;
      // Looked up whenever a number is sent, even the one the record holds or shows (a number waiting in a pending
      // match is shown as sent, and sent again is counted on the match, never written): the same statements whether
      // or not the number is held elsewhere, a first time or again, or the record waits on a match or not.
      if (claims) {
        // Who holds the number, with the caller's access facts to them, in one statement that first takes the locks of
        // the number and of those the record waits on in pending matches (as POST /people and intake take the number's:
        // the caller's open match is then looked for and written in one step, and the record's part in another match
        // withdrawn); the pending match is left by the change's own statement below: a number held elsewhere costs no
        // statement a new one does not.
        const [other] = await this.db.preparedOn<PersonAccessRow & { id: string }>(
          m,
          `SELECT o.id::text AS id, ${accessFactsSql({ user: '$3', person: 'o.id', at: '$4', resourceType: 'NULL::text', resourceId: 'NULL::text' })}
             FROM persons o WHERE ${claimLocksSql('$1', '$2::uuid')} AND o.nhs_number = $1 AND o.id <> $2`,
          [dto.nhsNumber ?? null, id, actor.userId, this.clock.now()],
        );
        if (other) {
          if (this.access.decideFrom(actor, 'person.read', other).allowed) return { existingId: other.id };
          heldBy = other.id;
        }
      }
      // A number held elsewhere is not written: the record gives up any number of its own, as it would for a new one
      // (PERSON-MATCH: the later claim supersedes it, so it is neither found by it nor keeps it from another record),
      // and waits on the match for the number sent. The rest is written, and the version moves as for any change.
      const n = fields.length;
      const params: unknown[] = [
        id,
        current.version,
        ...fields.map((f) => (f === 'nhsNumber' && heldBy ? null : dto[f])),
        heldBy ?? null,
        heldBy ? dto.nhsNumber : null,
        actor.userId,
        this.clock.now(),
        claims,
        dto.nhsNumber ?? null,
      ];
      const sets = fields.map((f, i) => `${COLUMN[f]} = $${i + 3}, `);
      let rows: Array<{
        id: string;
        matchId: string | null;
        earlierPersonId: string | null;
        attempts: number | null;
        withdrawals: WithdrawnPart[];
      }>;
      try {
        // The pending match, or the caller's open one counting the change (and linking this person to it, if it is
        // not its pending person), by the one statement that raises them all (pendingMatchSql); and the person's part
        // withdrawn from any pending match for another number (withdrawnPartsSql).
        rows = await m.query(
          `WITH changed AS (UPDATE persons SET ${sets.join('')}version = version + 1, updated_at = $${n + 6}::timestamptz WHERE id = $1 AND version = $2 RETURNING id),
                ${pendingMatchSql({
                  person: '(SELECT id FROM changed)',
                  holder: `$${n + 3}::uuid`,
                  nhsNumber: `$${n + 4}::text`,
                  user: `$${n + 5}::uuid`,
                  at: `$${n + 6}::timestamptz`,
                })},
                ${withdrawnPartsSql({
                  person: '(SELECT id FROM changed)',
                  claims: `$${n + 7}::boolean`,
                  nhsNumber: `$${n + 8}::text`,
                  holder: `$${n + 3}::uuid`,
                  user: `$${n + 5}::uuid`,
                  at: `$${n + 6}::timestamptz`,
                })}
           SELECT changed.id, coalesce((SELECT matched.id FROM matched), (SELECT repeated.id FROM repeated))::text AS "matchId",
                  (SELECT repeated.pending_person_id FROM repeated)::text AS "earlierPersonId",
                  coalesce((SELECT matched.attempts FROM matched), (SELECT repeated.attempts FROM repeated)) AS attempts,
                  ${WITHDRAWN_PARTS} AS withdrawals
             FROM changed`,
          params,
        );
      } catch (err) {
        // A concurrent request recorded the number between our check and this write: a lost race, to retry (the retry
        // is answered as above), saying nothing of who holds it.
        if (pgCode(err) === '23505' && constraintOf(err) === 'persons_nhs_number_key')
          throw new ConflictProblem('Another request changed the same data at the same time; retry.', 'concurrent-update');
        throw err;
      }
      if (!rows.length)
        throw new PreconditionFailedProblem('The person was changed by someone else meanwhile; fetch them again and retry.');
      // Each match the change withdrew the person from, audited as its raising was: against the holder.
      for (const w of rows[0].withdrawals) {
        await this.audit.record(m, {
          action: 'person.match-withdraw',
          resourceType: 'person-match',
          resourceId: w.id,
          subjectPersonId: w.candidateId,
          details: {
            personId: id,
            part: w.wasPending ? 'pending-person' : 'intake',
            status: w.status,
            pendingPersonId: w.pendingPersonId,
            // Intakes that wait in a match of their own to the holder, left to it (withdrawnPartsSql).
            ...(w.intakesLeft.length ? { intakesLeftToOwnMatch: w.intakesLeft } : {}),
            reason: 'nhs-number-superseded',
            via: 'person-update',
          },
        });
      }
      if (heldBy) {
        // As an intake's: against the holder, with the match's pending person and the attempts it now counts, and this
        // person when the change was folded into the caller's match of another record (one of its intakes now).
        const { matchId, earlierPersonId, attempts } = rows[0];
        await this.audit.record(m, {
          action: 'person.match',
          resourceType: matchId ? 'person-match' : 'person',
          resourceId: matchId ?? heldBy,
          subjectPersonId: heldBy,
          outcome: 'failure',
          details: {
            matchedBy: 'nhsNumber',
            pendingPersonId: earlierPersonId ?? id,
            reason: 'identity-not-confirmed',
            via: 'person-update',
            attempts,
            ...(earlierPersonId && earlierPersonId !== id ? { intakePersonId: id } : {}),
          },
        });
      }
      await this.audit.record(m, {
        action: 'person.update',
        resourceType: 'person',
        resourceId: id,
        subjectPersonId: id,
        accessBasis: decision.basis,
        details: { fields },
      });
      // POL-09 (s.136A(1)): the age at the place of safety of the person's open s.135(1)/s.136 referrals is read from
      // the date of birth on record: changed, their findings (and pages) are judged again, in this transaction.
      if (fields.includes('dateOfBirth') && (dto.dateOfBirth ?? null) !== current.dateOfBirth)
        await this.dateOfBirthChanges.changed(m, id, actor);
      const person = await this.load(m, id);
      // The answer a number never recorded gets: the number sent with the record (held by the match until resolved).
      return { person: heldBy ? { ...person, nhsNumber: dto.nhsNumber ?? null } : person };
    });
    if ('person' in outcome) return outcome.person;
    // The caller, who may read the holder, learns that they exist and their id: that disclosure is recorded.
    await this.audit.recordAlone({
      action: 'person.update',
      resourceType: 'person',
      resourceId: outcome.existingId,
      subjectPersonId: outcome.existingId,
      outcome: 'failure',
      actor: { userId: actor.userId, roles: actor.roles },
      details: { reason: 'person-exists', matchedBy: 'nhsNumber', named: true, personId: id },
    });
    throw this.personExists('Another person is recorded with this NHS number.', outcome.existingId);
  }

  /**
   * GET /people: by NHS number, or family name + date of birth (+ given name). Only people the actor may read
   * (person.read's scope) are returned, and each one returned is audited `person.search-result` with its basis,
   * in the transaction that found them. The search itself is audited too (criteria names and result count), so
   * fishing shows up even when it finds nothing.
   */
  async search(actor: Actor, q: PersonSearchQuery): Promise<Page<PersonSummaryDto>> {
    const criteria = (['nhsNumber', 'familyName', 'dateOfBirth', 'givenName'] as const).filter((k) => q[k] !== undefined);
    if (!q.nhsNumber && !(q.familyName && q.dateOfBirth)) {
      throw new ProblemError(
        400,
        'search-criteria-required',
        'The request is not valid',
        'Search by nhsNumber, or by familyName and dateOfBirth (givenName narrows the latter).',
        {
          errors: [
            {
              field: q.familyName ? 'dateOfBirth' : q.dateOfBirth ? 'familyName' : 'nhsNumber',
              messages: ['give nhsNumber, or familyName and dateOfBirth'],
            },
          ],
        },
      );
    }
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    // The cursor carries the sort key of the last person of the page given (their names, and the order recorded in,
    // seq, which breaks a tie of names: two people of one name come in the order recorded, never by their random ids),
    // sealed for this caller and this search (no name travels readable in URLs, and no other's key can be made up):
    // the next page is found from those values, never by looking up a person the caller names, whom they may not be
    // allowed to read. A cursor given before seq broke the tie (it carried the id) is a 400 naming cursor.
    const cursorContext = `person-search:${actor.userId}:${JSON.stringify(criteria.map((k) => q[k]))}`;
    const after = q.cursor ? openCursor(this.config.cursorKey, cursorContext, q.cursor, ['string', 'string', 'bigint']) : undefined;
    // Built inside the transaction, which Db may run again after a deadlock.
    return this.db.transaction(async (m) => {
      const where = new SqlWhere();
      // By the number each record shows (personNhsNumberSql): the one it holds, or one waiting in a pending match.
      if (q.nhsNumber) where.raw(`p.id IN ${peopleShowingNhsNumberSql(where.param(q.nhsNumber))}`);
      // lower(family_name) LIKE 'prefix%' with a date of birth: persons_name_dob_idx.
      if (q.familyName) where.add('lower(p.family_name) LIKE lower(?)', startsWith(q.familyName));
      if (q.dateOfBirth) where.add('p.date_of_birth = ?::date', q.dateOfBirth);
      if (q.givenName) where.add('lower(p.given_name) LIKE lower(?)', startsWith(q.givenName));
      // A record confirmed to be another person's (a same-person match: its records moved there) is found as that person.
      where.raw(`${sameAsSql('p.id')} IS NULL`);
      if (after)
        where.raw(
          `(lower(p.family_name), lower(p.given_name), p.seq) > (lower(${where.param(after[0])}::text), lower(${where.param(after[1])}::text), ${where.param(after[2])}::bigint)`,
        );
      const scope = this.access.scope(actor, 'person.read', 'p.id', where.params.length + 1);
      where.params.push(...scope.params);
      where.raw(scope.sql);
      const limitParam = where.param(limit + 1);
      const rows: Array<PersonSummaryDto & { seq: string }> = await m.query(
        `SELECT ${SUMMARY_COLUMNS}, p.seq FROM persons p ${where} ORDER BY lower(p.family_name), lower(p.given_name), p.seq LIMIT ${limitParam}`,
        where.params,
      );
      const page = pageOf(
        rows,
        limit,
        (r) => [r.familyName, r.givenName, String(r.seq)],
        ({ seq: _seq, ...r }) => r,
        (key) => sealCursor(this.config.cursorKey, cursorContext, key),
      );
      // The scope said who is visible; the policy says on what basis, which each audit record carries. Roles that
      // see everyone share one basis; otherwise each person is decided (and anyone no longer readable is dropped).
      const blanket = can(actor.roles, 'person.read');
      const shown: PersonSummaryDto[] = [];
      const reads: Array<{ resourceId: string; subjectPersonId: string; accessBasis: string }> = [];
      for (const person of page.items) {
        const decision = blanket.allowed ? blanket : await this.access.decide(actor, 'person.read', person.id, m);
        if (!decision.allowed) continue;
        reads.push({ resourceId: person.id, subjectPersonId: person.id, accessBasis: decision.basis });
        shown.push(person);
      }
      await this.audit.recordMany(m, { action: 'person.search-result', resourceType: 'person', details: { criteria } }, reads);
      await this.audit.record(m, { action: 'person.search', resourceType: 'person', details: { criteria, results: shown.length } });
      return { items: shown, nextCursor: page.nextCursor };
    });
  }

  /** Rules the validation pipe cannot know: the NHS number (again, for callers that build the DTO themselves) and the date of birth. */
  private checkRules(dto: CreatePersonDto | UpdatePersonDto): void {
    if (dto.nhsNumber && !isValidNhsNumber(dto.nhsNumber)) {
      throw new ValidationProblem([
        { field: 'nhsNumber', messages: ['nhsNumber must be a valid NHS number: 10 digits whose last is the modulus 11 check digit'] },
      ]);
    }
    if (!dto.dateOfBirth) return;
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (dto.dateOfBirth > today) {
      throw new UnprocessableProblem('The date of birth is in the future.', 'date-of-birth-in-future', {
        errors: [{ field: 'dateOfBirth', messages: ['dateOfBirth may not be after today'] }],
      });
    }
    if (dto.dateOfBirth < addYears(today, -MAX_AGE_YEARS)) {
      throw new UnprocessableProblem(`The date of birth is more than ${MAX_AGE_YEARS} years ago.`, 'date-of-birth-implausible', {
        errors: [{ field: 'dateOfBirth', messages: [`dateOfBirth may not be more than ${MAX_AGE_YEARS} years ago`] }],
      });
    }
  }

  /**
   * Inserts the person unless their NHS number is already recorded (ON CONFLICT: a concurrent insert of the same
   * number loses quietly instead of aborting the caller's transaction). Returns the new person as `load` would read
   * them back (from the INSERT itself: one statement, not an insert and a read), or the existing person's id.
   */
  private async insert(m: EntityManager, actor: Actor, dto: CreatePersonDto): Promise<PersonDto | { existingId: string }> {
    const fields = FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
    const values = fields.map((f) => dto[f]);
    const placeholders = fields.map((_, i) => `$${i + 1}`);
    // Prepared (one statement for each set of fields given: intake sends the same few sets).
    const rows = await this.db.preparedOn<PersonRow>(
      m,
      `INSERT INTO persons AS p (${[...fields.map((f) => COLUMN[f]), 'created_by', 'created_at', 'updated_at'].join(', ')})
       VALUES (${[...placeholders, `$${fields.length + 1}`, `$${fields.length + 2}`, `$${fields.length + 2}`].join(', ')})
       ON CONFLICT (nhs_number) WHERE nhs_number IS NOT NULL DO NOTHING RETURNING ${COLUMNS}`,
      [...values, actor.userId, this.clock.now()],
    );
    if (rows.length) {
      await this.audit.record(m, {
        action: 'person.create',
        resourceType: 'person',
        resourceId: rows[0].id,
        subjectPersonId: rows[0].id,
        actor: { userId: actor.userId, roles: actor.roles },
        details: { fields },
      });
      return personDto(rows[0]);
    }
    const [existing] = await m.query('SELECT id FROM persons WHERE nhs_number = $1', [dto.nhsNumber]);
    return { existingId: existing.id };
  }

  private async load(m: EntityManager, id: string): Promise<PersonDto> {
    const rows: PersonRow[] = await m.query(`SELECT ${COLUMNS} FROM persons p WHERE p.id = $1`, [id]);
    if (!rows.length) throw new NotFoundProblem('Person', id);
    return personDto(rows[0]);
  }
}
