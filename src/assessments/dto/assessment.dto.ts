import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { AcknowledgementDto } from '../../common/acknowledgement.dto';
import { PageQuery } from '../../common/pagination';
import { IsInstant, Nested, trim, MinLength } from '../../common/validators';
import { RECTIFICATION_KINDS } from '../../statute/after-admission.rules';
import { DETENTION_END_KINDS, DISCHARGERS } from '../../statute/assessment.types';
import { OVERRIDE_REPORT_GROUNDS } from '../../statute/override-report';
import { ALTERNATIVES, DELAY_REASONS, TIMELINE_EVENTS } from '../assessment.entities';
import { WarrantAttendanceDto } from '../../referrals/dto/referral.dto';
import { WARRANT_KINDS } from '../../statute/police-powers.rules';

/** How the person was conveyed to hospital (recorded on the conveyance's request or arrival, kept in the event's data). */
export const CONVEYANCE_MODES = ['ambulance', 'police-vehicle', 'secure-transport', 'hospital-transport', 'other'] as const;

const SECTIONS = ['s2', 's3', 's4', 's7'] as const;
/** s.11(1): who may make an application: an AMHP, or the nearest relative. */
const APPLICANTS = ['amhp', 'nearest-relative'] as const;
const MODES = ['in-person', 'video', 'phone'] as const;

export class CreateAssessmentDto {
  @ApiProperty({ format: 'uuid', description: 'The allocated referral this assessment answers.' }) @IsUUID() referralId: string;
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(300) location?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Other AMHPs involved.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  otherAmhpUserIds?: string[];
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the assessment began, when it is recorded afterwards (default now; never in the future, never before the referral).',
  })
  @IsOptional()
  @IsInstant()
  openedAt?: string;
}

export class InterpreterDto {
  @ApiProperty() @IsBoolean() needed: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(100) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() used?: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) name?: string;
}
export class InvolvedDto {
  @ApiProperty() @IsBoolean() involved: boolean;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(1000) reason?: string;
}
export class InvolvementDto {
  @ApiPropertyOptional({ type: InterpreterDto }) @IsOptional() @Nested(() => InterpreterDto) interpreter?: InterpreterDto;
  @ApiPropertyOptional({ type: InvolvedDto }) @IsOptional() @Nested(() => InvolvedDto) advocate?: InvolvedDto;
  @ApiPropertyOptional({ type: InvolvedDto }) @IsOptional() @Nested(() => InvolvedDto) police?: InvolvedDto;
  @ApiPropertyOptional({ type: InvolvedDto }) @IsOptional() @Nested(() => InvolvedDto) ambulance?: InvolvedDto;
}

