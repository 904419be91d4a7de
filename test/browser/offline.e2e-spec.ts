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
  until,
} from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: { querySelector(s: string): { textContent: string } | null };
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };
declare const navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
declare const caches: {
  keys(): Promise<string[]>;
  open(key: string): Promise<{ keys(): Promise<Array<{ url: string }>> }>;
};
interface IdbRequest<T = unknown> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbDatabase {
  transaction(store: string): { objectStore(s: string): { getAll(): IdbRequest<unknown[]>; get(k: string): IdbRequest } };
  close(): void;
}
declare const indexedDB: {
  open(name: string): IdbRequest<IdbDatabase>;
  databases(): Promise<Array<{ name: string }>>;
};
declare const performance: { now(): number };
declare function fetch(url: string, init: { headers: Record<string, string> }): Promise<{ status: number }>;
declare const crypto: { subtle: { exportKey(format: string, key: unknown): Promise<unknown> } };

/**
 * The duty AMHP's phone without a signal, in a real Chromium against the real service: the job pack kept encrypted,
 * the service stopped in the middle of her night (its listener closed) while she records what happens, the outbox
 * sent in order once it is back, a refusal shown in the service's words, and sign-out leaving nothing on the phone.
 */
describe('the duty AMHP’s phone without a signal', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let worker: TestUser;
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
    worker = await amhp(t, { displayName: 'Sam Okoro' });
    const r = await sent(t, police.auth, s136Referral('Tern', '2026-11-21T01:30:00Z'));
    referralId = r.id;
    await accepted(t, manager.auth, r.id, [worker.id]);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    await page.clock.install({ time: t.clock.now() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await signal?.restore();
    await t?.close();
  });

  /** Moves the service's clock and the phone's together. */
  const advance = (ms: number) => clocksTogether(t, page, ms);
  /** The service goes away mid-journey: its listener closed and every open connection cut. */
  const unsent = () => page.locator('[data-unsent]');
  /** The header's count of unsent changes, once it says `text` (it re-renders after the outbox changes). */
  const unsentSays = async (text: string) => {
    await page.locator('[data-unsent]', { hasText: text }).waitFor({ timeout: 10_000 });
    await expect(unsent().textContent()).resolves.toBe(text);
  };
  const timer = () => page.locator('.app-clock', { hasText: 'Section 136' }).first();

  /** The records of one IndexedDB store of the app's device database, as stored (nothing decrypted). */
  const stored = (storeName: string) => storedRecords(page, storeName);
  /** Calls record() of the app's own outbox module (the one the screens use) in the page. */
  const record = (path: string, body: object, label: string) =>
    page.evaluate(
      async ({ path, body, label }) => {
        const src = [...(document as unknown as { scripts: Array<{ src: string }> }).scripts].find((s) =>
          s.src.endsWith('/js/main.js'),
        )!.src;
        const outbox = (await import(src.replace(/main\.js$/, 'outbox.js'))) as {
          record(p: string, b: object, o: object): Promise<unknown>;
        };
        const started = performance.now();
        try {
          await outbox.record(path, body, { label });
          return { outcome: 'sent', ms: performance.now() - started, message: '' };
        } catch (err) {
          const e = err as { queued?: boolean; message: string };
          return { outcome: e.queued ? 'queued' : 'refused', ms: performance.now() - started, message: e.message };
        }
      },
      { path, body, label },
    );

  /** The job pack the phone holds now, decrypted by the app's own module: each job's referral and assessment ids. */
  const packJobs = () =>
    page.evaluate(async () => {
      const src = [...(document as unknown as { scripts: Array<{ src: string }> }).scripts].find((x) => x.src.endsWith('/js/main.js'))!.src;
      const pack = (await import(src.replace(/main\.js$/, 'pack.js'))) as {
        loadPack(): Promise<{ pack: { jobs: Array<{ referral: { id: string }; assessment: { id: string } | null }> } } | null>;
      };
      const found = await pack.loadPack();
      return found ? found.pack.jobs.map((j) => ({ referral: j.referral.id, assessment: j.assessment?.id ?? null })) : [];
    });
  const step = (name: string) => page.getByRole('button', { name, exact: true });
  const notice = () => page.locator('.app-notice');

  it('she accepts the offer, opens the job and records her arrival; the phone keeps the job pack encrypted', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.fill('#email', worker.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('.app-offer', { hasText: 'Robin Tern' })
      .getByRole('button', { name: /^Accept/ })
      .click();
    await page.locator('[role=status]', { hasText: 'You accepted' }).waitFor();
    await page.getByRole('link', { name: 'Robin Tern' }).click();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    await step('Arrived: start the assessment').click();
    await notice().filter({ hasText: 'Arrived: recorded at' }).waitFor();
    [{ id: assessmentId }] = await t.sql<{ id: string }>('SELECT id FROM assessments WHERE referral_id = $1', [referralId]);
    // The job just accepted, with its assessment, is on the phone before the signal goes.
    await until(async () => (await packJobs()).some((j) => j.assessment === assessmentId));
    expect(await packJobs()).toEqual([{ referral: referralId, assessment: assessmentId }]);

    const vault = (await stored('vault')) as Array<{ name: string; user?: string; expiresAt?: string }>;
    expect(vault.map((v) => v.name).sort()).toEqual(['key', 'pack']);
    // Whose it is, in plain; its expiry and the phone's clock only sealed with it (nothing in plain decides anything).
    expect(vault.find((v) => v.name === 'pack')).toEqual({ name: 'pack', user: worker.id, sealed: expect.anything() });
    // What is stored is ciphertext: neither the person's name nor the place is in its bytes.
    const bytes = await page.evaluate(async () => {
      const req = indexedDB.open('amhp-device');
      const db = await new Promise<IdbDatabase>((resolve) => (req.onsuccess = () => resolve(req.result)));
      const get = db.transaction('vault').objectStore('vault').get('pack');
      const rec = await new Promise<{ sealed: { data: Uint8Array } }>((resolve) => (get.onsuccess = () => resolve(get.result as never)));
      db.close();
      return Array.from(rec.sealed.data);
    });
    expect(bytes.length).toBeGreaterThan(1000);
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/Tern|Robin|bridge|Northshire/);
    // The key is a CryptoKey the page can use but never read.
    const exported = await page.evaluate(async () => {
      const req = indexedDB.open('amhp-device');
      const db = await new Promise<IdbDatabase>((resolve) => (req.onsuccess = () => resolve(req.result)));
      const get = db.transaction('vault').objectStore('vault').get('key');
      const rec = await new Promise<{ key: { extractable: boolean; algorithm: { name: string } } }>(
        (resolve) => (get.onsuccess = () => resolve(get.result as never)),
      );
      db.close();
      const refused = await crypto.subtle.exportKey('raw', rec.key).then(
        () => false,
        () => true,
      );
      return { extractable: rec.key.extractable, algorithm: rec.key.algorithm.name, refused };
    });
    expect(exported).toEqual({ extractable: false, algorithm: 'AES-GCM', refused: true });
  });

  let firstKey: string;
  let firstBody: object;
  it('with the service gone mid-journey, each tap is saved on the phone and counted, and the clocks say how old their data is', async () => {
    const before = await timer().locator('[role=timer]').textContent();
    await signal.cut();
    await advance(14 * MIN);
    await step('Doctors requested').click();
    await notice().filter({ hasText: 'Doctors requested at Sat 21 Nov, 02:14 GMT: saved on this phone, not sent yet.' }).waitFor();
    await advance(MIN);
    await step('A doctor arrived').click();
    await notice().filter({ hasText: 'A doctor arrived at Sat 21 Nov, 02:15 GMT: saved on this phone, not sent yet.' }).waitFor();
    await unsentSays('2 changes saved on this phone, not sent yet');
    await expect(page.locator('.app-alert').count()).resolves.toBe(0);

    await expect(page.locator('.app-device__signal').textContent()).resolves.toMatch(
      /^No signal: shown as of 02:00 GMT \((14|15) min ago\)$/,
    );
    await expect(timer().locator('[role=timer]').textContent()).resolves.not.toBe(before);
    await expect(timer().locator('.app-clock__stale').textContent()).resolves.toMatch(
      /^No signal: counting on this phone from data of 02:00 GMT \((14|15) min old\)$/,
    );
    // In the outbox, in the order tapped, each with its own key; what was recorded is stored encrypted.
    const items = (await stored('outbox')) as Array<{
      key: string;
      method: string;
      path: string;
      state: string;
      body: { data: Uint8Array };
    }>;
    expect(items.map((i) => [i.method, i.path, i.state])).toEqual(
      Array(2).fill(['POST', `/assessments/${assessmentId}/events`, 'pending']),
    );
    expect(new Set(items.map((i) => i.key)).size).toBe(2);
    for (const i of items) expect(Buffer.from(Array.from(i.body.data)).toString('latin1')).not.toMatch(/doctor|Doctor|requested/);
    firstKey = items[0].key;
    // What the first tap recorded, as the app decrypts it.
    firstBody = await page.evaluate(async () => {
      const src = [...(document as unknown as { scripts: Array<{ src: string }> }).scripts].find((x) => x.src.endsWith('/js/main.js'))!.src;
      const device = (await import(src.replace(/main\.js$/, 'device.js'))) as { open(sealed: unknown): Promise<{ body: object }> };
      const outbox = (await import(src.replace(/main\.js$/, 'outbox.js'))) as { outboxItems(): Promise<Array<{ body: unknown }>> };
      return (await device.open((await outbox.outboxItems())[0].body)).body;
    });
    expect(firstBody).toEqual({ type: 'doctors-requested', at: expect.stringMatching(/^2026-11-21T02:14/) });
    await screenshot(page, 'offline-1-unsent');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('opened again without a signal, the job is shown from the pack', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Robin Tern', level: 1 }).waitFor();
    await expect(page.locator('header').textContent()).resolves.toContain('Sam Okoro');
    await expect(page.locator('.app-device__signal').textContent()).resolves.toMatch(/^No signal: shown as of 02:00 GMT/);
    await unsentSays('2 changes saved on this phone, not sent yet');
    await timer().locator('.app-clock__stale').waitFor();
    await screenshot(page, 'offline-2-reopened');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('back online, the queue is sent in order, each change once, and a refusal is shown in the service’s words', async () => {
    // A change the service will refuse: its time is after the service's now (as from a phone whose clock is wrong).
    const refused = await record(
      `/assessments/${assessmentId}/events`,
      { type: 'police-arrived', at: new Date(t.clock.now().getTime() + 60 * MIN).toISOString() },
      'Police arrived',
    );
    expect(refused).toMatchObject({
      outcome: 'queued',
      message: 'Saved on this phone, not sent yet. It will be sent when there is a signal.',
    });
    await unsentSays('3 changes saved on this phone, not sent yet');

    await signal.restore();
    // Her first tap had reached the service before the signal went, but the answer was lost on the way back.
    const token = (await t.http.post('/auth/login').send({ email: worker.email, password: TEST_PASSWORD }).expect(200)).body.accessToken;
    await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', `Bearer ${token}`)
      .set('idempotency-key', firstKey)
      .send(firstBody)
      .expect(201);

    // The browser's Background Sync fires as the signal comes back: the service worker has the open app send its
    // outbox (no page timer could have fired yet: the phone's clock has not moved on).
    const cdp = await context.newCDPSession(page);
    const registration = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
        const found = e.registrations.find((r) => r.scopeURL.endsWith('/app/'));
        if (found) resolve(found.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: t.url!,
      registrationId: await registration,
      tag: 'amhp-outbox',
      lastChance: false,
    });
    await page.locator('.app-refused').waitFor();
    await until(async () => (await unsent().count()) === 0);
    await expect(page.locator('.app-refused').textContent()).resolves.toMatch(
      /^Not recorded: Police arrived \(saved 02:15 GMT\)The service said: at cannot be in the future\.Dismiss/,
    );
    const timeline = (await t.http.get(`/assessments/${assessmentId}`).set('authorization', `Bearer ${token}`).expect(200)).body
      .timeline as Array<{ type: string; at: string }>;
    // Each once, in the order tapped, at the times tapped (the first from the lost answer, the second sent now).
    expect(timeline.map((e) => e.type)).toEqual(['doctors-requested', 'doctor-arrived']);
    expect(timeline[0].at).toMatch(/^2026-11-21T02:14/);
    expect(timeline[1].at).toMatch(/^2026-11-21T02:15/);
    await until(async () => (await page.locator('.app-device__signal').count()) === 0);
    // The job screen reads the job again once what waited is sent: both taps show as recorded.
    await page.locator('#step-doctors-requested-times', { hasText: 'Recorded 02:14 GMT' }).waitFor();
    await page.locator('#step-doctor-arrived-times', { hasText: 'Recorded 02:15 GMT' }).waitFor();
    await screenshot(page, 'offline-3-refused');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: /^Dismiss/ }).click();
    await until(async () => (await page.locator('.app-refused').count()) === 0);
    await until(async () => (await stored('outbox')).length === 0);
  });

  it('a job pack past its expiry is deleted from the phone', async () => {
    expect(await packJobs()).toEqual([{ referral: referralId, assessment: assessmentId }]);
    // Twelve hours on (CLIENT_OFFLINE_HOURS) with the phone left open and no new pack since: it is gone.
    await signal.cut();
    await page.clock.fastForward(12 * 60 * MIN + MIN);
    await until(async () => ((await stored('vault')) as Array<{ name: string }>).every((v) => v.name !== 'pack'));
    expect(await packJobs()).toEqual([]);
    await signal.restore();
  });

  it('signing out leaves nothing on the phone: no database, no kept data, no storage, even from a read still on its way', async () => {
    // The five-minute pack read is on its way when she signs out; its answer arrives after everything was deleted.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    await page.route('**/me/job-pack', async (route) => {
      asked = true;
      await held;
      await route.continue();
    });
    await page.clock.fastForward(5 * MIN + 1_000);
    await until(async () => asked);
    // So is a person-free read the service worker keeps a copy of (who is on duty).
    let onDutyAsked = false;
    await context.route('**/rota/on-duty', async (route) => {
      onDutyAsked = true;
      await held;
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{"now":[]}' });
    });
    const onDuty = page.evaluate((user) => fetch('/rota/on-duty', { headers: { 'x-amhp-user': user } }).then((r) => r.status), worker.id);
    await until(async () => onDutyAsked);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const answered = page.waitForResponse('**/me/job-pack');
    release();
    await answered;
    await expect(onDuty).resolves.toBe(200);
    await page.waitForTimeout(500);
    await expect(page.evaluate(() => indexedDB.databases().then((d) => d.map((x) => x.name)))).resolves.toEqual([]);
    const keys = await page.evaluate(() => caches.keys());
    expect(keys.every((k) => k.startsWith('amhp-shell-'))).toBe(true);
    await expect(page.evaluate(() => localStorage.length + sessionStorage.length)).resolves.toBe(0);
    expect(referralId).toBeTruthy();
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
