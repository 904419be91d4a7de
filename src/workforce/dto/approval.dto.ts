import { IsInstant, IsLocalDate, trim, MinLength } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FindingDto, TrainingYearDecisionDto } from './training.dto';

export class CreateApprovalDto {
  @ApiProperty({ example: 'Northshire County Council' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  approvingAuthority: string;
  @ApiProperty({ format: 'date', example: '2026-01-01' }) @IsLocalDate() startsOn: string;
  @ApiProperty({ format: 'date', example: '2030-12-31', description: 'At most five years less a day after startsOn (AMHP-05).' })
  @IsLocalDate()
  endsOn: string;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) conditions?: string;
  @ApiPropertyOptional({
    format: 'date',
    example: '2025-07-18',
    description:
      'When she completed the approved AMHP course (AMHP-02, SI 2008/1206 reg 3(3)). Required for a first approval (none of hers ' +
      'recorded here and no previouslyApprovedBy), and then on or before startsOn and no earlier than the same day five years ' +
      'before it; kept, never refused, on a re-approval.',
  })
  @IsOptional()
  @IsLocalDate()
  approvedCourseCompletedOn?: string;
  @ApiPropertyOptional({
    minLength: 2,
    maxLength: 200,
    example: 'Southvale Borough Council',
    description:
      'The authority that approved her before, when this hub has no record of that approval: this approval is then a ' +
      're-approval, not held to the five-year course rule (AMHP-02).',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  previouslyApprovedBy?: string;
}

export class UpdateApprovalDto {
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsLocalDate() endsOn?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: 4000, description: 'null removes the conditions.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  conditions?: string | null;
  @ApiPropertyOptional({
    format: 'date',
    description:
      'A course date mistyped, or not given at the time, corrected (AMHP-02): judged as when the approval was recorded (422 naming it for a first approval whose course falls outside the five years before it starts).',
  })
  @IsOptional()
  @IsLocalDate()
  approvedCourseCompletedOn?: string;
  @ApiPropertyOptional({
    nullable: true,
    minLength: 2,
    maxLength: 200,
    description:
      'The authority that approved her before, corrected; null: she was not approved before, so a first approval is held to the course rule (AMHP-02) again.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  previouslyApprovedBy?: string | null;
}

export class SuspendApprovalDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now.' })
  @IsOptional()
  @IsInstant()
  startsAt?: string;
  @ApiProperty({ minLength: 5, maxLength: 2000 }) @Transform(trim) @IsString() @MinLength(5) @MaxLength(2000) reason: string;
}

export class LiftSuspensionDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now.' }) @IsOptional() @IsInstant() endsAt?: string;
  @ApiProperty({ minLength: 5, maxLength: 2000 }) @Transform(trim) @IsString() @MinLength(5) @MaxLength(2000) reason: string;
}

export class EndApprovalDto {
  @ApiProperty({ format: 'date', description: 'The last day the approval has effect.' }) @IsLocalDate() endedOn: string;
  @ApiProperty({ minLength: 5, maxLength: 2000, description: 'AMHP-08: the reason, given to the AMHP in writing.' })
  @Transform(trim)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  reason: string;
}

export class RecordTrainingDecisionDto {
  @ApiProperty({
    minimum: 1,
    maximum: 5,
    description: 'The approval year that ended short of training (1: the first year of the approval).',
  })
  @IsInt()
  @Min(1)
  @Max(5)
  year: number;
  @ApiProperty({ format: 'date', description: 'When the approving authority decided: on or after the year ended, and not in the future.' })
  @IsLocalDate()
  decidedOn: string;
  @ApiProperty({ minLength: 5, maxLength: 2000, description: 'Why she may go on acting, e.g. the training to be made up and by when.' })
  @Transform(trim)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  reason: string;
}

export class ReapprovalQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 730, description: 'Defaults to the longest reminder lead time.' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(730)
  withinDays?: number;
}

export class WithdrawEntryDto {
  @ApiProperty({ minLength: 5, maxLength: 2000, description: 'Why it was recorded in error (kept on the record).' })
  @Transform(trim)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  reason: string;
}

export class WithdrawnSuspensionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endsAt: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) withdrawnAt: string;
  @ApiProperty({ format: 'uuid' }) withdrawnBy: string;
  @ApiProperty() withdrawalReason: string;
}

export class WithdrawnEndDto {
  @ApiProperty({ format: 'date' }) endedOn: string;
  @ApiProperty() endReason: string;
  @ApiProperty({ format: 'date-time' }) withdrawnAt: string;
  @ApiProperty({ format: 'uuid' }) withdrawnBy: string;
  @ApiProperty() reason: string;
}

