import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { EVENTS } from '../../events/catalogue';
import { PageQuery } from '../../common/pagination';
import { trim } from '../../common/validators';

/**
 * What a subscription may name: `*` (every event) or a type of the event catalogue, exactly. Delivery matches a
 * subscription by `*` or by the event's type as written (webhook-dispatcher), so anything else (a typo such as
 * `page.request`, a pattern such as `referral.*`) could never fire: it is refused, naming the unknown types.
 */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = ['*', ...Object.keys(EVENTS).sort()];

function IsSubscribableEventType(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIn',
      constraints: [SUBSCRIBABLE_EVENT_TYPES],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && SUBSCRIBABLE_EVENT_TYPES.includes(value),
        defaultMessage: (args) => {
          const given: unknown[] = Array.isArray(args?.value) ? (args.value as unknown[]) : [args?.value];
          const unknown = given.filter((v) => typeof v !== 'string' || !SUBSCRIBABLE_EVENT_TYPES.includes(v)).map(String);
          return `eventTypes must each be \`*\` or an event type of the catalogue (see the API description); not known: ${unknown.join(', ')}`;
        },
      },
    },
    { each: true },
  );
}
const EVENT_TYPES_DOC =
  'Event types of the catalogue to receive, each exactly as listed (e.g. `referral.received`, `rota.shift.created`), or `["*"]` for all; an unknown type is 400 naming it.';

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
  @IsSubscribableEventType()
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
  @IsSubscribableEventType()
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
