import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsLocalDate, present, personName, trim, MinLength } from '../../common/validators';
import { isValidNhsNumber, normaliseNhsNumber } from '../../statute/nhs-number';
import { ETHNIC_CATEGORIES, ETHNIC_CATEGORY_DESCRIPTION, type EthnicCategory } from '../../statute/code-lists';
import { SEXES } from '../person.entity';

type Sex = (typeof SEXES)[number];

/** "943 476 5919" → "9434765919"; anything else is left for the validator to refuse. */
const nhsNumberInput = ({ value }: { value: unknown }) => (typeof value === 'string' ? (normaliseNhsNumber(value) ?? value) : value);

/** UK postcodes as people type them ("sw1a1aa") → the Royal Mail form ("SW1A 1AA"): outward code, space, inward code. */
const postcodeInput = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return compact.length >= 5 && compact.length <= 7 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : value.trim().toUpperCase();
};
/** The shape of a UK postcode (not whether it exists): A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, or GIR 0AA. */
const POSTCODE = /^(?:GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$/;

/** Ten digits with a correct modulus 11 check digit (the NHS number standard, src/statute/nhs-number.ts). */
export function IsNhsNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNhsNumber',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidNhsNumber(value),
        defaultMessage: (args) => `${args?.property} must be a valid NHS number: 10 digits whose last is the modulus 11 check digit`,
      },
    },
    options,
  );
}

const NHS_NUMBER_DOC = {
  example: '943 476 5919',
  description: 'NHS number: 10 digits with a modulus 11 check digit; spaces are allowed and removed.',
};
const DOB_DOC = { format: 'date', example: '1984-03-12', description: 'Not in the future (422).' };
const ETHNIC_DOC = { enum: ETHNIC_CATEGORIES, description: `NHS Data Dictionary ethnic category code: ${ETHNIC_CATEGORY_DESCRIPTION}.` };
const POSTCODE_DOC = { example: 'SW1A 1AA', description: 'A UK postcode; stored upper-case with one space before the inward code.' };

export class CreatePersonDto {
  @ApiPropertyOptional(NHS_NUMBER_DOC)
  @IsOptional()
  @Transform(nhsNumberInput)
  @IsNhsNumber()
  nhsNumber?: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Sam' })
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  givenName: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Okafor' })
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  familyName: string;

  @ApiPropertyOptional(DOB_DOC)
  @IsOptional()
  @IsLocalDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptional()
  @IsIn(SEXES)
  sex?: Sex;

