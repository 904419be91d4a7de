import type { Browser, Page } from 'playwright-core';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { axeViolations, launchBrowser, phoneContext, screenshot } from './browser';

/**
 * The autumn clock-change night (Sun 31 Oct 2027, Europe/London): 01:00-01:59 happens twice, first in BST, then in
 * GMT. At 01:30 GMT a time typed in that hour can be either: she is offered both, the nearest not in the future first,
 * and what she chooses is the instant stored (STATUTE C5). In a real Chromium against the real service.
 */
describe('the night the clocks go back, on the duty phone', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let grace: TestUser;
  let referralId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The referral comes in at 01:05 BST (00:05 UTC); she opens the app at 01:30 GMT (01:30 UTC).
    t = await createTestApp({ now: '2027-10-31T00:05:00Z', listen: true });
    const manager = await t.user(['manager']);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu', approval: { startsOn: '2027-01-01', endsOn: '2030-12-31' } });
    referralId = (await sent(t, police.auth, s136Referral('Wren', '2027-10-30T23:50:00Z'))).id;
    await accepted(t, manager.auth, referralId, [grace.id]);
    await t.http.post(`/referrals/${referralId}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    t.clock.advance(85 * 60_000);
    page = await (await phoneContext(browser)).newPage();
    await page.clock.install({ time: t.clock.now() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const step = (type: string) => page.locator(`[data-step="${type}"]`);
  const typeTime = async (hhmm: string) => {
    if (!(await page.locator('#event-time').isVisible())) await page.locator('.app-when summary').click();
    await page.fill('#event-time', hhmm);
  };

  it('a time in the repeated hour offers both: the GMT one (10 minutes ago) is chosen unless she picks the BST one', async () => {
    await page.goto(`${t.url}/app/`);
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Robin Wren' }).click();
    await page.getByRole('heading', { name: 'Robin Wren', level: 1 }).waitFor();

    // She arrived at 01:10 the first time round (BST): 00:10 UTC.
    await typeTime('01:10');
    const which = page.getByRole('group', { name: /^Which 01:10\?/ });
    await which.waitFor();
    await expect(page.getByLabel('01:10 GMT (the second, after the clocks went back)').isChecked()).resolves.toBe(true);
    await expect(page.locator('#when-summary').textContent()).resolves.toContain('Your next tap records 01:10 GMT');
    await screenshot(page, 'clock-change-which-hour');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('01:10 BST (the first)').check();
    await expect(page.locator('#when-summary').textContent()).resolves.toContain('Your next tap records 01:10 BST');
    await step('arrived').click();
    await page.locator('#step-arrived-times', { hasText: '01:10 BST' }).waitFor();
    const [a] = await t.sql<{ opened_at: Date }>('SELECT opened_at FROM assessments WHERE referral_id = $1', [referralId]);
    expect(a.opened_at.toISOString()).toBe('2027-10-31T00:10:00.000Z');

    // Doctors requested at 01:20, ten minutes ago: the second 01:20, in GMT, as offered first.
    await typeTime('01:20');
    await page.getByRole('group', { name: /^Which 01:20\?/ }).waitFor();
    await step('doctors-requested').click();
    await page.locator('#step-doctors-requested-times', { hasText: '01:20 GMT' }).waitFor();
    const [e] = await t.sql<{ at: Date }>(
      `SELECT e.at FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id WHERE a.referral_id = $1 AND e.type = 'doctors-requested'`,
      [referralId],
    );
    expect(e.at.toISOString()).toBe('2027-10-31T01:20:00.000Z');
  });
});