/** APP-06 / s.13(2), COP-06: the interview and what was considered. */
export class InterviewDto {
  @ApiPropertyOptional({ description: 'How the interview was made suitable: interpreter, communication aids, setting.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  suitableMannerNotes?: string;
  @ApiProperty({ type: [String], description: 'Alternatives to detention considered, and why each was or was not enough.' })
  @IsArray()
  @ArrayMaxSize(20)
  @Transform(trim)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  alternativesConsidered: string[];
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(4000) capacity?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(4000) patientViews?: string;
  @ApiPropertyOptional({ description: 's.13(1A): wishes expressed by relatives.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  relativesWishes?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Transform(trim)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  professionalsConsulted?: string[];
}

/** One recipient of the outcome report (COP-07): who it went to, how, and when. */
export class ReportRecipientDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Willow Ward, Northshire General (hospital managers)' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  recipient: string;
  @ApiPropertyOptional({ maxLength: 200, example: 'Receiving hospital' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  role?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'secure email' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  method?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was sent (not in the future); absent while still to be sent.' })
  @IsOptional()
  @IsInstant()
  sentAt?: string;
}

/** The outcome report's own fields (COP-07), recorded with the outcome or by an update. */
export class ReportDetailsDto {
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String, description: 'The ward the patient is admitted to (null clears).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  ward?: string | null;
  @ApiPropertyOptional({
    maxLength: 200,
    nullable: true,
    type: String,
    description: 'Who found the bed, e.g. "Bed manager (Kim Ross)" (null clears).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  bedFoundBy?: string | null;
  @ApiPropertyOptional({
    maxLength: 200,
    nullable: true,
    type: String,
    description: 'Who the conveyance was arranged with, e.g. "North West Ambulance Service" (null clears).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  conveyanceArrangedWith?: string | null;
  @ApiPropertyOptional({
    type: [ReportRecipientDto],
    maxItems: 30,
    description:
      "The outcome report's distribution list: who it went to (replaces the list; may be changed after the assessment is closed).",
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @Nested(() => ReportRecipientDto, { each: true })
  distribution?: ReportRecipientDto[];
}

export class UpdateAssessmentDto extends ReportDetailsDto {
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(300) location?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  otherAmhpUserIds?: string[];
  @ApiPropertyOptional({ type: InvolvementDto }) @IsOptional() @Nested(() => InvolvementDto) involvement?: InvolvementDto;
  @ApiPropertyOptional({ type: InterviewDto }) @IsOptional() @Nested(() => InterviewDto) interview?: InterviewDto;
}

export { AcknowledgementDto };

export class TimelineEventDto {
  @ApiProperty({ enum: TIMELINE_EVENTS }) @IsIn(TIMELINE_EVENTS) type: (typeof TIMELINE_EVENTS)[number];
  @ApiProperty({ format: 'date-time', description: 'When it happened (not in the future).' }) @IsInstant() at: string;
  @ApiPropertyOptional({ enum: DELAY_REASONS, description: 'Why this step was delayed.' })
  @IsOptional()
  @IsIn(DELAY_REASONS)
  delayReason?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({
    enum: CONVEYANCE_MODES,
    description: 'conveyance-requested or conveyance-arrived only: how the person is conveyed.',
  })
  @IsOptional()
  @IsIn(CONVEYANCE_MODES)
  conveyanceMode?: (typeof CONVEYANCE_MODES)[number];
  @ApiPropertyOptional({ description: "bed-identified only: the bed is outside the council's area (an out-of-area bed)." })
  @IsOptional()
  @IsBoolean()
  bedOutOfArea?: boolean;
  @ApiPropertyOptional({
    enum: WARRANT_KINDS,
    description: "warrant-requested or warrant-executed only: the warrant's kind, s.135(1) (the AMHP's; the default) or s.135(2).",
  })
  @IsOptional()
  @IsIn(WARRANT_KINDS)
  warrantKind?: (typeof WARRANT_KINDS)[number];
  @ApiPropertyOptional({
    type: WarrantAttendanceDto,
    description:
      'warrant-executed only (POL-02, s.135(4)): who accompanied the constable. A s.135(1) warrant executed without an AMHP and a registered medical practitioner is recorded only with the warning warrant-executed-unaccompanied acknowledged, with a reason.',
  })
  @IsOptional()
  @Nested(() => WarrantAttendanceDto)
  executionAttendance?: WarrantAttendanceDto;
  @ApiPropertyOptional({
    type: [AcknowledgementDto],
    description:
      'admitted only: an admission after the authority to convey under the application ended (APP-13, APP-14: admitted-after-conveyance-window) is recorded only with that warning acknowledged, with a reason. warrant-executed: a s.135(1) warrant executed without an AMHP and a doctor (POL-02: warrant-executed-unaccompanied).',
  })
  @IsOptional()
  @ArrayMaxSize(5)
  @Nested(() => AcknowledgementDto, { each: true })
  acknowledgements?: AcknowledgementDto[];
}

/**
 * A timeline event recorded wrongly, corrected: its time (the tap was late, or the time set was wrong), and for a warrant
 * executed who accompanied the constable (POL-02, s.135(4)); at least one of the two.
 */
export class EventTimeDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it really happened (not in the future). Left out, the time is kept (give executionAttendance then).',
  })
  @IsOptional()
  @IsInstant()
  at?: string;
  @ApiPropertyOptional({
    type: WarrantAttendanceDto,
    description:
      'warrant-executed only (POL-02, s.135(4)): who in fact accompanied the constable, in place of what was recorded, judged as at recording: a s.135(1) warrant executed without an AMHP and a registered medical practitioner needs the warning warrant-executed-unaccompanied acknowledged, with a reason.',
  })
  @IsOptional()
  @Nested(() => WarrantAttendanceDto)
  executionAttendance?: WarrantAttendanceDto;
  @ApiPropertyOptional({
    minLength: 10,
    maxLength: 1000,
    description:
      "Why the time recorded was wrong and where the right one comes from (as POST /referrals/{id}/time-corrections' reason): kept with the event's earlier time. Moving the admission a s.4 runs from (APP-11) also puts the correction on the referral's timeline with it (left out, the entry says no reason was given). With the time the event already has, nothing is recorded.",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  reason?: string;
  @ApiPropertyOptional({
    type: [AcknowledgementDto],
    description:
      'An admission moved after the authority to convey under the application ended (APP-13, APP-14: admitted-after-conveyance-window), or a s.135(1) warrant executed corrected to without an AMHP and a doctor (POL-02: warrant-executed-unaccompanied), needs that warning acknowledged, with a reason.',
  })
  @IsOptional()
  @ArrayMaxSize(5)
  @Nested(() => AcknowledgementDto, { each: true })
  acknowledgements?: AcknowledgementDto[];
}

export class ContactDto {
  @ApiProperty({ format: 'date-time' }) @IsInstant() at: string;
  @ApiProperty({ enum: MODES, description: 'Only in person counts for s.11(5) and s.12 (C8).' }) @IsIn(MODES) mode: (typeof MODES)[number];
  @ApiProperty({ enum: ['amhp', 'doctor', 'other'] }) @IsIn(['amhp', 'doctor', 'other']) byRole: 'amhp' | 'doctor' | 'other';
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The AMHP who made the contact (byRole amhp): defaults to you if you are an AMHP; a manager recording it names the AMHP, whose contact it is (APP-04).',
  })
  @IsOptional()
  @IsUUID()
  byUserId?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(200) byName?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) note?: string;
}

export class StatedApprovalDto {
  @ApiProperty() @IsBoolean() s12: boolean;
  @ApiProperty() @IsBoolean() approvedClinician: boolean;
}

export class RecommendationDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A doctor on the s.12 register; or give doctorName and statedApproval for a doctor entered ad hoc.',
  })
  @IsOptional()
  @IsUUID()
  doctorId?: string;
  @ApiPropertyOptional()
  // Required without doctorId; checked whenever given (with doctorId the register's name is used, but a malformed
  // value is still refused rather than dropped).
  @ValidateIf((o: RecommendationDto) => !o.doctorId || o.doctorName !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  doctorName?: string;
  @ApiPropertyOptional({
    pattern: '^[0-9]{7}$',
    example: '7100001',
    description:
      "An ad hoc doctor's GMC reference number (seven digits): it tells doctors apart (APP-07, APP-11: two recommendations by different doctors); without it an ad hoc doctor is known only by name. A doctor on the register (doctorId) has the register's.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{7}$/, { message: 'gmcNumber must be a seven-digit GMC reference number' })
  gmcNumber?: string;
  @ApiPropertyOptional({ type: StatedApprovalDto, description: "An ad hoc doctor's stated approval (not verified against the register)." })
  @ValidateIf((o: RecommendationDto) => !o.doctorId || o.statedApproval !== undefined)
  @Nested(() => StatedApprovalDto)
  statedApproval?: StatedApprovalDto;
  @ApiProperty() @IsBoolean() previousAcquaintance: boolean;
  @ApiPropertyOptional({ description: 'MED-04: why a doctor with previous acquaintance was not practicable.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  noAcquaintanceReason?: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() examinedAt: string;
  @ApiProperty({ enum: MODES }) @IsIn(MODES) examMode: (typeof MODES)[number];
  @ApiProperty({ format: 'date-time' }) @IsInstant() signedAt: string;
  @ApiProperty({ enum: SECTIONS }) @IsIn(SECTIONS) section: (typeof SECTIONS)[number];
  @ApiPropertyOptional({ format: 'uuid', description: "A joint recommendation: both doctors' records carry the same group id." })
  @IsOptional()
  @IsUUID()
  jointGroup?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'APP-11: when the hospital managers received it: not in the future, and not before signedAt (422 received-before-signature).',
  })
  @IsOptional()
  @IsInstant()
  receivedByManagersAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() learningDisabilityOnly?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() ldQualifyingConduct?: boolean;
  @ApiPropertyOptional({ description: 'MHA25-04: autism or learning disability without a co-occurring psychiatric disorder.' })
  @IsOptional()
  @IsBoolean()
  autismOrLdWithoutPsychiatricDisorder?: boolean;
  @ApiPropertyOptional({ description: 'MED-06 (s.3): why informal treatment is not appropriate.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  informalInappropriateReason?: string;
  @ApiPropertyOptional({
    description:
      'MED-06 (s.3): the hospital(s) where appropriate treatment is available (several separated by ";" or "or"); a s.3 application must be addressed to one each recommendation names (APP-08).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  treatmentAvailableAt?: string;
  @ApiPropertyOptional({ description: "The doctor's clinical team (for the conflict checks)." })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  team?: string;
}

export class WithdrawDto {
  @ApiProperty({ minLength: 10 }) @Transform(trim) @IsString() @MinLength(10) @MaxLength(2000) reason: string;
}

export class NrExceptionDto {
  @ApiProperty({ enum: ['not-reasonably-practicable', 'unreasonable-delay'] })
  @IsIn(['not-reasonably-practicable', 'unreasonable-delay'])
  kind: 'not-reasonably-practicable' | 'unreasonable-delay';
  @ApiProperty({ minLength: 20, description: 'The facts relied on, as they appeared at the time (CV v SLAM).' })
  @Transform(trim)
  @IsString()
  @MinLength(20)
  @MaxLength(4000)
  facts: string;
}

/** MHA25-06: the AMHP's report that overrides the nominated person's objection; ✱ the grounds are data (OVERRIDE_REPORT_GROUNDS). */
export class DangerousnessReportDto {
  @ApiProperty({
    type: [String],
    example: ['dangerous-to-others'],
    description: `What the AMHP certifies: the patient, if not admitted (or received into guardianship), would be likely to act in a manner dangerous to others and/or to themselves (${OVERRIDE_REPORT_GROUNDS.join(', ')}).`,
  })
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  grounds: string[];
  @ApiProperty({ minLength: 20, maxLength: 4000, description: "Why, in the AMHP's opinion." })
  @Transform(trim)
  @IsString()
  @MinLength(20)
  @MaxLength(4000)
  reasons: string;
}

export class AssessmentNearestRelativeDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The relative (from /people/{id}/relatives) the AMHP identifies as nearest relative.',
  })
  @IsOptional()
  @IsUUID()
  relativeId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'NR-10: the s.29 order (from /people/{id}/displacements) whose acting nearest relative the AMHP identifies; confirmed without a reason when the order is in force (it overrides s.26).',
  })
  @IsOptional()
  @IsUUID()
  displacementId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'MHA25-05: the nominated person (from /people/{id}/nominated-persons) in office, once the nominated person replaces the nearest relative.',
  })
  @IsOptional()
  @IsUUID()
  nominatedPersonId?: string;
  @ApiPropertyOptional({ description: 'Why the AMHP identifies someone other than the s.26 proposal.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  notConfirmedReason?: string;
  @ApiPropertyOptional({ description: 'No nearest relative, or none can be ascertained: why.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  noneReason?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'NR-01 (s.2): when informed.' })
  @IsOptional()
  @IsInstant()
  informedAt?: string;
  @ApiPropertyOptional({ enum: ['in-person', 'phone', 'letter', 'email', 'video'] })
  @IsOptional()
  @IsIn(['in-person', 'phone', 'letter', 'email', 'video'])
  informedMethod?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'NR-03 (s.3, s.7): when consulted.' })
  @IsOptional()
  @IsInstant()
  consultedAt?: string;
  @ApiPropertyOptional({ enum: ['in-person', 'phone', 'letter', 'email', 'video'] })
  @IsOptional()
  @IsIn(['in-person', 'phone', 'letter', 'email', 'video'])
  consultedMethod?: string;
  @ApiPropertyOptional({ type: NrExceptionDto }) @IsOptional() @Nested(() => NrExceptionDto) exception?: NrExceptionDto;
  @ApiPropertyOptional({ description: 'What the nearest relative said.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  views?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "The instant the nearest relative is identified as at (s.26 ages and the orders, objections and nominated person in force), e.g. the night typed up next day; not in the future. Default: the recorded application's signing, else now.",
  })
  @IsOptional()
  @IsInstant()
  asAt?: string;
}

export class DeclarationDto {
  @ApiProperty({ description: 'COI-01: a financial interest in the outcome.' }) @IsBoolean() financial: boolean;
  @ApiProperty({ description: 'COI-02: a business venture with the patient or another assessor.' }) @IsBoolean() business: boolean;
  @ApiProperty({ description: 'COI-08: related to the patient or another assessor.' }) @IsBoolean() personal: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the declaration was made (not in the future). Default: when first recorded saying this, else now.',
  })
  @IsOptional()
  @IsInstant()
  declaredAt?: string;
}

export class AssessorDto {
  @ApiProperty({ description: 'The assessor: "amhp" for the applicant AMHP, or a recommendation id for its doctor.' })
  @IsString()
  @MaxLength(64)
  assessorId: string;
  @ApiProperty({ enum: ['amhp', 'doctor', 'nearest-relative-applicant'] }) @IsIn(['amhp', 'doctor', 'nearest-relative-applicant']) role:
    'amhp' | 'doctor' | 'nearest-relative-applicant';
  @ApiProperty() @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiProperty({ type: [String], description: 'Clinical teams working together on a routine basis (COI-04/05).' })
  @IsArray()
  @ArrayMaxSize(10)
  @Transform(trim)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  teams: string[];
  @ApiProperty({ type: [String], description: 'Assessor ids (or "patient") this assessor directs the work of or employs (COI-03).' })
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  directsOrEmploys: string[];
  @ApiPropertyOptional({ type: DeclarationDto, description: 'The signed declaration; omit until made.' })
  @IsOptional()
  @Nested(() => DeclarationDto)
  declaration?: DeclarationDto;
}

export class ConflictsDto {
  @ApiProperty({
    type: [String],
    description: 'Clinical teams the patient is a member of (a patient who works in one), for COI-04: not the teams treating them.',
  })
  @IsArray()
  @ArrayMaxSize(10)
  @Transform(trim)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  patientTeams: string[];
  @ApiProperty({ type: [AssessorDto] })
  @ArrayMaxSize(6)
  @Nested(() => AssessorDto, { each: true })
  assessors: AssessorDto[];
}

export class PracticalMattersDto {
  @ApiPropertyOptional({ nullable: true, description: 'Dependent children and adults the patient cares for (COP-03); "none" when none.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  dependants?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) pets?: string;
  @ApiPropertyOptional({ nullable: true, description: 'Securing the home and property.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  property?: string;
}

export class GuardianDto {
  @ApiProperty({ enum: ['lssa', 'private'] }) @IsIn(['lssa', 'private']) type: 'lssa' | 'private';
  @ApiProperty() @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiProperty({ description: "GDN-04: a private guardian's statement that they are willing to act." })
  @IsBoolean()
  willingnessStatement: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'GDN-08 (s.8(1), s.7(5)): when the local social services authority accepted the application (form G5; for a private guardian, the authority where they live), if it already has: never before signedAt or forwardedToLssaAt (which it needs), never in the future. Usually recorded later with PATCH /assessments/{id}/application; until then the guardianship is pending and has no effect.',
  })
  @IsOptional()
  @IsInstant()
  acceptedByLssaAt?: string;
}

export class OutcomeDto extends ReportDetailsDto {
  @ApiProperty({ enum: ['application', 'cto-decision', 'not-detained'] }) @IsIn(['application', 'cto-decision', 'not-detained']) kind:
    'application' | 'cto-decision' | 'not-detained';
  // application
  @ApiPropertyOptional({ enum: SECTIONS })
  // Checked whenever given, whatever the kind: a value the outcome does not use is still refused if malformed.
  @ValidateIf((o: OutcomeDto) => o.kind === 'application' || o.section !== undefined)
  @IsIn(SECTIONS)
  section?: (typeof SECTIONS)[number];
  @ApiPropertyOptional({
    enum: APPLICANTS,
    description:
      "Who makes the application (s.11(1)): an AMHP (default), or the patient's nearest relative. A nearest relative's application is checked for the nearest relative's conflicts of interest (COI-07) and needs the nearest relative identified; only on an application.",
  })
  @ValidateIf((o: OutcomeDto) => o.applicant !== undefined)
  @IsIn(APPLICANTS)
  applicant?: (typeof APPLICANTS)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the application was signed (application) or the CTO statement (cto-decision).',
  })
  @ValidateIf((o: OutcomeDto) => o.kind !== 'not-detained' || o.signedAt !== undefined)
  @IsInstant()
  signedAt?: string;
  @ApiPropertyOptional({ description: 'APP-03: the specific hospital site.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  hospitalSite?: string;
  @ApiPropertyOptional({ description: 'APP-10 (s.4): complying with s.2 would involve undesirable delay.' })
  @IsOptional()
  @IsBoolean()
  undesirableDelayStatement?: boolean;
  @ApiPropertyOptional({ type: PracticalMattersDto })
  @IsOptional()
  @Nested(() => PracticalMattersDto)
  practicalMatters?: PracticalMattersDto;
  @ApiPropertyOptional({ type: GuardianDto }) @IsOptional() @Nested(() => GuardianDto) guardian?: GuardianDto;
  @ApiPropertyOptional({
    description:
      'GDN-01 (s.7(4), forms G1/G2): a guardianship application (s7) for a patient whose date of birth is not known states that they are believed to be 16 or over. Only on a s7 application; a date of birth recorded on the person decides instead.',
  })
  @IsOptional()
  @IsBoolean()
  believedSixteenOrOver?: boolean;
  @ApiPropertyOptional({ description: 'COI-06: the urgent necessity and serious risk relied on.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(20)
  @MaxLength(2000)
  urgentNecessity?: string;
  @ApiPropertyOptional({
    description:
      "MHA25-06: that the AMHP's report accompanies the application; it overrides the nominated person's objection only with dangerousnessReportDetails.",
  })
  @IsOptional()
  @IsBoolean()
  dangerousnessReport?: boolean;
  @ApiPropertyOptional({ type: () => DangerousnessReportDto })
  @IsOptional()
  @Nested(() => DangerousnessReportDto)
  dangerousnessReportDetails?: DangerousnessReportDto;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) bedDetails?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) conveyance?: string;
  @ApiPropertyOptional({
    description:
      "APP-12 (s.5(1)): the patient was already a hospital in-patient when the application was made (assumed for a referral held under s.5(2) or s.5(4), or detained under s.2), so it takes effect on the managers' receipt.",
  })
  @IsOptional()
  @IsBoolean()
  patientAlreadyInHospital?: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'APP-12: when the hospital managers received the application (s.2, s.3, s.4). Required for a patient already in hospital, whose detention runs from it; never before signedAt, never in the future.',
  })
  @IsOptional()
  @IsInstant()
  managersReceivedAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'GDN-06 (s.8(2)): when the guardianship application (s.7) was forwarded to the local social services authority; never before signedAt, never in the future.',
  })
  @IsOptional()
  @IsInstant()
  forwardedToLssaAt?: string;
  // cto-decision
  @ApiPropertyOptional({
    enum: ['agree', 'disagree'],
    description:
      "The AMHP's decision: on making a CTO (CTO-01, s.17A(4), form CTO1 Part 2) or, when the referral's legal context is a CTO recall, on revoking the CTO (CTO-03, s.17F(4), form CTO5: that the s.3 criteria are met and revocation is appropriate).",
  })
  @ValidateIf((o: OutcomeDto) => o.kind === 'cto-decision' || o.ctoDecision !== undefined)
  @IsIn(['agree', 'disagree'])
  ctoDecision?: 'agree' | 'disagree';
  @ApiPropertyOptional({
    description: 'CTO-01 / CTO-03: the decision is in writing (CTO1 Part 2 for making a CTO; CTO5 for revoking one).',
  })
  @IsOptional()
  @IsBoolean()
  inWriting?: boolean;
  @ApiPropertyOptional({
    description:
      'CTO-02: the AMHP agrees the conditions of a CTO being made. A revocation (CTO recall) has no conditions: true is refused (422 conditions-not-applicable).',
  })
  @IsOptional()
  @IsBoolean()
  conditionsAgreed?: boolean;
  @ApiPropertyOptional({
    description:
      'APP-09 (s.1(2A), (2B)): a CTO decision where the disorder the order rests on is a learning disability alone. Agreeing is refused (422) unless ldQualifyingConduct: a learning disability supports a CTO, or its revocation (as if under s.3), only with abnormally aggressive or seriously irresponsible conduct.',
  })
  @IsOptional()
  @IsBoolean()
  learningDisabilityOnly?: boolean;
  @ApiPropertyOptional({
    description: 'APP-09: with learningDisabilityOnly, the learning disability is associated with that conduct.',
  })
  @IsOptional()
  @IsBoolean()
  ldQualifyingConduct?: boolean;
  @ApiPropertyOptional({
    description:
      'MHA25-04: a CTO decision where the disorder is autism or a learning disability without a co-occurring psychiatric disorder: agreeing is refused (422) once MHA2025_AUTISM_LD_FROM has commenced.',
  })
  @IsOptional()
  @IsBoolean()
  autismOrLdWithoutPsychiatricDisorder?: boolean;
  // not detained
  @ApiPropertyOptional({ enum: ALTERNATIVES, isArray: true })
  @ValidateIf((o: OutcomeDto) => o.kind === 'not-detained' || o.alternatives !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsIn(ALTERNATIVES, { each: true })
  alternatives?: string[];
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the decision was made, when it is recorded afterwards (default: the signing time for an application or CTO decision, else now; never in the future).',
  })
  @IsOptional()
  @IsInstant()
  decidedAt?: string;
  @ApiProperty({ minLength: 20, description: 'The decision and its rationale.' })
  @Transform(trim)
  @IsString()
  @MinLength(20)
  @MaxLength(8000)
  rationale: string;
  @ApiPropertyOptional({ type: [AcknowledgementDto], description: 'Warnings acknowledged, each with a reason.' })
  @IsOptional()
  @ArrayMaxSize(30)
  @Nested(() => AcknowledgementDto, { each: true })
  acknowledgements?: AcknowledgementDto[];
}

/** What happened to a made application, recorded after the fact (APP-12, GDN-06, GDN-08). */
export class ApplicationRecordDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'APP-12: when the hospital managers received the application (s.2, s.3, s.4); never before signedAt, never in the future.',
  })
  @IsOptional()
  @IsInstant()
  managersReceivedAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'GDN-06 (s.8(2)): when the guardianship application (s.7) was forwarded to the local social services authority; never before signedAt, never in the future.',
  })
  @IsOptional()
  @IsInstant()
  forwardedToLssaAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "GDN-08 (s.8(1), s.7(5)): when the local social services authority accepted the guardianship application (s.7; form G5); the guardianship's first period runs from that day (GDN-07). Needs the forwarding recorded (here or before), never before it or the signing, never in the future.",
  })
  @IsOptional()
  @IsInstant()
  acceptedByLssaAt?: string;
}

