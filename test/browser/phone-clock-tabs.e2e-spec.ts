import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import {
  consoleErrors,
  launchBrowser,
  pageLog,
  phoneContext,
  screenshot,
  shownWithin,
  signalOf,
  storedRecords,
  until as waitUntil,
} from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: { scripts: ArrayLike<{ src: string }> };
declare const localStorage: { setItem(k: string, v: string): void };
declare const indexedDB: { databases(): Promise<Array<{ name: string }>> };
declare const navigator: { serviceWorker: { ready: Promise<unknown> } };

/**
 * The duty phone's own clock, and more than one tab of the app on it: a phone whose clock is wrong shows the statutory
 * clocks and dates her steps by the service's time even when opened without a signal, and says its clock is wrong;
 * a clock set back never keeps the job pack open; signing out in one tab signs out every tab; a change saved in one
 * tab is counted in the others; a damaged sign-out flag does not stop the app starting.
 */
describe('the duty phone’s clock and its tabs', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let grace: TestUser;
  let signal: ReturnType<typeof signalOf>;
  let referralId: string;
  let assessmentId: string;
  const MIN = 60_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    signal = signalOf(t.app.getHttpServer());
    const manager = await t.user(['manager']);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu' });
    const r = await sent(t, police.auth, s136Referral('Tern', '2026-11-21T01:30:00Z'));
    referralId = r.id;
    await accepted(t, manager.auth, r.id, [grace.id]);
    await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    assessmentId = (await t.http.post('/assessments').set('authorization', grace.auth).send({ referralId }).expect(201)).body.id;

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    // The phone's clock is ten minutes slow.
    await page.clock.install({ time: new Date(t.clock.now().getTime() - 10 * MIN) });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await signal?.restore();
    await t?.close();
  });

  /** Waits (up to 30 s: the slow phone's page) until `ok()` holds. */
  const until = (ok: () => Promise<boolean>) => waitUntil(ok, 30_000);
  /** The app's vault records, as stored; [] when there is no database. */
  const vault = (p: Page = page) => storedRecords(p, 'vault');
  const packKept = async (p: Page = page) => (await vault(p)).some((v) => v.name === 'pack');
  const timer = (p: Page = page) => p.locator('.app-clock', { hasText: 'Section 136' }).first().locator('[role=timer]');
  const clockNotice = (p: Page = page) => p.locator('.app-device__clock');

  it('a phone ten minutes slow counts the s.136 clock by the service’s time, online and opened again without a signal, and says its clock is slow', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user', { hasText: 'Grace Liu' }).waitFor();
    await page.goto(`${t.url}/app/#/jobs/${referralId}`);
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    await until(async () => packKept());
    // Detained at 01:30 for 24 h: at 02:00 by the service's clock (the phone's runs on as the test does), 23 h 30 min
    // are left, not the 23 h 40 min the phone's own clock would give.
    const leftByService = /^23 h (29|30) min left$/;
    await timer().filter({ hasText: leftByService }).waitFor({ timeout: 20_000 });
    await clockNotice().filter({ hasText: 'This phone’s clock is 10 min slow.' }).waitFor({ timeout: 20_000 });
    // Opened again without a signal, the app comes from its service worker: once it is installed, as for her phone.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    await signal.cut();
    const log = pageLog(page);
    await page.reload();
    await shownWithin(page, page.getByRole('heading', { name: 'Robin Tern', level: 1 }), 30_000, log);
    await page.locator('.app-device__signal').waitFor();
    expect(await timer().textContent()).toMatch(leftByService);
    await expect(clockNotice().textContent()).resolves.toBe(
      'This phone’s clock is 10 min slow. The app counts the time limits and dates what you record by the service’s clock (now 02:00 GMT), not the phone’s.',
    );
    // The step she taps now is dated by the service's clock too.
    await expect(page.locator('#when-summary').textContent()).resolves.toBe('Each tap records the time now (02:00 GMT).');
    await screenshot(page, 'phone-clock-1-slow-offline');
    // The pack's expiry is sealed with it, not stored in plain beside it.
    const pack = (await vault()).find((v) => v.name === 'pack')!;
    expect(Object.keys(pack).sort()).toEqual(['name', 'sealed', 'user']);
  });

  it('a phone clock set back, opened without a signal, does not open the job pack: it is deleted', async () => {
    // Two hours back from what the service was last seen to say (a lost phone kept in flight mode, its clock wound back).
    await page.clock.setSystemTime(new Date(t.clock.now().getTime() - 2 * 60 * MIN));
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    expect(await page.getByText('Robin Tern').count()).toBe(0);
    await until(async () => !(await packKept()));
    await screenshot(page, 'phone-clock-2-set-back');
    await page.clock.setSystemTime(new Date(t.clock.now().getTime() - 10 * MIN));
    await signal.restore();
  });

  it('signing out in one tab signs out the other at once: it shows sign-in, and its pack timer keeps nothing on the phone', async () => {
    // With the signal back, her session is resumed (the job pack read and kept again).
    await page.reload();
    await page.locator('.app-header__user', { hasText: 'Grace Liu' }).waitFor({ timeout: 30_000 });
    const other = await context.newPage();
    const otherErrors = consoleErrors(other);
    await other.goto(`${t.url}/app/#/jobs/${referralId}`);
    await other.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor({ timeout: 30_000 });
    await until(async () => packKept());

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await other.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    await other
      .getByText('You have signed out (in another tab or window of the app on this phone), so this one is signed out too.')
      .waitFor();
    expect(await other.getByText('Robin Tern').count()).toBe(0);
    expect(await other.locator('.app-header__user').count()).toBe(0);
    await screenshot(other, 'phone-tabs-1-other-tab-signed-out');

    // Five minutes on (the other tab's pack timer): nothing of hers is read or kept again.
    const reads: string[] = [];
    other.on('request', (req) => {
      if (/\/me\/job-pack/.test(req.url())) reads.push(req.url());
    });
    await other.clock.fastForward(6 * MIN);
    await other.waitForTimeout(1_000);
    expect(reads).toEqual([]);
    await expect(other.evaluate(() => indexedDB.databases().then((d) => d.map((x) => x.name)))).resolves.toEqual([]);
    expect(otherErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await other.close();
  });

  it('a change saved in one tab without a signal is counted in the other tab too, and once sent the other tab’s job screen shows it recorded', async () => {
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user', { hasText: 'Grace Liu' }).waitFor();
    const other = await context.newPage();
    await other.goto(`${t.url}/app/#/jobs/${referralId}`);
    await other.locator('.app-header__user', { hasText: 'Grace Liu' }).waitFor({ timeout: 30_000 });
    await other.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor({ timeout: 30_000 });
    await expect(other.locator('#step-doctors-requested-times').count()).resolves.toBe(0);

    await signal.cut();
    const outcome = await page.evaluate(
      async ({ path, body }) => {
        const src = [...(document.scripts as unknown as Array<{ src: string }>)].find((s) => s.src.endsWith('/js/main.js'))!.src;
        const outbox = (await import(src.replace(/main\.js$/, 'outbox.js'))) as {
          record(p: string, b: object, o: object): Promise<unknown>;
        };
        try {
          await outbox.record(path, body, { label: 'Doctors requested' });
          return 'sent';
        } catch (err) {
          return (err as { queued?: boolean }).queued ? 'queued' : 'refused';
        }
      },
      { path: `/assessments/${assessmentId}/events`, body: { type: 'doctors-requested', at: t.clock.now().toISOString() } },
    );
    expect(outcome).toBe('queued');
    await other.locator('[data-unsent]', { hasText: '1 change saved on this phone, not sent yet' }).waitFor({ timeout: 20_000 });
    await screenshot(other, 'phone-tabs-2-other-tab-counts');
    await signal.restore();
    // The first tab sends it: the other tab's job screen reads the record again and shows the step as recorded (it
    // must not go on showing what the service held before).
    await page.evaluate(async () => {
      const src = [...(document.scripts as unknown as Array<{ src: string }>)].find((s) => s.src.endsWith('/js/main.js'))!.src;
      const outbox = (await import(src.replace(/main\.js$/, 'outbox.js'))) as { flush(): Promise<unknown> };
      await outbox.flush();
    });
    await other.locator('#step-doctors-requested-times', { hasText: 'Recorded' }).waitFor({ timeout: 20_000 });
    await other.close();
  });

  it('a damaged sign-out flag in storage does not leave the app on "Loading…": the session is ended and sign-in shows', async () => {
    await page.evaluate(() => localStorage.setItem('amhp-sign-out-pending', '{"at":"yesterday","until":7}'));
    await page.reload();
    await page.getByText('You signed out on this phone earlier without a signal.', { exact: false }).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(errors.filter((e) => /Invalid time value/.test(e))).toEqual([]);
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
