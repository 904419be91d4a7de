import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { OnePassAtATime } from '../common/one-pass-at-a-time';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { OUTBOX_HORIZON_SQL } from '../events/events.tables';
import { eventPayloadFilter } from '../events/payload-filter';
import { signatureHeaders } from './webhook-signature';
import { checkWebhookUrl, type Resolver } from './webhook-url';
import { WEBHOOK_CURSOR } from './webhooks.service';

const FANOUT_LOCK = 'amhp-hub:webhooks:fan-out';
const BATCH_EVENTS = 500;
const BATCH_DELIVERIES = 20;
const TIMEOUT_MS = 10_000;
/** A claimed delivery is not picked up by another replica for this long (longer than one attempt can take). */
const LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 3600_000;

/** Delay before the next attempt after `attempts` failed ones: 2^attempts × 30 s, capped at 6 h, plus up to 10 % jitter. */
export function backoffMs(attempts: number, random = Math.random()): number {
  const base = Math.min(2 ** attempts * BACKOFF_BASE_MS, BACKOFF_CAP_MS);
  return Math.round(base + base * 0.1 * random);
}

interface DueRow {
  id: string;
  subscriptionId: string;
  attempts: number;
  url: string;
  secret: string;
  allowPersonData: boolean;
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * Webhook delivery from the transactional outbox.
 *
 * `fanOut()` reads the events after the `webhooks` cursor (created where the outbox stands when the first subscription
 * is made, so history is not replayed) under an advisory lock, in the outbox's commit order and only those below its
 * horizon (OUTBOX_HORIZON_SQL: no transaction still running can commit an event before them, so the cursor never
 * passes one still to come), and records one pending delivery per active subscription whose event types match (`*`
 * for all) and that existed when the event occurred; then moves the cursor on.
 *
 * `deliverDue()` claims up to 20 due deliveries (FOR UPDATE SKIP LOCKED, then a short lease, so no connection is held
 * during the HTTP calls), re-checks each destination against the SSRF guard (DNS rebinding), and POSTs the signed
 * JSON body with a 10 s timeout, following no redirects. 2xx is delivered; anything else is retried with exponential
 * backoff until WEBHOOK_MAX_ATTEMPTS, then abandoned. WEBHOOK_DISABLE_AFTER consecutive failed attempts disable the
 * subscription (outbox event `webhook.disabled`); its pending deliveries wait until an admin re-enables it.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);
  /** Tests may replace the DNS resolver of the SSRF guard. */
  resolver: Resolver | undefined;
  private running = false;
  /** deliverDue's passes, one at a time in this instance. */
  private readonly passes = new OnePassAtATime();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Interval('webhooks', 10_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.fanOut();
      await this.deliverDue();
    } catch (err) {
      this.logger.error(`webhook dispatch failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Turns new outbox events into pending deliveries; the number of deliveries created. */
  async fanOut(): Promise<number> {
    return this.db.transaction(async (m) => {
      // The horizon is read first, before this transaction writes (and takes an id of its own, which would hold it back).
      const [{ locked, horizon }] = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked, ${OUTBOX_HORIZON_SQL}::text AS horizon`,
        [FANOUT_LOCK],
      );
      if (!locked) return 0;
      const [cursor] = await m.query(
        'SELECT last_xact_id::text AS xact, last_event_id::text AS id FROM outbox_cursors WHERE consumer = $1 FOR UPDATE',
        [WEBHOOK_CURSOR],
      );
      // No cursor: no subscription was ever created, so there is nobody to deliver to.
      if (!cursor) return 0;
      let last: { xact: string; id: string } = { xact: cursor.xact, id: cursor.id };
      let created = 0;
      // One instant for the pass: each delivery is made (created_at) and first due (next_attempt_at) at it.
      const now = this.clock.now();
      for (;;) {
        // The next batch in the commit order: events of transactions below the horizon, after the cursor.
        const batch: Array<{ xact: string; id: string }> = await m.query(
          `SELECT xact_id::text AS xact, id::text AS id FROM published_events
            WHERE (xact_id, id) > ($1::bigint, $2::bigint) AND xact_id < $3::bigint ORDER BY xact_id, id LIMIT $4`,
          [last.xact, last.id, horizon, BATCH_EVENTS],
        );
        if (!batch.length) break;
        const upto = batch[batch.length - 1];
        const inserted: unknown[] = await m.query(
          `INSERT INTO webhook_deliveries (subscription_id, event_id, next_attempt_at, created_at)
           SELECT s.id, e.id, $5::timestamptz, $5::timestamptz
             FROM published_events e
             JOIN webhook_subscriptions s ON s.active AND e.occurred_at >= s.created_at AND ('*' = ANY(s.event_types) OR e.type = ANY(s.event_types))
            WHERE (e.xact_id, e.id) > ($1::bigint, $2::bigint) AND (e.xact_id, e.id) <= ($3::bigint, $4::bigint)
           ON CONFLICT (subscription_id, event_id) DO NOTHING
           RETURNING id`,
          [last.xact, last.id, upto.xact, upto.id, now],
        );
        created += inserted.length;
        last = upto;
        if (batch.length < BATCH_EVENTS) break;
      }
      await m.query('UPDATE outbox_cursors SET last_xact_id = $2, last_event_id = $3 WHERE consumer = $1', [
        WEBHOOK_CURSOR,
        last.xact,
        last.id,
      ]);
      return created;
    });
  }

  /**
   * Attempts the due deliveries; the number attempted. One pass at a time in this instance, as for push pages
   * (OnePassAtATime): a pass asked for while the 10-second tick's runs starts when it ends, so a delivery the tick has
   * leased is not taken again by a caller's pass with a later `now` (and sent twice), and the caller sees it delivered
   * or failed, not still waiting. Other instances take other deliveries (SKIP LOCKED and the lease).
   */
  deliverDue(now?: Date): Promise<number> {
    return this.passes.run(() => this.deliverPass(now ?? this.clock.now()));
  }

  private async deliverPass(now: Date): Promise<number> {
    const due: DueRow[] = await this.db.transaction(async (m) => {
      const rows: DueRow[] = await m.query(
        `SELECT d.id::text AS id, d.subscription_id AS "subscriptionId", d.attempts, s.url, s.secret, s.allow_person_data AS "allowPersonData",
                e.id::text AS "eventId", e.type, e.aggregate_type AS "aggregateType", e.aggregate_id AS "aggregateId", e.payload, e.occurred_at AS "occurredAt"
           FROM webhook_deliveries d
           JOIN webhook_subscriptions s ON s.id = d.subscription_id
           JOIN published_events e ON e.id = d.event_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND s.active
          ORDER BY d.next_attempt_at, d.id
          LIMIT $2
          FOR UPDATE OF d SKIP LOCKED`,
        [now, BATCH_DELIVERIES],
      );
      if (rows.length)
        await m.query('UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = ANY($1::bigint[])', [
          rows.map((r) => r.id),
          new Date(now.getTime() + LEASE_MS),
        ]);
      return rows;
    });
    // One subscription's deliveries in order (its failure count is shared); subscriptions in parallel.
    const bySubscription = new Map<string, DueRow[]>();
    for (const d of due) bySubscription.set(d.subscriptionId, [...(bySubscription.get(d.subscriptionId) ?? []), d]);
    await Promise.all(
      [...bySubscription.values()].map(async (rows) => {
        for (const d of rows) {
          const outcome = await this.attempt(d, now);
          const stillActive = await this.record(d, outcome, now);
          if (!stillActive) break;
        }
      }),
    );
    return due.length;
  }

  /** The JSON body of a delivery, as signed. */
  body(
    d: Pick<DueRow, 'id' | 'eventId' | 'type' | 'occurredAt' | 'aggregateType' | 'aggregateId' | 'payload' | 'allowPersonData'>,
  ): string {
    return JSON.stringify({
      id: d.id,
      eventId: d.eventId,
      type: d.type,
      occurredAt: new Date(d.occurredAt).toISOString(),
      aggregateType: d.aggregateType,
      aggregateId: d.aggregateId,
      // Ids, codes and times only unless the subscription is allowed person data: the stream's filter (src/events/payload-filter.ts).
      data: d.allowPersonData ? d.payload : eventPayloadFilter(d.type, d.payload),
    });
  }

  private async attempt(d: DueRow, now: Date): Promise<Outcome> {
    const check = await checkWebhookUrl(d.url, {
      allowHttp: this.config.webhookAllowHttp,
      allowPrivate: this.config.webhookAllowPrivate,
      resolve: this.resolver,
    });
    if (!check.ok) return { ok: false, status: null, error: `destination refused: ${check.reason}` };
    const body = this.body(d);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(check.url, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'amhp-hub-webhooks/1',
          ...signatureHeaders(d.secret, d.id, Math.floor(now.getTime() / 1000), body),
        },
        body,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return {
        ok: false,
        status: res.status,
        error: res.status >= 300 && res.status < 400 ? `redirect (${res.status}) not followed` : `HTTP ${res.status}`,
      };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const error = controller.signal.aborted ? `timed out after ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { ok: false, status: null, error: String(error).slice(0, 500) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records an attempt's outcome; false when the subscription is (now) disabled. */
  private async record(d: DueRow, outcome: Outcome, now: Date): Promise<boolean> {
    return this.db.transaction(async (m) => {
      if (outcome.ok) {
        await m.query(
          `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = $2, last_status_code = $3, last_error = NULL WHERE id = $1`,
          [d.id, now, outcome.status],
        );
        await m.query('UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = $1', [d.subscriptionId]);
        return true;
      }
      const attempts = d.attempts + 1;
      const abandoned = attempts >= this.config.webhookMaxAttempts;
      await m.query(
        `UPDATE webhook_deliveries SET attempts = $2, status = $3, next_attempt_at = $4, last_status_code = $5, last_error = $6 WHERE id = $1`,
        [
          d.id,
          attempts,
          abandoned ? 'abandoned' : 'pending',
          abandoned ? now : new Date(now.getTime() + backoffMs(attempts)),
          outcome.status,
          outcome.error,
        ],
      );
      // (An UPDATE … RETURNING through TypeORM answers [rows, count]: read back with a SELECT instead.)
      await m.query('UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1', [d.subscriptionId]);
      const [sub] = await m.query('SELECT consecutive_failures AS failures, active FROM webhook_subscriptions WHERE id = $1', [
        d.subscriptionId,
      ]);
      if (!sub) return false;
      if (sub.active && sub.failures >= this.config.webhookDisableAfter) {
        const reason = `${sub.failures} consecutive failed deliveries (last: ${outcome.error})`;
        await m.query(
          'UPDATE webhook_subscriptions SET active = false, disabled_at = $2, disabled_reason = $3, version = version + 1 WHERE id = $1',
          [d.subscriptionId, now, reason],
        );
        await this.audit.record(m, {
          action: 'webhook.disable',
          resourceType: 'webhook-subscription',
          resourceId: d.subscriptionId,
          actor: null,
          details: { consecutiveFailures: sub.failures, lastStatusCode: outcome.status },
        });
        await this.events.emit(m, {
          type: 'webhook.disabled',
          aggregateType: 'webhook-subscription',
          aggregateId: d.subscriptionId,
          payload: { subscriptionId: d.subscriptionId, consecutiveFailures: sub.failures, disabledAt: now.toISOString() },
        });
        this.logger.warn(`webhook subscription ${d.subscriptionId} disabled after ${sub.failures} consecutive failures`);
        return false;
      }
      return sub.active;
    });
  }
}
