import { IsHoursToTheMinute, IsInstant, Nested, queryBoolean, trim, MinLength } from '../../common/validators';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ClosedSchema } from '../../common/openapi-contract';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { CreatePersonDto } from '../../people/dto/person.dto';
import { REFERRAL_SOURCES, REFERRAL_STATUSES, URGENCIES } from '../referral.entities';
import { DETENTION_END_KINDS, DISCHARGERS } from '../../statute/assessment.types';
import {
  CONSENT_ANSWERS,
  POLICE_RECORD_FIELD,
  S136_CONSULTATION_OUTCOMES,
  S136_CONSULTEE_PROFESSIONS,
} from '../../statute/police-powers.rules';

/** A power whose use the police record (POL-06, POL-02): a key of POLICE_RECORD_FIELD. */
type PolicePower = keyof typeof POLICE_RECORD_FIELD;
import { CORRECTION_TIMES, type CorrectionTime } from '../../statute/clocks';
import { AcknowledgementDto } from '../../common/acknowledgement.dto';

export const LEGAL_CONTEXT_KINDS = [
  'informal',
  's136',
  's135-1',
  's135-2',
  's5-2',
  's5-4',
  'cto-recall',
  'already-s2',
  'already-s3',
] as const;
export const RISK_FLAGS = [
  'weapons',
  'children-in-household',
  'animals',
  'access-problems',
  'violence-history',
  'substance-use',
  'lone-working-risk',
] as const;

