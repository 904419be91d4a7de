import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Decision } from '../access/policy';
import type { Actor } from '../auth/actor';
import { type ExpectedVersion, versionFromIfMatch } from './etag';

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
export const IfMatchVersion = createParamDecorator((_: unknown, ctx: ExecutionContext): ExpectedVersion =>
  versionFromIfMatch(requestOf(ctx).headers['if-match']),
);

/** The access decision the guard made for this request (its basis goes into the audit record). */
export const AccessDecision = createParamDecorator((_: unknown, ctx: ExecutionContext): Decision | undefined => requestOf(ctx).access);

/**
 * The Content-Security-Policy of the printable pages (outcome report, portfolio, s.13(4) letter): they hold a
 * person's record and need no script at all, so none may run, not even one smuggled into a field; their styles are
 * inline.
 */
export const PRINTABLE_HTML_CSP =
  "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Marks a reply as one of the printable HTML pages: its content type and its script-free CSP. */
export function printableHtml(reply: { header(name: string, value: string): unknown }): void {
  reply.header('content-type', 'text/html; charset=utf-8');
  reply.header('content-security-policy', PRINTABLE_HTML_CSP);
}
