import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TokenService } from '../../src/auth/token.service';
import { amhp } from '../support/workforce-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { clocksTogether, consoleErrors, launchBrowser, phoneContext, signalOf, tapSendNow, until } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const navigator: { serviceWorker: { ready: Promise<unknown> } };
declare const caches: {
  keys(): Promise<string[]>;
  open(key: string): Promise<{ keys(): Promise<Array<{ url: string }>>; delete(request: unknown): Promise<boolean> }>;
};

/**
 * What she decides and corrects without a signal, and what the phone does with it when the signal is back: the
 * outcome dated when she recorded it (not when it was sent), a second outcome replacing the first she changed her
 * mind about, a time correction sent on although someone recorded another step meanwhile, and signing out asking
 * before it deletes a change kept for her to send again; and a phone whose storage is full still records with a
 * signal. In a real Chromium against the real service, its listener
 * closed where there is no signal.
 */
describe('decisions and corrections made on the duty phone without a signal', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let grace: TestUser;
  let manager: TestUser;
  let signal: ReturnType<typeof signalOf>;
  const dialogs: string[] = [];
  let acceptDialog = true;
  const jobs: Record<string, { referralId: string; assessmentId: string }> = {};
  const MIN = 60_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', listen: true });
    signal = signalOf(t.app.getHttpServer());
    manager = await t.user(['manager']);
    const police = await t.user(['referrer']);
    grace = await amhp(t, { displayName: 'Grace Liu' });
    for (const name of ['Wren', 'Finch', 'Lark', 'Heron', 'Kite', 'Plover']) {
      const r = await sent(t, police.auth, s136Referral(name, '2026-11-21T01:30:00Z'));
      await accepted(t, manager.auth, r.id, [grace.id]);
      await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
      const a = await t.http.post('/assessments').set('authorization', grace.auth).send({ referralId: r.id }).expect(201);
      jobs[name] = { referralId: r.id, assessmentId: a.body.id };
    }
    t.clock.advance(5 * MIN);

    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (acceptDialog ? d.accept() : d.dismiss());
    });
    await page.clock.install({ time: t.clock.now() });
    await page.goto(`${t.url}/app/`);
    await page.fill('#email', grace.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user', { hasText: 'Grace Liu' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await signal?.restore();
    await t?.close();
  });

  /** Waits (up to 15 s) until `read()` gives `want`, then expects it (so a failure shows what it gave). */
  const becomes = async <T>(read: () => Promise<T>, want: T) => {
    for (let i = 0; i < 150 && JSON.stringify(await read()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await read()).toEqual(want);
  };
  /** Moves the service's clock and the phone's together. */
  const advance = (ms: number) => clocksTogether(t, page, ms);
  const openJob = async (name: string) => {
    await page.goto(`${t.url}/app/#/jobs/${jobs[name].referralId}`);
    await page.getByRole('heading', { name: `Robin ${name}`, level: 1 }).waitFor();
    await page.locator('#outcome-heading').waitFor();
  };
  const unsent = () => page.locator('[data-unsent]').getAttribute('data-unsent');
  const sendNow = async () => {
    await signal.restore();
    await tapSendNow(page);
    await becomes(async () => (await page.locator('[data-unsent]').count()) === 0, true);
  };
  const outcomeOf = async (name: string) =>
    (
      await t.sql<{ outcome_kind: string; decided_at: Date; outcome: { alternatives?: string[]; rationale?: string } }>(
        'SELECT outcome_kind, decided_at, outcome FROM assessments WHERE id = $1',
        [jobs[name].assessmentId],
      )
    )[0];
  const notDetained = async (kind: 'not-detained' | 'deferred', alternative: string, rationale: string) => {
    await page.locator(`#out-kind-${kind}`).check();
    await page.locator(`#out-alt-${alternative}`).check();
    await page.fill('#out-rationale', rationale);
    await page.getByRole('button', { name: 'Record the outcome' }).click();
  };

  it('a step she saw recorded stays on her screen when the signal goes while the screen is reading the job again', async () => {
    // Recorded after she signed in: the jobs kept on her phone (read then) do not have it.
    const { assessmentId, referralId } = jobs.Kite;
    await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', grace.auth)
      .send({ type: 'doctors-requested', at: t.clock.now().toISOString() })
      .expect(201);
    await openJob('Kite');
    const recorded = page.locator('#step-doctors-requested-times', { hasText: /Recorded 02:0\d GMT/ });
    await recorded.waitFor();
    // The manager records another step: the live stream tells the phone, which reads the assessment again. The
    // signal goes while that read is on its way.
    let arrived!: () => void;
    const asked = new Promise<void>((resolve) => (arrived = resolve));
    let cutOff!: () => void;
    const cut = new Promise<void>((resolve) => (cutOff = resolve));
    const path = `**/assessments?referralId=${referralId}*`;
    await page.route(path, async (route) => {
      arrived();
      await cut;
      await route.abort('internetdisconnected');
    });
    await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', manager.auth)
      .send({ type: 'bed-requested', at: t.clock.now().toISOString() })
      .expect(201);
    await asked;
    await signal.cut();
    cutOff();
    await page.locator('.app-device__signal', { hasText: /^No signal/ }).waitFor();
    await page.waitForTimeout(500);
    // Still shown as recorded, and still hers to correct: not replaced by the older copy kept on the phone.
    await expect(recorded.count()).resolves.toBe(1);
    await expect(page.locator('[data-correct]').count()).resolves.toBe(1);
    await page.unroute(path);
    await signal.restore();
  });

  it('a step the manager recorded while she had a signal is on her phone when she opens the job without one', async () => {
    const { assessmentId, referralId } = jobs.Plover;
    await page.goto(`${t.url}/app/#/`);
    await page.getByRole('heading', { name: 'Now', level: 1 }).waitFor();
    await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', manager.auth)
      .send({ type: 'doctors-requested', at: t.clock.now().toISOString() })
      .expect(201);
    // The live stream tells her phone, which reads its job pack again (not only on its five-minute timer).
    const packHasIt = () =>
      page.evaluate<boolean>(
        `import(document.querySelector('script[type=module]').src.replace(/main\\.js$/, 'pack.js')).then((m) => {
          const job = m.keptPack() && m.keptPack().jobs.find((j) => j.referral.id === '${referralId}');
          return Boolean(job && job.assessment && job.assessment.timeline.some((e) => e.type === 'doctors-requested'));
        })`,
      );
    await until(packHasIt);
    await signal.cut();
    await openJob('Plover');
    await page.locator('#step-doctors-requested-times', { hasText: /Recorded 02:0\d GMT/ }).waitFor({ timeout: 5_000 });
    await signal.restore();
  });

  it('a time corrected without a signal is recorded although the manager recorded another step meanwhile', async () => {
    const { assessmentId } = jobs.Lark;
    const ev = await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', grace.auth)
      .send({ type: 'doctors-requested', at: t.clock.now().toISOString() })
      .expect(201);
    const eventId = String(ev.body.timeline.find((e: { type: string }) => e.type === 'doctors-requested').id);
    await openJob('Lark');
    await signal.cut();
    await page.locator(`[data-correct="${eventId}"]`).click();
    await page.fill('#correct-time', '2026-11-21T02:02');
    await page.getByRole('button', { name: 'Save the time' }).click();
    await page.locator('#record-notice', { hasText: 'saved on this phone, not sent yet' }).waitFor();
    // Meanwhile the manager records another step of the same assessment (its version moves on).
    await signal.restore();
    await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', manager.auth)
      .send({ type: 'conveyance-requested', at: t.clock.now().toISOString() })
      .expect(201);
    await tapSendNow(page);
    await becomes(async () => (await page.locator('[data-unsent]').count()) === 0, true);
    const [held] = await t.sql<{ at: Date }>('SELECT at FROM assessment_events WHERE id = $1', [eventId]);
    expect(held.at.toISOString()).toBe('2026-11-21T02:02:00.000Z');
    await expect(page.locator('.app-refused').count()).resolves.toBe(0);
    await page.locator('#step-doctors-requested-times', { hasText: 'Recorded 02:02 GMT' }).waitFor();
  });

  it('a correction of a time someone else corrected meanwhile is kept for her, and signing out asks before deleting it', async () => {
    const { assessmentId } = jobs.Heron;
    const ev = await t.http
      .post(`/assessments/${assessmentId}/events`)
      .set('authorization', grace.auth)
      .send({ type: 'bed-requested', at: t.clock.now().toISOString() })
      .expect(201);
    const eventId = String(ev.body.timeline.find((e: { type: string }) => e.type === 'bed-requested').id);
    await openJob('Heron');
    await signal.cut();
    await page.locator(`[data-correct="${eventId}"]`).click();
    await page.fill('#correct-time', '2026-11-21T02:03');
    await page.getByRole('button', { name: 'Save the time' }).click();
    await page.locator('#record-notice', { hasText: 'saved on this phone, not sent yet' }).waitFor();
    // Meanwhile the manager corrects the same step to another time. Her phone still has no signal (so it cannot send
    // hers first when the service is back): the manager's change is the earlier one.
    await page.context().setOffline(true);
    await signal.restore();
    const a = await t.http.get(`/assessments/${assessmentId}`).set('authorization', manager.auth).expect(200);
    await t.http
      .patch(`/assessments/${assessmentId}/events/${eventId}`)
      .set('authorization', manager.auth)
      .set('if-match', `"v${a.body.version}"`)
      .send({ at: '2026-11-21T02:01:00.000Z' })
      .expect(200);
    await page.context().setOffline(false);
    const refused = page.locator('.app-refused', { hasText: 'Both versions are shown' });
    if (!(await refused.count())) await tapSendNow(page);
    await refused.waitFor();

    acceptDialog = false;
    const asked = dialogs.length;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await becomes(async () => dialogs.length, asked + 1);
    expect(dialogs[asked]).toContain('1 change was not recorded and is kept on this phone for you to read or send again');
    // She said no: still signed in, her correction still there to send.
    await expect(page.locator('.app-header__user', { hasText: 'Grace Liu' }).count()).resolves.toBe(1);
    await expect(page.locator('.app-refused').count()).resolves.toBe(1);
  });

  it('an outcome recorded without a signal is dated when she recorded it, not when the phone next had a signal', async () => {
    await openJob('Wren');
    await signal.cut();
    const tapped = t.clock.now().getTime();
    await notDetained('not-detained', 'crisis-home-treatment', 'Not detained: the crisis team will visit at home tonight and tomorrow.');
    await page.locator('#record-notice', { hasText: 'Outcome: saved on this phone, not sent yet' }).waitFor();
    // Forty minutes on a moor with no signal.
    await advance(40 * MIN);
    await sendNow();
    await becomes(async () => (await outcomeOf('Wren')).outcome_kind, 'not-detained');
    const held = await outcomeOf('Wren');
    expect(Math.abs(held.decided_at.getTime() - tapped)).toBeLessThan(MIN);
    await page.getByText(/Decided Sat 21 Nov, 02:0\d GMT/).waitFor();
  });

  it('changing her mind without a signal: the second outcome replaces the first on the phone, and only it is recorded', async () => {
    await openJob('Finch');
    await signal.cut();
    await notDetained('deferred', 'crisis-home-treatment', 'Deferred: the doctors cannot come until the morning.');
    await page.getByText(/Outcome saved on this phone, waiting to send/).waitFor();
    acceptDialog = true;
    const asked = dialogs.length;
    await page.locator('#out-alt-crisis-home-treatment').uncheck();
    await notDetained('not-detained', 'informal-admission', 'Changed: Sam agreed to informal admission to Ward 5 tonight.');
    await becomes(async () => dialogs.length, asked + 1);
    expect(dialogs[asked]).toMatch(
      /^An outcome is already saved on this phone, waiting to send \(02:\d\d GMT\)\. Replace it with this one\?/,
    );
    await becomes(unsent, '1');
    await sendNow();
    // Only the second is recorded: the first (deferred, crisis home treatment) never reaches the service.
    await becomes(async () => (await outcomeOf('Finch')).outcome?.alternatives ?? null, ['informal-admission']);
    const held = await outcomeOf('Finch');
    expect(held.outcome_kind).toBe('not-detained');
    expect(held.outcome.rationale).toContain('Sam agreed to informal admission');
    await expect(page.locator('.app-refused', { hasText: 'Outcome' }).count()).resolves.toBe(0);
    await page.locator('[data-outcome="not-detained"] h3', { hasText: 'Not detained' }).waitFor();
  });

  it('with the phone’s storage full, a step is still recorded when there is a signal; without one she is told plainly that nothing was recorded', async () => {
    await openJob('Lark');
    // The phone's storage is full: IndexedDB refuses to keep anything more in the outbox.
    await page.evaluate(`(() => {
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (...args) {
        if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return add.apply(this, args);
      };
    })()`);
    await page.locator('[data-step="interview-started"]').click();
    await page.locator('#step-interview-started-times').waitFor();
    const started = await t.sql(`SELECT e.id FROM assessment_events e WHERE e.assessment_id = $1 AND e.type = 'interview-started'`, [
      jobs.Lark.assessmentId,
    ]);
    expect(started).toHaveLength(1);
    await signal.cut();
    await page.locator('[data-step="interview-ended"]').click();
    const alert = page.locator('#record .app-alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('This phone’s storage is full');
    await expect(alert.textContent()).resolves.toContain('nothing was recorded');
    await expect(page.locator('body').textContent()).resolves.not.toContain('quota');
    await signal.restore();
  });

  it('opened again without a signal, her job shows from the phone even when it kept no copy of who is on duty', async () => {
    await openJob('Plover');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The service worker keeps who is on duty (person-free) only once it controls the page: a phone whose first
    // answer came before that has none.
    await page.evaluate(async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith('amhp-data-')) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) if (request.url.includes('/rota/on-duty')) await cache.delete(request);
      }
    });
    await signal.cut();
    await page.reload();
    await page.getByRole('heading', { name: 'Robin Plover', level: 1 }).waitFor({ timeout: 15_000 });
    await page.locator('.app-device__signal', { hasText: /^No signal/ }).waitFor();
    await page.locator('#step-doctors-requested-times', { hasText: /Recorded 02:0\d GMT/ }).waitFor({ timeout: 5_000 });
    await signal.restore();
  });

  it('on Now, her jobs once shown stay when she refreshes without a signal, though the copy kept on the phone is older', async () => {
    await page.goto(`${t.url}/app/#/`);
    await page.getByRole('heading', { name: 'Now', level: 1 }).waitFor();
    // The phone's kept copy of her jobs is not read again from here on (the reads fail at the network).
    const pack = '**/me/job-pack*';
    await page.route(pack, (route) => route.abort('internetdisconnected'));
    try {
      // A job allocated to her now: the live stream tells the phone, and Now shows it.
      // (Tokens issued now: the file's clock has moved on past the first ones' expiry.)
      const [police, boss] = [await t.user(['referrer']), await t.user(['manager'])];
      const her = `Bearer ${(await t.app.get(TokenService).issueAccessToken(grace.id, grace.roles)).token}`;
      const r = await sent(t, police.auth, s136Referral('Dunlin', t.clock.now().toISOString()));
      await accepted(t, boss.auth, r.id, [grace.id]);
      await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', her).send({}).expect(201);
      const dunlin = page.getByRole('link', { name: /Robin Dunlin/ });
      await dunlin.first().waitFor();
      await signal.cut();
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('.app-device__signal', { hasText: /^No signal/ }).waitFor();
      await page.waitForTimeout(500);
      // Still on the screen: not replaced by the older copy on the phone, which does not have it.
      await expect(dunlin.count()).resolves.toBeGreaterThan(0);
      await expect(page.getByRole('link', { name: /Robin Wren/ }).count()).resolves.toBeGreaterThan(0);
    } finally {
      await page.unroute(pack);
      await signal.restore();
    }
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