export class ReferrerDto {
  @ApiProperty({ example: 'Dr Sam Whitfield' }) @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'Riverside Medical Practice' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  organisation?: string;
  @ApiPropertyOptional({ example: 'GP' }) @IsOptional() @Transform(trim) @IsString() @MaxLength(100) role?: string;
  @ApiPropertyOptional({ example: '+44 1632 960000' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,30}$/, { message: 'phone must be a telephone number' })
  phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

export class RisksDto {
  @ApiProperty() @IsBoolean() toSelf: boolean;
  @ApiProperty() @IsBoolean() toOthers: boolean;
  @ApiProperty() @IsBoolean() fromOthers: boolean;
  @ApiPropertyOptional({ enum: RISK_FLAGS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(RISK_FLAGS, { each: true })
  flags?: string[];
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) notes?: string;
}

/** POL-08 (s.136B(1)): the registered medical practitioner responsible for the examination who authorised the extension. */
export class AuthorisingDoctorDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A doctor on the register (GET /doctors); or give name and gmcNumber.' })
  @IsOptional()
  @IsUUID()
  doctorId?: string;
  @ApiPropertyOptional({ minLength: 2, maxLength: 200, description: 'A registered medical practitioner not on the register: their name.' })
  @ValidateIf((o: AuthorisingDoctorDto) => !o.doctorId || o.name !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;
  @ApiPropertyOptional({ pattern: '^[0-9]{7}$', example: '7100001', description: 'Their GMC reference number (seven digits).' })
  @ValidateIf((o: AuthorisingDoctorDto) => !o.doctorId || o.gmcNumber !== undefined)
  @IsString()
  @Matches(/^[0-9]{7}$/, { message: 'gmcNumber must be a seven-digit GMC reference number' })
  gmcNumber?: string;
}

/** POL-06 (s.136(1C)): whether the constable consulted a professional before using s.136: whom (by profession) and when, or why it was not practicable. */
export class PoliceConsultationDto {
  @ApiProperty({
    enum: S136_CONSULTATION_OUTCOMES,
    description:
      'yes: a professional was consulted (give profession, and at when known); not-practicable: consulting was not practicable (give reason); unknown: the referrer does not know.',
  })
  @IsIn(S136_CONSULTATION_OUTCOMES)
  consulted: (typeof S136_CONSULTATION_OUTCOMES)[number];
  @ApiPropertyOptional({
    enum: S136_CONSULTEE_PROFESSIONS,
    description:
      "With yes (required): the profession of the person consulted. s.136(1C) names a registered medical practitioner, a registered nurse and an AMHP; the occupational therapist and paramedic are the regulations' further descriptions as the hub reads them.",
  })
  @IsOptional()
  @IsIn(S136_CONSULTEE_PROFESSIONS)
  profession?: (typeof S136_CONSULTEE_PROFESSIONS)[number];
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'With yes: when they were consulted; never after the power was used (the arrival at, or the decision to keep at, the place of safety): 422 consultation-after-removal.',
  })
  @IsOptional()
  @IsInstant()
  at?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'With yes: the advice given, as the police report it.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  advice?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'With not-practicable: why consulting was not practicable.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** POL-02 (s.135(4)): the AMHP who accompanied the constable: one of the hub's (userId) or one from elsewhere, by name. */
export class AttendingAmhpDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "One of the hub's AMHPs: their user id (an active account with the amhp role; 422 not-an-amhp otherwise).",
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
  @ApiPropertyOptional({
    minLength: 2,
    maxLength: 200,
    description: "An AMHP from elsewhere: their name (kept as the hub's AMHP's name when userId is given).",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'An AMHP from elsewhere: their council.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  organisation?: string;
}

/**
 * POL-02 (s.135(4)): who accompanied the constable who executed the warrant. A party left out did not attend; leave
 * the whole record out when it is not known.
 */
export class WarrantAttendanceDto {
  @ApiPropertyOptional({ type: AttendingAmhpDto, description: 'The AMHP who attended; left out: no AMHP attended.' })
  @IsOptional()
  @Nested(() => AttendingAmhpDto)
  amhp?: AttendingAmhpDto;
  @ApiPropertyOptional({
    type: AuthorisingDoctorDto,
    description:
      'The registered medical practitioner who attended: from the register (doctorId) or by name and GMC number; left out: no doctor attended.',
  })
  @IsOptional()
  @Nested(() => AuthorisingDoctorDto)
  doctor?: AuthorisingDoctorDto;
}

export const PLACE_OF_SAFETY_TYPES = ['health-based', 'police-station', 'a-and-e', 'private-dwelling', 'other'] as const;

const CONSENT_WORDS = 'yes, no, or unknown (left out: not known).';

/**
 * POL-10 (s.135(6)-(7)): the agreements that make a private dwelling (a house, flat or room where a person is living)
 * or another suitable place a place of safety, as the police know them. Each is yes, no or unknown; one left out is not
 * known. A private dwelling records personAgreed, soleOccupier and, when the person is not its only occupier,
 * occupierAgreed; another place records managerAgreed. Any of them for another type of place: 422
 * place-of-safety-consent-not-applicable naming the field. Nothing is refused for an agreement missing: the referral
 * carries a POL-10 warning for the AMHP to record and raise with the police.
 */
export class PlaceOfSafetyConsentDto {
  @ApiPropertyOptional({
    enum: CONSENT_ANSWERS,
    description: `A private dwelling: whether the person detained agreed to its use as a place of safety (s.135(7)(a)): ${CONSENT_WORDS}`,
  })
  @IsOptional()
  @IsIn(CONSENT_ANSWERS)
  personAgreed?: (typeof CONSENT_ANSWERS)[number];
  @ApiPropertyOptional({
    enum: CONSENT_ANSWERS,
    description: `A private dwelling: whether the person detained is its only occupier (no: others live there, or it is not their home): ${CONSENT_WORDS}`,
  })
  @IsOptional()
  @IsIn(CONSENT_ANSWERS)
  soleOccupier?: (typeof CONSENT_ANSWERS)[number];
  @ApiPropertyOptional({
    enum: CONSENT_ANSWERS,
    description: `A private dwelling the person is not the only occupier of: whether one of its (other) occupiers agreed (s.135(7)(a)(ii)-(iii)); refused (422) with soleOccupier yes: ${CONSENT_WORDS}`,
  })
  @IsOptional()
  @IsIn(CONSENT_ANSWERS)
  occupierAgreed?: (typeof CONSENT_ANSWERS)[number];
  @ApiPropertyOptional({
    enum: CONSENT_ANSWERS,
    description: `Another suitable place (type other): whether the person who manages it agreed to its use as a place of safety, to receive the person (s.135(7)(b)): ${CONSENT_WORDS}`,
  })
  @IsOptional()
  @IsIn(CONSENT_ANSWERS)
  managerAgreed?: (typeof CONSENT_ANSWERS)[number];
}

const CONSENT_DESCRIPTION =
  "POL-10 (s.135(6)-(7)): with a private-dwelling or other place of safety, the agreements that make it one. A private dwelling used without the person's agreement, or without an occupier's where others live there, or with any of it not known, carries a POL-10 warning (dwelling-person-did-not-agree, dwelling-occupier-did-not-agree, dwelling-agreement-not-recorded); another place without its manager's agreement, or not known, too (place-manager-did-not-agree, place-agreement-not-recorded). Given with any other type of place: 422 place-of-safety-consent-not-applicable.";

/** The legal context at referral. Which fields apply depends on `kind` (src/statute/clocks.ts checks them). */
export class LegalContextDto {
  @ApiProperty({ enum: LEGAL_CONTEXT_KINDS }) @IsIn(LEGAL_CONTEXT_KINDS) kind: (typeof LEGAL_CONTEXT_KINDS)[number];
  @ApiPropertyOptional({
    enum: PLACE_OF_SAFETY_TYPES,
    description:
      's.136/s.135: the place of safety. private-dwelling: a house, flat or room where a person is living; other: another suitable place (POL-10: each needs the agreements in placeOfSafetyConsent).',
  })
  @IsOptional()
  @IsIn(PLACE_OF_SAFETY_TYPES)
  placeOfSafetyType?: string;
  @ApiPropertyOptional({ type: PlaceOfSafetyConsentDto, description: CONSENT_DESCRIPTION })
  @IsOptional()
  @Nested(() => PlaceOfSafetyConsentDto)
  placeOfSafetyConsent?: PlaceOfSafetyConsentDto;
  @ApiPropertyOptional({ enum: ['public-place', 'dwelling', 'other'], description: 's.136: where the person was removed from (POL-05).' })
  @IsOptional()
  @IsIn(['public-place', 'dwelling', 'other'])
  locationType?: string;
  @ApiPropertyOptional({
    description:
      'Under 18 (POL-09: a police station is never a place of safety for a child). The date of birth given or on record is read too: under 18 on the local date of arrival by either, or by this flag, and the referral keeps `personUnder18: true`. A child at a police station is recorded all the same, with its clocks and the blocker `police-station-under-18` (move them to another place of safety now), and the AMHPs on duty and the manager on call are paged at once.',
  })
  @IsOptional()
  @IsBoolean()
  personUnder18?: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description: "POL-09: an inspector's (or above) authorisation to use a police station as the place of safety for an adult.",
  })
  @IsOptional()
  @IsInstant()
  inspectorAuthorisedAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "s.136/s.135: arrival at the place of safety. CTO recall: when the patient's detention in hospital under the recall notice began (their arrival; the notice's time for a patient already in hospital), from which the 72 hours run (s.17F(8)); when left out they run provisionally from the notice.",
  })
  @IsOptional()
  @IsInstant()
  arrivedAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 's.136(2A): the decision to keep the person at a place of safety where they were.',
  })
  @IsOptional()
  @IsInstant()
  keptAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 's.135(1): when the warrant was executed.' })
  @IsOptional()
  @IsInstant()
  warrantExecutedAt?: string;
  @ApiPropertyOptional({
    type: WarrantAttendanceDto,
    description:
      's.135(1), s.135(2) (POL-02, s.135(4)): who accompanied the constable who executed the warrant, with warrantExecutedAt. A s.135(1) warrant executed without an AMHP and a registered medical practitioner carries the warning warrant-executed-unaccompanied; one whose attendance is not given, warrant-attendance-not-recorded.',
  })
  @IsOptional()
  @Nested(() => WarrantAttendanceDto)
  executionAttendance?: WarrantAttendanceDto;
  @ApiPropertyOptional({
    type: PoliceConsultationDto,
    description:
      's.136 (POL-06, s.136(1C)): whether the constable consulted a professional before using the power. Left out, or unknown, the referral carries the warning s136-consultation-not-recorded; not-practicable without a reason, s136-consultation-reason-missing.',
  })
  @IsOptional()
  @Nested(() => PoliceConsultationDto)
  policeConsultation?: PoliceConsultationDto;
  @ApiPropertyOptional({ description: 's.135(3ZA): kept at the premises rather than removed.' })
  @IsOptional()
  @IsBoolean()
  keptAtPremises?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 's.135(3ZA): when the constable first entered the premises.' })
  @IsOptional()
  @IsInstant()
  firstEnteredAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 's.5(2): when the report (H1) was furnished to the managers.' })
  @IsOptional()
  @IsInstant()
  h1FurnishedAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "s.5(5): the s.5(4) record that preceded the s.5(2). The 72 hours run from it only when the H1 was furnished within the s.5(4)'s 6 hours.",
  })
  @IsOptional()
  @IsInstant()
  precededBy5_4At?: string;
  @ApiPropertyOptional({ format: 'date-time', description: "s.5(4): when the nurse's record (H2) was made." })
  @IsOptional()
  @IsInstant()
  recordMadeAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'CTO recall: when the recall notice (s.17E) was served. The 72 hours run from the detention in hospital under it (arrivedAt).',
  })
  @IsOptional()
  @IsInstant()
  recalledAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Already detained under s.2, or under s.3 or an unrestricted Part 3 hospital order (already-s3, where a CTO can be made, s.17A): the admission.',
  })
  @IsOptional()
  @IsInstant()
  admittedAt?: string;
}

