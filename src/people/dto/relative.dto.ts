import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsInstant, IsLocalDate, MaxDecimalPlaces, Nested, present, personName, trim, MinLength } from '../../common/validators';
import { RELATIONSHIPS, type Relationship } from '../../statute/nearest-relative';
import { S29_APPEAL_OUTCOMES, type S29AppealOutcome } from '../../statute/clocks';
import { NOMINATED_BY, OBJECTOR_KINDS, type ObjectorKind } from '../relative.entities';

export const NOTIFIED_TO = ['amhp', 'lssa'] as const;
export const DISPLACEMENT_GROUNDS = ['a', 'b', 'c', 'd', 'e'] as const;
export const DISPLACEMENT_STATUSES = ['applied', 'interim-order', 'order', 'refused', 'withdrawn'] as const;
export type DisplacementStatus = (typeof DISPLACEMENT_STATUSES)[number];

const RELATIONSHIP_DOC = {
  enum: RELATIONSHIPS,
  description:
    's.26(1) classes (spouse, civil-partner, child, parent, sibling, grandparent, grandchild, uncle-aunt, nephew-niece); cohabitee (s.26(6), ' +
    'six months or more); non-relative-resident (s.26(7), five years or more); local-authority-care-order (s.27) and guardian-or-residence-order ' +
    '(s.28) for a patient under 18; other (not a relative: never proposed).',
};

export class RelativeContactDto {
  @ApiPropertyOptional({ example: '+44 1632 960001' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,30}$/, { message: 'phone must be a telephone number' })
  phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) address?: string;
}

/** A relative or carer of the person, with the facts s.26 ranks by. Booleans default as shown. */
export class CreateRelativeDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Ada Okafor' })
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
  @ApiProperty(RELATIONSHIP_DOC)
  @IsIn(RELATIONSHIPS, { message: `relationship must be one of: ${RELATIONSHIPS.join(', ')}` })
  relationship: Relationship;
  @ApiPropertyOptional({ default: true, description: 'NR-04: whole blood ranks before half blood in the same class.' })
  @ValidateIf(present)
  @IsBoolean()
  wholeBlood?: boolean;
  @ApiPropertyOptional({
    format: 'date',
    description:
      'NR-04: the elder is preferred; NR-06: under 18s are excluded unless spouse, civil partner or parent. Not in the future (422).',
  })
  @IsOptional()
  @IsLocalDate()
  dateOfBirth?: string;
  @ApiPropertyOptional({
    default: false,
    description: 'NR-05: the person ordinarily resides with them (or did immediately before admission).',
  })
  @ValidateIf(present)
  @IsBoolean()
  livesWithPatient?: boolean;
  @ApiPropertyOptional({ default: false, description: 'NR-05: they care for the person (or did immediately before admission).' })
  @ValidateIf(present)
  @IsBoolean()
  caresForPatient?: boolean;
  @ApiPropertyOptional({ default: true, description: 'NR-06: ordinarily resident in the UK, the Channel Islands or the Isle of Man.' })
  @ValidateIf(present)
  @IsBoolean()
  ukResident?: boolean;
  @ApiPropertyOptional({
    default: false,
    description: 'NR-06: a spouse or civil partner permanently separated, or who has deserted or been deserted.',
  })
  @ValidateIf(present)
  @IsBoolean()
  separatedOrDeserted?: boolean;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 150,
    description: 'NR-07: years living with the person (a cohabitee needs 0.5, a non-relative 5); two decimals.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(150)
  yearsLivingWith?: number;
  @ApiPropertyOptional({
    format: 'date',
    description:
      'NR-07: the day they began living with the person, when known: the six months (a cohabitee) or five years (a non-relative) are then counted from it in calendar months to the day the nearest relative is worked out for, and yearsLivingWith is not read. Not after today, nor before the person was born.',
  })
  @IsOptional()
  @IsLocalDate()
  livingWithSince?: string;
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'NR-09: the person this relative has authorised in writing to act as nearest relative (reg 24).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  authorisedDelegate?: string;
  @ApiPropertyOptional({ type: RelativeContactDto })
  @IsOptional()
  @Nested(() => RelativeContactDto)
  contact?: RelativeContactDto;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) notes?: string;
}

