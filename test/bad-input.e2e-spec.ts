import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from './support/test-app';

/**
 * What a client sees when it sends something the contract does not allow: always a 4xx application/problem+json
 * answer with a numeric status and the field named, never a 500, and nothing stored.
 */
describe('bad input: refused 4xx problem+json, naming the field, changing nothing', () => {
  let t: TestApp;
  let manager: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    admin = await t.user(['admin']);
  });
  afterAll(() => t.close());

  const raw = (method: 'post' | 'put' | 'patch', path: string, body: string, auth?: TestUser) => {
    const r = t.http[method](path).set('content-type', 'application/json');
    if (auth) r.set('authorization', auth.auth);
    return r.send(body);
  };
  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object = {}) => t.http.put(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  const count = async (table: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

  function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
    expect(typeof res.body.code).toBe('string');
    expect(typeof res.body.type).toBe('string');
  }

  /** A raw HTTP exchange, for requests supertest would refuse to send as they are. */
  function rawHttp(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
    const server = t.app.getHttpServer();
    const address = (server.address() as AddressInfo | null) ?? undefined;
    const listening = address
      ? Promise.resolve(address.port)
      : new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));
    return listening.then(
      (port) =>
        new Promise((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
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
          req.on('error', reject);
          req.end();
        }),
    );
  }

  it('a period that ends before it starts, or a date outside what it belongs to, is 422 naming the field', async () => {
    const shifts = await count('shifts');
    for (const [what, res, field] of [
      ['a rota read backwards', await as(manager).get('/rota/shifts?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z'), 'to'],
      ['coverage read backwards', await as(manager).get('/rota/coverage?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z'), 'to'],
      ['assignments read backwards', await as(manager).get('/rota/assignments?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z'), 'to'],
      ['generating backwards', await as(manager).post('/rota/shifts/generate', { from: '2026-12-02', to: '2026-12-01' }), 'to'],
      [
        'a shift ending as it starts',
        await as(manager).post('/rota/shifts', {
          label: 'Extra',
          startsAt: '2026-12-01T09:00:00Z',
          endsAt: '2026-12-01T09:00:00Z',
          requiredCount: 1,
        }),
        'endsAt',
      ],
      [
        'a pattern of no length',
        await as(manager).post('/rota/patterns', {
          name: 'None',
          startTime: '09:00',
          endTime: '09:00',
          weekdays: [1],
          bankHolidays: 'exclude',
          requiredCount: 1,
          validFrom: '2026-01-01',
        }),
        'endTime',
      ],
      ['supervision sessions read backwards', await as(manager).get('/supervision-sessions?from=2026-02-01&to=2026-01-01'), 'to'],
    ] as const) {
      expect({ what, status: res.status, fields: fields(res.body) }).toEqual({ what, status: 422, fields: [field] });
      expectProblem(res, 422);
    }
    expect(await count('shifts')).toBe(shifts);
  });
  describe('body size and depth', () => {
    it('a login body of 3,000 nested arrays is refused 400 problem+json and nothing is stored', async () => {
      const audits = await count('audit_events');
      const res = await raw('post', '/auth/login', '['.repeat(3000));
      expectProblem(res, 400);
      expect(res.body.code).toBe('body-too-deep');
      expect(await count('audit_events')).toBe(audits);
    });

    it('a well-formed body nested deeper than 32 levels is refused 400 on every route, signed in or not', async () => {
      const deep = `{"email":"a@b.c","password":"x","extra":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
      expectProblem(await raw('post', '/auth/login', deep), 400);
      const res = await raw('post', '/people', deep, manager);
      expectProblem(res, 400);
      expect(res.body.code).toBe('body-too-deep');
    });

    it('brackets inside strings do not count towards the depth', async () => {
      const res = await raw('post', '/auth/login', JSON.stringify({ email: 'nobody@test.amhp-hub.local', password: '['.repeat(500) }));
      expectProblem(res, 401);
    });

    it('a body larger than the limit is refused 413 problem+json', async () => {
      const res = await raw('post', '/auth/login', JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2_000_000) }));
      expectProblem(res, 413);
    });
  });

  describe('strings', () => {
    it('an email holding a lone UTF-16 surrogate is refused 400 naming email, without signing in, and nothing is stored', async () => {
      const audits = await count('audit_events');
      const res = await raw('post', '/auth/login', '{"email":"a\\ud800b@test.amhp-hub.local","password":"whatever-password"}');
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['email']);
      expect(await count('audit_events')).toBe(audits);
    });

    it('a lone surrogate deep in a referral is refused 400 naming the field path; no person or referral is stored', async () => {
      const [people, referrals] = [await count('persons'), await count('referrals')];
      const body = JSON.stringify(referralBody()).replace('"Dr Whitfield"', '"Dr \\udc00Whitfield"');
      const res = await raw('post', '/referrals', body, manager);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['referrer.name']);
      expect([await count('persons'), await count('referrals')]).toEqual([people, referrals]);
    });

    it('a NUL character in a name is refused 400 naming the field; no person is stored', async () => {
      const people = await count('persons');
      const res = await raw('post', '/people', '{"givenName":"Ana\\u0000","familyName":"Nul","dateOfBirth":"1990-01-01"}', manager);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'givenName', messages: ['givenName must not contain a NUL character'] }]);
      expect(await count('persons')).toBe(people);
    });

    it('a well-formed surrogate pair (an emoji) is accepted and stored as sent', async () => {
      const res = await as(manager).post('/people', { givenName: 'Ana 😀', familyName: 'Pair', dateOfBirth: '1990-01-01' });
      expect(res.status).toBe(201);
      expect(res.body.givenName).toBe('Ana 😀');
    });
  });

  describe('numbers with a decimal-places limit', () => {
    it.each([
      ['fte', 1e-7],
      ['fte', 0.125],
      ['contractedHoursPerWeek', 37.55],
    ])('a practitioner with %s = %p is refused 400 naming the field', async (field, value) => {
      const worker = await t.user(['amhp']);
      const res = await as(manager).post('/practitioners', {
        userId: worker.id,
        profession: 'social-worker',
        registrationBody: 'Social Work England',
        registrationNumber: 'SW424242',
        [field]: value,
      });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual([field]);
    });

    it('training hours of 1e-7 are refused 400 naming hours; 1.25 hours are accepted', async () => {
      const worker = await amhp(t);
      const training = { completedOn: '2026-11-01', provider: 'Forum', topic: 'Case law' };
      const res = await as(manager).post(`/practitioners/${worker.practitionerId}/training`, { ...training, hours: 1e-7 });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['hours']);
      expect((await as(manager).post(`/practitioners/${worker.practitionerId}/training`, { ...training, hours: 1.25 })).status).toBe(201);
    });

    it('yearsLivingWith of 1e-7 is refused 400 naming the field', async () => {
      const person = (await as(manager).post('/people', { givenName: 'Rel', familyName: 'Ative', dateOfBirth: '1980-01-01' }).expect(201))
        .body;
      const res = await as(manager).post(`/people/${person.id}/relatives`, { name: 'Kim', relationship: 'other', yearsLivingWith: 1e-7 });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['yearsLivingWith']);
    });
  });

  describe('query parameters', () => {
    it('a repeated lastEventId on /events is refused 400 naming lastEventId', async () => {
      const res = await as(manager).get('/events?lastEventId=1&lastEventId=2').set('accept', 'text/event-stream');
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['lastEventId']);
    });

    it.each([
      ['an encoded lone surrogate', '/users?q=a%ED%A0%80b', 'q'],
      ['a byte that is not UTF-8', '/users?q=%FF', 'q'],
      ['a cut-off character', '/referrals?status=%E2%82', 'status'],
      ['a % without two hex digits', '/audit?action=50%', 'action'],
      ['a badly encoded name', '/users?%FF=1', '%FF'],
    ])('a query parameter with %s is refused 400 naming it, not searched for as typed', async (_, url, field) => {
      const caller = url.startsWith('/audit') ? await t.user(['auditor']) : url.startsWith('/referrals') ? manager : admin;
      const res = await rawHttp(url, { authorization: caller.auth });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual([field]);
    });

    it('a validly encoded query (a search with an emoji, a literal %25) is still answered', async () => {
      expect((await rawHttp('/users?q=%F0%9F%99%82', { authorization: admin.auth })).status).toBe(200);
      expect((await rawHttp('/users?q=50%25+off', { authorization: admin.auth })).status).toBe(200);
    });

    it('any repeated query parameter where one value is expected is refused 400 naming it', async () => {
      const res = await as(admin).get('/users?limit=1&limit=2');
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['limit']);
    });
  });

  describe('headers', () => {
    it.each([
      ['Idempotency-Key', ''],
      ['Idempotency-Key', 'k'.repeat(256)],
      ['Idempotency-Key', 'two words'],
      ['Idempotency-Key', 'caf\u00e9'],
      ['If-Match', 'v1'],
      ['If-Match', '"v1'],
    ])('%s: %j on a PATCH is refused 400 naming the header in errors, and the version is unchanged', async (header, value) => {
      const user = await t.user(['amhp']);
      const res = await t.http
        .patch(`/users/${user.id}`)
        .set('authorization', admin.auth)
        .set(header, value)
        .send({ displayName: 'Renamed' });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual([header]);
      expect((await as(admin).get(`/users/${user.id}`).expect(200)).body).toMatchObject({
        version: 1,
        displayName: expect.not.stringMatching('Renamed'),
      });
    });

    it('Idempotency-Key on a write that never stores its answer is refused 400 naming the header', async () => {
      const res = await t.http.post('/auth/me/password').set('authorization', manager.auth).set('Idempotency-Key', 'k-1').send({
        currentPassword: TEST_PASSWORD,
        newPassword: 'another-long-password-2026',
      });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['Idempotency-Key']);
    });
  });

  describe('nested objects and arrays', () => {
    it('conflicts with an assessor that is an array are refused 400; the checks and the report still answer', async () => {
      const a = await openedAssessment();
      const res = await as(a.worker).put(`/assessments/${a.id}/conflicts`, { patientTeams: [], assessors: [[]] });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'assessors', messages: ['assessors.0 must be an object'] }]);
      for (const bad of [[null], ['x'], [1], {}]) {
        const r = await as(a.worker).put(`/assessments/${a.id}/conflicts`, { patientTeams: [], assessors: bad });
        expectProblem(r, 400);
      }
      expect((await as(a.worker).get(`/assessments/${a.id}/checks?section=s2`)).status).toBe(200);
      expect((await as(a.worker).get(`/assessments/${a.id}/report`)).status).toBe(200);
    });

    it.each(['risks', 'legalContext', 'referrer'])('a referral without %s is refused 400 naming it, in plain words', async (field) => {
      const referrals = await count('referrals');
      const body: Record<string, unknown> = referralBody();
      delete body[field];
      const res = await as(manager).post('/referrals', body);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual([field]);
      expect(JSON.stringify(res.body)).not.toMatch(/undefined|Cannot read|TypeError/);
      expect(await count('referrals')).toBe(referrals);
    });

    it.each([
      ['urgency', (json: string) => json.replace('"urgency":"urgent"', '"urgency":"routine","urgency":"urgent"')],
      ['risks.toOthers', (json: string) => json.replace('"toOthers":false', '"toOthers":true,"toOthers":false')],
      ['person.familyName', (json: string) => json.replace('"familyName":', '"\\u0066amilyName":"Other","familyName":')],
    ])('a referral naming %s twice is refused 400 naming it, and no referral is made', async (field, twice) => {
      const referrals = await count('referrals');
      const json = twice(JSON.stringify(referralBody()));
      expect(json).not.toBe(JSON.stringify(referralBody()));
      const res = await raw('post', '/referrals', json, manager);
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field, messages: [`${field} is given more than once`] }]);
      expect(await count('referrals')).toBe(referrals);
    });

    it.each([
      ['an array', []],
      ['a string', 'high'],
      ['null', null],
    ])('a referral whose risks is %s is refused 400 naming risks', async (_, risks) => {
      const res = await as(manager).post('/referrals', { ...referralBody(), risks });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['risks']);
    });
  });

  describe('null', () => {
    it('POST /users with password null is refused 400 naming password and no user is created', async () => {
      const users = await count('users');
      const res = await as(admin).post('/users', {
        email: 'null-password@test.amhp-hub.local',
        displayName: 'Null Password',
        roles: ['amhp'],
        password: null,
      });
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['password']);
      expect(res.body.errors[0].messages).toEqual(['password must not be null']);
      expect(await count('users')).toBe(users);
    });

    it('null in a nested non-nullable field is refused 400 naming its path', async () => {
      const res = await as(manager).post('/referrals', { ...referralBody(), risks: { toSelf: null, toOthers: false, fromOthers: false } });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'risks.toSelf', messages: ['toSelf must not be null'] }]);
    });

    it('null where the contract says nullable still clears the field', async () => {
      const user = await t.user(['amhp']);
      await as(admin).patch(`/users/${user.id}`, { phone: '+44 7700 900123' }).expect(200);
      const res = await as(admin).patch(`/users/${user.id}`, { phone: null });
      expect(res.status).toBe(200);
      expect(res.body.phone).toBeNull();
    });

    it('null as the whole PATCH body is refused 400 and the version is unchanged', async () => {
      const user = await t.user(['amhp']);
      const before = (await as(admin).get(`/users/${user.id}`).expect(200)).body.version;
      const res = await raw('patch', `/users/${user.id}`, 'null', admin);
      expectProblem(res, 400);
      expect(res.body.code).toBe('body-required');
      expect((await as(admin).get(`/users/${user.id}`).expect(200)).body.version).toBe(before);
    });

    it.each([['[]'], ['[{"displayName":"Listed"}]'], ['"x"'], ['42'], ['true']])(
      'a PATCH body of %s is refused 400 naming body and the version is unchanged',
      async (body) => {
        const user = await t.user(['amhp']);
        const res = await raw('patch', `/users/${user.id}`, body, admin);
        expectProblem(res, 400);
        expect(fields(res.body)).toEqual(['body']);
        expect((await as(admin).get(`/users/${user.id}`).expect(200)).body.version).toBe(1);
      },
    );

    it.each([
      ['POST /people', '/people', 'persons', '[{"givenName":"Listed","familyName":"Person","dateOfBirth":"1990-01-01"}]'],
      ['POST /referrals', '/referrals', 'referrals', '[]'],
      ['POST /doctors', '/doctors', 'doctors', '"Dr Bare"'],
      ['POST /rota/leave', '/rota/leave', 'leave_requests', '7'],
    ])('%s with a body that is not an object is refused 400 naming body, and nothing is stored', async (_, path, table, body) => {
      const before = await count(table);
      const res = await raw('post', path, body, manager);
      expectProblem(res, 400);
      expect(fields(res.body)).toEqual(['body']);
      expect(await count(table)).toBe(before);
    });

    it('a PATCH with no body at all is refused 400 and the version is unchanged', async () => {
      const user = await t.user(['amhp']);
      const res = await t.http.patch(`/users/${user.id}`).set('authorization', admin.auth);
      expectProblem(res, 400);
      expect(res.body.code).toBe('body-required');
      expect((await as(admin).get(`/users/${user.id}`).expect(200)).body.version).toBe(1);
    });
    it('a PATCH with no body and no token is 401: who is asking is checked before what they sent', async () => {
      const user = await t.user(['amhp']);
      const res = await t.http.patch(`/users/${user.id}`);
      expectProblem(res, 401);
    });

    it('a PUT with no body is refused 400 body-required', async () => {
      const res = await t.http.put('/rota/bank-holidays/2026-12-28').set('authorization', manager.auth);
      expectProblem(res, 400);
      expect(res.body.code).toBe('body-required');
    });
  });

  describe('a request that takes no body', () => {
    it('a body that says something is 400 naming each field and changes nothing; no body, {} or null is no body', async () => {
      const shift = (
        await as(manager)
          .post('/rota/shifts', { label: 'Bodyless', startsAt: '2027-05-03T08:00:00Z', endsAt: '2027-05-03T16:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      const del = (body?: unknown) => {
        const r = t.http.delete(`/rota/shifts/${shift.id}`).set('authorization', manager.auth);
        return body === undefined ? r : r.set('content-type', 'application/json').send(JSON.stringify(body));
      };
      const refused = await del({ force: true, cascade: 'yes' });
      expectProblem(refused, 400);
      expect(fields(refused.body)).toEqual(['force', 'cascade']);
      expect(JSON.stringify(refused.body.errors)).toContain('takes no body');
      const notAnObject = await del([1]);
      expectProblem(notAnObject, 400);
      expect(fields(notAnObject.body)).toEqual(['body']);
      expect(await t.sql('SELECT 1 FROM shifts WHERE id = $1', [shift.id])).toHaveLength(1);

      // POSTs too, before Idempotency-Key looks at the body: nothing is marked read, nothing stored under the key.
      const readAll = await t.http
        .post('/me/notifications/read-all')
        .set('authorization', manager.auth)
        .set('idempotency-key', 'bodyless-1')
        .send({ ids: ['x'] });
      expectProblem(readAll, 400);
      expect(fields(readAll.body)).toEqual(['ids']);
      expect(await t.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'bodyless-1'`)).toEqual([]);
      await as(manager).post('/me/notifications/read-all', {}).expect(200);
      await t.http.post('/me/notifications/read-all').set('authorization', manager.auth).expect(200);
      await del(null).expect(204);
    });

    it('refuses a body only after who is asking is known: no token is 401, as on every route', async () => {
      const res = await t.http.post('/me/notifications/read-all').send({ ids: ['x'] });
      expectProblem(res, 401);
    });
  });

  describe('conflicts', () => {
    it('declining leave twice is 409 whose status is the number 409; the leave status is leaveStatus', async () => {
      const worker = await amhp(t);
      const leave = (
        await as(worker)
          .post('/rota/leave', { kind: 'annual', startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-03-05T00:00:00Z' })
          .expect(201)
      ).body;
      await as(manager).post(`/rota/leave/${leave.id}/decline`, {}).expect(200);
      const res = await as(manager).post(`/rota/leave/${leave.id}/decline`, {});
      expectProblem(res, 409);
      expect(res.body.leaveStatus).toBe('declined');
    });
  });

  describe("the framework's own errors", () => {
    it('a path parameter longer than the router accepts is 414 problem+json', async () => {
      const res = await rawHttp(`/users/${'a'.repeat(300)}`);
      expectProblem(res, 414);
    });

    it('a malformed percent-encoding in the URL is 400 problem+json', async () => {
      const res = await rawHttp('/users/%E0%A4%A');
      expectProblem(res, 400);
    });

    it('headers larger than the server accepts are 431 problem+json', async () => {
      const res = await rawHttp('/health/live', { 'x-padding': 'a'.repeat(20_000) });
      expectProblem(res, 431);
    });

    it('an unknown route is 404 problem+json', async () => {
      expectProblem(await rawHttp('/no-such-route'), 404);
    });

    it('login with a good password still works (the guards do not get in the way)', async () => {
      const user = await t.user(['amhp']);
      const res = await t.http.post('/auth/login').send({ email: user.email, password: TEST_PASSWORD });
      expect(res.status).toBe(200);
    });
  });

  function referralBody(): Record<string, unknown> {
    return {
      person: { givenName: 'Casey', familyName: 'Intake', dateOfBirth: '1985-06-15' },
      source: 'gp',
      referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
      reason: 'Relapse of psychosis, not taking medication.',
      risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
      urgency: 'urgent',
      legalContext: { kind: 'informal' },
      receivedAt: '2026-11-21T11:00:00Z',
    };
  }

  let n = 0;
  async function openedAssessment(): Promise<{ id: string; worker: TestUser }> {
    const worker = await amhp(t);
    const body = referralBody();
    body.person = { givenName: 'Casey', familyName: `Conflicted${++n}`, dateOfBirth: '1985-06-15' };
    const referral = (await as(manager).post('/referrals', body).expect(201)).body;
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    const a = (
      await as(worker).post('/assessments', { referralId: referral.id, location: 'Home', openedAt: '2026-11-21T11:30:00Z' }).expect(201)
    ).body;
    return { id: a.id, worker };
  }
});
