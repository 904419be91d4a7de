import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AssessmentsService } from '../assessments/assessments.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { ReferralsService } from '../referrals/referrals.service';
import { ShiftsService } from '../rota/shifts.service';
import { refuseOwnRecord } from '../workforce/practitioners.service';
import { formatLocal } from '../statute/clocks';
import { addDays, isIsoDate, localDate } from '../statute/time';
import { ActionsService } from './actions.service';
import { DecisionsService } from './decisions.service';

export interface HandoverItemView {
  id: string;
  itemType: 'decision' | 'referral' | 'assessment' | 'rota-note' | 'action';
  itemId: string;
  summary: Record<string, unknown>;
  firstHandedOverOn: string;
  carriedOver: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
}

export interface HandoverView {
  id: string;
  date: string;
  periodFrom: string;
  periodTo: string;
  compiledAt: string;
  compiledBy: string | null;
  items: HandoverItemView[];
  counts: { total: number; open: number; carriedOver: number };
}

type ItemRow = {
  id: string;
  item_type: HandoverItemView['itemType'];
  item_id: string;
  summary: Record<string, unknown>;
  first_handed_over_on: string;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
};

/**
 * The morning handover: everything the day teams must pick up from the night, compiled for a local date and
 * acknowledged item by item by a day-team manager. Items nobody acknowledged are carried to the next handover until
 * someone does.
 *
 * A handover is a snapshot, compiled once, on its own date: by the scheduled job at HANDOVER_TIME (local time), or
 * earlier by a manager (POST /handovers/:date/compile). Its period runs from the previous handover's compilation to
 * its own, half-open [periodFrom, periodTo), so each decision signed is handed over exactly once; the very first
 * handover starts at HANDOVER_TIME the day before. What it lists is stored when it is compiled and never changes
 * afterwards (the database refuses it too): only acknowledgements are added. Reading writes only the audit record.
 * Items hold ids, codes, times and the author's short handover notes, not names: whoever opens the referral,
 * assessment or decision reads it there, audited.
 */
