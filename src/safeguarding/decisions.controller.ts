import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { DecisionsService } from './decisions.service';
import { sacCodeListsForChoosing } from './sac-code-lists';
import {
  AmendDecisionDto,
  CreateDecisionDto,
  DecisionCodeListsDto,
  DecisionHistoryDto,
  DecisionListDto,
  DecisionMetadataDto,
  DecisionQuery,
  DecisionViewDto,
  UpdateDecisionDto,
} from './dto/decision.dto';
import { ParseIdPipe } from '../common/validation';

@ApiTags('decisions')
@ApiExtraModels(DecisionViewDto, DecisionMetadataDto)
@Controller('decisions')
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Post()
  @Authorize('decisions.write')
  @ApiOperation({
    summary:
      "Start an out-of-hours decision record (a draft, yours to edit and sign): type, when, the person (a record you may read, or details of one without), OOH-08 content, the type's details, cost, escalation.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: DecisionViewDto })
  @ApiUnprocessableEntityResponse({
    description:
      '`decision-invalid` (errors by field), `person-required`, `person-ambiguous`, `person-not-found`, `owner-not-found`, `in-future`.',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateDecisionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionViewDto> {
    const d = await this.decisions.create(actor, dto);
    reply.header('etag', etagFor(d.version)).header('location', `/decisions/${d.id}`);
    return d;
  }

  @Get()
  @Authorize('decisions.read')
  @ApiOperation({
    summary:
      'Decisions, newest first (`status`, `type`, `since`/`until` on when made, `author=me`). Managers see all, AMHPs their own, auditors metadata only. Each listed is an audited read.',
  })
  @ApiOkResponse({ type: DecisionListDto })
  list(@CurrentActor() actor: Actor, @Query() q: DecisionQuery): Promise<DecisionListDto> {
    return this.decisions.list(actor, q);
  }

  @Get('code-lists')
  @Authorize('decisions.read')
  @ApiOperation({
    summary:
      "The code lists a decision's coded fields take, with their labels, for a client to offer as choices: the Safeguarding Adults Collection lists of a s.42 decision's `content.sac` (OOH-09). No person data.",
  })
  @ApiOkResponse({ type: DecisionCodeListsDto })
  codeLists(): DecisionCodeListsDto {
    return { sac: sacCodeListsForChoosing() };
  }

  @Get(':id')
  @Authorize('decisions.read')
  @ApiOperation({
    summary:
      'One decision: the whole record for its author and managers (with what still stops signing, OOH-07 warnings, DoLS clocks, follow-up actions); metadata only for an auditor; 403 for anyone else.',
  })
  @ApiOkResponse({
    description: '`view` tells which: `full` for the author and managers, `metadata` for an auditor.',
    schema: {
      oneOf: [{ $ref: getSchemaPath(DecisionViewDto) }, { $ref: getSchemaPath(DecisionMetadataDto) }],
      discriminator: {
        propertyName: 'view',
        mapping: { full: getSchemaPath(DecisionViewDto), metadata: getSchemaPath(DecisionMetadataDto) },
      },
    },
  })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionViewDto | DecisionMetadataDto> {
    const d = await this.decisions.get(actor, id);
    reply.header('etag', etagFor(d.version));
    return d;
  }

  @Patch(':id')
  @Authorize('decisions.write')
  @ApiOperation({
    summary:
      'Edit your draft: content and details merged key by key (null removes a key), cost, escalation, person, when made. Only the author; a signed record is amended instead (409 `decision-signed`). If-Match: a stale version is 412.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: DecisionViewDto })
  @ApiConflictResponse({ description: '`decision-signed`: amend it instead.' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateDecisionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionViewDto> {
    return this.tagged(reply, await this.decisions.update(actor, id, dto, version));
  }

  @Post(':id/sign')
  @Authorize('decisions.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign your draft. Everything OOH-08 and the type need must be recorded (422 `decision-incomplete` with `missing`: field, rule, message), and a cost above the delegated-authority limit needs an approved escalation. Its actions become follow-up actions.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: DecisionViewDto })
  @ApiUnprocessableEntityResponse({ description: '`decision-incomplete`: `missing` lists every field still needed.' })
  async sign(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionViewDto> {
    return this.tagged(reply, await this.decisions.sign(actor, id, version));
  }

  @Post(':id/amendments')
  @Authorize('decisions.write')
  @ApiOperation({
    summary:
      "Correct a signed decision with a reason (the author or a manager): each field's before and after is kept and the signed original stays readable in the history. A draft is edited instead (409 `decision-draft`).",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: DecisionViewDto })
  async amend(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: AmendDecisionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DecisionViewDto> {
    const d = await this.decisions.amend(actor, id, dto, version);
    reply.header('location', `/decisions/${id}/history`);
    return this.tagged(reply, d);
  }

  @Get(':id/history')
  @Authorize('decisions.read')
  @ApiOperation({
    summary:
      "The record as signed and every amendment in order with its reason and each field's before and after (auditors: who amended what fields when).",
  })
  @ApiOkResponse({ type: DecisionHistoryDto })
  history(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<DecisionHistoryDto> {
    return this.decisions.history(actor, id);
  }

  private tagged(reply: FastifyReply, d: DecisionViewDto): DecisionViewDto {
    reply.header('etag', etagFor(d.version));
    return d;
  }
}
