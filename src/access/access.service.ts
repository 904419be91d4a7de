import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Db } from '../database/db';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { personHasOpenReferralSql } from '../referrals/referrals.tables';
import { onShiftSql } from '../rota/rota.tables';
import { RelationshipKind } from './access-relationship.entity';
import { AuditService } from '../audit/audit.service';
import { ForbiddenProblem, NotFoundProblem } from '../common/problem';
import { AccessFacts, Action, Decision, NAMED_SOURCES, can, isPersonAction, personScope, relationshipBasis } from './policy';

export interface NewRelationship {
  userId: string;
  personId: string;
  kind: RelationshipKind;
  sourceType: string;
  sourceId: string;
  validFrom: Date;
  validTo?: Date | null;
  /** When the relationship is recorded (created_at): the now of the change that grants it; the service's clock by default. */
  recordedAt?: Date;
}

/**
 * The "on duty for the hub" relationship is derived rather than stored: an AMHP on a rota shift at that moment is
 * related to every person with an open referral (the hub's queue is theirs while they are on duty). A SQL
 * condition over (user, person, instant) expressions. `user` and `at` must be bind parameters; `person` may be a
 * column of the outer query and is compared only outside the subqueries (`person IN (SELECT ...)`), so no alias of
 * a subquery can shadow it: were it written inside one, `r.person_id` would read the subquery's own `r` and the
 * condition would hold for every row of the outer query.
 */
export const ON_DUTY_FOR_PERSON = (user: string, person: string, at: string) => {
  for (const param of [user, at]) if (!/^\$\d+$/.test(param)) throw new Error(`ON_DUTY_FOR_PERSON: ${param} is not a bind parameter`);
  return `(${onShiftSql(user, at)} AND ${personHasOpenReferralSql(person)})`;
};

/** What a person-scoped decision needs from the database, as read with a record (`accessFactsSql`). */
/** The record a refusal offers break-glass on: what POST /break-glass takes (`personId`, `referralId`, `assessmentId`). */
export interface BreakGlassRecord {
  type: 'person' | 'referral' | 'assessment';
  id: string;
}

/**
 * The relationships a user holds to a person now, each as `kind:source` (its kind, and the source type that created
 * it, e.g. `duty:referral-offer`; `duty:rota` for the derived on-duty relationship), so that the audited basis can
 * name where the access came from (relationshipBasis).
 */
export type RelationshipVia = `${RelationshipKind}:${string}`;

export interface PersonAccessRow {
  /** The relationships the user holds to the person now, as `kind:source` ('duty:rota' when on duty for them). */
  accessVia: RelationshipVia[];
  /** The user's break-glass session on the person now, if any. */
  accessSession: string | null;
}

/**
 * Output columns holding what the policy needs to decide on a user's access to the person `person` (a bind
 * parameter, or a column of the statement's row) at `at`: `accessVia`, the relationships in force (a `conducted`
 * one only when its source is the record `resourceType`/`resourceId` being read), `accessSession`, a break-glass
 * session, and `accessFor`, the user they are for. `user`, `at` and `resourceType` are bind parameters; `resourceId`
 * a parameter or a column (as text).
 */
export function accessFactsSql(p: { user: string; person: string; at: string; resourceType: string; resourceId: string }): string {
  return `(SELECT coalesce(array_agg(k.via), '{}') FROM (
             SELECT kind || ':' || source_type AS via FROM access_relationships
              WHERE user_id = ${p.user} AND person_id = ${p.person} AND valid_from <= ${p.at} AND (valid_to IS NULL OR valid_to > ${p.at})
                AND (kind <> 'conducted' OR (source_type = ${p.resourceType} AND source_id = ${p.resourceId}))
             UNION
             SELECT 'duty:rota' WHERE ${ON_DUTY_FOR_PERSON(p.user, p.person, p.at)}) k) AS "accessVia",
          (SELECT id FROM break_glass_sessions
            WHERE user_id = ${p.user} AND person_id = ${p.person} AND started_at <= ${p.at} AND expires_at > ${p.at} AND ended_at IS NULL
            ORDER BY expires_at DESC LIMIT 1) AS "accessSession",
          ${p.user}::uuid::text AS "accessFor"`;
}

