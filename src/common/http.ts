import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Decision } from '../access/policy';
import type { Actor } from '../auth/actor';
import { versionFromIfMatch } from './etag';

/** The Fastify request as our guards and interceptors decorate it. */
export type ApiRequest = FastifyRequest & { actor?: Actor; access?: Decision };

export function requestOf(ctx: ExecutionContext): ApiRequest {
  return ctx.switchToHttp().getRequest<ApiRequest>();
}

/** The authenticated caller. Only valid on routes with @Authorize. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = requestOf(ctx).actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});

/** The version named by the If-Match header, or undefined when absent or `*`. */
export const IfMatchVersion = createParamDecorator((_: unknown, ctx: ExecutionContext): number | undefined =>
  versionFromIfMatch(requestOf(ctx).headers['if-match']),
);

/** The access decision the guard made for this request (its basis goes into the audit record). */
export const AccessDecision = createParamDecorator((_: unknown, ctx: ExecutionContext): Decision | undefined => requestOf(ctx).access);
