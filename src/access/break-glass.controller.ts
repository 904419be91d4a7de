import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { CurrentActor, IfMatchVersion } from '../common/http';
import { Page } from '../common/pagination';
import { Authorize } from './authorize.decorator';
import { BreakGlassService } from './break-glass.service';
import {
  BreakGlassSessionDto,
  BreakGlassSessionListDto,
  OpenBreakGlassDto,
  ReviewAlertDto,
  ReviewAlertPageDto,
  ReviewAlertQuery,
  ReviewDto,
} from './dto/break-glass.dto';
import { ParseIdPipe } from '../common/validation';

@ApiTags('access')
@Controller('break-glass')
export class BreakGlassController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  @Post()
  @Authorize('break-glass.open')
  @ApiOperation({ summary: "Open time-limited emergency access to one person's record, with a reason; an auditor reviews it." })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: BreakGlassSessionDto })
  open(@CurrentActor() actor: Actor, @Body() dto: OpenBreakGlassDto): Promise<BreakGlassSessionDto> {
    return this.breakGlass.open(actor, dto);
  }

  @Get('mine')
  @Authorize('self.read')
  @ApiOperation({ summary: 'Your recent break-glass sessions.' })
  @ApiOkResponse({ type: BreakGlassSessionListDto })
  async mine(@CurrentActor() actor: Actor): Promise<BreakGlassSessionListDto> {
    return { items: await this.breakGlass.mine(actor) };
  }

  @Post(':id/end')
  @Authorize('self.write')
  @HttpCode(200)
  @ApiOperation({ summary: 'End your break-glass session before it expires.' })
  @ApiOkResponse({ type: BreakGlassSessionDto })
  end(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<BreakGlassSessionDto> {
    return this.breakGlass.end(actor, id);
  }
}

@ApiTags('access')
@Controller('review-alerts')
export class ReviewAlertsController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  @Get()
  @Authorize('review-alerts.read')
  @ApiOperation({
    summary:
      "Alerts awaiting (or having had) an auditor's review: break-glass accesses, overrides. The break-glass reason and the review note are shown to reviewers only; an admin sees the alerts' ids, codes and times.",
  })
  @ApiOkResponse({ type: ReviewAlertPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ReviewAlertQuery): Promise<Page<ReviewAlertDto>> {
    return this.breakGlass.listAlerts(actor, q);
  }

  @Post(':id/review')
  @Authorize('review-alerts.review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the review of an alert.' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: ReviewAlertDto })
  async review(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: ReviewDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReviewAlertDto> {
    const alert = await this.breakGlass.review(actor, id, dto, version);
    reply.header('etag', etagFor(alert.version));
    return alert;
  }
}
