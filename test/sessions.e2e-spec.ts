import { createTestApp, TEST_PASSWORD, TestApp } from './support/test-app';

describe('sessions: refresh retries, logout, password guesses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '600' } });
  });
  afterAll(() => t.close());

  const login = (email: string, password = TEST_PASSWORD) => t.http.post('/auth/login').send({ email, password });
  const refresh = (refreshToken: string) => t.http.post('/auth/refresh').send({ refreshToken });
  const thefts = (userId: string) =>
    t.sql(`SELECT 1 FROM audit_events WHERE action = 'auth.refresh-reused' AND resource_id = $1`, [userId]).then((r) => r.length);

  it('a phone that lost the answer to a refresh retries it within the grace period and keeps its session', async () => {
    const u = await t.user(['amhp']);
    const first = (await login(u.email).expect(200)).body;
    const answered = (await refresh(first.refreshToken).expect(200)).body; // the answer the phone never received
    t.clock.advance(10_000);
    const retried = (await refresh(first.refreshToken).expect(200)).body;
    await t.http.get('/auth/me').set('authorization', `Bearer ${retried.accessToken}`).expect(200);
    await refresh(retried.refreshToken).expect(200);
    await refresh(answered.refreshToken).expect(200);
    expect(await thefts(u.id)).toBe(0);
  });

  it('a used refresh token replayed after the grace period is still treated as theft: the session is revoked', async () => {
    const u = await t.user(['amhp']);
    const first = (await login(u.email).expect(200)).body;
    const second = (await refresh(first.refreshToken).expect(200)).body;
    t.clock.advance(31_000);
    await refresh(first.refreshToken).expect(401);
    await refresh(second.refreshToken).expect(401);
    expect(await thefts(u.id)).toBe(1);
  });

  it('a refresh after logout is refused 401 without a theft alarm, also within the grace period', async () => {
    const u = await t.user(['amhp']);
    const first = (await login(u.email).expect(200)).body;
    const second = (await refresh(first.refreshToken).expect(200)).body;
    await t.http.post('/auth/logout').set('authorization', `Bearer ${second.accessToken}`).expect(204);
    await refresh(second.refreshToken).expect(401);
    await refresh(first.refreshToken).expect(401);
    t.clock.advance(60_000);
    await refresh(first.refreshToken).expect(401);
    expect(await thefts(u.id)).toBe(0);
  });

  it('cannot guess the current password without limit: after LOGIN_MAX_FAILURES wrong guesses, 429 with Retry-After, even for the right one', async () => {
    const u = await t.user(['amhp']);
    const change = (currentPassword: string) =>
      t.http.post('/auth/me/password').set('authorization', u.auth).send({ currentPassword, newPassword: 'a-brand-new-passphrase' });
    for (let i = 0; i < 3; i++) await change(`wrong-guess-${i}`).expect(403);
    const res = await change(TEST_PASSWORD).expect(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'auth.password-change' AND resource_id = $1 AND outcome = 'denied'`, [u.id]),
    ).toHaveLength(1);
    await login(u.email).expect(429);
    t.clock.advance(601_000);
    await change(TEST_PASSWORD).expect(204);
  });
});
