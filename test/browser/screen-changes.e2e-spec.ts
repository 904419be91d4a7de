import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/seed/demo-seed';
import { amhpOnDuty, demoBearer, demoReferral } from '../support/demo-fixtures';
import { accepted } from '../support/referral-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { axeViolations, consoleErrors, launchBrowser, phoneContext, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: {
  activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ offsetParent: unknown; className: string; textContent: string | null }>;
};
declare const navigator: { serviceWorker: { dispatchEvent(e: unknown): boolean } };
declare const MessageEvent: new (type: string, init: { data: unknown }) => unknown;

/**
 * What stays with her when the screen changes under her: the focus after the card she answered is gone, what she was
 * typing when an alert took her to another screen, and a job printed (or saved as a PDF) to hand over.
 */
describe('the duty AMHP’s app when the screen changes', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let amhp: { id: string; email: string; displayName: string; phone: string };
  let s136: { id: string };
  let colleague: { id: string; email: string; displayName: string };
  const offered: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', listen: true, demo: { history: false } });
    const manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
    amhp = await amhpOnDuty(t, manager);
    const queue = (await t.http.get('/referrals').set('authorization', manager).expect(200)).body.items;
    s136 = queue.find((r: { legalContext: { kind: string } }) => r.legalContext.kind === 's136');
    await t.http.post(`/referrals/${s136.id}/allocation`).set('authorization', manager).send({ userId: amhp.id }).expect(200);
    // A colleague on duty attends with her: named on the assessment as a co-AMHP.
    const onDuty = (await t.http.get('/rota/on-duty').set('authorization', manager).expect(200)).body.onDuty as Array<{
      amhps: Array<{ userId: string; displayName: string }>;
    }>;
    const other = onDuty.flatMap((s) => s.amhps).find((a) => a.userId !== amhp.id)!;
    const [{ email }] = await t.sql<{ email: string }>('SELECT email FROM users WHERE id = $1', [other.userId]);
    colleague = { id: other.userId, email, displayName: other.displayName };
    const own = await demoBearer(t, amhp.email);
    await t.http
      .post('/assessments')
      .set('authorization', own)
      .send({ referralId: s136.id, otherAmhpUserIds: [colleague.id] })
      .expect(201);
    for (const familyName of ['Brackley', 'Omondi']) {
      offered[familyName] = await demoReferral(t, manager, familyName);
      await accepted(t, manager, offered[familyName], [amhp.id]);
    }
    context = await phoneContext(browser);
    page = await context.newPage();
    errors = consoleErrors(page);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return a ? { tag: a.tagName, id: a.id, text: (a.textContent || '').trim(), href: a.getAttribute('href') } : null;
    });

  it('after accepting an offer with the keyboard the focus is on the job she accepted, not on the next offer’s Accept', async () => {
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', amhp.email);
    await page.fill('#password', DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    const offers = page.locator('.app-offer');
    await offers.filter({ hasText: 'Brackley' }).waitFor();
    expect(await offers.count()).toBe(2);

    await offers
      .filter({ hasText: 'Brackley' })
      .getByRole('button', { name: /^Accept/ })
      .focus();
    await page.keyboard.press('Enter');
    await page.locator('[role=status]', { hasText: 'You accepted' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'A');
    await expect(focused()).resolves.toMatchObject({ href: `#/jobs/${offered.Brackley}`, text: expect.stringContaining('Brackley') });
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.not.toMatchObject({ text: expect.stringMatching(/^Accept/) });

    // Declining: the focus goes to what the screen says of it.
    await offers
      .filter({ hasText: 'Omondi' })
      .getByRole('button', { name: /^Decline/ })
      .focus();
    await page.keyboard.press('Enter');
    await page.locator('[role=status]', { hasText: 'You declined' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'now-answered');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('what she typed in the interview record is still there after an alert she tapped took her to Notifications and she came back', async () => {
    await page.goto(`${t.url}/app/#/jobs/${s136.id}`);
    await page.locator('#iv-capacity').waitFor();
    await page.locator('#iv-capacity').fill('Lacks capacity to decide on admission: cannot weigh the risks');
    await page.locator('#iv-views').fill('Says she wants to go home to her cat');
    await page.locator('#iv-alternatives').fill('Home treatment team\nCrisis house');

    // The service worker, asked by a tap on an alert, tells the open app to acknowledge its page.
    // (A page waiting for her: the offer she accepted made one.)
    const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM pages WHERE recipient_user_id = $1 ORDER BY created_at LIMIT 1', [
      amhp.id,
    ]);
    await page.evaluate(
      (pageId) => navigator.serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'page-ack', id: pageId } })),
      id,
    );
    await page.locator('h1', { hasText: 'Notifications' }).waitFor();
    await page.goBack();
    await page.locator('#iv-capacity').waitFor();
    await expect(page.locator('#iv-capacity').inputValue()).resolves.toBe('Lacks capacity to decide on admission: cannot weigh the risks');
    await expect(page.locator('#iv-views').inputValue()).resolves.toBe('Says she wants to go home to her cat');
    await expect(page.locator('#iv-alternatives').inputValue()).resolves.toBe('Home treatment team\nCrisis house');

    // Kept as typed: sending it records what she typed, and a form sent and moved on is not put back over what the
    // service now has.
    await page.getByRole('button', { name: 'Save the interview' }).click();
    await page.locator('#record-notice', { hasText: 'Interview: recorded.' }).waitFor();
    const [{ interview }] = await t.sql<{ interview: { capacity: string } }>('SELECT interview FROM assessments WHERE referral_id = $1', [
      s136.id,
    ]);
    expect(interview.capacity).toBe('Lacks capacity to decide on admission: cannot weigh the risks');
  });

  it('drafts are forgotten at sign-out: nothing she typed is shown to whoever signs in next', async () => {
    await page.locator('#iv-relatives').fill('Sister agrees with admission');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', amhp.email);
    await page.fill('#password', DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Her own session again, on the screen she left (within the same page: no reload, which would forget anything
    // held in memory anyway).
    await page.locator('#iv-relatives').waitFor();
    await expect(page.locator('#iv-relatives').inputValue()).resolves.toBe('');
  });

  it('a job printed says when it was printed, each countdown as at then, and has no buttons or menu', async () => {
    await page.locator('.app-clock').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    try {
      const printed = page.locator('.app-printed');
      await expect(printed.isVisible()).resolves.toBe(true);
      await expect(printed.textContent()).resolves.toMatch(/^Printed Sat 21 Nov, \d\d:\d\d GMT: times left are as at then\.$/);
      const clock = page.locator('.app-clock', { has: page.locator('[role=timer]') }).first();
      await expect(clock.locator('[role=timer]').innerText()).resolves.toMatch(/ (left|ago)$/);
      await expect(clock.locator('.app-clock__as-at').innerText()).resolves.toMatch(/^As at \d\d:\d\d GMT, when printed$/);
      const controls = await page.evaluate(() =>
        Array.from(document.querySelectorAll('button, .app-menu, .app-call, .nhsuk-skip-link, .app-header__account'))
          .filter((el) => el.offsetParent !== null && !el.className.includes('app-step__button'))
          .map((el) => (el.textContent || '').trim()),
      );
      expect(controls).toEqual([]);
      // The one-tap steps print as their names, with the times recorded.
      await expect(page.locator('.app-step__button').first().isVisible()).resolves.toBe(true);
      await screenshot(page, 'job-printed');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    await expect(page.locator('.app-printed').isVisible()).resolves.toBe(false);
    expect(errors.filter((e) => !/404|Failed to load resource/.test(e))).toEqual([]);
  });

  it('a co-AMHP named on the assessment has the job in My jobs, marked as one she attends, and reads it without steps to record', async () => {
    const theirs = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'en-GB' });
    try {
      const phone = await theirs.newPage();
      await phone.goto(`${t.url}/app/`);
      await phone.getByRole('heading', { name: 'Sign in' }).waitFor();
      await phone.fill('#email', colleague.email);
      await phone.fill('#password', DEMO_PASSWORD);
      await phone.getByRole('button', { name: 'Sign in' }).click();
      const card = phone.locator('.app-co-amhp');
      await card.waitFor();
      await expect(card.textContent()).resolves.toContain('Co-AMHP');
      await expect(card.textContent()).resolves.toContain(`You attend with ${amhp.displayName}, who leads the assessment and records it`);
      await card.locator('.app-job-link').click();
      await phone.getByRole('heading', { name: 'You attend this assessment as a co-AMHP' }).waitFor();
      await phone.locator('main', { hasText: `${amhp.displayName} named you on it and leads it` }).waitFor();
      await phone.locator('#checks-heading').waitFor();
      await expect(phone.locator('main').textContent()).resolves.not.toContain('not yours');
      expect(await phone.locator('.app-step__button').count()).toBe(0);
      expect(await phone.locator('main form').count()).toBe(0);
      // The checklist says what is missing, not where she would record it.
      expect(await phone.locator('#checks .app-finding').count()).toBeGreaterThan(0);
      expect(await phone.locator('#checks .app-finding__fix').count()).toBe(0);
      await screenshot(phone, 'job-co-amhp');
      expect(await axeViolations(phone)).toEqual([]);
    } finally {
      await theirs.close();
    }
  });
});
