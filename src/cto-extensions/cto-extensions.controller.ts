import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { ParseIdPipe } from '../common/validation';
import { CtoExtensionsService } from './cto-extensions.service';
import {
  AllocateCtoExtensionDto,
  CreateCtoExtensionDto,
  CtoExtensionListDto,
  CtoExtensionDetailDto,
  CtoExtensionQuery,
  CtoExtensionStatementDto,
  WithdrawCtoExtensionDto,
} from './dto/cto-extension.dto';

/** CTO-04 (MHA 1983 s.20A(3), (4), (8)): requests for an AMHP's statement on extending a community treatment order. */
@ApiTags('cto-extensions')
@Controller('cto-extensions')
export class CtoExtensionsController {
  constructor(private readonly ctoExtensions: CtoExtensionsService) {}

  @Post()
  @Authorize('cto-extensions.write')
  @ApiOperation({
    summary:
      "Refer a responsible clinician's request for an AMHP's statement on extending a CTO (s.20A(4), (8)): the patient, the day the CTO was made, the last day of its current period, the day the clinician examined the patient (within the two months ending with that last day). Managers and AMHPs, for a patient whose record they may change; the responsible clinician's team through a referrer account, for a patient of its own referrals: the request is then its own to follow.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CtoExtensionDetailDto })
  @ApiUnprocessableEntityResponse({
    description:
      '`examination-too-early`, `examination-after-expiry`, `examination-before-cto`, `cto-expired`, `cto-expiry-not-a-period-end`, `cto-expiry-before-made`, `person-not-found`, `in-future` (each naming its field).',
  })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateCtoExtensionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CtoExtensionDetailDto> {
    const c = await this.ctoExtensions.create(actor, dto);
    reply.header('etag', etagFor(c.version)).header('location', `/cto-extensions/${c.id}`);
    return c;
  }

  @Get()
  @Authorize('cto-extensions.read')
  @ApiOperation({
    summary:
      'CTO extension requests of the people you may read (a referrer: the requests it made itself), the soonest to expire first (`status`, `assigned=me`, `personId`, `limit`). Each shown is an audited read.',
  })
  @ApiOkResponse({ type: CtoExtensionListDto })
  list(@CurrentActor() actor: Actor, @Query() q: CtoExtensionQuery): Promise<CtoExtensionListDto> {
    return this.ctoExtensions.list(actor, q);
  }

  @Get(':id')
  @Authorize('cto-extensions.read')
  @ApiOperation({
    summary:
      "One CTO extension request, with the AMHP's statement and whether the CTO is extended, and to when, and its timeline: each step (received, allocated, reallocated, statement made, withdrawn with why, lapsed, breach raised), when and by whom, oldest first. A referrer reads only the requests it made itself (another's, or an unknown id, is 403).",
  })
  @ApiOkResponse({ type: CtoExtensionDetailDto })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CtoExtensionDetailDto> {
    const c = await this.ctoExtensions.get(actor, id);
    reply.header('etag', etagFor(c.version));
    return c;
  }

  @Post(':id/allocation')
  @Authorize('cto-extensions.allocate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Allocate (or reallocate) the request to an AMHP who may act as one now. If-Match: a stale version is 412.' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CtoExtensionDetailDto })
  @ApiConflictResponse({
    description:
      "`cto-extension-decided`: the AMHP's statement is made; `cto-extension-withdrawn`: the request was withdrawn; `cto-extension-lapsed`.",
  })
  @ApiUnprocessableEntityResponse({ description: '`amhp-not-eligible` (naming amhpUserId).' })
  async allocate(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: AllocateCtoExtensionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CtoExtensionDetailDto> {
    const c = await this.ctoExtensions.allocate(actor, id, dto, version);
    reply.header('etag', etagFor(c.version));
    return c;
  }

  @Post(':id/statement')
  @Authorize('cto-extensions.state')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "The allocated AMHP's statement in writing (s.20A(8), form CTO7): agree or not, with reasons, signed under an approval current then, on or after the examination and by the end of the day the CTO expires. An agreement lets the responsible clinician's report extend the CTO for its next period (s.20A(3)); a disagreement means it cannot be extended on this examination. Final once made. If-Match: a stale version is 412.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CtoExtensionDetailDto })
  @ApiConflictResponse({
    description:
      '`cto-extension-decided` (already made), `cto-extension-withdrawn` (the request was withdrawn), `cto-extension-not-allocated-to-you`.',
  })
  @ApiUnprocessableEntityResponse({
    description: '`statement-after-expiry`, `statement-before-examination`, `amhp-not-approved`, `signed-before-received`, `in-future`.',
  })
  async state(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CtoExtensionStatementDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CtoExtensionDetailDto> {
    const c = await this.ctoExtensions.state(actor, id, dto, version);
    reply.header('etag', etagFor(c.version));
    return c;
  }

  @Post(':id/withdraw')
  @Authorize('cto-extensions.withdraw')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Withdraw the request before the AMHP's statement is made (CTO-04): the responsible clinician is not extending the CTO, it was revoked or the patient discharged, the request was made in error, or another reason given in the note. By the referrer account that made it (its own: another's, or an unknown id, is 403) or a manager. Its deadline's warnings and pages are closed (request-withdrawn), the allocated AMHP is told, and the job warns of it no more: it does not lapse. Final. If-Match: a stale version is 412.",
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CtoExtensionDetailDto })
  @ApiConflictResponse({
    description:
      "`cto-extension-decided` (the AMHP's statement is already made), `cto-extension-withdrawn` (already withdrawn), `cto-extension-lapsed` (the CTO expired without the statement).",
  })
  @ApiUnprocessableEntityResponse({ description: "`requirement-missing` (naming note): reason 'other' with no reasons in the note." })
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: WithdrawCtoExtensionDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CtoExtensionDetailDto> {
    const c = await this.ctoExtensions.withdraw(actor, id, dto, version);
    reply.header('etag', etagFor(c.version));
    return c;
  }
}