/** A move recorded on the referral (s.136(3), s.135(3A)), as the referral shows it. */
export class PlaceOfSafetyTransferViewDto {
  @ApiProperty({ format: 'date-time', description: 'When the person arrived at the new place of safety.' }) at: string;
  @ApiProperty({ enum: PLACE_OF_SAFETY_TYPES }) placeOfSafetyType: string;
  @ApiProperty({ nullable: true, type: String, description: 'The new place, as the hub named it.' }) place: string | null;
  @ApiPropertyOptional({
    type: PlaceOfSafetyConsentDto,
    description: 'POL-10 (s.135(7)): the agreements recorded with the move to a private dwelling or another suitable place, when given.',
  })
  placeOfSafetyConsent?: PlaceOfSafetyConsentDto;
}

/** The detention this referral records began on an earlier referral (s.136(3), s.135(3A)): its period runs from there. */
export class PlaceOfSafetyContinuationDto {
  @ApiProperty({ format: 'uuid', description: 'The referral on which the detention began.' }) referralId: string;
  @ApiProperty({ example: 'REF-2026-000123' }) reference: string;
  @ApiProperty({ format: 'date-time', description: 'The start of the period there (arrival, decision to keep, entry to the premises).' })
  startedAt: string;
}

/**
 * APP-22: the end of the s.2 the referral states the patient is already on (already-s2): recorded on the referral
 * (POST /referrals/{id}/detention-end), or on the hub's own assessment that made that s.2 (the same admission).
 */
