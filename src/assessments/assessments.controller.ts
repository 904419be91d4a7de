import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Clock } from '../common/clock';
import { negotiateFormat } from '../common/content-negotiation';
import { UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { DocumentsService } from '../documents/documents.service';
import { outcomeReportModel, writtenReasonsInput } from './assessment-report';
import { buildOutcomeReport, renderReportHtml, writtenReasonsLetter } from './report/report';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion, printableHtml } from '../common/http';
import { AssessmentsService } from './assessments.service';
import type { RuleId } from '../statute/rule-catalogue';
import {
  ApplicationRecordDto,
  OutcomeReportDto,
  AssessmentListDto,
  AssessmentQuery,
  ReportQuery,
  LetterQuery,
  AssessmentViewDto,
  ChecksDto,
  ChecksQuery,
  CloseAssessmentDto,
  CtoOrderDto,
  DetentionEndDto,
  RectificationDto,
  ConflictsDto,
  ContactDto,
  CreateAssessmentDto,
  EventTimeDto,
  AssessmentNearestRelativeDto,
  OutcomeDto,
  RecommendationDto,
  S4LapseDto,
  TimelineEventDto,
  UpdateAssessmentDto,
  WithdrawDto,
} from './dto/assessment.dto';
import { NamedParamPipe, ParseIdPipe } from '../common/validation';

