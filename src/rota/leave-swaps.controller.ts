import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
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
  AcceptSwapDto,
  ApproveLeaveDto,
  ApproveSwapDto,
  CreateLeaveDto,
  CreateSwapDto,
  LeaveDto,
  LeaveImpactDto,
  LeaveNoteDto,
  LeavePageDto,
  LeaveQuery,
  SwapDto,
  SwapNoteDto,
  SwapPageDto,
  SwapQuery,
} from './dto/leave-swaps.dto';
import { LeaveService } from './leave.service';
import { SwapsService } from './swaps.service';
import { ParseIdPipe } from '../common/validation';

const IF_MATCH = { name: 'If-Match', required: false, description: 'ETag from a previous read; 412 if it changed since.' };
const IDEMPOTENCY_KEY = { name: 'Idempotency-Key', required: false };

@ApiTags('rota')
@Controller('rota')
export class LeaveSwapsController {
  constructor(
    private readonly leave: LeaveService,
    private readonly swaps: SwapsService,
  ) {}

  @Post('leave')
  @Authorize('leave.request')
  @ApiOperation({
    summary:
      "Request leave or record unavailability: an AMHP their own; a manager anyone's, and may record it approved at once (approve: true).",
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: LeaveDto })
  @ApiConflictResponse({
    description:
      'Overlaps leave already requested or approved (leave-overlaps); with approve, the AMHP is on shifts in the period (leave-conflicts-with-assignments).',
  })
  @ApiUnprocessableEntityResponse({ description: 'endsAt not after startsAt, or more than 366 days; unknown practitioner.' })
  async createLeave(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateLeaveDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeaveDto> {
    const l = await this.leave.create(actor, dto);
    reply.header('etag', etagFor(l.version)).header('location', `/rota/leave/${l.id}`);
    return l;
  }

  @Get('leave')
  @Authorize('leave.read')
  @ApiOperation({ summary: "Leave, earliest first: a manager sees everyone's, an AMHP their own." })
  @ApiOkResponse({ type: LeavePageDto })
  listLeave(@CurrentActor() actor: Actor, @Query() q: LeaveQuery): Promise<Page<LeaveDto>> {
    return this.leave.list(actor, q);
  }

  @Get('leave/:id')
  @Authorize('leave.read')
  @ApiOperation({ summary: 'One leave request (the AMHP whose leave it is, or a manager).' })
  @ApiOkResponse({ type: LeaveDto })
  async getLeave(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeaveDto> {
    const l = await this.leave.get(actor, id);
    reply.header('etag', etagFor(l.version));
    return l;
  }

  @Get('leave/:id/impact')
  @Authorize('leave.decide')
  @ApiOperation({ summary: 'Before approving: the shifts in the period the AMHP is on, and the coverage gaps with and without them.' })
  @ApiOkResponse({ type: LeaveImpactDto })
  impact(@Param('id', new ParseIdPipe()) id: string): Promise<LeaveImpactDto> {
    return this.leave.impact(id);
  }

  @Post('leave/:id/approve')
  @Authorize('leave.decide')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve requested leave. Refused (409) while the AMHP is on shifts in the period, unless unassign: true takes them off in the same transaction.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeaveDto })
  @ApiConflictResponse({
    description:
      'Not requested (leave-not-requested), or the AMHP is on shifts in the period (leave-conflicts-with-assignments, listing them).',
  })
  @ApiPreconditionFailedResponse({ description: 'The leave changed since the ETag sent in If-Match.' })
  async approveLeave(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ApproveLeaveDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeaveDto> {
    const l = await this.leave.approve(actor, id, dto, version);
    reply.header('etag', etagFor(l.version));
    return l;
  }

  @Post('leave/:id/decline')
  @Authorize('leave.decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline requested leave.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeaveDto })
  @ApiConflictResponse({ description: 'Not requested (leave-not-requested).' })
  @ApiPreconditionFailedResponse({ description: 'The leave changed since the ETag sent in If-Match.' })
  async declineLeave(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: LeaveNoteDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeaveDto> {
    const l = await this.leave.decline(actor, id, dto, version);
    reply.header('etag', etagFor(l.version));
    return l;
  }

  @Post('leave/:id/cancel')
  @Authorize('leave.request')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Withdraw requested or approved leave (the AMHP whose leave it is, whoever asked for it, or a manager). Approved leave already taken is history (409 leave-taken); approved leave in progress ends now, the part taken kept (ROTA-WORKED). The approval stays on the record beside the cancellation.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeaveDto })
  @ApiConflictResponse({ description: 'Already declined or cancelled (leave-closed); approved leave already over (leave-taken).' })
  @ApiPreconditionFailedResponse({ description: 'The leave changed since the ETag sent in If-Match.' })
  async cancelLeave(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: LeaveNoteDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeaveDto> {
    const l = await this.leave.cancel(actor, id, dto ?? {}, version);
    reply.header('etag', etagFor(l.version));
    return l;
  }

  @Post('swaps')
  @Authorize('swaps.act')
  @ApiOperation({
    summary:
      'Offer an assignment of a future shift to a named colleague or to anyone eligible (its AMHP, or a manager on their behalf). A manager may name the taker and approve at once (takerPractitionerId, approve: true).',
  })
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiCreatedResponse({ type: SwapDto })
  @ApiConflictResponse({ description: 'The assignment is already in an open swap (swap-already-open).' })
  @ApiUnprocessableEntityResponse({
    description: 'The shift has started; the taker breaks a hard rule (findings listed); a warning lacks an override.',
  })
  async createSwap(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateSwapDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.create(actor, dto);
    reply.header('etag', etagFor(s.version)).header('location', `/rota/swaps/${s.id}`);
    return s;
  }

  @Get('swaps')
  @Authorize('swaps.read')
  @ApiOperation({ summary: 'Swaps, most recent first: a manager sees all; an AMHP their own and the open offers they could take.' })
  @ApiOkResponse({ type: SwapPageDto })
  listSwaps(@CurrentActor() actor: Actor, @Query() q: SwapQuery): Promise<Page<SwapDto>> {
    return this.swaps.list(actor, q);
  }

  @Get('swaps/:id')
  @Authorize('swaps.read')
  @ApiOperation({ summary: 'One swap (a manager; or an AMHP offering, named in or taking it, or able to take an open offer).' })
  @ApiOkResponse({ type: SwapDto })
  async getSwap(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.get(actor, id);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Post('swaps/:id/accept')
  @Authorize('swaps.act')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Take an offered shift (the named colleague, or any AMHP for an open offer; a manager names the taker). Every rota rule is checked for the taker now; warnings are returned for the approving manager.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SwapDto })
  @ApiConflictResponse({ description: 'No longer open (swap-not-open): someone else took it, or it was withdrawn.' })
  @ApiUnprocessableEntityResponse({
    description: 'The taker breaks a hard rule (swap-refused, findings listed), or the shift has started.',
  })
  async acceptSwap(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: AcceptSwapDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.accept(actor, id, dto ?? {}, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Post('swaps/:id/approve')
  @Authorize('swaps.decide')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve an accepted swap: every rule re-checked now (warnings need an override with a reason); the taker is put on the shift and the offerer taken off in one transaction.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SwapDto })
  @ApiConflictResponse({
    description:
      'Not accepted (swap-not-accepted), the shift or assignment changed meanwhile (swap-stale), or the taker is now on an overlapping shift.',
  })
  @ApiUnprocessableEntityResponse({ description: 'A hard rule fails for the taker now, or a warning lacks an override.' })
  @ApiPreconditionFailedResponse({ description: 'The swap changed since the ETag sent in If-Match.' })
  async approveSwap(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ApproveSwapDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.approve(actor, id, dto ?? {}, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Post('swaps/:id/decline')
  @Authorize('swaps.decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline an open swap.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SwapDto })
  @ApiConflictResponse({ description: 'Already approved, declined or cancelled (swap-closed).' })
  async declineSwap(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: SwapNoteDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.decline(actor, id, dto ?? {}, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }

  @Post('swaps/:id/cancel')
  @Authorize('swaps.act')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an open swap (the offerer or a manager).' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: SwapDto })
  @ApiConflictResponse({ description: 'Already approved, declined or cancelled (swap-closed).' })
  async cancelSwap(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: SwapNoteDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SwapDto> {
    const s = await this.swaps.cancel(actor, id, dto ?? {}, version);
    reply.header('etag', etagFor(s.version));
    return s;
  }
}