/** A change to a relative: absent fields are left alone; `null` clears an optional field; the rest may not be null. */
export class UpdateRelativeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf(present)
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
  @ApiPropertyOptional(RELATIONSHIP_DOC)
  @ValidateIf(present)
  @IsIn(RELATIONSHIPS, { message: `relationship must be one of: ${RELATIONSHIPS.join(', ')}` })
  relationship?: Relationship;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() wholeBlood?: boolean;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String }) @IsOptional() @IsLocalDate() dateOfBirth?: string | null;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() livesWithPatient?: boolean;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() caresForPatient?: boolean;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() ukResident?: boolean;
  @ApiPropertyOptional() @ValidateIf(present) @IsBoolean() separatedOrDeserted?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 150, nullable: true, type: Number })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(150)
  yearsLivingWith?: number | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String, description: 'NR-07: see CreateRelativeDto; null clears it.' })
  @IsOptional()
  @IsLocalDate()
  livingWithSince?: string | null;
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  authorisedDelegate?: string | null;
  @ApiPropertyOptional({ type: RelativeContactDto, description: 'Replaces the contact details as a whole.' })
  @ValidateIf(present)
  @Nested(() => RelativeContactDto)
  contact?: RelativeContactDto;
  @ApiPropertyOptional({ maxLength: 4000, nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(4000) notes?: string | null;
}

export class RelativeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: Relationship;
  @ApiProperty() wholeBlood: boolean;
  @ApiProperty({ format: 'date', nullable: true, type: String }) dateOfBirth: string | null;
  @ApiProperty() livesWithPatient: boolean;
  @ApiProperty() caresForPatient: boolean;
  @ApiProperty() ukResident: boolean;
  @ApiProperty() separatedOrDeserted: boolean;
  @ApiProperty({ nullable: true, type: Number }) yearsLivingWith: number | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'NR-07: the day they began living with the person.' })
  livingWithSince: string | null;
  @ApiProperty({ nullable: true, type: String }) authorisedDelegate: string | null;
  @ApiProperty({ type: RelativeContactDto }) contact: RelativeContactDto;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RelativeListDto {
  @ApiProperty({ type: [RelativeDto] }) items: RelativeDto[];
}

export class NearestRelativeQuery {
  @ApiPropertyOptional({
    format: 'date',
    description: 'The date to work the nearest relative out for (ages, orders in force); default today in the service time zone.',
  })
  @IsOptional()
  @IsLocalDate()
  asAt?: string;
}

/** NR-02: an objection notified to an AMHP or to the council (LSSA: duty line, EDT). NR-14: who objected. */
export class CreateObjectionDto {
  @ApiPropertyOptional({
    enum: OBJECTOR_KINDS,
    description:
      'NR-14: who objected. relative (relativeId); acting-nearest-relative (displacementId: the s.29 order); delegate (delegateName, and ' +
      'relativeId of the nearest relative or displacementId of the order whose acting nearest relative authorised them, reg 24); ' +
      'nominated-person (nominatedPersonId, MHA 2025). Default: relative when relativeId is given, else not-recorded.',
  })
  @IsOptional()
  @IsIn(OBJECTOR_KINDS)
  objectorKind?: ObjectorKind;
  @ApiPropertyOptional({
    format: 'uuid',
    description: "The relative who objected, or (delegate) the relative who authorised the delegate (one of this person's relatives).",
  })
  @IsOptional()
  @IsUUID()
  relativeId?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'NR-09 (reg 24): the name of the delegate who objected.' })
  @IsOptional()
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  delegateName?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: "NR-10: the s.29 order (one of this person's displacements) whose acting nearest relative objected.",
  })
  @IsOptional()
  @IsUUID()
  displacementId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "MHA25-05: the nominated person (one of this person's) who objected." })
  @IsOptional()
  @IsUUID()
  nominatedPersonId?: string;
  @ApiProperty({ format: 'date-time', description: 'When the objection was notified; not in the future (422).' })
  @IsInstant()
  notifiedAt: string;
  @ApiProperty({
    enum: NOTIFIED_TO,
    description: 'Notified to an AMHP, or to the local social services authority on whose behalf AMHPs act.',
  })
  @IsIn(NOTIFIED_TO)
  notifiedTo: (typeof NOTIFIED_TO)[number];
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'What was said, by whom, how.' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  details: string;
}

