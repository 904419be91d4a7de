import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsInstant, queryBoolean, trim, MinLength } from '../../common/validators';

/** An ad hoc follow-up action added for a handover (actions from a decision are made when it is signed). */
export class CreateActionDto {
  @ApiProperty({
    enum: ['handover'],
    description: "Only handover actions are added here; a decision's actions come from its `content.actions` when it is signed.",
  })
  @IsIn(['handover'])
  sourceType: 'handover';

  @ApiProperty({ format: 'uuid', description: 'The handover the action belongs to.' }) @IsUUID() sourceId: string;
  @ApiProperty({ minLength: 3, maxLength: 2000 }) @Transform(trim) @IsString() @MinLength(3) @MaxLength(2000) description: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A named owner; or give ownerTeam.' })
  @ValidateIf((o: CreateActionDto) => o.ownerTeam === undefined || o.ownerUserId !== undefined)
  @IsUUID()
  ownerUserId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'A team (e.g. "Riverside day team") when nobody is named yet.' })
  @ValidateIf((o: CreateActionDto) => o.ownerUserId === undefined || o.ownerTeam !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  ownerTeam?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it must be done by.' }) @IsOptional() @IsInstant() dueAt?: string;
}

export class ActionDoneDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'What was done.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ActionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['me'], description: 'Only actions you own.' }) @IsOptional() @IsIn(['me']) owner?: 'me';
  @ApiPropertyOptional({ description: 'true: not done; false: done.' }) @IsOptional() @Transform(queryBoolean) @IsBoolean() open?: boolean;
  @ApiPropertyOptional({ description: 'true: not done and past its due time; false: everything else.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  overdue?: boolean;
  @ApiPropertyOptional({ enum: ['decision', 'handover'] }) @IsOptional() @IsIn(['decision', 'handover']) sourceType?:
    'decision' | 'handover';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() sourceId?: string;
}

// ---- responses ----
export class ActionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['decision', 'handover'] }) sourceType: 'decision' | 'handover';
  @ApiProperty({ format: 'uuid' }) sourceId: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) ownerUserId: string | null;
  @ApiProperty({ nullable: true, type: String }) ownerTeam: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) dueAt: string | null;
  @ApiProperty({ description: 'Not done and past its due time.' }) overdue: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) doneAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) doneBy: string | null;
  @ApiProperty({ nullable: true, type: String }) doneNote: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() version: number;
}

export class ActionListDto {
  @ApiProperty({ type: [ActionViewDto] }) items: ActionViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
