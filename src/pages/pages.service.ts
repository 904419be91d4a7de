import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { checkWebhookUrl } from '../alerts/webhook-url';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, isoOrNull, reportedInstant } from '../common/clock';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { CreatePushSubscriptionDto, GatewayReceiptDto, PageViewDto, PagesQuery, PushSubscriptionDto } from './dto/pages.dto';
import { PAGE_CLOSED_REASONS, PAGE_KINDS, type PageClosedReason, type PageKind } from './pages.entities';

/** Why the service closes a page, and (the same words) a notification about the same matter (NotificationsService.close). */
export { PAGE_CLOSED_REASONS, type PageClosedReason };

/** A page to raise, in the caller's transaction. */
export interface NewPage {
  kind: PageKind;
  recipientUserIds: string[];
  chainKey: string;
  step?: number;
  /**
   * Why an escalation came: an offer nobody accepted, a clock page nobody acknowledged (DUTY-03), an unlawful detention
   * at intake (POL-09), or a job whose AMHP may no longer act as one (MHA 1983 s.114), to the managers to reallocate.
   */
  reason?: 'offer-not-accepted' | 'clock-not-acknowledged' | 'unlawful-detention' | 'amhp-not-eligible' | null;
  referralId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /** A clock page: the end it warns of (clockPageMove). */
  endsAt?: Date | null;
}

/** Offers, breaches and escalations wake a phone in power saving; warnings and the handover need not. */
export function urgencyOf(kind: PageKind): 'high' | 'normal' {
  return kind === 'clock-warning' || kind === 'handover' ? 'normal' : 'high';
}

/**
 * What a page is, in the app and on the lock screen: generic words per kind (and, for an escalation, why it came),
 * never who or what it is about (the push payload is `{ id, kind }` only; the detail is read in the app, signed in,
 * under the access policy).
 */
// A clock page says "a time limit", not "a legal time limit": the clocks that page are statutory limits and local
// targets alike (the response target, the place-of-safety assessment start), and a local target read as the law at
// 3 a.m. sends people chasing the wrong thing. Which limit it is comes with the detail, after unlock.
export function pageTitle(kind: PageKind, reason: string | null = null): string {
  switch (kind) {
    case 'offer':
      return 'New job offered to you';
    case 'clock-warning':
      return 'A time limit on your job is running out';
    case 'clock-breach':
      return 'A time limit on your job has passed';
    case 'escalation':
      if (reason === 'clock-not-acknowledged') return 'A time limit warning nobody acknowledged has come to you';
      if (reason === 'offer-not-accepted') return 'A job nobody has accepted has come to you';
      if (reason === 'unlawful-detention') return 'A person is held where the law does not allow: act now';
      if (reason === 'amhp-not-eligible') return "A job's AMHP may no longer act: reallocate it";
      return 'A job needs someone now';
    case 'handover':
      return 'The morning handover is ready';
  }
}

/**
 * The words a notification shows for each kind of page: all the service worker knows of a page is its id and kind
 * (the app shell gives it these words, app/templates/sw.js).
 */
export const NOTIFICATION_WORDS: Readonly<Record<PageKind, string>> = Object.fromEntries(
  PAGE_KINDS.map((k) => [k, pageTitle(k)]),
) as Record<PageKind, string>;

type PageRow = {
  id: string;
  kind: PageKind;
  step: number;
  reason: string | null;
  urgency: 'high' | 'normal';
  recipient_user_id: string;
  referral_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  chain_key: string;
  created_at: Date;
  /** The order raised in (bigint, as text): the tie-break of the inbox and its cursor. */
  seq: string;
  push_state: string;
  push_attempts: number;
  push_sent_at: Date | null;
  push_last_error: string | null;
  gateway_state: string | null;
  gateway_requested_at: Date | null;
  gateway_updated_at: Date | null;
  gateway_detail: string | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_via: string | null;
  closed_reason: PageClosedReason | null;
  superseded_at: Date | null;
  ends_at: Date | null;
  recipient_name: string;
};