export const AFTER_S4_LAPSE = ['discharged', 'remained-informally', 'other'] as const;

/** APP-11 / COP-08: a s.4 that lapsed 72 hours after admission without the second recommendation, and what followed. */
export class S4LapseDto {
  @ApiProperty({ enum: AFTER_S4_LAPSE, description: 'What happened to the patient when the s.4 lapsed.' })
  @IsIn(AFTER_S4_LAPSE)
  after: (typeof AFTER_S4_LAPSE)[number];
  @ApiPropertyOptional({ minLength: 10, maxLength: 2000, description: "What happened, in words (required when after is 'other')." })
  @ValidateIf((o: S4LapseDto) => o.after === 'other' || o.details !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  details?: string;
}

/**
 * CTO-07 / CTO-08: the responsible clinician's order the AMHP agreed to, recorded after the fact: the CTO made
 * (s.17A(1)) or, for a recalled patient, revoked (s.17F(4)).
 */
export class CtoOrderDto {
  @ApiProperty({
    format: 'date-time',
    description:
      "When the responsible clinician made the order: never before the AMHP's agreement (signedAt), never in the future; a revocation within the recall's 72 hours (CTO-03).",
  })
  @IsInstant()
  orderMadeAt: string;
}

/**
 * APP-22 (s.23, s.25, s.2(4), s.6(4)): how the detention (or guardianship) under the made application ended, recorded
 * after the fact.
 */
export class DetentionEndDto {
  @ApiProperty({
    enum: DETENTION_END_KINDS,
    description:
      "discharged (s.23: give at and by); lapsed (a s.2 at the end of its 28 days, s.2(4): the time is the hub's, once they have run); became-s3 (a s.2 ended by admission under a s.3 application at `at`, s.6(4)).",
  })
  @IsIn(DETENTION_END_KINDS)
  kind: (typeof DETENTION_END_KINDS)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When it ended (discharged, became-s3): never before the detention began, never after a s.2 or s.4 had lapsed, never in the future.',
  })
  @ValidateIf((o: DetentionEndDto) => o.kind !== 'lapsed' || o.at !== undefined)
  @IsInstant()
  at?: string;
  @ApiPropertyOptional({
    enum: DISCHARGERS,
    description:
      'Who discharged the patient (s.23(2)): the responsible clinician, the hospital managers (hospital) or the local social services authority (guardianship), the nearest relative, the tribunal.',
  })
  @ValidateIf((o: DetentionEndDto) => o.kind === 'discharged' || o.by !== undefined)
  @IsIn(DISCHARGERS)
  by?: (typeof DISCHARGERS)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      's.25(1): when the nearest relative gave the hospital managers written notice of the order (72 hours before it takes effect).',
  })
  @IsOptional()
  @IsInstant()
  nearestRelativeNoticeAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "s.25(1): when the responsible clinician's report barring the nearest relative's discharge was given (within the 72 hours it has no effect: refused).",
  })
  @IsOptional()
  @IsInstant()
  barredAt?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) details?: string;
}

