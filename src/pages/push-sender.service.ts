import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { generateRequestDetails } from 'web-push';
import { checkWebhookUrl, type Resolver } from '../alerts/webhook-url';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { OnePassAtATime } from '../common/one-pass-at-a-time';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import type { PageKind } from './pages.entities';

const BATCH = 20;
const TIMEOUT_MS = 10_000;
/** A claimed page is not picked up by another replica for this long (longer than one round of sends can take). */
const LEASE_MS = 60_000;
/** Attempts at pushing one page before the gateway is asked instead: 0 s, 15 s, 30 s, 60 s after it was raised. */
export const PUSH_MAX_ATTEMPTS = 4;
const RETRY_BASE_MS = 15_000;

/**
 * How long a push service keeps a page for a phone that is off (TTL, seconds): an offer or an escalation is stale once
 * the chain has moved on (OFFER_ESCALATION_MINUTES); a clock page for an hour; the handover for the morning.
 */
export function ttlSeconds(kind: PageKind, escalationMinutes: number): number {
  if (kind === 'offer' || kind === 'escalation') return escalationMinutes * 60;
  if (kind === 'handover') return 4 * 3600;
  return 3600;
}

/**
 * The push Topic (RFC 8030 §5.4): a newer page of the same matter replaces one the phone has not yet collected. At
 * most 32 URL-safe characters, and no person data: a hash of the chain key.
 */
export function topicOf(chainKey: string): string {
  return createHash('sha256').update(chainKey).digest('base64url').slice(0, 32);
}

interface DuePage {
  id: string;
  kind: PageKind;
  step: number;
  chainKey: string;
  urgency: 'high' | 'normal';
  recipientUserId: string;
  referralId: string | null;
  pushAttempts: number;
  subscriptions: Array<{ id: string; endpoint: string; p256dh: string; auth: string }>;
}

type Attempt = { subscriptionId: string; ok: true } | { subscriptionId: string; ok: false; gone: boolean; error: string };

/**
 * Sends pages by Web Push, as the webhook dispatcher sends webhooks: claims the due pages (FOR UPDATE SKIP LOCKED, then
 * a short lease, so no transaction is open during the HTTP calls), sends each to every device of its recipient, and
 * records the outcome in a transaction of its own. The payload is `{ id, kind }`, encrypted for the device (aes128gcm,
 * RFC 8291) with the VAPID JWT (RFC 8292); Urgency, TTL and Topic as above. A push service's 404 or 410 means the
 * subscription has expired: it is removed. A page that reached no device (none subscribed, or every attempt failed
 * PUSH_MAX_ATTEMPTS times) goes to the second channel: the `page.requested` event, for a council's SMS or voice gateway.
 * A page the service closed before it was sent (what it paged about went elsewhere) is not sent at all.
 * Nothing about the person reaches the payload or the log: ids, codes and HTTP statuses only.
 */
@Injectable()
export class PushSender {
  private readonly logger = new Logger('Pages');
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

