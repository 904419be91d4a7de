import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../auth/actor';

/** What the audit log and the logs need to know about the request being served. */
export interface RequestContext {
  requestId: string;
  ip: string | undefined;
  method: string;
  path: string;
  actor?: Actor;
  /**
   * The basis on which the route's policy let the actor in (`role:manager`, `relationship:allocated`...), once the
   * access guard has decided: what the request's audit rows record when the service names no narrower one.
   */
  accessBasis?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

/** Builds the context from a Fastify request (id, client address, route) and the actor once authenticated. */
export function contextFromRequest(req: {
  id: string;
  ip: string;
  method: string;
  url: string;
  routeOptions?: { url?: string };
  actor?: Actor;
}): RequestContext {
  return {
    requestId: String(req.id),
    ip: req.ip,
    method: req.method,
    path: req.routeOptions?.url ?? req.url.split('?')[0],
    actor: req.actor,
  };
}
