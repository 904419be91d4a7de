import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amhp, rosteredFromStart, shiftWorked } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { axeViolations, consoleErrors, launchBrowser, phoneContext, screenshot, signalOf, tapSendNow } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const navigator: { serviceWorker: { ready: Promise<unknown> } };
declare const document: { activeElement: { id: string; tagName: string } | null };

/**
 * Her night in a basement with no signal: she arrives and records what happens, each step shown as waiting to send
 * and not recorded twice by a second tap; the signal back sends her arrival first and the rest after it, and the
 * screen says they were sent. Also what a screen reader meets on each change of screen, and whom she rings when she
 * needs a manager. In a real Chromium against the real service, its listener closed where there is no signal.
 */
describe('the duty phone at night with no signal', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let grace: TestUser & { practitionerId: string };
  let signal: ReturnType<typeof signalOf>;
  let referralId: string;
  const dialogs: string[] = [];
  const bad: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    signal = signalOf(t.app.getHttpServer());
    const manager = await t.user(['manager'], { displayName: 'Morgan Ellis' });
    await t.sql('UPDATE users SET phone = $2 WHERE id = $1', [manager.id, '+44 7700 900001']);
    await t.http
      .post('/rota/manager-on-call')
      .set('authorization', manager.auth)
      .send({ userId: manager.id, startsAt: '2026-11-21T02:00:00Z', endsAt: '2026-11-21T09:00:00Z' })
      .expect(201);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu' });
    const r = await sent(t, police.auth, s136Referral('Wren', '2026-11-21T01:30:00Z'));
    referralId = r.id;
    await accepted(t, manager.auth, r.id, [grace.id]);
    await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    page.on(
      'response',
      (res) => res.status() === 400 && !res.url().endsWith('/auth/refresh') && bad.push(`${res.request().method()} ${res.url()}`),
    );
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

  /** Waits (up to 10 s) until `read()` gives `want`, then expects it (so a failure shows what it gave). */
  const becomes = async <T>(read: () => Promise<T>, want: T) => {
    for (let i = 0; i < 100 && JSON.stringify(await read()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await read()).toEqual(want);
  };
  const step = (type: string) => page.locator(`[data-step="${type}"]`);
  const waiting = (type: string) => page.locator(`#step-${type}-waiting`);
  const notice = () => page.locator('.app-notice');
  const focused = () =>
    page.evaluate(() => (document.activeElement ? `${document.activeElement.tagName}#${document.activeElement.id}` : ''));
  const events = (type: string) =>
    t.sql<{ at: Date }>(
      `SELECT e.at FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id WHERE a.referral_id = $1 AND e.type = $2`,
      [referralId, type],
    );

  it('Now shows the manager on call, until when, with a Call button', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => 1));
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Manager on call' }) });
    await section.locator('.app-person__name', { hasText: 'Morgan Ellis' }).waitFor();
    await expect(section.textContent()).resolves.toContain('Until Sat 21 Nov, 09:00 GMT');
    const call = section.getByRole('link', { name: 'Call Morgan Ellis, manager on call, on +44 7700 900001' });
    await expect(call.getAttribute('href')).resolves.toBe('tel:+447700900001');
    await screenshot(page, 'night-1-manager-on-call');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a page about her job on the Notifications screen links to the job, named', async () => {
    // What the service's clock job raises when a clock of her job passes its warning (its row, as the job writes it).
    // (Her job's clocks already at their warning when she accepted it paged her then: this one is the page looked at.)
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO pages (kind, recipient_user_id, chain_key, step, referral_id, subject_type, subject_id, urgency, created_at, push_state)
       VALUES ('clock-warning', $1, $2, 0, $3::uuid, 'referral', $3::text, 'normal', $4, 'no-device') RETURNING id`,
      [grace.id, `clock:${referralId}:COP-09:60`, referralId, t.clock.now()],
    );
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Notifications', exact: true }).click();
    const item = page.locator(`.app-page[data-page="${id}"]`, { hasText: 'time limit' });
    await item.waitFor();
    const link = item.getByRole('link', { name: /^Open the job: Robin Wren, REF-/ });
    await link.waitFor();
    await expect(link.getAttribute('href')).resolves.toBe(`#/jobs/${referralId}`);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('on every change of screen the focus is on the new screen’s main region: a screen fetched on first use, a later visit, a job and Back', async () => {
    const menu = page.getByRole('navigation', { name: 'Menu' });
    for (const name of ['My shifts', 'Notifications', 'Now', 'My shifts']) {
      await menu.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: name === 'My shifts' ? /shifts/i : name }).waitFor();
      await becomes(focused, 'MAIN#main');
    }
    await menu.getByRole('link', { name: 'Now', exact: true }).click();
    await page.getByRole('link', { name: 'Robin Wren' }).click();
    await page.getByRole('heading', { name: 'Robin Wren', level: 1 }).waitFor();
    await becomes(focused, 'MAIN#main');
    await page.getByRole('link', { name: 'Back to Now' }).click();
    await page.getByRole('heading', { name: 'Now', level: 1 }).waitFor();
    await becomes(focused, 'MAIN#main');
    await page.getByRole('link', { name: 'Robin Wren' }).click();
    await page.getByRole('heading', { name: 'Robin Wren', level: 1 }).waitFor();
    await becomes(focused, 'MAIN#main');
  });

  it('with no signal, after “Arrived: start the assessment” she records the other steps; each says “Waiting to send (02:00 GMT)”', async () => {
    await signal.cut();
    await step('arrived').click();
    await waiting('arrived').filter({ hasText: 'Waiting to send (' }).waitFor();
    await expect(waiting('arrived').textContent()).resolves.toContain('Waiting to send (02:00 GMT)');
    await expect(step('arrived').isDisabled()).resolves.toBe(true);
    await becomes(() => page.getByText('The rest can be recorded once you have arrived.').count(), 0);
    await expect(step('doctors-requested').isDisabled()).resolves.toBe(false);
    await step('doctors-requested').click();
    await waiting('doctors-requested').waitFor();
    await expect(waiting('doctors-requested').textContent()).resolves.toContain('Waiting to send (02:00 GMT)');
    await step('contact').click();
    await waiting('contact').waitFor();
    await notice().filter({ hasText: 'I saw the person, in person at' }).waitFor();
    await expect(notice().textContent()).resolves.toContain('saved on this phone, not sent yet');
    await becomes(() => page.locator('[data-unsent]').getAttribute('data-unsent'), '3');
    await screenshot(page, 'night-2-offline-steps-waiting');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a second tap on a step waiting to send asks first, and records nothing more when she says no', async () => {
    await step('doctors-requested').click();
    await becomes(async () => dialogs.length, 1);
    expect(dialogs[0]).toBe('Doctors requested is already saved on this phone, waiting to send (02:00 GMT). Record it a second time?');
    await new Promise((r) => setTimeout(r, 300));
    await expect(page.locator('[data-unsent]').getAttribute('data-unsent')).resolves.toBe('3');
    // Two taps within one frame record one step.
    await page.locator('[data-step="bed-requested"]').evaluate((b: { click(): void }) => {
      b.click();
      b.click();
    });
    await waiting('bed-requested').waitFor();
    await becomes(() => page.locator('[data-unsent]').getAttribute('data-unsent'), '4');
    expect(dialogs).toHaveLength(1);
  });

  it('the signal back sends her arrival first and the steps after it, each once; the screen then says they were sent', async () => {
    await signal.restore();
    await tapSendNow(page);
    await page.locator('#step-doctors-requested-times').waitFor({ timeout: 15_000 });
    // The steps go one after another: every one sent before what reached the hub is counted.
    await becomes(() => page.locator('.app-step__waiting').count(), 0);
    expect(await t.sql('SELECT id FROM assessments WHERE referral_id = $1', [referralId])).toHaveLength(1);
    expect(await events('doctors-requested')).toHaveLength(1);
    expect(await events('bed-requested')).toHaveLength(1);
    const contacts = await t.sql(
      `SELECT c.at FROM assessment_contacts c JOIN assessments a ON a.id = c.assessment_id WHERE a.referral_id = $1`,
      [referralId],
    );
    expect(contacts).toHaveLength(1);
    await notice().filter({ hasText: 'sent. The signal came back' }).waitFor();
    await expect(notice().textContent()).resolves.not.toContain('not sent yet');
    await becomes(() => page.locator('[data-unsent]').count(), 0);
    await becomes(() => page.locator('.app-refused').count(), 0);
    await screenshot(page, 'night-3-sent');
    expect(bad).toEqual([]);
    // No page error; what failed to load is the service while it was away (and the first refresh, with no session yet).
    expect(errors.filter((e) => !/^Failed to load resource/.test(e))).toEqual([]);
  });

  it('the manager’s hub list, ordered by soonest clock, shows on each card the clock it is ordered by', async () => {
    const manager = (await t.sql<{ email: string }>(`SELECT email FROM users WHERE display_name = 'Morgan Ellis'`))[0];
    const hub = await (await phoneContext(browser)).newPage();
    await hub.clock.install({ time: t.clock.now() });
    await hub.goto(`${t.url}/app/`);
    await hub.fill('#email', manager.email);
    await hub.fill('#password', TEST_PASSWORD);
    await hub.getByRole('button', { name: 'Sign in' }).click();
    await hub.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Hub', exact: true }).click();
    const card = hub.locator('.app-card', { hasText: 'Robin Wren' });
    await card.locator('.app-clock').waitFor();
    // Its soonest running deadline (the referral's nextDeadline) is the local target to start the assessment, not
    // the s.136's 24 hours, which runs on much longer.
    const { nextDeadline } = (await t.http.get(`/referrals/${referralId}`).set('authorization', grace.auth).expect(200)).body as {
      nextDeadline: string;
    };
    await expect(card.locator('.app-clock__deadline').textContent()).resolves.toBe(
      `Deadline ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(nextDeadline))}`.replace(
        / at /,
        ', ',
      ),
    );
    await expect(card.locator('.app-clock__label').textContent()).resolves.not.toMatch(/^Section 136/);
  });

  it('with no signal, My shifts opens from what the phone kept: her next shift, not “The service cannot be reached”', async () => {
    const shift = await shiftWorked(t, '2026-11-23T21:00:00Z', '2026-11-24T09:00:00Z', 'Monday night');
    await rosteredFromStart(t, shift.id, grace);
    const menu = page.getByRole('navigation', { name: 'Menu' });
    await menu.getByRole('link', { name: 'My shifts', exact: true }).click();
    const card = page.locator('.app-shift', { hasText: 'Monday night' });
    await card.waitFor();
    // Minutes later Now reads who is on duty again (the service's time has moved on); then the signal goes.
    t.clock.advance(5 * 60_000);
    const onDuty = page.waitForResponse((res) => new URL(res.url()).pathname === '/rota/on-duty' && res.status() === 200);
    await menu.getByRole('link', { name: 'Now', exact: true }).click();
    await page.getByRole('heading', { name: 'Now', level: 1 }).waitFor();
    await onDuty;
    await signal.cut();
    try {
      await menu.getByRole('link', { name: 'My shifts', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: /shifts/i }).waitFor();
      await card.waitFor({ timeout: 15_000 });
      await expect(card.textContent()).resolves.toContain('Monday night');
      expect(await page.getByText('The service cannot be reached').count()).toBe(0);
    } finally {
      await signal.restore();
    }
  });
});
