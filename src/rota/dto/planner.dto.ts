import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { IsInstant, IsLocalDate, Nested, trim } from '../../common/validators';
import { FindingDto } from '../../workforce/dto/training.dto';
import { OverrideDto } from './rota.dto';

export class CreatePlanDto {
  @ApiProperty({ format: 'date-time', description: 'Plan the shifts starting at or after this instant.' }) @IsInstant() from: string;
  @ApiProperty({ format: 'date-time', description: 'Up to (not including) this instant; at most 13 weeks after `from`.' })
  @IsInstant()
  to: string;
}

export class PublishPlanDto {
  @ApiPropertyOptional({
    type: [OverrideDto],
    description:
      "A reason for each warning code the plan's assignments carry (e.g. training-short-completed-year), accepting it for every assignment that has it, as a manual assignment's overrides do.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Nested(() => OverrideDto, { each: true })
  overrides?: OverrideDto[];
}

export class PlanAssignmentDto {
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({
    type: [FindingDto],
    description: 'Eligibility warnings of this AMHP for this shift (e.g. training short): publishing needs an override of each code.',
  })
  warnings: FindingDto[];
}

export class UnfilledPlaceDto {
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ description: 'Places left empty (0 when the shift is staffed but a required skill is missing).' }) missing: number;
  @ApiProperty({ type: [String] }) missingSkills: string[];
  @ApiProperty({ enum: ['no-eligible-amhp', 'working-time', 'skill-unavailable', 'solver-limit'] }) code: string;
  @ApiProperty({ description: 'Why, in words: how many AMHPs were on leave, ineligible, or held back by a working-time rule.' })
  reason: string;
}

export class DroppedAssignmentDto {
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ type: [FindingDto] }) findings: FindingDto[];
}

export class FairnessRowDto {
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiPropertyOptional() displayName?: string;
  @ApiProperty() fte: number;
  @ApiProperty({
    description: 'Share of the period they could be rostered: not on approved leave, not suspended, with an approval in effect; 0..1.',
  })
  availability: number;
  @ApiProperty({
    enum: ['leave', 'suspended', 'no-approval', 'unavailable'],
    isArray: true,
    description:
      'Why they were unavailable for part of the period; `unavailable` alone to a reader who may not see why (an AMHP reading a colleague: only she, managers and auditors do).',
  })
  unavailableFor: string[];
  @ApiProperty() shifts: number;
  @ApiProperty() hours: number;
  @ApiProperty() hoursPerFte: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Hours ÷ (FTE × availability).' }) hoursPerAvailableFte: number | null;
  @ApiProperty({ description: 'Their share of all hours worked.' }) share: number;
  @ApiProperty({ description: 'Their share of the total FTE.' }) fteShare: number;
  @ApiProperty() nights: number;
  @ApiProperty() weekends: number;
  @ApiProperty() bankHolidays: number;
}

export class FairnessTotalsDto {
  @ApiProperty() people: number;
  @ApiProperty() fte: number;
  @ApiProperty() shifts: number;
  @ApiProperty() hours: number;
  @ApiProperty() nights: number;
  @ApiProperty() weekends: number;
  @ApiProperty() bankHolidays: number;
}

export class FairnessSpreadsDto {
  @ApiProperty({ description: 'max − min of hours ÷ FTE.' }) hoursPerFte: number;
  @ApiProperty({ description: 'max − min of hours ÷ (FTE × availability).' }) hoursPerAvailableFte: number;
  @ApiProperty() nightsPerFte: number;
  @ApiProperty() weekendsPerFte: number;
  @ApiProperty() bankHolidaysPerFte: number;
}

export class ExcludedPersonDto {
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiPropertyOptional() displayName?: string;
  @ApiProperty({
    enum: ['leave', 'suspended', 'no-approval', 'unavailable'],
    isArray: true,
    description: 'Why; `unavailable` alone to a reader who may not see why (as unavailableFor).',
  })
  reasons: string[];
  @ApiProperty({ description: 'Hours rostered all the same.' }) hours: number;
}

