import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { BadRequestProblem } from '../common/problem';
import { isIsoDate } from '../statute/time';
import { AssignmentsService } from './assignments.service';
import {
  AssignDto,
  AssignmentListDto,
  AssignmentQuery,
  BankHolidayChangeDto,
  BankHolidayListDto,
  CoverageDto,
  CreatePatternDto,
  CreateShiftDto,
  GenerateShiftsDto,
  GenerateResultDto,
  OnDutyDto,
  OnDutyQuery,
  PatternChangeDto,
  PatternListDto,
  PeriodQuery,
  PutBankHolidayDto,
  RestoredShiftDto,
  ShiftChangeDto,
  ShiftDto,
  ShiftListDto,
  ShiftQuery,
  UpdatePatternDto,
  UpdateShiftDto,
  ROTA_FIRST_DAY,
  ROTA_LAST_DAY,
  YearQuery,
} from './dto/rota.dto';
import { DutyService } from './duty.service';
import { PatternsService } from './patterns.service';
import { ShiftsService } from './shifts.service';
import { Revalidated } from '../common/conditional-get';
import { ParseIdPipe } from '../common/validation';

function isoDate(value: string, name: string): string {
  if (!isIsoDate(value))
    throw new BadRequestProblem(`${name} must be a date YYYY-MM-DD.`, [{ field: name, messages: ['must be a date YYYY-MM-DD'] }]);
  // A bank holiday outside the years its list can be asked for could never be seen again.
  if (value < ROTA_FIRST_DAY || value > ROTA_LAST_DAY)
    throw new BadRequestProblem(`${name} must fall between ${ROTA_FIRST_DAY} and ${ROTA_LAST_DAY}.`, [
      { field: name, messages: [`must fall between ${ROTA_FIRST_DAY} and ${ROTA_LAST_DAY}`] },
    ]);
  return value;
}

@ApiTags('rota')
@Controller('rota')
export class RotaController {
  constructor(
    private readonly patterns: PatternsService,
    private readonly shifts: ShiftsService,
    private readonly assignments: AssignmentsService,
    private readonly duty: DutyService,
  ) {}

  @Get('on-duty')
  @Authorize('rota.on-duty')
  @Revalidated()
  @ApiOperation({ summary: 'Who is on duty at a moment (default now) with their phone numbers, and who comes on next.' })
  @ApiOkResponse({ type: OnDutyDto })
  onDuty(@Query() q: OnDutyQuery): Promise<OnDutyDto> {
    return this.duty.onDuty(q.at);
  }

  @Get('coverage')
  @Authorize('rota.read')
  @ApiOperation({ summary: 'Every period where fewer AMHPs are assigned than required, a required skill is missing, or no shift exists.' })
  @ApiOkResponse({ type: CoverageDto })
  coverage(@Query() q: PeriodQuery): Promise<CoverageDto> {
    return this.duty.coverage(new Date(q.from), new Date(q.to));
  }

  @Get('patterns')
  @Authorize('rota.read')
  @ApiOperation({ summary: 'Shift patterns of the hub.' })
  @ApiOkResponse({ type: PatternListDto })
  async listPatterns(): Promise<PatternListDto> {
    return { items: await this.patterns.list() };
  }

