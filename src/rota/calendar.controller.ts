import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize, Public } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { ResponseNeverStored } from '../idempotency/idempotency.interceptor';
import { CalendarService } from './calendar.service';
import { CalendarTokenListDto, CalendarTokenQuery, CreateCalendarTokenDto, CreatedCalendarTokenDto } from './dto/calendar.dto';
import { ParseIdPipe } from '../common/validation';

@ApiTags('rota')
@Controller('rota')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Post('calendar-tokens')
  @Authorize('calendar.manage')
  @ApiOperation({
    summary:
      "Create a secret calendar feed URL: your own shifts or the hub's (AMHP), or anyone's (manager). The URL is shown once; only a hash of its token is kept.",
  })
  @ApiCreatedResponse({ type: CreatedCalendarTokenDto })
  @ResponseNeverStored('the response holds a secret that is never stored. If a reply is lost, revoke the token and create another.')
  create(@CurrentActor() actor: Actor, @Body() body: CreateCalendarTokenDto): Promise<CreatedCalendarTokenDto> {
    return this.calendar.create(actor, body);
  }

  @Get('calendar-tokens')
  @Authorize('calendar.manage')
  @ApiOperation({ summary: 'Your calendar feed tokens and those for your own feed (never their secrets); managers may name another user.' })
  @ApiOkResponse({ type: CalendarTokenListDto })
  async list(@CurrentActor() actor: Actor, @Query() q: CalendarTokenQuery): Promise<CalendarTokenListDto> {
    return { items: await this.calendar.list(actor, q.userId) };
  }

  @Delete('calendar-tokens/:id')
  @Authorize('calendar.manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a calendar feed token at once (its holder, the AMHP whose feed it is, or a manager).' })
  @ApiNoContentResponse()
  revoke(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<void> {
    return this.calendar.revoke(actor, id);
  }

  /**
   * Public: calendar apps cannot send a bearer token, so the 256-bit secret in the path is the credential.
   * Any problem with it is a 404, never 401/403, so that nobody learns whether a token exists.
   */
  @Get('calendar/:token.ics')
  @Public()
  @ApiOperation({ summary: 'An iCalendar (RFC 5545) feed of rota shifts, 30 days back to 180 days ahead. No patient or referral data.' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar; charset=utf-8', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'Unknown, revoked or no longer valid token.' })
  async feed(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const ics = await this.calendar.feed(token);
    reply.type('text/calendar; charset=utf-8');
    reply.header('content-disposition', 'inline; filename="amhp-rota.ics"');
    // Not the global no-store: this is staff rota data (names and shift times, never a person's record), and a
    // calendar app polls it. `private` keeps it out of shared caches (proxies, CDNs), where the secret URL would
    // become a cache key anyone behind the same proxy could hit; five minutes spares us repeated polls while
    // bounding how long a revoked token's last answer stays on the subscriber's own device.
    reply.header('cache-control', 'private, max-age=300');
    return ics;
  }
}
