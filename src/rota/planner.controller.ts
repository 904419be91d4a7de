import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { TransactionIsolation } from '../database/db';
import {
  CreatePlanDto,
  CreatePreferenceDto,
  FairnessDto,
  FairnessQuery,
  PlanDto,
  PlanRunDto,
  PreferenceDto,
  PreferenceListDto,
  PreferenceQuery,
  PublishPlanDto,
} from './dto/planner.dto';
import { PlannerService } from './planner.service';
import { ParseIdPipe } from '../common/validation';

const IF_MATCH = { name: 'If-Match', required: false, description: 'ETag of the plan as read; 412 if it changed since.' };

/**
 * The rota planner: proposals a manager reviews and publishes, the preferences it honours, and the fairness report.
 * Preferences are recorded by managers (`rota.write`): there is no policy action yet for an AMHP stating their own.
 */
@ApiTags('rota')
@Controller('rota')
export class PlannerController {
  constructor(private readonly planner: PlannerService) {}

  @Post('plans')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Propose assignments that fill the gaps in a period (at most 13 weeks) with a MILP solver: every hard rule kept, fairness balanced, preferences weighed. Nothing changes on the rota until the plan is published. ' +
      'The plan is made in a worker thread, one at a time for the hub: a second while one runs is 409 `plan-running`, naming the running one and its status URL. ' +
      'By default the answer waits for the plan (201); with `Prefer: respond-async` it is 202 at once, Location the run status (GET /rota/plan-runs/{id}).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'Prefer', required: false, description: '`respond-async`: answer 202 with the run status URL instead of waiting.' })
  @ApiCreatedResponse({ type: PlanDto })
  @ApiAcceptedResponse({ type: PlanRunDto, description: 'With Prefer: respond-async: the run, being made; Location is its status URL.' })
  @ApiConflictResponse({
    description:
      '`plan-running`: a plan is being made already (`runningPlan`: its id and status URL); `plan-cancelled`: this plan was cancelled before it finished.',
  })
  async propose(
    @CurrentActor() actor: Actor,
    @Body() body: CreatePlanDto,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlanDto | PlanRunDto> {
    const respondAsync = /(^|[\s,;])respond-async\b/i.test(prefer ?? '');
    const made = await this.planner.propose(actor, body, respondAsync);
    if ('run' in made) {
      reply.status(202).header('location', made.run.statusUrl).header('preference-applied', 'respond-async');
      return made.run;
    }
    reply.header('etag', etagFor(made.plan.version)).header('location', `/rota/plans/${made.plan.id}`);
    return made.plan;
  }

  @Get('plan-runs/:id')
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Where a plan being made stands: running, done (`plan` links the proposal), failed (`error` says why; a run whose app instance stopped is failed) or cancelled.',
  })
  @ApiOkResponse({ type: PlanRunDto })
  planRun(@Param('id', new ParseIdPipe()) id: string): Promise<PlanRunDto> {
    return this.planner.run(id);
  }

  @Post('plan-runs/:id/cancel')
  @Authorize('rota.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a plan being made (its worker is stopped; nothing is proposed). Any manager may cancel it.' })
  @ApiOkResponse({ type: PlanRunDto })
  @ApiConflictResponse({ description: '`plan-not-running`: the run has already ended (done, failed or cancelled).' })
  cancelPlanRun(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<PlanRunDto> {
    return this.planner.cancel(actor, id);
  }

  @Get('plans/:id')
  @Authorize('rota.write')
  @ApiOperation({ summary: 'A plan with its assignments, unfilled places and fairness figures.' })
  @ApiOkResponse({ type: PlanDto })
  async get(@Param('id', new ParseIdPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlanDto> {
    const p = await this.planner.get(id);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Post('plans/:id/publish')
  @Authorize('rota.write')
  @HttpCode(200)
  @TransactionIsolation('REPEATABLE READ')
  @ApiOperation({
    summary:
      'Put every assignment of the plan on the rota, each re-checked by the assignment rules, all or nothing. Warnings the assignments carry need an override with a reason per code.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: PlanDto })
  @ApiUnprocessableEntityResponse({ description: '`override-required`: assignments carry warnings with no override (listed).' })
  @ApiConflictResponse({
    description:
      '`rota-changed`: shifts or assignments of the period changed since the plan was made; `plan-invalid`: a rule now refuses some assignments (listed); `plan-not-proposed`.',
  })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version of the plan.' })
  async publish(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @IfMatchVersion() version: ExpectedVersion,
    @Body() body: PublishPlanDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlanDto> {
    const p = await this.planner.publish(actor, id, version, body?.overrides ?? []);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Post('plans/:id/discard')
  @Authorize('rota.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Discard a proposed plan.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: PlanDto })
  async discard(
    @Param('id', new ParseIdPipe()) id: string,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlanDto> {
    const p = await this.planner.discard(id, version);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Get('fairness')
  @Authorize('rota.read')
  @ApiOperation({
    summary:
      "Per AMHP over a period (at most 366 days): hours, FTE, availability (less leave, suspension and time without an approval), hours ÷ FTE, share against FTE share, nights, weekends, bank holidays; and the spread (max − min of hours ÷ available FTE), listing who was excluded as never available. The same computation as a plan's fairness. Why a colleague was unavailable (leave, suspension, no approval) shows only to her, managers and auditors; other AMHPs see `unavailable`.",
  })
  @ApiOkResponse({ type: FairnessDto })
  fairness(@CurrentActor() actor: Actor, @Query() q: FairnessQuery): Promise<FairnessDto> {
    return this.planner.fairness(actor, q.from, q.to);
  }

  @Post('preferences')
  @Authorize('rota.write')
  @ApiOperation({
    summary: "Record an AMHP's rota preference (a pattern, a weekday, a date, or a combination; weight −10 avoid … 10 prefer).",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PreferenceDto })
  createPreference(@Body() body: CreatePreferenceDto): Promise<PreferenceDto> {
    return this.planner.createPreference(body);
  }

  @Get('preferences')
  @Authorize('rota.write')
  @ApiOperation({ summary: 'Rota preferences, of one AMHP or all.' })
  @ApiOkResponse({ type: PreferenceListDto })
  listPreferences(@Query() q: PreferenceQuery): Promise<PreferenceListDto> {
    return this.planner.listPreferences(q.practitionerId);
  }

  @Delete('preferences/:id')
  @Authorize('rota.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a rota preference.' })
  @ApiNoContentResponse()
  deletePreference(@Param('id', new ParseIdPipe()) id: string): Promise<void> {
    return this.planner.deletePreference(id);
  }
}