export class StatedS2EndViewDto {
  @ApiProperty({ enum: DETENTION_END_KINDS, description: 'discharged (s.23), lapsed (s.2(4)), became-s3 (s.6(4)).' })
  kind: (typeof DETENTION_END_KINDS)[number];
  @ApiProperty({ format: 'date-time', description: 'When the s.2 ended (a lapse: the end of its 28 days).' }) at: string;
  @ApiProperty({ nullable: true, enum: DISCHARGERS, description: 'Who discharged the patient (a discharge only).' })
  by: (typeof DISCHARGERS)[number] | null;
  @ApiProperty({ nullable: true, format: 'date-time', description: "s.25(1): the nearest relative's notice to the managers." })
  nearestRelativeNoticeAt: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', description: "s.25(1): the responsible clinician's barring report." })
  barredAt: string | null;
  @ApiProperty({ nullable: true, type: String }) details: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      "The hub's own assessment the end is recorded on (its s.2 is this one: the same admission); null: recorded on this referral.",
  })
  assessmentId: string | null;
}

/** The legal context as the referral records it: what was sent, and what the hub recorded since about the places of safety. */
export class ReferralLegalContextDto extends LegalContextDto {
  @ApiPropertyOptional({
    description:
      "POL-09: when a date of birth (given at intake, or on the person's record) made the person under 18 on the day of arrival, what the age rests on. A date of birth recorded or corrected later judges the age and the POL-09 findings again (the timeline's findings-rejudged); an age given by the flag alone stands.",
  })
  ageBasis?: string;
  @ApiPropertyOptional({
    type: StatedS2EndViewDto,
    nullable: true,
    description:
      'already-s2 (APP-22): the end of that s.2, once recorded (discharge, lapse, s.3); from then APP-17 no longer refuses a further s.2 on it and its clock stops. null while none is recorded.',
  })
  detentionEnded?: StatedS2EndViewDto | null;
  @ApiPropertyOptional({
    type: [PlaceOfSafetyTransferViewDto],
    description:
      's.136(3), s.135(3A): moves to other places of safety recorded (POST /referrals/{id}/transfers); the period runs on from its start.',
  })
  transfers?: PlaceOfSafetyTransferViewDto[];
  @ApiPropertyOptional({
    type: PlaceOfSafetyContinuationDto,
    description:
      'Set at intake when this s.136/s.135(1) referral records a detention already under way on an open referral of the same person (the person taken on to another place of safety within the period): the 24 hours and any s.136B extension run from that first start.',
  })
  continues?: PlaceOfSafetyContinuationDto;
}

/** POST /referrals/{id}/transfers: the person was taken to another place of safety (s.136(3), s.135(3A)). */
export class ArrivalDto {
  @ApiProperty({
    format: 'date-time',
    description:
      "When the recalled patient's detention in hospital began (CTO recall, s.17F(8)), or when the person reached the place of safety (s.135(1), s.135(3ZA)(a)(i)).",
  })
  @IsInstant()
  at: string;
}