/**
 * APP-16 (s.15): the hospital managers' rectification of the made application, within 14 days beginning with the day
 * of admission.
 */
export class RectificationDto {
  @ApiProperty({
    enum: RECTIFICATION_KINDS,
    description:
      'application-amended or recommendation-amended (s.15(1): an incorrect or defective form amended; name the findings it cured in `cures`), recommendation-replaced (s.15(2)-(3): a recommendation found insufficient replaced by a fresh one recorded on this assessment, `replacementId`).',
  })
  @IsIn(RECTIFICATION_KINDS)
  kind: (typeof RECTIFICATION_KINDS)[number];
  @ApiProperty({
    format: 'date-time',
    description:
      'When the managers consented to the amendment, or were furnished with the fresh recommendation: from the admission to the end of the 14th day beginning with its day; never in the future.',
  })
  @IsInstant()
  at: string;
  @ApiProperty({ description: "The hospital managers' consent (s.15(1)): must be true." }) @IsBoolean() managersConsent: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'The recommendation amended or replaced (one the application is founded on).' })
  @IsOptional()
  @IsUUID()
  recommendationId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The fresh recommendation (recommendation-replaced), recorded on this assessment.' })
  @IsOptional()
  @IsUUID()
  replacementId?: string;
  @ApiPropertyOptional({
    type: [String],
    description: "An amendment's finding codes it put right (defects of form only: see APP-16).",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  cures?: string[];
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) details?: string;
}

