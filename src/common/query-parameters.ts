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