/** POST /referrals/{id}/time-corrections: a time a statutory clock runs from, corrected (earlier or later). */
export class TimeCorrectionDto {
  @ApiProperty({
    enum: CORRECTION_TIMES,
    description:
      "The recorded time to correct, one the referral's legal context has and a clock runs from: s.136 arrivedAt or keptAt; s.135(1) warrantExecutedAt, arrivedAt or firstEnteredAt; s.5(2) h1FurnishedAt or precededBy5_4At; s.5(4) recordMadeAt; CTO recall recalledAt or arrivedAt. Or s4AdmittedAt: the admission under a s.4 application made on the referral's assessment, which its 72 hours run from (APP-11, s.4(4)), never before the application was made.",
  })
  @IsIn(CORRECTION_TIMES)
  time: CorrectionTime;
  @ApiProperty({
    format: 'date-time',
    description: 'The time as it really was: not in the future, and not one the rest of the record makes impossible.',
  })
  @IsInstant()
  at: string;
  @ApiProperty({
    minLength: 10,
    maxLength: 1000,
    description: 'Why the time recorded was wrong and where the right one comes from (e.g. the custody record).',
  })
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  reason: string;
  @ApiPropertyOptional({
    type: [AcknowledgementDto],
    description:
      's4AdmittedAt only: an admission moved to or past the end of the s.4 authority to convey (APP-14: admitted-after-conveyance-window) needs that warning acknowledged, with a reason.',
  })
  @IsOptional()
  @ArrayMaxSize(5)
  @Nested(() => AcknowledgementDto, { each: true })
  acknowledgements?: AcknowledgementDto[];
}

/**
 * POST /referrals/{id}/police-record (POL-06, s.136(1C); POL-02, s.135(4)): the police's answer, given after intake,
 * about how they used the power: a s.136's consultation before removal, or who attended a s.135 warrant's execution.
 * It replaces what intake recorded (or adds what it did not), judged as intake judges it.
 */
export class PoliceRecordDto {
  @ApiPropertyOptional({
    type: PoliceConsultationDto,
    description:
      "A s.136 referral's record (POL-06): as at intake (legalContext.policeConsultation); the same refusals (422 naming the field: a consultation after the arrival at, or the decision to keep at, the place of safety; yes without a profession; a profession, time or advice with another answer).",
  })
  @IsOptional()
  @Nested(() => PoliceConsultationDto)
  policeConsultation?: PoliceConsultationDto;
  @ApiPropertyOptional({
    type: WarrantAttendanceDto,
    description:
      "A s.135(1) or s.135(2) referral's record (POL-02): who accompanied the constable, as at intake (legalContext.executionAttendance); a party left out did not attend.",
  })
  @IsOptional()
  @Nested(() => WarrantAttendanceDto)
  executionAttendance?: WarrantAttendanceDto;
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      "When the warrant was executed, with executionAttendance, for a s.135(2) referral that has no time recorded (a s.135(1)'s is corrected with POST /referrals/{id}/time-corrections).",
  })
  @IsOptional()
  @IsInstant()
  warrantExecutedAt?: string;
  @ApiProperty({
    minLength: 10,
    maxLength: 1000,
    description: 'Where the answer comes from and why it is recorded now (e.g. the custody officer confirmed it by phone).',
  })
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  reason: string;
}