export class CloseAssessmentDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) note?: string;
}

export class ChecksQuery {
  @ApiPropertyOptional({
    enum: SECTIONS,
    description: "Check a proposed application under this section (default: the outcome's, else s2).",
  })
  @IsOptional()
  @IsIn(SECTIONS)
  section?: (typeof SECTIONS)[number];
  @ApiPropertyOptional({
    enum: APPLICANTS,
    description:
      "Check a proposed application by this applicant (s.11(1); default: the recorded application's, else amhp): a nearest relative's is checked for COI-07.",
  })
  @IsOptional()
  @IsIn(APPLICANTS)
  applicant?: (typeof APPLICANTS)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Evaluate as at this instant (with its offset; not in the future), e.g. the night typed up next day: an application signed then. ' +
      'For an application already recorded under the section (evaluated as at its signing by default), where it stood at this later instant.',
  })
  @IsOptional()
  @IsInstant()
  asAt?: string;
}

export class AssessmentQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'decided', 'closed'] }) @IsOptional() @IsIn(['open', 'decided', 'closed']) status?:
    'open' | 'decided' | 'closed';
  @ApiPropertyOptional({ enum: ['me'] }) @IsOptional() @IsIn(['me']) assigned?: 'me';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() referralId?: string;
}

export class ReportQuery {
  @ApiPropertyOptional({ enum: ['json', 'html', 'pdf'] }) @IsOptional() @IsIn(['json', 'html', 'pdf']) format?: 'json' | 'html' | 'pdf';
}