@Injectable()
export class HandoversService {
  private readonly logger = new Logger('Handover');

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly decisions: DecisionsService,
    private readonly actions: ActionsService,
    private readonly referrals: ReferralsService,
    private readonly assessments: AssessmentsService,
    private readonly shifts: ShiftsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly access: AccessService,
  ) {}

  /**
   * GET /handovers/:date: the date's compiled handover; an audited read that writes nothing else (a date never
   * compiled is 404). A decision item shows its content only to whom the decision itself would (its author,
   * managers); anyone else sees its ids, codes and times.
   */
  async get(actor: Actor, date: string): Promise<HandoverView> {
    this.assertDate(date);
    return this.db.transaction(async (m) => {
      const view = await this.forReader(m, actor, await this.load(m, date));
      await this.auditRead(m, view);
      return view;
    });
  }

  /**
   * POST /handovers/:date/compile: a manager compiles today's handover before the job does at HANDOVER_TIME. Once
   * only: a date already compiled (by the job or another manager, even a moment earlier) is 409 naming when; a date
   * that has passed uncompiled is 422, its night being on the next handover compiled.
   */
  async compile(actor: Actor, date: string): Promise<HandoverView> {
    this.assertDate(date);
    return this.db.transaction(async (m) => {
      const compiledAt = await this.claim(m, date);
      if (compiledAt)
        throw new ConflictProblem(
          `The handover for ${date} was already compiled at ${formatLocal(compiledAt, this.config.timeZone)}: it is not compiled again.`,
          'handover-already-compiled',
          { compiledAt: compiledAt.toISOString() },
        );
      const today = localDate(this.clock.now(), this.config.timeZone);
      if (date !== today)
        throw new UnprocessableProblem(
          `The handover for ${date} was never compiled and no longer can be: a handover is compiled on its own date, and what happened since the last one is on the next handover compiled (today ${today}).`,
          'handover-date-passed',
        );
      const view = await this.compileIn(m, date, actor.userId);
      await this.audit.record(m, {
        action: 'handover.compile',
        resourceType: 'handover',
        resourceId: view.id,
        details: { date, items: view.items.length, via: 'request' },
      });
      const shown = await this.forReader(m, actor, view);
      await this.auditRead(m, shown);
      return shown;
    });
  }

  /** A read of a handover: the handover, and each person an item is about (named by id only, but the list says who was in contact overnight). */
  private async auditRead(m: EntityManager, view: HandoverView): Promise<void> {
    const subjects = view.items.filter((i) => typeof i.summary.personId === 'string');
    await this.audit.record(m, {
      action: 'handover.read',
      resourceType: 'handover',
      resourceId: view.id,
      details: { date: view.date, items: view.items.length },
    });
    await this.audit.recordMany(
      m,
      { action: 'handover.item-read', resourceType: 'handover-item', details: { date: view.date } },
      subjects.map((i) => ({ resourceId: i.id, subjectPersonId: i.summary.personId as string })),
    );
  }

  /**
   * Decision content (question, decision, handover note, actions) withheld from those the decision route refuses; and
   * so the follow-up actions a decision set, whose descriptions are its content too (GET /actions does not list them
   * to such a reader either): their codes, owner and due time stay, for the day team to see that something is due.
   * The day-team manager's acknowledgement note on such an item is free text about the same decision (what the day
   * team will do about the person), so it is withheld with the content: who acknowledged it and when stay shown.
   * So is a note on any other item about a person (a referral, an assessment, an action) from a reader who may not
   * read that person's record: the item's ids and codes are for every AMHP, free text about the person is not.
   */
  private async forReader(m: EntityManager, actor: Actor, view: HandoverView): Promise<HandoverView> {
    const fromDecisions = view.items.filter((i) => i.itemType === 'action' && i.summary.sourceType === 'decision');
    const authors = new Map<string, string>();
    if (fromDecisions.length) {
      const rows: Array<{ id: string; author: string }> = await m.query(
        'SELECT id::text, author_user_id::text AS author FROM decisions WHERE id = ANY($1::uuid[])',
        [fromDecisions.map((i) => String(i.summary.sourceId))],
      );
      for (const r of rows) authors.set(r.id, r.author);
    }
    const items = view.items.map((i) => {
      if (i.itemType === 'decision' && !this.decisions.seesContent(actor, String(i.summary.authorUserId))) {
        const { question: _q, decision: _d, handoverNote: _h, actions: _a, ...codes } = i.summary;
        return { ...i, summary: { ...codes, contentWithheld: true }, acknowledgementNote: null };
      }
      if (fromDecisions.includes(i) && !this.decisions.seesContent(actor, authors.get(String(i.summary.sourceId)) ?? '')) {
        const { description: _d, ...codes } = i.summary;
        return { ...i, summary: { ...codes, contentWithheld: true }, acknowledgementNote: null };
      }
      return i;
    });
    const aboutPeople = items.filter(
      (i) =>
        i.acknowledgementNote !== null && typeof i.summary.personId === 'string' && i.itemType !== 'decision' && !fromDecisions.includes(i),
    );
    if (!aboutPeople.length) return { ...view, items };
    const readable = await this.access.decideEach(
      actor,
      'person.read',
      aboutPeople.map((i) => String(i.summary.personId)),
      m,
    );
    const unreadable = new Set(aboutPeople.filter((_, k) => !readable[k].allowed));
    return { ...view, items: items.map((i) => (unreadable.has(i) ? { ...i, acknowledgementNote: null } : i)) };
  }

  /**
   * POST /handovers/:date/items/:itemId/acknowledgement: a day-team manager takes the item on. Never one from her own
   * decision (the decision, or an action it set): taking it on is the check by someone else that the handover exists
   * for, and it ends the carrying over and the escalation, so another manager must (AMHP-12, 403 `own-record`).
   */
  async acknowledge(actor: Actor, date: string, itemId: string, note?: string): Promise<HandoverView> {
    this.assertDate(date);
    return this.db.transaction(async (m) => {
      const [item]: Array<{
        id: string;
        item_type: string;
        item_id: string;
        person_id: string | null;
        acknowledged_at: Date | null;
        handover_date: string;
        decision_author: string | null;
      }> = await m.query(
        `SELECT i.id, i.item_type, i.item_id, i.summary->>'personId' AS person_id, i.acknowledged_at,
                to_char(h.handover_date, 'YYYY-MM-DD') AS handover_date,
                CASE i.item_type
                  WHEN 'decision' THEN (SELECT d.author_user_id FROM decisions d WHERE d.id = i.item_id)
                  WHEN 'action' THEN (SELECT d.author_user_id FROM follow_up_actions a JOIN decisions d ON d.id = a.source_id
                                       WHERE a.id = i.item_id AND a.source_type = 'decision')
                END AS decision_author
           FROM handover_items i JOIN handovers h ON h.id = i.handover_id WHERE i.id = $1 FOR UPDATE OF i`,
        [itemId],
      );
      if (!item || item.handover_date !== date) throw new NotFoundProblem('Handover item', itemId);
      refuseOwnRecord(
        actor,
        item.decision_author,
        `acknowledge the handover of ${item.item_type === 'action' ? 'an action from a decision' : 'a decision'}`,
      );
      if (item.acknowledged_at) throw new ConflictProblem('This item has already been acknowledged.', 'already-acknowledged');
      const now = this.clock.now();
      // The same subject left open on earlier handovers is taken on too: it is not carried again.
      await m.query(
        `UPDATE handover_items SET acknowledged_at = $3, acknowledged_by = $4, acknowledgement_note = $5
          WHERE item_type = $1 AND item_id = $2 AND acknowledged_at IS NULL`,
        [item.item_type, item.item_id, now, actor.userId, note ?? null],
      );
      await this.audit.record(m, {
        action: 'handover.acknowledge',
        resourceType: 'handover-item',
        resourceId: itemId,
        // Taking on an item about a person is a change to what is recorded of them: the audit names who it was about.
        subjectPersonId: item.person_id,
        details: { date, itemType: item.item_type, itemId: item.item_id },
      });
      await this.events.emit(m, {
        type: 'handover.item-acknowledged',
        aggregateType: 'handover',
        aggregateId: itemId,
        payload: { date, itemId, itemType: item.item_type, by: actor.userId },
      });
      // The answer is the whole handover again: a read of it, and of each person its items are about, like GET.
      const view = await this.forReader(m, actor, await this.load(m, date));
      await this.auditRead(m, view);
      return view;
    });
  }

  /**
   * The scheduled compilation: once the local time passes HANDOVER_TIME, today's handover is compiled unless it
   * already has been (by a manager before, or by another runner): then it does nothing. Scheduled by the alerts
   * JobRunner (job `handover-compile`, every minute); the advisory lock and the unique date make it happen once.
   */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    if (now < this.handoverTimeOn(today)) return;
    try {
      await this.db.transaction(async (m) => {
        if (await this.claim(m, today)) return;
        const view = await this.compileIn(m, today, null);
        await this.audit.record(m, {
          action: 'handover.compile',
          resourceType: 'handover',
          resourceId: view.id,
          actor: null,
          details: { date: today, items: view.items.length, via: 'schedule' },
        });
        this.logger.log(`handover for ${today} compiled: ${view.items.length} items`);
      });
    } catch (err) {
      this.logger.error(`handover for ${today} not compiled: ${(err as Error).message}`);
    }
  }

  /** HANDOVER_TIME on a local date, as an instant (on the day the clocks change too). */
  handoverTimeOn(date: string): Date {
    return DateTime.fromISO(`${date}T${this.config.handoverTime}`, { zone: this.config.timeZone }).toJSDate();
  }

  /**
   * For the handover-escalation job: the items of the latest handover still unacknowledged, when it was compiled at
   * or before `compiledBefore` (to the minute).
   */
  /** For paging the managers (in the caller's transaction): the latest compiled handover's date and when it was compiled. */
  async latestCompiled(m: EntityManager): Promise<{ date: string; compiledAt: Date } | undefined> {
    const [row]: Array<{ date: string; compiledAt: Date }> = await m.query(
      `SELECT to_char(handover_date, 'YYYY-MM-DD') AS date, compiled_at AS "compiledAt" FROM handovers WHERE compiled_at IS NOT NULL ORDER BY handover_date DESC LIMIT 1`,
    );
    return row;
  }

  async unacknowledgedItems(
    m: EntityManager,
    compiledBefore: Date,
  ): Promise<Array<{ id: string; itemType: string; itemId: string; handoverDate: string }>> {
    return m.query(
      `SELECT i.id, i.item_type AS "itemType", i.item_id AS "itemId", to_char(h.handover_date, 'YYYY-MM-DD') AS "handoverDate"
         FROM handover_items i JOIN handovers h ON h.id = i.handover_id
        WHERE h.handover_date = (SELECT max(handover_date) FROM handovers) AND i.acknowledged_at IS NULL AND date_trunc('minute', h.compiled_at) <= $1
        ORDER BY i.seq`,
      [compiledBefore],
    );
  }

  /**
   * Takes the date's compilation lock for the transaction; answers when the date was compiled, or null when it is
   * still to be (and this transaction holds the right to compile it).
   */
  private async claim(m: EntityManager, date: string): Promise<Date | null> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`handover:${date}`]);
    const [h]: Array<{ compiled_at: Date }> = await m.query('SELECT compiled_at FROM handovers WHERE handover_date = $1', [date]);
    return h ? new Date(h.compiled_at) : null;
  }

  /** Compiles a date's handover, once (the caller holds `claim`): the period, then its items, stored as they are now. */
  private async compileIn(m: EntityManager, date: string, by: string | null): Promise<HandoverView> {
    // The period is half-open, [from, until): `until` is just after now, so what happened at this instant is on this
    // handover, and the next one (from this compilation) does not repeat it.
    const now = new Date(this.clock.now().getTime() + 1);
    const [previous]: Array<{ compiled_at: Date }> = await m.query(
      'SELECT compiled_at FROM handovers WHERE handover_date < $1 ORDER BY handover_date DESC LIMIT 1',
      [date],
    );
    // From the previous handover's compilation, or from HANDOVER_TIME the day before when there was none. Handovers are
    // compiled on their own dates, so the previous one ended before this date began.
    const periodFrom = previous ? new Date(previous.compiled_at) : this.handoverTimeOn(addDays(date, -1));
    if (periodFrom > this.handoverTimeOn(date))
      throw new ConflictProblem(
        `The previous handover ends after ${date}'s handover time: ${date} cannot be compiled.`,
        'handover-out-of-order',
      );
    const [h]: Array<{ id: string; period_from: Date }> = await m.query(
      'INSERT INTO handovers (handover_date, period_from, compiled_at, compiled_by) VALUES ($1, $2, $3, $4) RETURNING id, period_from',
      [date, periodFrom, now, by],
    );
    await this.events.emit(m, { type: 'handover.compiled', aggregateType: 'handover', aggregateId: h.id, payload: { date } });
    const from = new Date(h.period_from);
    const fresh: Array<{ type: HandoverItemView['itemType']; id: string; summary: Record<string, unknown> }> = [];
    // Signed in the period, amended in it (shown as amended, with the record as it now stands: it takes the place of
    // the superseded text carried from an earlier handover), and drafts left unsigned, as needing action (OOH-08).
    for (const d of await this.decisions.forHandover(m, from, now)) {
      fresh.push({
        type: 'decision',
        id: d.id,
        summary: {
          kind: 'decision',
          decisionType: d.type,
          status: d.status,
          ...(d.status === 'draft' ? { needsAction: 'Not yet signed: the author must complete and sign the record.' } : {}),
          amendmentCount: d.amendmentCount,
          lastAmendedAt: d.lastAmendedAt,
          occurredAt: d.occurredAt,
          signedAt: d.signedAt,
          authorUserId: d.authorUserId,
          personId: d.personId,
          question: d.question,
          decision: d.decision,
          handoverNote: d.handoverNote,
          costPence: d.costPence,
          escalated: d.escalated,
          actions: d.actions,
        },
      });
    }
    for (const r of await this.referrals.openForHandover(m))
      fresh.push({ type: 'referral', id: r.id, summary: { kind: 'referral', ...r } });
    for (const a of await this.assessments.inProgress(m))
      fresh.push({ type: 'assessment', id: a.id, summary: { kind: 'assessment', ...a } });
    for (const s of await this.shifts.notesBetween(m, from, now))
      fresh.push({ type: 'rota-note', id: s.id, summary: { kind: 'rota-note', ...s } });
    for (const x of await this.actions.openActions(m)) {
      const overdue = x.dueAt !== null && Date.parse(x.dueAt) < now.getTime();
      const dueToday = x.dueAt !== null && localDate(new Date(x.dueAt), this.config.timeZone) <= date;
      if (overdue || dueToday) fresh.push({ type: 'action', id: x.id, summary: { kind: 'action', ...x, overdue } });
    }
    for (const item of fresh) {
      // A subject still open from an earlier handover shows how it is now, and keeps the date it was first handed over on.
      await m.query(
        `INSERT INTO handover_items (handover_id, item_type, item_id, summary, first_handed_over_on)
         SELECT $1, $2, $3, $4, coalesce(
           (SELECT min(i.first_handed_over_on) FROM handover_items i JOIN handovers p ON p.id = i.handover_id
             WHERE p.handover_date < $5 AND i.item_type = $2 AND i.item_id = $3 AND i.acknowledged_at IS NULL), $5::date)`,
        [h.id, item.type, item.id, item.summary, date],
      );
    }
    // Then what is left open on earlier handovers and not listed afresh, as it was handed over, in the order it was
    // listed in there (seq), not the order of its random ids.
    await m.query(
      `INSERT INTO handover_items (handover_id, item_type, item_id, summary, first_handed_over_on)
       SELECT $1::uuid, c.item_type, c.item_id, c.summary, c.first_handed_over_on
         FROM (SELECT DISTINCT ON (i.item_type, i.item_id) i.item_type, i.item_id, i.summary, i.first_handed_over_on, i.seq
                 FROM handover_items i JOIN handovers p ON p.id = i.handover_id
                WHERE p.handover_date < $2 AND i.acknowledged_at IS NULL
                ORDER BY i.item_type, i.item_id, p.handover_date DESC) c
        ORDER BY c.seq
       ON CONFLICT (handover_id, item_type, item_id) DO NOTHING`,
      [h.id, date],
    );
    return this.load(m, date);
  }

  private async load(m: EntityManager, date: string): Promise<HandoverView> {
    const [h]: Array<{ id: string; period_from: Date; compiled_at: Date; compiled_by: string | null }> = await m.query(
      'SELECT id, period_from, compiled_at, compiled_by FROM handovers WHERE handover_date = $1',
      [date],
    );
    if (!h) throw new NotFoundProblem('Handover', date);
    const rows: ItemRow[] = await m.query(
      `SELECT id, item_type, item_id, summary, to_char(first_handed_over_on, 'YYYY-MM-DD') AS first_handed_over_on, acknowledged_at, acknowledged_by, acknowledgement_note
         FROM handover_items WHERE handover_id = $1
        ORDER BY acknowledged_at IS NOT NULL, first_handed_over_on, array_position(ARRAY['decision','action','referral','assessment','rota-note'], item_type), seq`,
      [h.id],
    );
    const items = rows.map((r) => ({
      id: r.id,
      itemType: r.item_type,
      itemId: r.item_id,
      summary: r.summary,
      firstHandedOverOn: r.first_handed_over_on,
      carriedOver: r.first_handed_over_on < date,
      acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
      acknowledgedBy: r.acknowledged_by,
      acknowledgementNote: r.acknowledgement_note,
    }));
    return {
      id: h.id,
      date,
      periodFrom: h.period_from.toISOString(),
      periodTo: h.compiled_at.toISOString(),
      compiledAt: h.compiled_at.toISOString(),
      compiledBy: h.compiled_by,
      items,
      counts: {
        total: items.length,
        open: items.filter((i) => !i.acknowledgedAt).length,
        carriedOver: items.filter((i) => i.carriedOver).length,
      },
    };
  }

  private assertDate(date: string): void {
    if (!isIsoDate(date))
      throw new UnprocessableProblem(`The handover date must be a date YYYY-MM-DD, got '${date}'.`, 'invalid-date', {
        errors: [{ field: 'date', messages: ['date must be a calendar date YYYY-MM-DD'] }],
      });
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (date > today) throw new UnprocessableProblem(`There is no handover for ${date} yet: it is ${today} now.`, 'handover-in-future');
  }
}
