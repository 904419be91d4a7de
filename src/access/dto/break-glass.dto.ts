import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { PageQuery } from '../../common/pagination';
import { trim, MinLength } from '../../common/validators';

export class OpenBreakGlassDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The person whose record you need. Exactly one of personId, referralId and assessmentId is given.',
  })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "A referral whose person's record you need (what a 403 no-relationship on the referral names): the person is found by the hub.",
  })
  @IsOptional()
  @IsUUID()
  referralId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "An assessment whose person's record you need (what a 403 no-relationship on the assessment names): the person is found by the hub.",
  })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;

  @ApiProperty({
    minLength: 20,
    maxLength: 2000,
    description: 'Why access is needed now without a relationship (reviewed by an auditor): at least 20 characters once trimmed.',
  })
  @Transform(trim)
  @IsString()
  @MinLength(20, { message: 'reason must explain the emergency in at least 20 characters' })
  @MaxLength(2000)
  reason: string;
}

export class BreakGlassSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt: string | null;
  @ApiProperty() active: boolean;
}

export class ReviewAlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'reviewed', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'reviewed', 'all'])
  status?: 'open' | 'reviewed' | 'all';
}

export class ReviewDto {
  @ApiProperty({ enum: ['justified', 'not-justified', 'referred'] })
  @IsIn(['justified', 'not-justified', 'referred'])
  outcome: 'justified' | 'not-justified' | 'referred';

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class ReviewAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() kind: string;
  @ApiProperty() subjectType: string;
  @ApiProperty() subjectId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) personId: string | null;
  @ApiProperty({ format: 'uuid' }) raisedBy: string;
  @ApiProperty({ format: 'date-time' }) raisedAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'What the alert is about, in words (it may quote what a user typed, such as a shift label). Null for an admin unless it is identifiers and codes only.',
  })
  summary: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'For a break-glass alert: the reason its user gave, for the reviewer to judge. Null for an admin, who sees that an alert exists and not what it says about a person.',
  })
  reason: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) reviewedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) reviewedBy: string | null;
  @ApiProperty({ enum: ['justified', 'not-justified', 'referred'], nullable: true, type: String }) reviewOutcome: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The reviewer's note. Null for an admin (free text about a person)." })
  reviewNote: string | null;
  @ApiProperty() version: number;
}

export class ReviewAlertPageDto {
  @ApiProperty({ type: [ReviewAlertDto] }) items: ReviewAlertDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class BreakGlassSessionListDto {
  @ApiProperty({ type: [BreakGlassSessionDto] }) items: BreakGlassSessionDto[];
}