  @ApiPropertyOptional({ maxLength: 100, description: 'As the person describes it.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  gender?: string;

  @ApiPropertyOptional(ETHNIC_DOC)
  @IsOptional()
  @IsIn(ETHNIC_CATEGORIES, { message: 'ethnicCategory must be an NHS Data Dictionary ethnic category code (A-S, Z or 99)' })
  ethnicCategory?: EthnicCategory;

  @ApiPropertyOptional({ maxLength: 100, example: 'Polish' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  preferredLanguage?: string;

  @ApiPropertyOptional({ default: false })
  @ValidateIf(present)
  @IsBoolean()
  interpreterNeeded?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'How to communicate with the person (hearing, sight, learning disability, BSL).' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  communicationNeeds?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional(POSTCODE_DOC)
  @IsOptional()
  @Transform(postcodeInput)
  @IsString()
  @Matches(POSTCODE, { message: 'postcode must be a UK postcode such as SW1A 1AA' })
  postcode?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'The local authority responsible for the person (s.13).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  responsibleAuthority?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  gpPractice?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      'NR-06 (s.26(5)(a)): the patient is ordinarily resident in the United Kingdom, the Channel Islands or the Isle of Man. Relatives living elsewhere are disregarded only for a patient who is; false keeps them (a visitor whose family lives abroad with them). Not recorded: taken to be, and the nearest-relative trace says so.',
  })
  @IsOptional()
  @IsBoolean()
  ukResident?: boolean;
}

/**
 * A change to a person: absent fields are left alone; `null` clears an optional field; names and
 * interpreterNeeded, when present, may not be null.
 */
export class UpdatePersonDto {
  @ApiPropertyOptional({ ...NHS_NUMBER_DOC, nullable: true, type: String })
  @IsOptional()
  @Transform(nhsNumberInput)
  @IsNhsNumber()
  nhsNumber?: string | null;
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf(present)
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  givenName?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf(present)
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  familyName?: string;
  @ApiPropertyOptional({ ...DOB_DOC, nullable: true, type: String }) @IsOptional() @IsLocalDate() dateOfBirth?: string | null;
  @ApiPropertyOptional({ enum: SEXES, nullable: true }) @IsOptional() @IsIn(SEXES) sex?: Sex | null;
  @ApiPropertyOptional({ maxLength: 100, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  gender?: string | null;
  @ApiPropertyOptional({ ...ETHNIC_DOC, nullable: true })
  @IsOptional()
  @IsIn(ETHNIC_CATEGORIES, { message: 'ethnicCategory must be an NHS Data Dictionary ethnic category code (A-S, Z or 99)' })
  ethnicCategory?: EthnicCategory | null;
  @ApiPropertyOptional({ maxLength: 100, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  preferredLanguage?: string | null;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() interpreterNeeded?: boolean;
  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(2000) communicationNeeds?:
    string | null;
  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  address?: string | null;
  @ApiPropertyOptional({ ...POSTCODE_DOC, nullable: true, type: String })
  @IsOptional()
  @Transform(postcodeInput)
  @IsString()
  @Matches(POSTCODE, { message: 'postcode must be a UK postcode such as SW1A 1AA' })
  postcode?: string | null;
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  responsibleAuthority?: string | null;
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  gpPractice?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Boolean,
    description:
      'NR-06 (s.26(5)(a)): the patient is ordinarily resident in the United Kingdom, the Channel Islands or the Isle of Man. Relatives living elsewhere are disregarded only for a patient who is; false keeps them (a visitor whose family lives abroad with them). Not recorded: taken to be, and the nearest-relative trace says so.',
  })
  @IsOptional()
  @IsBoolean()
  ukResident?: boolean | null;
}

/**
 * Finding a person: by NHS number, or by family name (prefix, any case) and date of birth, optionally narrowed by
 * given name (prefix). Anything less is refused with 400, so the list of people cannot be browsed.
 */
export class PersonSearchQuery extends PageQuery {
  @ApiPropertyOptional(NHS_NUMBER_DOC) @IsOptional() @Transform(nhsNumberInput) @IsNhsNumber() nhsNumber?: string;
  @ApiPropertyOptional({ minLength: 2, maxLength: 100, description: 'Start of the family name, any case; needs dateOfBirth.' })
  @IsOptional()
  @Transform(personName)
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  familyName?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Needs familyName.' }) @IsOptional() @IsLocalDate() dateOfBirth?: string;
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'Start of the given name, any case: narrows a family name + date of birth search.',
  })
  @IsOptional()
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  givenName?: string;
}

export class PersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, example: '9434765919' }) nhsNumber: string | null;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ enum: SEXES, nullable: true }) sex: string | null;
  @ApiProperty({ nullable: true, type: String }) gender: string | null;
  @ApiProperty({ ...ETHNIC_DOC, nullable: true }) ethnicCategory: string | null;
  @ApiProperty({ nullable: true, type: String }) preferredLanguage: string | null;
  @ApiProperty() interpreterNeeded: boolean;
  @ApiProperty({ nullable: true, type: String }) communicationNeeds: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) postcode: string | null;
  @ApiProperty({ nullable: true, type: String }) responsibleAuthority: string | null;
  @ApiProperty({ nullable: true, type: String }) gpPractice: string | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'NR-06 (s.26(5)(a)): ordinarily resident in the UK, Channel Islands or Isle of Man; null: not recorded.',
  })
  ukResident: boolean | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The recorded person a manager confirmed this record is (a same-person identity match): everything kept here moved to them; null otherwise.',
  })
  sameAs: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** What a search shows of each person: enough to tell people apart, no more. */
