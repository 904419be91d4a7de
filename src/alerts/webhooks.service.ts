import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock, isoOrNull } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, pageOf } from '../common/pagination';
import { NotFoundProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { EventsService } from '../events/events.service';
import { OUTBOX_HORIZON_SQL } from '../events/events.tables';
import {
  CreateWebhookDto,
  DeliveryQuery,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryListDto,
  WebhookListDto,
  WebhookViewDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { newSecret } from './webhook-signature';
import { checkWebhookUrl, type Resolver } from './webhook-url';

/** The outbox consumer name of webhook fan-out (outbox_cursors.consumer). */
export const WEBHOOK_CURSOR = 'webhooks';

interface SubscriptionRow {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  allowPersonData: boolean;
  active: boolean;
  consecutiveFailures: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdBy: string;
  createdAt: Date;
  version: number;
}

const SELECT = `SELECT id, url, event_types AS "eventTypes", description, allow_person_data AS "allowPersonData", active,
       consecutive_failures AS "consecutiveFailures", disabled_at AS "disabledAt", disabled_reason AS "disabledReason",
       created_by AS "createdBy", created_at AS "createdAt", version
  FROM webhook_subscriptions`;

/** Only the host goes into the audit trail: a URL's path or query may carry a token of the receiving system. */
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

/**
 * Webhook subscriptions of integrating systems, managed by an admin (policy `webhooks.manage`). The signing secret
 * is shown once, at creation and at rotation. Destination URLs pass the SSRF guard (webhook-url.ts) or are refused
 * with 422 `url-refused` and the reason. Every change is audited (with the URL's host only, never the secret).
 *
 * History is not replayed: the first subscription creates the fan-out cursor where the outbox stands, and a
 * subscription only receives events that occurred at or after its creation (webhook-dispatcher.service.ts).
 */
@Injectable()
export class WebhooksService {
  /** Tests may replace the DNS resolver of the SSRF guard. */
  resolver: Resolver | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, dto: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    await this.requireUrl(dto.url);
    const secret = newSecret();
    const eventTypes = this.normaliseTypes(dto.eventTypes);
    return this.db.transaction(async (m) => {
      await m.query(
        // Where the outbox stands now: after every event of a transaction that has ended (OUTBOX_HORIZON_SQL).
        `INSERT INTO outbox_cursors (consumer, last_xact_id, last_event_id) SELECT $1, ${OUTBOX_HORIZON_SQL}, 0 ON CONFLICT (consumer) DO NOTHING`,
        [WEBHOOK_CURSOR],
      );
      const [{ id }] = await m.query(
        `INSERT INTO webhook_subscriptions (url, event_types, secret, description, allow_person_data, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [dto.url, eventTypes, secret, dto.description ?? null, dto.allowPersonData ?? false, actor.userId, this.clock.now()],
      );
      await this.audit.record(m, {
        action: 'webhook.create',
        resourceType: 'webhook-subscription',
        resourceId: id,
        details: { host: hostOf(dto.url), eventTypes, allowPersonData: dto.allowPersonData ?? false },
      });
      await this.events.emit(m, {
        type: 'webhook.created',
        aggregateType: 'webhook-subscription',
        aggregateId: id,
        payload: { subscriptionId: id },
      });
      return { ...this.view(await this.load(m, id)), secret };
    });
  }

  async list(): Promise<WebhookListDto> {
    const rows: SubscriptionRow[] = await this.db.manager.query(`${SELECT} ORDER BY created_at, seq`);
    return { items: rows.map((r) => this.view(r)) };
  }

  async get(id: string): Promise<WebhookViewDto> {
    return this.view(await this.load(this.db.manager, id));
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookDto, expectedVersion: ExpectedVersion): Promise<WebhookViewDto> {
    if (dto.url !== undefined) await this.requireUrl(dto.url);
    return this.db.transaction(async (m) => {
      const s = await this.load(m, id, true);
      assertVersion(expectedVersion, s.version);
      const now = this.clock.now();
      const fields = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
      const reenabled = dto.active === true && !s.active;
      const disabled = dto.active === false && s.active;
      await m.query(
        `UPDATE webhook_subscriptions SET url = $2, event_types = $3, description = $4, allow_person_data = $5, active = $6,
                consecutive_failures = CASE WHEN $7 THEN 0 ELSE consecutive_failures END,
                disabled_at = CASE WHEN $7 THEN NULL WHEN $8 THEN $9::timestamptz ELSE disabled_at END,
                disabled_reason = CASE WHEN $7 THEN NULL WHEN $8 THEN 'disabled by an administrator' ELSE disabled_reason END,
                version = version + 1
          WHERE id = $1`,
        [
          id,
          dto.url ?? s.url,
          dto.eventTypes ? this.normaliseTypes(dto.eventTypes) : s.eventTypes,
          dto.description ?? s.description,
          dto.allowPersonData ?? s.allowPersonData,
          dto.active ?? s.active,
          reenabled,
          disabled,
          now,
        ],
      );
      await this.audit.record(m, {
        action: 'webhook.update',
        resourceType: 'webhook-subscription',
        resourceId: id,
        details: {
          fields,
          ...(dto.url ? { host: hostOf(dto.url) } : {}),
          ...(reenabled ? { reenabled } : {}),
          ...(disabled ? { disabled } : {}),
        },
      });
      await this.events.emit(m, {
        type: 'webhook.updated',
        aggregateType: 'webhook-subscription',
        aggregateId: id,
        payload: { subscriptionId: id, fields },
      });
      return this.view(await this.load(m, id));
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.load(m, id, true);
      await m.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
      await this.audit.record(m, { action: 'webhook.delete', resourceType: 'webhook-subscription', resourceId: id });
      await this.events.emit(m, {
        type: 'webhook.deleted',
        aggregateType: 'webhook-subscription',
        aggregateId: id,
        payload: { subscriptionId: id },
      });
    });
  }

  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecretDto> {
    const secret = newSecret();
    return this.db.transaction(async (m) => {
      await this.load(m, id, true);
      await m.query('UPDATE webhook_subscriptions SET secret = $2, version = version + 1 WHERE id = $1', [id, secret]);
      await this.audit.record(m, { action: 'webhook.rotate-secret', resourceType: 'webhook-subscription', resourceId: id });
      return { ...this.view(await this.load(m, id)), secret };
    });
  }

  /** The delivery log, newest first. */
  async deliveries(id: string, q: DeliveryQuery): Promise<WebhookDeliveryListDto> {
    const m = this.db.manager;
    await this.load(m, id);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [id];
    let where = 'd.subscription_id = $1';
    if (q.status) {
      params.push(q.status);
      where += ` AND d.status = $${params.length}`;
    }
    if (q.cursor) {
      const [after] = decodeCursor(q.cursor, ['bigint']);
      params.push(after);
      where += ` AND d.id < $${params.length}::bigint`;
    }
    params.push(limit + 1);
    const rows: Array<
      Omit<WebhookDeliveryDto, 'nextAttemptAt' | 'deliveredAt' | 'createdAt'> & {
        nextAttemptAt: Date;
        deliveredAt: Date | null;
        createdAt: Date;
      }
    > = await m.query(
      `SELECT d.id::text AS id, d.event_id::text AS "eventId", e.type AS "eventType", d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt",
              d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"
         FROM webhook_deliveries d JOIN published_events e ON e.id = d.event_id
        WHERE ${where} ORDER BY d.id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(
      rows,
      limit,
      (r) => [r.id],
      (r) => ({
        ...r,
        nextAttemptAt: isoOrNull(r.nextAttemptAt)!,
        deliveredAt: isoOrNull(r.deliveredAt),
        createdAt: isoOrNull(r.createdAt)!,
      }),
    );
  }

  private async requireUrl(url: string): Promise<void> {
    const check = await checkWebhookUrl(url, {
      allowHttp: this.config.webhookAllowHttp,
      allowPrivate: this.config.webhookAllowPrivate,
      resolve: this.resolver,
    });
    if (!check.ok)
      throw new UnprocessableProblem(`The destination URL is refused: ${check.reason}.`, 'url-refused', { reason: check.reason });
  }

  private normaliseTypes(types: string[]): string[] {
    return types.includes('*') ? ['*'] : [...new Set(types)].sort();
  }

  private async load(m: EntityManager, id: string, lock = false): Promise<SubscriptionRow> {
    const [row] = await m.query(`${SELECT} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw new NotFoundProblem('Webhook subscription', id);
    return row;
  }

  private view(r: SubscriptionRow): WebhookViewDto {
    return {
      id: r.id,
      url: r.url,
      eventTypes: r.eventTypes,
      description: r.description,
      allowPersonData: r.allowPersonData,
      active: r.active,
      consecutiveFailures: r.consecutiveFailures,
      disabledAt: isoOrNull(r.disabledAt),
      disabledReason: r.disabledReason,
      createdBy: r.createdBy,
      createdAt: isoOrNull(r.createdAt)!,
      version: r.version,
    };
  }
}
