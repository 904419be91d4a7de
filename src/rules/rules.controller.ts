import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import { NotFoundProblem } from '../common/problem';
import { catalogueEntry, isRuleId, REGIMES, ruleCatalogue, type CatalogueEntry } from '../statute/rule-catalogue';
import { RuleDto, RuleListDto, RuleQuery } from './dto/rule.dto';

function toDto(e: CatalogueEntry): RuleDto {
  return { ...e, regimeName: REGIMES[e.regime] };
}

/** The law's catalogue (src/statute/rule-catalogue.ts): every rule id the API returns, with its citation. */
@ApiTags('rules')
@Controller('rules')
export class RulesController {
  @Get()
  @Authorize('rules.read')
  @ApiOperation({
    summary:
      'The law the hub applies: every rule id its findings, warnings, blockers, clocks and deadlines carry, with citation, summary, severity, regime and (MHA 2025) commencement setting.',
  })
  @ApiOkResponse({ type: RuleListDto })
  list(@Query() q: RuleQuery): RuleListDto {
    return { items: ruleCatalogue({ family: q.family, regime: q.regime }).map(toDto) };
  }

  @Get(':id')
  @Authorize('rules.read')
  @ApiOperation({ summary: 'One rule of the catalogue, by its id (e.g. APP-04).' })
  @ApiOkResponse({ type: RuleDto })
  @ApiNotFoundResponse({ description: 'No rule has this id.' })
  get(@Param('id') id: string): RuleDto {
    if (!isRuleId(id)) throw new NotFoundProblem('Rule', id);
    return toDto(catalogueEntry(id));
  }
}