export class LetterQuery {
  @ApiPropertyOptional({ enum: ['html', 'text', 'pdf'] }) @IsOptional() @IsIn(['html', 'text', 'pdf']) format?: 'html' | 'text' | 'pdf';
}

// ---- responses (documented loosely: the shapes are built in the service) ----
export class AssessmentViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: Object }) person: Record<string, unknown>;
  @ApiProperty({ format: 'uuid' }) leadAmhpUserId: string;
  @ApiProperty({ type: [String] }) otherAmhpUserIds: string[];
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ type: Object }) involvement: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Object }) interview: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object }) nearestRelative: Record<string, unknown> | null;
  @ApiProperty({ type: [Object] }) conflicts: Array<Record<string, unknown>>;
  @ApiProperty({ type: [String] }) patientTeams: string[];
  @ApiProperty({ type: [Object] }) contacts: Array<Record<string, unknown>>;
  @ApiProperty({ type: [Object] }) timeline: Array<Record<string, unknown>>;
  @ApiProperty({ type: [Object] }) recommendations: Array<Record<string, unknown>>;
  @ApiProperty({ nullable: true, type: String }) outcomeKind: string | null;
  @ApiProperty({ nullable: true, type: String }) section: string | null;
  @ApiProperty({ nullable: true, type: String }) legalStatusCode: string | null;
  @ApiProperty({ nullable: true, type: Object }) outcome: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) ward: string | null;
  @ApiProperty({ nullable: true, type: String }) bedFoundBy: string | null;
  @ApiProperty({ nullable: true, type: String }) conveyanceArrangedWith: string | null;
  @ApiProperty({ type: [Object], description: "The outcome report's distribution list: recipient, role, method, sentAt." })
  distribution: Array<Record<string, unknown>>;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closedAt: string | null;
  @ApiProperty() version: number;
}

