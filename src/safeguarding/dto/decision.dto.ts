import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsInstant, IsLocalDate, Nested, trim, MinLength } from '../../common/validators';
import { CAPACITY_ABILITIES, DOLS_APPLICATION_STATUSES, DOLS_ASSESSMENT_OUTCOMES } from '../decision.rules';
import { SAC_CODE_LISTS, sacCodes, type SacField } from '../sac-code-lists';
import { DECISION_TYPES, LEGAL_FRAMEWORKS, type DecisionType } from '../safeguarding.entities';

/**
 * Request shapes of out-of-hours decisions. The DTOs check KINDS and refuse unknown fields (400); what a type's record
 * must hold, and ranges the law sets (a 7-day urgent authorisation), are the rules' business (decision.rules.ts:
 * validateDraft → 422 on create and edit, missingForSigning → 422 on signing). Everything is optional in a draft.
 */

const TEXT = 8000;
const SHORT = 300;
const MAX_PENCE = 2_147_483_647;

// ---- content (OOH-08) ----

export class ConsulteeDto {
  @ApiPropertyOptional({ maxLength: SHORT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(SHORT) name?: string;
  @ApiPropertyOptional({ maxLength: SHORT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(SHORT) role?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When they were consulted (with `view`).' })
  @IsOptional()
  @IsInstant()
  at?: string;
  @ApiPropertyOptional({ maxLength: TEXT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(TEXT) view?: string;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'Could not be reached: why.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  notReachedReason?: string;
}

export class DecisionOptionDto {
  @ApiPropertyOptional({ maxLength: TEXT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(TEXT) option?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() leastRestrictive?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() chosen?: boolean;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'For every option not chosen.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  whyRejected?: string;
}

export class DecisionActionDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A named owner (a user); or ownerTeam.' })
  @IsOptional()
  @IsUUID()
  ownerUserId?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'A team, e.g. "Riverside day team".' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  ownerTeam?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() dueAt?: string;
}

/** The codes of a SAC list for the API documentation; a code not in the list is refused by the rules (422). */
const sacCode = (field: SacField, description: string) =>
  ApiPropertyOptional({ nullable: true, enum: sacCodes(field), description: `${description} (422 for a code not listed).` });

/**
 * OOH-09: an adult-safeguarding (s.42) decision's Safeguarding Adults Collection fields, as codes (sac-code-lists.ts).
 * Kinds only here; which codes exist and which fields apply are the rules' business (422 naming the field).
 */
export class SacDto {
  @ApiPropertyOptional({
    nullable: true,
    type: 'array',
    items: { type: 'string', enum: sacCodes('typeOfRisk') },
    description: 'SG2a: the type(s) of risk, one or more, each once (422 for a code not listed). Required at signing.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(Object.keys(SAC_CODE_LISTS.typeOfRisk).length)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  typeOfRisk?: string[];
  @sacCode('locationOfRisk', 'SG2b: where the risk is. Required at signing')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  locationOfRisk?: string;
  @sacCode('sourceOfRisk', 'SG2b: the source of the risk. Required at signing')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  sourceOfRisk?: string;
  @sacCode('lackedCapacity', 'SG3a: whether the person lacked capacity to make decisions about their safeguarding. Required at signing')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  lackedCapacity?: string;
  @sacCode(
    'capacitySupport',
    'SG3b: lacking capacity, whether supported by an advocate, family or friend. Only, and then required, if lackedCapacity is yes',
  )
  @IsOptional()
  @IsString()
  @MaxLength(60)
  capacitySupport?: string;
  @sacCode('mspAsked', 'SG4a: Making Safeguarding Personal, whether the person was asked about the outcomes they want. Required at signing')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  mspAsked?: string;
  @ApiPropertyOptional({
    nullable: true,
    description:
      'This decision concludes the s.42 enquiry; then action (and riskOutcome, mspOutcomesAchieved where they apply) are required.',
  })
  @IsOptional()
  @IsBoolean()
  enquiryConcluded?: boolean;
  @sacCode('action', 'SG2c: on concluding the enquiry, the action taken and result. Only, and then required, if enquiryConcluded')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  action?: string;
  @sacCode('riskOutcome', 'SG2e: after action on a risk identified or inconclusive, whether the risk remained, was reduced or removed')
  @IsOptional()
  @IsString()
  @MaxLength(60)
  riskOutcome?: string;
  @sacCode(
    'mspOutcomesAchieved',
    'SG4b: on concluding, whether the outcomes the person expressed were achieved (when mspAsked is asked-outcomes-expressed)',
  )
  @IsOptional()
  @IsString()
  @MaxLength(60)
  mspOutcomesAchieved?: string;
}

/** OOH-08's minimum content, numbered as there (13, the times, are the record's own fields). */
export class DecisionContentDto {
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(1) The question or decision to be made.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  question?: string;
  @ApiPropertyOptional({
    nullable: true,
    enum: LEGAL_FRAMEWORKS,
    isArray: true,
    description: '(2) The legal framework(s) relied on (OOH-07).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LEGAL_FRAMEWORKS.length)
  @IsIn(LEGAL_FRAMEWORKS, { each: true })
  legalFrameworks?: string[];
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(2) The specific power or duty.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  powerOrDuty?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(3) The facts known.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  facts?: string;
  @ApiPropertyOptional({ nullable: true, type: [String], description: '(3) Their sources.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Transform(trim)
  @IsString({ each: true })
  @MaxLength(SHORT, { each: true })
  factSources?: string[];
  @ApiPropertyOptional({
    nullable: true,
    type: [ConsulteeDto],
    description: '(4) Who was consulted, and who could not be reached and why.',
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @Nested(() => ConsulteeDto, { each: true })
  consultees?: ConsulteeDto[];
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: "(5) The person's own views and wishes." })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  personViews?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(6) Capacity considerations.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  capacity?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: [DecisionOptionDto],
    description: '(7) Options considered, the least restrictive among them; why each not chosen was rejected.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @Nested(() => DecisionOptionDto, { each: true })
  options?: DecisionOptionDto[];
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(8) Risk analysis.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  riskAnalysis?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(9) The decision.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  decision?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(9) Its rationale.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  rationale?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: [DecisionActionDto],
    description: '(10) Actions, owners, deadlines: each becomes a follow-up action when the record is signed.',
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @Nested(() => DecisionActionDto, { each: true })
  actions?: DecisionActionDto[];
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: '(11) Handover to day services.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  handoverNote?: string;
  @ApiPropertyOptional({
    nullable: true,
    maxLength: 2000,
    description: "(12) The decision-maker's authority (AMHP approval, delegated supervisory-body authority).",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  decisionMakerAuthority?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: SacDto,
    description:
      'adult-safeguarding only (OOH-09): the Safeguarding Adults Collection fields, as codes; the reply shows them with their labels in `sac`.',
  })
  @IsOptional()
  @Nested(() => SacDto)
  sac?: SacDto;
}

// ---- details, per type (one class holds every type's fields; validateDraft refuses those of another type) ----

export class S42TestDto {
  @ApiPropertyOptional({ description: 'Care Act s.42(1)(a).' }) @IsOptional() @IsBoolean() careAndSupportNeeds?: boolean;
  @ApiPropertyOptional({ description: 'Care Act s.42(1)(b).' }) @IsOptional() @IsBoolean() abuseOrNeglect?: boolean;
  @ApiPropertyOptional({ description: 'Care Act s.42(1)(c).' }) @IsOptional() @IsBoolean() unableToProtectSelf?: boolean;
  @ApiPropertyOptional({ maxLength: TEXT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(TEXT) evidence?: string;
}

export class CapacityAssessmentDto {
  @ApiPropertyOptional({ maxLength: TEXT }) @IsOptional() @Transform(trim) @IsString() @MaxLength(TEXT) decision?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() assessedAt?: string;
  @ApiPropertyOptional({ description: 'MCA s.2(1).' }) @IsOptional() @IsBoolean() impairment?: boolean;
  @ApiPropertyOptional({ enum: CAPACITY_ABILITIES, isArray: true, description: 'MCA s.3(1).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CAPACITY_ABILITIES.length)
  @IsIn(CAPACITY_ABILITIES, { each: true })
  unableTo?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() causalLink?: boolean;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA s.1(3).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  practicableStepsTaken?: string;
}

export class BestInterestsChecklistDto {
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA s.4(3).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  canItWait?: string;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA s.4(6)(a).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  wishesAndFeelings?: string;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA s.4(6)(b).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  beliefsAndValues?: string;
  @ApiPropertyOptional({ description: 'MCA s.4(7).' }) @IsOptional() @IsBoolean() attorneyOrDeputyChecked?: boolean;
  @ApiPropertyOptional({ description: 'MCA ss.37-39.' }) @IsOptional() @IsBoolean() imcaRequired?: boolean;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA s.1(6).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  leastRestrictive?: string;
}

export class DolsExtensionDto {
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() requestedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() decidedAt?: string;
  @ApiPropertyOptional({ minimum: 1, description: 'At most 7 when extended (MCA Sch A1 paras 84-85).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
  @ApiPropertyOptional({ maxLength: TEXT, description: 'MCA Sch A1 para 84(b).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  exceptionalReasons?: string;
  @ApiPropertyOptional({ description: 'MCA Sch A1 para 84(c).' }) @IsOptional() @IsBoolean() essentialToContinue?: boolean;
  @ApiPropertyOptional({ enum: ['extended', 'refused'] }) @IsOptional() @IsIn(['extended', 'refused']) decision?: 'extended' | 'refused';
}

const DOLS_STATUSES = Object.keys(DOLS_APPLICATION_STATUSES);

/** The six qualifying requirements (MCA Sch A1 para 12(1)), each met or not met. */
export class DolsAssessmentsDto {
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(a).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  age?: string;
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(b).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  mentalHealth?: string;
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(c).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  mentalCapacity?: string;
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(d).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  bestInterests?: string;
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(e).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  eligibility?: string;
  @ApiPropertyOptional({ enum: DOLS_ASSESSMENT_OUTCOMES, description: 'Para 12(1)(f).' })
  @IsOptional()
  @IsIn(DOLS_ASSESSMENT_OUTCOMES)
  noRefusals?: string;
}

/**
 * OOH-10: the standard authorisation request the urgent authorisation came with, as the DoLS return's case row needs
 * it; optional out of hours, complete for its status once given (granted: all six met, the dates and the period).
 */
export class StandardAuthorisationDto {
  @ApiPropertyOptional({ type: DolsAssessmentsDto, description: 'Required once signed off (granted or not granted).' })
  @IsOptional()
  @Nested(() => DolsAssessmentsDto)
  assessments?: DolsAssessmentsDto;
  @ApiPropertyOptional({ format: 'date', description: 'Required once signed off.' }) @IsOptional() @IsLocalDate() lastAssessedOn?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Required once signed off.' }) @IsOptional() @IsLocalDate() signedOffOn?: string;
  @ApiPropertyOptional({ enum: DOLS_STATUSES, description: 'Required once the block is given.' })
  @IsOptional()
  @IsIn(DOLS_STATUSES)
  status?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Granted only: the first day.' }) @IsOptional() @IsLocalDate() startsOn?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Granted only: the last day, at most a year on (Sch A1 para 42(2)).' })
  @IsOptional()
  @IsLocalDate()
  endsOn?: string;
}

export class DecisionDetailsDto {
  // adult-safeguarding (OOH-01)
  @ApiPropertyOptional({
    nullable: true,
    type: S42TestDto,
    description: 'adult-safeguarding: the s.42(1) three-part test and its evidence.',
  })
  @IsOptional()
  @Nested(() => S42TestDto)
  s42?: S42TestDto;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: 'adult-safeguarding.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  immediateProtection?: string;
  @ApiPropertyOptional({ nullable: true, description: 'adult-safeguarding.' }) @IsOptional() @IsBoolean() policeReferral?: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'adult-safeguarding (Care Act s.68).' })
  @IsOptional()
  @IsBoolean()
  advocacyNeeded?: boolean;
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'adult-safeguarding.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  enquiryDelegatedTo?: string;
  // best-interests (OOH-02, OOH-03)
  @ApiPropertyOptional({
    nullable: true,
    type: CapacityAssessmentDto,
    description: 'best-interests: the capacity assessment (MCA ss.2-3).',
  })
  @IsOptional()
  @Nested(() => CapacityAssessmentDto)
  capacity?: CapacityAssessmentDto;
  @ApiPropertyOptional({ nullable: true, type: BestInterestsChecklistDto, description: 'best-interests: the MCA s.4 checklist.' })
  @IsOptional()
  @Nested(() => BestInterestsChecklistDto)
  bestInterests?: BestInterestsChecklistDto;
  // dols-urgent-authorisation, dols-extension (OOH-04, OOH-05)
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'DoLS: the managing authority (care home or hospital).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  managingAuthority?: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'DoLS: when the urgent authorisation was given.' })
  @IsOptional()
  @IsInstant()
  grantedAt?: string;
  @ApiPropertyOptional({ nullable: true, minimum: 1, description: 'DoLS: days the urgent authorisation lasts (1-7, Sch A1 para 78(2)).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'DoLS: when the standard authorisation was requested; null if it was not.',
  })
  @IsOptional()
  @IsInstant()
  standardRequestedAt?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: StandardAuthorisationDto,
    description:
      "DoLS (OOH-10): the standard authorisation request as it stands, for the DoLS return's case row (date received is standardRequestedAt).",
  })
  @IsOptional()
  @Nested(() => StandardAuthorisationDto)
  standardAuthorisation?: StandardAuthorisationDto;
  @ApiPropertyOptional({
    nullable: true,
    type: DolsExtensionDto,
    description: "dols-extension: the request and the supervisory body's decision.",
  })
  @IsOptional()
  @Nested(() => DolsExtensionDto)
  extension?: DolsExtensionDto;
  @ApiPropertyOptional({ nullable: true, minimum: 0, description: 'dols-extension: extensions already granted (a second is refused).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  previousExtensions?: number;
  // emergency-placement
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'emergency-placement.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  placement?: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'emergency-placement.' })
  @IsOptional()
  @IsInstant()
  startsAt?: string;
  @ApiPropertyOptional({
    nullable: true,
    minimum: 0,
    description: "emergency-placement: the cost committed, in pence (the same as the decision's costPence).",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  costPence?: number;
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'emergency-placement.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  fundingAuthority?: string;
  // carer-breakdown
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'carer-breakdown.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  carer?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: TEXT, description: 'carer-breakdown: the arrangement made instead.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(TEXT)
  arrangement?: string;
  // child-protection-referral
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'child-protection-referral.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  childrenServicesContacted?: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'child-protection-referral.' })
  @IsOptional()
  @IsInstant()
  contactedAt?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: SHORT, description: 'child-protection-referral.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(SHORT)
  reference?: string;
}

// ---- the rest of a decision ----

export class PersonDetailsDto {
  @ApiProperty({ minLength: 2, maxLength: 200 }) @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsLocalDate() dateOfBirth?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 130 }) @IsOptional() @IsInt() @Min(0) @Max(130) approximateAge?: number;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) address?: string;
}

export class EscalationDto {
  @ApiProperty({ maxLength: 200, description: 'The senior manager the commitment was escalated to.' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  to: string;
  @ApiProperty({ maxLength: 200 }) @Transform(trim) @IsString() @MinLength(2) @MaxLength(200) role: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() at: string;
  @ApiProperty({ enum: ['approved', 'declined'] }) @IsIn(['approved', 'declined']) outcome: 'approved' | 'declined';
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(2000) note?: string;
}

export class CreateDecisionDto {
  @ApiProperty({ enum: DECISION_TYPES }) @IsIn(DECISION_TYPES) type: DecisionType;
  @ApiProperty({ format: 'date-time', description: 'When the decision was made (OOH-08 (13)); not in the future.' })
  @IsInstant()
  occurredAt: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The person, when they have a record you may read; else personDetails.' })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({ type: PersonDetailsDto, description: 'A person with no record: name, date of birth or approximate age, address.' })
  @IsOptional()
  @Nested(() => PersonDetailsDto)
  personDetails?: PersonDetailsDto;
  @ApiPropertyOptional({ type: DecisionContentDto })
  @IsOptional()
  @Nested(() => DecisionContentDto)
  content?: DecisionContentDto;
  @ApiPropertyOptional({ type: DecisionDetailsDto, description: "The type's own fields." })
  @IsOptional()
  @Nested(() => DecisionDetailsDto)
  details?: DecisionDetailsDto;
  @ApiPropertyOptional({ minimum: 0, description: 'Resources committed under delegated authority, in pence.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  costPence?: number;
  @ApiPropertyOptional({ type: EscalationDto, description: 'Above the delegated-authority limit: who approved it.' })
  @IsOptional()
  @Nested(() => EscalationDto)
  escalation?: EscalationDto;
}

/**
 * A draft's edit by its author. `content` and `details` are merged key by key into what is stored (a key given
 * replaces that key; null removes it); `costPence` and `escalation` null clear them.
 */
export class UpdateDecisionDto {
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() occurredAt?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "Link the person's record (replaces personDetails)." })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({ type: PersonDetailsDto, description: 'A person with no record (replaces personId).' })
  @IsOptional()
  @Nested(() => PersonDetailsDto)
  personDetails?: PersonDetailsDto;
  @ApiPropertyOptional({ type: DecisionContentDto })
  @IsOptional()
  @Nested(() => DecisionContentDto)
  content?: DecisionContentDto;
  @ApiPropertyOptional({ type: DecisionDetailsDto })
  @IsOptional()
  @Nested(() => DecisionDetailsDto)
  details?: DecisionDetailsDto;
  @ApiPropertyOptional({ nullable: true, minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_PENCE) costPence?: number | null;
  @ApiPropertyOptional({ nullable: true, type: EscalationDto })
  @IsOptional()
  @Nested(() => EscalationDto)
  escalation?: EscalationDto | null;
}

/** A correction of a signed record: what changes (merged as in a draft's edit) and why. */
export class AmendDecisionDto {
  @ApiProperty({ minLength: 10, maxLength: 2000, description: 'Why the signed record is corrected.' })
  @Transform(trim)
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  reason: string;
  @ApiPropertyOptional({ type: DecisionContentDto })
  @IsOptional()
  @Nested(() => DecisionContentDto)
  content?: DecisionContentDto;
  @ApiPropertyOptional({ type: DecisionDetailsDto })
  @IsOptional()
  @Nested(() => DecisionDetailsDto)
  details?: DecisionDetailsDto;
  @ApiPropertyOptional({ nullable: true, minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_PENCE) costPence?: number | null;
  @ApiPropertyOptional({ nullable: true, type: EscalationDto })
  @IsOptional()
  @Nested(() => EscalationDto)
  escalation?: EscalationDto | null;
}

export class DecisionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['draft', 'signed'] }) @IsOptional() @IsIn(['draft', 'signed']) status?: 'draft' | 'signed';
  @ApiPropertyOptional({ enum: DECISION_TYPES }) @IsOptional() @IsIn(DECISION_TYPES) type?: DecisionType;
  @ApiPropertyOptional({ format: 'date-time', description: 'Made at or after.' }) @IsOptional() @IsInstant() since?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Made before.' }) @IsOptional() @IsInstant() until?: string;
  @ApiPropertyOptional({ enum: ['me'], description: 'Only yours.' }) @IsOptional() @IsIn(['me']) author?: 'me';
}

// ---- responses (documented loosely: the shapes are built in the service) ----

export class DecisionMetadataDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DECISION_TYPES }) type: string;
  @ApiProperty({ enum: ['draft', 'signed'] }) status: 'draft' | 'signed';
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) signedAt: string | null;
  @ApiProperty({ format: 'uuid' }) authorUserId: string;
  @ApiProperty({ nullable: true, type: String }) authorName: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) personId: string | null;
  @ApiProperty() amendmentCount: number;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['metadata'], description: 'How much of the record this reply shows: auditors see metadata only.' })
  view: 'full' | 'summary' | 'metadata';
}

export class DecisionSummaryDto extends DecisionMetadataDto {
  @ApiProperty({ enum: ['summary'], description: 'A summary in a list, for its author and managers.' }) override view = 'summary' as const;
  @ApiProperty({ nullable: true, type: String, description: "From the person's record, or the details given." }) personName: string | null;
  @ApiProperty({ nullable: true, type: String }) question: string | null;
  @ApiProperty({ nullable: true, type: Number }) costPence: number | null;
  @ApiProperty({ description: 'An escalation to a senior manager is recorded.' }) escalated: boolean;
}

export class DecisionViewDto extends DecisionMetadataDto {
  @ApiProperty({ enum: ['full'], description: 'The whole record, for its author and managers.' }) override view = 'full' as const;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: "The person's record summary (id, names, date of birth, NHS number) when linked.",
  })
  person: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object }) personDetails: Record<string, unknown> | null;
  @ApiProperty({ type: Object, description: 'OOH-08 content.' }) content: Record<string, unknown>;
  @ApiProperty({ type: Object, description: "The type's own fields." }) details: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Number }) costPence: number | null;
  @ApiProperty({ nullable: true, type: Object }) escalation: Record<string, unknown> | null;
  @ApiProperty({ description: 'The cost is above the delegated-authority limit.' }) aboveDelegatedLimit: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    nullable: true,
    type: [Object],
    description: 'Drafts: what still stops signing (field, rule, message); null once signed.',
  })
  missingForSigning: Array<Record<string, unknown>> | null;
  @ApiProperty({
    type: [Object],
    description: 'OOH-07 legal-framework prompts and DoLS warnings (rule, severity, code, message, citation).',
  })
  warnings: Array<Record<string, unknown>>;
  @ApiProperty({ nullable: true, type: [Object], description: "DoLS types: the urgent authorisation's end and any extended end." })
  dolsClocks: Array<Record<string, unknown>> | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      "DoLS types with a standard authorisation request (OOH-10): the DoLS return's case row (dateReceived, urgentAuthorisationIncluded, the six assessments, lastAssessedOn, signedOffOn, status, startsOn, endsOn); null otherwise.",
  })
  dolsReturnRow: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'adult-safeguarding: whether the s.42 duty arises (all three parts met); null until recorded.',
  })
  s42DutyArises: boolean | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      'adult-safeguarding: content.sac with each code and its label ({ code, label }, a list for typeOfRisk); null when none is recorded.',
  })
  sac: Record<string, unknown> | null;
  @ApiProperty({ type: [Object], description: 'The follow-up actions made when it was signed (and by amendments).' }) actions: Array<
    Record<string, unknown>
  >;
}

