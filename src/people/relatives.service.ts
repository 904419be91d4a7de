import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Decision } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, isoOrNull, notBeforeBirth, recordedDate, recordedInstant } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { ConflictProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import type { ObjectorKind } from './relative.entities';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import {
  overlappedTerm,
  proposeNearestRelative,
  type NearestRelativeProposal,
  type RelativeFacts,
  type RepresentativeRegime,
} from '../statute/nearest-relative';
import { objectionStanding, type Objector, type RepresentativeAt } from '../statute/objection-standing';
import { s29AppealDisposalProblem, s29AppealLodgingProblem, s29OrderStands, type S29AppealProblem } from '../statute/clocks';
import { addYears, endOfLocalDay, localDate, type IsoDate } from '../statute/time';
import { DisplacementChanges } from './displacement-changes';
import {
  DISPLACEMENT_COLUMNS,
  factListSql,
  type FactPart,
  NOMINATED_COLUMNS,
  OBJECTION_COLUMNS,
  RELATIVE_COLUMNS,
  sameAsSql,
} from './people.tables';
import { refuseChangeOfConfirmed } from './people.service';
import {
  CreateDisplacementDto,
  CreateNominatedPersonDto,
  CreateObjectionDto,
  CreateRelativeDto,
  DecideDisplacementAppealDto,
  DisplacementAppealDto,
  DisplacementDto,
  LodgeDisplacementAppealDto,
  DisplacementStatus,
  EndNominatedPersonDto,
  NearestRelativeDto,
  NominatedPersonDto,
  ObjectionDto,
  RelativeDto,
  UpdateDisplacementDto,
  UpdateRelativeDto,
  WithdrawObjectionDto,
} from './dto/relative.dto';

type RelativeField = keyof UpdateRelativeDto;

/** The columns a relative's fields live in (the order in which they are written). */
/**
 * How far back a nearest-relative record's times may be (an application to displace filed, an objection notified or
 * withdrawn, a nominated person appointed): a s.29 order on ground (c) or (d) lasts until discharged, so its application may be many years old, but
 * not older than a working life.
 */
export const NR_RECORD_MAX_AGE_YEARS = 25;
const NR_RECORD_MAX_AGE_DAYS = NR_RECORD_MAX_AGE_YEARS * 366;

const COLUMN: Record<RelativeField, string> = {
  name: 'name',
  relationship: 'relationship',
  wholeBlood: 'whole_blood',
  dateOfBirth: 'date_of_birth',
  livesWithPatient: 'lives_with_patient',
  caresForPatient: 'cares_for_patient',
  ukResident: 'uk_resident',
  separatedOrDeserted: 'separated_or_deserted',
  yearsLivingWith: 'years_living_with',
  livingWithSince: 'living_with_since',
  authorisedDelegate: 'authorised_delegate',
  contact: 'contact',
  notes: 'notes',
};
const FIELDS = Object.keys(COLUMN) as RelativeField[];

/** What the nearest-relative rules read of a relative as recorded (an assessment's snapshot may predate livingWithSince). */
function relativeFacts(r: Omit<RelativeDto, 'createdAt'>): RelativeFacts {
  return {
    id: r.id,
    name: r.name,
    relationship: r.relationship,
    wholeBlood: r.wholeBlood,
    dateOfBirth: r.dateOfBirth,
    livesWithPatient: r.livesWithPatient,
    caresForPatient: r.caresForPatient,
    ukResident: r.ukResident,
    separatedOrDeserted: r.separatedOrDeserted,
    yearsLivingWith: r.yearsLivingWith,
    livingWithSince: r.livingWithSince ?? null,
    authorisedDelegate: r.authorisedDelegate,
  };
}

type RelativeRow = Omit<RelativeDto, 'createdAt'> & { createdAt: Date };
type NominatedRow = Omit<NominatedPersonDto, 'createdAt' | 'inOffice'> & { createdAt: Date };
type ObjectionRow = Omit<
  ObjectionDto,
  'notifiedAt' | 'withdrawnAt' | 'createdAt' | 'inForce' | 'by' | 'standing' | 'standingNow' | 'counts' | 'explanation'
> & {
  notifiedAt: Date;
  withdrawnAt: Date | null;
  createdAt: Date;
};
type DisplacementRow = Omit<DisplacementDto, 'filedAt' | 'createdAt' | 'inForce'> & { filedAt: Date; createdAt: Date };

/** A person's date of birth and residence with the lists asked for (the others empty), as `facts` reads them in one statement. */
interface PersonFacts {
  dateOfBirth: IsoDate | null;
  /** NR-06 (s.26(5)(a)): ordinarily resident in the UK, Channel Islands or Isle of Man; null: not recorded. */
  ukResident: boolean | null;
  relatives: RelativeDto[];
  displacements: DisplacementRow[];
  nominated: NominatedRow[];
  objections: ObjectionRow[];
}

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** A row of factsStatement: the lists as JSON, their instants as text. */
interface FactsRow {
  dateOfBirth: IsoDate | null;
  ukResident: boolean | null;
  relatives?: Json<RelativeRow>[];
  displacements?: Json<DisplacementRow>[];
  nominated?: Array<Json<NominatedRow> & { appointedOnDate?: string }>;
  objections?: Json<ObjectionRow>[];
}

/** A person's facts from their row of factsStatement. */
function factsFrom(row: FactsRow): PersonFacts {
  return {
    dateOfBirth: row.dateOfBirth,
    ukResident: row.ukResident,
    relatives: (row.relatives ?? []).map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })),
    // A record kept before appeals were recorded (NR-11, s.29(5)) has none.
    displacements: (row.displacements ?? []).map((d) => ({
      ...d,
      appeal: d.appeal ?? null,
      filedAt: new Date(d.filedAt),
      createdAt: new Date(d.createdAt),
    })),
    nominated: (row.nominated ?? []).map(({ appointedOnDate: _, ...n }) => ({ ...n, createdAt: new Date(n.createdAt) })),
    objections: (row.objections ?? []).map((o) => ({
      ...o,
      notifiedAt: new Date(o.notifiedAt),
      withdrawnAt: o.withdrawnAt === null ? null : new Date(o.withdrawnAt),
      createdAt: new Date(o.createdAt),
    })),
  };
}

/** What an objection's standing is judged on (NR-14): everything but the objections themselves. */
const STANDING_PARTS: FactPart[] = ['relatives', 'displacements', 'nominated'];
const ALL_PARTS: FactPart[] = [...STANDING_PARTS, 'objections'];

/**
 * The statement reading a person ($1) with `parts`, one column each; with `each`, every person of the array $1, with
 * their id; with `settled`, the person the record was confirmed to be (`sameAs`: PERSON-MATCH), for a change.
 */
function factsStatement(parts: readonly FactPart[], each = false, settled = false): string {
  const lists = parts.map((part) => `, ${factListSql(part, 'json_agg')} AS "${part}"`);
  const who = each ? `p.id::text AS "personId", ` : '';
  const sameAs = settled ? `, ${sameAsSql('p.id')} AS "sameAs"` : '';
  return `SELECT ${who}to_char(p.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", p.uk_resident AS "ukResident"${lists.join('')}${sameAs} FROM persons p WHERE p.id = ${each ? 'ANY($1::uuid[])' : '$1'}`;
}

/** NR-11: an appeal that cannot be recorded as given: 422 naming the field. */
function refuseAppealProblem(problem: S29AppealProblem | null): void {
  if (problem)
    throw new UnprocessableProblem(problem.message, problem.code, {
      rule: 'NR-11',
      errors: [{ field: problem.field, messages: [problem.message] }],
    });
}

