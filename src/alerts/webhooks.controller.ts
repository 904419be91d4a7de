import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import {
  CreateWebhookDto,
  DeliveryQuery,
  UpdateWebhookDto,
  WebhookDeliveryListDto,
  WebhookListDto,
  WebhookViewDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';
import { ParseIdPipe } from '../common/validation';
import { ResponseNeverStored } from '../idempotency/idempotency.interceptor';

/** A signing secret is shown once and never kept: not in the idempotency store either, from where a retry would replay it. */
const SECRET_NEVER_STORED =
  'the response holds the signing secret, which is never stored. If a reply is lost, rotate the secret again (POST /webhooks/{id}/rotate-secret).';

const SIGNING =
  'Each delivery is a POST of JSON `{ id, eventId, type, occurredAt, aggregateType, aggregateId, data }` with headers `Amhp-Webhook-Id` (the delivery id), ' +
  '`Amhp-Webhook-Timestamp` (Unix seconds) and `Amhp-Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the secret>`. ' +
  '`data` holds ids, codes, kinds, statuses and times only unless `allowPersonData`.';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authorize('webhooks.manage')
  @ApiOperation({
    summary: 'Subscribe an integrating system to events. The signing secret is in this response only.',
    description: SIGNING,
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ResponseNeverStored(SECRET_NEVER_STORED)
  @ApiUnprocessableEntityResponse({
    description: '`url-refused`: not https, or resolves to a loopback/private/link-local address (with `reason`).',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateWebhookDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookWithSecretDto> {
    const s = await this.webhooks.create(actor, dto);
    reply.header('etag', etagFor(s.version)).header('location', `/webhooks/${s.id}`).header('cache-control', 'no-store');
    return s;
  }

  @Get()
  @Authorize('webhooks.manage')
  @ApiOperation({ summary: 'Webhook subscriptions (secrets are never shown again).' })
  @ApiOkResponse({ type: WebhookListDto })
  list(): Promise<WebhookListDto> {
    return this.webhooks.list();
  }

  @Get(':id')
  @Authorize('webhooks.manage')
  @ApiOperation({ summary: 'One subscription, with its failure count and why it was disabled.' })
  @ApiOkResponse({ type: WebhookViewDto })
  async get(@Param('id', new ParseIdPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<WebhookViewDto> {
    const s = await this.webhooks.get(id);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Patch(':id')
  @Authorize('webhooks.manage')
  @ApiOperation({
    summary:
      'Change the URL, event types, description or person-data permission; `active: false` disables, `active: true` re-enables and resets the failure count. If-Match: a stale version is 412.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: WebhookViewDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateWebhookDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookViewDto> {
    const s = await this.webhooks.update(actor, id, dto, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Delete(':id')
  @Authorize('webhooks.manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its delivery log.' })
  @ApiNoContentResponse()
  async remove(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  @Get(':id/deliveries')
  @Authorize('webhooks.manage')
  @ApiOperation({ summary: 'The delivery log, newest first: status, attempts, next attempt, last status code and error.' })
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  deliveries(@Param('id', new ParseIdPipe()) id: string, @Query() q: DeliveryQuery): Promise<WebhookDeliveryListDto> {
    return this.webhooks.deliveries(id, q);
  }

  @Post(':id/rotate-secret')
  @Authorize('webhooks.manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the signing secret; the new one is in this response only. Deliveries from now on are signed with it.' })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ResponseNeverStored(SECRET_NEVER_STORED)
  async rotate(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookWithSecretDto> {
    const s = await this.webhooks.rotateSecret(actor, id);
    reply.header('etag', etagFor(s.version)).header('cache-control', 'no-store');
    return s;
  }
}