export class FairnessFiguresDto {
  @ApiProperty({ type: [FairnessRowDto] }) people: FairnessRowDto[];
  @ApiProperty({ type: [ExcludedPersonDto], description: 'AMHPs never available in the period: left out of the spread, listed here.' })
  excluded: ExcludedPersonDto[];
  @ApiProperty({ type: FairnessTotalsDto }) totals: FairnessTotalsDto;
  @ApiProperty() meanHoursPerFte: number;
  @ApiProperty({
    description: 'max − min of hours ÷ (FTE × availability) over the AMHPs available at some time in the period (the excluded are listed).',
  })
  spread: number;
  @ApiProperty({ type: FairnessSpreadsDto }) spreads: FairnessSpreadsDto;
}

export class PlanFairnessDto extends FairnessFiguresDto {
  @ApiProperty({ description: 'Spread of the load the planner balances: look-back plus period, per full-time AMHP available all along.' })
  horizonSpread: number;
}

export class FairnessDto extends FairnessFiguresDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
}

export class SolverSummaryDto {
  @ApiProperty({
    example: 'Optimal',
    description: 'HiGHS status: Optimal, or e.g. "Time limit reached" (the best solution found in time).',
  })
  status: string;
  @ApiProperty({ description: 'Wall-clock seconds for the whole planner (model, solves, verification).' }) seconds: number;
  @ApiProperty() chunks: number;
  @ApiProperty() variables: number;
  @ApiProperty() constraints: number;
  @ApiProperty() cutRounds: number;
  @ApiProperty() cuts: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'How many solves ended with each status.' })
  statuses: Record<string, number>;
}

export class PlanDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['proposed', 'published', 'discarded'] }) status: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [PlanAssignmentDto], description: 'Assignments the plan would add (existing ones are kept).' })
  assignments: PlanAssignmentDto[];
  @ApiProperty({ type: [UnfilledPlaceDto] }) unfilled: UnfilledPlaceDto[];
  @ApiProperty({
    type: [DroppedAssignmentDto],
    description: 'Assignments the solver chose that failed the working-time check and were taken out.',
  })
  dropped: DroppedAssignmentDto[];
  @ApiProperty({ type: PlanFairnessDto, description: 'Fairness over the period if the plan is published.' }) fairness: PlanFairnessDto;
  @ApiProperty({ type: SolverSummaryDto }) solver: SolverSummaryDto;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty() version: number;
}

export class PlanRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: ['running', 'done', 'failed', 'cancelled'],
    description: 'running: being solved (one at a time for the hub); done: `plan` is the proposal; failed: `error` says why.',
  })
  status: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ format: 'uuid' }) requestedBy: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) planId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The proposal made, when done.' }) plan: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) cancelledBy: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: 'Where to ask for this status again.' }) statusUrl: string;
}

export class CreatePreferenceDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() practitionerId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A shift pattern (e.g. Night).' }) @IsOptional() @IsUUID() patternId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 7, description: 'ISO weekday of the shift start: 1 Monday … 7 Sunday.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7)
  weekday?: number;
  @ApiPropertyOptional({ format: 'date', description: 'A single local date.' }) @IsOptional() @IsLocalDate() onDate?: string;
  @ApiProperty({
    minimum: -10,
    maximum: 10,
    description: '> 0 prefers, < 0 avoids; 0 is not allowed. Every given target must match (Friday + Night = Friday nights).',
  })
  @IsInt()
  @Min(-10)
  @Max(10)
  @NotEquals(0, { message: 'weight cannot be 0' })
  weight: number;
  @ApiPropertyOptional({ maxLength: 200, description: 'Rota notes only (no patient or health data).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class PreferenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) patternId: string | null;
  @ApiProperty({ nullable: true, type: Number }) weekday: number | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) onDate: string | null;
  @ApiProperty() weight: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PreferenceListDto {
  @ApiProperty({ type: [PreferenceDto] }) items: PreferenceDto[];
}

export class PreferenceQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() practitionerId?: string;
}

export class FairnessQuery {
  @ApiProperty({ format: 'date-time' }) @IsInstant() from: string;
  @ApiProperty({ format: 'date-time', description: 'At most 366 days after from.' }) @IsInstant() to: string;
}
