import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { AppConfig } from '../config/app-config';
import {
  AcknowledgePageDto,
  CreatePushSubscriptionDto,
  GatewayReceiptDto,
  MyPagesQuery,
  PageListDto,
  PagesQuery,
  PageViewDto,
  PushSubscriptionDto,
  PushSubscriptionListDto,
  VapidKeyDto,
} from './dto/pages.dto';
import { PagesService } from './pages.service';
import { ParseIdPipe } from '../common/validation';

/** My pages and my devices: what must wake me, and the phones it reaches. */
@ApiTags('pages')
@Controller('me')
export class MyPagesController {
  constructor(private readonly pages: PagesService) {}

  @Get('pages')
  @Authorize('pages.mine')
  @ApiOperation({ summary: 'My pages, newest first, with how each was sent and whether I acknowledged it.' })
  @ApiOkResponse({ type: PageListDto })
  list(@CurrentActor() actor: Actor, @Query() q: MyPagesQuery): Promise<PageListDto> {
    return this.pages.listMine(actor, q);
  }

  @Post('pages/:id/ack')
  @Authorize('pages.mine')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Acknowledge one of my pages (from the app, or the notification's Acknowledge action opening the app). Idempotent: the first acknowledgement stands. 404 for anyone else's.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: PageViewDto })
  ack(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() body: AcknowledgePageDto): Promise<PageViewDto> {
    return this.pages.acknowledge(actor, id, body?.via ?? 'app');
  }

  @Get('push-subscriptions')
  @Authorize('pages.mine')
  @ApiOperation({ summary: 'The devices I get pages on.' })
  @ApiOkResponse({ type: PushSubscriptionListDto })
  async devices(@CurrentActor() actor: Actor): Promise<PushSubscriptionListDto> {
    return { items: await this.pages.devices(actor) };
  }

  @Post('push-subscriptions')
  @Authorize('pages.mine')
  @ApiOperation({
    summary:
      "Get pages on this device: the browser's PushSubscription (endpoint and keys). One subscription per device: subscribing again replaces it (and moves it to me if someone else had it).",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PushSubscriptionDto })
  subscribe(@CurrentActor() actor: Actor, @Body() body: CreatePushSubscriptionDto): Promise<PushSubscriptionDto> {
    return this.pages.subscribe(actor, body);
  }

  @Delete('push-subscriptions/:id')
  @Authorize('pages.mine')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop paging one of my devices (a lost or handed-back phone).' })
  @ApiNoContentResponse()
  async revoke(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<void> {
    await this.pages.revoke(actor, id);
  }
}

/** Every page and its channels, for managers; the VAPID key for the app; the SMS or voice gateway's receipts. */
@ApiTags('pages')
@Controller('pages')
export class PagesController {
  constructor(
    private readonly pages: PagesService,
    private readonly config: AppConfig,
  ) {}

  @Get('vapid-public-key')
  @Authorize('pages.mine')
  @ApiOperation({ summary: "The server's VAPID public key: the applicationServerKey the app subscribes with." })
  @ApiOkResponse({ type: VapidKeyDto })
  vapidKey(): VapidKeyDto {
    return { publicKey: this.config.vapid.publicKey };
  }

  @Get()
  @Authorize('pages.read')
  @ApiOperation({
    summary:
      'Every page, newest first, with its escalation step, the state of each channel (push, the SMS or voice gateway) and who acknowledged it, when and how. Ids and codes only.',
  })
  @ApiOkResponse({ type: PageListDto })
  list(@Query() q: PagesQuery): Promise<PageListDto> {
    return this.pages.listAll(q);
  }

  @Post(':id/gateway-receipts')
  @Authorize('pages.gateway')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "The SMS or voice gateway's report on a page it was asked to deliver (page.requested): delivered, failed, or acknowledged by the recipient (which acknowledges the page). 409 for a page the gateway was not asked about. `at` (the gateway's clock, 5 minutes' leeway either way) may not be before the page was requested (422 `before-page-requested`) nor in the future (422 `in-future`). Receipts may come in any order: a delivery is never undone by a failure, and a receipt no newer than the state held is superseded (audited, the page unchanged), so `gatewayUpdatedAt` never moves back.",
  })
  @ApiOkResponse({ type: PageViewDto })
  receipt(@Param('id', new ParseIdPipe()) id: string, @Body() body: GatewayReceiptDto): Promise<PageViewDto> {
    return this.pages.gatewayReceipt(id, body);
  }
}