  @Post('patterns')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Add a shift pattern: local times, weekdays, bank-holiday rule, required AMHPs and skills. The days already on the rota (generated) from today get the shifts it calls for in the same change (never one already over); `rota` says what it did.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PatternChangeDto })
  createPattern(@CurrentActor() actor: Actor, @Body() body: CreatePatternDto): Promise<PatternChangeDto> {
    return this.patterns.create(actor, body);
  }

  @Patch('patterns/:id')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      "Change a pattern's name, staffing, end date or active flag. Its part of the days already on the rota (generated) from today is brought in line in the same change: the shifts it now calls for there are created (made active again, a later end; never one already over), those not started take its staffing, and after its end or when made inactive they are removed when nobody is on them, listed in `rota.kept` otherwise; `rota` says what it did.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: PatternChangeDto })
  async updatePattern(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() body: UpdatePatternDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PatternChangeDto> {
    const p = await this.patterns.update(actor, id, body, version);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Get('bank-holidays')
  @Authorize('rota.read')
  @ApiOperation({ summary: 'Bank holidays (England and Wales), optionally for one year.' })
  @ApiOkResponse({ type: BankHolidayListDto })
  async bankHolidays(@Query() q: YearQuery): Promise<BankHolidayListDto> {
    return { items: await this.patterns.bankHolidays(q.year) };
  }

  @Put('bank-holidays/:date')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Add or rename a bank holiday. Shifts already generated for the day are brought in line (removed when their pattern excludes bank holidays and nobody is on them, listed in `rota.kept` otherwise; flags refreshed).',
  })
  @ApiParam({
    name: 'date',
    schema: { type: 'string', format: 'date' },
    description: `A local date from ${ROTA_FIRST_DAY} to ${ROTA_LAST_DAY}.`,
  })
  @ApiOkResponse({ type: BankHolidayChangeDto })
  putBankHoliday(
    @CurrentActor() actor: Actor,
    @Param('date') date: string,
    @Body() body: PutBankHolidayDto,
  ): Promise<BankHolidayChangeDto> {
    return this.patterns.putBankHoliday(actor, isoDate(date, 'date'), body);
  }

  @Delete('bank-holidays/:date')
  @Authorize('rota.write')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a bank holiday. Shifts already generated for the day are brought in line as for PUT; one that AMHPs are on is kept with a review alert.',
  })
  @ApiParam({
    name: 'date',
    schema: { type: 'string', format: 'date' },
    description: `A local date from ${ROTA_FIRST_DAY} to ${ROTA_LAST_DAY}.`,
  })
  @ApiNoContentResponse()
  deleteBankHoliday(@CurrentActor() actor: Actor, @Param('date') date: string): Promise<void> {
    return this.patterns.deleteBankHoliday(actor, isoDate(date, 'date'));
  }

  @Post('shifts/generate')
  @Authorize('rota.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create the shifts the patterns call for between two dates, from today on and never one already over; re-running creates nothing twice.',
  })
  @ApiOkResponse({ type: GenerateResultDto })
  generate(@CurrentActor() actor: Actor, @Body() body: GenerateShiftsDto): Promise<GenerateResultDto> {
    return this.shifts.generate(body.from, body.to, actor, body.restoreRemoved === true);
  }

  @Get('shifts')
  @Authorize('rota.read')
  @ApiOperation({
    summary:
      "Shifts in a period (at most 93 days) with the AMHPs on them. The warnings overridden on an AMHP's place are shown to managers, auditors and that AMHP; to others the list is empty.",
  })
  @ApiOkResponse({ type: ShiftListDto })
  async listShifts(@CurrentActor() actor: Actor, @Query() q: ShiftQuery): Promise<ShiftListDto> {
    return { items: await this.shifts.list(actor, new Date(q.from), new Date(q.to), q.unfilled) };
  }

  @Post('shifts')
  @Authorize('rota.write')
  @ApiOperation({ summary: 'Add a one-off shift (at most 24 hours), not one already over (ROTA-WORKED: 422 naming endsAt).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ShiftDto })
  createShift(@Body() body: CreateShiftDto): Promise<ShiftDto> {
    return this.shifts.create(body);
  }

  @Get('shifts/:id')
  @Authorize('rota.read')
  @ApiOperation({ summary: 'One shift with its AMHPs.' })
  @ApiOkResponse({ type: ShiftDto })
  async getShift(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ShiftDto> {
    const s = await this.shifts.read(actor, id);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Patch('shifts/:id')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      "Change a shift's label, staffing or notes (a generated shift's own label or staffing then stays when its pattern changes: `editedIndividually`), or hand it back to its pattern with `followPattern: true` (it takes the pattern's label and staffing at once; `rota` says what that did).",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ShiftChangeDto })
  async updateShift(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() body: UpdateShiftDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ShiftChangeDto> {
    const s = await this.shifts.update(actor, id, body, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Delete('shifts/:id')
  @Authorize('rota.write')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a shift nobody is on and that has not started. A generated shift stays removed: generate and changes to its pattern do not create it again on that day (listed in `skipped`) until it is restored (POST /rota/shifts/removed/{id}/restore, or POST /rota/shifts/generate with `restoreRemoved` for a range).',
  })
  @ApiNoContentResponse()
  deleteShift(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<void> {
    return this.shifts.remove(actor, id);
  }

  @Post('shifts/removed/:id/restore')
  @Authorize('rota.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Bring back one generated shift a manager removed on purpose (its id as removed, listed as `shiftId` in generate's `skipped`), leaving her other removals as they are: its pattern calls for it again and, when its day is on the rota, it is created at once (a new id). 422 `rota-in-past` naming `id` for a shift already over or a day gone (ROTA-WORKED); 409 `shift-already-restored` once restored; 404 for an id not removed on purpose.",
  })
  @ApiOkResponse({ type: RestoredShiftDto })
  restoreShift(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<RestoredShiftDto> {
    return this.shifts.restoreOne(actor, id);
  }

  @Post('shifts/:id/assignments')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Put an AMHP on a shift. Hard rules (approval and eligibility for the whole shift, leave, overlap, 11 h rest) refuse with 422 (409 for an overlap); warnings need an override with a reason.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ShiftDto })
  assign(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() body: AssignDto): Promise<ShiftDto> {
    return this.assignments.assign(actor, {
      shiftId: id,
      practitionerId: body.practitionerId,
      overrides: body.overrides,
      source: 'manual',
    });
  }

  @Delete('assignments/:id')
  @Authorize('rota.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take an AMHP off a shift.' })
  @ApiNoContentResponse()
  unassign(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<void> {
    return this.assignments.unassign(actor, id);
  }

  @Get('assignments')
  @Authorize('rota.read')
  @ApiOperation({
    summary:
      "An AMHP's assignments in a period (yours when practitionerId is omitted). A colleague's warnings are shown only to managers and auditors.",
  })
  @ApiOkResponse({ type: AssignmentListDto })
  async listAssignments(@CurrentActor() actor: Actor, @Query() q: AssignmentQuery): Promise<AssignmentListDto> {
    return { items: await this.assignments.list(actor, new Date(q.from), new Date(q.to), q.practitionerId) };
  }
}
