import { CanActivate, ExecutionContext, INestApplication } from '@nestjs/common';
import { requestOf } from './http';
import { FieldError, ValidationProblem } from './problem';
import { attachGuard, routeHandlers } from './route-handlers';

/**
 * What a route that reads no query parameter, or only some by name (`GET /events`: `types`, `lastEventId`), makes of
 * the others: each is 400 naming it, as an unknown field of a query DTO is (forbidNonWhitelisted), instead of being
 * ignored while the client thinks it filtered or changed something (`PATCH /rota/shifts/{id}?notify=false`).
 */
export function undeclaredQueryErrors(query: unknown, accepted: ReadonlySet<string>): FieldError[] {
  if (typeof query !== 'object' || query === null) return [];
  const why = accepted.size ? `${[...accepted].join(', ')} only` : 'none';
  return Object.keys(query)
    .filter((name) => !accepted.has(name))
    .map((field) => ({ field, messages: [`${field} is not a query parameter this endpoint accepts: it takes ${why}`] }));
}

/** Refuses the query parameters its route does not read (undeclaredQueryErrors). */
export class DeclaredQueryGuard implements CanActivate {
  constructor(private readonly accepted: ReadonlySet<string>) {}

  canActivate(context: ExecutionContext): boolean {
    const errors = undeclaredQueryErrors(requestOf(context).query, this.accepted);
    if (errors.length) throw new ValidationProblem(errors);
    return true;
  }
}

/**
 * Attaches DeclaredQueryGuard to every handler that does not take its query as a DTO (those the validation pipe
 * checks, unknown names refused), with the names it reads one by one (`@Query('types')`), if any.
 */
export function refuseUndeclaredQueryParameters(app: INestApplication): void {
  for (const route of routeHandlers(app))
    if (route.query !== 'dto') attachGuard(route.handler, new DeclaredQueryGuard(new Set(route.query)));
}

/** decodeURIComponent of a query string's part (`+` is a space), or undefined when it is not validly encoded UTF-8. */
function decodeQueryPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The query parameters of `url` whose name or value is not validly percent-encoded UTF-8 (`%FF`, `%E2%82`, an encoded
 * surrogate `%ED%A0%80`, a `%` not followed by two hex digits), each named. The query parser keeps such a value as its
 * raw text, so `?q=%ED%A0%80` searched for the literal `%ED%A0%80` and a filter silently matched nothing; the path is
 * refused the same way by the router (400).
 */
export function badlyEncodedQueryParameters(url: string): FieldError[] {
  const at = url.indexOf('?');
  if (at < 0 || url.indexOf('%', at) < 0) return [];
  const out: FieldError[] = [];
  for (const pair of url.slice(at + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decodeQueryPart(rawName);
    if (name !== undefined && decodeQueryPart(eq < 0 ? '' : pair.slice(eq + 1)) !== undefined) continue;
    const field = name ?? rawName;
    out.push({ field, messages: [`${field} is not validly percent-encoded UTF-8`] });
  }
  return out;
}
