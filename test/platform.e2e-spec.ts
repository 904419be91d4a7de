import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Db } from '../src/database/db';
import { schemaDrift } from '../src/database/migrations';
import { IdempotencyPurge } from '../src/idempotency/idempotency.module';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('platform: errors, limits, headers, health, metrics, contract (R7)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: '65536' } });
    admin = await t.user(['admin']);
  });
  afterAll(() => t.close());

  it('an unknown route is a 404 problem+json', async () => {
    const res = await t.http.get('/no/such/route').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:amhp-hub:problem:not-found', title: 'Not found', status: 404, instance: '/no/such/route' });
  });

  it('a method a route does not take is 405 problem+json with Allow, not a 404 saying the resource does not exist', async () => {
    const referral = '/referrals/3367537f-74b6-46b4-a1e2-e2a85c17866c';
    for (const [method, path, allow] of [
      ['delete', '/reports/populations', 'GET, HEAD, PUT, OPTIONS'],
      ['patch', '/referrals', 'GET, HEAD, POST, OPTIONS'],
      ['put', referral, 'GET, HEAD, OPTIONS'],
      ['delete', '/people/3367537f-74b6-46b4-a1e2-e2a85c17866c', 'GET, HEAD, PATCH, OPTIONS'],
      ['get', `${referral}/status`, 'POST, OPTIONS'],
      ['post', '/health/ready', 'GET, HEAD, OPTIONS'],
      ['delete', '/app/', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const res = await t.http[method](path).set('authorization', admin.auth);
      expect({ method, path, status: res.status, allow: res.headers.allow }).toEqual({ method, path, status: 405, allow });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 405, code: 'method-not-allowed', allow: allow.split(', '), instance: path });
    }
    // A method Node knows but no route takes anywhere.
    const trace = await t.http.trace('/referrals');
    expect([trace.status, trace.headers.allow]).toEqual([405, 'GET, HEAD, POST, OPTIONS']);
    // OPTIONS (no CORS configured) says which methods the resource takes.
    const options = await t.http.options('/reports/populations').expect(204);
    expect(options.headers.allow).toBe('GET, HEAD, PUT, OPTIONS');
    expect(options.text).toBe('');
    // A path no route has is still 404, whatever the method.
    for (const method of ['get', 'delete', 'options'] as const) {
      const res = await t.http[method]('/no/such/route');
      expect([method, res.status, res.headers.allow]).toEqual([method, 404, undefined]);
    }
  });

  it('an oversized body is a 413 problem and nothing is stored', async () => {
    const res = await t.http
      .post('/users')
      .set('authorization', admin.auth)
      .send({ email: 'big@council.test', displayName: 'x'.repeat(70_000), roles: ['amhp'] })
      .expect(413);
    expect(res.body).toMatchObject({ status: 413, code: 'http-413' });
    expect(await t.sql(`SELECT 1 FROM users WHERE email = 'big@council.test'`)).toHaveLength(0);
  });

  it('malformed JSON is a 400 problem', async () => {
    const res = await t.http
      .post('/users')
      .set('authorization', admin.auth)
      .set('content-type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a body that is not JSON is refused with a 4xx problem', async () => {
    const res = await t.http.post('/users').set('authorization', admin.auth).set('content-type', 'text/xml').send('<user/>');
    expect([400, 415]).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('caps the page size: limit above 200 is a 400 naming the field; 200 is fine', async () => {
    const res = await t.http.get('/users?limit=201').set('authorization', admin.auth).expect(400);
    expect(res.body.errors).toEqual([{ field: 'limit', messages: ['limit must not be greater than 200'] }]);
    await t.http.get('/users?limit=200').set('authorization', admin.auth).expect(200);
    await t.http.get('/users?limit=abc').set('authorization', admin.auth).expect(400);
  });

  it("a data answer carries the API's security headers, a request id and Cache-Control: no-store, and no document-only header", async () => {
    for (const res of [
      await t.http.get(`/users/${admin.id}`).set('authorization', admin.auth).expect(200),
      await t.http.get('/users?limit=abc').set('authorization', admin.auth).expect(400),
    ]) {
      expect(res.headers).toMatchObject({
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cross-origin-resource-policy': 'same-origin',
        'cache-control': 'no-store',
      });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      for (const pageOnly of [
        'cross-origin-opener-policy',
        'origin-agent-cluster',
        'referrer-policy',
        'x-dns-prefetch-control',
        'x-xss-protection',
      ]) {
        expect(res.headers[pageOnly]).toBeUndefined();
      }
    }
  });

  it("a page (the API's docs) carries helmet's document headers with its own policy", async () => {
    const res = await t.http.get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    });
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    expect((await t.http.get('/health/live').set('x-request-id', 'thin-client-42').expect(200)).headers['x-request-id']).toBe(
      'thin-client-42',
    );
    expect((await t.http.get('/health/live').set('x-request-id', 'bad id\twith tab').expect(200)).headers['x-request-id']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('a NUL character in a query or body is a 400, not a 500', async () => {
    await t.http.get('/users?q=%00').set('authorization', admin.auth).expect(400);
    await t.http
      .post('/users')
      .set('authorization', admin.auth)
      .send({ email: 'nul@council.test', displayName: 'A\u0000B', roles: ['amhp'] })
      .expect(400);
  });

  it('error bodies carry no stack trace or internals', async () => {
    const res = await t.http.get('/users/not-a-uuid').set('authorization', admin.auth).expect(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+|QueryFailedError|node_modules/);
  });

  it('health: live and ready answer 200', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('metrics expose request durations by route and the pool gauges', async () => {
    await t.http.get('/health/live').expect(200);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/health\/live"/);
    expect(res.text).toMatch(/db_pool_connections_total \d+/);
    expect(res.text).toMatch(/process_cpu_user_seconds_total/);
  });

  it('metrics say how long a session left open in a writing transaction has been holding events back, and nothing once it ends', async () => {
    const gauge = async () =>
      Number(/^db_oldest_writing_transaction_seconds ([\d.e+-]+)$/m.exec((await t.http.get('/metrics').expect(200)).text)?.[1]);
    expect(await gauge()).toBeLessThan(1);
    const left = new Client({ connectionString: t.databaseUrl });
    await left.connect();
    try {
      await left.query('BEGIN');
      await left.query('SELECT pg_current_xact_id()'); // as a first write does: the transaction now has an id
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await gauge()).toBeGreaterThanOrEqual(1);
      await left.query('ROLLBACK');
      expect(await gauge()).toBeLessThan(1);
    } finally {
      await left.end();
    }
  });

  it('the committed openapi.json is exactly what the app serves (run `npm run openapi` after changing the API)', async () => {
    const served = (await t.http.get('/openapi.json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
    expect((await t.http.get('/docs').expect(200)).text).toContain('swagger');
  });

  it('entities and migrations agree: generating a migration would produce nothing', async () => {
    // Reading the schema asks one query at a time of each connection: none is sent while another waits on it (pg 9
    // will refuse that).
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the client as `this`
    const query = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;
    let sentWhileBusy = 0;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      if ((this as unknown as { _queryQueue: unknown[] })._queryQueue.length > 0) sentWhileBusy++;
      return query.apply(this, args);
    });
    try {
      const drift = await schemaDrift(t.app.get(DataSource));
      expect(drift.up).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(sentWhileBusy).toBe(0);
  });

  it('retries a whole transaction on serialization failure, so concurrent SERIALIZABLE increments all land', async () => {
    const db = t.app.get(Db);
    await t.sql('CREATE TABLE IF NOT EXISTS retry_probe (id int PRIMARY KEY, n int NOT NULL)');
    await t.sql('INSERT INTO retry_probe VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0');
    let attempts = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        db.transaction(async (m) => {
          attempts += 1;
          const [{ n }] = await m.query('SELECT n FROM retry_probe WHERE id = 1');
          await new Promise((r) => setTimeout(r, 5));
          await m.query('UPDATE retry_probe SET n = $1 WHERE id = 1', [n + 1]);
        }, 'SERIALIZABLE'),
      ),
    );
    expect((await t.sql<{ n: number }>('SELECT n FROM retry_probe WHERE id = 1'))[0].n).toBe(8);
    expect(attempts).toBeGreaterThan(8);
    await t.sql('DROP TABLE retry_probe');
  });

  it('answers CORS preflights only for configured origins', async () => {
    const cors = await createTestApp({ env: { CORS_ORIGINS: 'https://rota.council.test' }, databaseUrl: t.databaseUrl });
    try {
      const ok = await cors.http.options('/auth/me').set('origin', 'https://rota.council.test').set('access-control-request-method', 'GET');
      expect(ok.headers['access-control-allow-origin']).toBe('https://rota.council.test');
      const other = await cors.http.options('/auth/me').set('origin', 'https://evil.test').set('access-control-request-method', 'GET');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      // Not a preflight (no Origin): the methods the resource takes, as without CORS.
      const plain = await cors.http.options('/reports/populations').expect(204);
      expect(plain.headers.allow).toBe('GET, HEAD, PUT, OPTIONS');
      const unknown = await cors.http.options('/no/such/route').expect(404);
      expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
      // A browser's request still gets its CORS headers.
      const read = await cors.http.get('/health/live').set('origin', 'https://rota.council.test');
      expect(read.headers['access-control-allow-origin']).toBe('https://rota.council.test');
    } finally {
      await cors.app.close();
    }
  });

  it('purges expired idempotency records', async () => {
    await t.http
      .post('/users')
      .set('authorization', admin.auth)
      .set('idempotency-key', 'purge-me')
      .send({ email: 'purge@council.test', displayName: 'P', roles: ['amhp'] })
      .expect(201);
    expect(await t.app.get(IdempotencyPurge).purge()).toBe(0);
    t.clock.advance(25 * 3_600_000);
    expect(await t.app.get(IdempotencyPurge).purge()).toBe(1);
    t.clock.advance(-25 * 3_600_000);
  });
});