export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) nhsNumber: string | null;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ enum: SEXES, nullable: true }) sex: string | null;
  @ApiProperty({ nullable: true, type: String }) postcode: string | null;
  @ApiProperty() version: number;
}

export class PersonPageDto {
  @ApiProperty({ type: [PersonSummaryDto] }) items: PersonSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** Who a person in a pending match is (the referral's summary of a person). */
export class MatchedPersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty({ nullable: true, type: String }) nhsNumber: string | null;
}

export const PERSON_MATCH_FILTERS = ['pending', 'same-person', 'different-person', 'folded', 'withdrawn', 'all'] as const;

export class PersonMatchQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PERSON_MATCH_FILTERS, default: 'pending' })
  @IsOptional()
  @IsIn(PERSON_MATCH_FILTERS)
  status?: (typeof PERSON_MATCH_FILTERS)[number];
}

/** An intake folded into a pending match: the same caller sent its NHS number again while it waited. */
export class PersonMatchIntakeDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The person that intake recorded (kept without the number, as pendingPerson is; settled with the match).',
  })
  personId: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ description: "Which of the match's attempts it was (the first, 1, is pendingPerson's intake)." }) attempt: number;
}

/**
 * A referral intake whose NHS number is recorded for another person, without that person's names and date of birth:
 * the referral is against `pendingPerson` (what the referrer sent) until a manager resolves the match.
 */
export class PersonMatchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['pending', 'same-person', 'different-person', 'folded', 'withdrawn'],
    description:
      '`folded`: a duplicate pending match of the same caller to the same recorded person, merged into `foldedInto` (its attempts and intakes are counted there). `withdrawn`: its only record was given another NHS number (or none) since, by PATCH /people/{id}, which supersedes the number that waited here: nothing is left to resolve (`resolvedAt`, and `resolvedBy` the user whose change it was). A record of a match with other records that is given another number leaves the match alone (an intake is unlinked; a pending person is replaced by the oldest intake), the match waiting with the rest.',
  })
  status: 'pending' | 'same-person' | 'different-person' | 'folded' | 'withdrawn';
  @ApiProperty({ description: 'The NHS number the referrer gave.' }) nhsNumber: string;
  @ApiProperty({ type: MatchedPersonDto, description: 'The record made from what the referrer sent.' }) pendingPerson: MatchedPersonDto;
  @ApiProperty({ type: MatchedPersonDto, description: 'The person recorded with that NHS number.' }) candidatePerson: MatchedPersonDto;
  @ApiProperty({ format: 'uuid' }) requestedBy: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({
    description:
      'How many intakes by requestedBy gave this NHS number while the match waited (repeats are folded into this match, not queued again).',
  })
  attempts: number;
  @ApiProperty({ format: 'date-time', description: 'When the last of those intakes was made.' }) lastRequestedAt: string;
  @ApiProperty({
    type: [PersonMatchIntakeDto],
    description:
      'The repeated intakes (POST /people, referral intake, PATCH /people/{id} of another record) folded into this match after the first (pendingPerson), oldest first: each person they recorded or named is kept, and resolving the match settles each as it settles pendingPerson.',
  })
  intakes: PersonMatchIntakeDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) resolvedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'A `folded` match: the pending match it was merged into.' })
  foldedInto: string | null;
  @ApiProperty() version: number;
}

export class PersonMatchPageDto {
  @ApiProperty({ type: [PersonMatchDto] }) items: PersonMatchDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ResolvePersonMatchDto {
  @ApiProperty({
    enum: ['same-person', 'different-person'],
    description:
      '`same-person`: the referrals move to the recorded person (and the referrer is then related to them); `different-person`: the pending record stays a person of its own.',
  })
  @IsIn(['same-person', 'different-person'])
  outcome: 'same-person' | 'different-person';
}
