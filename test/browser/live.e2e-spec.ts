import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { StreamService } from '../../src/alerts/stream.service';
import { AccountCache } from '../../src/auth/account-cache';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { amhp as newAmhp } from '../support/workforce-fixtures';
import { axeViolations, clocksTogether, consoleErrors, launchBrowser, phoneContext, screenshot, until } from './browser';

// The page's globals, as the functions passed to evaluate() see them (no DOM lib here).
declare const document: { visibilityState: string; dispatchEvent(e: unknown): boolean };
declare const Event: new (type: string) => unknown;

/**
 * The duty AMHP's open app hears the service's live event stream (GET /events): what happens to her offers, her
 * notifications and her jobs shows at once, not at the next read on a timer. The phone's clock is Playwright's and
 * stands still while it is watched, so no timer of the app (its reads every minute, its waits before connecting
 * again) fires unless the test moves the clock: what shows meanwhile was brought by the stream.
 */
describe('the duty AMHP’s app follows the live event stream', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let manager: TestUser;
  let amhp: TestUser & { practitionerId: string };
  let colleague: TestUser & { practitionerId: string };
  /** What the page asked the service, in order (path and query). */
  let asked: Request[];
  const paths = (from: number) => asked.slice(from).map((r) => new URL(r.url()).pathname);
  const streams = () => t.app.get(StreamService).streamsOf(amhp.id);

  /** A referral for `familyName`, offered to her by the manager; its id. */
  const offer = async (familyName: string): Promise<string> => {
    const r = await sent(t, manager.auth, s136Referral(familyName, '2026-11-21T02:00:00Z'));
    await accepted(t, manager.auth, r.id, [amhp.id]);
    return r.id;
  };
  /** The app's own timers run on (a screen opened, its effects run), then the phone's clock stands still again. */
  const runClock = () => page.clock.resume();
  const stopClock = async () => page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    manager = await t.user(['manager']);
    amhp = await newAmhp(t, { displayName: 'Amara Live' });
    colleague = await newAmhp(t, { displayName: 'Colm Other' });
    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    asked = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/app/')) return;
      asked.push(r);
    });
    // The phone's clock agrees with the service's (a clock that disagrees is another file's matter).
    await page.clock.install({ time: t.clock.now() });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signed in, her app holds the stream with her token in its header, never in the address', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', amhp.email);
    await page.fill('#password', TEST_PASSWORD);
    const opened = page.waitForResponse((r) => new URL(r.url()).pathname === '/events');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const res = await opened;
    expect(res.status()).toBe(200);
    expect(await res.request().allHeaders()).toEqual(
      expect.objectContaining({ accept: 'text/event-stream', authorization: expect.stringMatching(/^Bearer /) }),
    );
    expect(res.url()).toBe(`${t.url}/events`);
    await page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await page.getByText('Nothing is allocated to you.').waitFor();
    await until(async () => streams() === 1);
  });

  it('an offer raised through the API shows on her open Now within a couple of seconds, without a read on a timer', async () => {
    await stopClock();
    const from = asked.length;
    const started = Date.now();
    await offer('Marsh');
    const card = page.locator('.app-offer', { hasText: 'Robin Marsh' });
    await card.waitFor({ timeout: 3_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    // Just what the event was about was read again: her offers, not who is on duty nor her jobs.
    expect(paths(from)).toEqual(['/me/offers']);
    await expect(card.getByRole('button', { name: /^Accept/ }).count()).resolves.toBe(1);
    // (A picture and the accessibility check need the page's timers.)
    await runClock();
    await screenshot(page, 'live-1-offer-arrives');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a notification the service closes is shown closed in her open inbox at once, no longer new', async () => {
    await runClock();
    await page.getByRole('link', { name: 'Notifications' }).click();
    const note = page.locator('.app-note', { hasText: 'offered to you' }).first();
    await note.locator('.app-note__new').waitFor();
    await page.locator('.app-page--open').first().waitFor();
    await stopClock();
    const from = asked.length;
    const [r] = await t.sql<{ referral_id: string }>(`SELECT referral_id FROM pages WHERE kind = 'offer' ORDER BY created_at DESC LIMIT 1`);
    await t.http
      .post(`/referrals/${r.referral_id}/allocation`)
      .set('authorization', manager.auth)
      .send({ userId: colleague.id })
      .expect(200);
    await note.locator('.app-note__closed').waitFor({ timeout: 3_000 });
    await expect(note.textContent()).resolves.toContain('the job was allocated to an AMHP');
    expect(await note.locator('.app-note__new').count()).toBe(0);
    // The page that woke her for it no longer waits for her either.
    await until(async () => (await page.locator('.app-page--open').count()) === 0, 3_000);
    // Her inbox was read again, not her phones.
    expect(paths(from)).not.toContain('/me/push-subscriptions');
    expect(paths(from)).toContain('/me/notifications');
    await runClock();
    await screenshot(page, 'live-2-notification-closed');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a stream the service closes is opened again with Last-Event-ID, and what happened meanwhile shows', async () => {
    await stopClock();
    const before = asked.filter((q) => new URL(q.url()).pathname === '/events').length;
    const from = asked.length;
    // The service ends her streams (as it does when her account changes), not her session.
    t.app.get(AccountCache).forget(amhp.id, 'sessions-ended');
    await until(async () => streams() === 0);
    // Offered meanwhile: nobody is listening for her.
    const heron = await offer('Heron');
    // The app waits before connecting again (the service's 3 s, spread): the clock moves on over it.
    await page.clock.runFor(3_000);
    await until(async () => streams() === 1);
    const again = asked.filter((q) => new URL(q.url()).pathname === '/events').slice(before);
    expect(again).toHaveLength(1);
    // It resumed after the last event she had (her notification closed, above), before the offer made meanwhile.
    const eventId = async (type: string, subject: string | null) =>
      BigInt(
        (
          await t.sql<{ id: string }>(
            `SELECT max(id)::text AS id FROM outbox_events WHERE type = $1 AND payload->>'userId' = $2 AND ($3::text IS NULL OR payload->>'subjectId' = $3)`,
            [type, amhp.id, subject],
          )
        )[0].id,
      );
    const header = BigInt((await again[0].allHeaders())['last-event-id']);
    expect(header).toBeGreaterThanOrEqual(await eventId('notification.closed', null));
    expect(header).toBeLessThan(await eventId('notification.created', heron));
    // Replayed: the offer's notification made while she was not connected is in her inbox.
    await page.locator('.app-note', { hasText: 'offered to you' }).locator('.app-note__new').waitFor({ timeout: 3_000 });
    await page.locator('.app-page--open').first().waitFor({ timeout: 3_000 });
    expect(paths(from)).not.toContain('/me/push-subscriptions');
    await runClock();
    await screenshot(page, 'live-3-resumed');
  });

  it('a step the hub records on her job shows on her open job at once, and only its assessment is read again', async () => {
    const r = await sent(t, manager.auth, s136Referral('Finch', '2026-11-21T02:00:00Z'));
    await accepted(t, manager.auth, r.id);
    await t.http.post(`/referrals/${r.id}/allocation`).set('authorization', manager.auth).send({ userId: amhp.id }).expect(200);
    const a = (
      await t.http
        .post('/assessments')
        .set('authorization', amhp.auth)
        .send({ referralId: r.id, location: 'Northshire General' })
        .expect(201)
    ).body as { id: string };
    await runClock();
    await page.goto(`${t.url}/app/#/jobs/${r.id}`);
    await page.getByRole('heading', { name: 'Robin Finch' }).waitFor();
    const step = page.locator('.app-step', { hasText: 'Doctors requested' });
    await step.waitFor();
    expect(await step.locator('.app-step__times').count()).toBe(0);
    await stopClock();
    const from = asked.length;
    await t.http
      .post(`/assessments/${a.id}/events`)
      .set('authorization', manager.auth)
      .send({ type: 'doctors-requested', at: '2026-11-21T02:00:00Z' })
      .expect(201);
    await step.locator('.app-step__times').waitFor({ timeout: 3_000 });
    await expect(step.locator('.app-step__times').textContent()).resolves.toContain('Recorded 02:00');
    // The assessment, then the checklist that follows its version (once the page's effects run); not the referral,
    // the person, the relatives or the doctors again.
    await runClock();
    await until(async () => paths(from).includes(`/assessments/${a.id}/checks`), 3_000);
    expect([...new Set(paths(from))].sort()).toEqual(['/assessments', `/assessments/${a.id}/checks`]);
    await screenshot(page, 'live-4-job-step');
  });

  it('hidden, the app lets the stream go; shown again, it resumes it', async () => {
    const hide = (state: string) =>
      page.evaluate((s) => {
        Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await hide('hidden');
    await until(async () => streams() === 0);
    const from = asked.length;
    await hide('visible');
    await until(async () => streams() === 1);
    const reopened = asked.slice(from).find((q) => new URL(q.url()).pathname === '/events')!;
    expect((await reopened.allHeaders())['last-event-id']).toMatch(/^\d+$/);
  });

  /** Another phone, signed in as `who` (its own clock, agreeing with the service's), and what it asks the service. */
  const phone = async (who: TestUser): Promise<{ page: Page; asked: Request[]; paths: (from: number) => string[] }> => {
    const other = await (await phoneContext(browser)).newPage();
    const log: Request[] = [];
    other.on('request', (r) => {
      if (!new URL(r.url()).pathname.startsWith('/app/')) log.push(r);
    });
    await other.clock.install({ time: t.clock.now() });
    await other.goto(`${t.url}/app/`);
    await other.getByRole('heading', { name: 'Sign in' }).waitFor();
    await other.fill('#email', who.email);
    await other.fill('#password', TEST_PASSWORD);
    await other.getByRole('button', { name: 'Sign in' }).click();
    return { page: other, asked: log, paths: (from) => log.slice(from).map((r) => new URL(r.url()).pathname) };
  };
  const pause = async (p: Page) => p.clock.pauseAt((await p.evaluate(() => Date.now())) + 1_000);

  it('a quiet app whose access token is refreshed resumes its stream from where it was, reading none of her screens again', async () => {
    const quiet = await newAmhp(t, { displayName: 'Quinn Quiet' });
    const newest = async () => BigInt((await t.sql<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM outbox_events`))[0].id);
    const before = await newest();
    const q = await phone(quiet);
    await q.page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await q.page.getByText('Nothing is allocated to you.').waitFor();
    const stream = t.app.get(StreamService);
    await until(async () => stream.streamsOf(quiet.id) === 1);
    await pause(q.page);
    const from = q.asked.length;
    const opened = q.paths(0).filter((x) => x === '/events').length;
    // Nothing happens that is hers: the hub offers a job to a colleague.
    const r = await sent(t, manager.auth, s136Referral('Quayle', '2026-11-21T02:00:00Z'));
    await accepted(t, manager.auth, r.id, [colleague.id]);
    try {
      // 14½ minutes on: the app exchanges its refresh cookie for a new access token, and reads Now on its timer.
      await clocksTogether(t, q.page, 14.5 * 60_000);
      // A minute later the token that opened her stream has expired: the service ends a stream it opened.
      t.clock.advance(60_000);
      await stream.recheck([quiet.id]);
      await q.page.clock.runFor(3_000);
      await until(async () => stream.streamsOf(quiet.id) === 1);
      await q.page.waitForTimeout(1_000);
    } finally {
      t.clock.advance(-(14.5 * 60_000 + 60_000));
    }
    // Each stream opened again resumed, with the new token, from the position the service gave the first as it opened
    // (no event was sent to her): the events since, none hers, were replayed to no screen.
    const reopened = q.asked.filter((x) => new URL(x.url()).pathname === '/events').slice(opened);
    expect(reopened.length).toBeGreaterThanOrEqual(1);
    for (const x of reopened) {
      const header = (await x.allHeaders())['last-event-id'];
      expect(header).toMatch(/^\d+$/);
      expect(BigInt(header) >= before).toBe(true);
    }
    // So nothing was read again for the stream: her offers once in those 15 minutes, on the five-minute timer.
    expect(q.paths(from).filter((x) => x === '/me/offers')).toHaveLength(1);
    expect(q.paths(from)).toContain('/auth/refresh');
    await q.page.context().close();
  });

  it('the manager’s Hub follows the stream: an offer made, then declined, shows at once, reading the queue and its offers only', async () => {
    const m = await phone(manager);
    await m.page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await m.page.goto(`${t.url}/app/#/hub`);
    await m.page.getByRole('heading', { name: 'The hub now' }).waitFor();
    await m.page.getByRole('heading', { name: 'Gaps in the rota, next 24 hours' }).waitFor();
    await m.page.locator('#queue-heading ~ ul, #queue-heading ~ p').first().waitFor();
    await until(async () => t.app.get(StreamService).streamsOf(manager.id) === 1);
    await pause(m.page);
    const from = m.asked.length;
    const r = await sent(t, manager.auth, s136Referral('Hollis', '2026-11-21T02:00:00Z'));
    await accepted(t, manager.auth, r.id, [colleague.id]);
    const waiting = m.page.locator('.app-waiting', { hasText: 'Robin Hollis' });
    await waiting.waitFor({ timeout: 3_000 });
    await expect(waiting.textContent()).resolves.toContain('Offered to Colm Other');
    // He declines it: nobody else was offered it, so it no longer waits for an answer.
    await t.http.post(`/referrals/${r.id}/offers/decline`).set('authorization', colleague.auth).send({}).expect(200);
    await until(async () => (await waiting.count()) === 0, 3_000);
    // Read again: the referrals and the open offers; not the AMHPs' names, who is on duty or the rota's gaps.
    await m.page.waitForTimeout(500);
    expect([...new Set(m.paths(from))].sort()).toEqual(
      ['/referrals', ...[...new Set(m.paths(from).filter((x) => x.endsWith('/offers')))]].sort(),
    );
    expect(m.paths(from)).toContain(`/referrals/${r.id}/offers`);
    // A rota change reads who is on duty and the gaps, not the queue.
    const rota = m.asked.length;
    await t.http
      .post('/rota/shifts')
      .set('authorization', manager.auth)
      .send({ label: 'Live hub shift', startsAt: '2026-11-21T09:00:00Z', endsAt: '2026-11-21T17:00:00Z', requiredCount: 1 })
      .expect(201);
    await until(async () => m.paths(rota).includes('/rota/coverage'), 3_000);
    expect([...new Set(m.paths(rota))].sort()).toEqual(['/rota/coverage', '/rota/on-duty']);
    await m.page.clock.resume();
    await screenshot(m.page, 'live-5-hub');
    expect(await axeViolations(m.page)).toEqual([]);
    await m.page.context().close();
  });

  it('the manager’s Hub shows the rota’s gaps change the moment a shift ends, reading the rota then, not at its next read on a timer', async () => {
    const MIN = 60_000;
    const now = t.clock.now().getTime();
    const shift = (label: string, from: number, to: number) =>
      t.http
        .post('/rota/shifts')
        .set('authorization', manager.auth)
        .send({ label, startsAt: new Date(from).toISOString(), endsAt: new Date(to).toISOString(), requiredCount: 1 })
        .expect(201);
    // Nobody is on a shift that ends in half a minute: a gap until then. Tomorrow's starts then, 24 hours on: a gap the
    // Hub's next 24 hours reach only once this one has ended.
    await shift('Ending shift', now - 60 * MIN, now + 30_000);
    await shift('Next day shift', now + 24 * 60 * MIN + 30_000, now + 25 * 60 * MIN);
    const m = await phone(manager);
    await m.page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await m.page.goto(`${t.url}/app/#/hub`);
    await m.page.getByRole('heading', { name: 'The hub now' }).waitFor();
    const gap = (label: string) => m.page.locator('.app-gap', { hasText: label });
    await gap('Ending shift').waitFor();
    expect(await gap('Next day shift').count()).toBe(0);
    await until(async () => t.app.get(StreamService).streamsOf(manager.id) === 1);
    await pause(m.page);
    await m.page.waitForTimeout(300);
    const from = m.asked.length;
    // Past the shift's end, on the phone and the service alike: within the five minutes of the screens' timer (and the
    // 45 s after which a silent stream is opened again).
    await clocksTogether(t, m.page, 32_000);
    await gap('Next day shift').waitFor({ timeout: 3_000 });
    await until(async () => (await gap('Ending shift').count()) === 0, 3_000);
    // Its rota read again, at the shift's end: not the queue, as a read on the timer would.
    expect([...new Set(m.paths(from))].sort()).toEqual(['/rota/coverage', '/rota/on-duty']);
    await m.page.clock.resume();
    expect(await axeViolations(m.page)).toEqual([]);
    await m.page.context().close();
  });

  it('a referrer’s My referrals follows the stream: her referral moving on shows at once, reading only the list', async () => {
    const referrer = await t.user(['referrer']);
    const r = await sent(t, referrer.auth, s136Referral('Ridley', '2026-11-21T02:00:00Z'));
    const p = await phone(referrer);
    await p.page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    await p.page.getByRole('link', { name: 'My referrals' }).click();
    await p.page.getByRole('heading', { name: 'My referrals' }).waitFor();
    const card = p.page.locator(`.app-referral[data-referral="${r.id}"]`);
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain('Received');
    await until(async () => t.app.get(StreamService).streamsOf(referrer.id) === 1);
    await pause(p.page);
    const from = p.asked.length;
    await t.http.post(`/referrals/${r.id}/status`).set('authorization', manager.auth).send({ status: 'screening' }).expect(200);
    await card.getByText('Being looked at').waitFor({ timeout: 3_000 });
    await p.page.waitForTimeout(300);
    expect(p.paths(from)).toEqual(['/referrals']);
    // Another referral's change (not hers, so the service does not send it): nothing is read.
    const other = await sent(t, manager.auth, s136Referral('Other', '2026-11-21T02:00:00Z'));
    await t.http.post(`/referrals/${other.id}/status`).set('authorization', manager.auth).send({ status: 'screening' }).expect(200);
    await p.page.waitForTimeout(1_000);
    expect(p.paths(from)).toEqual(['/referrals']);
    await p.page.clock.resume();
    await screenshot(p.page, 'live-6-my-referrals');
    expect(await axeViolations(p.page)).toEqual([]);
    await p.page.context().close();
  });

  it('signed out, the stream is closed and nothing it would bring is asked for', async () => {
    await runClock();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await until(async () => streams() === 0);
    const from = asked.length;
    await offer('Wren');
    await page.waitForTimeout(1_000);
    expect(paths(from)).toEqual([]);
    await expect(page.locator('main').textContent()).resolves.not.toMatch(/Wren|offered/);
    // (The one 400 is the refresh the app tries as it opens, before she signed in.)
    expect(errors.filter((e) => /Content Security Policy|Refused to|Uncaught|TypeError/i.test(e))).toEqual([]);
  });
});
