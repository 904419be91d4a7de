import type { Browser, BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { PushSender } from '../../src/pages/push-sender.service';
import { FakePushService } from '../support/push-service';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { amhp as newAmhp } from '../support/workforce-fixtures';
import { axeViolations, consoleErrors, holdOnTheWire, launchBrowser, phoneContext, screenshot } from './browser';

// The page's and the service worker's globals, as the functions passed to evaluate() see them (no DOM lib here).
declare const document: { activeElement: { textContent: string | null } | null; querySelector(s: string): unknown };
interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { id: string; kind: string };
  actions: Array<{ action: string; title: string }>;
  requireInteraction: boolean;
}
declare const self: {
  registration: { getNotifications(): Promise<ShownNotification[]> };
  dispatchEvent(e: unknown): boolean;
};
declare const NotificationEvent: new (type: string, init: { notification: unknown; action: string }) => unknown;

/**
 * A page reaching the duty AMHP's phone in a real Chromium (390 px): the service pages her when a job is offered; the
 * push message is delivered to the app's service worker through the DevTools Protocol (a headless browser cannot
 * subscribe to a real push service); the worker shows the notification with generic words and an Acknowledge action;
 * acting on it makes the app acknowledge the page with her session, and the service records it. The encrypted Web
 * Push request itself is tested against a stand-in push service in test/paging.e2e-spec.ts.
 */
