import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { SUPERVISION_TYPES, type SupervisionType } from '../supervision.entity';
import { IsLocalDate, Nested, present, queryBoolean, trim, MinLength } from '../../common/validators';

const NOTES_MAX = 20000;

export class CreateSupervisionActionDto {
  @ApiProperty({ minLength: 2, maxLength: 1000, example: 'Read the updated Code of Practice chapter on the nearest relative' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  description: string;

  @ApiProperty({ format: 'uuid', description: 'The user who is to do it (often the supervisee, sometimes the supervisor).' })
  @IsUUID()
  ownerUserId: string;

  @ApiPropertyOptional({ format: 'date', description: 'Not before the session was held (422).' })
  @IsOptional()
  @IsLocalDate()
  dueOn?: string;
}

export class CreateSupervisionSessionDto {
  @ApiProperty({ format: 'uuid', description: 'The practitioner supervised (a practitioner id, not a user id).' })
  @IsUUID()
  superviseeId: string;

  @ApiProperty({
    format: 'uuid',
    description: "The supervisor's user id. An AMHP who is not a manager may only record sessions they held themselves.",
  })
  @IsUUID()
  supervisorUserId: string;

  @ApiProperty({
    format: 'date',
    example: '2026-11-20',
    description: 'The local date it was held; a date after today (service time zone) is refused with 422.',
  })
  @IsLocalDate()
  heldOn: string;

  @ApiProperty({
    enum: SUPERVISION_TYPES,
    description: 'Only `professional` sessions count towards the professional supervision interval (AMHP-10).',
  })
  @IsIn(SUPERVISION_TYPES)
  type: SupervisionType;

  @ApiProperty({ minimum: 5, maximum: 600, example: 60 })
  @IsInt()
  @Min(5)
  @Max(600)
  durationMinutes: number;

  @ApiPropertyOptional({
    maxLength: NOTES_MAX,
    description: 'Visible only to the supervisor, the supervisee and managers; every read is audited.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX)
  notes?: string;

  @ApiPropertyOptional({ type: [CreateSupervisionActionDto], maxItems: 50 })
  @IsOptional()
  @ArrayMaxSize(50)
  @Nested(() => CreateSupervisionActionDto, { each: true })
  actions?: CreateSupervisionActionDto[];
}

/** Send null as `notes` to clear them. */
export class UpdateSupervisionSessionDto {
  @ApiPropertyOptional({ maxLength: NOTES_MAX, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX)
  notes?: string | null;

  @ApiPropertyOptional({ minimum: 5, maximum: 600 })
  @ValidateIf(present)
  @IsInt()
  @Min(5)
  @Max(600)
  durationMinutes?: number;

  @ApiPropertyOptional({ enum: SUPERVISION_TYPES })
  @ValidateIf(present)
  @IsIn(SUPERVISION_TYPES)
  type?: SupervisionType;
}

/** Send null as `dueOn` to clear it, or as `doneOn` to reopen the action. */
export class UpdateSupervisionActionDto {
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String, description: 'The day it was done; not after today (422).' })
  @IsOptional()
  @IsLocalDate()
  doneOn?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String, description: 'Not before the session was held (422).' })
  @IsOptional()
  @IsLocalDate()
  dueOn?: string | null;

  @ApiPropertyOptional({ minLength: 2, maxLength: 1000 })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  description?: string;
}

export class SupervisionSessionQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Sessions of this practitioner.' }) @IsOptional() @IsUUID() superviseeId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Sessions held by this supervisor (a user id).' })
  @IsOptional()
  @IsUUID()
  supervisorUserId?: string;
  @ApiPropertyOptional({ enum: SUPERVISION_TYPES }) @IsOptional() @IsIn(SUPERVISION_TYPES) type?: SupervisionType;
  @ApiPropertyOptional({ format: 'date', description: 'Held on or after this date.' }) @IsOptional() @IsLocalDate() from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Held on or before this date (not before `from`, else 422).' })
  @IsOptional()
  @IsLocalDate()
  to?: string;
}

