import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { Page } from '../common/pagination';
import {
  CreatePractitionerDto,
  PractitionerDto,
  PractitionerPageDto,
  PractitionerQuery,
  UpdatePractitionerDto,
} from './dto/practitioner.dto';
import { EligibilityDto, EligibilityListDto, EligibilityListQuery, EligibilityQuery } from './dto/training.dto';
import { EligibilityService } from './eligibility.service';
import { PractitionersService } from './practitioners.service';
import { ParseIdPipe } from '../common/validation';

@ApiTags('workforce')
@Controller('practitioners')
export class PractitionersController {
  constructor(
    private readonly practitioners: PractitionersService,
    private readonly eligibility: EligibilityService,
  ) {}

  @Post()
  @Authorize('practitioners.write')
  @ApiOperation({ summary: 'Create the practitioner record of a user (profession, registration, team, hours, rota skills).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PractitionerDto })
  @ApiUnprocessableEntityResponse({ description: 'A doctor cannot be an AMHP (AMHP-04).' })
  async create(@Body() dto: CreatePractitionerDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<PractitionerDto> {
    const p = await this.practitioners.create(dto);
    reply.header('etag', etagFor(p.version)).header('location', `/practitioners/${p.id}`);
    return p;
  }

  @Get()
  @Authorize('practitioners.read')
  @ApiOperation({ summary: 'List practitioners by name (an AMHP sees only their own record).' })
  @ApiOkResponse({ type: PractitionerPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: PractitionerQuery): Promise<Page<PractitionerDto>> {
    return this.practitioners.list(actor, q);
  }

  @Get('eligibility')
  @Authorize('practitioners.read')
  @ApiOperation({
    summary:
      'May each practitioner act as an AMHP for the whole period? One answer for every practitioner the caller may read (an AMHP: their own), as GET /practitioners/{id}/eligibility gives it for one, in the order GET /practitioners lists them (by name).',
  })
  @ApiOkResponse({ type: EligibilityListDto })
  checkAll(@CurrentActor() actor: Actor, @Query() q: EligibilityListQuery): Promise<EligibilityListDto> {
    return this.eligibility.checkAll(actor, q);
  }

  @Get(':id')
  @Authorize('practitioners.read')
  @ApiOperation({ summary: 'One practitioner, with the status of their current approval.' })
  @ApiOkResponse({ type: PractitionerDto })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PractitionerDto> {
    const p = await this.practitioners.get(actor, id);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Patch(':id')
  @Authorize('practitioners.write')
  @ApiOperation({
    summary:
      'Change registration, team, hours, skills, supervision interval or active flag. Never on your own record: another manager must (AMHP-12, 403 own-record).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: PractitionerDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdatePractitionerDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PractitionerDto> {
    const p = await this.practitioners.update(actor, id, dto, version);
    reply.header('etag', etagFor(p.version));
    return p;
  }

  @Get(':id/eligibility')
  @Authorize('practitioners.read')
  @ApiOperation({ summary: 'May this practitioner act as an AMHP for the whole period? Every reason, hard or warning, with its rule id.' })
  @ApiOkResponse({ type: EligibilityDto })
  check(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string, @Query() q: EligibilityQuery): Promise<EligibilityDto> {
    return this.eligibility.check(actor, id, q.from, q.to);
  }
}
