import { RouteMethods, routePattern } from './allowed-methods';

describe('a route pattern matches the paths Fastify would route to it', () => {
  it.each([
    ['/referrals', '/referrals', true],
    ['/referrals', '/referrals/x', false],
    ['/referrals/:id/status', '/referrals/3367537f-74b6-46b4-a1e2-e2a85c17866c/status', true],
    ['/referrals/:id/status', '/referrals//status', false],
    ['/referrals/:id/status', '/referrals/a/b/status', false],
    ['/app/*', '/app/', true],
    ['/app/*', '/app/icons/x.png', true],
    ['/handovers/:date.pdf', '/handovers/2026-11-21.pdf', true],
    ['/handovers/:date.pdf', '/handovers/2026-11-21xpdf', false], // the dot is a dot
  ])('%s ~ %s: %p', (url, path, matches) => expect(routePattern(url).test(path)).toBe(matches));
});

describe('the methods a path is answered for, for Allow', () => {
  const table = new RouteMethods();
  table.add('GET', '/reports/populations');
  table.add('PUT', '/reports/populations');
  table.add(['POST'], '/referrals/:id/status');
  table.add('GET', '/referrals/:id');
  table.add('PATCH', '/referrals/:id');
  table.add('OPTIONS', '*'); // a CORS preflight's catch-all says nothing about which paths exist

  it.each([
    ['/reports/populations', ['GET', 'HEAD', 'PUT', 'OPTIONS']],
    ['/referrals/abc', ['GET', 'HEAD', 'PATCH', 'OPTIONS']],
    ['/referrals/abc/status', ['POST', 'OPTIONS']],
    ['/no/such/thing', []],
  ])('%s: %j', (path, allowed) => expect(table.allowed(path)).toEqual(allowed));
});
