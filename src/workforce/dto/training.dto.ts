import { IsInstant, IsLocalDate, MaxDecimalPlaces, queryBoolean, trim, MinLength } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateTrainingDto {
  @ApiProperty({ format: 'date' }) @IsLocalDate() completedOn: string;
  @ApiProperty({ minimum: 0.25, maximum: 200 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.25)
  @Max(200)
  hours: number;
  @ApiProperty({ maxLength: 200 }) @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) provider: string;
  @ApiProperty({ maxLength: 300, example: 'Case law update 2026' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(300)
  topic: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() mentalHealthSpecific?: boolean;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class TrainingRecordDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'date' }) completedOn: string;
  @ApiProperty() hours: number;
  @ApiProperty() provider: string;
  @ApiProperty() topic: string;
  @ApiProperty() mentalHealthSpecific: boolean;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
}

export class TrainingYearDecisionDto {
  @ApiProperty({ description: 'The approval year it is about (1: the first year of the approval).' }) year: number;
  @ApiProperty({ format: 'date' }) decidedOn: string;
  @ApiProperty() reason: string;
}

export class ApprovalYearDto {
  @ApiProperty() year: number;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty() requiredHours: number;
  @ApiProperty() requiredMentalHealthHours: number;
  @ApiProperty() hours: number;
  @ApiProperty() mentalHealthHours: number;
  @ApiProperty() shortfallHours: number;
  @ApiProperty() mentalHealthShortfallHours: number;
  @ApiProperty({ enum: ['met', 'short', 'in-progress', 'future'] }) status: string;
  @ApiProperty({
    type: TrainingYearDecisionDto,
    nullable: true,
    description:
      "A short year: the approving authority's decision that she may go on acting (AMHP-06), when recorded. Without one a short year blocks her (TRAINING_SHORTFALL_SEVERITY).",
  })
  decision: TrainingYearDecisionDto | null;
}

export class ApprovalComplianceDto {
  @ApiProperty({ format: 'uuid' }) approvalId: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ type: [ApprovalYearDto] }) years: ApprovalYearDto[];
}

export class TrainingRemovedRecordDto extends TrainingRecordDto {
  @ApiProperty({ format: 'date-time', description: 'When it was removed as entered in error.' }) removedAt: string;
  @ApiProperty({ format: 'uuid', description: 'Who removed it.' }) removedBy: string;
}

export class TrainingSummaryDto {
  @ApiProperty({ type: [TrainingRecordDto], description: 'The records that count towards the yearly hours, oldest first.' })
  records: TrainingRecordDto[];
  @ApiProperty({ type: [ApprovalComplianceDto] }) compliance: ApprovalComplianceDto[];
  @ApiProperty({
    type: [TrainingRemovedRecordDto],
    description: 'Records removed as entered in error: kept on her record (AMHP-09), counted in no year (AMHP-06), oldest first.',
  })
  removed: TrainingRemovedRecordDto[];
}

export class TrainingShortfallDto {
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) team: string | null;
  @ApiProperty() approvalYear: number;
  @ApiProperty({ format: 'date', description: 'The end of the approval year: the date the hours are due by.' }) dueBy: string;
  @ApiProperty() hours: number;
  @ApiProperty() shortfallHours: number;
  @ApiProperty() mentalHealthShortfallHours: number;
  @ApiProperty({ enum: ['short', 'in-progress'], description: 'short: a completed year ended without enough hours.' }) status: string;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      'A short year: when the approving authority decided she may go on acting (AMHP-06); null when it has not (she is blocked).',
  })
  decidedOn: string | null;
}

export class TrainingShortfallListDto {
  @ApiProperty({ type: [TrainingShortfallDto] }) items: TrainingShortfallDto[];
}

export class EligibilityQuery {
  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  from: string;
  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  to: string;
}

export class EligibilityListQuery extends EligibilityQuery {
  @ApiPropertyOptional({ description: 'Only practitioners whose record is active (true) or inactive (false).' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  active?: boolean;
}

export class FindingDto {
  @ApiProperty() code: string;
  @ApiProperty({ description: 'The rule id, e.g. AMHP-05 (GET /rules/{id}).' }) rule: string;
  @ApiProperty({ enum: ['hard', 'warning'] }) severity: string;
  @ApiProperty() message: string;
}

export class EligibilityDto {
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty() eligible: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) approvalId: string | null;
  @ApiProperty({ type: [FindingDto] }) findings: FindingDto[];
}

export class EligibilityListDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [EligibilityDto], description: 'One for each practitioner the caller may read, by practitioner id.' })
  items: EligibilityDto[];
}
