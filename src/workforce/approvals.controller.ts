import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import {
  ApprovalDto,
  ApprovalListDto,
  CreateApprovalDto,
  EndApprovalDto,
  LiftSuspensionDto,
  ReapprovalDueListDto,
  ReapprovalQuery,
  RecordTrainingDecisionDto,
  SuspendApprovalDto,
  UpdateApprovalDto,
  WithdrawEntryDto,
} from './dto/approval.dto';
import { ApprovalsService } from './approvals.service';
import { ParseIdPipe } from '../common/validation';

@ApiTags('workforce')
@Controller()
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get('practitioners/:id/approvals')
  @Authorize('practitioners.read')
  @ApiOperation({ summary: "The practitioner's approvals, oldest first, with suspensions and status now." })
  @ApiOkResponse({ type: ApprovalListDto })
  async list(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<ApprovalListDto> {
    return { items: await this.approvals.list(actor, id) };
  }

  @Post('practitioners/:id/approvals')
  @Authorize('practitioners.write')
  @ApiOperation({
    summary:
      'Record an approval (warrant): at most five years (AMHP-05), never overlapping another; a first approval with the approved AMHP course completed within the five years before it starts (AMHP-02).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ApprovalDto })
  @ApiUnprocessableEntityResponse({
    description:
      'Longer than five years, or ending before it starts (AMHP-05); a first approval without approvedCourseCompletedOn, or with a course completed after it starts or more than five years before (AMHP-02, naming the field in errors). Findings with rule ids.',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateApprovalDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApprovalDto> {
    const a = await this.approvals.create(actor, id, dto);
    reply.header('etag', etagFor(a.version)).header('location', `/practitioners/${id}/approvals`);
    return a;
  }

  @Patch('approvals/:approvalId')
  @Authorize('practitioners.write')
  @ApiOperation({ summary: "Change an approval's end date (still at most five years) or conditions." })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ApprovalDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Body() dto: UpdateApprovalDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ApprovalDto> {
    const a = await this.approvals.update(actor, approvalId, dto, version);
    reply.header('etag', etagFor(a.version));
    return a;
  }

  @Post('approvals/:approvalId/suspensions')
  @Authorize('practitioners.write')
  @ApiOperation({ summary: 'Suspend an approval (AMHP-07): the AMHP may not act until it is lifted.' })
  @ApiCreatedResponse({ type: ApprovalDto })
  suspend(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Body() dto: SuspendApprovalDto,
  ): Promise<ApprovalDto> {
    return this.approvals.suspend(actor, approvalId, dto);
  }

  @Post('approvals/:approvalId/suspensions/:suspensionId/lift')
  @Authorize('practitioners.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a suspension.' })
  @ApiOkResponse({ type: ApprovalDto })
  lift(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Param('suspensionId', new ParseIdPipe()) suspensionId: string,
    @Body() dto: LiftSuspensionDto,
  ): Promise<ApprovalDto> {
    return this.approvals.lift(actor, approvalId, suspensionId, dto);
  }

  @Post('approvals/:approvalId/training-decisions')
  @Authorize('practitioners.write')
  @ApiOperation({
    summary:
      "Record the approving authority's decision that the AMHP may go on acting although a completed approval year ended short of training (AMHP-06): the shortfall then warns instead of blocking.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ApprovalDto })
  @ApiUnprocessableEntityResponse({ description: 'The year did not end short, or the decision is dated before it ended or in the future.' })
  recordTrainingDecision(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Body() dto: RecordTrainingDecisionDto,
  ): Promise<ApprovalDto> {
    return this.approvals.recordTrainingDecision(actor, approvalId, dto);
  }

  @Post('approvals/:approvalId/suspensions/:suspensionId/withdraw')
  @Authorize('practitioners.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Withdraw a suspension recorded in error, with the reason: kept on the record as withdrawn, of no effect (AMHP-07, AMHP-09). Shifts it took the AMHP off are not put back.',
  })
  @ApiOkResponse({ type: ApprovalDto })
  withdrawSuspension(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Param('suspensionId', new ParseIdPipe()) suspensionId: string,
    @Body() dto: WithdrawEntryDto,
  ): Promise<ApprovalDto> {
    return this.approvals.withdrawSuspension(actor, approvalId, suspensionId, dto);
  }

  @Post('approvals/:approvalId/end/withdraw')
  @Authorize('practitioners.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Withdraw an early end recorded in error, with the reason: the approval runs to its end date again; the end is kept on the record as withdrawn (AMHP-08, AMHP-09).',
  })
  @ApiOkResponse({ type: ApprovalDto })
  withdrawEnd(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Body() dto: WithdrawEntryDto,
  ): Promise<ApprovalDto> {
    return this.approvals.withdrawEnd(actor, approvalId, dto);
  }

  @Post('approvals/:approvalId/end')
  @Authorize('practitioners.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'End an approval early, with the reason (AMHP-08).' })
  @ApiOkResponse({ type: ApprovalDto })
  end(
    @CurrentActor() actor: Actor,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @Body() dto: EndApprovalDto,
  ): Promise<ApprovalDto> {
    return this.approvals.end(actor, approvalId, dto);
  }

  @Get('approvals/reapproval-due')
  @Authorize('practitioners.write')
  @ApiOperation({
    summary: 'Approvals ending soon, with the reminder stage reached (APPROVAL_REMINDER_DAYS) and whether a renewal is in place.',
  })
  @ApiOkResponse({ type: ReapprovalDueListDto })
  async due(@Query() q: ReapprovalQuery): Promise<ReapprovalDueListDto> {
    return { items: await this.approvals.reapprovalDue(q.withinDays) };
  }
}
