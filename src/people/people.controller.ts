import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
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
import { Page } from '../common/pagination';
import { CreatePersonDto, PersonDto, PersonPageDto, PersonSearchQuery, PersonSummaryDto, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';
import { ParseIdPipe } from '../common/validation';

/** The guard always decides person-scoped routes before the handler runs; this only satisfies the type. */
function decided(decision: Decision | undefined): Decision {
  if (!decision) throw new Error('person route reached without an access decision');
  return decision;
}

@ApiTags('people')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @Authorize('people.create')
  @ApiOperation({
    summary: 'Record a new person (the subject of a referral).',
    description:
      'Creating a person gives no relationship to them: relationships come from referrals. So a referrer who records a person ' +
      'without making a referral cannot read the record back (GET answers 403): intended. An NHS number already recorded is a 409 ' +
      "`person-exists` with the existing id and its link, and none of that person's details, to a caller who may read that record. " +
      'To anyone else the answer is the one a number never recorded gets (201, what was sent): the person is recorded without the ' +
      'number and a pending match left for a manager (GET /people/matches), so an NHS number alone never says whether the hub holds it.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: PersonDto })
  @ApiBadRequestResponse({
    description: 'Invalid fields, e.g. an NHS number with a wrong check digit or an unknown ethnic category code (problem+json).',
  })
  @ApiConflictResponse({
    description:
      '`person-exists`, to a caller who may read the record: a person with this NHS number is recorded; `existingId` and `href` name them.',
  })
  @ApiUnprocessableEntityResponse({ description: '`date-of-birth-in-future` or `date-of-birth-implausible`.' })
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreatePersonDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonDto> {
    const person = await this.people.create(actor, dto);
    reply.header('etag', etagFor(person.version)).header('location', `/people/${person.id}`);
    return person;
  }

  @Get()
  @Authorize('people.search')
  @ApiOperation({
    summary: 'Find people by NHS number, or by family name (prefix) and date of birth.',
    description:
      'Only people you may read are returned; each is recorded in the audit log as read by you. Without criteria: 400 (no browsing).',
  })
  @ApiOkResponse({ type: PersonPageDto })
  @ApiBadRequestResponse({ description: '`search-criteria-required`, or an invalid field.' })
  search(@CurrentActor() actor: Actor, @Query() q: PersonSearchQuery): Promise<Page<PersonSummaryDto>> {
    return this.people.search(actor, q);
  }

  @Get(':id')
  @Authorize('person.read', { personParam: 'id' })
  @ApiOperation({ summary: 'One person. The read is audited with its basis (role, relationship or break-glass).' })
  @ApiOkResponse({ type: PersonDto })
  @ApiNotFoundResponse({ description: 'No such person.' })
  async get(
    @Param('id', new ParseIdPipe()) id: string,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonDto> {
    const person = await this.people.read(id, decided(decision));
    reply.header('etag', etagFor(person.version));
    return person;
  }

  @Patch(':id')
  @Authorize('person.write', { personParam: 'id' })
  @ApiOperation({
    summary: "Change a person's details; `null` clears an optional field. The audit records which fields changed, not their values.",
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag you read; a stale one is 412.' })
  @ApiOkResponse({ type: PersonDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields.' })
  @ApiConflictResponse({
    description:
      '`person-exists`: another person you may read has this NHS number (named). Anyone else gets the answer a new number gets; the number waits in a pending match for the hub, until a number (or `null`) sent later for the record supersedes it. `concurrent-update`: a lost race, retry. `person-confirmed-as-another`: a manager confirmed this record to be another person (`sameAs`), where its records moved; it is changed no more (PERSON-MATCH).',
  })
  @ApiPreconditionFailedResponse({ description: 'The person changed since the ETag given.' })
  @ApiUnprocessableEntityResponse({ description: '`date-of-birth-in-future` or `date-of-birth-implausible`.' })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdatePersonDto,
    @IfMatchVersion() version: ExpectedVersion,
    @AccessDecision() decision: Decision | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PersonDto> {
    const person = await this.people.update(actor, id, dto, version, decided(decision));
    reply.header('etag', etagFor(person.version));
    return person;
  }
}