/** NR-10: how a s.29 application moves through the court. An illegal move is 409 naming the allowed ones. */
export const DISPLACEMENT_TRANSITIONS: Record<DisplacementStatus, DisplacementStatus[]> = {
  applied: ['interim-order', 'order', 'refused', 'withdrawn'],
  'interim-order': ['order', 'refused', 'withdrawn'],
  order: [],
  refused: [],
  withdrawn: [],
};
const ORDERS: DisplacementStatus[] = ['interim-order', 'order'];
const PENDING: DisplacementStatus[] = ['applied', 'interim-order'];

/** Oldest plausible date of birth, in years before today (as for people). */
const MAX_AGE_YEARS = 130;

/** The person-level nearest-relative facts on a date, for the assessments module (which audits the read). */
export interface NearestRelativeState {
  proposal: NearestRelativeProposal;
  /** NR-02 / NR-14: an objection notified and not withdrawn at `asAt`, by someone whose objection counts. */
  objectionInForce: boolean;
  /** Every objection in force at `asAt`, each with its standing (NR-14). */
  objections: ObjectionDto[];
  /** MHA25-05: the nominated person in office on `asAt`'s date (recorded whatever the regime). */
  nominatedPerson: NominatedPersonDto | null;
  /** NR-10: a s.29 order (or interim order) naming an acting nearest relative is in effect on `asAt`'s date. */
  displaced: boolean;
  /** NR-11: the earliest s.29 application on ground (c) or (d) filed by `asAt` and not yet disposed of (applied or interim order). */
  pendingDisplacementFiledAt: Date | null;
  /** NR-11: every s.29 application on ground (c) or (d) on record (whenever filed), as far as the court has taken it. */
  displacementApplications: Array<{
    filedAt: Date;
    status: DisplacementStatus;
    disposedOn: IsoDate | null;
    appeal: DisplacementAppealDto | null;
  }>;
  /** The order in force, else the latest pending application, else null. */
  displacement: DisplacementDto | null;
}

/**
 * A person's relatives, nearest-relative objections (NR-02) and s.29 displacement applications (NR-10, NR-11),
 * with the s.26 proposal (src/statute/nearest-relative.ts). Person-level, so every assessment of the person sees the
 * same facts. Every read and change is audited in the transaction that does it (identifiers and field names only,
 * never a name or what was said); every change emits an outbox event (identifiers only).
 */