/**
 * A chain is answered when someone in it acknowledged a page, or when none of its pages waits any longer (each closed
 * by the service: what it paged about is no longer theirs to act on). A page the service closed is no one's answer: a
 * later page in the chain (the clock page of the AMHP the job was reallocated to) escalates if she leaves it (DUTY-03).
 * Nor is an acknowledgement of a page older than the chain's newest step 0: the AMHP who had the job (or a colleague
 * it was passed to then) answered for her time with it, not for the AMHP who holds it now, who was paged afresh; nor
 * one of a page superseded (closeFor): it answered for an episode of the job that has ended.
 */
const CHAIN_ANSWERED = `(bool_or(p.acknowledged_at IS NOT NULL AND p.closed_reason IS NULL AND p.superseded_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM pages n WHERE n.chain_key = p.chain_key AND n.step = 0 AND n.created_at > p.created_at))
     OR bool_and(p.acknowledged_at IS NOT NULL))`;

/**
 * The pages of a chain's current round: from its newest step 0 on. A job that comes to an AMHP starts its clock chains
 * afresh at her step 0; the steps paged before (the managers', while nobody held it; a colleague's, for the AMHP who
 * had it) neither end the chain as if at its last step nor keep anyone from being paged in the new round.
 */
const IN_ROUND = `p.created_at >= coalesce((SELECT max(z.created_at) FROM pages z WHERE z.chain_key = p.chain_key AND z.step = 0), '-infinity'::timestamptz)`;

/**
 * Everyone paged in a chain's current round, and every AMHP who held the job in an earlier one (its step 0): the
 * escalation never pages the same person twice in a round, nor passes the page back to an AMHP the job was taken from.
 */
const roundRecipients = (chainKey: string) =>
  `ARRAY(SELECT DISTINCT z.recipient_user_id::text FROM pages z WHERE z.chain_key = ${chainKey}
          AND (z.step = 0 OR z.created_at >= (SELECT max(y.created_at) FROM pages y WHERE y.chain_key = ${chainKey} AND y.step = 0)))`;

/** A page's columns and its recipient's name (the shared user_directory view: staff, not the people served). */
const PAGE_SELECT = `SELECT p.*, u.display_name AS recipient_name FROM pages p JOIN user_directory u ON u.id = p.recipient_user_id`;

/** What the gateway last said of a page: its state, when (by its clock) and its words. */
export interface GatewayHeld {
  state: 'requested' | 'delivered' | 'failed';
  updatedAt: Date;
  detail: string | null;
}

/** How much a state says: a delivery (or an acknowledgement, which implies one) outranks a failure, which outranks none. */
const GATEWAY_RANK = { requested: 0, failed: 1, delivered: 2 } as const;

/**
 * What a gateway receipt makes of the state held. Receipts may arrive out of order (a retried "failed" after the
 * "delivered", yesterday's receipt replayed), so the state is the strongest reported, never weakened: a delivery is
 * not undone by a failure, whenever either was sent. A receipt that says no more than the one held (a weaker state,
 * or the same state as of an earlier time) is superseded: kept in the audit trail only, the page unchanged. One that
 * says more sets the state and its words; `updatedAt` is the latest time any receipt reported, never moved backwards.
 */
export function gatewayReceiptOutcome(
  held: GatewayHeld,
  receipt: { status: 'delivered' | 'failed' | 'acknowledged'; at: Date; detail: string | null },
): GatewayHeld & { superseded: boolean } {
  const state = receipt.status === 'failed' ? 'failed' : 'delivered';
  const stronger = GATEWAY_RANK[state] > GATEWAY_RANK[held.state];
  const newer = GATEWAY_RANK[state] === GATEWAY_RANK[held.state] && receipt.at.getTime() >= held.updatedAt.getTime();
  if (!stronger && !newer) return { ...held, superseded: true };
  return {
    state,
    updatedAt: receipt.at.getTime() > held.updatedAt.getTime() ? receipt.at : held.updatedAt,
    detail: receipt.detail ?? held.detail,
    superseded: false,
  };
}

function linkOf(r: Pick<PageRow, 'referral_id' | 'subject_type' | 'subject_id'>): string | null {
  if (r.referral_id) return `/referrals/${r.referral_id}`;
  if (r.subject_type === 'handover' && r.subject_id) return `/handovers/${r.subject_id}`;
  if (r.subject_type === 'cto-extension' && r.subject_id) return `/cto-extensions/${r.subject_id}`;
  return null;
}