describe('paging on the duty AMHP’s phone', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let errors: string[];
  let manager: TestUser;
  let amhp: TestUser & { practitionerId: string };
  let registrationId: string;
  const push = new FakePushService();

  const offer = async (familyName: string): Promise<string> => {
    const r = await sent(t, manager.auth, s136Referral(familyName, '2026-11-21T02:00:00Z'));
    await accepted(t, manager.auth, r.id, [amhp.id]);
    const [p] = await t.sql<{ id: string }>(`SELECT id FROM pages WHERE referral_id = $1 AND kind = 'offer'`, [r.id]);
    return p.id;
  };
  const acknowledged = async (id: string) =>
    (await t.sql<{ acknowledged_via: string | null }>('SELECT acknowledged_via FROM pages WHERE id = $1', [id]))[0].acknowledged_via;
  /**
   * `read()` again every 100 ms until `done` says its answer is the one awaited, for up to 15 s, then that answer or the
   * last one. Generous: in one fresh-clone CI run (two browser suites on two cores) the pushed notification was not
   * shown within the 5 s these waits allowed; it did not happen again in five runs here. A slow wake of the service
   * worker under load is the likely cause: a push that is lost still fails here.
   */
  async function eventually<T>(read: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
    let answer = await read();
    for (let i = 0; i < 150 && !done(answer); i++) {
      await page.waitForTimeout(100);
      answer = await read();
    }
    return answer;
  }
  const worker = async (): Promise<Worker> => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));

  beforeAll(async () => {
    browser = await launchBrowser();
    await push.start();
    t = await createTestApp({
      now: '2026-11-21T02:00:00Z',
      listen: true,
      env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    manager = await t.user(['manager']);
    amhp = await newAmhp(t, { displayName: 'Amir Duty' });
    // A phone she set up earlier, listed under "Your phones".
    const phone = push.device('amir-old-phone');
    await t.http
      .post('/me/push-subscriptions')
      .set('authorization', amhp.auth)
      .send({ endpoint: phone.endpoint, keys: phone.keys, label: 'Android phone, Chrome' })
      .expect(201);
    context = await phoneContext(browser);
    await context.grantPermissions(['notifications'], { origin: t.url });
    page = await context.newPage();
    errors = consoleErrors(page);
    cdp = await context.newCDPSession(page);
    const registered = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
        const reg = e.registrations.find((r) => r.scopeURL.endsWith('/app/'));
        if (reg) resolve(reg.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await page.goto(`${t.url}/app/#/notifications`);
    registrationId = await registered;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await push.stop();
  });

  it('signed in, she finds Notifications in the menu: the offer’s page waits to be acknowledged, her phones are listed', async () => {
    await offer('Bridge');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', amhp.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Notifications', exact: true, level: 1 }).waitFor();
    await page.locator('.app-page--open').first().waitFor();
    await expect(page.locator('.app-page--open h3').textContent()).resolves.toBe('New job offered to you');
    await expect(page.locator('.app-devices').textContent()).resolves.toContain('Android phone, Chrome');
    await expect(page.getByRole('link', { name: 'Notifications' }).getAttribute('aria-current')).resolves.toBe('page');
    await expect(page.getByRole('button', { name: 'Get alerts on this phone' }).count()).resolves.toBe(1);
    // Nothing about the person on this screen: the page says what it is, the offer is read on Now.
    await expect(page.locator('main').textContent()).resolves.not.toMatch(/Bridge|Robin|s\.136/);
    await screenshot(page, 'paging-1-notifications');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('until the service answers, her phones and notifications say Loading…, never that she has none', async () => {
    const wire = await holdOnTheWire(page, '**/me/push-subscriptions', 'GET');
    await page.getByRole('link', { name: 'Now', exact: true }).click();
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { name: 'Notifications', exact: true, level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelector('#phone-heading') !== null);
    const main = page.locator('main');
    await expect(main.textContent()).resolves.not.toMatch(/No phone gets your alerts yet|No notifications\.|Nothing is waiting/);
    await expect(page.getByRole('button', { name: 'Get alerts on this phone' }).count()).resolves.toBe(0);
    await expect(page.locator('section[aria-labelledby="phone-heading"]').textContent()).resolves.toContain('Loading…');
    await wire.release();
    await page.locator('.app-devices', { hasText: 'Android phone, Chrome' }).waitFor();
    expect(wire.sent()).toBeGreaterThan(0);
  });

  it('a push delivered to the phone shows a notification with generic words and an Acknowledge action; acting on it acknowledges the page', async () => {
    const id = await offer('Quay');
    let deliveries = 0;
    let polls = 0;
    const deliver = async () => {
      deliveries++;
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: t.url!,
        registrationId,
        data: JSON.stringify({ id, kind: 'offer' }),
      });
    };
    await deliver();
    const sw = await worker();
    // A push that shows nothing within 4 s is delivered again, as the service pages again for a page nobody
    // acknowledged: in two fresh-clone CI runs (two browser suites on two cores) Chromium showed nothing for a push
    // delivered once, for 15 s. Either way the page is one notification (its tag), and a worker that never shows one
    // still fails here. How many deliveries it took is said when it took more than one.
    const shown = await eventually(
      async () => {
        const ns = await sw.evaluate(() =>
          self.registration.getNotifications().then((ns) =>
            ns.map((n) => ({
              title: n.title,
              body: n.body,
              tag: n.tag,
              data: n.data,
              actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
              requireInteraction: n.requireInteraction,
            })),
          ),
        );
        if (!ns.length && ++polls % 40 === 0) await deliver();
        return ns;
      },
      (ns: ShownNotification[]) => ns.length > 0,
    );
    if (deliveries > 1) console.warn(`paging: the push was delivered ${deliveries} times before its notification showed`);
    expect(shown).toEqual([
      {
        title: 'AMHP duty',
        body: 'New job offered to you: open to see it',
        tag: `page-${id}`,
        data: { id, kind: 'offer' },
        actions: [{ action: 'ack', title: 'Acknowledge' }],
        requireInteraction: true,
      },
    ]);
    // She taps Acknowledge on the notification (the browser's own event, dispatched in the worker).
    await sw.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n, action: 'ack' }));
    });
    expect(await eventually(() => acknowledged(id), Boolean)).toBe('notification');
    await page.getByRole('status').filter({ hasText: 'New job offered to you: acknowledged.' }).waitFor();
    expect(page.url()).toMatch(/#\/notifications$/);
    await expect(sw.evaluate(() => self.registration.getNotifications().then((ns) => ns.length))).resolves.toBe(0);
    await screenshot(page, 'paging-2-acknowledged-from-notification');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('she acknowledges the other page with the keyboard alone', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `SELECT id FROM pages WHERE recipient_user_id = $1 AND acknowledged_at IS NULL ORDER BY created_at LIMIT 1`,
      [amhp.id],
    );
    await page.reload();
    const button = page.getByRole('button', { name: /^Acknowledge/ });
    await button.waitFor();
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.textContent ?? '')).startsWith('Acknowledge'); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await eventually(() => acknowledged(id), Boolean)).toBe('app');
    await page.getByText('Nothing is waiting for you to acknowledge.').waitFor();
    const box = (await page.getByRole('button', { name: /^Stop alerts/ }).boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    await screenshot(page, 'paging-3-all-acknowledged');
    expect(await axeViolations(page)).toEqual([]);
    // No CSP refusal, no script error (the only failed request was the sign-in screen's first refresh, with no session).
    expect(errors.filter((e) => /Content Security Policy|Refused to|Uncaught|TypeError/i.test(e))).toEqual([]);
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it('the manager on call sees every page of the last 24 hours: who it went to, whether it reached them, who acknowledged it', async () => {
    // The service's sender pushes both pages to Amir's older phone (the stand-in push service takes them).
    await t.app.get(PushSender).deliverDue();
    expect(push.to('amir-old-phone').map((r) => (r.payload as { kind: string }).kind)).toEqual(['offer', 'offer']);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', manager.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${t.url}/app/#/notifications`);
    const hub = page.locator('section', { has: page.getByRole('heading', { name: 'Pages in the hub, last 24 hours' }) });
    await hub.locator('.app-note').first().waitFor();
    const rows = await hub.locator('.app-note').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes('Job offered') && r.includes('to Amir Duty') && r.includes('Acknowledged'))).toBe(true);
    expect(rows.every((r) => r.includes('Reached the phone'))).toBe(true);
    await screenshot(page, 'paging-4-manager');
    expect(await axeViolations(page)).toEqual([]);
  });
  /** Delivers a push for page `id` and waits until the worker shows its notification (delivered again if it shows none). */
  async function pushShown(id: string): Promise<number> {
    const sw = await worker();
    const deliver = () =>
      cdp.send('ServiceWorker.deliverPushMessage', { origin: t.url!, registrationId, data: JSON.stringify({ id, kind: 'offer' }) });
    const tags = () => sw.evaluate(() => self.registration.getNotifications().then((ns) => ns.map((n) => n.tag)));
    await deliver();
    let polls = 0;
    const shown = await eventually(
      async () => {
        const ts = await tags();
        if (!ts.includes(`page-${id}`) && ++polls % 40 === 0) await deliver();
        return ts;
      },
      (ts: string[]) => ts.includes(`page-${id}`),
    );
    expect(shown).toContain(`page-${id}`);
    return shown.length;
  }
  const alertsShown = async () => (await worker()).evaluate(() => self.registration.getNotifications().then((ns) => ns.length));

  it('an alert left on the shared phone by the AMHP before: tapping it says it is not yours, and signing out takes every alert off the lock screen', async () => {
    // The manager is signed in on the phone, on Now; an alert for Amir's page is still on its lock screen. (Her open
    // Notifications screen would take it off by itself as soon as the live stream told her of the page: it is not hers.)
    await page.getByRole('link', { name: 'Now', exact: true }).click();
    await page.waitForURL(/#\/now$|#\/$/);
    const id = await offer('Harbour');
    await pushShown(id);
    const sw = await worker();
    await sw.evaluate(async () => {
      const [n] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n, action: 'ack' }));
    });
    await page.getByRole('alert').filter({ hasText: 'That alert is not one of yours' }).waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toMatch(/does not exist/);
    expect(await acknowledged(id)).toBeNull();
    // Another alert of his arrives; she signs out: the phone's lock screen is left with none.
    await pushShown(await offer('Pier'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await eventually(alertsShown, (n) => n === 0)).toBe(0);
  });

  it('a page she acknowledges in the app takes its alert off the lock screen', async () => {
    // The manager signed out on the phone (her session ended): another manager offers the next job.
    manager = await t.user(['manager']);
    await page.fill('#email', amhp.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user').waitFor();
    const id = await offer('Dock');
    await pushShown(id);
    await page.getByRole('link', { name: 'Now', exact: true }).click();
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.locator(`[data-page="${id}"]`).waitFor({ timeout: 15_000 });
    await page
      .locator(`[data-page="${id}"]`)
      .getByRole('button', { name: /^Acknowledge/ })
      .click();
    expect(await eventually(() => acknowledged(id), Boolean)).toBe('app');
    expect(await eventually(alertsShown, (n) => n === 0)).toBe(0);
  });
});
