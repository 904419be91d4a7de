import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Decision } from '../access/policy';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { AccessDecision, CurrentActor, IfMatchVersion } from '../common/http';
import {
  CreateDisplacementDto,
  CreateNominatedPersonDto,
  CreateObjectionDto,
  CreateRelativeDto,
  DecideDisplacementAppealDto,
  DisplacementDto,
  DisplacementListDto,
  EndNominatedPersonDto,
  LodgeDisplacementAppealDto,
  NearestRelativeDto,
  NominatedPersonDto,
  NominatedPersonListDto,
  NearestRelativeQuery,
  ObjectionDto,
  ObjectionListDto,
  RelativeDto,
  RelativeListDto,
  UpdateDisplacementDto,
  UpdateRelativeDto,
  WithdrawObjectionDto,
} from './dto/relative.dto';
import { RelativesService } from './relatives.service';
import { ParseIdPipe } from '../common/validation';

/** The guard always decides person-scoped routes before the handler runs; this only satisfies the type. */
function decided(decision: Decision | undefined): Decision {
  if (!decision) throw new Error('person route reached without an access decision');
  return decision;
}

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag you read; a stale one is 412.' };

/**
 * A person's relatives, the nearest relative s.26 proposes (with its trace), nearest-relative objections (NR-02)
 * and s.29 displacement applications (NR-10). Person-level: every assessment of the person uses the same facts.
 */
@ApiTags('people')
@Controller('people/:id')
export class RelativesController {
  constructor(private readonly relatives: RelativesService) {}

  @Get('relatives')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({ summary: "The person's relatives and carers, as recorded (audited read)." })
  @ApiOkResponse({ type: RelativeListDto })
  @ApiNotFoundResponse({ description: 'No such person.' })
  async list(@Param('id', new ParseIdPipe()) id: string, @AccessDecision() decision: Decision | undefined): Promise<RelativeListDto> {
    return { items: await this.relatives.list(id, decided(decision)) };
  }

