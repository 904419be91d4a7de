import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import type { ApiRequest } from '../common/http';
import { BadRequestProblem, ProblemError } from '../common/problem';
import { StreamService } from './stream.service';
import { parseTypes } from './stream.visibility';

const EVENT_ID = /^\d{1,18}$/;

@ApiTags('events')
@Controller('events')
export class StreamController {
  constructor(private readonly stream: StreamService) {}

  @Get()
  @Authorize('events.stream')
  @ApiOperation({
    summary:
      'Live event stream (Server-Sent Events): domain events as they are committed on any replica, only those about what you may see, ' +
      'identifiers and codes only. Resume with the Last-Event-ID header (or ?lastEventId=): up to 500 missed events are replayed, ' +
      'beyond that an event `reset` tells the client to reload. A stream opened afresh starts with its position (an `id:` line with a comment, ' +
      'no event), and a keep-alive carries a newer one when events not for you have passed: resume from the last id sent. ' +
      'A comment every 15 s keeps the connection alive. ' +
      'Authenticate with the Authorization header (an EventSource polyfill that sets headers; tokens are not accepted in the URL). ' +
      'A stream ends when its access token expires, and when you sign out, change your password, your roles change or your account is disabled; ' +
      'a token issued before you last signed out or changed your password cannot open one (401).',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated event types; `rota.*` matches a prefix.' })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'Resume after this event id (as the Last-Event-ID header).' })
  @ApiTooManyRequestsResponse({ description: 'EVENTS_MAX_STREAMS_PER_USER streams are open already (problem+json, Retry-After).' })
  @ApiOkResponse({
    description: '`id: <event id>`, `event: <type>`, `data: {id,type,aggregateType,aggregateId,occurredAt,payload}` frames.',
  })
  async events(
    @CurrentActor() actor: Actor,
    @Req() req: ApiRequest,
    @Res() reply: FastifyReply,
    @Headers('last-event-id') header: string | undefined,
    @Query('lastEventId') query: string | undefined,
    @Query('types') types: string | undefined,
  ): Promise<void> {
    // A stream never ends by itself: only a client that asks for one (EventSource always sends this) gets it.
    if (!/\btext\/event-stream\b/.test(String(req.headers.accept ?? ''))) {
      throw new ProblemError(
        406,
        'not-acceptable',
        'Not acceptable',
        'GET /events answers text/event-stream only: send Accept: text/event-stream.',
      );
    }
    const lastEventId = (header ?? query)?.trim() || undefined;
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw new BadRequestProblem('Last-Event-ID must be an event id.', [{ field: 'lastEventId', messages: ['must be an event id'] }]);
    }
    await this.stream.admit(actor);
    // The headers every answer gets (security headers, request id: bootstrap's onRequest hook) are Fastify's until it
    // sends them; a hijacked stream is written straight to the socket, so they go onto it first.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    await this.stream.open(actor, reply.raw, { lastEventId, types: parseTypes(types), requestId: String(req.id) });
  }
}
