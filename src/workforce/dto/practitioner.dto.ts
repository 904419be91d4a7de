import { IsLocalDate, MaxDecimalPlaces, queryBoolean, trim, MinLength } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  ReferralToReallocateDto,
  ReturnedReferralDto,
  WITHDRAWN_WORK_DOCS,
  WithdrawnAssignmentDto,
  WithdrawnOfferDto,
} from './approval.dto';
import { PageQuery } from '../../common/pagination';
import { PROFESSIONS, REGISTRATION_STATUSES, type Profession, type RegistrationStatus } from '../practitioner.entity';

const SKILL = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class CreatePractitionerDto {
  @ApiProperty({ format: 'uuid', description: 'The user account this practitioner signs in with.' })
  @IsUUID()
  userId: string;

  @ApiProperty({ enum: [...PROFESSIONS, 'doctor'], description: 'A doctor can never be an AMHP (refused with 422, AMHP-04).' })
  @IsIn([...PROFESSIONS, 'doctor'])
  profession: Profession | 'doctor';

  @ApiProperty({ example: 'Social Work England' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  registrationBody: string;

  @ApiProperty({ example: 'SW123456' })
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9/-]{3,30}$/, { message: 'registrationNumber must be 3-30 letters, digits, / or -' })
  registrationNumber: string;

  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(REGISTRATION_STATUSES)
  registrationStatus?: RegistrationStatus;

  @ApiPropertyOptional({ format: 'date', description: 'When the registration was last checked with the regulator.' })
  @IsOptional()
  @IsLocalDate()
  registrationCheckedOn?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  team?: string;

  @ApiPropertyOptional({ minimum: 0.01, maximum: 1, default: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.01)
  @Max(1)
  fte?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 48 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(1)
  @Min(1)
  @Max(48)
  contractedHoursPerWeek?: number;

  @ApiPropertyOptional({ type: [String], example: ['senior', 'night'], description: 'Rota skills: lower-case words with dashes.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word such as senior or practice-educator' })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 7, maximum: 365, default: 30 })
  @IsOptional()
  @IsInt()
  @Min(7)
  @Max(365)
  supervisionIntervalDays?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  lineManagerUserId?: string;
}

export class UpdatePractitionerDto {
  @ApiPropertyOptional({ example: 'Social Work England' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  registrationBody?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9/-]{3,30}$/, { message: 'registrationNumber must be 3-30 letters, digits, / or -' })
  registrationNumber?: string;
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES }) @IsOptional() @IsIn(REGISTRATION_STATUSES) registrationStatus?: RegistrationStatus;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsLocalDate() registrationCheckedOn?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: 100, description: 'null: no team.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  team?: string | null;
  @ApiPropertyOptional({ minimum: 0.01, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0.01)
  @Max(1)
  fte?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 48 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(1)
  @Min(1)
  @Max(48)
  contractedHoursPerWeek?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word such as senior or practice-educator' })
  skills?: string[];
  @ApiPropertyOptional({ minimum: 7, maximum: 365 }) @IsOptional() @IsInt() @Min(7) @Max(365) supervisionIntervalDays?: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'null: no line manager.' })
  @IsOptional()
  @IsUUID()
  lineManagerUserId?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class PractitionerQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) team?: string;
  @ApiPropertyOptional({ example: 'senior' }) @IsOptional() @Matches(SKILL, { message: 'skill must be a lower-case word' }) skill?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(queryBoolean) @IsBoolean() active?: boolean;
}

export class PractitionerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: PROFESSIONS }) profession: string;
  @ApiProperty() registrationBody: string;
  @ApiProperty() registrationNumber: string;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) registrationStatus: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) registrationCheckedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) team: string | null;
  @ApiProperty() fte: number;
  @ApiProperty({ nullable: true, type: Number }) contractedHoursPerWeek: number | null;
  @ApiProperty({ type: [String] }) skills: string[];
  @ApiProperty() supervisionIntervalDays: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) lineManagerUserId: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({
    enum: ['future', 'active', 'suspended', 'expired', 'ended', 'none'],
    description: 'Status of the current (or latest) approval now.',
  })
  approvalStatus: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Last day of the current approval.' }) approvalEndsOn:
    string | null;
  @ApiProperty() version: number;
  @ApiPropertyOptional({
    type: [WithdrawnAssignmentDto],
    description:
      'Only in the answer to a change of `active`, `registrationStatus`, `registrationBody` or `registrationCheckedOn`: the shifts not ' +
      'yet over that the change took the AMHP off (AMHP-03, AMHP-07), each with the findings that did. Empty when none.',
  })
  removedFromRota?: WithdrawnAssignmentDto[];
  @ApiPropertyOptional({ type: [WithdrawnOfferDto], description: WITHDRAWN_WORK_DOCS.offersWithdrawn })
  offersWithdrawn?: WithdrawnOfferDto[];
  @ApiPropertyOptional({ type: [ReturnedReferralDto], description: WITHDRAWN_WORK_DOCS.allocationsReturned })
  allocationsReturned?: ReturnedReferralDto[];
  @ApiPropertyOptional({ type: [ReferralToReallocateDto], description: WITHDRAWN_WORK_DOCS.awaitingReallocation })
  awaitingReallocation?: ReferralToReallocateDto[];
}

export class PractitionerPageDto {
  @ApiProperty({ type: [PractitionerDto] }) items: PractitionerDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
