import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsInstant, Nested, queryBoolean, trim, MinLength } from '../../common/validators';
import { ACK_VIA, GATEWAY_STATES, PAGE_CLOSED_REASONS, PAGE_KINDS, PUSH_STATES } from '../pages.entities';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export class PushKeysDto {
  @ApiProperty({ description: "The device's P-256 public key (PushSubscription.getKey('p256dh')), base64url." })
  @IsString()
  @MaxLength(200)
  @Matches(BASE64URL, { message: 'p256dh must be base64url' })
  p256dh!: string;

  @ApiProperty({ description: "The device's auth secret (PushSubscription.getKey('auth')), base64url." })
  @IsString()
  @MaxLength(100)
  @Matches(BASE64URL, { message: 'auth must be base64url' })
  auth!: string;
}

export class CreatePushSubscriptionDto {
  @ApiProperty({ maxLength: 2000, description: "The push service's endpoint for this device (PushSubscription.endpoint), https." })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  endpoint!: string;

  @ApiProperty({ type: PushKeysDto })
  @Nested(() => PushKeysDto)
  keys!: PushKeysDto;

  @ApiPropertyOptional({ maxLength: 80, example: 'Work phone', description: 'What you call this device, to tell your devices apart.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  label?: string;
}

export class PushSubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'The push service the device uses (the host of its endpoint), e.g. fcm.googleapis.com.' }) service: string;
  @ApiProperty({ description: "The device's push endpoint (so the app can tell which entry is the phone in hand)." }) endpoint: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSentAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastFailedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
}

export class PushSubscriptionListDto {
  @ApiProperty({ type: [PushSubscriptionDto] }) items: PushSubscriptionDto[];
}

export class VapidKeyDto {
  @ApiProperty({ description: 'The VAPID public key (uncompressed P-256 point, base64url): PushManager.subscribe applicationServerKey.' })
  publicKey: string;
}

export class PageChannelsDto {
  @ApiProperty({
    enum: PUSH_STATES,
    description: 'pending: being sent; sent: a push service took it; failed: every attempt failed; no-device: no phone subscribed.',
  })
  push: string;
  @ApiProperty() pushAttempts: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) pushSentAt: string | null;
  @ApiProperty({ nullable: true, type: String }) pushLastError: string | null;
  @ApiProperty({
    nullable: true,
    enum: GATEWAY_STATES,
    type: String,
    description: 'The SMS or voice gateway (page.requested): null when not asked.',
  })
  gateway: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) gatewayRequestedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) gatewayUpdatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) gatewayDetail: string | null;
}

export class PageViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PAGE_KINDS }) kind: string;
  @ApiProperty({ description: '0: the first page; 1-3: the escalation chain (next AMHP on duty, senior on duty, manager on call).' })
  step: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'For an escalation: offer-not-accepted or clock-not-acknowledged (DUTY-03), unlawful-detention (POL-09: a child recorded at a police station, paged at intake), or amhp-not-eligible (to the managers: a job whose AMHP may no longer act, MHA 1983 s.114, to reallocate).',
  })
  reason: string | null;
  @ApiProperty({ description: 'What it is, in generic words (no person data): the words its notification showed.' }) title: string;
  @ApiProperty({ enum: ['high', 'normal'] }) urgency: string;
  @ApiProperty({ format: 'uuid' }) recipientUserId: string;
  @ApiProperty({ description: 'Who was paged (a member of staff).' }) recipientName: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) referralId: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectType: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The API path of the subject, e.g. /referrals/{id}.' }) link: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: PageChannelsDto }) channels: PageChannelsDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) acknowledgedBy: string | null;
  @ApiProperty({ nullable: true, enum: ACK_VIA, type: String, description: 'system: closed by the service (see closedReason).' })
  acknowledgedVia: string | null;
  @ApiProperty({
    nullable: true,
    enum: PAGE_CLOSED_REASONS,
    type: String,
    description:
      "Closed by the service, no longer waiting for her: the offer was accepted by another AMHP, allocated by a manager, ended with the referral, or withdrawn as she may no longer act as an AMHP; or the job was offered again (offered-again: to her, whose earlier offer this page was about, paged afresh for the new one; or, to the managers told nobody accepted it, a new offer made); a clock page: the job was reallocated away from her, or the time limit it warned of was moved later (deadline-moved: an extension or a corrected time; she is paged again as the new end nears); a page that a child is held at a police station (POL-09): the child was moved to a place of safety that is not one (left-police-station), or the date of birth on record, recorded or corrected, shows the person is not under 18 (not-under-18); a page that the AMHP's statement on extending a CTO is due (CTO-04): the statement was made (statement-made), or the request for it was withdrawn (request-withdrawn).",
  })
  closedReason: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'When the episode the page belongs to ended (the job allocated, reallocated, sent back to the queue or ended; the offer ended, or the job offered to her again): acknowledged or not, it answers for that episode only, and whoever is paged about the matter next is paged afresh.',
  })
  supersededAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description:
      'A clock page (and its escalations): the end of the time limit it warns of. Moved later within the same warning stage (a short extension), the page is put right where it stands, without paging her again (page.updated); moved earlier, the page is closed (deadline-moved) and she is paged again by the new end.',
  })
  endsAt: string | null;
}

export class PageListDto {
  @ApiProperty({ type: [PageViewDto] }) items: PageViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MyPagesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only pages not yet acknowledged.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unacknowledged?: boolean;
}

export class PagesQuery extends MyPagesQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the pages about this referral (its escalation chain).' })
  @IsOptional()
  @IsUUID()
  referralId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only pages created at or after this instant.' })
  @IsOptional()
  @IsInstant()
  since?: string;
}

export class AcknowledgePageDto {
  @ApiPropertyOptional({ enum: ['app', 'notification'], default: 'app', description: 'Where the recipient acknowledged it.' })
  @IsOptional()
  @IsIn(['app', 'notification'])
  via?: 'app' | 'notification';
}

export class GatewayReceiptDto {
  @ApiProperty({
    enum: ['delivered', 'failed', 'acknowledged'],
    description:
      'delivered: the SMS or call reached the phone; failed: it could not; acknowledged: the recipient answered (e.g. replied or pressed 1).',
  })
  @IsIn(['delivered', 'failed', 'acknowledged'])
  status!: 'delivered' | 'failed' | 'acknowledged';

  @ApiProperty({ format: 'date-time', description: 'When the gateway saw it.' })
  @IsInstant()
  at!: string;

  @ApiPropertyOptional({ maxLength: 200, description: "The gateway's own reference or error text (no person data)." })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  detail?: string;
}
