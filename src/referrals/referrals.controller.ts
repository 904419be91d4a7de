import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import {
  AllocateDto,
  CreateReferralDto,
  ArrivalDto,
  ExtensionDto,
  OfferDto,
  OfferListDto,
  OfferResponseDto,
  PoliceRecordDto,
  ReferralDto,
  ReferralEventListDto,
  ReferralPageDto,
  ReferralQuery,
  ReferralStatusDto,
  TimeCorrectionDto,
  TransferDto,
  TransitionDto,
  WrittenReasonsDto,
} from './dto/referral.dto';
import { answerVersion, ReferralsService } from './referrals.service';
import { DetentionEndDto } from '../assessments/dto/assessment.dto';
import { Revalidated } from '../common/conditional-get';
import { ParseIdPipe } from '../common/validation';

@ApiTags('referrals')
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Post()
  @Authorize('referrals.create')
  @ApiOperation({
    summary:
      'Refer a person for an MHA assessment: statutory clocks start from the legal context (s.136, s.135, s.5(2), s.5(4)). Thin clients should send an Idempotency-Key.',
    description:
      'A person who already has an open referral (the same NHS number; or, without one, the same names and date of birth among people with an open referral whom the caller may already read) is not recorded twice. The new referral is still created (201), against the same person, linked to the open one in both timelines, with the finding `open-referral-exists` (rule DUTY-02, severity warning) carrying `referralId` and `href` of the open referral: never refused with 409, so that nothing the referrer sends is lost; the duty AMHP decides whether to withdraw it as a duplicate.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({
    description:
      "ReferralDto for a caller who may read the person's record; ReferralStatusDto (as GET gives them) for a referrer, and for staff who named a recorded person they may not read.",
    schema: { oneOf: [{ $ref: getSchemaPath(ReferralDto) }, { $ref: getSchemaPath(ReferralStatusDto) }] },
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateReferralDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto | ReferralStatusDto> {
    const r = await this.referrals.create(actor, dto);
    if ('version' in r) reply.header('etag', etagFor(r.version));
    reply.header('location', `/referrals/${r.id}`);
    return r;
  }

  @Get()
  @Authorize('referrals.read')
  @Revalidated({ personData: true })
  @ApiOperation({
    summary: 'The queue, soonest deadline first: open referrals whose person you may read (a referrer: their own, status only).',
  })
  @ApiOkResponse({ type: ReferralPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ReferralQuery): Promise<ReferralPageDto> {
    return this.referrals.list(actor, q);
  }

  @Get(':id')
  @Authorize('referrals.read')
  @Revalidated({ personData: true })
  @ApiOperation({ summary: 'One referral with its clocks and their state (a referrer: the status of their own).' })
  @ApiOkResponse({
    description: 'ReferralDto for hub staff; ReferralStatusDto for a referrer.',
    schema: { oneOf: [{ $ref: getSchemaPath(ReferralDto) }, { $ref: getSchemaPath(ReferralStatusDto) }] },
  })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto | ReferralStatusDto> {
    const r = await this.referrals.get(actor, id);
    // A referrer's status view too: the version she read is what she sends with the police's answer (If-Match).
    const version = answerVersion(r);
    if (version !== undefined) reply.header('etag', etagFor(version));
    return r;
  }

  @Get(':id/events')
  @Authorize('referrals.screen')
  @ApiOperation({ summary: "The referral's timeline: every change, who, when." })
  @ApiOkResponse({ type: ReferralEventListDto })
  async events(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<ReferralEventListDto> {
    return { items: await this.referrals.timeline(actor, id) };
  }

  @Post(':id/status')
  @Authorize('referrals.screen')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move the referral in its workflow (screening, accepted, not-accepted, transferred, in-assessment, closed, withdrawn); an illegal move is 409 naming the allowed ones.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ReferralDto })
  async move(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: TransitionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto> {
    const r = await this.referrals.move(actor, id, dto, version);
    reply.header('etag', etagFor(r.version));
    return r;
  }

  @Post(':id/written-reasons')
  @Authorize('referrals.screen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the written reasons given to the nearest relative for not applying (s.13(4), NR-12).' })
  @ApiOkResponse({ type: ReferralDto })
  writtenReasons(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: WrittenReasonsDto,
  ): Promise<ReferralDto> {
    return this.referrals.writtenReasons(actor, id, dto);
  }

  @Post(':id/extensions')
  @Authorize('referrals.screen')
  @ApiOperation({
    summary:
      "Record a s.136B extension: at most 12 h, authorised by the examining doctor before expiry, for the person's condition (never a bed or staff shortage).",
  })
  @ApiCreatedResponse({ type: ReferralDto })
  extend(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: ExtensionDto): Promise<ReferralDto> {
    return this.referrals.extend(actor, id, dto);
  }

  @Post(':id/transfers')
  @Authorize('referrals.screen')
  @ApiOperation({
    summary:
      "Record that the person was taken to another place of safety (s.136(3), s.135(3A)): the new place, its type and the arrival there. The 24 hours (and any s.136B extension) still run from the first start: the clock does not move. Refused (422) outside the period; a child moved to a police station is recorded and raised at once (POL-09). A move to a private dwelling or another suitable place carries the agreements to it (placeOfSafetyConsent, POL-10, s.135(7)): the referral's POL-10 findings are judged again for the new place (a warning when an agreement was refused or is not known, never a refusal); agreements given for a place that needs none are 422 place-of-safety-consent-not-applicable naming the field.",
  })
  @ApiCreatedResponse({ type: ReferralDto })
  transfer(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: TransferDto): Promise<ReferralDto> {
    return this.referrals.transfer(actor, id, dto);
  }

  @Post(':id/arrival')
  @Authorize('referrals.screen')
  @ApiOperation({
    summary:
      "Record an arrival not known at intake: a recalled community patient's detention in hospital beginning (s.17F(8): the 72 hours run from it), or a person under a s.135(1) warrant reaching the place of safety (s.135(3ZA): the 24 hours run from it). Until then the clock runs provisionally from the notice or the warrant. Once only (409 arrival-already-recorded); 422 naming `at` for another power, before the notice or warrant, or in the future.",
  })
  @ApiCreatedResponse({ type: ReferralDto })
  recordArrival(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: ArrivalDto): Promise<ReferralDto> {
    return this.referrals.recordArrival(actor, id, dto);
  }

  @Post(':id/time-corrections')
  @Authorize('referrals.screen')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Correct a time a statutory clock runs from, earlier or later, with the reason (the police or the ward gave a wrong time): a s.136 arrival at the place of safety or decision to keep, a s.135(1) warrant executed, arrival or first entry, a s.5(2) report or prior s.5(4) record, a s.5(4) record, a CTO recall notice or arrival; or the admission under a s.4 application the referral's assessment made (s4AdmittedAt: its 72 hours, APP-11, and its conversion into a s.2 judged again; moved on the assessment's timeline, audited there too; past the 24 hours to convey only with admitted-after-conveyance-window acknowledged). 422 naming `time` for one the legal context does not have, or no s.4 admission recorded (an arrival not yet recorded is recorded with POST /referrals/{id}/arrival), naming `at` for a time in the future, unchanged, or one the record makes impossible (before the warrant or notice, after a move to another place of safety, before the s.4 application was made, a s.136's arrival or decision to keep before the constable's consultation recorded: POL-06). The clocks are worked out again and, at once, the pages and warnings of the old end are closed (deadline-moved) and the job's holder (else the managers on call) is warned and paged by the new end, of the breach when it has passed. On a referral that has ended (closed, withdrawn, ...) its clocks have stopped: 409 referral-not-open, as for the s.4 admission moved on the assessment's timeline. If-Match: 412 for a stale version.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ReferralDto })
  async correctTime(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: TimeCorrectionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto> {
    const r = await this.referrals.correctTime(actor, id, dto, version);
    reply.header('etag', etagFor(r.version));
    return r;
  }

  @Post(':id/police-record')
  @Authorize('referrals.police-record')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Add or correct, after intake, the police's answer about how they used the power, with the reason: a s.136's consultation before removal (policeConsultation, POL-06, s.136(1C)) or who attended a s.135 warrant's execution (executionAttendance, POL-02, s.135(4)), in place of what intake recorded.",
    description:
      "By the referrer who made the referral (the answer is then its status view), a manager, or the AMHP working the referral (a duty AMHP until it is allocated, then the allocated AMHP). Judged as at intake: 400 naming a record the referral's power does not keep (or the one it needs, left out); 422 naming the field for a consultation after the arrival at, or the decision to keep at, the place of safety, yes without a profession, a profession, time or advice with another answer, an attending AMHP who is not one of the hub's, an unknown doctor, an attendance with no time of execution; 422 police-record-unchanged; 409 no-police-power on any other legal context. The rule's warnings are judged again (findings-rejudged on the timeline): s136-consultation-not-recorded goes once the consultation is recorded, warrant-executed-unaccompanied appears for a s.135(1) executed without an AMHP or a doctor. On the timeline (police-record-corrected), audited and published. If-Match: 412 for a stale version.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({
    description: 'ReferralDto for hub staff; ReferralStatusDto for the referrer.',
    schema: { oneOf: [{ $ref: getSchemaPath(ReferralDto) }, { $ref: getSchemaPath(ReferralStatusDto) }] },
  })
  async policeRecord(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: PoliceRecordDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto | ReferralStatusDto> {
    const r = await this.referrals.recordPoliceAnswer(actor, id, dto, version);
    const now = answerVersion(r);
    if (now !== undefined) reply.header('etag', etagFor(now));
    return r;
  }

  @Post(':id/detention-end')
  @Authorize('referrals.screen')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "APP-22 for the s.2 the referral states the patient is already on (already-s2): how it ended, as for an application's detention-end: discharged (s.23: at and by; the nearest relative after 72 hours' notice, not when barred, s.25(1)), lapsed (once its 28 days, with any s.29(4) extension, have run), became-s3 (s.6(4)). 422 naming the field for a time before the admission, after the lapse or in the future; once only (409 detention-end-recorded, also when recorded on the hub's own assessment of the same admission). From then APP-17 no longer refuses a further s.2 and the s.2 clock stops.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ReferralDto })
  async detentionEnd(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: DetentionEndDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralDto> {
    const r = await this.referrals.recordDetentionEnd(actor, id, dto, version);
    reply.header('etag', etagFor(r.version));
    return r;
  }

  @Post(':id/allocation')
  @Authorize('referrals.allocate')
  @HttpCode(200)
  @ApiOperation({ summary: "Allocate to a named AMHP eligible now, or with a manager's recorded override." })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version read: needed to move a referral already allocated (without it, 409 already-allocated); stale, 412.',
  })
  @ApiOkResponse({ type: ReferralDto })
  allocate(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: AllocateDto,
    @IfMatchVersion() version: ExpectedVersion,
  ): Promise<ReferralDto> {
    return this.referrals.allocate(actor, id, dto, version);
  }

  @Post(':id/offers')
  @Authorize('referrals.screen')
  @ApiOperation({ summary: 'Offer the referral to AMHPs (default: everyone on duty now); the first to accept is allocated.' })
  @ApiCreatedResponse({ type: OfferListDto })
  async offer(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: OfferDto): Promise<OfferListDto> {
    return { items: await this.referrals.offer(actor, id, dto.userIds) };
  }

  @Get(':id/offers')
  @Authorize('referrals.screen')
  @ApiOperation({ summary: 'Who the referral was offered to, and their answers.' })
  @ApiOkResponse({ type: OfferListDto })
  async offers(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<OfferListDto> {
    return { items: await this.referrals.listOffers(actor, id) };
  }

  @Post(':id/offers/accept')
  @Authorize('referrals.respond')
  @ApiOperation({
    summary: 'Accept the offer made to you: exactly one acceptance wins and creates the allocation (201); a late one is 409.',
  })
  @ApiCreatedResponse({ type: ReferralDto })
  @ApiConflictResponse({
    description:
      'The offer is no longer open, said plainly with the time in local time: `offer-taken` (accepted by another AMHP), `offer-withdrawn` (allocated by a manager, or the referral ended), `offer-answered` (you already answered it).',
  })
  accept(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: OfferResponseDto): Promise<ReferralDto> {
    return this.referrals.respond(actor, id, true, dto.note);
  }

  @Post(':id/offers/decline')
  @Authorize('referrals.respond')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline the offer made to you.' })
  @ApiOkResponse({ type: ReferralDto })
  @ApiConflictResponse({
    description: 'The offer is no longer open: `offer-taken`, `offer-withdrawn` or `offer-answered` (as for accept).',
  })
  decline(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Body() dto: OfferResponseDto): Promise<ReferralDto> {
    return this.referrals.respond(actor, id, false, dto.note);
  }
}