export class SupervisionActionQuery extends PageQuery {
  @ApiPropertyOptional({ description: '`me`, or a user id.', example: 'me' })
  @IsOptional()
  @IsString()
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, { message: 'owner must be me or a user id' })
  owner?: string;

  @ApiPropertyOptional({ description: 'true: not yet done; false: done.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  open?: boolean;
  @ApiPropertyOptional({ description: 'true: open and past the due date (today, service time zone, is not overdue).' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() sessionId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Actions from sessions of this practitioner.' })
  @IsOptional()
  @IsUUID()
  superviseeId?: string;
}

export class SupervisionOverdueQuery {
  @ApiPropertyOptional({ description: 'true: only practitioners whose professional supervision is overdue.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  overdueOnly?: boolean;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) team?: string;
}

export class SupervisionActionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid', description: 'The practitioner whose session agreed the action.' }) superviseeId: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "What was agreed: null when the reader may not see the session's notes and does not own the action (e.g. an auditor).",
  })
  description: string | null;
  @ApiProperty({ description: 'true when `description` is withheld from this reader, as the notes are.' })
  descriptionWithheld: boolean;
  @ApiProperty({ format: 'uuid' }) ownerUserId: string;
  @ApiProperty() ownerName: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dueOn: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) doneOn: string | null;
  @ApiProperty({ description: 'Open and past its due date (service clock and time zone).' }) overdue: boolean;
  @ApiProperty() version: number;
}

export class SupervisionActionPageDto {
  @ApiProperty({ type: [SupervisionActionDto] }) items: SupervisionActionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class SupervisionSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) superviseeId: string;
  @ApiProperty() superviseeName: string;
  @ApiProperty({ format: 'uuid' }) supervisorUserId: string;
  @ApiProperty() supervisorName: string;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ enum: SUPERVISION_TYPES }) type: string;
  @ApiProperty() durationMinutes: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Only for the supervisor, the supervisee and managers (each read audited); null when withheld.',
  })
  notes: string | null;
  @ApiProperty({ description: 'true when the reader may not see the notes (e.g. an auditor): `notes` is then null whatever was written.' })
  notesWithheld: boolean;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ type: [SupervisionActionDto] }) actions: SupervisionActionDto[];
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SupervisionSessionPageDto {
  @ApiProperty({ type: [SupervisionSessionDto] }) items: SupervisionSessionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** Where a practitioner stands against their professional supervision interval (AMHP-10). */
export class SupervisionStatusDto {
  @ApiProperty({ description: "The practitioner's own supervision interval (days)." }) intervalDays: number;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The last `professional` session on or before today.' })
  lastProfessionalOn: string | null;
  @ApiProperty({ format: 'date', description: 'The last day supervision is still in time.' }) nextDueOn: string;
  @ApiProperty({
    enum: ['last-professional-supervision', 'record-created'],
    description: 'Never-supervised practitioners are due an interval after their practitioner record was created.',
  })
  dueFrom: string;
  @ApiProperty() neverSupervised: boolean;
  @ApiProperty({ enum: ['in-date', 'overdue'] }) status: string;
  @ApiProperty({ description: 'Whole days past nextDueOn; 0 when in date (on the due day it is not overdue).' }) daysOverdue: number;
  @ApiProperty({ description: 'Whole days left until nextDueOn; 0 when due today or overdue.' }) daysUntilDue: number;
}

export class SupervisionDueDto extends SupervisionStatusDto {
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) team: string | null;
}

export class SupervisionDueListDto {
  @ApiProperty({ format: 'date', description: 'Today in the service time zone, as the list was computed.' }) asOf: string;
  @ApiProperty({ type: [SupervisionDueDto], description: 'Most overdue first.' }) items: SupervisionDueDto[];
}
