import type { Browser, BrowserContext, Page } from 'playwright-core';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import {
  axeViolations,
  clocksTogether,
  consoleErrors,
  holdOnTheWire,
  launchBrowser,
  phoneContext,
  screenshot,
  shortenWaits,
  until,
} from './browser';

/**
 * The duty AMHP's phone when a job goes to someone else, and on a link that stalls. Hamza is on duty with a job of his
 * own; a s.136 is offered to him and to Grace, and Grace takes it first. His late Accept says what happened; the page
 * about the offer no longer waits for him and does not lead into the job as his; the job itself, which he may read as
 * the AMHP on duty, says plainly that it is not his and records nothing. An offer passed on up the duty chain says so.
 * Opened where the token refresh is never answered, the app shows his kept job pack with "No signal".
 */
describe('a job that is not hers, and a link that stalls', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let hamza: TestUser & { practitionerId: string };
  let grace: TestUser & { practitionerId: string };
  let manager: TestUser;
  let police: TestUser;
  let takenId: string;
  let ownId: string;
  const MIN = 60_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
    hamza = await amhp(t, { displayName: 'Hamza Iqbal' });
    grace = await amhp(t, { displayName: 'Grace Liu' });
    const [{ id: shiftId }] = await t.sql<{ id: string }>(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES ('2026-11-21', 'Night', '2026-11-21T00:00:00Z', '2026-11-21T09:00:00Z', 2) RETURNING id`,
    );
    for (const a of [hamza, grace])
      await t.sql(
        `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by) VALUES ($1, $2, $3, '2026-11-21T00:00:00Z', '2026-11-21T09:00:00Z', $4)`,
        [shiftId, a.practitionerId, a.id, manager.id],
      );
    ownId = (await sent(t, police.auth, s136Referral('Finch', '2026-11-21T01:30:00Z'))).id;
    await accepted(t, manager.auth, ownId);
    await t.http.post(`/referrals/${ownId}/allocation`).set('authorization', manager.auth).send({ userId: hamza.id }).expect(200);
    takenId = (await sent(t, police.auth, s136Referral('Wren', '2026-11-21T01:40:00Z'))).id;
    await accepted(t, manager.auth, takenId, [hamza.id, grace.id]);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    await page.clock.install({ time: t.clock.now() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The job ids in the phone's kept job pack (read through the app's own module, in the page). */
  const packJobs = () =>
    page.evaluate<string[]>(
      `import(document.querySelector('script[type=module]').src.replace(/main\\.js$/, 'pack.js')).then((m) => m.loadPack()).then((f) => (f ? f.pack.jobs.map((j) => j.referral.id) : []))`,
    );

  it('she signs in and sees the offer and her own job, which the phone keeps', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', hamza.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Offered to you' }).waitFor();
    await page.getByRole('link', { name: 'Robin Finch' }).waitFor();
    await until(async () => (await packJobs()).includes(ownId));
  });

  it('a colleague took the offer first: her Accept says so in the service’s words, and the card goes', async () => {
    // Her phone has not caught up yet when she taps: the read of her offers the live stream asks for is slow to come back.
    const slow = await holdOnTheWire(page, '**/me/offers', 'GET');
    await t.http.post(`/referrals/${takenId}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    await page.getByRole('button', { name: /^Accept/ }).click();
    const said = page.getByRole('status').filter({ hasText: 'accepted by another AMHP' });
    await said.waitFor();
    await expect(said.textContent()).resolves.toMatch(/nothing more is needed from you/);
    await slow.release();
    await until(async () => (await page.getByRole('button', { name: /^Accept/ }).count()) === 0);
    await screenshot(page, 'not-hers-1-taken');
  });

  it('the page about that offer no longer waits for her, says why, and does not open the job as hers', async () => {
    const [{ id: pageId }] = await t.sql<{ id: string }>(`SELECT id FROM pages WHERE referral_id = $1 AND recipient_user_id = $2`, [
      takenId,
      hamza.id,
    ]);
    await page.goto(`${t.url}/app/#/notifications?ack=${pageId}`);
    await page.getByText('New job offered to you: No longer waits for you: another AMHP accepted this job').waitFor();
    const card = page.locator(`[data-page="${pageId}"]`);
    await expect(card.textContent()).resolves.toContain('another AMHP accepted this job');
    await expect(card.getByRole('link', { name: /Open the job/ }).count()).resolves.toBe(0);
    await expect(card.getByRole('button', { name: /Acknowledge/ }).count()).resolves.toBe(0);
    // The offer in her notifications says the same, and is neither new nor to be marked read.
    const [{ id: noteId }] = await t.sql<{ id: string }>(
      `SELECT id FROM notifications WHERE subject_id = $1 AND user_id = $2 AND kind = 'offer.received'`,
      [takenId, hamza.id],
    );
    const note = page.locator(`[data-note="${noteId}"]`);
    await expect(note.textContent()).resolves.toContain('another AMHP accepted this job');
    await expect(note.textContent()).resolves.not.toContain('New');
    await expect(note.getByRole('button', { name: /Mark read/ }).count()).resolves.toBe(0);
    await screenshot(page, 'not-hers-2-page-closed');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the colleague’s job, opened as the AMHP on duty, says it is not hers and offers nothing to record; her own job stays on the phone', async () => {
    await page.goto(`${t.url}/app/#/jobs/${takenId}`);
    await page.getByRole('heading', { name: 'Robin Wren', level: 1 }).waitFor();
    await expect(page.locator('.app-not-held').textContent()).resolves.toContain('This job is allocated to another AMHP, not to you.');
    await expect(page.getByRole('button', { name: /Arrived/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('heading', { name: 'Record what happens' }).count()).resolves.toBe(0);
    await expect(page.getByText('no longer yours').count()).resolves.toBe(0);
    expect(await packJobs()).toEqual([ownId]);
    await screenshot(page, 'not-hers-3-colleagues-job');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('her own job still has its steps to record', async () => {
    await page.goto(`${t.url}/app/#/jobs/${ownId}`);
    await page.getByRole('heading', { name: 'Robin Finch', level: 1 }).waitFor();
    await page
      .getByRole('button', { name: /Arrived/ })
      .first()
      .waitFor();
    await expect(page.locator('.app-not-held').count()).resolves.toBe(0);
  });

  it('an offer passed on up the duty chain says so, and that she can still accept it', async () => {
    const later = (await sent(t, police.auth, s136Referral('Linnet', '2026-11-21T01:50:00Z'))).id;
    await accepted(t, manager.auth, later, [hamza.id]);
    await page.goto(`${t.url}/app/#/`);
    const card = page.locator('.app-offer');
    await card.getByText('If nobody accepts by Sat 21 Nov 2026 02:15 GMT, it is passed on up the duty chain.').waitFor();
    await clocksTogether(t, page, 16 * MIN);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await card
      .getByText('Nobody accepted it by Sat 21 Nov 2026 02:15 GMT, so it has been passed on up the duty chain; you can still accept it.')
      .waitFor();
    await screenshot(page, 'not-hers-4-passed-on');
  });

  it('opened where the token refresh is never answered, the app shows her kept job with No signal, not Loading… for ever', async () => {
    await context.route('**/auth/refresh', () => undefined);
    // The app's waits, as they are but shorter (the kept pack after 5 s, the refresh given up after 20 s, on the
    // browser's own timer), so that the test does not sit them out.
    await shortenWaits(page, { openWaitMs: 1_000, requestTimeoutMs: 3_000 });
    try {
      await page.reload();
      await page.getByRole('link', { name: 'Robin Finch' }).waitFor({ timeout: 40_000 });
      await page.locator('.app-device__signal', { hasText: /^No signal/ }).waitFor({ timeout: 40_000 });
      await screenshot(page, 'not-hers-5-stalled-refresh');
    } finally {
      await context.unroute('**/auth/refresh');
    }
  }, 90_000);

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