export class TransferDto {
  @ApiProperty({ format: 'date-time', description: 'When the person arrived at the new place of safety.' }) @IsInstant() at: string;
  @ApiProperty({ enum: PLACE_OF_SAFETY_TYPES, description: 'The type of the new place of safety.' })
  @IsIn(PLACE_OF_SAFETY_TYPES)
  placeOfSafetyType: (typeof PLACE_OF_SAFETY_TYPES)[number];
  @ApiPropertyOptional({ minLength: 2, maxLength: 200, example: 'Northshire General, s.136 suite', description: 'The new place.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  place?: string;
  @ApiPropertyOptional({
    type: PlaceOfSafetyConsentDto,
    description: `${CONSENT_DESCRIPTION} Judged for the new place: the referral's POL-10 findings follow where the person is held now.`,
  })
  @IsOptional()
  @Nested(() => PlaceOfSafetyConsentDto)
  placeOfSafetyConsent?: PlaceOfSafetyConsentDto;
}

export class CreateReferralDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing person you may read; or give `person`.' })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({
    type: CreatePersonDto,
    description: 'Who the referral is about; matched by NHS number to an existing record when there is one.',
  })
  @ValidateIf((o: CreateReferralDto) => !o.personId)
  @Nested(() => CreatePersonDto)
  person?: CreatePersonDto;
  @ApiProperty({ enum: REFERRAL_SOURCES }) @IsIn(REFERRAL_SOURCES) source: (typeof REFERRAL_SOURCES)[number];
  @ApiProperty({ type: ReferrerDto }) @Nested(() => ReferrerDto) referrer: ReferrerDto;
  @ApiProperty({ minLength: 5, maxLength: 8000, description: 'Why an assessment is sought.' })
  @Transform(trim)
  @IsString()
  @MinLength(5)
  @MaxLength(8000)
  reason: string;
  @ApiProperty({ type: RisksDto }) @Nested(() => RisksDto) risks: RisksDto;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES) urgency: (typeof URGENCIES)[number];
  @ApiProperty({ type: LegalContextDto }) @Nested(() => LegalContextDto) legalContext: LegalContextDto;
  @ApiPropertyOptional({ maxLength: 300, example: 'Northshire General A&E' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  location?: string;
  @ApiPropertyOptional({ maxLength: 200, description: "The person lives in another council's area." })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  otherAuthority?: string;
  @ApiPropertyOptional({ description: 's.13(4): the nearest relative asked for the case to be considered.' })
  @IsOptional()
  @IsBoolean()
  nearestRelativeRequest?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the hub received it (defaults to now; never in the future).' })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
}

export class TransitionDto {
  @ApiProperty({ enum: REFERRAL_STATUSES }) @IsIn(REFERRAL_STATUSES) status: (typeof REFERRAL_STATUSES)[number];
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(4000) reason?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(200) transferredTo?: string;
}

export class WrittenReasonsDto {
  @ApiProperty({ format: 'date-time' }) @IsInstant() givenAt: string;
  @ApiProperty({ enum: ['letter', 'email', 'in-person-with-letter'] }) @IsIn(['letter', 'email', 'in-person-with-letter']) method: string;
}

export class ExtensionDto {
  @ApiProperty({ format: 'date-time' }) @IsInstant() authorisedAt: string;
  @ApiProperty({
    example: 7.5,
    description:
      's.136B(1): the further period, "not exceeding 12 hours", in hours to the minute: 12, or 7.5 for 7 h 30 min (hours × 60 a whole number of minutes, from 1 to 720). The place-of-safety clock then ends exactly that long after the 24 hours.',
  })
  @IsHoursToTheMinute(12)
  hours: number;
  @ApiPropertyOptional({
    type: AuthorisingDoctorDto,
    description: 'The doctor responsible for the examination who authorised it: from the register (doctorId) or by name and GMC number.',
  })
  @ValidateIf((o: ExtensionDto) => o.authorisedBy === undefined || o.authorisingDoctor !== undefined)
  @Nested(() => AuthorisingDoctorDto)
  authorisingDoctor?: AuthorisingDoctorDto;
  @ApiPropertyOptional({
    example: 'examining-doctor',
    description:
      "The authoriser's role, 'examining-doctor' (the only one s.136B allows); kept for clients that do not name the doctor. Give authorisingDoctor instead.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  authorisedBy?: string;
  @ApiProperty({ enum: ['patient-condition', 'bed-unavailable', 'staff-unavailable', 'other'] })
  @IsIn(['patient-condition', 'bed-unavailable', 'staff-unavailable', 'other'])
  reason: string;
  @ApiPropertyOptional({ format: 'date-time', description: "At a police station, a superintendent's approval is required." })
  @IsOptional()
  @IsInstant()
  superintendentApprovedAt?: string;
}

export class AllocateDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'The AMHP (user) to allocate to: an active account with the amhp role and a practitioner record (422 not-an-amhp naming userId otherwise, whatever the override).',
  })
  @IsUUID()
  userId: string;
  @ApiPropertyOptional({
    minLength: 10,
    maxLength: 1000,
    description: "A manager's reason to allocate to an AMHP who is not eligible now (never to someone who is not an AMHP).",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(1000)
  overrideReason?: string;
}

export class OfferDto {
  @ApiPropertyOptional({ type: [String], description: 'AMHPs (users) to offer it to; default: everyone on duty now.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  userIds?: string[];
}

export class OfferResponseDto {
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class ReferralQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES }) @IsOptional() @IsIn(REFERRAL_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: URGENCIES }) @IsOptional() @IsIn(URGENCIES) urgency?: string;
  @ApiPropertyOptional({
    enum: ['me'],
    description:
      'My jobs: the open referrals allocated to me, and any that ended while my assessment of it is still open (mine to record and close).',
  })
  @IsOptional()
  @IsIn(['me'])
  assigned?: 'me';
  @ApiPropertyOptional({ format: 'date-time', name: 'due_before' }) @IsOptional() @IsInstant() due_before?: string;
  @ApiPropertyOptional({ description: 'Include closed, withdrawn, not-accepted and transferred referrals.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  all?: boolean;
}

export class ClockDto {
  @ApiProperty({ example: 'POL-07' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'The rule id (GET /rules/{id}).' }) rule: string;
  @ApiProperty() citation: string;
  @ApiProperty({ format: 'date-time' }) anchor: string;
  @ApiProperty({ format: 'date-time' }) deadline: string;
  @ApiProperty({ description: 'POL-08: the s.136B extension applied, in hours to the minute (7.5 for 7 h 30 min); 0 for none.' })
  extendedBy: number;
  @ApiProperty() basis: string;
  @ApiProperty({ description: 'The true anchor is not recorded yet; an earlier known time stands in.' }) provisional: boolean;
  @ApiProperty({ enum: ['running', 'warning', 'breached', 'stopped'] }) state: string;
  @ApiProperty({ description: 'Milliseconds left (negative once breached).' }) remainingMs: number;
  @ApiProperty({ description: 'Warning stage reached (0 = none).' }) stage: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the clock stopped because its purpose was met.' })
  stoppedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The rule that stopped it (GET /rules/{id}).' }) stopRule: string | null;
  @ApiProperty({ nullable: true, type: String }) stopReason: string | null;
  @ApiProperty({ enum: ['met', 'breached'], nullable: true, type: String, description: 'Met or breached by the stop time.' })
  result: 'met' | 'breached' | null;
  @ApiPropertyOptional({
    type: () => ExtensionViewDto,
    nullable: true,
    description: 'POL-07 / POL-04: the s.136B extension applied to this clock, with the doctor who authorised it.',
  })
  extension?: ExtensionViewDto | null;
}

export class ExtensionDoctorViewDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The register entry, when the doctor is on it.' })
  doctorId: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ example: '7100001' }) gmcNumber: string;
}

