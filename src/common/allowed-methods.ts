import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The order methods are listed in an `Allow` header. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A route's URL pattern as Fastify writes it (`/referrals/:id/status`, `/app/*`) as a whole-path expression. */
export function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment
            .split(/(:[A-Za-z0-9_]+)/)
            .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
            .join(''),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * Which methods each route of the service answers (RFC 9110 §9.3.7, §15.5.6): a request for a path that exists with
 * a method it does not take is 405 with `Allow`, or an OPTIONS answered with `Allow`, instead of a 404 saying there is
 * no such resource. Filled from Fastify's onRoute hook as the routes are registered; a GET is answered for HEAD too.
 * A catch-all (`*`, such as a CORS preflight's OPTIONS route) says nothing about which paths exist and is left out.
 */
export class RouteMethods {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(method: string | string[], url: string): void {
    if (url === '*' || url === '/*') return;
    const route = this.routes.get(url) ?? { pattern: routePattern(url), methods: new Set<string>() };
    for (const m of Array.isArray(method) ? method : [method]) {
      route.methods.add(m.toUpperCase());
      if (m.toUpperCase() === 'GET') route.methods.add('HEAD');
    }
    this.routes.set(url, route);
  }

  /** The methods `path` (without its query) is answered for, in METHOD_ORDER and with OPTIONS; [] for no such path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes.values()) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    if (!methods.size) return [];
    methods.add('OPTIONS');
    return [...methods].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
  }
}

const tables = new WeakMap<object, RouteMethods>();

/** Records the methods of every route registered on `fastify` from now on (call before the routes are registered). */
export function trackRouteMethods(fastify: FastifyInstance): void {
  const table = new RouteMethods();
  tables.set(fastify, table);
  fastify.addHook('onRoute', (route) => table.add(route.method, route.url ?? route.path));
}

/** The methods the path of `req` is answered for ([] when no route has it, or the routes were not tracked). */
export function allowedMethods(req: FastifyRequest): string[] {
  // Every request's `server` is the root instance or one of its encapsulated children: walk up to the tracked one.
  let server: unknown = req.server;
  for (let i = 0; server && i < 10; i++) {
    const table = tables.get(server);
    if (table) return table.allowed((req.url ?? '').split('?')[0]);
    server = Object.getPrototypeOf(server);
  }
  return [];
}
