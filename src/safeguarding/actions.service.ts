import { AccessService } from '../access/access.service';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { Clock, isoOrNull } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem';
import { SqlWhere } from '../common/sql-where';
import { Db } from '../database/db';
import { refuseOwnRecord } from '../workforce/practitioners.service';
import { EventsService } from '../events/events.service';
import { ActionQuery, ActionViewDto, CreateActionDto } from './dto/action.dto';

/** An action as the handover shows it. */
export interface OpenAction {
  id: string;
  description: string;
  ownerUserId: string | null;
  ownerTeam: string | null;
  dueAt: string | null;
  doneAt: string | null;
  sourceType: 'decision' | 'handover';
  sourceId: string;
}

/** A follow-up action to record: from a signed decision's `content.actions`, or added for a handover. */
export interface NewAction {
  description: string;
  ownerUserId?: string | null;
  ownerTeam?: string | null;
  dueAt?: string | Date | null;
}

/** The keyset of the action lists: due first, undated last (a sentinel keeps the key a plain instant). */
const NO_DUE = '9999-12-31T00:00:00.000Z';

/** The person an action is about: its decision's person (handover actions have none). */
const SUBJECT = `(SELECT d.person_id FROM decisions d WHERE a.source_type = 'decision' AND d.id = a.source_id)`;

const SELECT = `SELECT a.id, a.source_type AS "sourceType", a.source_id AS "sourceId", a.description, a.owner_user_id AS "ownerUserId",
       a.owner_team AS "ownerTeam", a.due_at AS "dueAt", a.done_at AS "doneAt", a.done_by AS "doneBy", a.done_note AS "doneNote",
       a.created_by AS "createdBy", a.created_at AS "createdAt", a.version, ${SUBJECT} AS "subjectPersonId",
       coalesce(a.due_at, '${NO_DUE}'::timestamptz) AS "sortKey", a.seq
  FROM follow_up_actions a`;

/** SELECT with the basis on which a list shows each action, for the audit of the read (`role:manager` or `owner`). */
const selectWithBasis = (basis: 'role:manager' | 'owner') =>
  SELECT.replace(' FROM follow_up_actions a', `, '${basis}' AS "accessBasis" FROM follow_up_actions a`);

interface ActionRow {
  id: string;
  sourceType: 'decision' | 'handover';
  sourceId: string;
  description: string;
  ownerUserId: string | null;
  ownerTeam: string | null;
  dueAt: Date | null;
  doneAt: Date | null;
  doneBy: string | null;
  doneNote: string | null;
  createdBy: string;
  createdAt: Date;
  version: number;
  subjectPersonId: string | null;
  sortKey: Date;
  /** The order recorded in (bigint, as text): the tie-break of the lists and the cursor. */
  seq: string;
}

/**
 * Follow-up actions from out-of-hours decisions and handovers (OOH-08 (10): actions, owners and deadlines).
 *
 * Who sees what: a manager every action; an AMHP the actions they own or created (a decision's actions are created
 * by its author when it is signed). Completing one: its owner or a manager (not the decision's author, AMHP-12, unless
 * she owns the action). Adding one by hand: managers, for a
 * handover. An action is about its decision's person, so every read and change is audited with that person.
 */