/** A s.136B extension as recorded (POL-08). */
export class ExtensionViewDto {
  @ApiProperty({ format: 'date-time' }) authorisedAt: string;
  @ApiProperty({ description: 'The further period in hours, to the minute (7.5 for 7 h 30 min).' }) hours: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 720, description: 'The further period in whole minutes.' }) minutes: number;
  @ApiProperty({ example: 'examining-doctor' }) authorisedBy: string;
  @ApiProperty({ type: ExtensionDoctorViewDto, nullable: true, description: 'Null for an extension recorded by role alone.' })
  authorisingDoctor: ExtensionDoctorViewDto | null;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) superintendentApprovedAt: string | null;
}

export class ReferralFindingDto {
  @ApiProperty() rule: string;
  @ApiProperty({ enum: ['blocker', 'warning'] }) severity: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiProperty() citation: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'DUTY-02 (`open-referral-exists`): the open referral of the same person.' })
  referralId?: string;
  @ApiPropertyOptional({ example: '/referrals/3f0c…', description: 'DUTY-02: the link to that open referral.' }) href?: string;
}

export class ReferralPersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ nullable: true, type: String }) nhsNumber: string | null;
}

export class ReferralDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'REF-2026-000123' }) reference: string;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status: string;
  @ApiProperty({ type: ReferralPersonDto }) person: ReferralPersonDto;
  @ApiProperty({ enum: REFERRAL_SOURCES }) source: string;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ type: ReferrerDto }) referrer: ReferrerDto;
  @ApiProperty() reason: string;
  @ApiProperty({ type: RisksDto }) risks: RisksDto;
  @ApiProperty({ type: ReferralLegalContextDto }) legalContext: ReferralLegalContextDto;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: String }) otherAuthority: string | null;
  @ApiProperty() nearestRelativeRequest: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) allocatedUserId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) allocatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionReason: string | null;
  @ApiProperty({ nullable: true, type: String }) transferredTo: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) writtenReasonsAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The soonest running deadline.' }) nextDeadline:
    string | null;
  @ApiProperty({ type: [ClockDto] }) clocks: ClockDto[];
  @ApiProperty({
    type: [ExtensionViewDto],
    description: 'POL-08: the s.136B extension recorded (at most one), with its authorising doctor.',
  })
  extensions: ExtensionViewDto[];
  @ApiProperty({
    type: [ReferralFindingDto],
    description:
      "Findings at intake (e.g. POL-05, POL-09) for the AMHP to address. POL-09's follow the referral: judged again when the person's date of birth on record is recorded or corrected, or they are moved to another place of safety, they show where and how old the person is held now.",
  })
  findings: ReferralFindingDto[];
  @ApiProperty({ enum: REFERRAL_STATUSES, isArray: true, description: 'Where the workflow may go next.' }) nextStatuses: string[];
  @ApiProperty() version: number;
}

/** A statutory clock as a referrer or a phone shows it: what it is, when it ends (also as local time with its zone), its state. */
@ClosedSchema()
export class ClockSummaryDto {
  @ApiProperty({ example: 'POL-07' }) id: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'The rule id (GET /rules/{id}).' }) rule: string;
  @ApiProperty({ format: 'date-time' }) deadline: string;
  @ApiProperty({ example: 'Sun 22 Nov 2026 01:30 GMT', description: 'The deadline in the hub’s local time, with its zone.' })
  deadlineLocal: string;
  @ApiProperty({ enum: ['running', 'warning', 'breached', 'stopped'] }) state: string;
  @ApiProperty({ description: 'Milliseconds left (negative once breached).' }) remainingMs: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the clock stopped: its purpose met, or the period ended without it (see result).',
  })
  stoppedAt: string | null;
  @ApiProperty({
    enum: ['met', 'breached'],
    nullable: true,
    type: String,
    description:
      'A stopped clock: met (stopped in time) or breached (the period ended first, e.g. a lapsed holding power); null while running.',
  })
  result: 'met' | 'breached' | null;
}

