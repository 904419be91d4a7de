import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, DemoSeed } from '../../src/seed/demo-seed';
import { createTestApp, TestApp } from '../support/test-app';
import { axeViolations, consoleErrors, launchBrowser, phoneContext, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: { activeElement: { id: string; getAttribute(name: string): string | null } | null };

/**
 * A job on the duty AMHP's phone, in a real Chromium at 390×844 against the real service on the demo hub: the
 * night's journey from an offer on Now to the outcome report, in order, in one browser context.
 */
describe('a job on the duty AMHP’s phone', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let amhp: { id: string; email: string };
  let referralId: string;
  const HOUR = 3_600_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    // Sat 21 Nov 2026, 03:00 GMT: the middle of the night.
    t = await createTestApp({ now: '2026-11-21T03:00:00Z', listen: true });
    await t.app.get(DemoSeed).seedIfEmpty({ history: false });
    const manager = `Bearer ${
      (await t.http.post('/auth/login').send({ email: 'manager@demo.amhp-hub.local', password: DEMO_PASSWORD }).expect(200)).body
        .accessToken
    }`;
    const onDuty = (await t.http.get('/rota/on-duty').set('authorization', manager).expect(200)).body.onDuty;
    const first = onDuty.flatMap((s: { amhps: Array<{ userId: string }> }) => s.amhps)[0];
    const [{ email }] = await t.sql<{ email: string }>('SELECT email FROM users WHERE id = $1', [first.userId]);
    amhp = { id: first.userId, email };
    // Tom Brackley's GP referral is offered to her.
    const queue = (await t.http.get('/referrals').set('authorization', manager).expect(200)).body.items;
    referralId = queue.find((x: { person: { familyName: string } }) => x.person.familyName === 'Brackley').id;
    for (const status of ['screening', 'accepted']) {
      await t.http.post(`/referrals/${referralId}/status`).set('authorization', manager).send({ status }).expect(200);
    }
    await t.http
      .post(`/referrals/${referralId}/offers`)
      .set('authorization', manager)
      .send({ userIds: [amhp.id] })
      .expect(201);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    // The phone's clock is 3 hours slow: what she records must still carry the service's time.
    await page.clock.install({ time: new Date(t.clock.now().getTime() - 3 * HOUR) });
  }, 240_000); // the demo hub takes a while to seed on a busy machine
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Moves the service's clock and the phone's together. */
  const advance = async (ms: number) => {
    t.clock.advance(ms);
    await page.clock.fastForward(ms);
  };
  const step = (type: string) => page.locator(`[data-step="${type}"]`);
  const status = () => page.locator('[role=status] .nhsuk-inset-text');
  const events = (type: string) =>
    t.sql<{ at: Date; recorded_by: string }>(
      `SELECT e.at, e.recorded_by FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id
       WHERE a.referral_id = $1 AND e.type = $2 ORDER BY e.at`,
      [referralId, type],
    );
  const checked = async (name: string) => {
    await screenshot(page, `job-${name}`);
    expect(await axeViolations(page)).toEqual([]);
  };

  it('she accepts the offer on Now and opens the job from its card', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', amhp.email);
    await page.fill('#password', DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const offer = page.locator('.app-offer', { hasText: 'Tom Brackley' });
    await offer.waitFor();
    await checked('1-offer');
    await offer.getByRole('button', { name: /^Accept/ }).click();
    await page.locator('[role=status]', { hasText: 'You accepted' }).waitFor();
    await page.getByRole('link', { name: 'Tom Brackley' }).click();
    await page.getByRole('heading', { name: 'Tom Brackley', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/jobs/${referralId}`);
    await expect(page.title()).resolves.toBe('Tom Brackley – AMHP duty');
    await page.locator('#doctors-heading').waitFor();
    await checked('2-open');
  });

  it('the job shows the person, the risks, the nearest relative’s reasoning, the contacts and the s.12 doctors to call', async () => {
    await expect(page.locator('#risks').textContent()).resolves.toContain('Animals at the address');
    await expect(page.locator('#risks').textContent()).resolves.toContain('Deteriorating psychosis');
    await expect(page.locator('#person').textContent()).resolves.toContain('1961-04-03 (65)');
    // No relative is recorded: the s.26 reasoning says so.
    await expect(page.locator('#nearest-relative').textContent()).resolves.toContain('s.26(3)');
    const gp = page.getByRole('link', { name: /^Call Dr Sam Whitfield/ });
    await expect(gp.getAttribute('href')).resolves.toBe('tel:+441632960000');
    const raman = page.locator('.app-doctor', { hasText: 'Dr Priya Raman' });
    await expect(raman.getByRole('link', { name: /^Call mobile/ }).getAttribute('href')).resolves.toBe('tel:+447700900200');
    // Big enough to tap.
    expect((await raman.getByRole('link', { name: /^Call mobile/ }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
    // Until she arrives, only arrival can be recorded.
    await expect(step('doctors-requested').isDisabled()).resolves.toBe(true);
  });

  it('one tap records her arrival, which starts the assessment at the service’s time (not the phone’s)', async () => {
    await step('arrived').click();
    await status().filter({ hasText: 'Arrived: recorded at Sat 21 Nov, 03:00 GMT' }).waitFor();
    const [a] = await t.sql<{ opened_at: Date; lead_amhp_user_id: string }>(
      'SELECT opened_at, lead_amhp_user_id FROM assessments WHERE referral_id = $1',
      [referralId],
    );
    expect(a.lead_amhp_user_id).toBe(amhp.id);
    expect(Math.abs(a.opened_at.getTime() - t.clock.now().getTime())).toBeLessThan(60_000);
    await expect(page.locator('#step-arrived-times').textContent()).resolves.toContain('Recorded 03:00 GMT');
    await expect(step('arrived').isDisabled()).resolves.toBe(true);
    await expect(step('doctors-requested').isDisabled()).resolves.toBe(false);
    await checked('3-arrived');
  });

  it('each one-tap event is recorded at the time it is tapped and shows when', async () => {
    await advance(5 * 60_000);
    await step('doctors-requested').click();
    await status().filter({ hasText: 'Doctors requested: recorded at Sat 21 Nov, 03:05 GMT' }).waitFor();
    await expect(page.locator('#step-doctors-requested-times').textContent()).resolves.toContain('Recorded 03:05 GMT');
    await advance(40 * 60_000);
    await step('doctor-arrived').click();
    await page.locator('#step-doctor-arrived-times', { hasText: '03:45 GMT' }).waitFor();
    const requested = await events('doctors-requested');
    expect(requested).toHaveLength(1);
    expect(requested[0].recorded_by).toBe(amhp.id);
    expect(requested[0].at.toISOString()).toMatch(/^2026-11-21T03:05/);
  });

  it('a time set for something that happened earlier is used once, then taps record now again', async () => {
    // The second doctor arrived at 03:50 and she records it at 04:00.
    await advance(15 * 60_000);
    await page.locator('.app-when summary').click();
    await page.fill('#event-time', '03:50');
    await expect(page.locator('#when-summary').textContent()).resolves.toContain('Your next tap records 03:50');
    await step('doctor-arrived').click();
    await page.locator('#step-doctor-arrived-times', { hasText: 'Recorded 03:45 GMT, 03:50 GMT' }).waitFor();
    const arrivals = (await events('doctor-arrived')).map((e) => e.at.toISOString());
    expect(arrivals).toEqual([expect.stringMatching(/^2026-11-21T03:45/), '2026-11-21T03:50:00.000Z']);
    await expect(page.locator('#when-summary').textContent()).resolves.toContain('Each tap records the time now');
    await checked('4-doctors');
  });

  it('she records seeing the person and the interview with the keyboard alone', async () => {
    await page.locator('#record-heading').scrollIntoViewIfNeeded();
    await page.locator('#record').focus();
    const tabTo = async (target: string) => {
      for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.getAttribute('data-step') ?? null)) !== target; i++)
        await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-step') ?? null)).toBe(target);
    };
    await tabTo('contact');
    await page.keyboard.press('Enter');
    await page.locator('#step-contact-times', { hasText: 'Recorded 04:00 GMT' }).waitFor();
    // The focus stays where she was, for the next step.
    await tabTo('interview-started');
    await page.keyboard.press('Enter');
    await page.locator('#step-interview-started-times').waitFor();
    const [contact] = await t.sql<{ mode: string; by_user_id: string }>(
      `SELECT c.mode, c.by_user_id FROM assessment_contacts c JOIN assessments a ON a.id = c.assessment_id WHERE a.referral_id = $1`,
      [referralId],
    );
    expect(contact).toEqual({ mode: 'in-person', by_user_id: amhp.id });
    await advance(30 * 60_000);
    await step('interview-ended').click();
    await page.locator('#step-interview-ended-times', { hasText: '04:30 GMT' }).waitFor();
    await checked('5-interview');
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
