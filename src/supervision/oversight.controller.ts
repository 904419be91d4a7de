import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor } from '../common/etag';
import { CurrentActor } from '../common/http';
import { AppraisalsService } from './appraisals.service';
import {
  AppraisalDto,
  AppraisalListDto,
  CreateAppraisalDto,
  CreatePracticeAuditDto,
  PracticeAuditDto,
  PracticeAuditListDto,
} from './dto/oversight.dto';
import { PracticeAuditsService } from './practice-audits.service';
import { ParseIdPipe } from '../common/validation';

/** Appraisals and practice audits of an AMHP: the oversight a team manager answers for. */
@ApiTags('supervision')
@Controller('practitioners/:id')
export class OversightController {
  constructor(
    private readonly appraisals: AppraisalsService,
    private readonly practiceAudits: PracticeAuditsService,
  ) {}

  @Post('appraisals')
  @Authorize('appraisals.write')
  @ApiOperation({
    summary: 'Record an annual appraisal (managers). The next one is due a year after it was held unless nextDueOn says otherwise.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: AppraisalDto })
  @ApiUnprocessableEntityResponse({
    description: 'Held after today, a period ending before it starts, or a next due date not after the appraisal.',
  })
  async createAppraisal(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateAppraisalDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AppraisalDto> {
    const a = await this.appraisals.create(actor, id, dto);
    reply.header('etag', etagFor(a.version)).header('location', `/practitioners/${id}/appraisals`);
    return a;
  }

  @Get('appraisals')
  @Authorize('appraisals.read')
  @ApiOperation({ summary: "A practitioner's appraisals, most recent first (managers; an AMHP their own)." })
  @ApiOkResponse({ type: AppraisalListDto })
  async listAppraisals(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<AppraisalListDto> {
    return { items: await this.appraisals.list(actor, id) };
  }

  @Post('practice-audits')
  @Authorize('practice-audits.write')
  @ApiOperation({
    summary:
      "Record an audit of a piece of the practitioner's work (managers and auditors; the reviewer is the caller). workReference is a reference to the work (an assessment or referral number), never clinical text or names.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PracticeAuditDto })
  @ApiUnprocessableEntityResponse({ description: 'Audited after today, or a reviewer auditing their own practice.' })
  async createPracticeAudit(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreatePracticeAuditDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PracticeAuditDto> {
    const a = await this.practiceAudits.create(actor, id, dto);
    reply.header('etag', etagFor(a.version)).header('location', `/practitioners/${id}/practice-audits`);
    return a;
  }

  @Get('practice-audits')
  @Authorize('practice-audits.read')
  @ApiOperation({ summary: "A practitioner's practice audits, most recent first (managers, auditors; an AMHP their own)." })
  @ApiOkResponse({ type: PracticeAuditListDto })
  async listPracticeAudits(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<PracticeAuditListDto> {
    return { items: await this.practiceAudits.list(actor, id) };
  }
}