@ApiTags('assessments')
@Controller('assessments')
export class AssessmentsController {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly documents: DocumentsService,
  ) {}

  @Post()
  @Authorize('assessments.write')
  @ApiOperation({
    summary: 'Open the assessment of an allocated referral (the referral moves to in-assessment). The allocated AMHP or a manager.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: AssessmentViewDto })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateAssessmentDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    const a = await this.assessments.create(actor, dto);
    reply.header('etag', etagFor(a.version)).header('location', `/assessments/${a.id}`);
    return a;
  }

  @Get()
  @Authorize('assessments.read')
  @ApiOperation({
    summary: 'Assessments whose person you may read, newest first (`assigned=me`: yours). Each one listed is an audited read.',
  })
  @ApiOkResponse({ type: AssessmentListDto })
  list(@CurrentActor() actor: Actor, @Query() q: AssessmentQuery): Promise<AssessmentListDto> {
    return this.assessments.list(actor, q);
  }

  @Get(':id')
  @Authorize('assessments.read')
  @ApiOperation({ summary: 'One assessment: contacts, timeline, recommendations, nearest relative, conflicts, outcome.' })
  @ApiOkResponse({ type: AssessmentViewDto })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.get(actor, id));
  }

  @Patch(':id')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      'Change location, AMHPs, involvement (interpreter, advocate, police, ambulance) or the interview (s.13(2)). If-Match: a stale version is 412.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateAssessmentDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.update(actor, id, dto, version));
  }

  @Post(':id/events')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      'Add a timed event to the timeline (doctors requested/arrived, interview, bed requested/identified, conveyance, admitted...) with the reason for any delay.',
  })
  @ApiCreatedResponse({ type: AssessmentViewDto })
  async event(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: TimelineEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.addEvent(actor, id, dto));
  }

  @Patch(':id/events/:eventId')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      "Correct a timeline event: its time (tapped late, or the wrong time given), and a warrant executed's attendance (POL-02, s.135(4): who accompanied the constable, judged as at recording, warrant-executed-unaccompanied acknowledged with a reason); the event keeps every earlier time and attendance with who corrected it, when and the reason given; what it already says changes nothing (200, nothing recorded, the version kept: a phone's replay). Moving the admission a s.4 runs from moves its 72 hours (APP-11) as from its referral (POST /referrals/{id}/time-corrections, s4AdmittedAt), its pages at once, and leaves the same record: the correction on the referral's timeline with the reason (or that none was given), audited and published; on a referral that has ended, refused as from the referral (409 referral-not-open, its clocks have stopped). The decision and the signing are corrected with the outcome, not here (409). If-Match: a stale version is 412.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async eventTime(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Param('eventId', new NamedParamPipe(new ParseIntPipe(), 'must be a whole number')) eventId: number,
    @Body() dto: EventTimeDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.correctEventTime(actor, id, String(eventId), dto, version));
  }

  @Post(':id/contacts')
  @Authorize('assessments.write')
  @ApiOperation({ summary: 'Record a contact with the patient and its mode: only in person counts for s.11(5) and s.12 (C8).' })
  @ApiCreatedResponse({ type: AssessmentViewDto })
  async contact(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ContactDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.addContact(actor, id, dto));
  }

  @Post(':id/recommendations')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      'Record a medical recommendation (doctor from the s.12 register, whose approval is checked on the examination date, or entered ad hoc).',
  })
  @ApiCreatedResponse({ type: AssessmentViewDto })
  async recommendation(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: RecommendationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.addRecommendation(actor, id, dto));
  }

  @Post(':id/recommendations/:recommendationId/withdrawal')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a recommendation entered in error (kept, with the reason).' })
  @ApiOkResponse({ type: AssessmentViewDto })
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Param('recommendationId', new ParseIdPipe()) recommendationId: string,
    @Body() dto: WithdrawDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.withdrawRecommendation(actor, id, recommendationId, dto.reason));
  }

  @Put(':id/nearest-relative')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      'The nearest relative for this assessment: confirm the s.26 proposal (GET /people/{id}/nearest-relative) or say why not; when informed (s.2) or consulted (s.3, s.7), or the exception with the facts relied on.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async nearestRelative(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: AssessmentNearestRelativeDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.setNearestRelative(actor, id, dto, version));
  }

  @Put(':id/conflicts')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      "Conflicts of interest (SI 2008/1205): each assessor's clinical teams, whom they direct or employ, and their signed declaration.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async conflicts(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ConflictsDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.setConflicts(actor, id, dto, version));
  }

  @Get(':id/checks')
  @Authorize('assessments.read')
  @ApiOperation({
    summary:
      "The live checklist against the Act: findings (rule, blocker or warning, message, citation) and deadlines (last valid application date, conveyance, s.2 expiry, s.4 second recommendation...), evaluated as at the recorded application's signing, else `asAt`, else now (evaluatedAt, evaluatedAtBasis). `asAt` in the future: 422.",
  })
  @ApiOkResponse({ type: ChecksDto })
  checks(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Query() q: ChecksQuery): Promise<ChecksDto> {
    return this.assessments.checks(actor, id, q.section, q.asAt, q.applicant);
  }

  @Post(':id/outcome')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Record the outcome: an application (s.2, s.3, s.4, s.7; any blocker → 422 with the rule ids, each warning acknowledged with a reason), a CTO decision, or not detained with the alternatives and rationale.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async outcome(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: OutcomeDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordOutcome(actor, id, dto, version));
  }

  @Post(':id/s4-conversion')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'APP-11: convert a s.4 to a s.2 once the second recommendation reached the managers within 72 h of admission (the s.2 runs from the s.4 admission).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async convert(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.convertS4(actor, id, version));
  }

  @Patch(':id/application')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      "Record what happened to a made application, after the fact: the hospital managers' receipt (APP-12; for a patient already in hospital, the admission) or, for guardianship, its forwarding to the LSSA (GDN-06, judged on that date) and the LSSA's acceptance (GDN-08, s.8(1): the guardianship has effect, and its first period runs, from it; after the forwarding). Never before signing, never in the future; also after the assessment closed.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async application(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ApplicationRecordDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordApplication(actor, id, dto, version));
  }

  @Patch(':id/cto-order')
  @Authorize('assessments.write')
  @ApiOperation({
    summary:
      "CTO-07 / CTO-08: record the responsible clinician's order after the AMHP agreed: the CTO made (s.17A(1); it lasts 6 months beginning with that day, s.20A(1)) or revoked (s.17F(4), within the recall's 72 hours; the patient is detained again as if under s.3 from the day of revocation, s.17G). The checks then count the period. Never before the agreement, never in the future; also after the assessment closed.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async ctoOrder(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CtoOrderDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordCtoOrder(actor, id, dto, version));
  }

  @Post(':id/s4-lapse')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'APP-11 / COP-08: record that a s.4 lapsed 72 h after admission without a second recommendation received by the managers (s.4(4)), with what happened to the patient then. Once the 72 h have run; also after the assessment closed.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async s4Lapse(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: S4LapseDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordS4Lapse(actor, id, dto, version));
  }

  @Post(':id/detention-end')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "APP-22: record how the detention (or guardianship) under the made application ended: discharged under s.23 (who, when; the nearest relative only after 72 hours' written notice to the managers and not if barred within them, s.25(1)), a s.2 lapsed at its 28 days (s.2(4)), or a s.2 ended by admission under a s.3 (s.6(4)). Never before the detention began, after it lapsed, or in the future; once; also after the assessment closed. From then the hub's record no longer shows it in force (APP-17).",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async detentionEnd(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: DetentionEndDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordDetentionEnd(actor, id, dto, version));
  }

  @Post(':id/rectification')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "APP-16: record the hospital managers' rectification of the made application under s.15, with their consent, within 14 days beginning with the day of admission: the application or a founding recommendation amended (naming the findings it cured), or a founding recommendation replaced by a fresh one recorded on this assessment (which must comply with s.12 and the s.12A regulations with the other, but for the time of its signature and the interval between the examinations). The checks then show the findings cured. Also after the assessment closed.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async rectification(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: RectificationDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.recordRectification(actor, id, dto, version));
  }

  @Post(':id/close')
  @Authorize('assessments.write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Close the assessment and its referral (s.13(4): written reasons first when the nearest relative asked and there is no application). A deferred decision leaves the referral open.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: AssessmentViewDto })
  async close(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CloseAssessmentDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssessmentViewDto> {
    return this.tagged(reply, await this.assessments.close(actor, id, version, dto.note));
  }

  @Get(':id/report')
  @Authorize('assessments.read')
  @ApiOperation({
    summary:
      'The AMHP outcome report assembled from the record (COP-07): JSON, or printable HTML (`format=html` or Accept: text/html), or PDF (`format=pdf` or Accept: application/pdf). An audited read.',
  })
  @ApiExtraModels(OutcomeReportDto)
  @ApiOkResponse({
    description: 'The report: sections of labelled lines; "Not recorded" where the record is silent.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(OutcomeReportDto) } },
      'text/html': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async report(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Query() q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const format = negotiateFormat(q.format, accept, { json: 'application/json', html: 'text/html', pdf: 'application/pdf' });
    const source = await this.assessments.reportSource(actor, id, 'report', format);
    const now = this.clock.now();
    const report = buildOutcomeReport(outcomeReportModel(source, now, this.config.timeZone, this.config.councilName));
    if (format === 'json') return report;
    if (format === 'html') {
      printableHtml(reply);
      return renderReportHtml(report);
    }
    const pdf = await this.documents.outcomeReportPdf(report, { createdAt: now });
    pdfReply(reply, `amhp-outcome-report-${source.referral.reference || id}.pdf`);
    return pdf;
  }

  @Get(':id/written-reasons-letter')
  @Authorize('assessments.read')
  @ApiOperation({
    summary:
      'The s.13(4) letter giving the nearest relative the written reasons for not applying (NR-12), signed for the council (COUNCIL_NAME): printable HTML, plain text (`format=text` or Accept: text/plain) or PDF (`format=pdf` or Accept: application/pdf). An audited read; 422 when no letter is owed.',
  })
  @ApiOkResponse({
    description: 'The letter.',
    content: {
      'text/html': { schema: { type: 'string' } },
      'text/plain': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async letter(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Query() q: LetterQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const format = negotiateFormat(q.format, accept, { html: 'text/html', text: 'text/plain', pdf: 'application/pdf' });
    // No letter owed is refused inside the read's transaction: nothing is then recorded as read.
    const { letter, reference } = await this.assessments.reportSource(actor, id, 'written-reasons-letter', format, (source) => {
      const input = writtenReasonsInput(source, this.config.timeZone, this.config.councilName);
      if ('problem' in input) throw new UnprocessableProblem(input.problem, 'no-letter-owed', { rule: 'NR-12' satisfies RuleId });
      return { letter: writtenReasonsLetter(input), reference: source.referral.reference };
    });
    if (format === 'pdf') {
      const pdf = await this.documents.letterPdf(letter, { createdAt: this.clock.now() });
      pdfReply(reply, `s13-4-written-reasons-${reference || id}.pdf`);
      return pdf;
    }
    if (format === 'text') reply.header('content-type', 'text/plain; charset=utf-8');
    else printableHtml(reply);
    return format === 'text' ? letter.text : letter.html;
  }

  private tagged(reply: FastifyReply, a: AssessmentViewDto): AssessmentViewDto {
    reply.header('etag', etagFor(a.version));
    return a;
  }
}

/** A PDF of a person's record: never cached, shown in the browser with a filename made of safe characters. */
function pdfReply(reply: FastifyReply, filename: string): void {
  reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
    .header('cache-control', 'no-store');
}
