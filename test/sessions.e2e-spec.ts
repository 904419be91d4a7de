import { TokenService } from '../src/auth/token.service';
import { verifyPassword } from '../src/auth/password';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from './support/test-app';

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

  /** Starts the next test with no failures left in the throttle's window (all requests here come from one address). */
  const pastWindow = () => t.clock.advance(601_000);
  const statuses = (responses: Array<{ status: number }>) => responses.map((r) => r.status).sort();
  const failures = async (email: string) =>
    (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM login_attempts WHERE email = $1 AND NOT succeeded', [email]))[0].n;

  describe('concurrent guesses take turns at the throttle: no more than LOGIN_MAX_FAILURES (3) passwords are checked', () => {
    it('8 concurrent wrong current passwords: at most 3 are checked (403), the rest are 429', async () => {
      pastWindow();
      const u = await t.user(['amhp']);
      const res = await Promise.all(
        [...Array(8).keys()].map((i) =>
          t.http
            .post('/auth/me/password')
            .set('authorization', u.auth)
            .send({ currentPassword: `guess-number-${i}`, newPassword: 'whatever-new-pass-1' }),
        ),
      );
      const got = statuses(res);
      expect(got.filter((s) => s === 403).length).toBeLessThanOrEqual(3);
      expect(got.filter((s) => s !== 403 && s !== 429)).toEqual([]);
      expect(await failures(u.email)).toBeLessThanOrEqual(3);
    });

    it('8 concurrent wrong sign-ins to one account: at most 3 are checked (401), the rest are 429', async () => {
      pastWindow();
      const u = await t.user(['amhp']);
      const res = await Promise.all([...Array(8).keys()].map((i) => login(u.email, `guess-number-${i}`)));
      const got = statuses(res);
      expect(got.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
      expect(got.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      expect(await failures(u.email)).toBeLessThanOrEqual(3);
    });

    it('16 concurrent wrong sign-ins to different accounts from one address: at most 4 × 3 are checked, the rest are 429', async () => {
      pastWindow();
      const res = await Promise.all([...Array(16).keys()].map((i) => login(`nobody-${i}@test.amhp-hub.local`, 'a-wrong-password')));
      const got = statuses(res);
      expect(got.filter((s) => s === 401).length).toBeLessThanOrEqual(12);
      expect(got.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
      pastWindow();
    });

    it('an Idempotency-Key cannot take a wrong guess out of the count: it is refused (400) on a password change', async () => {
      pastWindow();
      const u = await t.user(['amhp']);
      const res = await t.http
        .post('/auth/me/password')
        .set('authorization', u.auth)
        .set('idempotency-key', 'guess-1')
        .send({ currentPassword: 'a-wrong-guess', newPassword: 'whatever-new-pass-1' })
        .expect(400);
      expect(res.body.detail).toMatch(/Idempotency-Key is not accepted here/);
    });
  });

  describe('concurrent changes of one password: exactly one wins, the others are told it was not made (QUALITY R9)', () => {
    const hashOf = async (id: string) => (await t.sql<{ h: string }>('SELECT password_hash AS h FROM users WHERE id = $1', [id]))[0].h;
    /** Which of `candidates` the stored hash is (checked against the hash, not by signing in, which the throttle counts). */
    const holding = async (u: TestUser, candidates: string[]) => {
      const hash = await hashOf(u.id);
      const ok = await Promise.all(candidates.map((c) => verifyPassword(c, hash)));
      return candidates.filter((_c, i) => ok[i]);
    };
    const change = (auth: string, newPassword: string, currentPassword = TEST_PASSWORD) =>
      t.http.post('/auth/me/password').set('authorization', auth).send({ currentPassword, newPassword });
    let lost = 0;

    it('three changes at once with the right current password: one 204, whose password holds; the others 409 concurrent-update', async () => {
      pastWindow();
      const u = await t.user(['referrer']);
      const wanted = ['new-password-number-0', 'new-password-number-1', 'new-password-number-2'];
      const res = await Promise.all(wanted.map((p) => change(u.auth, p)));
      const won = wanted.filter((_p, i) => res[i].status === 204);
      expect(won).toHaveLength(1);
      // A change that read the password before the winner wrote it is 409; one that read it after finds the current
      // password wrong (403), and one that arrived after the winner ended every session is refused its token (401).
      for (const r of res.filter((x) => x.status !== 204)) {
        expect([401, 403, 409]).toContain(r.status);
        if (r.status === 409) expect(r.body.code).toBe('concurrent-update');
      }
      lost += res.filter((r) => r.status === 409).length;
      expect(await holding(u, [...wanted, TEST_PASSWORD])).toEqual(won);
      // Afterwards the token of the session before is refused, and in a new session the old password is simply wrong.
      await change(u.auth, 'yet-another-password-9').expect(401);
      t.clock.advance(1);
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      t.clock.advance(-1);
      const later = await change(`Bearer ${token}`, 'yet-another-password-9').expect(403);
      expect(later.body.code).toBe('wrong-password');
    });

    it.each([1, 2, 3])(
      'the owner and someone who signed in with the old password change it at the same moment (run %i): only one is told it is set, and that one holds',
      async () => {
        pastWindow();
        const u = await t.user(['amhp']);
        const thief = (await login(u.email).expect(200)).body.accessToken as string;
        const [owner, other] = await Promise.all([
          change(u.auth, 'owner-new-secret-2026'),
          change(`Bearer ${thief}`, 'attacker-owns-this-1'),
        ]);
        expect(statuses([owner, other])).toEqual(expect.arrayContaining([204]));
        expect([owner, other].filter((r) => r.status === 204)).toHaveLength(1);
        lost += [owner, other].filter((r) => r.status === 409).length;
        const winner = owner.status === 204 ? 'owner-new-secret-2026' : 'attacker-owns-this-1';
        expect(await holding(u, ['owner-new-secret-2026', 'attacker-owns-this-1', TEST_PASSWORD])).toEqual([winner]);
      },
    );

    it('concurrent losers were told 409 (not 403): they had the right current password', () => {
      expect(lost).toBeGreaterThan(0);
    });

    it("an admin reset and the user's own changes at once: the reset holds, and no own change made after it is told 204", async () => {
      pastWindow();
      const u = await t.user(['amhp']);
      const admin = await t.user(['admin']);
      const own = ['own-change-number-1', 'own-change-number-2'];
      const reset = 'admin-reset-password-1';
      const res = await Promise.all([
        ...own.map((p) => change(u.auth, p)),
        t.http.post(`/users/${u.id}/password`).set('authorization', admin.auth).send({ password: reset }),
      ]);
      expect(res[2].status).toBe(204);
      const ownWon = own.filter((_p, i) => res[i].status === 204);
      expect(ownWon.length).toBeLessThanOrEqual(1);
      for (const r of res.slice(0, 2)) expect([204, 403, 409]).toContain(r.status);
      // An own change can only be made before the reset (after it, the password it checked is gone): the reset holds.
      expect(await holding(u, [...own, reset])).toEqual([reset]);
    });

    it('an admin reset with a stale If-Match is 412 and sets nothing', async () => {
      const u = await t.user(['amhp']);
      const admin = await t.user(['admin']);
      const etag = (await t.http.get(`/users/${u.id}`).set('authorization', admin.auth).expect(200)).headers.etag;
      await t.http.patch(`/users/${u.id}`).set('authorization', admin.auth).send({ displayName: 'Renamed Meanwhile' }).expect(200);
      const before = await hashOf(u.id);
      await t.http
        .post(`/users/${u.id}/password`)
        .set('authorization', admin.auth)
        .set('if-match', etag)
        .send({ password: 'a-reset-too-late-1' })
        .expect(412);
      expect(await hashOf(u.id)).toBe(before);
    });
  });
});