/** A row read with accessFactsSql's columns (the last, `accessFor`, the user they were read for). */
export type ReadWithAccess = Partial<PersonAccessRow> & { accessFor?: string };

/** The access facts `row` carries for `actor`: only when it was read for them (else the decision reads its own). */
export function accessFactsOf(actor: Actor, row: ReadWithAccess | undefined): PersonAccessRow | undefined {
  return row?.accessFor === actor.userId ? { accessVia: row.accessVia ?? [], accessSession: row.accessSession ?? null } : undefined;
}

/** A refused record as break-glass takes it: a referral or an assessment by its id, anything else by its person. */
function breakGlassRecord(resource: { type: string; id: string }, personId: string): BreakGlassRecord {
  return resource.type === 'referral' || resource.type === 'assessment'
    ? { type: resource.type, id: resource.id }
    : { type: 'person', id: personId };
}

/** Gathers the facts the policy needs from the database and asks `can`. */
@Injectable()
export class AccessService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * The policy's decision on `action` for this person now. A `conducted` relationship is to one record, not to the
   * person: it counts only when `resource` (the record being read) is its source.
   */
  async decide(
    actor: Actor,
    action: Action,
    personId?: string,
    m: EntityManager = this.db.manager,
    resource?: { type: string; id: string },
  ): Promise<Decision> {
    if (!isPersonAction(action) || personId === undefined) return can(actor.roles, action);
    const now = this.clock.now();
    // The relationships and a break-glass session in one statement: a person's record is read or changed behind this
    // decision on every such request, and each statement in a transaction is a round trip of its own.
    const [found] = await this.db.preparedOn<PersonAccessRow>(
      m,
      `SELECT ${accessFactsSql({ user: '$1', person: '$2', at: '$3', resourceType: '$4', resourceId: '$5' })}`,
      [actor.userId, personId, now, resource?.type ?? null, resource?.id ?? null],
    );
    return this.decideFrom(actor, action, found);
  }

  /**
   * `decide` on each of several people at once (no record of a `conducted` relationship in view): one statement for
   * all of them. The decisions come in the order of `personIds`.
   */
  async decideEach(actor: Actor, action: Action, personIds: readonly string[], m: EntityManager = this.db.manager): Promise<Decision[]> {
    if (!isPersonAction(action) || !personIds.length) return personIds.map(() => can(actor.roles, action));
    const rows = await this.db.preparedOn<PersonAccessRow & { asked: string }>(
      m,
      `SELECT asked.asked_person::text AS asked,
              ${accessFactsSql({ user: '$1', person: 'asked.asked_person', at: '$3', resourceType: 'NULL::text', resourceId: 'NULL::text' })}
         FROM unnest($2::uuid[]) AS asked(asked_person)`,
      [actor.userId, personIds, this.clock.now()],
    );
    const facts = new Map(rows.map((r) => [r.asked, r]));
    return personIds.map((id) => this.decideFrom(actor, action, facts.get(id.toLowerCase())!));
  }

  /**
   * The policy's decision on `action` from the facts read with the record (accessFactsSql), for the same actor. The
   * policy decides on the relationships' kinds; the basis then names the source that gave the kind it allowed on (an
   * offer's or an escalation page's duty access is audited as such, not as the rota's duty: relationshipBasis).
   */
  decideFrom(actor: Actor, action: Action, facts: PersonAccessRow): Decision {
    const kinds = [...new Set(facts.accessVia.map((v) => v.slice(0, v.indexOf(':')) as RelationshipKind))];
    const decision = can(actor.roles, action, { relationships: kinds, breakGlassSessionId: facts.accessSession ?? undefined });
    return decision.allowed ? { ...decision, basis: relationshipBasis(decision.basis, facts.accessVia) } : decision;
  }

  /**
   * Asks the policy again once the record is loaded (own-record rules), auditing and refusing a denial with 403.
   * Returns the decision, whose basis goes into the audit record of the read or change.
   */
  async require(actor: Actor, action: Action, facts: AccessFacts, resource: { type: string; id: string }): Promise<Decision> {
    const decision = can(actor.roles, action, facts);
    if (decision.allowed) return decision;
    return this.deny(actor, action, resource, decision.reason ?? 'You are not allowed to do this.');
  }

  /**
   * Refuses a request the route let through (the role may act, but not on this record): the denial is audited in a
   * transaction of its own (the request's own rolls back) and the caller gets 403 with the reason.
   */
  async deny(
    actor: Actor,
    policy: string,
    resource: { type: string; id: string },
    reason: string,
    subjectPersonId: string | null = null,
    breakGlassOn?: BreakGlassRecord,
  ): Promise<never> {
    await this.recordDenied(actor, policy, resource, reason, subjectPersonId);
    const problem = new ForbiddenProblem(reason, breakGlassOn ? 'no-relationship' : 'forbidden');
    // The link names the record refused (POST /break-glass takes it and finds the person), never the person behind a
    // referral or an assessment: a refusal must not let its reader link the records of one person.
    if (breakGlassOn) problem.extensions.breakGlass = { href: '/break-glass', method: 'POST', [`${breakGlassOn.type}Id`]: breakGlassOn.id };
    throw problem;
  }

  /**
   * The audit row of a refused attempt (`policy` did not allow it, for `reason`), in a transaction of its own: kept
   * whatever becomes of the request's (AuditService.recordAlone). `deny` records with it before refusing 403; a
   * refusal answered otherwise (a closed record's 409) records with it too.
   */
  async recordDenied(
    actor: Actor,
    policy: string,
    resource: { type: string; id: string },
    reason: string,
    subjectPersonId: string | null = null,
  ): Promise<void> {
    await this.audit.recordAlone({
      action: 'access.denied',
      resourceType: resource.type,
      resourceId: resource.id,
      subjectPersonId,
      outcome: 'denied',
      actor: { userId: actor.userId, roles: actor.roles },
      details: { policy, reason },
    });
  }

  /**
   * The person-level check of a record that belongs to a person (a referral, an assessment): allowed → the basis to
   * audit the read with; denied → the denial audited in a transaction of its own, and 403 (offering break-glass
   * when it would open access).
   */
  async requirePerson(
    actor: Actor,
    action: Action,
    personId: string,
    m: EntityManager,
    resource: { type: string; id: string },
    facts?: PersonAccessRow,
  ): Promise<string> {
    // Facts read with the record (in the same statement, for this actor) save the decision a round trip of its own.
    const decision = facts ? this.decideFrom(actor, action, facts) : await this.decide(actor, action, personId, m, resource);
    if (decision.allowed) return decision.basis;
    return this.deny(
      actor,
      action,
      resource,
      decision.reason ?? `You are not allowed to see this ${resource.type}.`,
      personId,
      decision.breakGlassAvailable ? breakGlassRecord(resource, personId) : undefined,
    );
  }

  /**
   * A record asked for by an id the hub does not hold, by a caller who may see only some records of its kind. Of a
   * person's record (a referral, an assessment): to a caller whose role reaches every person under `action` (a
   * manager) that is 404; to anyone else it is refused as a record of someone they have no relationship to is (403,
   * with the same break-glass link, and audited as such). Of a staff record that only its own people see (leave,
   * supervision, an approval: the `ownRoles` of `action`): to a caller with the full role it is 404; to anyone else
   * it is refused as somebody else's record is (`require` with `owns: false`: the same 403, audited the same). Either
   * way the answer never says whether the hub holds a record they may not see (UK GDPR Art. 5(1)(f)). Break-glass on
   * an id the hub does not hold is then 404, an audited act of its own.
   */
  async refuseUnknown(actor: Actor, action: Action, resource: { type: string; id: string }, notFound: Error): Promise<never> {
    const person = isPersonAction(action);
    const decision = can(actor.roles, action, person ? {} : { owns: false });
    if (decision.allowed) throw notFound;
    if (!person) return this.deny(actor, action, resource, decision.reason ?? 'You are not allowed to do this.');
    return this.deny(
      actor,
      action,
      resource,
      decision.reason ?? `You are not allowed to see this ${resource.type}.`,
      null,
      decision.breakGlassAvailable ? breakGlassRecord(resource, resource.id) : undefined,
    );
  }

  /**
   * Loads a record by id for `action`: its loader's 404 becomes refuseUnknown's answer (the same 403 as another's
   * record to a caller who may see only some records of the kind).
   */
  async loadOrRefuse<T>(actor: Actor, action: Action, resource: { type: string; id: string }, load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (err) {
      if (err instanceof NotFoundProblem) return this.refuseUnknown(actor, action, resource, err);
      throw err;
    }
  }

  /** True when the actor holds one of the action's full roles (not only an own-record role). */
  hasRole(actor: Actor, action: Action): boolean {
    return can(actor.roles, action, { owns: false }).allowed;
  }

  /**
   * A SQL condition limiting a list to the people this actor may see, for `WHERE ${sql}`; `personColumn` is the
   * list's person id column (qualified by its alias) and parameters are numbered from `firstParam`. `basis` is a SQL
   * expression over the same row giving the access basis of each row shown, for the audit record of the read.
   */
  scope(
    actor: Actor,
    action: Action,
    personColumn: string,
    firstParam: number,
    record?: { type: string; column: string },
  ): { sql: string; params: unknown[]; basis: string } {
    if (!/^[a-z_]+\.[a-z_]+$/.test(personColumn)) throw new Error(`scope: ${personColumn} must be an alias-qualified column`);
    if (record && (!/^[a-z_]+\.[a-z_]+$/.test(record.column) || !/^[a-z-]+$/.test(record.type)))
      throw new Error(`scope: ${record.type} ${record.column} must be a record type and an alias-qualified column`);
    const scope = personScope(actor.roles, action);
    if (scope.all) return { sql: 'TRUE', params: [], basis: `'${can(actor.roles, action).basis}'` };
    const [u, k, t] = [firstParam, firstParam + 1, firstParam + 2];
    const parts: string[] = [];
    // The basis of each row shown, as the policy would give it (the first relationship kind that holds, in the
    // policy's order, then break-glass), for the audit record of the read: a SQL expression over the same parameters.
    const cases: string[] = [];
    // A `conducted` relationship is to one record (its source), never to the person: it counts only for a list of
    // such records (`record`: their type and id column), and then only for the record it came from.
    const related = (kinds: string, sourceType?: string) =>
      `${personColumn} IN (SELECT person_id FROM access_relationships WHERE user_id = $${u} AND kind = ANY(${kinds}) AND kind <> 'conducted'${sourceType ? ` AND source_type = '${sourceType}'` : ''} AND valid_from <= $${t} AND (valid_to IS NULL OR valid_to > $${t}))`;
    const conducted = record
      ? `${record.column}::text IN (SELECT source_id FROM access_relationships WHERE user_id = $${u} AND kind = 'conducted' AND source_type = '${record.type}' AND valid_from <= $${t} AND (valid_to IS NULL OR valid_to > $${t}))`
      : null;
    if (scope.relationships.length) {
      parts.push(related(`$${k}::text[]`));
      if (conducted && scope.relationships.includes('conducted')) parts.push(conducted);
      for (const kind of scope.relationships) {
        if (kind === 'conducted') {
          if (conducted) cases.push(`WHEN ${conducted} THEN 'relationship:conducted'`);
          continue;
        }
        // A source narrower than its kind is named first (relationshipBasis: an offer, an escalation page).
        for (const named of NAMED_SOURCES.filter((s) => s.kind === kind))
          cases.push(`WHEN ${related(`ARRAY['${kind}']`, named.sourceType)} THEN 'relationship:${named.basis}'`);
        const stored = related(`ARRAY['${kind}']`);
        cases.push(
          `WHEN ${kind === 'duty' ? `(${stored} OR ${ON_DUTY_FOR_PERSON(`$${u}`, personColumn, `$${t}`)})` : stored} THEN 'relationship:${kind}'`,
        );
      }
    }
    if (scope.relationships.includes('duty')) parts.push(ON_DUTY_FOR_PERSON(`$${u}`, personColumn, `$${t}`));
    const session = `(SELECT id FROM break_glass_sessions WHERE user_id = $${u} AND person_id = ${personColumn} AND started_at <= $${t} AND expires_at > $${t} AND ended_at IS NULL ORDER BY expires_at DESC LIMIT 1)`;
    if (scope.breakGlass) {
      parts.push(
        `${personColumn} IN (SELECT person_id FROM break_glass_sessions WHERE user_id = $${u} AND started_at <= $${t} AND expires_at > $${t} AND ended_at IS NULL)`,
      );
      cases.push(`WHEN ${session} IS NOT NULL THEN 'break-glass:' || ${session}`);
    }
    if (!parts.length) return { sql: 'FALSE', params: [], basis: 'NULL' };
    return {
      sql: `(${parts.join(' OR ')})`,
      params: [actor.userId, scope.relationships, this.clock.now()],
      basis: `(CASE ${cases.join(' ')} END)`,
    };
  }

  /**
   * Records a relationship, in the caller's transaction (one prepared INSERT, not the ORM's save), dated (created_at)
   * by `recordedAt`, the now of the caller's change, else the service's clock.
   */
  async grant(m: EntityManager, rel: NewRelationship): Promise<void> {
    await this.db.preparedOn(
      m,
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from, valid_to, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        rel.userId,
        rel.personId,
        rel.kind,
        rel.sourceType,
        rel.sourceId,
        rel.validFrom,
        rel.validTo ?? null,
        rel.recordedAt ?? this.clock.now(),
      ],
    );
  }

  /**
   * Moves the current relationships a source created to another person (a pending identity match confirmed): each is
   * ended at `at` and granted again, for the same user, kind and source, on `toPersonId` from `at`, never before.
   */
  async movePerson(m: EntityManager, sourceType: string, sourceId: string, toPersonId: string, at: Date): Promise<void> {
    const current: Array<{ userId: string; kind: RelationshipKind }> = await m.query(
      `SELECT DISTINCT user_id AS "userId", kind FROM access_relationships
        WHERE source_type = $1 AND source_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
      [sourceType, sourceId, at],
    );
    await this.end(m, sourceType, sourceId, at);
    for (const r of current) await this.grant(m, { ...r, personId: toPersonId, sourceType, sourceId, validFrom: at, recordedAt: at });
  }

  /**
   * Ends the relationships a source (or any of several kinds of source) created, e.g. a referral closed or
   * re-allocated. The users whose relationship it ended, each once.
   */
  async end(m: EntityManager, sourceType: string | readonly string[], sourceId: string, at: Date, userId?: string): Promise<string[]> {
    // A relationship that began at this very instant ends as an empty period [t, t): never valid.
    const [ended]: [Array<{ user_id: string }>, number] = await m.query(
      `UPDATE access_relationships SET valid_to = greatest(valid_from, $3)
        WHERE source_type = ANY($1::text[]) AND source_id = $2 AND (valid_to IS NULL OR valid_to > $3)
          AND ($4::uuid IS NULL OR user_id = $4)
        RETURNING user_id`,
      [typeof sourceType === 'string' ? [sourceType] : sourceType, sourceId, at, userId ?? null],
    );
    return [...new Set(ended.map((e) => e.user_id))].sort();
  }
}
