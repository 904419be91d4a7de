import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsInstant, IsLocalDate, MinLength, NotBlank, trim } from '../../common/validators';
import { CTO_EXTENSION_WITHDRAWAL_REASONS, type CtoExtensionWithdrawalReason } from '../../statute/cto-extension.rules';
import { CTO_EXTENSION_DECISIONS, CTO_EXTENSION_STATUSES, CTO_EXTENSION_STEPS } from '../cto-extension.entities';

/** CTO-04 (s.20A(4)): the responsible clinician's request, referred to the hub, for an AMHP's statement on extending a CTO. */
export class CreateCtoExtensionDto {
  @ApiProperty({ format: 'uuid', description: 'The community patient: a person you may change the record of.' })
  @IsUUID()
  personId: string;

  @ApiProperty({ maxLength: 200, example: 'Dr A Khan', description: 'The responsible clinician who examined the patient.' })
  @Transform(trim)
  @IsString()
  @NotBlank()
  @MaxLength(200)
  responsibleClinician: string;

  @ApiProperty({
    format: 'date',
    example: '2026-01-15',
    description: 'The day the CTO was made (s.20A(1)): its periods are counted from it.',
  })
  @IsLocalDate()
  ctoMadeOn: string;

  @ApiProperty({
    format: 'date',
    example: '2026-07-14',
    description:
      "The last day of the CTO's current period (it ends at the end of this day unless extended): a period of the order made on ctoMadeOn must end on it (422 `cto-expiry-not-a-period-end`), and it must not have passed (422 `cto-expired`).",
  })
  @IsLocalDate()
  ctoExpiresOn: string;

  @ApiProperty({
    format: 'date',
    example: '2026-07-01',
    description:
      'The day the responsible clinician examined the patient (s.20A(4)): within the two months ending with ctoExpiresOn (422 `examination-too-early`, `examination-after-expiry`), not after today.',
  })
  @IsLocalDate()
  rcExaminedOn: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the request reached the hub; defaults to now. Not in the future.' })
  @IsOptional()
  @IsInstant()
  receivedAt?: string;
}

export class AllocateCtoExtensionDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The AMHP who is to make the statement: their approval must let them act now (422 `amhp-not-eligible`).',
  })
  @IsUUID()
  amhpUserId: string;
}

/** CTO-04 (s.20A(8)): the AMHP's statement in writing (form CTO7), agreeing or not, with reasons. */
export class CtoExtensionStatementDto {
  @ApiProperty({
    enum: CTO_EXTENSION_DECISIONS,
    description:
      "'agree': the AMHP agrees the conditions for extending the CTO are met and that extending it is appropriate; 'disagree': they do not, and the CTO cannot be extended on this examination.",
  })
  @IsIn(CTO_EXTENSION_DECISIONS)
  decision: (typeof CTO_EXTENSION_DECISIONS)[number];

  @ApiProperty({ minLength: 20, maxLength: 8000, description: "The AMHP's reasons, at least 20 characters." })
  @Transform(trim)
  @IsString()
  @MinLength(20)
  @MaxLength(8000)
  reasons: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the AMHP signed it; defaults to now. Not in the future, not before the request was received; on or after the examination day and by the end of the day the CTO expires (422 `statement-before-examination`, `statement-after-expiry`).',
  })
  @IsOptional()
  @IsInstant()
  signedAt?: string;
}

/** CTO-04: the request withdrawn before the AMHP's statement is made, with why. */
export class WithdrawCtoExtensionDto {
  @ApiProperty({
    enum: CTO_EXTENSION_WITHDRAWAL_REASONS,
    description:
      "Why: 'not-extending' (the responsible clinician is not extending the CTO, s.20A(4)), 'cto-revoked' (s.17F(4)), 'discharged' (from the CTO, s.23), 'made-in-error', or 'other' (the note then gives the reasons).",
  })
  @IsIn(CTO_EXTENSION_WITHDRAWAL_REASONS)
  reason: CtoExtensionWithdrawalReason;

  @ApiPropertyOptional({
    maxLength: 4000,
    description:
      "What happened, in words. Required with reason 'other', at least 10 characters (422 `requirement-missing` naming note); optional otherwise.",
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class CtoExtensionQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CTO_EXTENSION_STATUSES }) @IsOptional() @IsIn(CTO_EXTENSION_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['me'], description: 'Only the requests allocated to you.' }) @IsOptional() @IsIn(['me']) assigned?: 'me';
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this person’s requests.' }) @IsOptional() @IsUUID() personId?: string;
}

export class CtoExtensionFindingDto {
  @ApiProperty({ example: 'CTO-04' }) rule: string;
  @ApiProperty({ enum: ['blocker', 'warning'] }) severity: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
  @ApiProperty() citation: string;
}