function pageView(r: PageRow): PageViewDto {
  return {
    id: r.id,
    kind: r.kind,
    step: r.step,
    reason: r.reason,
    title: pageTitle(r.kind, r.reason),
    urgency: r.urgency,
    recipientUserId: r.recipient_user_id,
    recipientName: r.recipient_name,
    referralId: r.referral_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    link: linkOf(r),
    createdAt: new Date(r.created_at).toISOString(),
    channels: {
      push: r.push_state,
      pushAttempts: r.push_attempts,
      pushSentAt: isoOrNull(r.push_sent_at),
      pushLastError: r.push_last_error,
      gateway: r.gateway_state,
      gatewayRequestedAt: isoOrNull(r.gateway_requested_at),
      gatewayUpdatedAt: isoOrNull(r.gateway_updated_at),
      gatewayDetail: r.gateway_detail,
    },
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedVia: r.acknowledged_via,
    closedReason: r.closed_reason,
    supersededAt: isoOrNull(r.superseded_at),
    endsAt: isoOrNull(r.ends_at),
  };
}

type SubscriptionRow = {
  id: string;
  label: string;
  endpoint: string;
  created_at: Date;
  last_sent_at: Date | null;
  last_failed_at: Date | null;
  last_error: string | null;
};

function subscriptionView(r: SubscriptionRow): PushSubscriptionDto {
  return {
    id: r.id,
    label: r.label,
    service: new URL(r.endpoint).host,
    endpoint: r.endpoint,
    createdAt: new Date(r.created_at).toISOString(),
    lastSentAt: isoOrNull(r.last_sent_at),
    lastFailedAt: isoOrNull(r.last_failed_at),
    lastError: r.last_error,
  };
}

/** A chain of pages (one matter) and where it has got to, for the escalation job. */
export interface PageChain {
  chainKey: string;
  referralId: string | null;
  /** The highest step paged so far. */
  step: number;
  /** When the chain was last paged (a new offer at step 0 restarts the wait). */
  lastPagedAt: Date;
  /** Someone in the chain acknowledged a page of it. */
  acknowledged: boolean;
  /** Everyone paged in the chain so far. */
  recipients: string[];
}

/**
 * Pages: alerts that must wake one person and be acknowledged, each with the state of its channels (Web Push to
 * the person's subscribed devices, then the `page.requested` webhook for a council's SMS or voice gateway), and the
 * devices' push subscriptions. Pages are raised in the transaction of the change that calls for them (an offer, a
 * clock job) and sent afterwards by PushSender, never inside that transaction.
 */
