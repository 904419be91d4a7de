import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import {
  axeViolations,
  clocksTogether,
  consoleErrors,
  launchBrowser,
  phoneContext,
  screenshot,
  signalOf,
  storedRecords,
  tapSendNow,
  until,
} from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const navigator: { serviceWorker: { ready: Promise<unknown> } };
declare const localStorage: { getItem(k: string): string | null };

/**
 * The duty phone when a session ends other than by a sign-out with a signal: signed out in a basement, signed out
 * everywhere from another device (a lost phone), or handed to the next AMHP with a change still waiting. In a real
 * Chromium against the real service, its listener closed where there is no signal.
 */
describe('the duty phone when her session ends', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let grace: TestUser;
  let isla: TestUser;
  let signal: ReturnType<typeof signalOf>;
  let referralId: string;
  let assessmentId: string;
  const MIN = 60_000;
  const dialogs: string[] = [];
  const names = new Map<string, string>();

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    signal = signalOf(t.app.getHttpServer());
    const manager = await t.user(['manager']);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu' });
    isla = await amhp(t, { displayName: 'Isla Fraser' });
    names.set(grace.id, 'Grace Liu').set(isla.id, 'Isla Fraser');
    const r = await sent(t, police.auth, s136Referral('Tern', '2026-11-21T01:30:00Z'));
    referralId = r.id;
    await accepted(t, manager.auth, r.id, [grace.id]);
    await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    assessmentId = (await t.http.post('/assessments').set('authorization', grace.auth).send({ referralId }).expect(201)).body.id;

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.clock.install({ time: t.clock.now() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await signal?.restore();
    await t?.close();
  });

  /** The records of one store of the app's database, as stored; [] when there is no database. */
  const stored = (storeName: string) => storedRecords(page, storeName);
  const packKept = async () => ((await stored('vault')) as Array<{ name: string }>).some((v) => v.name === 'pack');
  const signIn = async (who: TestUser) => {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', who.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user', { hasText: names.get(who.id)! }).waitFor();
  };
  /** Her sessions with the service still open (refresh tokens not revoked). */
  const openSessions = async (who: TestUser) =>
    (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [who.id]))[0].n;
  /** Signed out everywhere from another device (what she or an admin does when the duty phone is lost). */
  const signedOutElsewhere = async (who: TestUser) => {
    const token = (await t.http.post('/auth/login').send({ email: who.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    await t.http.post('/auth/logout').set('authorization', `Bearer ${token}`).expect(204);
  };

  it('signed out with no signal, the next start with a signal ends her session with the service instead of opening as her', async () => {
    await page.goto(`${t.url}/app/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => 1));
    await signIn(grace);
    await until(packKept);
    expect(await openSessions(grace)).toBe(1);

    await signal.cut();
    await page.getByRole('button', { name: 'Sign out' }).click();
    const words = page.locator('[role=status]', { hasText: 'You have signed out on this phone' });
    await words.waitFor();
    await expect(words.textContent()).resolves.toMatch(
      /nothing of yours is kept on it\. There was no signal to tell the service, so your session is still open there: the next time this phone has a signal, the app ends it \(otherwise it stays open until .+\)\. Until then, your alerts may still reach this phone\./,
    );
    // What the phone remembers names no one: when, and until when.
    const flag = JSON.parse((await page.evaluate(() => localStorage.getItem('amhp-sign-out-pending')))!) as object;
    expect(Object.keys(flag).sort()).toEqual(['at', 'pushEndpoint', 'until']);
    expect(JSON.stringify(flag)).not.toMatch(/Grace|Liu|Tern/);
    expect(await stored('vault')).toEqual([]);

    await signal.restore();
    const reads: string[] = [];
    page.on('request', (req) => {
      if (/\/me\/job-pack|\/auth\/me|\/referrals/.test(req.url())) reads.push(req.url());
    });
    await page.reload();
    await page.locator('[role=status]', { hasText: 'The service has now been told: that session has ended.' }).waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('header').textContent()).resolves.not.toContain('Grace Liu');
    expect(reads).toEqual([]);
    expect(await openSessions(grace)).toBe(0);
    await expect(page.evaluate(() => localStorage.getItem('amhp-sign-out-pending'))).resolves.toBeNull();
    // And again: nothing resumes her.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.waitForTimeout(500);
    await expect(page.locator('header').textContent()).resolves.not.toContain('Grace Liu');
    expect(await stored('vault')).toEqual([]);
    await screenshot(page, 'session-1-offline-sign-out-told');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a phone whose session the service ended opens nothing of hers without a signal: the job pack is deleted', async () => {
    await signIn(grace);
    await page.getByRole('link', { name: 'Robin Tern' }).click();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    await until(packKept);

    await signedOutElsewhere(grace);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await until(async () => !(await packKept()));

    // Flight mode: the app opens at the sign-in screen, not as her with the job.
    await signal.cut();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.waitForTimeout(500);
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/Robin Tern|Grace Liu/);
    await signal.restore();
  });

  it('a change waiting when her session ends is counted on the sign-in screen, kept when someone else signs in and out, and sent when she signs in', async () => {
    await page.goto(`${t.url}/app/#/`);
    await signIn(grace);
    await page.getByRole('link', { name: 'Robin Tern' }).click();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    // Signed out everywhere from elsewhere (her refresh token revoked; this phone's access token still runs), then
    // no signal: she records a step, and the phone's access token lapses (15 min) before the signal comes back.
    await signedOutElsewhere(grace);
    await signal.cut();
    await page.getByRole('button', { name: 'Doctors requested', exact: true }).click();
    await page.locator('[data-unsent]', { hasText: '1 change saved on this phone, not sent yet' }).waitFor();
    await clocksTogether(t, page, 16 * MIN);
    // The signal is back: she taps "Send now".
    await signal.restore();
    await tapSendNow(page, 3_000);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.locator('[role=status]', { hasText: 'Your session has ended' }).waitFor();
    const waiting = page.locator('[data-waiting]');
    await waiting.waitFor();
    await expect(waiting.textContent()).resolves.toContain(
      '1 change saved on this phone in a session that has ended is waiting, not sent yet. It will be sent when the person who saved it signs in here again',
    );
    await screenshot(page, 'session-2-ended-with-a-change-waiting');
    expect(await axeViolations(page)).toEqual([]);

    // The next AMHP on the shared phone starts on Now, not on Grace's job; her sign-out asks nothing and deletes nothing of Grace's.
    await signIn(isla);
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('#/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[role=status]', { hasText: 'You have signed out.' }).waitFor();
    await expect(page.locator('[role=status]', { hasText: 'You have signed out.' }).textContent()).resolves.toContain(
      '1 change saved on this phone by someone whose session ended is still kept, sealed, to be sent when they sign in here again.',
    );
    expect(dialogs).toEqual([]);
    const kept = (await stored('outbox')) as Array<{ user: string; state: string }>;
    expect(kept.map((i) => [i.user, i.state])).toEqual([[grace.id, 'pending']]);
    expect(((await stored('vault')) as Array<{ name: string }>).map((v) => v.name)).toEqual(['key']);
    await page.locator('[data-waiting]').waitFor();

    // Grace signs in again: what she saved is sent.
    await signIn(grace);
    await until(async () => (await stored('outbox')).length === 0);
    const token = (await t.http.post('/auth/login').send({ email: grace.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    const timeline = (await t.http.get(`/assessments/${assessmentId}`).set('authorization', `Bearer ${token}`).expect(200)).body
      .timeline as Array<{ type: string }>;
    expect(timeline.map((e) => e.type)).toEqual(['doctors-requested']);
  });

  it('an interview saved offline does not overwrite what a manager recorded meanwhile: she sees both versions, her text kept to send again', async () => {
    await page.goto(`${t.url}/app/#/`);
    await page.getByRole('link', { name: 'Robin Tern' }).click();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    // No signal on the phone (the service itself stays up for the manager).
    await page.context().setOffline(true);
    await page.fill('#iv-alternatives', 'Home treatment team: declined, risk too high');
    await page.getByRole('button', { name: 'Save the interview' }).click();
    await page.locator('[data-unsent]', { hasText: '1 change saved on this phone, not sent yet' }).waitFor();

    // Meanwhile the manager on call records the interview; then the phone's signal comes back.
    const manager = (await t.sql<{ email: string }>(`SELECT email FROM users WHERE 'manager' = ANY(roles) LIMIT 1`))[0];
    const token = (await t.http.post('/auth/login').send({ email: manager.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    await t.http
      .patch(`/assessments/${assessmentId}`)
      .set('authorization', `Bearer ${token}`)
      .send({ interview: { alternativesConsidered: ['Crisis house: bed offered by manager on call'], patientViews: 'Wants to go home' } })
      .expect(200);
    const interview = async () =>
      (await t.http.get(`/assessments/${assessmentId}`).set('authorization', `Bearer ${token}`).expect(200)).body.interview as {
        alternativesConsidered: string[];
      };

    await page.context().setOffline(false);
    await tapSendNow(page);
    const conflict = page.locator('.app-refused', { hasText: 'Someone changed this meanwhile' });
    await conflict.waitFor();
    const text = await conflict.textContent();
    expect(text).toContain('Not recorded: Interview');
    expect(text).toMatch(
      /Yours \(not sent\)Alternatives consideredHome treatment team: declined, risk too highNow on the servicePatient viewsWants to go homeAlternatives consideredCrisis house: bed offered by manager on call/,
    );
    expect((await interview()).alternativesConsidered).toEqual(['Crisis house: bed offered by manager on call']);
    await screenshot(page, 'session-3-changed-meanwhile');
    expect(await axeViolations(page)).toEqual([]);

    // Having read both, she sends hers over it.
    await conflict.getByRole('button', { name: /^Send mine instead/ }).click();
    await until(async () => (await interview()).alternativesConsidered[0] === 'Home treatment team: declined, risk too high');
    await until(async () => (await page.locator('.app-refused').count()) === 0);

    // Her own later steps move the record's version on: her next save of the interview is not taken for a conflict.
    await page.reload();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'A doctor arrived', exact: true }).click();
    await page.locator('.app-notice', { hasText: 'A doctor arrived: recorded at' }).waitFor();
    await page.fill('#iv-capacity', 'Lacks capacity to decide on admission');
    await page.getByRole('button', { name: 'Save the interview' }).click();
    await page.locator('.app-notice', { hasText: 'Interview: recorded.' }).waitFor();
    await expect(page.locator('.app-refused').count()).resolves.toBe(0);
  });

  it('a double tap on Accept sends one answer and she is told the job is hers; Now says "Assessing", and a cut-short link says "Page not found"', async () => {
    const manager = (await t.sql<{ email: string }>(`SELECT email FROM users WHERE 'manager' = ANY(roles) LIMIT 1`))[0];
    const token = (await t.http.post('/auth/login').send({ email: manager.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    const police = await t.user(['referrer']);
    const r = await sent(t, police.auth, s136Referral('Brackley', '2026-11-21T02:10:00Z'));
    await accepted(t, `Bearer ${token}`, r.id, [grace.id]);
    const answers: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().includes('/offers/')) answers.push(req.url());
    });
    await page.goto(`${t.url}/app/#/`);
    const accept = page.locator('.app-offer', { hasText: 'Brackley' }).getByRole('button', { name: /^Accept/ });
    await accept.waitFor();
    // Two taps within one frame, before the button can re-render disabled.
    await accept.evaluate((button: unknown) => {
      const b = button as { click(): void };
      b.click();
      b.click();
    });
    await page.locator('[role=status]', { hasText: `You accepted ${r.reference}: it is now one of your jobs.` }).waitFor();
    await page.waitForTimeout(300);
    expect(answers).toHaveLength(1);
    await expect(page.locator('main').textContent()).resolves.not.toContain('in-assessment');
    await page.locator('main', { hasText: 'Assessing' }).waitFor();

    await page.goto(`${t.url}/app/#/jobs/%E0`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('nothing the page did threw or broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to|Signed out: nothing is kept/i.test(e))).toEqual([]);
  });
});
