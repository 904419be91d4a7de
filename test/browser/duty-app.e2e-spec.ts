import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/seed/demo-seed';
import { amhpOnDuty, demoBearer, demoReferral } from '../support/demo-fixtures';
import { accepted } from '../support/referral-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { axeViolations, clocksTogether, consoleErrors, launchBrowser, phoneContext, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: { activeElement: { id: string; className: string } | null; querySelector(s: string): unknown };
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };
declare const navigator: { serviceWorker: { ready: Promise<unknown> } };
declare const caches: {
  keys(): Promise<string[]>;
  open(key: string): Promise<{ keys(): Promise<Array<{ url: string }>> }>;
};

/**
 * The duty AMHP's app in a real Chromium on a phone-sized screen, against the real service on the demo hub. One
 * browser for the file; the journeys run in order in one browser context, as one AMHP's night would.
 */
describe('the duty AMHP on her phone', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let amhp: { id: string; email: string; displayName: string; phone: string };
  const HOUR = 3_600_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', listen: true, demo: { history: false } });
    const manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
    // The AMHP on duty now takes the s.136 close to breach (2.5 h left on its 24 h).
    amhp = await amhpOnDuty(t, manager);
    const queue = (await t.http.get('/referrals').set('authorization', manager).expect(200)).body.items;
    const s136 = queue.find((r: { legalContext: { kind: string } }) => r.legalContext.kind === 's136');
    await t.http.post(`/referrals/${s136.id}/allocation`).set('authorization', manager).send({ userId: amhp.id }).expect(200);
    // Two more are offered to her: one she will accept, one she will decline.
    for (const familyName of ['Brackley', 'Omondi']) await accepted(t, manager, await demoReferral(t, manager, familyName), [amhp.id]);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    // The phone's clock is 3 hours slow: the countdowns must still follow the service's time.
    await page.clock.install({ time: new Date(t.clock.now().getTime() - 3 * HOUR) });
  }, 240_000); // the demo hub takes a while to seed on a busy machine
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Moves the service's clock and the phone's together (the phone's stays 3 hours slow). */
  const advance = (ms: number) => clocksTogether(t, page, ms);
  const timer = () => page.locator('.app-clock', { hasText: 'Section 136' }).first();

  it('the sign-in screen is accessible and password-manager friendly', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('#email').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(page.locator('#password').getAttribute('autocomplete')).resolves.toBe('current-password');
    await screenshot(page, '1-sign-in');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a wrong password shows the service’s message in an error summary that takes the focus', async () => {
    await page.fill('#email', amhp.email);
    await page.fill('#password', 'not-my-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('The email or password is wrong');
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toContain('nhsuk-error-summary');
    await expect(page.title()).resolves.toBe('Error: Sign in – AMHP duty');
    await screenshot(page, '2-sign-in-error');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('she signs in with the keyboard alone, and sees her job’s clock and who is on duty with a number to call', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i++) await page.keyboard.press('Tab');
    await page.keyboard.type(amhp.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Now', exact: true }).waitFor();

    const job = page.locator('.app-card', { hasText: 'Jordan Ellery' });
    await job.waitFor();
    // 2.5 hours left by the service's clock, though the phone's is 3 hours slow.
    await expect(timer().locator('[role=timer]').textContent()).resolves.toMatch(/^2 h (29|30) min left$/);
    await expect(timer().getAttribute('class')).resolves.toContain('app-clock--running');
    await expect(timer().textContent()).resolves.toContain('Deadline Sat 21 Nov, 12:30 GMT');

    const call = page.getByRole('link', { name: `Call ${amhp.displayName}` }).first();
    await expect(call.getAttribute('href')).resolves.toBe(`tel:${amhp.phone.replace(/\s/g, '')}`);
    const box = (await call.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(await page.locator('#next-heading').count()).toBe(1);
    await expect(page.locator('header').textContent()).resolves.toContain(amhp.displayName);
    await page.locator('.app-offer').first().waitFor();
    await screenshot(page, '3-now');
    expect(await axeViolations(page)).toEqual([]);
    // Nothing about her or the person is kept in the browser's storage.
    await expect(page.evaluate(() => localStorage.length + sessionStorage.length)).resolves.toBe(0);
  });

  it('she accepts one offer, which becomes one of her jobs, and declines the other', async () => {
    const offers = page.locator('.app-offer');
    await offers.filter({ hasText: 'Tom Brackley' }).waitFor();
    expect(await offers.count()).toBe(2);
    await expect(offers.filter({ hasText: 'Tom Brackley' }).textContent()).resolves.toMatch(
      /If nobody accepts by Sat 21 Nov 2026 \d\d:\d\d GMT, it is passed on up the duty chain/,
    );
    await offers
      .filter({ hasText: 'Tom Brackley' })
      .getByRole('button', { name: /^Accept/ })
      .click();
    await page.locator('[role=status]', { hasText: 'You accepted' }).waitFor();
    await page.locator('.app-card:not(.app-offer)', { hasText: 'Tom Brackley' }).waitFor();
    await offers
      .filter({ hasText: 'Grace Omondi' })
      .getByRole('button', { name: /^Decline/ })
      .click();
    await page.locator('[role=status]', { hasText: 'You declined' }).waitFor();
    await page.waitForFunction(() => document.querySelector('.app-offer') === null);
    const answers = await t.sql<{ status: string }>(
      `SELECT response AS status FROM allocation_offers WHERE user_id = $1 ORDER BY response`,
      [amhp.id],
    );
    // The demo offered the s.136 to whoever was on duty at its first start; allocating it to her withdrew that offer.
    expect(answers.map((a) => a.status)).toEqual(['accepted', 'declined', 'withdrawn']);
    await screenshot(page, '3b-offer-answered');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the clock counts down on the phone, turns red within the hour and says breached after', async () => {
    // 1 h 40 min later (the access token has long expired by then: the app refreshes it on its own).
    await advance(100 * 60_000);
    await page.waitForFunction(() => document.querySelector('.app-clock--near') !== null);
    const before = await timer().locator('[role=timer]').textContent();
    expect(before).toMatch(/^(49|50) min \d+ s left$/);
    // The phone counts the seconds down by itself, between two answers from the service. Each answer sets the phone's
    // idea of the time to the service's (useServerNow), which this test holds still, so an answer landing in the same
    // moment puts the count back: the phone's clock runs on a second at a time (at most ten) until the count moves.
    let after = before;
    for (let second = 0; second < 10 && after === before; second++) {
      await page.clock.runFor(1_000);
      after = await timer().locator('[role=timer]').textContent();
    }
    expect(after).toMatch(/^(49|50) min \d+ s left$/);
    expect(after).not.toBe(before);
    await screenshot(page, '4-near-breach');
    expect(await axeViolations(page)).toEqual([]);

    await advance(HOUR);
    await page.waitForFunction(() => document.querySelector('.app-clock--breached') !== null);
    await expect(timer().locator('[role=timer]').textContent()).resolves.toMatch(/^Breached (9|10) min \d+ s ago$/);
    await screenshot(page, '5-breached');
    expect(await axeViolations(page)).toEqual([]);
    // Still signed in: the refresh cookie was exchanged for new access tokens.
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
  });

  it('a reload keeps her signed in, through the refresh cookie alone', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await page.locator('.app-card', { hasText: 'Jordan Ellery' }).waitFor();
  });

  it('the service worker keeps the app shell and the person-free reads, but no answer about a person', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const cached = await cachedUrls(page);
    expect(cached.length).toBeGreaterThan(5);
    const api = cached.map((u) => new URL(u).pathname).filter((p) => !p.startsWith('/app/'));
    expect(api).toContain('/rota/on-duty');
    expect(api.every((p) => ['/auth/me', '/rota/on-duty'].includes(p))).toBe(true);
  });

  it('signing out wipes the phone: no cookie, no cached data, back at sign in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('You have signed out.');
    expect((await context.cookies()).filter((c) => c.name === 'amhp_refresh')).toEqual([]);
    const cached = await cachedUrls(page);
    expect(cached.every((u) => new URL(u).pathname.startsWith('/app/'))).toBe(true);
    await expect(page.evaluate(() => localStorage.length + sessionStorage.length)).resolves.toBe(0);
    await expect(page.locator('body').textContent()).resolves.not.toContain('Jordan Ellery');
    const live = await t.sql('SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [amhp.id]);
    expect(live).toEqual([]);
    await screenshot(page, '6-signed-out');
    expect(await axeViolations(page)).toEqual([]);
    // A reload finds no session to resume.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});

async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const req of await cache.keys()) urls.push(req.url);
    }
    return urls;
  });
}