@ApiExtraModels(DecisionSummaryDto, DecisionMetadataDto)
export class DecisionListDto {
  @ApiProperty({
    type: 'array',
    description: 'Summaries; auditors get metadata only (`view` tells which).',
    items: {
      oneOf: [{ $ref: getSchemaPath(DecisionSummaryDto) }, { $ref: getSchemaPath(DecisionMetadataDto) }],
      discriminator: {
        propertyName: 'view',
        mapping: { summary: getSchemaPath(DecisionSummaryDto), metadata: getSchemaPath(DecisionMetadataDto) },
      },
    },
  })
  items: Array<DecisionSummaryDto | DecisionMetadataDto>;
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AmendmentViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) amendedBy: string;
  @ApiProperty({ format: 'date-time' }) amendedAt: string;
  @ApiProperty({ type: [String], description: 'The field paths changed.' }) fields: string[];
  @ApiPropertyOptional({ description: 'Not shown to auditors.' }) reason?: string;
  @ApiPropertyOptional({ type: Object, description: 'Field path → { before, after }. Not shown to auditors.' }) changes?: Record<
    string,
    { before: unknown; after: unknown }
  >;
}

export class DecisionHistoryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['full', 'metadata'] }) view: 'full' | 'metadata';
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'The record as signed (content, details, cost, escalation, signedAt, version); null for a draft or for an auditor.',
  })
  signed: Record<string, unknown> | null;
  @ApiProperty({ type: [AmendmentViewDto], description: 'Every amendment, oldest first.' }) amendments: AmendmentViewDto[];
  @ApiProperty({ description: 'The current version.' }) version: number;
}

export class CodeLabelDto {
  @ApiProperty({ example: 'self-neglect' }) code: string;
  @ApiProperty({ example: 'Self-neglect' }) label: string;
}

/** OOH-09: the Safeguarding Adults Collection lists a s.42 decision's `content.sac` codes come from, in the return's order. */
export class SacCodeListsDto {
  @ApiProperty({ type: [CodeLabelDto], description: 'SG2a: type of risk (one or more).' }) typeOfRisk: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG2b: location of risk.' }) locationOfRisk: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG2b: source of risk.' }) sourceOfRisk: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG3a: lacked capacity.' }) lackedCapacity: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG3b: supported by an advocate, family or friend.' }) capacitySupport: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG4a: Making Safeguarding Personal, asked.' }) mspAsked: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG4b: outcomes achieved.' }) mspOutcomesAchieved: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG2c: action taken and result.' }) action: CodeLabelDto[];
  @ApiProperty({ type: [CodeLabelDto], description: 'SG2e: risk outcome.' }) riskOutcome: CodeLabelDto[];
}

export class DecisionCodeListsDto {
  @ApiProperty({ type: SacCodeListsDto }) sac: SacCodeListsDto;
}
