import { trim, MinLength } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const CALENDAR_SCOPES = ['practitioner', 'hub'] as const;
export type CalendarScope = (typeof CALENDAR_SCOPES)[number];

export class CreateCalendarTokenDto {
  @ApiProperty({ enum: CALENDAR_SCOPES, description: "practitioner: one AMHP's own shifts; hub: every shift with the AMHPs on it." })
  @IsIn(CALENDAR_SCOPES)
  scope: CalendarScope;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For a practitioner feed: whose shifts (defaults to your own practitioner record). Not allowed for a hub feed.',
  })
  @IsOptional()
  @IsUUID()
  practitionerId?: string;
  @ApiPropertyOptional({ maxLength: 60, example: 'Work phone' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  label?: string;
}

export class CalendarTokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'Who holds the token (who created it and was shown its feed URL).' }) userId: string;
  @ApiProperty({ enum: CALENDAR_SCOPES }) scope: CalendarScope;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) practitionerId: string | null;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
}

export class CreatedCalendarTokenDto extends CalendarTokenDto {
  @ApiProperty({
    example: '/rota/calendar/3q2-7wEjR0mN1l0n0b8c1cQWm6m8K3sFq0l3bX0aYw4.ics',
    description: 'The secret feed path, shown this once: only a hash of the token is kept. Subscribe to it from a calendar app.',
  })
  feedPath: string;
}

export class CalendarTokenListDto {
  @ApiProperty({ type: [CalendarTokenDto] }) items: CalendarTokenDto[];
}

export class CalendarTokenQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Managers: another user's tokens. Omit for your own." })
  @IsOptional()
  @IsUUID()
  userId?: string;
}