export const PROGRESS_STEPS = [
  'received',
  'offered',
  'allocated',
  'assessment-started',
  'outcome-recorded',
  'closed',
  'withdrawn',
  'not-accepted',
  'transferred',
] as const;

/** One step the referral has reached, and when: no names of staff. */
@ClosedSchema()
export class ReferralProgressDto {
  @ApiProperty({ enum: PROGRESS_STEPS }) step: (typeof PROGRESS_STEPS)[number];
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'Sat 21 Nov 2026 02:10 GMT', description: 'The same instant in the hub’s local time, with its zone.' })
  atLocal: string;
}

/**
 * What a referrer sees of their own referral: its progress (offered to the AMHPs, allocated, assessment started,
 * outcome recorded, closed, with times) and its statutory clocks; nothing about the person and no names of staff.
 */
@ClosedSchema()
export class ReferralStatusDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status: string;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) allocatedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ type: [ClockSummaryDto], description: 'The statutory clocks of the referral (e.g. the s.136 24 hours) and their state.' })
  clocks: ClockSummaryDto[];
  @ApiProperty({ type: [ReferralProgressDto], description: 'The steps reached so far, oldest first.' })
  progress: ReferralProgressDto[];
  @ApiProperty({
    enum: Object.keys(POLICE_RECORD_FIELD),
    nullable: true,
    type: String,
    description:
      "The police power the referral was made under, whose record of how it was used its referrer may give or correct after intake (POST /referrals/{id}/police-record): a s.136's consultation (POL-06, s.136(1C)), a s.135 warrant's attendance (POL-02, s.135(4)); null for a referral under no police power.",
  })
  policePower: PolicePower | null;
}

/** An open offer of a referral to me, for the phone: what, how urgent, the clocks, and whom only as the policy allows. */
@ClosedSchema()
export class MyOfferDto {
  @ApiProperty({ format: 'uuid' }) offerId: string;
  @ApiProperty({ format: 'date-time' }) offeredAt: string;
  @ApiProperty({ example: 'Sat 21 Nov 2026 02:10 GMT' }) offeredAtLocal: string;
  @ApiProperty({
    format: 'date-time',
    description:
      'Offers do not lapse: unaccepted by this time (OFFER_ESCALATION_MINUTES after the first offer), the escalation chain (DUTY-03) passes the referral on: the next AMHP on duty, then the senior on duty, then the manager on call.',
  })
  escalatesAt: string;
  @ApiProperty({ example: 'Sat 21 Nov 2026 02:25 GMT' }) escalatesAtLocal: string;
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ example: 'REF-2026-000123' }) reference: string;
  @ApiProperty({ example: '/referrals/3f0c…', description: 'The referral (GET); accept or decline at {link}/offers/accept|decline.' })
  link: string;
  @ApiProperty({ enum: URGENCIES }) urgency: string;
  @ApiProperty({ enum: REFERRAL_SOURCES }) source: string;
  @ApiProperty({ enum: LEGAL_CONTEXT_KINDS }) legalContext: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The soonest running deadline.' })
  nextDeadline: string | null;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineLocal: string | null;
  @ApiProperty({ type: [ClockSummaryDto], description: 'The clocks still running, soonest first.' }) clocks: ClockSummaryDto[];
  @ApiProperty({
    type: ReferralPersonDto,
    nullable: true,
    description: 'Who it is about, when the policy lets you read them (the offer does, while it is open); the read is audited.',
  })
  person: ReferralPersonDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'Where the person is (shown with the person).' }) location: string | null;
}

export class MyOfferListDto {
  @ApiProperty({ type: [MyOfferDto] }) items: MyOfferDto[];
}

@ApiExtraModels(ReferralStatusDto)
export class ReferralPageDto {
  @ApiProperty({
    description: 'ReferralDto for hub staff; ReferralStatusDto for a referrer.',
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(ReferralDto) }, { $ref: getSchemaPath(ReferralStatusDto) }] },
  })
  items: Array<ReferralDto | ReferralStatusDto>;
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ReferralEventDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty() type: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}

export class ReferralEventListDto {
  @ApiProperty({ type: [ReferralEventDto] }) items: ReferralEventDto[];
}

export class OfferViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'date-time' }) offeredAt: string;
  @ApiProperty({ enum: ['accepted', 'declined', 'withdrawn'], nullable: true, type: String }) response: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) respondedAt: string | null;
}

export class OfferListDto {
  @ApiProperty({ type: [OfferViewDto] }) items: OfferViewDto[];
}