/** M v East London: a stated objection stands until clearly withdrawn, so the withdrawal is recorded with what was said. */
export class WithdrawObjectionDto {
  @ApiProperty({ minLength: 1, maxLength: 4000, description: 'How the nearest relative clearly withdrew the objection.' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  details: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it was withdrawn (default now); not in the future, nor before the objection.',
  })
  @IsOptional()
  @IsInstant()
  withdrawnAt?: string;
}

export class ObjectionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ enum: OBJECTOR_KINDS }) objectorKind: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) relativeId: string | null;
  @ApiProperty({ nullable: true, type: String }) delegateName: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) displacementId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) nominatedPersonId: string | null;
  @ApiProperty({ description: 'Who objected, as a name ("Not recorded" when not).' }) by: string;
  @ApiProperty({ description: 'NR-14: their standing when they objected (e.g. nearest-relative, other-relative).' }) standing: string;
  @ApiProperty({ description: 'NR-14: their standing on the date asked (a s.29 order since can take it away).' }) standingNow: string;
  @ApiProperty({ description: 'NR-14: in force and made by someone whose objection counts (else kept as information).' }) counts: boolean;
  @ApiProperty({ description: 'NR-14: why it counts or not, citing the Act.' }) explanation: string;
  @ApiProperty({ format: 'date-time' }) notifiedAt: string;
  @ApiProperty({ enum: NOTIFIED_TO }) notifiedTo: string;
  @ApiProperty() details: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawalDetails: string | null;
  @ApiProperty({ description: 'Notified and not withdrawn now.' }) inForce: boolean;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ObjectionListDto {
  @ApiProperty({ type: [ObjectionDto] }) items: ObjectionDto[];
}

/** NR-10: a s.29 application to the county court to displace the nearest relative. */
export class CreateDisplacementDto {
  @ApiProperty({
    enum: DISPLACEMENT_GROUNDS,
    description:
      's.29(3): (a) no NR or not practicable to find; (b) NR incapable; (c) NR unreasonably objects; (d) NR would discharge without due regard; (e) NR not suitable.',
  })
  @IsIn(DISPLACEMENT_GROUNDS)
  ground: (typeof DISPLACEMENT_GROUNDS)[number];
  @ApiProperty({
    format: 'date-time',
    description:
      'When the application was filed with the court; not in the future (422). NR-11: ground (c) or (d) filed while a s.2 is in force extends it.',
  })
  @IsInstant()
  filedAt: string;
  @ApiPropertyOptional({ maxLength: 200, example: 'Northshire County Court' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  court?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "The nearest relative the application is about (one of this person's relatives)." })
  @IsOptional()
  @IsUUID()
  relativeId?: string;
}

/**
 * The court's progress: applied → interim-order | order | refused | withdrawn; interim-order → order | refused |
 * withdrawn. An order needs actingNearestRelative and effectiveFrom.
 */
export class UpdateDisplacementDto {
  @ApiPropertyOptional({ enum: DISPLACEMENT_STATUSES }) @ValidateIf(present) @IsIn(DISPLACEMENT_STATUSES) status?: DisplacementStatus;
  @ApiPropertyOptional({
    maxLength: 200,
    nullable: true,
    type: String,
    description: 'The person the court appointed to act as nearest relative.',
  })
  @IsOptional()
  @Transform(personName)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  actingNearestRelative?: string | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String, description: 'When the order takes effect.' })
  @IsOptional()
  @IsLocalDate()
  effectiveFrom?: string | null;
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  court?: string | null;
  @ApiPropertyOptional({
    format: 'date',
    type: String,
    description:
      'NR-11: the day the court finally decided the application (the order made, or refused) or it was withdrawn; with status order, refused or withdrawn only, not in the future. Default: an order’s effectiveFrom, else the day it is recorded.',
  })
  @IsOptional()
  @IsLocalDate()
  disposedOn?: string;
}

