import { INestApplication, NestInterceptor, RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';

/** A route handler of one of the app's controllers, as declared (before the routes are registered). */
export interface RouteHandler {
  handler: (...args: unknown[]) => unknown;
  method: RequestMethod;
  /** Whether the handler has a `@Body()` parameter. */
  takesBody: boolean;
}

/** Every route handler of every controller of `app`, read from the decorators' metadata. */
export function* routeHandlers(app: INestApplication): Generator<RouteHandler> {
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as { prototype?: Record<string, unknown> } | null;
      const proto = controller?.prototype;
      if (!proto) continue;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
        if (typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) as Record<string, unknown> | undefined) ?? {};
        const takesBody = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
        yield { handler: handler as RouteHandler['handler'], method, takesBody };
      }
    }
  }
}

/**
 * Puts `interceptor` first among the handler's interceptors, once at start-up (before `app.init()` registers the
 * routes), replacing an instance of the same class from another app made earlier in the same process (tests). A route
 * with no interceptor is called directly, so attaching one only where it is needed keeps the others' fixed cost down.
 */
export function attachFirst(handler: RouteHandler['handler'], interceptor: NestInterceptor): void {
  const others = ((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? []).filter(
    (i) => !(i instanceof interceptor.constructor),
  );
  Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...others], handler);
}
