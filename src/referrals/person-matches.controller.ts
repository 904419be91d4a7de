import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { Page } from '../common/pagination';
import { PersonMatchDto, PersonMatchPageDto, PersonMatchQuery, ResolvePersonMatchDto } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { ReferralsService } from './referrals.service';
import { ParseIdPipe } from '../common/validation';

/**
 * Pending identity matches of referral intakes: an NHS number given without the recorded person's names and date
 * of birth never identifies them to the referrer; the hub decides whether it is the same person.
 */
@ApiTags('people')
@Controller('people/matches')
export class PersonMatchesController {
  constructor(
    private readonly people: PeopleService,
    private readonly referrals: ReferralsService,
  ) {}

  @Get()
  @Authorize('people.match')
  @ApiOperation({
    summary: 'Referral intakes awaiting identity matching (default `status=pending`), oldest first. Each person shown is an audited read.',
  })
  @ApiOkResponse({ type: PersonMatchPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: PersonMatchQuery): Promise<Page<PersonMatchDto>> {
    return this.people.listMatches(actor, q);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Authorize('people.match')
  @ApiOperation({
    summary:
      "`same-person`: the referrals move to the recorded person and their relationships (the referrer's) start now; `different-person`: the pending record stays a person of its own. Either applies alike to each of the match's `intakes`.",
  })
  @ApiOkResponse({ type: PersonMatchDto })
  @ApiNotFoundResponse({ description: 'No such match.' })
  @ApiConflictResponse({
    description:
      '`match-resolved`: already resolved (or folded into `foldedInto`); `match-withdrawn`: its record was given another NHS number since; `pending-person-in-use`: other records name the pending person.',
  })
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ResolvePersonMatchDto,
  ): Promise<PersonMatchDto> {
    return this.referrals.resolveMatch(actor, id, dto.outcome);
  }
}
