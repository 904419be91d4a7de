import { CanActivate, INestApplication, NestInterceptor, RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import { DECORATORS } from '@nestjs/swagger';

/** A route handler of one of the app's controllers, as declared (before the routes are registered). */
export interface RouteHandler {
  handler: (...args: unknown[]) => unknown;
  method: RequestMethod;
  /** Whether the handler has a `@Body()` parameter. */
  takesBody: boolean;
  /**
   * The query parameters it reads: `'dto'` when it takes the whole query as a DTO (`@Query() q: ListDto`, checked by
   * the validation pipe), else the names it reads one by one (`@Query('types')`), none for most routes.
   */
  query: 'dto' | string[];
  /** The media types it takes a body in: its `@ApiConsumes`, or JSON. */
  consumes: string[];
}

interface RouteArg {
  data?: unknown;
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
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) as Record<string, RouteArg> | undefined) ?? {};
        const of = (type: RouteParamtypes) => Object.keys(args).filter((key) => key.split(':')[0] === String(type));
        const queries = of(RouteParamtypes.QUERY).map((key) => args[key].data);
        const consumes = Reflect.getMetadata(DECORATORS.API_CONSUMES, handler) as string[] | undefined;
        yield {
          handler: handler as RouteHandler['handler'],
          method,
          takesBody: of(RouteParamtypes.BODY).length > 0,
          query: queries.some((data) => typeof data !== 'string') ? 'dto' : (queries as string[]),
          consumes: consumes?.length ? consumes.map((type) => type.toLowerCase()) : ['application/json'],
        };
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

/**
 * Puts `guard` last among the handler's own guards, once at start-up, replacing an instance of the same class (as
 * attachFirst does). A handler's guards run after the global access guard, so who is asking is known first (401
 * before 400), and before any interceptor or pipe; a guard costs a call where an interceptor costs a pipeline.
 */
export function attachGuard(handler: RouteHandler['handler'], guard: CanActivate): void {
  const others = ((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? []).filter(
    (g) => !(g instanceof guard.constructor),
  );
  Reflect.defineMetadata(GUARDS_METADATA, [...others, guard], handler);
}

/** Adds to the handler's Fastify route config (`req.routeOptions.config`), once at start-up, before the routes are registered. */
export function addRouteConfig(handler: RouteHandler['handler'], config: Record<string, unknown>): void {
  const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...config }, handler);
}