/** NR-11 (s.29(5)): an appeal against the court's decision on the application, as far as it has gone. */
export class DisplacementAppealDto {
  @ApiProperty({ format: 'date', description: 'The day the appeal was lodged.' }) lodgedOn: string;
  @ApiProperty({
    enum: S29_APPEAL_OUTCOMES,
    nullable: true,
    type: String,
    description:
      'How it ended: determined (order-upheld, order-set-aside, refusal-upheld, refusal-reversed: an order made on appeal) or withdrawn; null while it is pending, when a s.2 the application extends has no end date.',
  })
  outcome: S29AppealOutcome | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The day it was determined or withdrawn; null while pending.' })
  disposedOn: string | null;
}

/**
 * NR-11 (s.29(5)): an appeal lodged against the court's decision (an order, or a refusal). While it is pending the
 * application is not finally disposed of, so a s.2 it extends stays in force.
 */
export class LodgeDisplacementAppealDto {
  @ApiProperty({
    format: 'date',
    description:
      'The day the appeal was lodged: on or after the decision (disposedOn) and within the time for appealing (the S29_APPEAL_DAYS setting, 21 days by default, after it), not in the future; otherwise 422 naming lodgedOn (NR-11).',
  })
  @IsLocalDate()
  lodgedOn: string;
}

/** NR-11 (s.29(5)): the appeal determined or withdrawn; the application is finally disposed of that day. */
export class DecideDisplacementAppealDto {
  @ApiProperty({
    enum: S29_APPEAL_OUTCOMES,
    description:
      'Against an order: order-upheld, order-set-aside or withdrawn; against a refusal: refusal-upheld, refusal-reversed (the appeal court made an order) or withdrawn (422 otherwise). An order stands after order-upheld, refusal-reversed, or a withdrawn appeal against an order: the s.2 then runs 7 days more (s.29(4)(b)).',
  })
  @IsIn(S29_APPEAL_OUTCOMES)
  outcome: S29AppealOutcome;
  @ApiProperty({ format: 'date', description: 'The day it was determined or withdrawn: on or after the lodging, not in the future (422).' })
  @IsLocalDate()
  disposedOn: string;
}

export class DisplacementDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) relativeId: string | null;
  @ApiProperty({ enum: DISPLACEMENT_GROUNDS }) ground: string;
  @ApiProperty({ enum: DISPLACEMENT_STATUSES }) status: DisplacementStatus;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) effectiveFrom: string | null;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description: 'NR-11: the day the application was finally decided or withdrawn; null while pending (or not recorded).',
  })
  disposedOn: string | null;
  @ApiProperty({
    type: DisplacementAppealDto,
    nullable: true,
    description: 'NR-11 (s.29(5)): an appeal against the decision, when one is recorded (POST .../appeal); null otherwise.',
  })
  appeal: DisplacementAppealDto | null;
  @ApiProperty({ nullable: true, type: String }) actingNearestRelative: string | null;
  @ApiProperty({ nullable: true, type: String }) court: string | null;
  @ApiProperty({
    description: 'An order (or interim order) naming an acting nearest relative, in effect on the date asked (today for lists).',
  })
  inForce: boolean;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DisplacementListDto {
  @ApiProperty({ type: [DisplacementDto] }) items: DisplacementDto[];
}

export class RankedRelativeDto {
  @ApiProperty({ format: 'uuid' }) relativeId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: string;
  @ApiProperty() rank: number;
  @ApiProperty({
    enum: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 's.26(7)', 's.27', 's.28'],
    description: 's.26(1) paragraph, s.26(7) (ranked last), or the child-patient sections.',
  })
  class: string;
  @ApiProperty({ description: 's.26(4): the person lives with or is cared for by them.' }) preferred: boolean;
}