export class SuspensionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endsAt: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: String }) liftReason: string | null;
}

export class WithdrawnAssignmentDto {
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ type: [FindingDto] }) findings: FindingDto[];
}

export class WithdrawnOfferDto {
  @ApiProperty({ format: 'uuid' }) offerId: string;
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() reference: string;
}

export class ReturnedReferralDto {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() reference: string;
}

export class ReferralToReallocateDto {
  @ApiProperty({ format: 'uuid' }) referralId: string;
  @ApiProperty() reference: string;
  @ApiProperty({ format: 'uuid', description: 'The assessment under way with the AMHP as its lead.' }) assessmentId: string;
}

/** Descriptions of what a change that may take away an AMHP's authority to act did about her referrals. */
export const WITHDRAWN_WORK_DOCS = {
  offersWithdrawn:
    'With `removedFromRota`, when the AMHP may not act now: her open offers, withdrawn (reason `amhp-not-eligible`) with the access ' +
    'to the person each gave her; a referral with no other open offer waits in the queue and its escalation goes on. Empty when none.',
  allocationsReturned:
    'With `removedFromRota`, when the AMHP may not act now: the referrals allocated to her not yet in assessment, handed back to the ' +
    'queue (status `accepted`) with her access to the person ended; the managers are paged to reallocate them. Empty when none.',
  awaitingReallocation:
    'With `removedFromRota`, when the AMHP may not act now: the referrals in assessment with her as lead; she may not act on them ' +
    '(MHA 1983 s.114) and the managers are paged to reallocate them. Empty when none.',
};

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() approvingAuthority: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ nullable: true, type: String }) conditions: string | null;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description:
      'When she completed the approved AMHP course (AMHP-02); null when not given (a re-approval, or recorded before it was asked).',
  })
  approvedCourseCompletedOn: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The authority that approved her before, as given when this approval was recorded (AMHP-02); null when not given.',
  })
  previouslyApprovedBy: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ enum: ['future', 'active', 'suspended', 'expired', 'ended'] }) status: string;
  @ApiProperty({ type: [SuspensionDto] }) suspensions: SuspensionDto[];
  @ApiProperty({
    type: [TrainingYearDecisionDto],
    description:
      "The approving authority's decisions that she may go on acting although a completed year ended short of training (AMHP-06).",
  })
  trainingDecisions: TrainingYearDecisionDto[];
  @ApiProperty({
    type: [WithdrawnSuspensionDto],
    description: 'Suspensions withdrawn as recorded in error: kept on the record, of no effect (AMHP-07, AMHP-09).',
  })
  withdrawnSuspensions: WithdrawnSuspensionDto[];
  @ApiProperty({
    type: [WithdrawnEndDto],
    description: 'Early ends withdrawn as recorded in error: kept on the record, of no effect (AMHP-08, AMHP-09).',
  })
  withdrawnEnds: WithdrawnEndDto[];
  @ApiProperty() version: number;
  @ApiPropertyOptional({
    type: [WithdrawnAssignmentDto],
    description:
      'Only in the answer to a suspension, an early end or a new end date: the shifts not yet over that the change took the AMHP off ' +
      '(AMHP-05/07/08), each with the findings that did; they now show as gaps. Empty when none.',
  })
  removedFromRota?: WithdrawnAssignmentDto[];
  @ApiPropertyOptional({ type: [WithdrawnOfferDto], description: WITHDRAWN_WORK_DOCS.offersWithdrawn })
  offersWithdrawn?: WithdrawnOfferDto[];
  @ApiPropertyOptional({ type: [ReturnedReferralDto], description: WITHDRAWN_WORK_DOCS.allocationsReturned })
  allocationsReturned?: ReturnedReferralDto[];
  @ApiPropertyOptional({ type: [ReferralToReallocateDto], description: WITHDRAWN_WORK_DOCS.awaitingReallocation })
  awaitingReallocation?: ReferralToReallocateDto[];
}

export class ApprovalListDto {
  @ApiProperty({ type: [ApprovalDto] }) items: ApprovalDto[];
}

export class ReapprovalDueDto {
  @ApiProperty({ format: 'uuid' }) approvalId: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty() daysLeft: number;
  @ApiProperty({ description: 'The shortest configured reminder lead time already reached (e.g. 90 when 60 days are left of 180/90/30).' })
  reminderStage: number;
  @ApiProperty({ description: 'A later approval already starts the day after this one ends.' }) renewed: boolean;
}

export class ReapprovalDueListDto {
  @ApiProperty({ type: [ReapprovalDueDto] }) items: ReapprovalDueDto[];
}
