import { CallHandler, ExecutionContext, INestApplication, Injectable, NestInterceptor, RequestMethod } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { requestOf } from './http';
import { ValidationProblem } from './problem';
import { attachFirst, routeHandlers } from './route-handlers';

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

@Injectable()
export class BodylessInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const errors = bodylessErrors(requestOf(context).body);
    if (errors.length) throw new ValidationProblem(errors);
    return next.handle();
  }
}

/** Attaches BodylessInterceptor, first, to every POST, PUT, PATCH and DELETE handler without a `@Body()` parameter. */
export function refuseBodiesWhereNoneIsTaken(app: INestApplication): void {
  const interceptor = new BodylessInterceptor();
  const writes = new Set([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE]);
  for (const route of routeHandlers(app)) if (writes.has(route.method) && !route.takesBody) attachFirst(route.handler, interceptor);
}