@Injectable()
export class ActionsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly users: UsersService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, q: ActionQuery): Promise<{ items: ActionViewDto[]; nextCursor: string | null }> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const now = this.clock.now();
    const where = new SqlWhere();
    if (!this.isManager(actor)) where.add('(a.owner_user_id = ? OR a.created_by = ?)', actor.userId);
    if (q.owner === 'me') where.add('a.owner_user_id = ?', actor.userId);
    if (q.open === true) where.raw('a.done_at IS NULL');
    if (q.open === false) where.raw('a.done_at IS NOT NULL');
    if (q.overdue === true) where.add('(a.done_at IS NULL AND a.due_at < ?)', now);
    if (q.overdue === false) where.add('NOT (a.done_at IS NULL AND a.due_at IS NOT NULL AND a.due_at < ?)', now);
    if (q.sourceType) where.add('a.source_type = ?', q.sourceType);
    if (q.sourceId) where.add('a.source_id = ?', q.sourceId);
    if (q.cursor) {
      // The order they were recorded in breaks a tie of due date (seq), never the random id: the cursor carries it.
      const [key, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      where.raw(`(coalesce(a.due_at, '${NO_DUE}'::timestamptz), a.seq) > (${where.param(key)}::timestamptz, ${where.param(seq)}::bigint)`);
    }
    const sql = `${selectWithBasis(this.isManager(actor) ? 'role:manager' : 'owner')} ${where} ORDER BY coalesce(a.due_at, '${NO_DUE}'::timestamptz), a.seq LIMIT ${where.param(limit + 1)}`;
    return this.db.transaction(async (m) => {
      const rows = await this.audit.selectAudited<ActionRow>(
        m,
        // Each listed as one is read (GET /actions/{id}): a manager's, or the owner's or creator's own.
        { sql, params: where.params, shown: limit, resourceColumn: 'id', subjectColumn: 'subjectPersonId', basisColumn: 'accessBasis' },
        { action: 'action.read', resourceType: 'follow-up-action', details: { via: 'list' } },
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => this.view(r, now)),
        nextCursor: rows.length > limit && last ? encodeCursor([new Date(last.sortKey).toISOString(), String(last.seq)]) : null,
      };
    });
  }

  /** POST /actions: a manager adds an action for a handover. */
  async add(actor: Actor, dto: CreateActionDto): Promise<ActionViewDto> {
    if (!this.isManager(actor))
      await this.access.deny(
        actor,
        'actions.write',
        { type: 'handover', id: dto.sourceId },
        "Only a manager adds actions to a handover; a decision's actions come from the decision when it is signed.",
      );
    return this.db.transaction(async (m) => {
      const [handover] = await m.query('SELECT id FROM handovers WHERE id = $1', [dto.sourceId]);
      if (!handover)
        throw new UnprocessableProblem(`Handover ${dto.sourceId} does not exist.`, 'handover-not-found', { field: 'sourceId' });
      const [id] = await this.insert(m, actor, 'handover', dto.sourceId, [dto]);
      return this.view(await this.load(m, id), this.clock.now());
    });
  }

  /** POST /actions/:id/done: its owner or a manager records it done (when, by whom, a note); done already → 409. */
  async done(actor: Actor, id: string, note: string | undefined, expectedVersion: ExpectedVersion): Promise<ActionViewDto> {
    return this.db.transaction(async (m) => {
      const locked = await m.query('SELECT id FROM follow_up_actions WHERE id = $1 FOR UPDATE', [id]);
      // An id the hub does not hold is refused as another's action is, but to a manager (who may close any): the answer
      // does not say which actions exist.
      if (!locked.length && this.isManager(actor)) throw new NotFoundProblem('Action', id);
      const a = locked.length ? await this.load(m, id) : null;
      if (!a || (!this.isManager(actor) && a.ownerUserId !== actor.userId)) {
        return this.access.deny(
          actor,
          'actions.write',
          { type: 'follow-up-action', id },
          "Only the action's owner or a manager may mark it done.",
          a?.subjectPersonId ?? null,
        );
      }
      // AMHP-12: a follow-up her own decision set is closed by its owner or by another manager, never by her as manager.
      if (a.ownerUserId !== actor.userId && a.sourceType === 'decision') {
        const [d]: Array<{ author: string }> = await m.query('SELECT author_user_id AS author FROM decisions WHERE id = $1', [a.sourceId]);
        refuseOwnRecord(actor, d?.author, 'close a follow-up action from a decision');
      }
      if (a.doneAt)
        throw new ConflictProblem(`This action was done at ${isoOrNull(a.doneAt)}.`, 'action-done', {
          doneAt: isoOrNull(a.doneAt),
          doneBy: a.doneBy,
        });
      assertVersion(expectedVersion, a.version);
      const now = this.clock.now();
      await m.query('UPDATE follow_up_actions SET done_at = $2, done_by = $3, done_note = $4, version = version + 1 WHERE id = $1', [
        id,
        now,
        actor.userId,
        note ?? null,
      ]);
      await this.audit.record(m, {
        action: 'action.done',
        resourceType: 'follow-up-action',
        resourceId: id,
        subjectPersonId: a.subjectPersonId,
        accessBasis: this.isManager(actor) ? 'role:manager' : 'owner',
        details: { sourceType: a.sourceType, sourceId: a.sourceId },
      });
      await this.events.emit(m, {
        type: 'action.done',
        aggregateType: 'follow-up-action',
        aggregateId: id,
        payload: { actionId: id, sourceType: a.sourceType, sourceId: a.sourceId, doneBy: actor.userId },
      });
      return this.view(await this.load(m, id), now);
    });
  }

  /**
   * For the handover, inside its transaction: every action not yet done, due first (undated last). Not audited here:
   * the caller audits what it shows.
   */
  async openActions(m: EntityManager): Promise<OpenAction[]> {
    const rows: ActionRow[] = await m.query(
      `${SELECT} WHERE a.done_at IS NULL ORDER BY coalesce(a.due_at, '${NO_DUE}'::timestamptz), a.created_at, a.seq`,
    );
    return rows.map((r) => ({
      id: r.id,
      description: r.description,
      ownerUserId: r.ownerUserId,
      ownerTeam: r.ownerTeam,
      dueAt: isoOrNull(r.dueAt),
      doneAt: isoOrNull(r.doneAt),
      sourceType: r.sourceType,
      sourceId: r.sourceId,
    }));
  }

  /**
   * Records actions in the caller's transaction (a decision being signed or amended, a handover), audited and
   * emitted one by one. A named owner must be a user: 422 naming the ones that are not. Returns the new ids in order.
   */
  async insert(
    m: EntityManager,
    actor: Actor,
    sourceType: 'decision' | 'handover',
    sourceId: string,
    actions: NewAction[],
    subjectPersonId: string | null = null,
  ): Promise<string[]> {
    await this.requireOwners(
      m,
      actions.map((a) => a.ownerUserId ?? null),
    );
    const ids: string[] = [];
    // Made at the one instant of the change, by the service's clock: the actions of one decision keep the order they
    // were written in by seq, which every list orders by after created_at.
    const now = this.clock.now();
    for (const a of actions) {
      const [{ id }] = await m.query(
        `INSERT INTO follow_up_actions (source_type, source_id, description, owner_user_id, owner_team, due_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          sourceType,
          sourceId,
          a.description,
          a.ownerUserId ?? null,
          a.ownerTeam ?? null,
          a.dueAt ? new Date(a.dueAt) : null,
          actor.userId,
          now,
        ],
      );
      await this.audit.record(m, {
        at: now,
        action: 'action.create',
        resourceType: 'follow-up-action',
        resourceId: id,
        subjectPersonId,
        details: { sourceType, sourceId, ownerUserId: a.ownerUserId ?? null },
      });
      await this.events.emit(
        m,
        {
          type: 'action.created',
          aggregateType: 'follow-up-action',
          aggregateId: id,
          payload: {
            actionId: id,
            sourceType,
            sourceId,
            ownerUserId: a.ownerUserId ?? null,
            dueAt: a.dueAt ? new Date(a.dueAt).toISOString() : null,
          },
        },
        now,
      );
      ids.push(id);
    }
    return ids;
  }

  /** The actions of some sources (a decision's, for its view and the handover), in the order they were made. */
  async ofSources(m: EntityManager, sourceType: 'decision' | 'handover', sourceIds: string[]): Promise<Map<string, ActionViewDto[]>> {
    const out = new Map<string, ActionViewDto[]>();
    if (!sourceIds.length) return out;
    const now = this.clock.now();
    const rows: ActionRow[] = await m.query(
      `${SELECT} WHERE a.source_type = $1 AND a.source_id = ANY($2::uuid[]) ORDER BY a.created_at, a.seq`,
      [sourceType, sourceIds],
    );
    for (const r of rows) {
      const list = out.get(r.sourceId) ?? [];
      list.push(this.view(r, now));
      out.set(r.sourceId, list);
    }
    return out;
  }

  /** 422 naming the owner user ids that are not users, or not users who can work an action (managers and AMHPs). */
  async requireOwners(m: EntityManager, ownerUserIds: Array<string | null | undefined>, field = 'ownerUserId'): Promise<void> {
    const ids = [...new Set(ownerUserIds.filter((x): x is string => !!x))];
    if (!ids.length) return;
    const known = await this.users.displayNames(m, ids);
    const unknown = ids.filter((x) => !known.has(x));
    if (unknown.length)
      throw new UnprocessableProblem(
        `No user has the id ${unknown.join(', ')}: name an owner who is a user, or give ownerTeam.`,
        'owner-not-found',
        { field, unknown },
      );
    // The owner must be able to see and close it (actions.read: a manager or an AMHP), not a referrer or an auditor.
    await this.users.requireActiveWithRole(m, ids, ['manager', 'amhp'], field, 'owner-not-staff');
  }

  private isManager(actor: Actor): boolean {
    return actor.roles.includes('manager');
  }

  private async load(m: EntityManager, id: string): Promise<ActionRow> {
    const [row] = await m.query(`${SELECT} WHERE a.id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Action', id);
    return row;
  }

  private view(r: ActionRow, now: Date): ActionViewDto {
    return {
      id: r.id,
      sourceType: r.sourceType,
      sourceId: r.sourceId,
      description: r.description,
      ownerUserId: r.ownerUserId,
      ownerTeam: r.ownerTeam,
      dueAt: isoOrNull(r.dueAt),
      overdue: !r.doneAt && !!r.dueAt && new Date(r.dueAt).getTime() < now.getTime(),
      doneAt: isoOrNull(r.doneAt),
      doneBy: r.doneBy,
      doneNote: r.doneNote,
      createdBy: r.createdBy,
      createdAt: isoOrNull(r.createdAt)!,
      version: r.version,
    };
  }
}