@Injectable()
export class RelativesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly displacementChanges: DisplacementChanges,
  ) {}

  // -------------------------------------------------------------------------------------------------------------
  // Relatives

  /** GET /people/:id/relatives. */
  async list(personId: string, decision: Decision): Promise<RelativeDto[]> {
    return this.readList(personId, decision, 'relatives.read', 'relativeIds', ['relatives'], (f) => f.relatives);
  }

  /**
   * A person-level list: the person must exist, and the read is audited with the ids it returned, in one transaction.
   * The person and the `parts` the list is made from are read in one statement.
   */
  private readList<T extends { id: string }>(
    personId: string,
    decision: Decision,
    action: string,
    idsKey: string,
    parts: FactPart[],
    list: (facts: PersonFacts) => T[],
  ): Promise<T[]> {
    return this.db.transaction(async (m) => {
      const items = list(await this.facts(m, personId, parts));
      await this.audit.record(m, this.listAudit(personId, decision, action, idsKey, items));
      return items;
    });
  }

  /** The audit row of a person-level list read: the ids it returned. */
  private listAudit(personId: string, decision: Decision, action: string, idsKey: string, items: Array<{ id: string }>) {
    return {
      action,
      resourceType: 'person',
      resourceId: personId,
      subjectPersonId: personId,
      accessBasis: decision.basis,
      details: { [idsKey]: items.map((i) => i.id) },
    };
  }

  /** POST /people/:id/relatives. */
  async create(actor: Actor, personId: string, dto: CreateRelativeDto, decision: Decision): Promise<RelativeDto> {
    this.checkDateOfBirth(dto.dateOfBirth);
    // Dated by the service's clock, as the person's record is; relatives recorded at one instant keep the order they
    // were recorded in (seq).
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      this.checkLivingWithSince(dto.livingWithSince, await this.requirePerson(m, personId));
      const fields = FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
      const values = fields.map((f) => (f === 'contact' ? JSON.stringify(dto.contact) : dto[f]));
      const [{ id }] = await m.query(
        `INSERT INTO relatives (person_id, created_by, created_at${fields.map((f) => `, ${COLUMN[f]}`).join('')})
         VALUES ($1, $2, $3${fields.map((_, i) => `, $${i + 4}`).join('')}) RETURNING id`,
        [personId, actor.userId, now, ...values],
      );
      await this.audit.record(m, {
        action: 'relative.create',
        resourceType: 'relative',
        resourceId: id,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { fields },
      });
      await this.events.emit(m, {
        type: 'relative.recorded',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, relativeId: id },
      });
      return this.relative(m, personId, id);
    });
  }

  /** PATCH /people/:id/relatives/:relativeId: compare-and-set on the version (stale If-Match → 412). */
  async update(
    personId: string,
    relativeId: string,
    dto: UpdateRelativeDto,
    expectedVersion: ExpectedVersion,
    decision: Decision,
  ): Promise<RelativeDto> {
    this.checkDateOfBirth(dto.dateOfBirth);
    return this.db.transaction(async (m) => {
      this.checkLivingWithSince(dto.livingWithSince, await this.requirePerson(m, personId));
      const current = await this.relative(m, personId, relativeId);
      assertVersion(expectedVersion, current.version);
      const fields = FIELDS.filter((f) => dto[f] !== undefined);
      if (!fields.length) {
        await this.audit.record(m, {
          action: 'relative.read',
          resourceType: 'relative',
          resourceId: relativeId,
          subjectPersonId: personId,
          accessBasis: decision.basis,
        });
        return current;
      }
      const values = fields.map((f) => (f === 'contact' ? JSON.stringify(dto.contact) : dto[f]));
      const sets = fields.map((f, i) => `${COLUMN[f]} = $${i + 4}`);
      // TypeORM answers an UPDATE with [rows, count].
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE relatives SET ${sets.join(', ')}, version = version + 1 WHERE id = $1 AND person_id = $2 AND version = $3 RETURNING id`,
        [relativeId, personId, current.version, ...values],
      );
      // Changed by someone else between our read and this write: their change stands.
      if (!rows.length)
        throw new PreconditionFailedProblem('The relative was changed by someone else meanwhile; fetch them again and retry.');
      await this.audit.record(m, {
        action: 'relative.update',
        resourceType: 'relative',
        resourceId: relativeId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { fields },
      });
      await this.events.emit(m, {
        type: 'relative.updated',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, relativeId, fields },
      });
      return this.relative(m, personId, relativeId);
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // The nearest relative

  /**
   * GET /people/:id/nearest-relative?asAt: the s.26 proposal with its trace, the objections in force and the s.29
   * state on the date asked (default today in the service's time zone). Today is judged at this instant; another
   * date at its last instant.
   */
  async nearestRelative(personId: string, asAt: IsoDate | undefined, decision: Decision): Promise<NearestRelativeDto> {
    return this.db.transaction(async (m) =>
      this.nearestRelativeRead(m, await this.facts(m, personId, ALL_PARTS), personId, asAt, decision),
    );
  }

  /**
   * For the duty AMHP's job pack: each person's relatives (as GET /people/:id/relatives) and their nearest relative
   * today (as GET /people/:id/nearest-relative), all from one read of the people's facts, each audited as its own
   * read. In the order asked.
   */
  async relativesAndNearestOfEach(
    reads: ReadonlyArray<{ personId: string; decision: Decision }>,
  ): Promise<Array<{ relatives: RelativeDto[]; nearestRelative: NearestRelativeDto }>> {
    if (!reads.length) return [];
    return this.db.transaction(async (m) => {
      const facts = await this.factsOfEach(
        m,
        reads.map((r) => r.personId),
        ALL_PARTS,
      );
      const answers: Array<{ relatives: RelativeDto[]; nearestRelative: NearestRelativeDto }> = [];
      for (const [i, { personId, decision }] of reads.entries()) {
        await this.audit.record(m, this.listAudit(personId, decision, 'relatives.read', 'relativeIds', facts[i].relatives));
        answers.push({
          relatives: facts[i].relatives,
          nearestRelative: await this.nearestRelativeRead(m, facts[i], personId, undefined, decision),
        });
      }
      return answers;
    });
  }

  /** The nearest relative's view on `asAt` (default today) from the person's facts, the read audited. */
  private async nearestRelativeRead(
    m: EntityManager,
    facts: PersonFacts,
    personId: string,
    asAt: IsoDate | undefined,
    decision: Decision,
  ): Promise<NearestRelativeDto> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    const date = asAt ?? today;
    const at = date === today ? now : new Date(endOfLocalDay(date, this.config.timeZone).getTime() - 1);
    const regime = this.regimeOn(date);
    const state = this.stateFrom(facts, at, regime);
    await this.audit.record(m, {
      action: 'nearest-relative.read',
      resourceType: 'person',
      resourceId: personId,
      subjectPersonId: personId,
      accessBasis: decision.basis,
      details: { asAt: date, regime, relativeIds: [...state.proposal.ranked, ...state.proposal.excluded].map((r) => r.relativeId) },
    });
    return {
      asAt: date,
      regime,
      proposal: state.proposal,
      objections: state.objections,
      objectionInForce: state.objectionInForce,
      displacement: state.displacement,
      nominatedPerson: state.nominatedPerson,
    };
  }

  /**
   * For the assessments module, inside its transaction `m`: the nearest-relative facts of a person at the instant
   * `asAt` (dates, such as ages and an order's effective date, are taken in the service's time zone). No access
   * check and no audit: the caller has decided access and audits the read. 404 when there is no such person.
   */
  async nearestRelativeState(
    m: EntityManager,
    personId: string,
    asAt: Date,
    regime: 'nearest-relative' | 'nominated-person',
  ): Promise<NearestRelativeState> {
    return this.stateFrom(await this.facts(m, personId, ALL_PARTS), asAt, regime);
  }

  /**
   * The nearest-relative state at `asAt` from the facts a record kept when it was written (relativesAsRecordedSql), not
   * from the person's relatives as they are now: a closed assessment's report is not rewritten by a relative's later
   * change of name or address, or by a relative recorded afterwards. Reads nothing.
   */
  nearestRelativeStateAsRecorded(recorded: unknown, asAt: Date, regime: 'nearest-relative' | 'nominated-person'): NearestRelativeState {
    return this.stateFrom(factsFrom(recorded as FactsRow), asAt, regime);
  }

  /** The nearest-relative state at the instant `asAt` from a person's facts (all of their parts read). */
  private stateFrom(person: PersonFacts, asAt: Date, regime: 'nearest-relative' | 'nominated-person'): NearestRelativeState {
    const { relatives, displacements, nominated } = person;
    const date = localDate(asAt, this.config.timeZone);
    const inForce = displacements
      .filter((d) => this.displacementInForce(d, date))
      .sort((x, y) =>
        x.effectiveFrom! < y.effectiveFrom! ? 1 : x.effectiveFrom! > y.effectiveFrom! ? -1 : y.filedAt.getTime() - x.filedAt.getTime(),
      );
    const order = inForce[0] ?? null;
    const facts = relatives.map(relativeFacts);
    const propose = (on: IsoDate, reg: RepresentativeRegime, o: DisplacementRow | null) =>
      proposeNearestRelative({
        patient: { dateOfBirth: person.dateOfBirth, married: false, ukResident: person.ukResident },
        relatives: facts,
        asAt: on,
        displacement: o ? { actingNearestRelative: o.actingNearestRelative! } : null,
        regime: reg,
      });
    const proposal = propose(date, regime satisfies RepresentativeRegime, order);
    const npNow = this.nominatedInOffice(nominated, date);
    if (npNow && regime === 'nearest-relative') {
      proposal.trace.push(
        `MHA 2025 s.24: ${npNow.name} is recorded as the nominated person (appointed ${npNow.appointedOn}), but the nominated-person provisions do not apply on ${date}: this is information only, and the nearest relative above has the functions.`,
      );
    } else if (npNow) {
      proposal.trace.push(
        `MHA 2025 s.24: ${npNow.name} is the nominated person (appointed ${npNow.appointedOn} by the ${npNow.appointedBy}).`,
      );
    }
    const view = this.objectionViewer(person, asAt);
    const objections = person.objections.filter((o) => this.objectionInForce(o, asAt)).map(view);
    const filed = displacements.filter((d) => d.filedAt <= asAt);
    const pending = filed.filter((d) => PENDING.includes(d.status)).sort((x, y) => y.filedAt.getTime() - x.filedAt.getTime());
    const pendingCOrD = pending.filter((d) => d.ground === 'c' || d.ground === 'd');
    const shown = order ?? pending[0] ?? null;
    return {
      proposal,
      objectionInForce: objections.some((o) => o.counts),
      objections,
      nominatedPerson: npNow ? this.nominatedView(npNow, date) : null,
      displaced: !!order,
      pendingDisplacementFiledAt: pendingCOrD.length ? pendingCOrD[pendingCOrD.length - 1].filedAt : null,
      displacementApplications: displacements
        .filter((d) => d.ground === 'c' || d.ground === 'd')
        .map((d) => ({ filedAt: d.filedAt, status: d.status, disposedOn: d.disposedOn, appeal: d.appeal })),
      displacement: shown ? this.displacementView(shown, date) : null,
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Objections (NR-02)

  /** GET /people/:id/nearest-relative-objections: all of them, newest first, each saying whether it is in force now. */
  async listObjections(personId: string, decision: Decision): Promise<ObjectionDto[]> {
    const now = this.clock.now();
    return this.readList(personId, decision, 'nr-objections.read', 'objectionIds', ALL_PARTS, (f) =>
      f.objections.map(this.objectionViewer(f, now)),
    );
  }

  /** POST /people/:id/nearest-relative-objections. */
  async createObjection(actor: Actor, personId: string, dto: CreateObjectionDto, decision: Decision): Promise<ObjectionDto> {
    const now = this.clock.now();
    const notifiedAt = new Date(dto.notifiedAt);
    recordedInstant(notifiedAt, 'notifiedAt', now, NR_RECORD_MAX_AGE_DAYS);
    return this.db.transaction(async (m) => {
      this.bornBy('notifiedAt', notifiedAt, await this.requirePerson(m, personId));
      const kind = this.checkObjector(dto);
      if (dto.relativeId) await this.requireRelativeOf(m, personId, dto.relativeId);
      if (dto.displacementId) await this.displacementRow(m, personId, dto.displacementId).catch(() => this.unknown('displacementId'));
      if (dto.nominatedPersonId) await this.nominatedRow(m, personId, dto.nominatedPersonId).catch(() => this.unknown('nominatedPersonId'));
      const [{ id }] = await m.query(
        `INSERT INTO nearest_relative_objections (person_id, objector_kind, relative_id, delegate_name, displacement_id, nominated_person_id, notified_at, notified_to, details, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          personId,
          kind,
          dto.relativeId ?? null,
          dto.delegateName ?? null,
          dto.displacementId ?? null,
          dto.nominatedPersonId ?? null,
          notifiedAt,
          dto.notifiedTo,
          dto.details,
          actor.userId,
          now,
        ],
      );
      await this.audit.record(m, {
        action: 'nr-objection.create',
        resourceType: 'nr-objection',
        resourceId: id,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { objectorKind: kind, relativeId: dto.relativeId ?? null, notifiedTo: dto.notifiedTo },
      });
      await this.events.emit(m, {
        type: 'nearest-relative.objection-recorded',
        aggregateType: 'person',
        aggregateId: personId,
        payload: {
          personId,
          objectionId: id,
          objectorKind: kind,
          relativeId: dto.relativeId ?? null,
          notifiedTo: dto.notifiedTo,
          notifiedAt: notifiedAt.toISOString(),
        },
      });
      return this.objectionViewer(await this.facts(m, personId, STANDING_PARTS), now)(await this.objectionRow(m, personId, id));
    });
  }

  /** POST /people/:id/nearest-relative-objections/:objectionId/withdrawal: once (a second is 409). */
  async withdrawObjection(personId: string, objectionId: string, dto: WithdrawObjectionDto, decision: Decision): Promise<ObjectionDto> {
    const now = this.clock.now();
    const withdrawnAt = dto.withdrawnAt ? new Date(dto.withdrawnAt) : now;
    recordedInstant(withdrawnAt, 'withdrawnAt', now, NR_RECORD_MAX_AGE_DAYS);
    return this.db.transaction(async (m) => {
      this.bornBy('withdrawnAt', withdrawnAt, await this.requirePerson(m, personId));
      const o = await this.objectionRow(m, personId, objectionId, true);
      if (o.withdrawnAt)
        throw new ConflictProblem(`The objection was already withdrawn at ${o.withdrawnAt.toISOString()}.`, 'already-withdrawn');
      if (withdrawnAt < o.notifiedAt) {
        throw new UnprocessableProblem('An objection cannot be withdrawn before it was notified.', 'withdrawn-before-notified', {
          errors: [
            {
              field: 'withdrawnAt',
              messages: [`withdrawnAt may not be before the objection was notified (${o.notifiedAt.toISOString()})`],
            },
          ],
        });
      }
      await m.query(
        'UPDATE nearest_relative_objections SET withdrawn_at = $3, withdrawal_details = $4 WHERE id = $1 AND person_id = $2 AND withdrawn_at IS NULL',
        [objectionId, personId, withdrawnAt, dto.details],
      );
      await this.audit.record(m, {
        action: 'nr-objection.withdraw',
        resourceType: 'nr-objection',
        resourceId: objectionId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
      });
      await this.events.emit(m, {
        type: 'nearest-relative.objection-withdrawn',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, objectionId, withdrawnAt: withdrawnAt.toISOString() },
      });
      return this.objectionViewer(await this.facts(m, personId, STANDING_PARTS), now)(await this.objectionRow(m, personId, objectionId));
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Displacement (NR-10, NR-11)

  /** GET /people/:id/displacements: all s.29 applications, newest first. */
  async listDisplacements(personId: string, decision: Decision): Promise<DisplacementDto[]> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    return this.readList(personId, decision, 'displacements.read', 'displacementIds', ['displacements'], (f) =>
      f.displacements.map((d) => this.displacementView(d, today)),
    );
  }

  /** POST /people/:id/displacements: a s.29 application as filed (status `applied`). */
  async createDisplacement(actor: Actor, personId: string, dto: CreateDisplacementDto, decision: Decision): Promise<DisplacementDto> {
    const now = this.clock.now();
    const filedAt = new Date(dto.filedAt);
    recordedInstant(filedAt, 'filedAt', now, NR_RECORD_MAX_AGE_DAYS);
    return this.db.transaction(async (m) => {
      this.bornBy('filedAt', filedAt, await this.requirePerson(m, personId));
      if (dto.relativeId) await this.requireRelativeOf(m, personId, dto.relativeId);
      const [{ id }] = await m.query(
        `INSERT INTO nearest_relative_displacements (person_id, relative_id, ground, filed_at, court, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [personId, dto.relativeId ?? null, dto.ground, filedAt, dto.court ?? null, actor.userId, now],
      );
      await this.audit.record(m, {
        action: 'displacement.create',
        resourceType: 'displacement',
        resourceId: id,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { ground: dto.ground, relativeId: dto.relativeId ?? null },
      });
      await this.events.emit(m, {
        type: 'nearest-relative.displacement-filed',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, displacementId: id, ground: dto.ground, filedAt: filedAt.toISOString() },
      });
      // NR-11 (s.29(4)): the person's open referrals' clocks (a s.2 extended) and the queue's order move with it.
      await this.displacementChanges.changed(m, personId);
      return this.displacementView(await this.displacementRow(m, personId, id), localDate(now, this.config.timeZone));
    });
  }

  /** PATCH /people/:id/displacements/:displacementId: the court's progress; If-Match on the version. */
  async updateDisplacement(
    personId: string,
    displacementId: string,
    dto: UpdateDisplacementDto,
    expectedVersion: ExpectedVersion,
    decision: Decision,
  ): Promise<DisplacementDto> {
    return this.db.transaction(async (m) => {
      const person = await this.requirePerson(m, personId);
      for (const field of ['effectiveFrom', 'disposedOn'] as const) if (dto[field]) this.bornBy(field, dto[field], person);
      const d = await this.displacementRow(m, personId, displacementId, true);
      assertVersion(expectedVersion, d.version);
      const today = localDate(this.clock.now(), this.config.timeZone);
      const status = dto.status ?? d.status;
      if (status !== d.status && !DISPLACEMENT_TRANSITIONS[d.status].includes(status)) {
        const allowed = DISPLACEMENT_TRANSITIONS[d.status];
        throw new ConflictProblem(
          `A displacement application that is ${d.status} cannot become ${status}${allowed.length ? `; it may become ${allowed.join(', ')}` : '; it is final'}.`,
          'illegal-transition',
          { allowed },
        );
      }
      const next = {
        actingNearestRelative: dto.actingNearestRelative !== undefined ? dto.actingNearestRelative : d.actingNearestRelative,
        effectiveFrom: dto.effectiveFrom !== undefined ? dto.effectiveFrom : d.effectiveFrom,
        court: dto.court !== undefined ? dto.court : d.court,
        disposedOn: d.disposedOn,
      };
      this.checkOrder(status, next, dto, d);
      if (ORDERS.includes(status) && next.actingNearestRelative && !(ORDERS.includes(d.status) && d.actingNearestRelative))
        await this.refuseSecondOrder(m, personId, displacementId);
      next.disposedOn = this.disposedOn(status, dto, d, next.effectiveFrom, today);
      // NR-11 (s.29(5)): the time for appealing ran from the decision's day; with an appeal recorded on it, it stays.
      if (d.appeal && next.disposedOn !== d.disposedOn)
        throw new ConflictProblem(
          `An appeal lodged on ${d.appeal.lodgedOn} is recorded against the decision of ${d.disposedOn}; its day cannot change now.`,
          'appeal-recorded',
          { rule: 'NR-11', errors: [{ field: 'disposedOn', messages: ['an appeal is recorded against the decision of this day'] }] },
        );
      const fields = (['status', 'actingNearestRelative', 'effectiveFrom', 'court', 'disposedOn'] as const).filter((f) =>
        f === 'disposedOn' ? next.disposedOn !== d.disposedOn : dto[f] !== undefined && dto[f] !== (f === 'status' ? d.status : d[f]),
      );
      if (!fields.length) {
        await this.audit.record(m, {
          action: 'displacement.read',
          resourceType: 'displacement',
          resourceId: displacementId,
          subjectPersonId: personId,
          accessBasis: decision.basis,
        });
        return this.displacementView(d, today);
      }
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE nearest_relative_displacements SET status = $4, acting_nearest_relative = $5, effective_from = $6, court = $7, disposed_on = $8,
                version = version + 1
          WHERE id = $1 AND person_id = $2 AND version = $3 RETURNING id`,
        [displacementId, personId, d.version, status, next.actingNearestRelative, next.effectiveFrom, next.court, next.disposedOn],
      );
      if (!rows.length)
        throw new PreconditionFailedProblem(
          'The displacement application was changed by someone else meanwhile; fetch it again and retry.',
        );
      await this.audit.record(m, {
        action: 'displacement.update',
        resourceType: 'displacement',
        resourceId: displacementId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { fields, from: d.status, to: status },
      });
      await this.events.emit(m, {
        // A change of status is a move (DISPLACEMENT_TRANSITIONS), and no application moves back to applied.
        type:
          status !== d.status && status !== 'applied' ? `nearest-relative.displacement-${status}` : 'nearest-relative.displacement-updated',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, displacementId, from: d.status, to: status, fields },
      });
      await this.displacementChanges.changed(m, personId);
      return this.displacementView(await this.displacementRow(m, personId, displacementId), today);
    });
  }

  /**
   * POST /people/:id/displacements/:displacementId/appeal (NR-11, s.29(5)): an appeal lodged against the court's
   * decision (an order, or a refusal, on a recorded day); If-Match on the version. While it is pending the application
   * is not finally disposed of, so a s.2 it extends has no end date. One appeal per application (409 for a second, or
   * for an application not decided or withdrawn); lodged before the decision, after the time for appealing (the
   * S29_APPEAL_DAYS setting) or in the future is 422 naming lodgedOn.
   */
  async lodgeAppeal(
    personId: string,
    displacementId: string,
    dto: LodgeDisplacementAppealDto,
    expectedVersion: ExpectedVersion,
    decision: Decision,
  ): Promise<DisplacementDto> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    return this.db.transaction(async (m) => {
      await this.requirePerson(m, personId);
      const d = await this.displacementRow(m, personId, displacementId, true);
      assertVersion(expectedVersion, d.version);
      if (d.appeal)
        throw new ConflictProblem(
          `An appeal against this decision was already recorded, lodged on ${d.appeal.lodgedOn}.`,
          'appeal-already-recorded',
          { rule: 'NR-11' },
        );
      if (d.status !== 'order' && d.status !== 'refused')
        throw new ConflictProblem(
          `A displacement application that is ${d.status} has no decision to appeal against (NR-11, s.29(5)); an appeal is recorded on an order or a refusal.`,
          'no-decision-to-appeal',
          { rule: 'NR-11' },
        );
      if (!d.disposedOn)
        throw new ConflictProblem(
          'The day the court decided the application is not recorded: record it (disposedOn) before the appeal, whose time runs from it.',
          'decision-day-not-recorded',
          { rule: 'NR-11' },
        );
      refuseAppealProblem(s29AppealLodgingProblem(d.disposedOn, dto.lodgedOn, today, this.config.s29AppealDays));
      await this.saveAppeal(m, personId, d, { lodgedOn: dto.lodgedOn, outcome: null, disposedOn: null });
      await this.audit.record(m, {
        action: 'displacement.appeal',
        resourceType: 'displacement',
        resourceId: displacementId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { fields: ['appeal.lodgedOn'], decision: d.status },
      });
      await this.events.emit(m, {
        type: 'nearest-relative.displacement-appeal-lodged',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, displacementId, lodgedOn: dto.lodgedOn },
      });
      // NR-11 (s.29(4), (5)): a s.2 the application extends has no end date now; its referrals' clocks move with it.
      await this.displacementChanges.changed(m, personId);
      return this.displacementView(await this.displacementRow(m, personId, displacementId), today);
    });
  }

  /**
   * POST /people/:id/displacements/:displacementId/appeal/decision (NR-11, s.29(5)): the appeal determined or
   * withdrawn, on a day; If-Match on the version. The application is finally disposed of that day, and a s.2 it extends
   * ends then, or 7 days later when an order stands (s29OrderStands). Once only (409); an outcome that does not fit the
   * decision appealed against, or a day before the lodging or in the future, is 422 naming the field.
   */
  async decideAppeal(
    personId: string,
    displacementId: string,
    dto: DecideDisplacementAppealDto,
    expectedVersion: ExpectedVersion,
    decision: Decision,
  ): Promise<DisplacementDto> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    return this.db.transaction(async (m) => {
      await this.requirePerson(m, personId);
      const d = await this.displacementRow(m, personId, displacementId, true);
      assertVersion(expectedVersion, d.version);
      const appeal = d.appeal;
      if (!appeal)
        throw new ConflictProblem('No appeal is recorded on this application: record it (POST .../appeal) first.', 'no-appeal', {
          rule: 'NR-11',
        });
      if (appeal.outcome)
        throw new ConflictProblem(
          `The appeal was already ${appeal.outcome === 'withdrawn' ? 'withdrawn' : 'determined'} on ${appeal.disposedOn}.`,
          'appeal-already-disposed',
          {
            rule: 'NR-11',
          },
        );
      refuseAppealProblem(s29AppealDisposalProblem(d.status as 'order' | 'refused', appeal.lodgedOn, dto.outcome, dto.disposedOn, today));
      await this.saveAppeal(m, personId, d, { lodgedOn: appeal.lodgedOn, outcome: dto.outcome, disposedOn: dto.disposedOn });
      const orderStands = s29OrderStands(d.status, dto.outcome);
      await this.audit.record(m, {
        action: 'displacement.appeal-decision',
        resourceType: 'displacement',
        resourceId: displacementId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { fields: ['appeal.outcome', 'appeal.disposedOn'], outcome: dto.outcome, orderStands },
      });
      await this.events.emit(m, {
        type: 'nearest-relative.displacement-appeal-disposed',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, displacementId, outcome: dto.outcome, disposedOn: dto.disposedOn, orderStands },
      });
      // NR-11 (s.29(4), (5)): finally disposed of: a s.2 the application extends has an end again; its clocks move.
      await this.displacementChanges.changed(m, personId);
      return this.displacementView(await this.displacementRow(m, personId, displacementId), today);
    });
  }

  /** Writes an application's appeal, on the version read (412 if it moved meanwhile). */
  private async saveAppeal(m: EntityManager, personId: string, d: DisplacementRow, appeal: DisplacementAppealDto): Promise<void> {
    const [rows]: [Array<{ id: string }>, number] = await m.query(
      `UPDATE nearest_relative_displacements SET appeal_lodged_on = $4, appeal_outcome = $5, appeal_disposed_on = $6, version = version + 1
        WHERE id = $1 AND person_id = $2 AND version = $3 RETURNING id`,
      [d.id, personId, d.version, appeal.lodgedOn, appeal.outcome, appeal.disposedOn],
    );
    if (!rows.length)
      throw new PreconditionFailedProblem('The displacement application was changed by someone else meanwhile; fetch it again and retry.');
  }

  // -------------------------------------------------------------------------------------------------------------
  // The nominated person (MHA25-05, MHA 2025 s.24)

  /** GET /people/:id/nominated-persons: every appointment, newest first, each saying whether it is in office today. */
  async listNominated(personId: string, decision: Decision): Promise<NominatedPersonDto[]> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    return this.readList(personId, decision, 'nominated-persons.read', 'nominatedPersonIds', ['nominated'], (f) =>
      f.nominated.map((n) => this.nominatedView(n, today)),
    );
  }

  /**
   * POST /people/:id/nominated-persons: an appointment. A nominated person in office then is replaced: their
   * appointment ends the day the new one begins (the change is recorded on both).
   */
  async appointNominated(actor: Actor, personId: string, dto: CreateNominatedPersonDto, decision: Decision): Promise<NominatedPersonDto> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    recordedDate(dto.appointedOn, 'appointedOn', today, NR_RECORD_MAX_AGE_YEARS);
    return this.db.transaction(async (m) => {
      this.bornBy('appointedOn', dto.appointedOn, await this.requirePerson(m, personId));
      if (dto.relativeId) await this.requireRelativeOf(m, personId, dto.relativeId);
      // One appointment at a time per person: serialise appointments by locking the person row.
      await m.query('SELECT 1 FROM persons WHERE id = $1 FOR UPDATE', [personId]);
      // MHA25-05: one nominated person at a time. A new appointment takes over from the one in office (ended the day
      // it begins); one dated on or before a recorded appointment began, or inside one recorded as ended later, would
      // leave two in office or rewrite a recorded end: refused, naming the appointment it overlaps.
      const appointments = (await this.facts(m, personId, ['nominated'])).nominated;
      const overlapped = overlappedTerm(
        appointments.map((n) => ({ ...n, from: n.appointedOn, to: n.endedOn })),
        dto.appointedOn,
      );
      if (overlapped) {
        const message = overlapped.endedOn
          ? `${overlapped.name} was in office from ${overlapped.appointedOn} to ${overlapped.endedOn}; a new appointment must begin on or after ${overlapped.endedOn}.`
          : `${overlapped.name} was appointed on ${overlapped.appointedOn}; a new appointment must begin after it.`;
        throw new ConflictProblem(message, 'appointment-overlaps', {
          nominatedPersonId: overlapped.id,
          errors: [{ field: 'appointedOn', messages: [message] }],
        });
      }
      const current = this.nominatedInOffice(appointments, dto.appointedOn);
      if (current) {
        // Every appointment still open ends (one, unless two were left open before this rule held).
        await m.query(
          `UPDATE nominated_persons SET ended_on = $2, end_reason = $3, version = version + 1 WHERE person_id = $1 AND ended_on IS NULL`,
          [personId, dto.appointedOn, 'Replaced by a new nominated person.'],
        );
      }
      const [{ id }] = await m.query(
        `INSERT INTO nominated_persons (person_id, name, relative_id, appointed_on, appointed_by, method, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [personId, dto.name, dto.relativeId ?? null, dto.appointedOn, dto.appointedBy, dto.method, actor.userId, now],
      );
      await this.audit.record(m, {
        action: 'nominated-person.appoint',
        resourceType: 'nominated-person',
        resourceId: id,
        subjectPersonId: personId,
        accessBasis: decision.basis,
        details: { appointedBy: dto.appointedBy, relativeId: dto.relativeId ?? null, replaced: current?.id ?? null },
      });
      await this.events.emit(m, {
        type: 'nominated-person.appointed',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, nominatedPersonId: id, appointedOn: dto.appointedOn, replaced: current?.id ?? null },
      });
      return this.nominatedView(await this.nominatedRow(m, personId, id), today);
    });
  }

  /** POST /people/:id/nominated-persons/:npId/end: the appointment ended (once: a second is 409). */
  async endNominated(personId: string, npId: string, dto: EndNominatedPersonDto, decision: Decision): Promise<NominatedPersonDto> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (dto.endedOn > today)
      throw new UnprocessableProblem('endedOn cannot be in the future.', 'in-future', {
        errors: [{ field: 'endedOn', messages: ['endedOn may not be after today'] }],
      });
    return this.db.transaction(async (m) => {
      this.bornBy('endedOn', dto.endedOn, await this.requirePerson(m, personId));
      const n = await this.nominatedRow(m, personId, npId, true);
      if (n.endedOn) throw new ConflictProblem(`The appointment already ended on ${n.endedOn}.`, 'already-ended');
      if (dto.endedOn < n.appointedOn)
        throw new UnprocessableProblem('An appointment cannot end before it began.', 'ended-before-appointed', {
          errors: [{ field: 'endedOn', messages: [`endedOn may not be before ${n.appointedOn}`] }],
        });
      await m.query(`UPDATE nominated_persons SET ended_on = $3, end_reason = $4, version = version + 1 WHERE id = $1 AND person_id = $2`, [
        npId,
        personId,
        dto.endedOn,
        dto.reason,
      ]);
      await this.audit.record(m, {
        action: 'nominated-person.end',
        resourceType: 'nominated-person',
        resourceId: npId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
      });
      await this.events.emit(m, {
        type: 'nominated-person.ended',
        aggregateType: 'person',
        aggregateId: personId,
        payload: { personId, nominatedPersonId: npId, endedOn: dto.endedOn },
      });
      return this.nominatedView(await this.nominatedRow(m, personId, npId), today);
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rules the validation pipe cannot know

  /** MHA 2025 s.24 (MHA25-05): the nominated person replaces the nearest relative from its configured commencement. */
  regimeOn(date: IsoDate): RepresentativeRegime {
    const from = this.config.regime?.nominatedPersonFrom ?? null;
    return from !== null && date >= from ? 'nominated-person' : 'nearest-relative';
  }

  /** NR-07: the day they began living with the person: not after today, nor before the person was born (422 naming it). */
  private checkLivingWithSince(since: IsoDate | null | undefined, person: { dateOfBirth: IsoDate | null }): void {
    if (!since) return;
    recordedDate(since, 'livingWithSince', localDate(this.clock.now(), this.config.timeZone), MAX_AGE_YEARS);
    this.bornBy('livingWithSince', since, person);
  }

  private checkDateOfBirth(dateOfBirth: string | null | undefined): void {
    if (!dateOfBirth) return;
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (dateOfBirth > today) {
      throw new UnprocessableProblem('The date of birth is in the future.', 'date-of-birth-in-future', {
        errors: [{ field: 'dateOfBirth', messages: ['dateOfBirth may not be after today'] }],
      });
    }
    if (dateOfBirth < addYears(today, -MAX_AGE_YEARS)) {
      throw new UnprocessableProblem(`The date of birth is more than ${MAX_AGE_YEARS} years ago.`, 'date-of-birth-implausible', {
        errors: [{ field: 'dateOfBirth', messages: [`dateOfBirth may not be more than ${MAX_AGE_YEARS} years ago`] }],
      });
    }
  }

  /** NR-14: the fields each kind of objector needs, and no others (422 naming the field). */
  private checkObjector(dto: CreateObjectionDto): ObjectorKind {
    const kind: ObjectorKind = dto.objectorKind ?? (dto.relativeId ? 'relative' : 'not-recorded');
    const needs: Record<ObjectorKind, Array<'relativeId' | 'delegateName' | 'displacementId' | 'nominatedPersonId'>> = {
      relative: ['relativeId'],
      'acting-nearest-relative': ['displacementId'],
      delegate: ['delegateName'],
      'nominated-person': ['nominatedPersonId'],
      'not-recorded': [],
    };
    const allowed = kind === 'delegate' ? ['delegateName', 'relativeId', 'displacementId'] : needs[kind];
    const errors: Array<{ field: string; messages: string[] }> = [];
    for (const f of needs[kind]) if (!dto[f]) errors.push({ field: f, messages: [`${f} is needed when objectorKind is ${kind}`] });
    for (const f of ['relativeId', 'delegateName', 'displacementId', 'nominatedPersonId'] as const) {
      if (dto[f] && !allowed.includes(f)) errors.push({ field: f, messages: [`${f} does not belong with objectorKind ${kind}`] });
    }
    if (kind === 'delegate' && !dto.relativeId === !dto.displacementId) {
      errors.push({
        field: 'relativeId',
        messages: [
          'a delegate acts for one person: give relativeId (the nearest relative) or displacementId (the acting one), not both or neither',
        ],
      });
    }
    if (errors.length) throw new UnprocessableProblem('Who objected is not recorded consistently.', 'objector-incomplete', { errors });
    return kind;
  }

  private unknown(field: 'displacementId' | 'nominatedPersonId'): never {
    throw new UnprocessableProblem(
      `That ${field === 'displacementId' ? 's.29 application' : 'nominated person'} is not recorded for this person.`,
      `unknown-${field === 'displacementId' ? 'displacement' : 'nominated-person'}`,
      {
        errors: [{ field, messages: [`${field} must be one of this person's`] }],
      },
    );
  }

  /** Not before the person was born, where their date of birth is known (422 `before-birth` naming `field`). */
  private bornBy(field: string, value: Date | IsoDate, person: { dateOfBirth: IsoDate | null }): void {
    notBeforeBirth(value, field, person.dateOfBirth, this.config.timeZone);
  }

  /** An order (or an interim order) names who acts and from when; neither belongs on an application not yet decided. */
  /**
   * NR-11: the day a final decision was made (the order, a refusal) or the application withdrawn: as given, else an
   * order's effectiveFrom (when not after today), else today; kept once recorded. Given for an application still pending, in the future, or
   * before it was filed: 422 naming disposedOn.
   */
  private disposedOn(
    status: DisplacementStatus,
    dto: UpdateDisplacementDto,
    d: DisplacementRow,
    effectiveFrom: string | null,
    today: IsoDate,
  ) {
    const problem = (message: string) =>
      new UnprocessableProblem(`disposedOn: ${message}`, 'bad-disposal-date', { errors: [{ field: 'disposedOn', messages: [message] }] });
    if (PENDING.includes(status)) {
      if (dto.disposedOn) throw problem(`an application that is ${status} has not been disposed of`);
      return null;
    }
    // An order is made on or before the day it takes effect, and no later than the day it is recorded.
    const made = status === 'order' && effectiveFrom && effectiveFrom <= today ? effectiveFrom : today;
    const on = dto.disposedOn ?? (status !== d.status ? made : d.disposedOn);
    if (on && on > today) throw problem('must not be in the future');
    if (on && on < localDate(d.filedAt, this.config.timeZone)) throw problem('must not be before the day the application was filed');
    return on;
  }

  /**
   * NR-10 (MHA 1983 s.29): the county court appoints one acting nearest relative for the patient; a second order
   * naming another would leave two recorded as in force, and the determination would silently pick one. While another
   * application of the person's has an order (or interim order) naming one, this one may not: 409 naming it.
   * Serialised on the person's row, as appointments are, so two orders recorded at once cannot both pass.
   */
  private async refuseSecondOrder(m: EntityManager, personId: string, displacementId: string): Promise<void> {
    // An order set aside on appeal (NR-11, s.29(5)) appoints no one: it does not stand in the way of another.
    await m.query('SELECT 1 FROM persons WHERE id = $1 FOR UPDATE', [personId]);
    const [other]: Array<{ id: string; status: DisplacementStatus; acting: string; effectiveFrom: string | null }> = await m.query(
      `SELECT id, status, acting_nearest_relative AS acting, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom"
         FROM nearest_relative_displacements
        WHERE person_id = $1 AND id <> $2 AND status = ANY($3::text[]) AND acting_nearest_relative IS NOT NULL
          AND appeal_outcome IS DISTINCT FROM 'order-set-aside'
        ORDER BY effective_from NULLS LAST, seq LIMIT 1`,
      [personId, displacementId, ORDERS],
    );
    if (!other) return;
    const message = `another application has an ${other.status === 'order' ? 'order' : 'interim order'} naming ${other.acting} as the acting nearest relative${other.effectiveFrom ? ` from ${other.effectiveFrom}` : ''}; only one acting nearest relative is appointed at a time`;
    throw new ConflictProblem(`An order cannot be recorded here: ${message}.`, 'order-in-force', {
      displacementId: other.id,
      errors: [{ field: 'status', messages: [message] }],
    });
  }

  private checkOrder(
    status: DisplacementStatus,
    next: { actingNearestRelative: string | null; effectiveFrom: string | null },
    dto: UpdateDisplacementDto,
    d: DisplacementRow,
  ): void {
    const errors: Array<{ field: string; messages: string[] }> = [];
    if (status === 'order') {
      if (!next.actingNearestRelative)
        errors.push({ field: 'actingNearestRelative', messages: ['an order names the acting nearest relative the court appointed'] });
      if (!next.effectiveFrom) errors.push({ field: 'effectiveFrom', messages: ['an order has the date it takes effect'] });
      if (errors.length)
        throw new UnprocessableProblem('An order needs the acting nearest relative and the date it takes effect.', 'order-incomplete', {
          errors,
        });
    }
    if (!ORDERS.includes(status)) {
      for (const f of ['actingNearestRelative', 'effectiveFrom'] as const) {
        if (dto[f])
          errors.push({
            field: f,
            messages: [`${f} is recorded with an order or an interim order, not while the application is ${status}`],
          });
      }
      if (errors.length)
        throw new UnprocessableProblem('Only an order or an interim order names an acting nearest relative.', 'no-order', { errors });
    }
    if (next.effectiveFrom && next.effectiveFrom < localDate(d.filedAt, this.config.timeZone)) {
      throw new UnprocessableProblem('An order cannot take effect before the application was filed.', 'effective-before-filed', {
        errors: [{ field: 'effectiveFrom', messages: ['effectiveFrom may not be before the day the application was filed'] }],
      });
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Loading

  /**
   * The person a change records something against: 404 when there is no such person; 409 when a manager confirmed
   * the record to be another person, where its records moved (PERSON-MATCH: refuseChangeOfConfirmed).
   */
  private async requirePerson(m: EntityManager, personId: string): Promise<{ dateOfBirth: IsoDate | null }> {
    const [row]: Array<FactsRow & { sameAs: string | null }> = await this.db.preparedIn(m, factsStatement([], false, true), [personId]);
    if (!row) throw new NotFoundProblem('Person', personId);
    refuseChangeOfConfirmed(row.sameAs);
    return factsFrom(row);
  }

  /**
   * The person's date of birth and the lists of their facts named in `parts`, in ONE statement (each list a JSON
   * array, its instants turned back into Dates); the lists not asked for are empty. 404 when there is no such person.
   */
  private async facts(m: EntityManager, personId: string, parts: readonly FactPart[]): Promise<PersonFacts> {
    const rows: FactsRow[] = await this.db.preparedIn(m, factsStatement(parts), [personId]);
    if (!rows.length) throw new NotFoundProblem('Person', personId);
    return factsFrom(rows[0]);
  }

  /** `facts` of several people in one statement, in the order asked; a person not found is 404 as for one. */
  private async factsOfEach(m: EntityManager, personIds: readonly string[], parts: readonly FactPart[]): Promise<PersonFacts[]> {
    const rows: Array<FactsRow & { personId: string }> = await this.db.preparedIn(m, factsStatement(parts, true), [personIds]);
    const found = new Map(rows.map((r) => [r.personId, r]));
    return personIds.map((id) => {
      const row = found.get(id.toLowerCase());
      if (!row) throw new NotFoundProblem('Person', id);
      return factsFrom(row);
    });
  }

  /** A relative named in a body must be one of this person's: otherwise 422 naming the field. */
  private async requireRelativeOf(m: EntityManager, personId: string, relativeId: string): Promise<void> {
    const rows = await m.query('SELECT 1 FROM relatives WHERE id = $1 AND person_id = $2', [relativeId, personId]);
    if (!rows.length)
      throw new UnprocessableProblem('That relative is not recorded for this person.', 'unknown-relative', {
        errors: [{ field: 'relativeId', messages: ["relativeId must be one of this person's relatives"] }],
      });
  }

  private async relative(m: EntityManager, personId: string, id: string): Promise<RelativeDto> {
    const rows: RelativeRow[] = await m.query(`SELECT ${RELATIVE_COLUMNS} FROM relatives r WHERE r.id = $1 AND r.person_id = $2`, [
      id,
      personId,
    ]);
    if (!rows.length) throw new NotFoundProblem('Relative', id);
    return { ...rows[0], createdAt: rows[0].createdAt.toISOString() };
  }

  private async objectionRow(m: EntityManager, personId: string, id: string, lock = false): Promise<ObjectionRow> {
    const rows: ObjectionRow[] = await m.query(
      `SELECT ${OBJECTION_COLUMNS} FROM nearest_relative_objections o WHERE o.id = $1 AND o.person_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, personId],
    );
    if (!rows.length) throw new NotFoundProblem('Nearest relative objection', id);
    return rows[0];
  }

  /**
   * NR-14: a function that shows an objection with its standing, judged when it was notified and at `at`: who held
   * the functions on each date (the s.26 nearest relative by the ranking, the s.29 order in force, the nominated
   * person in office), under the regime in force on each date.
   */
  private objectionViewer(person: PersonFacts, at: Date): (o: ObjectionRow) => ObjectionDto {
    const { relatives, displacements, nominated } = person;
    const facts = relatives.map(relativeFacts);
    const representativeOn = (on: IsoDate): RepresentativeAt => {
      const regime = this.regimeOn(on);
      const order = displacements
        .filter((d) => this.displacementInForce(d, on))
        .sort((x, y) => (x.effectiveFrom! < y.effectiveFrom! ? 1 : x.effectiveFrom! > y.effectiveFrom! ? -1 : 0))[0];
      const ranked =
        regime === 'nearest-relative'
          ? proposeNearestRelative({
              patient: { dateOfBirth: person.dateOfBirth, married: false, ukResident: person.ukResident },
              relatives: facts,
              asAt: on,
              displacement: null,
              regime,
            }).nearestRelative
          : null;
      return {
        regime,
        nearestRelativeId: ranked?.relativeId ?? null,
        actingOrderId: regime === 'nearest-relative' ? (order?.id ?? null) : null,
        nominatedPersonId: this.nominatedInOffice(nominated, on)?.id ?? null,
      };
    };
    const now = representativeOn(localDate(at, this.config.timeZone));
    const relativeName = new Map(relatives.map((r) => [r.id, r.name]));
    const actingName = new Map(displacements.map((d) => [d.id, d.actingNearestRelative ?? 'the acting nearest relative']));
    const nominatedName = new Map(nominated.map((n) => [n.id, n.name]));
    return (o) => {
      const objector: Objector =
        o.objectorKind === 'relative'
          ? { kind: 'relative', relativeId: o.relativeId! }
          : o.objectorKind === 'acting-nearest-relative'
            ? { kind: 'acting-nearest-relative', displacementId: o.displacementId! }
            : o.objectorKind === 'delegate'
              ? { kind: 'delegate', delegateName: o.delegateName!, forRelativeId: o.relativeId, forDisplacementId: o.displacementId }
              : o.objectorKind === 'nominated-person'
                ? { kind: 'nominated-person', nominatedPersonId: o.nominatedPersonId! }
                : { kind: 'not-recorded' };
      const by =
        o.objectorKind === 'relative'
          ? (relativeName.get(o.relativeId!) ?? 'A relative')
          : o.objectorKind === 'acting-nearest-relative'
            ? (actingName.get(o.displacementId!) ?? 'The acting nearest relative')
            : o.objectorKind === 'delegate'
              ? `${o.delegateName} for ${o.relativeId ? (relativeName.get(o.relativeId) ?? 'a relative') : (actingName.get(o.displacementId!) ?? 'the acting nearest relative')}`
              : o.objectorKind === 'nominated-person'
                ? (nominatedName.get(o.nominatedPersonId!) ?? 'The nominated person')
                : 'Not recorded';
      const inForce = this.objectionInForce(o, at);
      const standing = objectionStanding({
        objector,
        inForce,
        atNotification: representativeOn(localDate(o.notifiedAt, this.config.timeZone)),
        now,
      });
      return {
        ...o,
        notifiedAt: o.notifiedAt.toISOString(),
        withdrawnAt: isoOrNull(o.withdrawnAt),
        createdAt: o.createdAt.toISOString(),
        inForce,
        by,
        ...standing,
      };
    };
  }

  /** MHA25-05: the nominated person in office on `date` (the latest appointed, not ended by then). */
  private nominatedInOffice(rows: NominatedRow[], date: IsoDate): NominatedRow | null {
    return (
      rows
        .filter((n) => n.appointedOn <= date && (!n.endedOn || n.endedOn > date))
        .sort((x, y) =>
          x.appointedOn < y.appointedOn ? 1 : x.appointedOn > y.appointedOn ? -1 : y.createdAt.getTime() - x.createdAt.getTime(),
        )[0] ?? null
    );
  }

  private async nominatedRow(m: EntityManager, personId: string, id: string, lock = false): Promise<NominatedRow> {
    const rows: NominatedRow[] = await m.query(
      `SELECT ${NOMINATED_COLUMNS} FROM nominated_persons n WHERE n.id = $1 AND n.person_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, personId],
    );
    if (!rows.length) throw new NotFoundProblem('Nominated person', id);
    return rows[0];
  }

  private nominatedView(n: NominatedRow, date: IsoDate): NominatedPersonDto {
    return { ...n, createdAt: n.createdAt.toISOString(), inOffice: n.appointedOn <= date && (!n.endedOn || n.endedOn > date) };
  }

  private objectionInForce(o: ObjectionRow, at: Date): boolean {
    return o.notifiedAt <= at && (!o.withdrawnAt || o.withdrawnAt > at);
  }

  private async displacementRow(m: EntityManager, personId: string, id: string, lock = false): Promise<DisplacementRow> {
    const rows: DisplacementRow[] = await m.query(
      `SELECT ${DISPLACEMENT_COLUMNS} FROM nearest_relative_displacements d WHERE d.id = $1 AND d.person_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [id, personId],
    );
    if (!rows.length) throw new NotFoundProblem('Displacement application', id);
    return rows[0];
  }

  /** NR-10: an order or interim order naming an acting nearest relative, in effect on `date`. */
  private displacementInForce(d: DisplacementRow, date: IsoDate): boolean {
    // NR-11 (s.29(5)): an order set aside on appeal no longer displaces the nearest relative from the day it was.
    const setAside = d.appeal?.outcome === 'order-set-aside' && !!d.appeal.disposedOn && d.appeal.disposedOn <= date;
    return ORDERS.includes(d.status) && !!d.actingNearestRelative && !!d.effectiveFrom && d.effectiveFrom <= date && !setAside;
  }

  private displacementView(d: DisplacementRow, date: IsoDate): DisplacementDto {
    return { ...d, filedAt: d.filedAt.toISOString(), createdAt: d.createdAt.toISOString(), inForce: this.displacementInForce(d, date) };
  }
}
