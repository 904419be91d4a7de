import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { trim } from '../../common/validators';

const EVENT_TYPE = /^(\*|[a-z0-9][a-z0-9.-]{0,99})$/;
const EVENT_TYPES_DOC = 'Outbox event types to receive (e.g. `referral.received`, `rota.shift.created`), or `["*"]` for all.';

export class CreateWebhookDto {
  @ApiProperty({
    maxLength: 2000,
    description: 'https destination (http, and private or loopback addresses, only when the server is configured to allow them).',
  })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ type: [String], description: EVENT_TYPES_DOC })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EVENT_TYPE, { each: true, message: 'each event type must be `*` or a lower-case dotted name' })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: false, description: 'Send event payloads whole. Default false: identifiers, codes and times only.' })
  @IsOptional()
  @IsBoolean()
  allowPersonData?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], description: EVENT_TYPES_DOC })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EVENT_TYPE, { each: true, message: 'each event type must be `*` or a lower-case dotted name' })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'false disables; true re-enables and resets the failure count.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowPersonData?: boolean;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'abandoned'] as const;

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class WebhookViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() allowPersonData!: boolean;
  @ApiProperty() active!: boolean;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) disabledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) disabledReason!: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
}

export class WebhookWithSecretDto extends WebhookViewDto {
  @ApiProperty({ description: 'The HMAC-SHA256 signing secret. Shown only in this response: store it now.' })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookViewDto] }) items!: WebhookViewDto[];
}

export class WebhookDeliveryDto {
  @ApiProperty({ description: 'Delivery id (bigint as a string); also the `Amhp-Webhook-Id` header and the body `id`.' }) id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
