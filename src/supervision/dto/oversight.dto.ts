import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { APPRAISAL_OUTCOMES, PRACTICE_AUDIT_RATINGS } from '../supervision.entity';
import { IsLocalDate, TAG, trim, MinLength } from '../../common/validators';

export type AppraisalOutcome = (typeof APPRAISAL_OUTCOMES)[number];
export type PracticeAuditRating = (typeof PRACTICE_AUDIT_RATINGS)[number];

/** A reference to a piece of work, never a description of it: letters, digits and a little punctuation. */
const WORK_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 /:#._-]{0,79}$/;

export class CreateAppraisalDto {
  @ApiProperty({ format: 'date', example: '2026-11-20', description: 'Not after today (422).' }) @IsLocalDate() heldOn: string;
  @ApiProperty({ format: 'date', example: '2025-11-01', description: 'First day of the period appraised.' })
  @IsLocalDate()
  periodFrom: string;
  @ApiProperty({ format: 'date', example: '2026-10-31', description: 'Last day of the period appraised; not before periodFrom (422).' })
  @IsLocalDate()
  periodTo: string;
  @ApiProperty({ enum: APPRAISAL_OUTCOMES }) @IsIn(APPRAISAL_OUTCOMES) outcome: AppraisalOutcome;
  @ApiPropertyOptional({ maxLength: 8000 }) @IsOptional() @IsString() @MaxLength(8000) summary?: string;
  @ApiPropertyOptional({ maxLength: 8000, description: 'Objectives agreed for the coming year.' })
  @IsOptional()
  @IsString()
  @MaxLength(8000)
  objectives?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Defaults to a year after heldOn; must be after heldOn (422).' })
  @IsOptional()
  @IsLocalDate()
  nextDueOn?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to the manager recording it.' })
  @IsOptional()
  @IsUUID()
  appraiserUserId?: string;
}

export class AppraisalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'uuid' }) appraiserUserId: string;
  @ApiProperty() appraiserName: string;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ format: 'date' }) periodFrom: string;
  @ApiProperty({ format: 'date' }) periodTo: string;
  @ApiProperty({ enum: APPRAISAL_OUTCOMES }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ nullable: true, type: String }) objectives: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) nextDueOn: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AppraisalListDto {
  @ApiProperty({ type: [AppraisalDto], description: 'Most recent first.' }) items: AppraisalDto[];
}

export class CreatePracticeAuditDto {
  @ApiPropertyOptional({ format: 'date', description: 'Defaults to today (service time zone); not after today (422).' })
  @IsOptional()
  @IsLocalDate()
  auditedOn?: string;

  @ApiProperty({
    maxLength: 80,
    example: 'ASMT-2026-00123',
    description: 'A reference to the work audited (assessment or referral number). A reference only: no names, no clinical text.',
  })
  @Transform(trim)
  @IsString()
  @Matches(WORK_REFERENCE, {
    message: 'workReference must be a reference of up to 80 letters, digits, spaces and / : # . _ - (no clinical text)',
  })
  workReference: string;

  @ApiProperty({ type: [String], example: ['nearest-relative', 'least-restrictive'], description: 'Short lower-case tags, up to 20.' })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(TAG, { each: true, message: 'each theme must be a short lower-case tag such as nearest-relative' })
  themes: string[];

  @ApiProperty({ minLength: 2, maxLength: 8000, description: "The reviewer's findings about the practice (no patient identifiers)." })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(8000)
  findings: string;
  @ApiProperty({ enum: PRACTICE_AUDIT_RATINGS }) @IsIn(PRACTICE_AUDIT_RATINGS) rating: PracticeAuditRating;
  @ApiPropertyOptional({ minimum: 0, maximum: 100 }) @IsOptional() @IsInt() @Min(0) @Max(100) score?: number;
  @ApiPropertyOptional({ maxLength: 4000, description: 'Actions agreed as a result.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  actions?: string;
}

export class PracticeAuditDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'uuid' }) reviewerUserId: string;
  @ApiProperty() reviewerName: string;
  @ApiProperty({ format: 'date' }) auditedOn: string;
  @ApiProperty({ description: 'A reference to the work audited, never clinical text.' }) workReference: string;
  @ApiProperty({ type: [String] }) themes: string[];
  @ApiProperty() findings: string;
  @ApiProperty({ enum: PRACTICE_AUDIT_RATINGS }) rating: string;
  @ApiProperty({ nullable: true, type: Number }) score: number | null;
  @ApiProperty({ nullable: true, type: String }) actions: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PracticeAuditListDto {
  @ApiProperty({ type: [PracticeAuditDto], description: 'Most recent first.' }) items: PracticeAuditDto[];
}