export class AssessmentListDto {
  @ApiProperty({ type: [AssessmentViewDto] }) items: AssessmentViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ChecksDto {
  @ApiProperty({ type: Object }) regime: Record<string, unknown>;
  @ApiProperty({ enum: SECTIONS }) section: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The instant the rules were evaluated as at ("now" for every comparison with the clock).',
  })
  evaluatedAt: string;
  @ApiProperty({
    enum: ['signedAt', 'asAt', 'now'],
    description: "Why that instant: the recorded application's signing, the asAt asked for, or the clock.",
  })
  evaluatedAtBasis: 'signedAt' | 'asAt' | 'now';
  @ApiProperty({ type: [Object], description: 'Findings: rule id, severity (blocker | warning), code, message, citation.' })
  findings: Array<Record<string, unknown>>;
  @ApiProperty({ type: [Object], description: 'Deadlines: id, rule, at, label, basis.' }) deadlines: Array<Record<string, unknown>>;
  @ApiProperty({
    type: [Object],
    description:
      "APP-16 (s.15): findings of the application as made that the managers' rectification cured, each with curedBy { kind, at }; they no longer count as findings.",
  })
  cured: Array<Record<string, unknown>>;
  @ApiProperty({
    description: 'No blocker: an application under this section could be recorded as at evaluatedAt (warnings need acknowledging).',
  })
  ready: boolean;
}

// ---- the outcome report (COP-07), as JSON ----

export class ReportLineDto {
  @ApiPropertyOptional({ example: 'Received' }) label?: string;
  @ApiProperty({ example: 'Sat 21 Nov 2026 09:00 GMT', description: '"Not recorded" where the record is silent.' }) text: string;
}

export class ReportSectionDto {
  @ApiProperty({ example: 'referral', description: 'Section id: referral, legal-basis, people-present, interview, capacity, ….' })
  id: string;
  @ApiProperty({ example: 'Referral and source' }) heading: string;
  @ApiProperty({ type: [ReportLineDto] }) lines: ReportLineDto[];
}

export class OutcomeReportDto {
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String, description: 'The council (COUNCIL_NAME) the report is made for.' }) council: string | null;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ example: 'Mon 30 Mar 2026 01:30 BST', description: 'The same instant in the report’s time zone.' })
  generatedAtLocal: string;
  @ApiProperty({ example: 'Europe/London' }) timeZone: string;
  @ApiProperty({ type: [ReportSectionDto] }) sections: ReportSectionDto[];
}
