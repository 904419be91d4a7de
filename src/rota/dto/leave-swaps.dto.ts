import { IsInstant, Nested, queryBoolean, trim } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { FindingDto } from '../../workforce/dto/training.dto';
import { LEAVE_KINDS, LEAVE_STATUSES, SWAP_STATUSES } from '../rota.entities';
import { GapDto, OverrideDto } from './rota.dto';

export type LeaveKind = (typeof LEAVE_KINDS)[number];
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];
export type SwapStatus = (typeof SWAP_STATUSES)[number];

// ---------------------------------------------------------------------------------------------------------------
// Leave and unavailability

export class CreateLeaveDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Whose leave; omit for your own. Only a manager may name someone else.' })
  @IsOptional()
  @IsUUID()
  practitionerId?: string;
  @ApiProperty({ enum: LEAVE_KINDS }) @IsIn(LEAVE_KINDS) kind: LeaveKind;
  @ApiProperty({ format: 'date-time', example: '2026-12-21T00:00:00Z' }) @IsInstant() startsAt: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-28T00:00:00Z',
    description: 'After startsAt and at most 366 days later (422 otherwise).',
  })
  @IsInstant()
  endsAt: string;
  @ApiPropertyOptional({ maxLength: 500, description: 'Rota note only: no health details.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  note?: string;
  @ApiPropertyOptional({ description: 'Manager only: record the leave approved at once (e.g. sickness).' })
  @IsOptional()
  @IsBoolean()
  approve?: boolean;
  @ApiPropertyOptional({ description: 'With approve: take the AMHP off the shifts in the period instead of refusing with 409.' })
  @IsOptional()
  @IsBoolean()
  unassign?: boolean;
}

export class ApproveLeaveDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) note?: string;
  @ApiPropertyOptional({
    description: 'Take the AMHP off the shifts in the period instead of refusing with 409 leave-conflicts-with-assignments.',
  })
  @IsOptional()
  @IsBoolean()
  unassign?: boolean;
}

export class LeaveNoteDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) note?: string;
}

export class LeaveQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'An AMHP may name only themselves.' })
  @IsOptional()
  @IsUUID()
  practitionerId?: string;
  @ApiPropertyOptional({ enum: LEAVE_STATUSES }) @IsOptional() @IsIn(LEAVE_STATUSES) status?: LeaveStatus;
  @ApiPropertyOptional({ format: 'date-time', description: 'Leave ending after this instant.' })
  @IsOptional()
  @IsInstant()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Leave starting before this instant.' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class LeaveDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: LEAVE_KINDS }) kind: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ enum: LEAVE_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'uuid' }) requestedBy: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Who approved or declined it (kept when approved leave is cancelled afterwards).',
  })
  decidedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'Who cancelled it. Leave cancelled while it was being taken stays approved, ending at cancelledAt: only the part not yet taken was cancelled (ROTA-WORKED).',
  })
  cancelledBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) cancellationNote: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() version: number;
}

export class LeavePageDto {
  @ApiProperty({ type: [LeaveDto], description: 'Earliest first.' }) items: LeaveDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** An assignment of the AMHP that falls in the leave period. */
export class LeaveConflictDto {
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
}

export class LeaveTakenOffDto extends LeaveConflictDto {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      "A shift under way when the leave starts is kept as worked until then (ROTA-WORKED): she comes off at the later of now and the leave's start. Null: the assignment is removed.",
  })
  keptUntil: string | null;
}

export class LeaveImpactDto {
  @ApiProperty({ format: 'uuid' }) leaveId: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [LeaveTakenOffDto], description: 'The shifts in the period the AMHP is on, which would lose them.' })
  assignments: LeaveTakenOffDto[];
  @ApiProperty({
    type: [LeaveConflictDto],
    description:
      'Time she has already worked inside the leave period (ROTA-WORKED): approval is refused (409 leave-over-worked-shift) while there is any; the leave should start when she stopped working.',
  })
  worked: LeaveConflictDto[];
  @ApiProperty({ type: [GapDto], description: 'Coverage gaps in the period as the rota stands.' }) gapsBefore: GapDto[];
  @ApiProperty({ type: [GapDto], description: 'Coverage gaps in the period with the AMHP taken off those shifts.' }) gapsAfter: GapDto[];
}

// ---------------------------------------------------------------------------------------------------------------
// Swaps

export class CreateSwapDto {
  @ApiProperty({ format: 'uuid', description: "The assignment offered: your own, or anyone's for a manager." })
  @IsUUID()
  assignmentId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Offer to this colleague only; omit to offer to anyone eligible.' })
  @IsOptional()
  @IsUUID()
  toPractitionerId?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) note?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Manager only: the colleague taking the shift (recorded as accepted, checked now).' })
  @IsOptional()
  @IsUUID()
  takerPractitionerId?: string;
  @ApiPropertyOptional({ description: 'Manager only, with takerPractitionerId: approve and apply the swap at once.' })
  @IsOptional()
  @IsBoolean()
  approve?: boolean;
  @ApiPropertyOptional({ type: [OverrideDto], description: 'With approve: a reason for each warning the manager accepts.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Nested(() => OverrideDto, { each: true })
  overrides?: OverrideDto[];
}

export class AcceptSwapDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Omit to take the shift yourself; a manager names the colleague taking it.' })
  @IsOptional()
  @IsUUID()
  takerPractitionerId?: string;
}

export class ApproveSwapDto {
  @ApiPropertyOptional({ type: [OverrideDto], description: 'A reason for each warning the manager accepts.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Nested(() => OverrideDto, { each: true })
  overrides?: OverrideDto[];
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) note?: string;
}

export class SwapNoteDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @Transform(trim) @IsString() @MaxLength(500) note?: string;
}

export class SwapQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SWAP_STATUSES }) @IsOptional() @IsIn(SWAP_STATUSES) status?: SwapStatus;
  @ApiPropertyOptional({ description: 'Only swaps you offered, were offered, took or arranged.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  mine?: boolean;
}

export class SwapDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "The assignment offered; once approved, the taker's assignment that replaced it; null once that assignment is removed.",
  })
  assignmentId: string | null;
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ format: 'uuid' }) fromPractitionerId: string;
  @ApiProperty() fromName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Offered to this colleague only; null: to anyone eligible.' })
  toPractitionerId: string | null;
  @ApiProperty({ nullable: true, type: String }) toName: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) takerPractitionerId: string | null;
  @ApiProperty({ nullable: true, type: String }) takerName: string | null;
  @ApiProperty({ enum: SWAP_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acceptedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Who approved, declined or cancelled it.' }) decidedBy:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty() version: number;
  @ApiPropertyOptional({
    type: [FindingDto],
    description: 'On acceptance: warnings the taker raises, which the approving manager must override with a reason.',
  })
  warnings?: FindingDto[];
}

export class SwapPageDto {
  @ApiProperty({ type: [SwapDto], description: 'Most recent first.' }) items: SwapDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