  @Post('relatives')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary:
      'Record a relative or carer with the facts s.26 ranks by (relationship, whole blood, date of birth, living with or caring for, UK residence, separation, years living together, authorised delegate).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: RelativeDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields, e.g. an unknown relationship (problem+json with per-field errors).' })
  @ApiNotFoundResponse({ description: 'No such person.' })
  @ApiUnprocessableEntityResponse({ description: '`date-of-birth-in-future` or `date-of-birth-implausible`.' })
  async create(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateRelativeDto,
    @CurrentActor() actor: Actor,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RelativeDto> {
    const relative = await this.relatives.create(actor, id, dto, decided(decision));
    reply.header('etag', etagFor(relative.version));
    return relative;
  }

  @Patch('relatives/:relativeId')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: "Change a relative's facts; `null` clears an optional field. The audit records which fields changed, not their values.",
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: RelativeDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such relative of theirs.' })
  @ApiPreconditionFailedResponse({ description: 'The relative changed since the ETag given.' })
  @ApiUnprocessableEntityResponse({ description: '`date-of-birth-in-future` or `date-of-birth-implausible`.' })
  async update(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('relativeId', new ParseIdPipe()) relativeId: string,
    @Body() dto: UpdateRelativeDto,
    @IfMatchVersion() version: ExpectedVersion,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RelativeDto> {
    const relative = await this.relatives.update(id, relativeId, dto, version, decided(decision));
    reply.header('etag', etagFor(relative.version));
    return relative;
  }

  @Get('nearest-relative')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({
    summary:
      'The nearest relative s.26 proposes on a date (default today), with the ranking, exclusions and a trace citing each subsection; the objections in force (NR-02) and the s.29 state (NR-10).',
    description:
      'A proposal for the AMHP to confirm: it says what it assumed. A s.29 order in force names the acting nearest relative and overrides s.26. ' +
      'From the configured MHA 2025 nominated-person commencement, there is no nearest relative (`regime: nominated-person`) and the trace says a nominated person must be appointed.',
  })
  @ApiOkResponse({ type: NearestRelativeDto })
  @ApiBadRequestResponse({ description: '`asAt` is not a date YYYY-MM-DD.' })
  @ApiNotFoundResponse({ description: 'No such person.' })
  nearestRelative(
    @Param('id', new ParseIdPipe()) id: string,
    @Query() q: NearestRelativeQuery,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<NearestRelativeDto> {
    return this.relatives.nearestRelative(id, q.asAt, decided(decision));
  }

  @Get('nearest-relative-objections')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({
    summary: 'Every nearest-relative objection recorded for the person, newest first, each saying whether it is in force (audited read).',
  })
  @ApiOkResponse({ type: ObjectionListDto })
  @ApiNotFoundResponse({ description: 'No such person.' })
  async objections(
    @Param('id', new ParseIdPipe()) id: string,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<ObjectionListDto> {
    return { items: await this.relatives.listObjections(id, decided(decision)) };
  }

  @Post('nearest-relative-objections')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary:
      'Record a nearest-relative objection to a s.3 or guardianship application (NR-02), notified to an AMHP or to the council (duty line, EDT).',
    description:
      'It stays in force across assessments until withdrawn (M v East London). NR-14: record who objected (objectorKind); only an objection by the nearest ' +
      'relative at the time, the s.29 acting nearest relative, or a reg 24 delegate of either counts (from the MHA 2025 commencement: the nominated ' +
      'person); the others are kept and shown as information.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ObjectionDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person.' })
  @ApiUnprocessableEntityResponse({
    description:
      '`in-future` (notifiedAt after now), `before-birth` (notifiedAt before the person was born), `objector-incomplete` (the fields for objectorKind), `unknown-relative`, `unknown-displacement` or `unknown-nominated-person`.',
  })
  createObjection(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateObjectionDto,
    @CurrentActor() actor: Actor,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<ObjectionDto> {
    return this.relatives.createObjection(actor, id, dto, decided(decision));
  }

  @Post('nearest-relative-objections/:objectionId/withdrawal')
  @Authorize('person.write', { personParam: 'id' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Record that the nearest relative clearly withdrew the objection (once: a second withdrawal is 409).' })
  @ApiOkResponse({ type: ObjectionDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields; details are required.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such objection of theirs.' })
  @ApiConflictResponse({ description: '`already-withdrawn`.' })
  @ApiUnprocessableEntityResponse({ description: '`in-future`, `before-birth` or `withdrawn-before-notified`.' })
  withdrawObjection(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('objectionId', new ParseIdPipe()) objectionId: string,
    @Body() dto: WithdrawObjectionDto,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<ObjectionDto> {
    return this.relatives.withdrawObjection(id, objectionId, dto, decided(decision));
  }

  @Get('displacements')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({ summary: 'Every s.29 displacement application for the person, newest first (audited read).' })
  @ApiOkResponse({ type: DisplacementListDto })
  @ApiNotFoundResponse({ description: 'No such person.' })
  async displacements(
    @Param('id', new ParseIdPipe()) id: string,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<DisplacementListDto> {
    return { items: await this.relatives.listDisplacements(id, decided(decision)) };
  }

  @Post('displacements')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: 'Record a s.29 application to the county court to displace the nearest relative (NR-10), on ground (a)-(e), as filed.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: DisplacementDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person.' })
  @ApiUnprocessableEntityResponse({
    description: '`in-future` (filedAt after now), `before-birth` (filedAt before the person was born) or `unknown-relative`.',
  })
  async createDisplacement(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateDisplacementDto,
    @CurrentActor() actor: Actor,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DisplacementDto> {
    const d = await this.relatives.createDisplacement(actor, id, dto, decided(decision));
    reply.header('etag', etagFor(d.version));
    return d;
  }

  @Patch('displacements/:displacementId')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary:
      "Record the court's progress: applied → interim-order | order | refused | withdrawn; interim-order → order | refused | withdrawn.",
    description:
      'An illegal move is 409 naming the allowed ones. An order needs actingNearestRelative and effectiveFrom; from that date it overrides the s.26 proposal.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: DisplacementDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such application of theirs.' })
  @ApiConflictResponse({ description: '`illegal-transition`, with `allowed`.' })
  @ApiPreconditionFailedResponse({ description: 'The application changed since the ETag given.' })
  @ApiUnprocessableEntityResponse({ description: '`order-incomplete`, `no-order`, `effective-before-filed` or `before-birth`.' })
  async updateDisplacement(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('displacementId', new ParseIdPipe()) displacementId: string,
    @Body() dto: UpdateDisplacementDto,
    @IfMatchVersion() version: ExpectedVersion,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DisplacementDto> {
    const d = await this.relatives.updateDisplacement(id, displacementId, dto, version, decided(decision));
    reply.header('etag', etagFor(d.version));
    return d;
  }

  @Post('displacements/:displacementId/appeal')
  @HttpCode(200)
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: "NR-11 (s.29(5)): record an appeal lodged against the court's decision on the application (an order, or a refusal).",
    description:
      'While the appeal is pending the application is not finally disposed of, so a s.2 it extends (ground (c) or (d), made during the s.2) has no end date. Lodged on or after the decision and within the time for appealing (S29_APPEAL_DAYS, 21 days by default), not in the future.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: DisplacementDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such application of theirs.' })
  @ApiConflictResponse({
    description: '`appeal-already-recorded`, `no-decision-to-appeal` (not an order or a refusal) or `decision-day-not-recorded`.',
  })
  @ApiPreconditionFailedResponse({ description: 'The application changed since the ETag given.' })
  @ApiUnprocessableEntityResponse({
    description: '`appeal-before-decision`, `appeal-out-of-time` (NR-11: after the time for appealing) or `in-future`, naming lodgedOn.',
  })
  async lodgeDisplacementAppeal(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('displacementId', new ParseIdPipe()) displacementId: string,
    @Body() dto: LodgeDisplacementAppealDto,
    @IfMatchVersion() version: ExpectedVersion,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DisplacementDto> {
    const d = await this.relatives.lodgeAppeal(id, displacementId, dto, version, decided(decision));
    reply.header('etag', etagFor(d.version));
    return d;
  }

  @Post('displacements/:displacementId/appeal/decision')
  @HttpCode(200)
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: 'NR-11 (s.29(5)): record the appeal determined or withdrawn; the application is finally disposed of that day.',
    description:
      'A s.2 the application extends then ends at the end of that day, or 7 days later when an order stands after it (order-upheld, refusal-reversed, or an appeal against an order withdrawn; s.29(4)(b)).',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: DisplacementDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such application of theirs.' })
  @ApiConflictResponse({ description: '`no-appeal` or `appeal-already-disposed`.' })
  @ApiPreconditionFailedResponse({ description: 'The application changed since the ETag given.' })
  @ApiUnprocessableEntityResponse({
    description: '`appeal-outcome-mismatch` (naming outcome), `appeal-disposed-before-lodged` or `in-future` (naming disposedOn).',
  })
  async decideDisplacementAppeal(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('displacementId', new ParseIdPipe()) displacementId: string,
    @Body() dto: DecideDisplacementAppealDto,
    @IfMatchVersion() version: ExpectedVersion,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DisplacementDto> {
    const d = await this.relatives.decideAppeal(id, displacementId, dto, version, decided(decision));
    reply.header('etag', etagFor(d.version));
    return d;
  }

  @Get('nominated-persons')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({ summary: 'MHA25-05: every nominated-person appointment for the person, newest first (audited read).' })
  @ApiOkResponse({ type: NominatedPersonListDto })
  @ApiNotFoundResponse({ description: 'No such person.' })
  async nominated(
    @Param('id', new ParseIdPipe()) id: string,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<NominatedPersonListDto> {
    return { items: await this.relatives.listNominated(id, decided(decision)) };
  }

  @Post('nominated-persons')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: 'MHA25-05 (MHA 2025 s.24): record a nominated person appointed: who, from when, by whom (patient, AMHP, court) and how.',
    description:
      'A nominated person in office on that day is replaced (their appointment ends that day). Before the configured commencement ' +
      '(MHA2025_NOMINATED_PERSON_FROM) the appointment is information only and the nearest relative keeps the functions.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: NominatedPersonDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person.' })
  @ApiConflictResponse({ description: '`appointment-overlaps`: a nominated person was appointed on or after that day.' })
  @ApiUnprocessableEntityResponse({ description: '`in-future`, `before-birth` or `unknown-relative`.' })
  appointNominated(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateNominatedPersonDto,
    @CurrentActor() actor: Actor,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<NominatedPersonDto> {
    return this.relatives.appointNominated(actor, id, dto, decided(decision));
  }

  @Post('nominated-persons/:nominatedPersonId/end')
  @Authorize('person.write', { personParam: 'id' })
  @HttpCode(200)
  @ApiOperation({ summary: 'MHA25-05: record that a nominated person’s appointment ended, and why (once: a second is 409).' })
  @ApiOkResponse({ type: NominatedPersonDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiNotFoundResponse({ description: 'No such person, or no such nominated person of theirs.' })
  @ApiConflictResponse({ description: '`already-ended`.' })
  @ApiUnprocessableEntityResponse({ description: '`in-future`, `before-birth` or `ended-before-appointed`.' })
  endNominated(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('nominatedPersonId', new ParseIdPipe()) nominatedPersonId: string,
    @Body() dto: EndNominatedPersonDto,
    @AccessDecision() decision: Decision | undefined,
  ): Promise<NominatedPersonDto> {
    return this.relatives.endNominated(id, nominatedPersonId, dto, decided(decision));
  }
}
