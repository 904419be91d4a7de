import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor, printableHtml } from '../common/http';
import { AppConfig } from '../config/app-config';
import { PortfolioDto, PortfolioQuery } from './dto/portfolio.dto';
import { renderPortfolioHtml, wantsHtml } from './portfolio.html';
import { PortfolioService } from './portfolio.service';
import { ParseIdPipe } from '../common/validation';

@ApiTags('supervision')
@Controller('practitioners/:id/portfolio')
export class PortfolioController {
  constructor(
    private readonly portfolio: PortfolioService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Authorize('practitioners.read')
  @ApiOperation({
    summary:
      'Reapproval portfolio: the practitioner, approvals, training per approval year against the requirement, supervision (counts by type per approval year, last professional supervision, overdue status; never notes), appraisals and practice audits. ' +
      '`?format=html` or `Accept: text/html` gives a printable page. Managers, auditors, the AMHP their own; every read is audited.',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiExtraModels(PortfolioDto)
  @ApiOkResponse({
    description: 'JSON, or with format=html (or Accept: text/html) a self-contained printable HTML page (text/html; charset=utf-8).',
    content: { 'application/json': { schema: { $ref: getSchemaPath(PortfolioDto) } }, 'text/html': { schema: { type: 'string' } } },
  })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Query() q: PortfolioQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PortfolioDto | string> {
    const asHtml = wantsHtml(q.format, accept);
    const portfolio = await this.portfolio.get(actor, id, asHtml ? 'html' : 'json');
    if (!asHtml) return portfolio;
    printableHtml(reply);
    return renderPortfolioHtml(portfolio, this.config.timeZone);
  }
}
