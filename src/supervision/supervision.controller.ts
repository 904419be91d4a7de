import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
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
import { Page } from '../common/pagination';
import {
  CreateSupervisionActionDto,
  CreateSupervisionSessionDto,
  SupervisionActionDto,
  SupervisionActionPageDto,
  SupervisionActionQuery,
  SupervisionDueListDto,
  SupervisionOverdueQuery,
  SupervisionSessionDto,
  SupervisionSessionPageDto,
  SupervisionSessionQuery,
  UpdateSupervisionActionDto,
  UpdateSupervisionSessionDto,
} from './dto/supervision.dto';
import { SupervisionService } from './supervision.service';
import { ParseIdPipe } from '../common/validation';

const IF_MATCH = { name: 'If-Match', required: false, description: 'ETag from a previous read; 412 if it changed since.' };

@ApiTags('supervision')
@Controller()
export class SupervisionController {
  constructor(private readonly supervision: SupervisionService) {}

  @Post('supervision-sessions')
  @Authorize('supervision.write')
  @ApiOperation({
    summary:
      'Record a supervision session that has been held (AMHP-10), with any actions agreed. A manager records any but her own (403 own-record, AMHP-12: her supervisor or another manager does); an AMHP only sessions they held as supervisor.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: SupervisionSessionDto })
  @ApiUnprocessableEntityResponse({
    description: 'Held after today, an action due before the session, self-supervision, or an unknown supervisee or user.',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateSupervisionSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupervisionSessionDto> {
    const s = await this.supervision.create(actor, dto);
    reply.header('etag', etagFor(s.version)).header('location', `/supervision-sessions/${s.id}`);
    return s;
  }

  @Get('supervision-sessions')
  @Authorize('supervision.read')
  @ApiOperation({
    summary:
      'Supervision sessions, most recent first. An AMHP sees only sessions they held or received; notes only for the supervisor, the supervisee and managers (each read audited).',
  })
  @ApiOkResponse({ type: SupervisionSessionPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: SupervisionSessionQuery): Promise<Page<SupervisionSessionDto>> {
    return this.supervision.list(actor, q);
  }

  @Get('supervision-sessions/:id')
  @Authorize('supervision.read')
  @ApiOperation({
    summary: 'One supervision session with its actions. Auditors see that it happened but not its notes; reading notes is audited.',
  })
  @ApiOkResponse({ type: SupervisionSessionDto })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupervisionSessionDto> {
    const s = await this.supervision.get(actor, id);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Patch('supervision-sessions/:id')
  @Authorize('supervision.write')
  @ApiOperation({
    summary:
      'Change the notes, duration or type of a session (its supervisor or a manager; never the supervisee: 403 own-record, AMHP-12).',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SupervisionSessionDto })
  @ApiPreconditionFailedResponse({ description: 'The session changed since the ETag sent in If-Match.' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateSupervisionSessionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupervisionSessionDto> {
    const s = await this.supervision.update(actor, id, dto, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Post('supervision-sessions/:id/actions')
  @Authorize('supervision.write')
  @ApiOperation({ summary: 'Add an action agreed in a session (its supervisor or a manager).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: SupervisionActionDto })
  @ApiUnprocessableEntityResponse({ description: 'Due before the session, or an unknown owner.' })
  async addAction(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateSupervisionActionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupervisionActionDto> {
    const a = await this.supervision.addAction(actor, id, dto);
    reply.header('etag', etagFor(a.version));
    return a;
  }

  @Patch('supervision-actions/:id')
  @Authorize('supervision.write')
  @ApiOperation({
    summary:
      "Mark an action done (or reopen it with doneOn null), move its due date or reword it: its owner, the session's supervisor or a manager.",
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SupervisionActionDto })
  @ApiPreconditionFailedResponse({ description: 'The action changed since the ETag sent in If-Match.' })
  @ApiUnprocessableEntityResponse({ description: 'Done after today or before the session, or due before the session.' })
  async updateAction(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateSupervisionActionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupervisionActionDto> {
    const a = await this.supervision.updateAction(actor, id, dto, version);
    reply.header('etag', etagFor(a.version));
    return a;
  }

  @Get('supervision-actions')
  @Authorize('supervision.read')
  @ApiOperation({
    summary:
      'Supervision actions by due date (undated last), e.g. `owner=me&open=true&overdue=true`. An AMHP sees only actions they own or from sessions they held or received.',
  })
  @ApiOkResponse({ type: SupervisionActionPageDto })
  listActions(@CurrentActor() actor: Actor, @Query() q: SupervisionActionQuery): Promise<Page<SupervisionActionDto>> {
    return this.supervision.listActions(actor, q);
  }

  @Get('supervision/overdue')
  @Authorize('supervision.read')
  @ApiOperation({
    summary:
      'Every active practitioner against their own professional supervision interval (AMHP-10), most overdue first; never-supervised practitioners are due an interval after their record was created. Managers and auditors see everyone; an AMHP only their own line.',
  })
  @ApiOkResponse({ type: SupervisionDueListDto })
  overdue(@CurrentActor() actor: Actor, @Query() q: SupervisionOverdueQuery): Promise<SupervisionDueListDto> {
    return this.supervision.overdue(actor, q);
  }
}
