import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createTestApp, TestApp, TEST_PASSWORD } from './support/test-app';
import { AppConfig } from '../src/config/app-config';

describe('auth: login, tokens, throttling (R6, R7)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '600' } });
  });
  afterAll(() => t.close());

  const login = (email: string, password = TEST_PASSWORD) => t.http.post('/auth/login').send({ email, password });

  it('signs a user in, and the token identifies them at /auth/me', async () => {
    const u = await t.user(['amhp']);
    const res = await login(u.email.toUpperCase()).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await t.http.get('/auth/me').set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toMatchObject({ id: u.id, email: u.email, roles: ['amhp'], via: 'local' });
    const audit = await t.sql(`SELECT outcome, actor_id FROM audit_events WHERE action = 'auth.login' AND resource_id = $1`, [u.id]);
    expect(audit).toEqual([{ outcome: 'success', actor_id: u.id }]);
  });

  it('a token accepted before stops working the moment it expires (verified tokens are remembered only until then)', async () => {
    const u = await t.user(['amhp']);
    const { accessToken, expiresIn } = (await login(u.email).expect(200)).body;
    await t.http.get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200);
    await t.http.get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200);
    const start = t.clock.now();
    try {
      t.clock.advance(expiresIn * 1000 - 1000);
      await t.http.get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(200);
      t.clock.advance(1000);
      const res = await t.http.get('/auth/me').set('authorization', `Bearer ${accessToken}`).expect(401);
      expect(res.body.detail).toMatch(/expired/);
    } finally {
      t.clock.set(start);
    }
  });

  it('refuses a wrong password with 401 problem+json and audits the failure', async () => {
    const u = await t.user(['amhp']);
    const res = await login(u.email, 'not-the-password').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(res.body).not.toHaveProperty('stack');
    const audit = await t.sql(`SELECT outcome, details FROM audit_events WHERE action = 'auth.login' AND resource_id = $1`, [u.id]);
    expect(audit).toEqual([{ outcome: 'failure', details: { reason: 'bad-password' } }]);
  });

  it('throttles an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const u = await t.user(['manager']);
    for (let i = 0; i < 3; i++) await login(u.email, 'wrong-password-x').expect(401);
    const res = await login(u.email).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.code).toBe('too-many-requests');
    t.clock.advance(601_000);
    await login(u.email).expect(200);
  });

  it('rotates refresh tokens and revokes the family when a used one is replayed after the grace period', async () => {
    const u = await t.user(['amhp']);
    const first = (await login(u.email).expect(200)).body;
    const second = (await t.http.post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    await t.http.get('/auth/me').set('authorization', `Bearer ${second.accessToken}`).expect(200);
    t.clock.advance(31_000); // REFRESH_REUSE_GRACE_SECONDS (30) later
    // Replaying the used token: refused, and the token issued from it is revoked too.
    await t.http.post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    await t.http.post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
  });

  it('logout revokes refresh tokens', async () => {
    const u = await t.user(['amhp']);
    const pair = (await login(u.email).expect(200)).body;
    await t.http.post('/auth/logout').set('authorization', `Bearer ${pair.accessToken}`).expect(204);
    await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('after signing out, the access token she had is refused on every route; signing in again at once works', async () => {
    const u = await t.user(['amhp']);
    const pair = (await login(u.email).expect(200)).body;
    const bearer = `Bearer ${pair.accessToken}`;
    await t.http.get('/auth/me').set('authorization', bearer).expect(200);
    await t.http.post('/auth/logout').set('authorization', bearer).expect(204);
    for (const path of ['/auth/me', '/referrals?assigned=me', '/rota/on-duty', '/me/notifications']) {
      const res = await t.http.get(path).set('authorization', bearer).expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/session that has ended/);
    }
    await t.http.post('/auth/logout').set('authorization', bearer).expect(401);
    // Her token from the test's own sign-in was issued before the sign-out too: every session of hers ended.
    await t.http.get('/auth/me').set('authorization', u.auth).expect(401);
    // Signing in again at once (the test's clock stands still: the same instant) is not caught by the old end.
    const again = (await login(u.email).expect(200)).body;
    await t.http.get('/auth/me').set('authorization', `Bearer ${again.accessToken}`).expect(200);
    const audit = await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.logout' AND resource_id = $1`, [u.id]);
    expect(audit).toEqual([{ n: 1 }]);
  });

  it("a password change, an admin's reset and disabling each end the sessions before them: their tokens are refused", async () => {
    const admin = await t.user(['admin']);
    const own = await t.user(['amhp']);
    const before = (await login(own.email).expect(200)).body.accessToken;
    await t.http
      .post('/auth/me/password')
      .set('authorization', `Bearer ${before}`)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' })
      .expect(204);
    const refused = await t.http.get('/auth/me').set('authorization', `Bearer ${before}`).expect(401);
    expect(refused.body.detail).toMatch(/session that has ended/);
    const after = (await login(own.email, 'a-brand-new-password').expect(200)).body.accessToken;
    await t.http.get('/auth/me').set('authorization', `Bearer ${after}`).expect(200);

    const reset = await t.user(['amhp']);
    await t.http.get('/auth/me').set('authorization', reset.auth).expect(200);
    const etag = (await t.http.get(`/users/${reset.id}`).set('authorization', admin.auth).expect(200)).headers.etag;
    await t.http
      .post(`/users/${reset.id}/password`)
      .set('authorization', admin.auth)
      .set('if-match', etag)
      .send({ password: 'an-admin-set-password' })
      .expect(204);
    expect((await t.http.get('/auth/me').set('authorization', reset.auth).expect(401)).body.detail).toMatch(/session that has ended/);

    // Disabled and enabled again: the token from before stays refused; a new sign-in works.
    const off = await t.user(['amhp']);
    await t.http.patch(`/users/${off.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
    await t.http.patch(`/users/${off.id}`).set('authorization', admin.auth).send({ active: true }).expect(200);
    expect((await t.http.get('/auth/me').set('authorization', off.auth).expect(401)).body.detail).toMatch(/session that has ended/);
    const fresh = (await login(off.email).expect(200)).body.accessToken;
    await t.http.get('/auth/me').set('authorization', `Bearer ${fresh}`).expect(200);
  });

  it('an account disabled through the API is locked out at once, even with an unexpired token', async () => {
    const u = await t.user(['amhp']);
    const admin = await t.user(['admin']);
    await t.http.get('/auth/me').set('authorization', u.auth).expect(200);
    await t.http.patch(`/users/${u.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
    await t.http.get('/auth/me').set('authorization', u.auth).expect(401);
  });

  it("an account disabled behind the API's back (another replica, the database) is locked out within AUTH_CACHE_SECONDS", async () => {
    const u = await t.user(['amhp']);
    await t.http.get('/auth/me').set('authorization', u.auth).expect(200);
    await t.sql('UPDATE users SET active = false WHERE id = $1', [u.id]);
    t.clock.advance(5_001);
    await t.http.get('/auth/me').set('authorization', u.auth).expect(401);
    t.clock.advance(-5_001);
  });

  it('changes the own password only with the current one', async () => {
    const u = await t.user(['referrer']);
    await t.http
      .post('/auth/me/password')
      .set('authorization', u.auth)
      .send({ currentPassword: 'nope', newPassword: 'a-brand-new-password' })
      .expect(403);
    await t.http
      .post('/auth/me/password')
      .set('authorization', u.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'short' })
      .expect(400);
    await t.http
      .post('/auth/me/password')
      .set('authorization', u.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' })
      .expect(204);
    await login(u.email, 'a-brand-new-password').expect(200);
  });

  describe('forged tokens are refused with 401 (R6)', () => {
    const secret = new TextEncoder().encode('x'.repeat(48));
    const now = () => Math.floor(t.clock.now().getTime() / 1000);
    const sign = (claims: { iss?: string; aud?: string; exp?: number }, key: Uint8Array = secret) =>
      new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('00000000-0000-4000-8000-000000000000')
        .setIssuedAt(now())
        .setIssuer(claims.iss ?? 'amhp-hub')
        .setAudience(claims.aud ?? 'amhp-hub-api')
        .setExpirationTime(claims.exp ?? now() + 600)
        .sign(key);

    it.each([
      ['no token', async () => undefined],
      ['a malformed header', async () => 'Basic abc'],
      [
        'alg none',
        async () =>
          `Bearer ${new UnsecuredJWT({ roles: ['admin'] }).setSubject('x').setIssuer('amhp-hub').setAudience('amhp-hub-api').setExpirationTime('1h').encode()}`,
      ],
      ['the wrong key', async () => `Bearer ${await sign({})}`],
      [
        'an RS256 token',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return `Bearer ${await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'RS256' }).setSubject('x').setIssuer('amhp-hub').setAudience('amhp-hub-api').setExpirationTime('1h').sign(privateKey)}`;
        },
      ],
    ])('%s', async (_name, header) => {
      const h = await header();
      const req = t.http.get('/auth/me');
      if (h) req.set('authorization', h);
      const res = await req.expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('wrong issuer, wrong audience, expired (signed with the real key)', async () => {
      const u = await t.user(['admin']);
      const key = t.app.get(AppConfig).jwtSecret;
      const make = (c: { iss?: string; aud?: string; exp?: number }) =>
        new SignJWT({ roles: ['admin'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(u.id)
          .setIssuedAt(now() - 7200)
          .setIssuer(c.iss ?? 'amhp-hub')
          .setAudience(c.aud ?? 'amhp-hub-api')
          .setExpirationTime(c.exp ?? now() + 600)
          .sign(key);
      await t.http
        .get('/auth/me')
        .set('authorization', `Bearer ${await make({})}`)
        .expect(200);
      await t.http
        .get('/auth/me')
        .set('authorization', `Bearer ${await make({ iss: 'someone-else' })}`)
        .expect(401);
      await t.http
        .get('/auth/me')
        .set('authorization', `Bearer ${await make({ aud: 'another-api' })}`)
        .expect(401);
      const expired = await t.http
        .get('/auth/me')
        .set('authorization', `Bearer ${await make({ exp: now() - 1 })}`)
        .expect(401);
      expect(expired.body.detail).toMatch(/expired/);
    });
  });
});
