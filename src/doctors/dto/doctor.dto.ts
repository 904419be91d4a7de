import { IsLocalDate, Nested, queryBoolean, trim, MinLength, UnambiguousEmail } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { DOCTOR_APPROVAL_KINDS, type DoctorApprovalKind } from '../doctor.entity';
import { UK_PHONE } from '../doctor.rules';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const UK_PHONE_MESSAGE = 'number must be a UK telephone number, e.g. 07700 900123 or +44 7700 900123';

/** Present fields may not be null (they are NOT NULL columns); absent ones are left alone. */
const present = (_: object, value: unknown) => value !== undefined;

export class CreateDoctorApprovalDto {
  @ApiProperty({
    enum: DOCTOR_APPROVAL_KINDS,
    description: '`s12`: approved under MHA s.12(2); `approved-clinician`: an approved clinician (who counts as s.12-approved).',
  })
  @IsIn(DOCTOR_APPROVAL_KINDS)
  kind: DoctorApprovalKind;

  @ApiProperty({ format: 'date', example: '2025-04-01', description: 'First day of the approval (inclusive).' })
  @IsLocalDate()
  startsOn: string;

  @ApiProperty({
    format: 'date',
    example: '2030-03-31',
    description: 'Last day of the approval (inclusive); on or after startsOn, else 422.',
  })
  @IsLocalDate()
  endsOn: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'NHS England (North West)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  approvingBody?: string;
}

export class ContactNumberInputDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 40,
    example: 'mobile',
    description: 'What the number is: mobile, work, secretary, switchboard...',
  })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  label: string;

  @ApiProperty({
    maxLength: 30,
    example: '+44 7700 900123',
    description: 'A UK number, national (07700 900123) or international (+44 7700 900123); stored in E.164.',
  })
  @IsString()
  @MaxLength(30)
  @Matches(UK_PHONE, { message: UK_PHONE_MESSAGE })
  number: string;
}

export class CreateDoctorDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Dr Asha Patel' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    pattern: '^[0-9]{7}$',
    example: '1234567',
    description: 'GMC reference number: exactly 7 digits, unique in the register.',
  })
  @Transform(trim)
  @IsString()
  @Matches(/^[0-9]{7}$/, { message: 'gmcNumber must be exactly 7 digits' })
  gmcNumber: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Northshire Mental Health NHS Trust' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  organisation?: string;

  @ApiPropertyOptional({
    example: 'asha.patel@nhs.test',
    description:
      "Kept in lower case; an address that looks like another (invisible or mixed-script characters, as a user email) is 400. 409 email-look-alike: it reads as another doctor's or a hub account's address (look-alike letters of another script, 1 for l, rn for m) but is not the same address (the same address is kept: a shared mailbox).",
  })
  @IsOptional()
  @Transform(lower)
  @IsEmail()
  @UnambiguousEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ type: [ContactNumberInputDto], maxItems: 10, description: 'Contact numbers, the one to try first first.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Nested(() => ContactNumberInputDto, { each: true })
  contactNumbers?: ContactNumberInputDto[];

  @ApiPropertyOptional({ maxLength: 4000, description: 'Practical notes (availability, languages). Never patient information.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string;

  @ApiPropertyOptional({ type: [CreateDoctorApprovalDto], maxItems: 20 })
  @IsOptional()
  @ArrayMaxSize(20)
  @Nested(() => CreateDoctorApprovalDto, { each: true })
  approvals?: CreateDoctorApprovalDto[];
}

/** The GMC number is the doctor's identity in the register and is not changed here. Send null to clear an optional field. */
export class UpdateDoctorDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  organisation?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      "As on create: 400 for an address that could be taken for another, 409 email-look-alike for one reading as another doctor's or a hub account's.",
  })
  @IsOptional()
  @Transform(lower)
  @IsEmail()
  @UnambiguousEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    type: [ContactNumberInputDto],
    maxItems: 10,
    description: 'Replaces the contact numbers (an empty list removes them all).',
  })
  @ValidateIf(present)
  @ArrayMaxSize(10)
  @Nested(() => ContactNumberInputDto, { each: true })
  contactNumbers?: ContactNumberInputDto[];

  @ApiPropertyOptional({ maxLength: 4000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string | null;

  @ApiPropertyOptional({ description: 'false takes the doctor off the active register (their history is kept).' })
  @ValidateIf(present)
  @IsBoolean()
  active?: boolean;
}

export class DoctorQuery extends PageQuery {
  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'Each word matches the start of a word of the name (titles such as Dr ignored) or of the organisation, ignoring case and accents: `bel` finds Dr Ade Bello. Whole-word name matches first, then name prefixes, then organisation matches.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Each word matches the start of a word of the organisation, ignoring case and accents.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organisation?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Only doctors with an approval covering this date (of `kind`, if given).' })
  @IsOptional()
  @IsLocalDate()
  approvedOn?: string;

  @ApiPropertyOptional({
    enum: DOCTOR_APPROVAL_KINDS,
    description: 'With approvedOn: the kind of approval that must cover the date. Needs approvedOn.',
  })
  @IsOptional()
  @IsIn(DOCTOR_APPROVAL_KINDS)
  kind?: DoctorApprovalKind;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  active?: boolean;
}

export class ApprovalStatusQuery {
  @ApiPropertyOptional({
    format: 'date',
    description: 'The date to check (e.g. the examination date). Defaults to today in the service time zone.',
  })
  @IsOptional()
  @IsLocalDate()
  date?: string;
}

export class DoctorApprovalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DOCTOR_APPROVAL_KINDS }) kind: DoctorApprovalKind;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ nullable: true, type: String }) approvingBody: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ContactNumberDto {
  @ApiProperty({ example: 'mobile' }) label: string;
  @ApiProperty({ example: '+447700900123', description: 'E.164.' }) number: string;
  @ApiProperty({ example: '07700 900123', description: 'As printed in the UK.' }) display: string;
}

export class CurrentStatusDto {
  @ApiProperty({ description: 'Has an s.12 approval covering today (service time zone).' }) s12: boolean;
  @ApiProperty({ description: 'Has approved-clinician status covering today (service time zone).' }) approvedClinician: boolean;
}

export class DoctorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ pattern: '^[0-9]{7}$' }) gmcNumber: string;
  @ApiProperty({ nullable: true, type: String }) organisation: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ type: [ContactNumberDto] }) contactNumbers: ContactNumberDto[];
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [DoctorApprovalDto], description: 'Every approval period, by kind then start date.' })
  approvals: DoctorApprovalDto[];
  @ApiProperty({ type: CurrentStatusDto }) currentStatus: CurrentStatusDto;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DoctorPageDto {
  @ApiProperty({ type: [DoctorDto] }) items: DoctorDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ApprovalPeriodDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ nullable: true, type: String }) approvingBody: string | null;
}

export class KindStatusDto {
  @ApiProperty() approved: boolean;
  @ApiProperty({
    type: ApprovalPeriodDto,
    nullable: true,
    description: 'The period covering the date (the longest-lasting, if several do).',
  })
  period: ApprovalPeriodDto | null;
}

export class ApprovalStatusDto {
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ type: KindStatusDto }) s12: KindStatusDto;
  @ApiProperty({ type: KindStatusDto }) approvedClinician: KindStatusDto;
}
