import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import {
  axeViolations,
  consoleErrors,
  launchBrowser,
  phoneContext,
  screenshot,
  signalOf,
  storedRecords,
  tapSendNow,
  until,
} from './browser';

/**
 * Her job reallocated to another AMHP while she had no signal: what she saved on it is not recorded, and the screen
 * says plainly that the job is no longer hers, shows nothing more of the person, never invites a break-glass access,
 * and the job leaves the phone's pack. In a real Chromium against the real service, its listener closed for "no signal".
 */
describe('a job reallocated while she had no signal', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let grace: TestUser;
  let ben: TestUser;
  let manager: TestUser;
  let signal: ReturnType<typeof signalOf>;
  let referralId: string;
  let withdrawnId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    signal = signalOf(t.app.getHttpServer());
    manager = await t.user(['manager']);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu' });
    ben = await amhp(t, { displayName: 'Ben Okafor' });
    referralId = (await sent(t, police.auth, s136Referral('Wren', '2026-11-21T01:30:00Z'))).id;
    withdrawnId = (await sent(t, police.auth, s136Referral('Finch', '2026-11-21T01:30:00Z'))).id;
    await accepted(t, manager.auth, withdrawnId, [grace.id]);
    await t.http.post(`/referrals/${withdrawnId}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    await accepted(t, manager.auth, referralId, [grace.id]);
    await t.http.post(`/referrals/${referralId}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);

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

  /** Whether the phone's kept job pack holds the job (read through the app's own module, in the page). */
  const packHolds = () =>
    page.evaluate<boolean>(
      `import(document.querySelector('script[type=module]').src.replace(/main\\.js$/, 'pack.js')).then((m) => m.packHoldsJob(${JSON.stringify(referralId)}))`,
    );

  it('she opens her job; its person is kept on the phone for when there is no signal', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Robin Wren' }).click();
    await page.getByRole('heading', { name: 'Robin Wren', level: 1 }).waitFor();
    await until(packHolds);
    expect(await packHolds()).toBe(true);
  });

  it('the signal back: her arrival is not recorded, the screen says the job is no longer hers, and the person leaves the screen and the phone', async () => {
    await signal.cut();
    // Meanwhile the manager gives the job to Ben (the service's own handler, not through the closed listener).
    await signal.restore();
    const read = await t.http.get(`/referrals/${referralId}`).set('authorization', manager.auth).expect(200);
    await t.http
      .post(`/referrals/${referralId}/allocation`)
      .set('authorization', manager.auth)
      .set('if-match', read.headers.etag)
      .send({ userId: ben.id, overrideReason: 'Grace is needed at another assessment' })
      .expect(200);
    await signal.cut();
    await page.locator('[data-step="arrived"]').click();
    await page.locator('#step-arrived-waiting').waitFor({ timeout: 15_000 });

    await signal.restore();
    await tapSendNow(page);
    await page.getByRole('heading', { name: 'This job is no longer yours', level: 1 }).waitFor({ timeout: 15_000 });
    const main = page.locator('main');
    await expect(main.textContent()).resolves.toContain('Its allocation to you ended: it was reallocated, withdrawn or closed.');
    await expect(main.textContent()).resolves.toMatch(
      /Not recorded, because the job is no longer yours: Arrived \(saved Sat 21 Nov, 02:0\d GMT\)/,
    );
    await expect(main.textContent()).resolves.not.toContain('Wren');
    await expect(page.locator('[data-step]').count()).resolves.toBe(0);
    await expect(page.title()).resolves.toBe('This job is no longer yours – AMHP duty');
    // What she saved on it is said once, here, and leaves the phone with the person (nothing left in the outbox, nor
    // in the header's list); nowhere a break-glass invitation.
    await expect(page.locator('.app-refused').count()).resolves.toBe(0);
    await expect(storedRecords(page, 'outbox')).resolves.toEqual([]);
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/break-glass|legitimate relationship/i);
    expect(await packHolds()).toBe(false);
    expect(await t.sql('SELECT id FROM assessments WHERE referral_id = $1', [referralId])).toHaveLength(0);
    await screenshot(page, 'reallocated-no-longer-yours');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('withdrawn by the hub while she was on her way without a signal: the screen says withdrawn and why, and what she saved leaves the phone', async () => {
    await page.goto(`${t.url}/app/#/jobs/${withdrawnId}`);
    await page.getByRole('heading', { name: 'Robin Finch', level: 1 }).waitFor();
    await signal.cut();
    await page.locator('[data-step="arrived"]').click();
    await page.locator('#step-arrived-waiting').waitFor({ timeout: 15_000 });
    await page.locator('[data-step="doctors-requested"]').click();
    await page.locator('#step-doctors-requested-waiting').waitFor({ timeout: 15_000 });
    // The hub withdraws it while her phone still has no signal (so it cannot send her step first).
    await page.context().setOffline(true);
    await signal.restore();
    await t.http
      .post(`/referrals/${withdrawnId}/status`)
      .set('authorization', manager.auth)
      .send({ status: 'withdrawn', reason: 'Ward rang: patient agreed to stay informally' })
      .expect(200);
    await page.context().setOffline(false);
    await tapSendNow(page);
    await page.getByRole('heading', { name: 'This job is no longer yours', level: 1 }).waitFor({ timeout: 15_000 });
    const callout = page.locator('.app-not-yours');
    await expect(callout.locator('h2').textContent()).resolves.toBe('Withdrawn');
    await expect(callout.textContent()).resolves.toContain('withdrawn by the hub');
    await expect(callout.textContent()).resolves.toContain('Ward rang: patient agreed to stay informally');
    await expect(callout.textContent()).resolves.not.toMatch(/reallocated|who has it now/i);
    await expect(callout.textContent()).resolves.toMatch(
      /Not recorded, because the job is no longer yours: Arrived \(saved .*\); Doctors requested/,
    );
    await expect(callout.textContent()).resolves.toContain('Tell the hub what you did');
    await expect(page.locator('.app-refused').count()).resolves.toBe(0);
    await expect(storedRecords(page, 'outbox')).resolves.toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('opened again from its address, it is still not shown', async () => {
    await page.goto(`${t.url}/app/#/`);
    await page.getByRole('heading', { name: 'Now', level: 1 }).waitFor();
    await page.goto(`${t.url}/app/#/jobs/${referralId}`);
    await page.getByRole('heading', { name: /^This job is (no longer|not) yours$/, level: 1 }).waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain('Wren');
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/break-glass/i);
    expect(errors.filter((e) => !/^Failed to load resource/.test(e))).toEqual([]);
  });
});