@Injectable()
export class PagesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Raises a page for each recipient (in the caller's transaction), once per chain, step and recipient in the matter's
   * current episode; the new page ids. A page superseded when the service closed the matter's pages (closeFor: the job
   * allocated, reallocated, back in the queue; the offer ended) does not count, acknowledged or not: the manager or
   * the AMHP a job comes back to is paged about it afresh (DUTY-01, DUTY-03), and only once in that episode.
   */
  async raise(m: EntityManager, p: NewPage): Promise<string[]> {
    const recipients = [...new Set(p.recipientUserIds)];
    if (!recipients.length) return [];
    const now = this.clock.now();
    const urgency = urgencyOf(p.kind);
    const rows: Array<{ id: string; userId: string }> = await m.query(
      `INSERT INTO pages (kind, recipient_user_id, chain_key, step, reason, referral_id, subject_type, subject_id, urgency, created_at, push_next_attempt_at, ends_at)
       SELECT $2, u, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11 FROM unnest($1::uuid[]) AS u
       ON CONFLICT (chain_key, step, recipient_user_id) WHERE superseded_at IS NULL DO NOTHING RETURNING id, recipient_user_id AS "userId"`,
      [
        recipients,
        p.kind,
        p.chainKey,
        p.step ?? 0,
        p.reason ?? null,
        p.referralId ?? null,
        p.subjectType ?? null,
        p.subjectId ?? null,
        urgency,
        now,
        p.endsAt ?? null,
      ],
    );
    // Her open app shows it at once from the live stream (addressed to her), not at its next poll.
    for (const r of rows)
      await this.events.emit(m, {
        type: 'page.raised',
        aggregateType: 'page',
        aggregateId: r.id,
        payload: {
          pageId: r.id,
          userId: r.userId,
          kind: p.kind,
          step: p.step ?? 0,
          urgency,
          referralId: p.referralId ?? null,
          raisedAt: now.toISOString(),
        },
      });
    return rows.map((r) => r.id);
  }

  /** The chains whose last step was paged at or before `pagedBefore`, not yet at the last step (for the escalation job). */
  async chainsDue(m: EntityManager, prefix: string, pagedBefore: Date): Promise<PageChain[]> {
    const rows: Array<{
      chainKey: string;
      referralId: string | null;
      step: number;
      lastPagedAt: Date;
      acknowledged: boolean;
      recipients: string[];
    }> = await m.query(
      `SELECT chain_key AS "chainKey", (array_agg(referral_id))[1] AS "referralId", max(step)::int AS step,
                max(created_at) AS "lastPagedAt",
                ${CHAIN_ANSWERED} AS acknowledged, ${roundRecipients('p.chain_key')} AS recipients
           FROM pages p WHERE chain_key LIKE $1 || '%' AND ${IN_ROUND}
          GROUP BY chain_key
         HAVING max(step) < 3 AND max(created_at) <= $2`,
      [prefix, pagedBefore],
    );
    return rows.map((r) => ({ ...r, lastPagedAt: new Date(r.lastPagedAt) }));
  }

  /**
   * The chains whose keys start with `prefix` that have a page standing in the current episode (not superseded), of the
   * referrals named, with their referral and the end their pages warn of (a row for each end, null for pages that kept
   * none): what is paged about now (ClockAlerts: a clock's pages of an end moved since). Only the referrals named: the
   * clock job names the open ones, as a closed referral's chains matter to no one, and the pages the hub raised over the
   * years (acknowledged, never superseded) are not read each minute (pages_standing_referral_idx; bench/pages.bench.js).
   */
  async currentChains(
    m: EntityManager,
    prefix: string,
    referralIds: readonly string[],
  ): Promise<Array<{ referralId: string; chainKey: string; endsAt: Date | null }>> {
    if (!referralIds.length) return [];
    const rows: Array<{ referralId: string; chainKey: string; endsAt: Date | null }> = await m.query(
      `SELECT DISTINCT referral_id AS "referralId", chain_key AS "chainKey", ends_at AS "endsAt" FROM pages
        WHERE referral_id = ANY($2::uuid[]) AND superseded_at IS NULL AND starts_with(chain_key, $1)
        ORDER BY 1, 2, 3`,
      [prefix, referralIds],
    );
    return rows.map((r) => ({ ...r, endsAt: r.endsAt ? new Date(r.endsAt) : null }));
  }

  /**
   * The end a clock chain's standing pages warn of moved later within their stage (clockPageMove `update`): each page
   * standing in the chain (not superseded: those waiting and those acknowledged alike, and its escalations) is put
   * right where it stands, not raised again: no second push or call. Audited (`page.update`) and told as `page.updated`
   * addressed to its recipient, so that her open app shows the new end at once; how many pages.
   */
  async moveEnd(m: EntityManager, referralId: string, chainKey: string, endsAt: Date): Promise<number> {
    const [rows]: [Array<{ id: string; kind: PageKind; step: number; recipient_user_id: string; was: Date | null }>, number] =
      await m.query(
        `UPDATE pages p SET ends_at = $3 FROM pages o
          WHERE o.id = p.id AND p.referral_id = $1 AND p.chain_key = $2 AND p.superseded_at IS NULL AND p.ends_at IS DISTINCT FROM $3
          RETURNING p.id, p.kind, p.step, p.recipient_user_id, o.ends_at AS was`,
        [referralId, chainKey, endsAt],
      );
    for (const r of rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const was = r.was ? new Date(r.was).toISOString() : null;
      await this.audit.record(m, {
        action: 'page.update',
        resourceType: 'page',
        resourceId: r.id,
        details: { kind: r.kind, step: r.step, referralId, endsAt: endsAt.toISOString(), was },
      });
      await this.events.emit(m, {
        type: 'page.updated',
        aggregateType: 'page',
        aggregateId: r.id,
        payload: { pageId: r.id, userId: r.recipient_user_id, kind: r.kind, referralId, endsAt: endsAt.toISOString(), was },
      });
    }
    return rows.length;
  }

  /** Everyone paged so far in a chain (so that an escalation never pages the same person twice). */
  async chain(m: EntityManager, chainKey: string): Promise<PageChain | null> {
    const [row]: Array<{ referralId: string | null; step: number; lastPagedAt: Date; acknowledged: boolean; recipients: string[] }> =
      await m.query(
        `SELECT (array_agg(referral_id))[1] AS "referralId", max(step)::int AS step, max(created_at) AS "lastPagedAt",
              ${CHAIN_ANSWERED} AS acknowledged, ${roundRecipients('$1')} AS recipients
         FROM pages p WHERE chain_key = $1 AND ${IN_ROUND} HAVING count(*) > 0`,
        [chainKey],
      );
    return row ? { chainKey, ...row, lastPagedAt: new Date(row.lastPagedAt) } : null;
  }

  // ---- the recipient ------------------------------------------------------------------------------------------------

  async listMine(actor: Actor, q: { unacknowledged?: boolean; cursor?: string; limit?: number }): Promise<Page<PageViewDto>> {
    return this.list({ ...q, recipient: actor.userId });
  }

  /** Acknowledges a page of mine: idempotent (a second acknowledgement answers the first); 404 for anyone else's. */
  async acknowledge(actor: Actor, id: string, via: 'app' | 'notification'): Promise<PageViewDto> {
    return this.db.transaction(async (m) => {
      const [row]: PageRow[] = await m.query('SELECT * FROM pages WHERE id = $1 AND recipient_user_id = $2 FOR UPDATE', [id, actor.userId]);
      if (!row) throw new NotFoundProblem('Page', id);
      if (!row.acknowledged_at) await this.acknowledgeIn(m, row, actor.userId, via);
      const [after]: PageRow[] = await m.query(`${PAGE_SELECT} WHERE p.id = $1`, [id]);
      return pageView(after);
    });
  }

  /**
   * Her taking on what a chain paged her about (an offer she accepted) acknowledges her pages in it, as a tap would:
   * they no longer wait "to acknowledge" on her phone. (A declined offer leaves them: the chain must pass the job on.)
   */
  async answeredBy(m: EntityManager, chainKey: string, userId: string): Promise<void> {
    const rows: PageRow[] = await m.query(
      'SELECT * FROM pages WHERE chain_key = $1 AND recipient_user_id = $2 AND acknowledged_at IS NULL ORDER BY id FOR UPDATE',
      [chainKey, userId],
    );
    for (const row of rows) await this.acknowledgeIn(m, row, userId, 'app');
  }

  /**
   * What the pages of a referral were about is no longer the recipients' to act on: the service closes those still
   * waiting (acknowledged via `system`, by no one, with why), in the caller's transaction. They leave the recipients'
   * "to acknowledge" lists and lock screens, and their chains stop escalating (DUTY-03), as README (Notifications) says.
   * - `offer`: the offer chain (the offers and the escalations of an offer nobody accepted): taken by another AMHP,
   *   allocated by a manager, the referral ended, or (with `recipientUserId`) her own offer withdrawn as she may no
   *   longer act as an AMHP (MHA 1983 s.114), or her pages of an earlier offer when the job is offered to her again
   *   (`offered-again`); or (with `step`, the last) the managers' word that nobody accepted it, when it is offered again.
   * - `clock`: the clock pages of the job and their escalations, when the job is no longer its AMHP's (reallocated,
   *   back to the queue, or the referral ended); the AMHP who holds it next is paged about its clocks afresh, at once
   *   (ClockAlerts, as the job comes to her). A page closed before it was sent is not sent after (PushSender). With
   *   `clockId`, one clock's pages only: those of an end that no longer stands (`deadline-moved`, ClockAlerts).
   * - `reallocation`: the managers' pages to reallocate a job whose AMHP may no longer act (MHA 1983 s.114), once it
   *   is allocated again: answered; should it come back to the queue for that reason again, they are paged again.
   * - `unlawful-detention`: the pages that a child is held at a police station (POL-09, MHA 1983 s.136A(1)), once she
   *   is moved to a place of safety that is not one (`left-police-station`): a move back to one pages afresh.
   * Every page of the matter in scope is superseded too, those already acknowledged by their recipient as well (their
   * acknowledgement kept as it was, audited `page.supersede`): an acknowledgement answers for the episode it was given
   * in. What is paged next about the matter (the job back in the queue, back with an AMHP, offered again) is new, and
   * pages its recipients afresh, once in the new episode (raise).
   */
  async closeFor(
    m: EntityManager,
    referralId: string,
    what: 'offer' | 'clock' | 'reallocation' | 'unlawful-detention',
    reason: PageClosedReason,
    only: { recipientUserId?: string | null; step?: number; clockId?: string } = {},
  ): Promise<number> {
    const chain =
      what === 'offer'
        ? `offer:${referralId}`
        : what === 'clock'
          ? `clock:${referralId}:${only.clockId ? `${only.clockId}:` : ''}%`
          : what === 'reallocation'
            ? `reallocate:${referralId}:%`
            : `unlawful-detention:${referralId}`;
    const rows: PageRow[] = await m.query(
      `SELECT * FROM pages WHERE referral_id = $1 AND chain_key LIKE $2 AND superseded_at IS NULL
          AND ($3::uuid IS NULL OR recipient_user_id = $3) AND ($4::int IS NULL OR step = $4) ORDER BY id FOR UPDATE`,
      [referralId, chain, only.recipientUserId ?? null, only.step ?? null],
    );
    return this.closeRows(m, rows, reason);
  }

  /**
   * closeFor, for a matter with no referral, by its chains' key prefix: the pages that an AMHP's statement on extending
   * a CTO is due (CTO-04, `cto-extension:<request>:`), closed when the statement is made (`statement-made`) or the request
   * is withdrawn (`request-withdrawn`), or those of the AMHP it was taken from when it is reallocated (`reallocated`,
   * `recipientUserId`).
   */
  async closeChains(
    m: EntityManager,
    chainPrefix: string,
    reason: PageClosedReason,
    only: { recipientUserId?: string | null } = {},
  ): Promise<number> {
    const rows: PageRow[] = await m.query(
      `SELECT * FROM pages WHERE starts_with(chain_key, $1) AND superseded_at IS NULL
          AND ($2::uuid IS NULL OR recipient_user_id = $2) ORDER BY id FOR UPDATE`,
      [chainPrefix, only.recipientUserId ?? null],
    );
    return this.closeRows(m, rows, reason);
  }

  /** Closes each page not yet acknowledged (via system, with why) and supersedes those acknowledged; how many closed. */
  private async closeRows(m: EntityManager, rows: PageRow[], reason: PageClosedReason): Promise<number> {
    let closed = 0;
    for (const row of rows) {
      if (!row.acknowledged_at) {
        await this.acknowledgeIn(m, row, null, 'system', reason);
        closed++;
        continue;
      }
      await m.query(
        `UPDATE pages SET superseded_at = $2,
                push_next_attempt_at = CASE WHEN push_state = 'pending' THEN NULL ELSE push_next_attempt_at END
          WHERE id = $1`,
        [row.id, this.clock.now()],
      );
      await this.audit.record(m, {
        action: 'page.supersede',
        resourceType: 'page',
        resourceId: row.id,
        details: { kind: row.kind, step: row.step, referralId: row.referral_id, reason },
      });
    }
    return closed;
  }

  private async acknowledgeIn(
    m: EntityManager,
    row: PageRow,
    by: string | null,
    via: 'app' | 'notification' | 'gateway' | 'system',
    closedReason: PageClosedReason | null = null,
  ): Promise<void> {
    const now = this.clock.now();
    // A page the service closed is not sent after (PushSender takes only pages with a next attempt, never a closed
    // one): no push, and no text or call from the gateway, about what is no longer hers. Closed, it is superseded: a
    // new page of its chain, step and recipient may be raised (raise).
    await m.query(
      `UPDATE pages SET acknowledged_at = $2, acknowledged_by = $3, acknowledged_via = $4, closed_reason = $5,
              superseded_at = CASE WHEN $5::text IS NOT NULL THEN $2 ELSE superseded_at END,
              push_next_attempt_at = CASE WHEN $5::text IS NOT NULL AND push_state = 'pending' THEN NULL ELSE push_next_attempt_at END
        WHERE id = $1`,
      [row.id, now, by, via, closedReason],
    );
    await this.audit.record(m, {
      action: 'page.acknowledge',
      resourceType: 'page',
      resourceId: row.id,
      details: { kind: row.kind, step: row.step, via, referralId: row.referral_id, ...(closedReason ? { closedReason } : {}) },
    });
    await this.events.emit(m, {
      type: 'page.acknowledged',
      aggregateType: 'page',
      aggregateId: row.id,
      payload: {
        pageId: row.id,
        userId: row.recipient_user_id,
        kind: row.kind,
        via,
        referralId: row.referral_id,
        acknowledgedAt: now.toISOString(),
        ...(closedReason ? { closedReason } : {}),
      },
    });
  }

  // ---- managers and the gateway -------------------------------------------------------------------------------------

  /** Every page with its channels' state, newest first (managers: did the page reach anyone, who acknowledged it). */
  async listAll(q: PagesQuery): Promise<Page<PageViewDto>> {
    return this.list(q);
  }

  private async list(q: {
    recipient?: string;
    unacknowledged?: boolean;
    referralId?: string;
    since?: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<PageViewDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      let s = sql;
      for (const v of values) {
        params.push(v);
        s = s.replace('?', `$${params.length}`);
      }
      where.push(s);
    };
    if (q.recipient) add('p.recipient_user_id = ?', q.recipient);
    if (q.unacknowledged) where.push('p.acknowledged_at IS NULL');
    if (q.referralId) add('p.referral_id = ?', q.referralId);
    if (q.since) add('p.created_at >= ?', new Date(q.since));
    if (q.cursor) {
      // The order they were raised in breaks a tie of time (seq), never the random id: the cursor carries it.
      const [at, seq] = decodeCursor(q.cursor, ['instant', 'bigint']);
      add('(p.created_at, p.seq) < (?::timestamptz, ?::bigint)', at, seq);
    }
    const rows: PageRow[] = await this.db.manager.query(
      `${PAGE_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.created_at DESC, p.seq DESC LIMIT ${limit + 1}`,
      params,
    );
    return pageOf(rows, limit, (r) => [new Date(r.created_at).toISOString(), String(r.seq)], pageView);
  }

  /**
   * The SMS or voice gateway reports on a page it was asked to deliver (`page.requested`): delivered, failed, or
   * acknowledged by the recipient (which acknowledges the page, via the gateway). Only for pages the gateway was asked
   * about (409 otherwise); an acknowledgement already recorded stays as it was. Its `at` is an instant by the gateway's
   * clock: after the page was requested and not in the future (422 naming `at` otherwise, reportedInstant), and a
   * receipt arriving out of order never weakens the state nor moves its time back (gatewayReceiptOutcome).
   */
  async gatewayReceipt(id: string, dto: GatewayReceiptDto): Promise<PageViewDto> {
    return this.db.transaction(async (m) => {
      const [row]: PageRow[] = await m.query('SELECT * FROM pages WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw new NotFoundProblem('Page', id);
      if (!row.gateway_state || !row.gateway_requested_at)
        throw new ConflictProblem('The gateway was not asked to deliver this page (no page.requested for it).', 'gateway-not-requested');
      const requestedAt = new Date(row.gateway_requested_at);
      const at = reportedInstant(dto.at, 'at', this.clock.now(), {
        at: requestedAt,
        code: 'before-page-requested',
        what: 'the page was requested from the gateway',
      });
      // The acknowledgement is the recipient's answer: recorded whatever order the receipts came in.
      if (dto.status === 'acknowledged' && !row.acknowledged_at) await this.acknowledgeIn(m, row, row.recipient_user_id, 'gateway');
      const outcome = gatewayReceiptOutcome(
        {
          state: row.gateway_state as GatewayHeld['state'],
          updatedAt: row.gateway_updated_at ? new Date(row.gateway_updated_at) : requestedAt,
          detail: row.gateway_detail,
        },
        { status: dto.status, at, detail: dto.detail ?? null },
      );
      if (!outcome.superseded)
        await m.query('UPDATE pages SET gateway_state = $2, gateway_updated_at = $3, gateway_detail = $4 WHERE id = $1', [
          id,
          outcome.state,
          outcome.updatedAt,
          outcome.detail,
        ]);
      await this.audit.record(m, {
        action: 'page.gateway-receipt',
        resourceType: 'page',
        resourceId: id,
        details: { status: dto.status, at: at.toISOString(), ...(outcome.superseded ? { superseded: true } : {}) },
      });
      const [after]: PageRow[] = await m.query(`${PAGE_SELECT} WHERE p.id = $1`, [id]);
      return pageView(after);
    });
  }

  // ---- devices ------------------------------------------------------------------------------------------------------

  /**
   * Subscribes this device: one subscription per push endpoint, so subscribing again (a new key after the browser
   * renewed it, or another user signing in on the same phone) replaces the row and moves it to the caller, as her newest
   * device (its time and its place in the order subscribed, seq, renewed).
   */
  async subscribe(actor: Actor, dto: CreatePushSubscriptionDto): Promise<PushSubscriptionDto> {
    const check = await checkWebhookUrl(dto.endpoint, {
      allowHttp: this.config.webhookAllowHttp,
      allowPrivate: this.config.webhookAllowPrivate,
    });
    if (!check.ok)
      throw new UnprocessableProblem(`The push endpoint is refused: ${check.reason}.`, 'push-endpoint-refused', {
        errors: [{ field: 'endpoint', messages: [check.reason] }],
      });
    const p256dh = Buffer.from(dto.keys.p256dh, 'base64url');
    if (p256dh.length !== 65 || p256dh[0] !== 4)
      throw new UnprocessableProblem('keys.p256dh is not a P-256 public key.', 'bad-push-keys', {
        errors: [{ field: 'keys.p256dh', messages: ['must be an uncompressed P-256 public key (65 bytes), base64url'] }],
      });
    if (Buffer.from(dto.keys.auth, 'base64url').length !== 16)
      throw new UnprocessableProblem('keys.auth is not a push auth secret.', 'bad-push-keys', {
        errors: [{ field: 'keys.auth', messages: ['must be 16 bytes, base64url'] }],
      });
    return this.db.transaction(async (m) => {
      const [row]: SubscriptionRow[] = await m.query(
        `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
               label = EXCLUDED.label, created_at = EXCLUDED.created_at, seq = DEFAULT, last_error = NULL, last_failed_at = NULL
         RETURNING *`,
        [actor.userId, dto.endpoint, dto.keys.p256dh, dto.keys.auth, dto.label ?? 'This device', this.clock.now()],
      );
      await this.audit.record(m, {
        action: 'push-subscription.create',
        resourceType: 'push-subscription',
        resourceId: row.id,
        details: { service: check.url.host },
      });
      return subscriptionView(row);
    });
  }

  async devices(actor: Actor): Promise<PushSubscriptionDto[]> {
    const rows: SubscriptionRow[] = await this.db.manager.query(
      // Newest first; those subscribed at the same instant in the reverse of the order subscribed (seq), never by id.
      'SELECT * FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, seq DESC',
      [actor.userId],
    );
    return rows.map(subscriptionView);
  }

  /** Revokes one of my devices (404 for anyone else's): it is paged no more. */
  async revoke(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const [row]: SubscriptionRow[] = await m.query('SELECT * FROM push_subscriptions WHERE id = $1 AND user_id = $2 FOR UPDATE', [
        id,
        actor.userId,
      ]);
      if (!row) throw new NotFoundProblem('Push subscription', id);
      await m.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
      await this.audit.record(m, {
        action: 'push-subscription.revoke',
        resourceType: 'push-subscription',
        resourceId: id,
        details: { service: new URL(row.endpoint).host },
      });
    });
  }
}
