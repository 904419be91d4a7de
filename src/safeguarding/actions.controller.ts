import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { ActionsService } from './actions.service';
import { ActionDoneDto, ActionListDto, ActionQuery, ActionViewDto, CreateActionDto } from './dto/action.dto';
import { ParseIdPipe } from '../common/validation';

@ApiTags('actions')
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Get()
  @Authorize('actions.read')
  @ApiOperation({
    summary:
      'Follow-up actions, due first (`owner=me`: yours; `open`; `overdue`: not done and past due). Managers see all; AMHPs the ones they own or created. Each listed is an audited read.',
  })
  @ApiOkResponse({ type: ActionListDto })
  list(@CurrentActor() actor: Actor, @Query() q: ActionQuery): Promise<ActionListDto> {
    return this.actions.list(actor, q);
  }

  @Post()
  @Authorize('actions.write')
  @ApiOperation({ summary: 'Add an action to a handover (managers only): description, owner (a user or a team), due time.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ActionViewDto })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateActionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActionViewDto> {
    const a = await this.actions.add(actor, dto);
    reply.header('etag', etagFor(a.version)).header('location', `/actions/${a.id}`);
    return a;
  }

  @Post(':id/done')
  @Authorize('actions.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Mark an action done (its owner or a manager), with an optional note. Done already: 409. A manager who made the decision that set it, and does not own it, may not: 403 own-record (AMHP-12).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ActionViewDto })
  @ApiConflictResponse({ description: '`action-done`: it was done already.' })
  async done(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ActionDoneDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActionViewDto> {
    const a = await this.actions.done(actor, id, dto.note, version);
    reply.header('etag', etagFor(a.version));
    return a;
  }
}