  @Interval('pages', 5_000)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.deliverDue();
    } catch (err) {
      this.logger.error(`page delivery failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /**
   * Sends the due pages; the number attempted. One pass at a time in this instance: a pass asked for while another
   * runs (the 5-second tick, the clock job's) starts when it ends (OnePassAtATime), so the caller sees the pages that
   * pass leased as sent or failed, not still waiting, and no page is sent twice. Other instances take other pages
   * (SKIP LOCKED).
   */
  deliverDue(now?: Date): Promise<number> {
    return this.passes.run(() => this.deliverPass(now ?? this.clock.now()));
  }

  private async deliverPass(now: Date): Promise<number> {
    const due: DuePage[] = await this.db.transaction(async (m) => {
      const rows: DuePage[] = await m.query(
        `SELECT p.id, p.kind, p.step, p.chain_key AS "chainKey", p.urgency, p.recipient_user_id AS "recipientUserId", p.referral_id AS "referralId",
                p.push_attempts AS "pushAttempts",
                coalesce((SELECT json_agg(json_build_object('id', s.id, 'endpoint', s.endpoint, 'p256dh', s.p256dh, 'auth', s.auth) ORDER BY s.created_at, s.seq)
                            FROM push_subscriptions s WHERE s.user_id = p.recipient_user_id), '[]') AS subscriptions
           FROM pages p
          WHERE p.push_state = 'pending' AND p.push_next_attempt_at <= $1 AND p.superseded_at IS NULL
          ORDER BY p.push_next_attempt_at, p.seq
          LIMIT $2
          FOR UPDATE OF p SKIP LOCKED`,
        [now, BATCH],
      );
      if (rows.length)
        await m.query('UPDATE pages SET push_next_attempt_at = $2 WHERE id = ANY($1::uuid[])', [
          rows.map((r) => r.id),
          new Date(now.getTime() + LEASE_MS),
        ]);
      return rows;
    });
    await Promise.all(
      due.map(async (page) => {
        const attempts = await Promise.all(page.subscriptions.map((s) => this.send(page, s)));
        await this.record(page, attempts, now);
      }),
    );
    return due.length;
  }

  private async send(page: DuePage, s: DuePage['subscriptions'][number]): Promise<Attempt> {
    const check = await checkWebhookUrl(s.endpoint, {
      allowHttp: this.config.webhookAllowHttp,
      allowPrivate: this.config.webhookAllowPrivate,
      resolve: this.resolver,
    });
    if (!check.ok) return { subscriptionId: s.id, ok: false, gone: false, error: `endpoint refused: ${check.reason}` };
    const details = generateRequestDetails(
      { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
      JSON.stringify({ id: page.id, kind: page.kind }),
      {
        vapidDetails: this.config.vapid,
        TTL: ttlSeconds(page.kind, this.config.offerEscalationMinutes),
        urgency: page.urgency,
        topic: topicOf(page.chainKey),
        contentEncoding: 'aes128gcm',
      },
    );
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(check.url, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers: details.headers as Record<string, string>,
        body: details.body,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { subscriptionId: s.id, ok: true };
      return { subscriptionId: s.id, ok: false, gone: res.status === 404 || res.status === 410, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const error = controller.signal.aborted ? `timed out after ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { subscriptionId: s.id, ok: false, gone: false, error: String(error).slice(0, 200) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async record(page: DuePage, attempts: Attempt[], now: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const a of attempts) {
        if (a.ok)
          await m.query('UPDATE push_subscriptions SET last_sent_at = $2, last_error = NULL WHERE id = $1', [a.subscriptionId, now]);
        else if (a.gone) {
          await m.query('DELETE FROM push_subscriptions WHERE id = $1', [a.subscriptionId]);
          await this.audit.record(m, {
            action: 'push-subscription.expire',
            resourceType: 'push-subscription',
            resourceId: a.subscriptionId,
            actor: null,
            details: { error: a.error },
          });
        } else
          await m.query('UPDATE push_subscriptions SET last_failed_at = $2, last_error = $3 WHERE id = $1', [
            a.subscriptionId,
            now,
            a.error,
          ]);
      }
      const attemptsSoFar = page.pushAttempts + 1;
      const lastError = attempts.find((a): a is Extract<Attempt, { ok: false }> => !a.ok)?.error ?? null;
      if (attempts.some((a) => a.ok)) {
        await m.query(
          `UPDATE pages SET push_state = 'sent', push_attempts = $2, push_sent_at = $3, push_next_attempt_at = NULL, push_last_error = $4 WHERE id = $1`,
          [page.id, attemptsSoFar, now, lastError],
        );
        return;
      }
      const live = attempts.filter((a) => !a.ok && !a.gone);
      if (live.length && attemptsSoFar < PUSH_MAX_ATTEMPTS) {
        await m.query(`UPDATE pages SET push_attempts = $2, push_next_attempt_at = $3, push_last_error = $4 WHERE id = $1`, [
          page.id,
          attemptsSoFar,
          new Date(now.getTime() + RETRY_BASE_MS * 2 ** (attemptsSoFar - 1)),
          lastError,
        ]);
        return;
      }
      const reason = live.length ? 'push-failed' : 'no-device';
      await m.query(
        `UPDATE pages SET push_state = $2, push_attempts = $3, push_next_attempt_at = NULL, push_last_error = $4,
                gateway_state = 'requested', gateway_requested_at = $5, gateway_updated_at = $5 WHERE id = $1`,
        [page.id, live.length ? 'failed' : 'no-device', page.subscriptions.length ? attemptsSoFar : page.pushAttempts, lastError, now],
      );
      await this.events.emit(m, {
        type: 'page.requested',
        aggregateType: 'page',
        aggregateId: page.id,
        payload: {
          pageId: page.id,
          userId: page.recipientUserId,
          kind: page.kind,
          step: page.step,
          urgency: page.urgency,
          reason,
          referralId: page.referralId,
          requestedAt: now.toISOString(),
        },
      });
      this.logger.warn(`page ${page.id} (${page.kind}) not pushed (${reason}): requested from the gateway`);
    });
  }
}