export class CtoExtensionPeriodDto {
  @ApiProperty({ description: 'Which period of the CTO (1 is the first, from the day it was made).' }) period: number;
  @ApiProperty({ description: 'Its length in calendar months (s.20A(3): 6, then 12).' }) months: number;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date', description: 'Its last day: the CTO then ends at the end of it unless extended again.' }) lastDay: string;
  @ApiProperty({ description: 'A month-end case, whose end date needs human review (C6).' }) monthEnd: boolean;
}

export class CtoExtensionStatementViewDto {
  @ApiProperty({ enum: CTO_EXTENSION_DECISIONS }) decision: string;
  @ApiProperty() reasons: string;
  @ApiProperty({ format: 'date-time' }) signedAt: string;
  @ApiProperty({ format: 'uuid' }) signedByUserId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The AMHP approval the statement was signed under.' })
  approvalId: string | null;
}

export class CtoExtensionWithdrawalViewDto {
  @ApiProperty({ enum: CTO_EXTENSION_WITHDRAWAL_REASONS }) reason: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) withdrawnAt: string;
  @ApiProperty({ format: 'uuid', description: 'Who withdrew it: the referrer that made it, or a manager.' }) withdrawnByUserId: string;
}

export class CtoExtensionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ enum: CTO_EXTENSION_STATUSES }) status: string;
  @ApiProperty() responsibleClinician: string;
  @ApiProperty({ format: 'date' }) ctoMadeOn: string;
  @ApiProperty({ format: 'date' }) ctoExpiresOn: string;
  @ApiProperty({ format: 'date' }) rcExaminedOn: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({
    format: 'date-time',
    description: "CTO-04: the end of the day the CTO expires, by which the AMHP's statement must be signed.",
  })
  statementDueBy: string;
  @ApiProperty({
    description:
      "CTO-04: the end of the day the CTO expired has passed without the AMHP's statement, the request not withdrawn: the CTO was not extended and has ended; the request can no longer be allocated or withdrawn (409 cto-extension-lapsed). False for a withdrawn request.",
  })
  lapsed: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) allocatedUserId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) allocatedAt: string | null;
  @ApiProperty({ type: CtoExtensionStatementViewDto, nullable: true }) statement: CtoExtensionStatementViewDto | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description:
      "Whether the responsible clinician's report may extend the CTO on this statement (s.20A(8)): true when the AMHP agreed, false when not; null until the statement is made.",
  })
  extended: boolean | null;
  @ApiProperty({
    type: CtoExtensionPeriodDto,
    nullable: true,
    description: 'The period the extension gives (s.20A(3)): the next after the one ending ctoExpiresOn. Null unless extended.',
  })
  extendedPeriod: CtoExtensionPeriodDto | null;
  @ApiProperty({
    type: CtoExtensionWithdrawalViewDto,
    nullable: true,
    description: 'The request withdrawn before the statement was made (status `withdrawn`): why, when and by whom. Null unless withdrawn.',
  })
  withdrawal: CtoExtensionWithdrawalViewDto | null;
  @ApiProperty({ type: [CtoExtensionFindingDto], description: 'The CTO-04 findings on the statement (warnings; blockers refuse it).' })
  findings: CtoExtensionFindingDto[];
  @ApiProperty() version: number;
}

export class CtoExtensionStepDto {
  @ApiProperty({
    enum: CTO_EXTENSION_STEPS,
    description:
      "What happened: received by the hub, allocated to an AMHP, reallocated to another, the AMHP's statement made, withdrawn, lapsed (the end of the day the CTO expired with no statement made), its lapse raised as a breach.",
  })
  type: string;
  @ApiProperty({
    format: 'date-time',
    description:
      "When, by the service's clock; received: when the request reached the hub (receivedAt); lapsed: statementDueBy. For a request from before steps were kept, a statement's is when it was signed.",
  })
  at: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Who did it; null for what the service did (lapsed, breach-raised), and for an allocation from before steps were kept.',
  })
  byUserId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'allocated, reallocated: the AMHP it was allocated to.' })
  amhpUserId: string | null;
  @ApiProperty({ enum: CTO_EXTENSION_WITHDRAWAL_REASONS, nullable: true, type: String, description: 'withdrawn: why.' })
  reason: string | null;
}

/** One request as read on its own (and as each change answers): its view, and what happened to it. */
export class CtoExtensionDetailDto extends CtoExtensionViewDto {
  @ApiProperty({ type: [CtoExtensionStepDto], description: 'What happened to the request, oldest first.' })
  timeline: CtoExtensionStepDto[];
}

export class CtoExtensionListDto {
  @ApiProperty({ type: [CtoExtensionViewDto], description: 'Those whose CTO expires soonest first.' }) items: CtoExtensionViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
