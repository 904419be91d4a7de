import { CanActivate, ExecutionContext, INestApplication, RequestMethod } from '@nestjs/common';
import { requestOf } from './http';
import { ValidationProblem } from './problem';
import { attachGuard, routeHandlers } from './route-handlers';

/**
 * What a write route that takes no body (`rotate-secret`, `read-all`, `sign`, a DELETE...) makes of one: nothing, an
 * empty object or JSON null is no body; anything else is 400 naming what should not be there, as an unknown field of
 * any other body is (forbidNonWhitelisted), instead of being ignored while the client thinks it said something.
 */
export function bodylessErrors(body: unknown): Array<{ field: string; messages: string[] }> {
  if (body === undefined || body === null) return [];
  if (typeof body === 'object' && !Array.isArray(body)) {
    return Object.keys(body).map((field) => ({ field, messages: [`${field} is not a field this endpoint accepts: it takes no body`] }));
  }
  return [{ field: 'body', messages: ['this endpoint takes no body'] }];
}

/**
 * Refuses a body on its route (bodylessErrors). A guard, as DeclaredQueryGuard is for query parameters: it runs after
 * the global access guard (who is asking is known first: 401 before 400) and before any interceptor (Idempotency-Key
 * never sees a refused body), and costs a call where an interceptor costs a pipeline.
 */
export class BodylessGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const errors = bodylessErrors(requestOf(context).body);
    if (errors.length) throw new ValidationProblem(errors);
    return true;
  }
}

/** Attaches BodylessGuard to every POST, PUT, PATCH and DELETE handler without a `@Body()` parameter. */
export function refuseBodiesWhereNoneIsTaken(app: INestApplication): void {
  const guard = new BodylessGuard();
  const writes = new Set([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE]);
  for (const route of routeHandlers(app)) if (writes.has(route.method) && !route.takesBody) attachGuard(route.handler, guard);
}
