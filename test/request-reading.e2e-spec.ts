import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * How the API reads a request, before any route logic: the body's media type and charset, field and query names, the
 * query parameters a route reads, If-Match, Authorization and path parameters. What a client sees when it sends
 * something else: a 4xx problem+json naming what is wrong, and nothing changed.
 */
describe('reading a request: refused 4xx problem+json naming what is wrong, changing nothing', () => {
  let t: TestApp;
  let manager: TestUser;
  let admin: TestUser;
  let shiftId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    admin = await t.user(['admin']);
    shiftId = (
      await t.http
        .post('/rota/shifts')
        .set('authorization', manager.auth)
        .send({ label: 'Reading', startsAt: '2027-05-03T08:00:00Z', endsAt: '2027-05-03T16:00:00Z', requiredCount: 1 })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };
  function expectProblem(res: Res, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
  }
  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
  const notes = async () => (await t.sql<{ notes: string | null }>('SELECT notes FROM shifts WHERE id = $1', [shiftId]))[0].notes;
  const count = async (table: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  /** A body sent as the bytes given, with the content type given. */
  const send = (method: 'post' | 'put' | 'patch', path: string, contentType: string, bytes: Buffer | string, auth = manager) =>
    rawHttp(
      method.toUpperCase(),
      path,
      [
        ['authorization', auth.auth],
        ['content-type', contentType],
      ],
      Buffer.from(bytes),
    );

  /** A raw HTTP exchange, for what supertest will not send as it is (two Authorization headers). */
  function rawHttp(method: string, path: string, headers: Array<[string, string]>, body?: Buffer): Promise<Res> {
    const server = t.app.getHttpServer();
    const address = server.address() as AddressInfo | null;
    const listening = address
      ? Promise.resolve(address.port)
      : new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));
    return listening.then(
      (port) =>
        new Promise((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers as Record<string, string>,
                body: text ? JSON.parse(text) : undefined,
              }),
            );
          });
          // A header given twice is sent as two fields.
          const byName = new Map<string, string[]>();
          for (const [name, value] of headers) byName.set(name, [...(byName.get(name) ?? []), value]);
          for (const [name, values] of byName) req.setHeader(name, values.length > 1 ? values : values[0]);
          if (body) req.setHeader('content-length', String(body.length));
          req.on('error', reject);
          req.end(body);
        }),
    );
  }

  describe('the charset of a body', () => {
    it('a person sent in Latin-1 (charset=iso-8859-1) is refused 415 and no person is stored', async () => {
      const people = await count('persons');
      const body = Buffer.from('{"givenName":"Zo\xeb","familyName":"Ni Bhria\xedn","dateOfBirth":"1990-01-01"}', 'latin1');
      const res = await send('post', '/people', 'application/json; charset=iso-8859-1', body);
      expectProblem(res, 415);
      expect(res.body.detail).toMatch(/UTF-8/);
      expect(await count('persons')).toBe(people);
    });

    it.each(['bogus', 'utf-16', '"latin1"'])('charset=%s is refused 415', async (charset) => {
      const res = await send('patch', `/rota/shifts/${shiftId}`, `application/json; charset=${charset}`, '{"notes":"x"}');
      expectProblem(res, 415);
      expect(await notes()).toBeNull();
    });

    it.each([
      ['an invalid byte', Buffer.from([0xff, 0xfe])],
      ['an overlong form', Buffer.from([0xc0, 0xaf])],
      ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ])('notes holding %s (not UTF-8) are refused 400 naming the body; the shift is unchanged', async (_, bad) => {
      const body = Buffer.concat([Buffer.from('{"notes":"bad '), bad, Buffer.from(' byte"}')]);
      const res = await send('patch', `/rota/shifts/${shiftId}`, 'application/json; charset=utf-8', body);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['body']);
      expect(await notes()).toBeNull();
    });

    it('UTF-8 declared in any case, quoted or not, is read: "Zoë" is stored as sent', async () => {
      for (const charset of ['UTF-8', '"utf-8"']) {
        const res = await send(
          'post',
          '/people',
          `application/json; charset=${charset}`,
          '{"givenName":"Zoë","familyName":"Ní Bhriain","dateOfBirth":"1990-01-01"}',
        );
        expect(res.status).toBe(201);
        expect(res.body.givenName).toBe('Zoë');
      }
    });

    it('a population CSV in Latin-1 is 415, with invalid UTF-8 400 naming the body; nothing is loaded', async () => {
      const csv = 'year,ageBand,sex,ethnicGroup,population\n2025,18-34,female,white,1000\n';
      expectProblem(await send('put', '/reports/populations', 'text/csv; charset=iso-8859-1', csv), 415);
      const bad = await send('put', '/reports/populations', 'text/csv', Buffer.concat([Buffer.from(csv), Buffer.from([0xff])]));
      expectProblem(bad, 400);
      expect(fields(bad.body)).toEqual(['body']);
      expect(await count('report_populations')).toBe(0);
    });
  });

  describe('the media type of a body', () => {
    it('a form-encoded PATCH of a shift is refused 415 and its notes are unchanged', async () => {
      const res = await send('patch', `/rota/shifts/${shiftId}`, 'application/x-www-form-urlencoded', 'notes=from-a-form');
      expectProblem(res, 415);
      expect(await notes()).toBeNull();
    });

    it('a form-encoded login is refused 415: no tokens', async () => {
      const res = await t.http.post('/auth/login').type('form').send({ email: manager.email, password: 'whatever' });
      expectProblem(res, 415);
      expect(res.body.accessToken).toBeUndefined();
    });

    it.each([['text/plain'], ['text/csv'], ['application/xml']])('a shift PATCH sent as %s is refused 415', async (type) => {
      const res = await send('patch', `/rota/shifts/${shiftId}`, type, '{"notes":"typed"}');
      expectProblem(res, 415);
      expect(await notes()).toBeNull();
    });

    it('JSON to the route that takes CSV is 415 naming text/csv', async () => {
      const res = await send('put', '/reports/populations', 'application/json', '{"year":2025}');
      expectProblem(res, 415);
      expect(res.body.detail).toMatch(/text\/csv/);
    });
  });

  describe('fields named after members of every object', () => {
    it.each([
      ['constructor', '"x"'],
      ['hasOwnProperty', '1'],
      ['toString', '"x"'],
      ['valueOf', '1'],
      ['__defineGetter__', '1'],
      ['prototype', '1'],
      ['__proto__', '{"isAdmin":true}'],
    ])('a shift PATCH with %s beside notes is refused 400 naming it; the notes are unchanged', async (name, value) => {
      const res = await send('patch', `/rota/shifts/${shiftId}`, 'application/json', `{"notes":"a","${name}":${value}}`);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: name, messages: [`${name} is not a field this endpoint accepts`] }]);
      expect(await notes()).toBeNull();
    });

    it('nested too: an override with hasOwnProperty is refused naming its path', async () => {
      const res = await send(
        'post',
        `/rota/shifts/${shiftId}/assignments`,
        'application/json',
        '{"practitionerId":"a464288c-0303-4ac3-8afa-bbeadd0f64af","overrides":[{"code":"x","reason":"long enough reason","hasOwnProperty":1}]}',
      );
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['overrides.0.hasOwnProperty']);
    });

    it('a user with toString is refused 400 naming it and no user is created', async () => {
      const users = await count('users');
      const res = await send(
        'post',
        '/users',
        'application/json',
        '{"email":"p1@x.example","displayName":"P","roles":["referrer"],"toString":1}',
        admin,
      );
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['toString']);
      expect(await count('users')).toBe(users);
    });

    it.each(['hasOwnProperty', '__proto__', 'constructor'])('?%s=1 on a list is refused 400 naming it', async (name) => {
      const res = await t.http.get(`/rota/leave?${name}=1`).set('authorization', manager.auth);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual([name]);
    });
  });

  describe('query parameters a route does not read', () => {
    it.each([
      ['get', '/auth/me'],
      ['get', '/rota/patterns'],
      ['get', '/me/push-subscriptions'],
      ['get', '/pages/vapid-public-key'],
      ['get', '/audit-events/verify'],
    ] as const)('%s %s?zzzUnknown=1 is refused 400 naming zzzUnknown', async (method, path) => {
      const res = await t.http[method](`${path}?zzzUnknown=1`).set('authorization', (path.startsWith('/audit') ? admin : manager).auth);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['zzzUnknown']);
    });

    it('a shift PATCH with ?zzz=1&notify=false is refused 400 naming both; the notes are unchanged', async () => {
      const res = await t.http.patch(`/rota/shifts/${shiftId}?zzz=1&notify=false`).set('authorization', manager.auth).send({ notes: 'q' });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['zzz', 'notify']);
      expect(await notes()).toBeNull();
    });

    it('a login with ?zzz=1 is refused 400; without a token, a route still answers 401 first', async () => {
      expectProblem(await t.http.post('/auth/login?zzz=1').send({ email: manager.email, password: 'x' }), 400);
      expectProblem(await t.http.get('/auth/me?zzz=1'), 401);
    });

    it('the routes that read parameters by name still take them: /events refuses only the others', async () => {
      const res = await t.http.get('/events?types=rota.*&zzz=1').set('authorization', manager.auth).set('accept', 'text/event-stream');
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['zzz']);
      // A known parameter reaches the route (a bad event id is its own refusal, not an unknown parameter).
      const own = await t.http.get('/events?lastEventId=abc').set('authorization', manager.auth).set('accept', 'text/event-stream');
      expectProblem(own, 400);
      expect(fields(own.body)).toEqual(['lastEventId']);
    });

    it('routes with a query DTO still answer their parameters', async () => {
      expect((await t.http.get('/rota/leave?limit=5').set('authorization', manager.auth)).status).toBe(200);
    });
  });

  describe('If-Match', () => {
    const patch = (ifMatch: string, notesValue: string) =>
      t.http.patch(`/rota/shifts/${shiftId}`).set('authorization', manager.auth).set('if-match', ifMatch).send({ notes: notesValue });
    const version = async () =>
      (await t.http.get(`/rota/shifts/${shiftId}`).set('authorization', manager.auth).expect(200)).body.version as number;

    it('a weak ETag W/"vN" naming the current version does not satisfy If-Match: 412, nothing changed', async () => {
      const v = await version();
      expectProblem(await patch(`W/"v${v}"`, 'weak'), 412);
      expect(await version()).toBe(v);
    });

    it('a list "v<old>", "v<current>" is well-formed and matches; whitespace around it is allowed', async () => {
      const v = await version();
      expect((await patch(`  "v${v + 100}", "v${v}"\t`, 'listed')).status).toBe(200);
      expect(await notes()).toBe('listed');
      expectProblem(await patch(`"v${v + 100}", "v${v + 200}"`, 'stale'), 412);
      await t.http.patch(`/rota/shifts/${shiftId}`).set('authorization', manager.auth).send({ notes: null }).expect(200);
    });

    it('a tag this API never returns ("v012", "v12.0") is 400', async () => {
      expectProblem(await patch('"v012"', 'x'), 400);
      expectProblem(await patch('"v12.0"', 'x'), 400);
    });
  });

  describe('Authorization', () => {
    it('two Authorization headers, in either order, are refused 400 naming it', async () => {
      for (const order of [
        [manager.auth, 'Bearer bogus'],
        ['Bearer bogus', manager.auth],
      ]) {
        const res = await rawHttp(
          'GET',
          '/auth/me',
          order.map((v) => ['authorization', v] as [string, string]),
        );
        expectProblem(res, 400);
        expect(fields(res.body as { errors?: Array<{ field: string }> })).toEqual(['Authorization']);
      }
      expect((await rawHttp('GET', '/auth/me', [['authorization', manager.auth]])).status).toBe(200);
    });
  });

  describe('path parameters', () => {
    it('GET /reports/nonexistent/records is 400 naming report', async () => {
      const res = await t.http.get('/reports/nonexistent/records').set('authorization', manager.auth);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['report']);
    });

    it('GET /handovers/2026-02-30 is 400 naming date', async () => {
      const res = await t.http.get('/handovers/2026-02-30').set('authorization', manager.auth);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['date']);
    });

    it('PATCH /assessments/{id}/events/x is 400 naming eventId', async () => {
      const res = await t.http
        .patch('/assessments/8f14e45f-ceea-467f-a0e5-5f1a1b0c4d2e/events/x')
        .set('authorization', manager.auth)
        .send({ at: '2026-11-21T11:00:00Z' });
      expect([400, 403]).toContain(res.status);
      if (res.status === 400) expect(fields(res.body)).toEqual(['eventId']);
    });
  });

  describe('gateway receipts', () => {
    let n = 0;
    /** A page the gateway was asked to deliver at `requestedAt` (as PushSender leaves one no phone took). */
    async function requestedPage(requestedAt = '2026-11-21T11:50:00Z'): Promise<string> {
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO pages (kind, recipient_user_id, chain_key, urgency, created_at, push_state, gateway_state, gateway_requested_at, gateway_updated_at)
         VALUES ('handover', $1, $2, 'normal', $3, 'no-device', 'requested', $3, $3) RETURNING id`,
        [manager.id, `handover:receipt-${++n}`, requestedAt],
      );
      return row.id;
    }
    const receipt = (id: string, body: object) => t.http.post(`/pages/${id}/gateway-receipts`).set('authorization', admin.auth).send(body);
    const gatewayOf = async (id: string) =>
      (
        await t.sql<{ state: string; at: Date }>('SELECT gateway_state AS state, gateway_updated_at AS at FROM pages WHERE id = $1', [id])
      )[0];

    it.each([
      ['years ahead', '2030-01-01T00:00:00Z', 'in-future'],
      ['before the page was requested', '2026-11-21T10:00:00Z', 'before-page-requested'],
      ['in 1990', '1990-01-01T00:00:00Z', 'before-page-requested'],
    ])('a receipt dated %s is refused 422 naming at; the page is unchanged', async (_, at, code) => {
      const id = await requestedPage();
      const res = await receipt(id, { status: 'acknowledged', at });
      expectProblem(res, 422);
      expect(res.body).toMatchObject({ code, field: 'at' });
      expect(await gatewayOf(id)).toEqual({ state: 'requested', at: new Date('2026-11-21T11:50:00Z') });
      expect((await t.sql('SELECT acknowledged_at FROM pages WHERE id = $1', [id]))[0]).toEqual({ acknowledged_at: null });
    });

    it('an older receipt arriving late never moves gatewayUpdatedAt back; a late failure never undoes the delivery', async () => {
      const id = await requestedPage();
      await receipt(id, { status: 'delivered', at: '2026-11-21T11:55:00Z', detail: 'ref-2' }).expect(200);
      const older = await receipt(id, { status: 'delivered', at: '2026-11-21T11:52:00Z', detail: 'ref-1' }).expect(200);
      expect(older.body.channels).toMatchObject({
        gateway: 'delivered',
        gatewayUpdatedAt: '2026-11-21T11:55:00.000Z',
        gatewayDetail: 'ref-2',
      });
      const failed = await receipt(id, { status: 'failed', at: '2026-11-21T11:58:00Z', detail: 'timeout' }).expect(200);
      expect(failed.body.channels).toMatchObject({
        gateway: 'delivered',
        gatewayUpdatedAt: '2026-11-21T11:55:00.000Z',
        gatewayDetail: 'ref-2',
      });
      // Each is in the audit trail, the superseded ones marked so.
      const audited = await t.sql<{ details: { superseded?: boolean } }>(
        `SELECT details FROM audit_events WHERE action = 'page.gateway-receipt' AND resource_id = $1 ORDER BY id`,
        [id],
      );
      expect(audited.map((a) => a.details.superseded ?? false)).toEqual([false, true, true]);
    });

    it('an acknowledgement dated before a failure already held still acknowledges the page and marks it delivered', async () => {
      const id = await requestedPage();
      await receipt(id, { status: 'failed', at: '2026-11-21T11:58:00Z' }).expect(200);
      const acked = await receipt(id, { status: 'acknowledged', at: '2026-11-21T11:56:00Z', detail: 'SMS reply' }).expect(200);
      expect(acked.body).toMatchObject({
        acknowledgedVia: 'gateway',
        channels: { gateway: 'delivered', gatewayUpdatedAt: '2026-11-21T11:58:00.000Z', gatewayDetail: 'SMS reply' },
      });
    });
  });
});