export class ExcludedRelativeDto {
  @ApiProperty({ format: 'uuid' }) relativeId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RELATIONSHIPS }) relationship: string;
  @ApiProperty({ description: 'Why, citing the subsection.' }) reason: string;
}

export class ProposedNearestRelativeDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for a court-appointed acting nearest relative (s.29), who may not be a recorded relative.',
  })
  relativeId: string | null;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ description: 'NR-09: who acts for the nearest relative under reg 24. Whoever acts is actingAs, else name.' })
  actingAs?: string;
  @ApiProperty({ enum: ['s.26', 's.27', 's.28', 's.29'] }) basis: string;
}

export class NearestRelativeProposalDto {
  @ApiProperty({ type: ProposedNearestRelativeDto, nullable: true }) nearestRelative: ProposedNearestRelativeDto | null;
  @ApiProperty({ type: [RankedRelativeDto] }) ranked: RankedRelativeDto[];
  @ApiProperty({ type: [ExcludedRelativeDto] }) excluded: ExcludedRelativeDto[];
  @ApiProperty({ type: [String], description: 'Every step in plain English, citing the subsection.' }) trace: string[];
}

export class NearestRelativeDto {
  @ApiProperty({ format: 'date' }) asAt: string;
  @ApiProperty({
    enum: ['nearest-relative', 'nominated-person'],
    description: 'MHA 2025: the nominated person replaces the nearest relative from its configured commencement date.',
  })
  regime: string;
  @ApiProperty({ type: NearestRelativeProposalDto }) proposal: NearestRelativeProposalDto;
  @ApiProperty({ type: [ObjectionDto], description: 'NR-02: objections in force on the date asked, each with its standing (NR-14).' })
  objections: ObjectionDto[];
  @ApiProperty({ description: 'NR-02/NR-14: an objection in force by someone whose objection counts.' }) objectionInForce: boolean;
  @ApiProperty({
    type: () => NominatedPersonDto,
    nullable: true,
    description: 'MHA25-05: the nominated person in office on the date asked (information only before the commencement).',
  })
  nominatedPerson: NominatedPersonDto | null;
  @ApiProperty({
    type: DisplacementDto,
    nullable: true,
    description: 'The s.29 order in force, else the pending application (applied or interim order), else null.',
  })
  displacement: DisplacementDto | null;
}

/** MHA25-05 (MHA 2025 s.24): a nominated person appointed. ✱ the appointment mechanics are unconfirmed, so `method` is free text. */
export class CreateNominatedPersonDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Transform(personName) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ format: 'uuid', description: "When they are one of this person's recorded relatives." })
  @IsOptional()
  @IsUUID()
  relativeId?: string;
  @ApiProperty({ format: 'date', description: 'The day the appointment took effect; not in the future (422).' })
  @IsLocalDate()
  appointedOn: string;
  @ApiProperty({
    enum: NOMINATED_BY,
    description: 'Who appointed them: the patient, an AMHP (patient without capacity or competence), the court.',
  })
  @IsIn(NOMINATED_BY)
  appointedBy: (typeof NOMINATED_BY)[number];
  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'How: e.g. "in writing, signed by the patient, witnessed by ...".' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  method: string;
}

export class EndNominatedPersonDto {
  @ApiProperty({ format: 'date', description: 'The day the appointment ended; not in the future, nor before it began (422).' })
  @IsLocalDate()
  endedOn: string;
  @ApiProperty({
    minLength: 1,
    maxLength: 2000,
    description: 'Why: revoked by the patient, the nominated person stood down, died, discharged by the court.',
  })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class NominatedPersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) relativeId: string | null;
  @ApiProperty({ format: 'date' }) appointedOn: string;
  @ApiProperty({ enum: NOMINATED_BY }) appointedBy: string;
  @ApiProperty() method: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ description: 'In office today (appointed, not ended).' }) inOffice: boolean;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class NominatedPersonListDto {
  @ApiProperty({ type: [NominatedPersonDto] }) items: NominatedPersonDto[];
}
