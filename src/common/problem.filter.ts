import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constraintOf, isConnectionError, pgCode } from '../database/pg-errors';
import { allowedMethods } from './allowed-methods';
import { Problem, PROBLEM_CONTENT_TYPE, ProblemError, ServiceUnavailableProblem } from './problem';

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  411: 'Length required',
  413: 'Request body too large',
  408: 'Request timeout',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  431: 'Request header fields too large',
};

/** What each of Fastify's own refusals (raised before any route runs) tells the client. */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this service accepts.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send JSON with Content-Type: application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object.',
  FST_ERR_BAD_URL: 'The URL is not validly percent-encoded.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment of the URL is longer than this service accepts.',
};

/** Maps any error to a problem (status, code, detail) without leaking internals. */
export function toProblemError(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : err.message;
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    if (status === 404) return new ProblemError(404, 'not-found', 'Not found', detail.startsWith('Cannot ') ? 'No such route.' : detail);
    return new ProblemError(status, `http-${status}`, HTTP_TITLES[status] ?? 'Error', status < 500 ? detail : undefined);
  }
  // Errors raised by Fastify before routing: the URL, body parsing, size limits, content types.
  const fastify = err as { statusCode?: unknown; code?: unknown; message?: string };
  if (
    typeof fastify?.statusCode === 'number' &&
    fastify.statusCode >= 400 &&
    fastify.statusCode < 500 &&
    typeof fastify.code === 'string' &&
    fastify.code.startsWith('FST_')
  ) {
    const status = fastify.statusCode;
    const detail =
      FASTIFY_DETAILS[fastify.code] ??
      (status === 413
        ? FASTIFY_DETAILS.FST_ERR_CTP_BODY_TOO_LARGE
        : status === 415
          ? FASTIFY_DETAILS.FST_ERR_CTP_INVALID_MEDIA_TYPE
          : 'The request body is not valid JSON.');
    return new ProblemError(status, `http-${status}`, HTTP_TITLES[status] ?? 'Bad request', detail);
  }
  if (isConnectionError(err)) return new ServiceUnavailableProblem();
  const code = pgCode(err);
  const constraint = constraintOf(err);
  switch (code) {
    case '23505':
      return new ProblemError(
        409,
        'duplicate',
        'Conflict',
        'A record with the same unique values already exists.',
        constraint ? { constraint } : {},
      );
    case '23P01':
      return new ProblemError(409, 'overlap', 'Conflict', 'This overlaps an existing record.', constraint ? { constraint } : {});
    case '23503':
      return new ProblemError(
        422,
        'reference-not-found',
        'The request cannot be processed',
        'A referenced record does not exist or is still in use.',
        constraint ? { constraint } : {},
      );
    case '23514':
    case '23502':
      return new ProblemError(
        422,
        'constraint-violated',
        'The request cannot be processed',
        'The values break a rule of the data.',
        constraint ? { constraint } : {},
      );
    case '22P02':
    case '22021': // invalid byte sequence, e.g. a NUL character in text
    case '22P05': // untranslatable character
    case '22007':
    case '22008':
    case '22003':
    case '22001':
      return new ProblemError(400, 'bad-value', 'Bad request', 'A value has the wrong form or is out of range.');
    case '40001':
    case '40P01':
      return new ProblemError(409, 'concurrent-update', 'Conflict', 'Another request changed the same data at the same time; retry.');
    case '55P03':
      return new ProblemError(409, 'locked', 'Conflict', 'The record is being changed by another request; retry.');
    case '57014':
      return new ProblemError(
        503,
        'timeout',
        'Service unavailable',
        'The database took too long to answer; retry shortly.',
        {},
        { 'Retry-After': '5' },
      );
  }
  return new ProblemError(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

/** The problem+json body of an answer to `url` (its path becomes `instance`), with the request id when there is one. */
export function problemBody(problem: ProblemError, url: string | undefined, requestId: string | undefined): Problem {
  const body: Problem = problem.toProblem(url?.split('?')[0]);
  if (requestId) body.requestId = requestId;
  return body;
}

/** Sends `err` as problem+json on a Fastify reply: the exception filter and Fastify's `frameworkErrors` hook share it. */
export function sendProblem(err: unknown, req: FastifyRequest | undefined, reply: FastifyReply): ProblemError {
  const problem = toProblemError(err);
  for (const [h, v] of Object.entries(problem.headers)) reply.header(h, v);
  reply.header('cache-control', 'no-store');
  // Fastify's own refusals (frameworkErrors) come before the onRequest hook that sets it on every other answer.
  if (req?.id) reply.header('x-request-id', req.id);
  reply
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody(problem, req?.url, req?.id));
  return problem;
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers too large, a malformed request line,
 * a request timeout). Fastify's `clientErrorHandler` answers them on the raw socket: here as problem+json too.
 */
export function clientErrorResponse(err: { code?: string }): string {
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? 'The request headers are larger than this service accepts.'
      : status === 408
        ? 'The request was not received in time.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify(new ProblemError(status, `http-${status}`, HTTP_TITLES[status], detail).toProblem());
  return (
    `HTTP/1.1 ${status} ${HTTP_TITLES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nCache-Control: no-store\r\n` +
    `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Nest's answer when no route matches the method and path (its not-found handler's "Cannot GET /x"). */
function isNoSuchRoute(err: unknown): boolean {
  return err instanceof HttpException && err.getStatus() === 404 && /^Cannot [A-Z]+ /.test(err.message);
}

/** 405 for a method the resource does not take, with `Allow` (RFC 9110 §15.5.6) and the same list in the body. */
export function methodNotAllowed(method: string, allow: string[]): ProblemError {
  return new ProblemError(
    405,
    'method-not-allowed',
    HTTP_TITLES[405],
    `${method} is not a method of this resource; it takes ${allow.join(', ')}.`,
    { allow },
    { Allow: allow.join(', ') },
  );
}

/** The one exception filter: every error leaves as RFC 9457 application/problem+json, with no stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    let problem = toProblemError(err);
    // No route for this method: if the path has routes under other methods, the resource exists (RFC 9110 §15.5.6).
    const allow = problem.status === 404 && isNoSuchRoute(err) && req ? allowedMethods(req) : [];
    if (allow.length && req.method === 'OPTIONS') {
      // OPTIONS (not a CORS preflight, which @fastify/cors answers when CORS_ORIGINS is set): which methods it takes.
      reply.header('allow', allow.join(', ')).header('cache-control', 'no-store').status(204).send();
      return;
    }
    if (allow.length) problem = methodNotAllowed(req.method, allow);
    if (problem.status === 500) this.logger.error({ err, requestId: req?.id }, 'unhandled error');
    // An outage answers 503 to every request: one line each, without a stack trace.
    else if (problem.status >= 500)
      this.logger.warn({ requestId: req?.id, code: problem.code, cause: (err as Error)?.message }, problem.detail);
    sendProblem(problem, req, reply);
  }
}
