/**
 * RFC 9457 problem details. Every error the API returns is one of these; domain code throws a subclass of
 * ProblemError and the one exception filter (problem.filter.ts) renders it.
 */
export interface FieldError {
  field: string;
  messages: string[];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  [extension: string]: unknown;
}

/** Members of a problem body that extensions may not set (RFC 9457 §3.1, and ours: code, requestId). */
const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId']);

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:amhp-hub:problem:${code}`;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  /** The RFC 9457 body. An extension may not replace a standard member: `status` is always the HTTP status. */
  toProblem(instance?: string): Problem {
    const problem: Problem = {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      code: this.code,
    };
    for (const [name, value] of Object.entries(this.extensions)) if (!RESERVED_MEMBERS.has(name)) problem[name] = value;
    return problem;
  }
}

export class BadRequestProblem extends ProblemError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'bad-request', 'The request is not valid', detail, errors ? { errors } : {});
  }
}

export class ValidationProblem extends ProblemError {
  constructor(errors: FieldError[]) {
    const fields = errors.map((e) => e.field).join(', ');
    super(400, 'validation-failed', 'The request has invalid fields', `Invalid fields: ${fields}`, { errors });
  }
}

export class UnauthorizedProblem extends ProblemError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthenticated', 'Authentication required', detail, {}, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenProblem extends ProblemError {
  constructor(detail = 'You are not allowed to do this.', code = 'forbidden') {
    super(403, code, 'Forbidden', detail);
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(resource: string, id?: string) {
    super(404, 'not-found', 'Not found', id ? `${resource} ${id} does not exist.` : `${resource} does not exist.`);
  }
}

export class ConflictProblem extends ProblemError {
  constructor(detail: string, code = 'conflict', extensions: Record<string, unknown> = {}) {
    super(409, code, 'Conflict', detail, extensions);
  }
}

export class PreconditionFailedProblem extends ProblemError {
  constructor(detail = 'The resource has changed since you read it; fetch it again and retry.', extensions: Record<string, unknown> = {}) {
    super(412, 'precondition-failed', 'Precondition failed', detail, extensions);
  }
}

/** A body in a media type or charset the route does not take (the same code as Fastify's own 415, problem.filter.ts). */
export class UnsupportedMediaTypeProblem extends ProblemError {
  constructor(detail: string) {
    super(415, 'http-415', 'Unsupported media type', detail);
  }
}

export class UnprocessableProblem extends ProblemError {
  constructor(detail: string, code = 'unprocessable', extensions: Record<string, unknown> = {}) {
    super(422, code, 'The request cannot be processed', detail, extensions);
  }
}

/**
 * A 422 about one field of the request (a period that ends before it starts, a date outside what it belongs to): the
 * detail, and the field named in `errors` as every refused field is, so that a client can point at it.
 */
export function unprocessableField(field: string, detail: string, code: string, message = detail): UnprocessableProblem {
  return new UnprocessableProblem(detail, code, { errors: [{ field, messages: [message] }] });
}

/**
 * The field errors a rule found in a request (each with its field, code and message), refused together as one 422: the
 * messages as the detail, the first one's code, and every field named in `errors`. Nothing when there are none.
 */
export function refuseFieldErrors(errors: ReadonlyArray<{ field: string; code: string; message: string }>): void {
  if (!errors.length) return;
  throw new UnprocessableProblem(errors.map((e) => e.message).join(' '), errors[0].code, {
    errors: errors.map((e) => ({ field: e.field, messages: [e.message] })),
  });
}

/**
 * A period a read asks for, `from` to `to`: `to` after `from` and, when `maxDays` is given, at most that long (said as
 * `tooLong`). Otherwise 422 `bad-period` naming `to`, the one check every list of a period makes.
 */
export function requirePeriod(from: Date, to: Date, maxDays?: number, tooLong = `A period of at most ${maxDays} days.`): void {
  if (to <= from) throw unprocessableField('to', 'to must be after from.', 'bad-period');
  if (maxDays !== undefined && to.getTime() - from.getTime() > maxDays * 86_400_000) throw unprocessableField('to', tooLong, 'bad-period');
}

export class TooManyRequestsProblem extends ProblemError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(
      429,
      'too-many-requests',
      'Too many requests',
      detail,
      { retryAfter: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

export class ServiceUnavailableProblem extends ProblemError {
  constructor(detail = 'The database is unavailable; retry shortly.') {
    super(503, 'service-unavailable', 'Service unavailable', detail, {}, { 'Retry-After': '5' });
  }
}
