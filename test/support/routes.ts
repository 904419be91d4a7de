import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DECORATORS } from '@nestjs/swagger';
import { POLICY_KEY, PUBLIC_KEY, RoutePolicy } from '../../src/access/authorize.decorator';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  policy?: RoutePolicy;
  public: boolean;
  /** The media type it takes a body in: its `@ApiConsumes`, or JSON. */
  consumes: string;
}

/** Every route the app's controllers declare, with its declared policy (or none). */
export function listRoutes(app: NestFastifyApplication): RouteInfo[] {
  const modules = app.get(ModulesContainer);
  const scanner = new MetadataScanner();
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const path = (
        '/' +
        [base, methodPath]
          .map((p: string) => String(p).replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')
      ).replace(/\/+/g, '/');
      routes.push({
        method,
        path,
        controller: metatype.name,
        handler: name,
        policy: reflector.getAllAndOverride(POLICY_KEY, [handler, metatype]),
        public: !!reflector.getAllAndOverride(PUBLIC_KEY, [handler, metatype]),
        consumes: (Reflect.getMetadata(DECORATORS.API_CONSUMES, handler) as string[] | undefined)?.[0] ?? 'application/json',
      });
    }
  }
  return routes;
}
