import { createTestApp, TestApp, TEST_PASSWORD } from './support/test-app';

/** The browser app's session: the refresh token as an HttpOnly cookie for /auth/refresh only, guarded against CSRF. */
describe('the app keeps its refresh token in a cookie script cannot read', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => t.close());

  const APP = { 'x-requested-with': 'amhp-app' };
  const cookieOf = (res: { headers: Record<string, unknown> }): string => {
    const set = res.headers['set-cookie'] as string[] | undefined;
    expect(set).toHaveLength(1);
    return set![0];
  };
  const valueOf = (setCookie: string) => setCookie.split(';')[0];
  const signIn = async (email: string, headers: Record<string, string> = APP) => {
    const res = await t.http.post('/auth/login').set(headers).send({ email, password: TEST_PASSWORD }).expect(200);
    return { body: res.body, setCookie: cookieOf(res) };
  };

  it('an app sign-in sets an HttpOnly, SameSite=Strict cookie for the refresh route, and the body holds no refresh token', async () => {
    const u = await t.user(['amhp']);
    const { body, setCookie } = await signIn(u.email);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(body).not.toHaveProperty('refreshToken');
    expect(setCookie).toMatch(/^amhp_refresh=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/auth\/refresh(;|$)/);
    expect(setCookie).toMatch(/; Max-Age=57600/);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('the cookie is Secure when the request came over https through the trusted proxy', async () => {
    const u = await t.user(['amhp']);
    const { setCookie } = await signIn(u.email, { ...APP, 'x-forwarded-proto': 'https' });
    expect(setCookie).toMatch(/; Secure/);
  });

  it('an API client signing in as before gets the refresh token in the body and no cookie', async () => {
    const u = await t.user(['amhp']);
    const res = await t.http.post('/auth/login').send({ email: u.email, password: TEST_PASSWORD }).expect(200);
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('the app refreshes with the cookie alone, gets a new cookie, and the old one is spent', async () => {
    const u = await t.user(['amhp']);
    const { setCookie } = await signIn(u.email);
    const res = await t.http.post('/auth/refresh').set(APP).set('cookie', valueOf(setCookie)).send({}).expect(200);
    expect(res.body).not.toHaveProperty('refreshToken');
    await t.http.get('/auth/me').set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
    const next = cookieOf(res);
    expect(valueOf(next)).not.toBe(valueOf(setCookie));
    expect(next).toMatch(/; HttpOnly/);
    // Same origin (the browser sends Origin on a POST): still fine.
    const host = `127.0.0.1:${(t.app.getHttpServer().address() as { port: number } | null)?.port ?? ''}`;
    const again = await t.http
      .post('/auth/refresh')
      .set(APP)
      .set('host', host)
      .set('origin', `http://${host}`)
      .set('sec-fetch-site', 'same-origin')
      .set('cookie', valueOf(next))
      .expect(200);
    expect(cookieOf(again)).toMatch(/^amhp_refresh=/);
  });

  it('replaying a spent cookie after the grace period signs the whole session out, and the answer clears the cookie', async () => {
    const u = await t.user(['amhp']);
    const first = valueOf((await signIn(u.email)).setCookie);
    const second = valueOf(cookieOf(await t.http.post('/auth/refresh').set(APP).set('cookie', first).expect(200)));
    const start = t.clock.now();
    try {
      t.clock.advance(31_000);
      const replay = await t.http.post('/auth/refresh').set(APP).set('cookie', first).expect(401);
      expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(cookieOf(replay)).toMatch(/^amhp_refresh=;.*Max-Age=0/);
      await t.http.post('/auth/refresh').set(APP).set('cookie', second).expect(401);
      const audit = await t.sql(`SELECT outcome FROM audit_events WHERE action = 'auth.refresh-reused' AND resource_id = $1`, [u.id]);
      expect(audit).toEqual([{ outcome: 'denied' }]);
    } finally {
      t.clock.set(start);
    }
  });

  it.each([
    ['without the app header', {}, 403, 'csrf-refused'],
    ['from another origin', { ...APP, origin: 'https://evil.example' }, 403, 'csrf-refused'],
    ['from another site, by the browser’s own account', { ...APP, 'sec-fetch-site': 'cross-site' }, 403, 'csrf-refused'],
    // A form is no body any route takes: refused before the route is reached.
    ['as a cross-site form post', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'http-415'],
  ])('a cookie refresh %s is refused with %i problem+json and the session is untouched', async (_, headers, status, code) => {
    const u = await t.user(['amhp']);
    const cookie = valueOf((await signIn(u.email)).setCookie);
    const req = t.http.post('/auth/refresh').set(headers).set('cookie', cookie);
    const res = await ('content-type' in headers ? req.send('a=1') : req).expect(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code });
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [
      u.id,
    ]);
    expect(n).toBe(1);
    await t.http.post('/auth/refresh').set(APP).set('cookie', cookie).expect(200);
  });

  it('a refresh with neither a token nor the cookie is a 400 naming refreshToken', async () => {
    const res = await t.http.post('/auth/refresh').set(APP).send({}).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
  });

  it('sign-out revokes the session and tells the browser to forget the cookie', async () => {
    const u = await t.user(['amhp']);
    const { body, setCookie } = await signIn(u.email);
    const res = await t.http.post('/auth/logout').set('authorization', `Bearer ${body.accessToken}`).expect(204);
    const cleared = cookieOf(res);
    expect(cleared).toMatch(/^amhp_refresh=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/Path=\/auth\/refresh/);
    await t.http.post('/auth/refresh').set(APP).set('cookie', valueOf(setCookie)).expect(401);
  });
});
