import { IsInstant, IsLocalDate, Nested, queryBoolean, trim, MinLength } from '../../common/validators';
import { ManagerOnCallDto } from './manager-on-call.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FindingDto } from '../../workforce/dto/training.dto';

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const SKILL = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class CreatePatternDto {
  @ApiProperty({ example: 'Night' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(60) name: string;
  @ApiProperty({ example: '22:00', description: 'Local time HH:MM.' })
  @Matches(TIME, { message: 'startTime must be HH:MM' })
  startTime: string;
  @ApiProperty({ example: '09:00', description: 'Local time HH:MM; at or before startTime means the next day.' })
  @Matches(TIME, { message: 'endTime must be HH:MM' })
  endTime: string;
  @ApiProperty({ type: [Number], example: [1, 2, 3, 4, 5, 6, 7], description: 'ISO weekdays of the start: 1 Monday … 7 Sunday.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays: number[];
  @ApiPropertyOptional({ enum: ['any', 'exclude', 'only'], default: 'any' }) @IsOptional() @IsIn(['any', 'exclude', 'only']) bankHolidays?:
    'any' | 'exclude' | 'only';
  @ApiProperty({ minimum: 1, maximum: 50 }) @IsInt() @Min(1) @Max(50) requiredCount: number;
  @ApiPropertyOptional({ type: [String], example: ['senior'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word' })
  requiredSkills?: string[];
  @ApiProperty({ format: 'date', description: "The first day it runs: the hub's today (Europe/London) or later (ROTA-WORKED)." })
  @IsLocalDate()
  validFrom: string;
  @ApiPropertyOptional({ format: 'date', description: 'The last day it runs: today or later.' })
  @IsOptional()
  @IsLocalDate()
  validTo?: string;
}

export class UpdatePatternDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(60) name?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 50 }) @IsOptional() @IsInt() @Min(1) @Max(50) requiredCount?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word' })
  requiredSkills?: string[];
  @ApiPropertyOptional({
    format: 'date',
    description:
      "End the pattern: no shifts are generated after this date, and those already generated after it are removed when nobody is on them (kept and listed otherwise). The hub's today or later, and not for a pattern already ended (ROTA-WORKED).",
  })
  @IsOptional()
  @IsLocalDate()
  validTo?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class PatternDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() startTime: string;
  @ApiProperty() endTime: string;
  @ApiProperty({ type: [Number] }) weekdays: number[];
  @ApiProperty({ enum: ['any', 'exclude', 'only'] }) bankHolidays: string;
  @ApiProperty() requiredCount: number;
  @ApiProperty({ type: [String] }) requiredSkills: string[];
  @ApiProperty({ format: 'date' }) validFrom: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) validTo: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty() version: number;
}

export class PatternListDto {
  @ApiProperty({ type: [PatternDto] }) items: PatternDto[];
}

export class BankHolidayDto {
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty() name: string;
}

export class BankHolidayListDto {
  @ApiProperty({ type: [BankHolidayDto] }) items: BankHolidayDto[];
}

export class PutBankHolidayDto {
  @ApiProperty({ example: 'Christmas Day' }) @Transform(trim) @IsString() @MinLength(2) @MaxLength(100) name: string;
}

/** The years a rota covers (patterns, bank holidays): those a bank holiday list can be asked for (YearQuery). */
export const ROTA_FIRST_DAY = '2000-01-01';
export const ROTA_LAST_DAY = '2100-12-31';

export class YearQuery {
  @ApiPropertyOptional({ minimum: 2000, maximum: 2100 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class DateRangeDto {
  @ApiProperty({ format: 'date', description: "The hub's today (Europe/London) or later (ROTA-WORKED)." }) @IsLocalDate() from: string;
  @ApiProperty({ format: 'date' }) @IsLocalDate() to: string;
}

/** POST /rota/shifts/generate. */
export class GenerateShiftsDto extends DateRangeDto {
  @ApiPropertyOptional({
    description:
      'Bring back the pattern shifts a manager removed on purpose (DELETE /rota/shifts/{id}) in the range: they are called for again and created (never one already over). Without it they stay removed and are listed in `skipped`.',
  })
  @IsOptional()
  @IsBoolean()
  restoreRemoved?: boolean;
}

/** A pattern's shift that generate did not create because a manager removed it on purpose. */
export class SkippedShiftDto {
  @ApiProperty({ format: 'uuid' }) patternId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date' }) localDate: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'uuid', description: 'The shift that was removed: POST /rota/shifts/removed/{shiftId}/restore brings it back.' })
  shiftId: string;
  @ApiProperty({ format: 'uuid', description: 'The manager who removed it.' }) removedBy: string;
  @ApiProperty({ format: 'date-time' }) removedAt: string;
  @ApiProperty() message: string;
}

/** ROTA-CLOCK-CHANGE: what the spring clock change did to one pattern's shift on one date. */
export class GenerateWarningDto {
  @ApiProperty({ enum: ['shift-skipped-clock-change', 'shift-adjusted-clock-change', 'shift-ambiguous-clock-change'] }) code: string;
  @ApiProperty({ enum: ['ROTA-CLOCK-CHANGE'] }) rule: string;
  @ApiProperty({ enum: ['warning'] }) severity: string;
  @ApiProperty({ format: 'uuid' }) patternId: string;
  @ApiProperty() patternName: string;
  @ApiProperty({ format: 'date' }) localDate: string;
  @ApiProperty() message: string;
}

export class KeptShiftDto {
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date' }) localDate: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ description: 'AMHPs on it.' }) assigned: number;
  @ApiProperty() message: string;
}

export class GenerateResultDto {
  @ApiProperty() created: number;
  @ApiProperty({ description: 'Shifts the patterns call for that already existed.' }) existing: number;
  @ApiProperty({
    description:
      'Generated shifts ahead, with nobody on them, that their pattern no longer calls for (a bank holiday added or removed since, a pattern ended or made inactive): removed.',
  })
  removed: number;
  @ApiProperty({ description: 'Shifts ahead whose bankHoliday flag was brought in line with the bank holiday calendar.' })
  reflagged: number;
  @ApiProperty({
    description:
      "Generated shifts that have not started whose label, required AMHPs or skills were brought in line with their pattern's (ROTA-WORKED: never a shift under way or over).",
  })
  updated: number;
  @ApiProperty({
    type: [KeptShiftDto],
    description:
      'Generated shifts ahead that their pattern no longer calls for but that AMHPs are on: kept, each with a review alert, for the manager to move the AMHPs and remove the shift.',
  })
  kept: KeptShiftDto[];
  @ApiProperty({
    type: [KeptShiftDto],
    description:
      'Shifts just brought in line that now require fewer AMHPs than are on them: the AMHPs stay on them, for the manager to take one off.',
  })
  overStaffed: KeptShiftDto[];
  @ApiProperty({
    type: [KeptShiftDto],
    description:
      'Generated shifts ahead whose own label or staffing a manager changed (PATCH /rota/shifts/{id}) and that differ from their pattern: they keep what the manager set.',
  })
  keptEdited: KeptShiftDto[];
  @ApiProperty({
    type: [SkippedShiftDto],
    description:
      'Shifts the patterns call for that a manager removed on purpose (DELETE /rota/shifts/{id}): not created again until restored (POST /rota/shifts/removed/{shiftId}/restore, or generate with `restoreRemoved`).',
  })
  skipped: SkippedShiftDto[];
  @ApiProperty({
    description: 'Removed-on-purpose marks cleared by `restoreRemoved` (0 otherwise): their shifts are called for again.',
  })
  restored: number;
  @ApiProperty({
    type: [GenerateWarningDto],
    description:
      'Shifts a clock change altered: a pattern time in the hour the spring change skips is read an hour later, and a shift wholly inside it is not generated; a time in the hour the autumn change repeats is read as its first occurrence (each named by pattern and date, with the times and length).',
  })
  warnings: GenerateWarningDto[];
}

/** POST /rota/shifts/removed/{id}/restore: one shift a manager removed on purpose, brought back. */
export class RestoredShiftDto {
  @ApiProperty({ format: 'uuid', description: 'The shift that was removed (DELETE /rota/shifts/{id}).' }) removedShiftId: string;
  @ApiProperty({ format: 'uuid' }) patternId: string;
  @ApiProperty({ format: 'date' }) localDate: string;
  @ApiProperty({ format: 'uuid' }) restoredBy: string;
  @ApiProperty({ format: 'date-time' }) restoredAt: string;
  @ApiProperty({
    type: () => ShiftDto,
    nullable: true,
    description:
      'The shift its pattern calls for on the day, created again (a new id). Null when the day is not yet on the rota (generate creates it) or the pattern no longer calls for it (ended, inactive, its bank holiday rule: it comes back with the pattern).',
  })
  shift: ShiftDto | null;
  @ApiProperty({ type: GenerateResultDto, description: "What bringing the pattern's part of the day in line did." })
  rota: GenerateResultDto;
}

export class BankHolidayChangeDto extends BankHolidayDto {
  @ApiPropertyOptional({
    type: GenerateResultDto,
    description: 'When shifts had been generated for the day: what bringing them in line with the calendar did.',
  })
  rota?: GenerateResultDto;
}

/** POST /rota/patterns and PATCH /rota/patterns/{id}: the pattern, and what the change did to the rota already generated. */
export class PatternChangeDto extends PatternDto {
  @ApiPropertyOptional({
    type: GenerateResultDto,
    description:
      "When days from today on are already on the rota (generated): what bringing the pattern's part of them in line did (`created`: the shifts it now calls for there, never one already over nor twice; staffing updated; shifts after its end or of an inactive pattern removed when nobody is on them and listed in `kept` otherwise). Days not yet generated are left for generate.",
  })
  rota?: GenerateResultDto;
}

export class PeriodQuery {
  @ApiProperty({ format: 'date-time' }) @IsInstant() from: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() to: string;
}

export class ShiftQuery extends PeriodQuery {
  @ApiPropertyOptional({ description: 'Only shifts with fewer AMHPs than required.' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unfilled?: boolean;
}

export class CreateShiftDto {
  @ApiProperty({ example: 'Extra cover: Christmas Eve' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(60) label: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() startsAt: string;
  @ApiProperty({ format: 'date-time', description: 'At most 24 hours after startsAt.' }) @IsInstant() endsAt: string;
  @ApiProperty({ minimum: 1, maximum: 50 }) @IsInt() @Min(1) @Max(50) requiredCount: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word' })
  requiredSkills?: string[];
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) notes?: string;
}

export class UpdateShiftDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(60) label?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 50 }) @IsOptional() @IsInt() @Min(0) @Max(50) requiredCount?: number;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @Matches(SKILL, { each: true, message: 'each skill must be a lower-case word' })
  requiredSkills?: string[];
  @ApiPropertyOptional({ nullable: true, maxLength: 500, description: 'Rota notes (no patient data); null removes them.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string | null;
  @ApiPropertyOptional({
    enum: [true],
    description:
      "Hand a generated shift whose label or staffing a manager changed on its own (`editedIndividually`) back to its pattern: it takes the pattern's current label, required AMHPs and skills at once, and follows later changes to the pattern. Only `true`, without label, requiredCount or requiredSkills; never on a shift under way or over (ROTA-WORKED) nor on one added by hand (422); 409 when its pattern no longer calls for it.",
  })
  @IsOptional()
  @IsIn([true], { message: 'followPattern must be true' })
  followPattern?: true;
}

export class OverrideDto {
  @ApiProperty({ example: 'consecutive-nights' })
  @IsString()
  @Matches(/^[a-z-]{2,60}$/, { message: 'code must be a finding code' })
  code: string;
  @ApiProperty({ minLength: 10, maxLength: 1000 })
  @Transform(trim)
  @IsString()
  @MinLength(10, { message: 'reason must explain the override in at least 10 characters' })
  @MaxLength(1000)
  reason: string;
}

export class AssignDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() practitionerId: string;
  @ApiPropertyOptional({ type: [OverrideDto], description: 'A reason for each warning the manager accepts.' })
  @IsOptional()
  @ArrayMaxSize(10)
  @Nested(() => OverrideDto, { each: true })
  overrides?: OverrideDto[];
}

export class AssignedDto {
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: [String] }) skills: string[];
  @ApiProperty({
    type: [FindingDto],
    description: 'Warnings overridden, each with its reason: shown to managers, auditors and the AMHP herself; empty for other readers.',
  })
  overrides: FindingDto[];
  @ApiProperty({
    format: 'date-time',
    description: "Her own part of the shift starts: the shift's start, or when she was put on a shift already under way.",
  })
  startsAt: string;
  @ApiProperty({ format: 'date-time', description: "Her own part ends: the shift's end, or when she was taken off it part-way." })
  endsAt: string;
}

export class ShiftDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) patternId: string | null;
  @ApiProperty({ format: 'date' }) localDate: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty() requiredCount: number;
  @ApiProperty({ type: [String] }) requiredSkills: string[];
  @ApiProperty() bankHoliday: boolean;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({
    description:
      'A generated shift whose label or staffing a manager changed on its own: changes to its pattern leave them (listed in `keptEdited`) until it is handed back (PATCH with `followPattern: true`). False for a shift added by hand.',
  })
  editedIndividually: boolean;
  @ApiProperty({ type: [AssignedDto] }) assigned: AssignedDto[];
  @ApiProperty() version: number;
}

/** PATCH /rota/shifts/{id}: the shift, and, when it was handed back to its pattern, what that did. */
export class ShiftChangeDto extends ShiftDto {
  @ApiPropertyOptional({
    type: GenerateResultDto,
    description:
      'With `followPattern`: bringing the shift in line with its pattern, as a change to the pattern does (`updated`; `overStaffed` when more AMHPs are on it than the pattern now requires: they stay on it).',
  })
  rota?: GenerateResultDto;
}

export class ShiftListDto {
  @ApiProperty({ type: [ShiftDto] }) items: ShiftDto[];
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty({ format: 'uuid' }) practitionerId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({
    type: [FindingDto],
    description: 'Warnings accepted with a reason: shown to managers, auditors and the AMHP herself; empty for other readers.',
  })
  warnings: FindingDto[];
  @ApiProperty({ enum: ['manual', 'plan', 'swap'] }) source: string;
}

export class AssignmentListDto {
  @ApiProperty({ type: [AssignmentDto] }) items: AssignmentDto[];
}

export class AssignmentQuery extends PeriodQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Omit for your own assignments.' }) @IsOptional() @IsUUID() practitionerId?: string;
}

export class GapDto {
  @ApiProperty({ enum: ['understaffed', 'skill-missing', 'no-shift'] }) kind: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) shiftId: string | null;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
  @ApiProperty() missing: number;
  @ApiProperty({ type: [String] }) missingSkills: string[];
}

export class CoverageDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [GapDto] }) gaps: GapDto[];
}

export class OnDutyQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to now.' }) @IsOptional() @IsInstant() at?: string;
}

export class DutyAmhpDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ type: [String] }) skills: string[];
}

export class DutyShiftDto {
  @ApiProperty({ format: 'uuid' }) shiftId: string;
  @ApiProperty() label: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty() requiredCount: number;
  @ApiProperty({ type: [DutyAmhpDto] }) amhps: DutyAmhpDto[];
}

export class OnDutyDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: [DutyShiftDto], description: 'Shifts in progress at that moment.' }) onDuty: DutyShiftDto[];
  @ApiProperty({ type: [DutyShiftDto], description: 'The shifts that start next (the next handover).' }) next: DutyShiftDto[];
  @ApiProperty({
    type: ManagerOnCallDto,
    nullable: true,
    description: 'The manager on call at that moment (the last step of the escalation chains), or null when the rota names none.',
  })
  managerOnCall: ManagerOnCallDto | null;
}
