import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/seed/demo-seed';
import { S136_CONSULTEE_PROFESSIONS } from '../../src/statute/police-powers.rules';
import { amhpOnDuty, demoBearer, demoReferral } from '../support/demo-fixtures';
import { accepted } from '../support/referral-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp } from '../support/test-app';
import { axeViolations, consoleErrors, holdOnTheWire, launchBrowser, phoneContext, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: {
  activeElement: { id: string; className: string; tagName: string; textContent: string | null } | null;
  querySelector(s: string): unknown;
};

/**
 * The referrer's, the manager's and the rest of the duty AMHP's screens in a real Chromium on a phone-sized screen,
 * against the real service on the demo hub: a police officer sends a s.136 referral and watches its clock; the manager
 * on call sees an offer nobody answered, allocates it and acknowledges the morning handover; an AMHP records and signs
 * an out-of-hours decision above the delegated limit; and asks a colleague to take a shift, which the colleague takes.
 */
describe('the hub’s other screens on a phone', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let manager: string;
  const MINUTE = 60_000;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', listen: true, demo: { history: false } });
    manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
  }, 240_000); // the demo hub takes a while to seed on a busy machine
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signedIn(email: string, password: string, home: string): Promise<Page> {
    const context = await phoneContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    // The phone's clock, running as the real one does, so that a test can skip the seconds it waits for an answer.
    await page.clock.install();
    const own = consoleErrors(page);
    page.on('close', () => errors.push(...own));
    await page.goto(`${t.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: home, exact: true }).waitFor();
    return page;
  }

  /** Presses Tab until the focused element passes `test` (the keyboard alone). */
  async function tabUntil(page: Page, what: string, test: (el: { id: string; tagName: string; text: string }) => boolean): Promise<void> {
    for (let i = 0; i < 150; i++) {
      const el = await page.evaluate(() => {
        const a = document.activeElement;
        return { id: a?.id ?? '', tagName: a?.tagName ?? '', text: (a?.textContent ?? '').trim() };
      });
      if (test(el)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${what}`);
  }
  const tabTo = (page: Page, id: string) => tabUntil(page, `#${id}`, (el) => el.id === id);

  /** Fills a time with the time now, by its "Now" button. */
  const now = (page: Page, label: string) =>
    page
      .locator('.app-datetime', { has: page.getByLabel(label, { exact: true }) })
      .getByRole('button')
      .click();

  async function accessible(page: Page, name: string): Promise<void> {
    await screenshot(page, `screens-${name}`);
    expect(await axeViolations(page)).toEqual([]);
  }

  describe('a police officer', () => {
    let page: Page;
    let police: string;
    const mine = () => t.sql('SELECT 1 FROM referrals WHERE referrer_user_id = $1', [police]);
    beforeAll(async () => {
      police = (await t.user(['referrer'], { email: 'pc.reeve@police.example', displayName: 'PC Dana Reeve' })).id;
      page = await signedIn('pc.reeve@police.example', TEST_PASSWORD, 'Now');
    }, 60_000);

    it('finds the referral form in the menu, and the service’s refusals come back against each field', async () => {
      await page.getByRole('link', { name: 'Send a referral' }).click();
      await page.getByRole('heading', { name: 'Send a referral' }).waitFor();
      await expect(page.locator('#kind').isChecked()).resolves.toBe(true); // s.136 is the first choice
      await accessible(page, 'referral-1-form');

      await page.getByRole('button', { name: 'Send the referral' }).click();
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor();
      await expect(summary.textContent()).resolves.toContain('Enter their first name.');
      await expect(page.locator('#person\\.givenName-error').textContent()).resolves.toContain('Enter their first name.');
      await expect(page.locator('#reason-error').textContent()).resolves.toContain('Say what has happened');
      await expect(page.evaluate(() => document.activeElement?.className)).resolves.toContain('nhsuk-error-summary');
      await expect(page.title()).resolves.toBe('Error: Send a referral – AMHP duty');
      await accessible(page, 'referral-2-errors');
      // A summary link takes the focus to its field without leaving the screen.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('person.givenName');
      expect(page.url()).toMatch(/#\/referrals\/new$/);
      expect(await mine()).toEqual([]);
    });

    it('with the keyboard alone: no arrival time is refused by the law’s rule, then sent with the time now', async () => {
      await page.keyboard.type('Sam');
      await tabTo(page, 'person.familyName');
      await page.keyboard.type('Okafor');
      await tabTo(page, 'reason');
      await page.keyboard.type('Found on the bridge parapet, distressed, saying he wants to end it.');
      await tabTo(page, 'risks');
      await page.keyboard.press('Space');
      await tabTo(page, 'referrer.phone');
      await page.keyboard.type('+44 7700 900555');
      await tabUntil(page, 'the send button', (el) => el.text === 'Send the referral');
      await page.keyboard.press('Enter');
      const arrival = page.locator('#legalContext\\.arrivedAt-error');
      await arrival.waitFor();
      await expect(arrival.textContent()).resolves.toContain('Record when the person arrived at the place of safety');
      expect(await mine()).toEqual([]);

      // The summary takes the focus once it is drawn (as she hears it read out); her next Tab goes from there.
      await page.waitForFunction(() => document.activeElement?.className.includes('nhsuk-error-summary') === true);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter'); // the summary's link to the arrival time
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('legalContext.arrivedAt');
      await tabUntil(page, 'the Now button', (el) => el.text.startsWith('Now'));
      await page.keyboard.press('Enter');
      await tabUntil(page, 'the send button', (el) => el.text === 'Send the referral');
      await page.keyboard.press('Enter');

      await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
      const [sent] = await t.sql<{ reference: string; source: string; kind: string; arrived: string }>(
        `SELECT reference, source, legal_context->>'kind' AS kind, legal_context->>'arrivedAt' AS arrived FROM referrals WHERE referrer_user_id = $1`,
        [police],
      );
      expect(sent).toMatchObject({ source: 'police-s136', kind: 's136' });
      expect(Math.abs(Date.parse(sent.arrived) - t.clock.now().getTime())).toBeLessThan(2 * MINUTE);
      await expect(page.locator('.nhsuk-panel').textContent()).resolves.toContain(sent.reference);
      const clock = page.locator('.app-clock', { hasText: 'Section 136' });
      await expect(clock.locator('[role=timer]').textContent()).resolves.toMatch(/^(1 d 0 h|23 h \d+ min) left$/);
      await expect(clock.textContent()).resolves.toMatch(/Deadline Sun 22 Nov, 10:0\d GMT/);
      await accessible(page, 'referral-3-sent');
    });

    it('sees the referral in “My referrals” with its status and its clock counting down', async () => {
      await page.getByRole('link', { name: 'My referrals', exact: true }).click();
      await page.getByRole('heading', { name: 'My referrals' }).waitFor();
      const card = page.locator('.app-referral').first();
      await card.waitFor();
      await expect(card.textContent()).resolves.toContain('Received');
      await expect(card.locator('.app-clock', { hasText: 'Section 136' }).locator('[role=timer]').textContent()).resolves.toMatch(
        /^(1 d 0 h|23 h \d+ min) left$/,
      );
      // Nothing about the person is shown to the referrer after sending.
      await expect(page.locator('main').textContent()).resolves.not.toContain('Okafor');
      await accessible(page, 'referral-4-mine');
    });

    it('sends one on a signal too poor to answer: told it is saved on the phone and not to send it again, and it arrives once', async () => {
      const wire = await holdOnTheWire(page, '**/referrals');
      const before = (await mine()).length;
      await page.locator('#main').getByRole('link', { name: 'Send a referral' }).click();
      await page.getByRole('heading', { name: 'Send a referral' }).waitFor();
      await page.fill('#person\\.givenName', 'Lee');
      await page.fill('#person\\.familyName', 'Harlow');
      await page.fill('#reason', 'Standing in the traffic on the ring road, not answering questions.');
      await page.check('#risks');
      await page.fill('#referrer\\.phone', '+44 7700 900555');
      await now(page, 'When did you arrive at the place of safety?');
      await page.getByRole('button', { name: 'Send the referral' }).click();
      await wire.waitedOut();
      // After the few seconds the form waits for an answer: a status in place of the form, not an error.
      const saved = page.locator('[role=status]', { hasText: 'Your referral is saved on this phone, not sent yet' });
      await saved.waitFor({ timeout: 15_000 });
      await expect(saved.textContent()).resolves.toContain('You do not need to send it again.');
      await expect(page.locator('.nhsuk-error-summary').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Send the referral' }).count()).resolves.toBe(0);
      await accessible(page, 'referral-5-saved');
      await wire.release();
      await page.locator('.app-device__unsent').waitFor({ state: 'detached' });
      await expect(mine()).resolves.toHaveLength(before + 1);
      expect(wire.sent()).toBe(1);
    });

    /** A new referral form, from her referrals (the screen she is on may be the form's own, saved or sent). */
    async function newReferral(): Promise<void> {
      await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'My referrals' }).click();
      await page.getByRole('heading', { name: 'My referrals' }).waitFor();
      await page.locator('#main').getByRole('link', { name: 'Send a referral' }).click();
      await page.locator('#person\\.givenName').waitFor();
    }

    it('says whether she consulted a health professional before using s.136 (whom, when, the advice, or why not): the service’s refusals come back against those fields', async () => {
      const before = (await mine()).length;
      await newReferral();
      await page.fill('#person\\.givenName', 'Ash');
      await page.fill('#person\\.familyName', 'Penrose');
      await page.fill('#reason', 'On the station platform edge, shouting that he is being followed.');
      await page.check('#risks');
      await page.fill('#referrer\\.phone', '+44 7700 900555');
      await page.fill('#legalContext\\.arrivedAt', '2026-11-21T09:30');
      // Consulted, without saying whom, and at a time after the arrival: the law's refusals, each against its field.
      await page.check('#legalContext\\.policeConsultation\\.consulted');
      // Whom she may choose is the service's list (s.136(1C), held as data), not a copy of it.
      const offered = await page
        .locator('#legalContext\\.policeConsultation\\.profession option')
        .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
      expect(offered).toEqual(['', ...S136_CONSULTEE_PROFESSIONS]);
      await page.fill('#legalContext\\.policeConsultation\\.at', '2026-11-21T09:45');
      await page.fill('#legalContext\\.policeConsultation\\.advice', 'Take him to the suite.');
      await page.getByRole('button', { name: 'Send the referral' }).click();
      const whom = page.locator('#legalContext\\.policeConsultation\\.profession-error');
      await whom.waitFor();
      await expect(whom.textContent()).resolves.toContain('Choose whom you consulted.');
      await expect(page.locator('#legalContext\\.policeConsultation\\.at-error').textContent()).resolves.toContain(
        'cannot be after the power was used',
      );
      await expect(page.locator('.nhsuk-error-summary').textContent()).resolves.toContain('Choose whom you consulted.');
      await accessible(page, 'referral-6-consultation-errors');
      expect(await mine()).toHaveLength(before);

      await page.selectOption('#legalContext\\.policeConsultation\\.profession', 'registered-nurse');
      await page.fill('#legalContext\\.policeConsultation\\.at', '2026-11-21T09:20');
      await page.getByRole('button', { name: 'Send the referral' }).click();
      await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
      const [sent] = await t.sql<{ c: Record<string, string> }>(
        `SELECT legal_context->'policeConsultation' AS c FROM referrals WHERE referrer_user_id = $1 ORDER BY reference DESC LIMIT 1`,
        [police],
      );
      expect(sent.c).toMatchObject({ consulted: 'yes', profession: 'registered-nurse', advice: 'Take him to the suite.' });
      expect(Date.parse(sent.c.at)).toBe(Date.parse('2026-11-21T09:20:00Z'));

      // Not practicable: only why is asked, and sent.
      await newReferral();
      await page.fill('#person\\.givenName', 'Kit');
      await page.fill('#person\\.familyName', 'Marlowe');
      await page.fill('#reason', 'Climbing the multi-storey car park railings, would not talk to us.');
      await page.check('#risks');
      await page.fill('#referrer\\.phone', '+44 7700 900555');
      await page.fill('#legalContext\\.arrivedAt', '2026-11-21T09:40');
      await page.check('#legalContext\\.policeConsultation\\.consulted-not-practicable');
      await expect(page.locator('#legalContext\\.policeConsultation\\.profession').count()).resolves.toBe(0);
      await page.fill('#legalContext\\.policeConsultation\\.reason', 'He was on the railings; there was no time to phone anyone.');
      await page.getByRole('button', { name: 'Send the referral' }).click();
      await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
      expect(
        await t.sql(
          `SELECT legal_context->'policeConsultation' AS c FROM referrals WHERE referrer_user_id = $1 ORDER BY reference DESC LIMIT 1`,
          [police],
        ),
      ).toEqual([{ c: { consulted: 'not-practicable', reason: 'He was on the railings; there was no time to phone anyone.' } }]);
      expect(await mine()).toHaveLength(before + 2);
    });

    it('takes the person to a private home: says so in words, and asks whether the person agreed, whether they live there alone and, if not, whether someone who lives there agreed (POL-10)', async () => {
      await newReferral();
      await page.fill('#person\\.givenName', 'Ren');
      await page.fill('#person\\.familyName', 'Castell');
      await page.fill('#reason', 'Found in the road outside his mother’s house; she asked us to keep him there until help came.');
      await page.check('#risks');
      await page.fill('#referrer\\.phone', '+44 7700 900555');
      await page.fill('#legalContext\\.arrivedAt', '2026-11-21T09:50');
      await page.getByLabel('A private home (a house, flat or room where someone lives)').check();
      // Living alone, no one else is asked; living with others, whether one of them agreed is.
      await page.check('#legalContext\\.placeOfSafetyConsent\\.soleOccupier');
      await expect(page.locator('input[name="legalContext.placeOfSafetyConsent.occupierAgreed"]').count()).resolves.toBe(0);
      await page.check('#legalContext\\.placeOfSafetyConsent\\.soleOccupier-no');
      await page.check('#legalContext\\.placeOfSafetyConsent\\.personAgreed');
      await page.check('#legalContext\\.placeOfSafetyConsent\\.occupierAgreed');
      await accessible(page, 'referral-7-private-home');
      await page.getByRole('button', { name: 'Send the referral' }).click();
      await page.getByRole('heading', { name: 'Referral sent' }).waitFor();
      expect(
        await t.sql(
          `SELECT legal_context->>'placeOfSafetyType' AS type, legal_context->'placeOfSafetyConsent' AS c
             FROM referrals WHERE referrer_user_id = $1 ORDER BY reference DESC LIMIT 1`,
          [police],
        ),
      ).toEqual([{ type: 'private-dwelling', c: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' } }]);
    });
  });

  describe('the manager on call', () => {
    let page: Page;
    let amhp: { userId: string; displayName: string };
    let referralId: string;

    beforeAll(async () => {
      const onDuty = await amhpOnDuty(t, manager);
      amhp = { userId: onDuty.id, displayName: onDuty.displayName };
      referralId = await demoReferral(t, manager, 'Brackley');
      await accepted(t, manager, referralId, [amhp.userId]);
      t.clock.advance(12 * MINUTE); // nobody answers for 12 minutes
      page = await signedIn('manager@demo.amhp-hub.local', DEMO_PASSWORD, 'Now');
    }, 60_000);

    it('sees the offer nobody answered and how long it has waited, the queue by clock, and the rota’s gaps', async () => {
      await page.getByRole('link', { name: 'Hub' }).click();
      await page.getByRole('heading', { name: 'The hub now' }).waitFor();
      const waiting = page.locator('.app-waiting', { hasText: 'Tom Brackley' });
      await waiting.waitFor();
      await expect(waiting.textContent()).resolves.toMatch(/Waiting 1[23] min/);
      await expect(waiting.textContent()).resolves.toContain(`Offered to ${amhp.displayName}`);
      await page.locator('#queue-heading').waitFor();
      await expect(page.locator('#gaps-heading').isVisible()).resolves.toBe(true);
      await accessible(page, 'manager-1-hub');
    });

    it('allocates it to the AMHP on duty, with the service’s answer on who may act now', async () => {
      // Who may act now is asked once for every AMHP, not once for each (a request each took seconds on a poor signal).
      const checks: string[] = [];
      const onRequest = (r: { url(): string }) => {
        if (/\/practitioners\/.*eligibility/.test(r.url())) checks.push(new URL(r.url()).pathname);
      };
      page.on('request', onRequest);
      await page
        .locator('.app-waiting', { hasText: 'Tom Brackley' })
        .getByRole('link', { name: /^Allocate/ })
        .click();
      await page.getByRole('heading', { name: 'Allocate to an AMHP' }).waitFor();
      const choice = page.getByLabel(`${amhp.displayName} (on duty)`);
      await choice.waitFor();
      page.off('request', onRequest);
      expect(checks).toEqual(['/practitioners/eligibility']);
      const hints = await page.locator('.nhsuk-radios__hint').allTextContents();
      expect(hints.length).toBeGreaterThan(1);
      for (const hint of hints) expect(hint).toMatch(/^May (not )?act now/);
      await accessible(page, 'manager-2-allocate');
      await choice.check();
      await page.getByRole('button', { name: 'Allocate' }).click();
      await page.locator('[role=status]', { hasText: 'is allocated to' }).waitFor();
      const [row] = await t.sql<{ status: string; allocated_user_id: string }>(
        'SELECT status, allocated_user_id FROM referrals WHERE id = $1',
        [referralId],
      );
      expect(row).toEqual({ status: 'allocated', allocated_user_id: amhp.userId });
      // The hub, read again once it has loaded: Tom Brackley's offer no longer waits, and the s.136 offered to the
      // duty AMHPs that nobody has answered still does.
      await page.locator('.app-card', { hasText: 'Tom Brackley' }).filter({ hasText: 'An AMHP has it' }).waitFor();
      await expect(page.locator('.app-waiting', { hasText: 'Tom Brackley' }).count()).resolves.toBe(0);
      await expect(page.locator('.app-waiting', { hasText: 'Jordan Ellery' }).count()).resolves.toBe(1);
      // The referral itself, as hub staff see it: the person, the clocks, and a way to change the AMHP.
      await page.locator('.app-card a', { hasText: 'Tom Brackley' }).click();
      await page.getByRole('link', { name: 'Change the AMHP' }).waitFor();
      await expect(page.locator('[data-status]').textContent()).resolves.toBe('An AMHP has it');
      await accessible(page, 'manager-2b-referral');
    });

    it('allocates on a signal too poor to answer: told it is saved on the phone, and the service does it once', async () => {
      const wire = await holdOnTheWire(page, '**/referrals/*/allocation');
      const allocations = () =>
        t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'allocated'`, [referralId]).then((rows) => rows.length);
      const before = await allocations();
      await page.getByRole('link', { name: 'Change the AMHP' }).click();
      await page.getByRole('heading', { name: 'Allocate to an AMHP' }).waitFor();
      await page.getByLabel(`${amhp.displayName} (on duty)`).check();
      await page.getByRole('button', { name: 'Allocate' }).click();
      await wire.waitedOut();
      // After the few seconds the screen waits for an answer, the hub says where the allocation is.
      await page
        .locator('main [role=status]', {
          hasText: /^The allocation of REF-\d{4}-\d{6}: saved on this phone, not sent yet\. It will be sent when there is a signal\.$/,
        })
        .waitFor({ timeout: 15_000 });
      await page.getByRole('heading', { name: 'The hub now' }).waitFor();
      await page.locator('.app-device__unsent').waitFor(); // the header counts it
      await wire.release();
      await page.locator('.app-device__unsent').waitFor({ state: 'detached' });
      await expect(allocations()).resolves.toBe(before + 1);
      expect(wire.sent()).toBe(1);
    });

    it('acknowledges the morning handover item by item or all at once; all at once on a poor signal keeps the first and sends no more', async () => {
      await page.getByRole('link', { name: 'Handover', exact: true }).click();
      await page.getByRole('heading', { name: 'Morning handover' }).waitFor();
      const items = page.locator('.app-handover-item');
      await items.first().waitFor();
      await accessible(page, 'manager-3-handover');
      await items
        .first()
        .getByRole('button', { name: /^Acknowledge/ })
        .click();
      await page.locator('.app-handover-item .app-done').first().waitFor(); // acknowledged items go after the open ones
      const stillOpen = () =>
        t
          .sql(
            `SELECT 1 FROM handover_items i JOIN handovers h ON h.id = i.handover_id WHERE h.handover_date = '2026-11-21' AND i.acknowledged_at IS NULL`,
          )
          .then((rows) => rows.length);
      const before = await stillOpen();
      expect(before).toBeGreaterThanOrEqual(3); // the demo's handover: enough to acknowledge all, twice

      // All at once on a signal too poor to answer: the first is kept on the phone, and the others are not sent.
      const wire = await holdOnTheWire(page, '**/handovers/*/items/*/acknowledgement');
      await page.getByRole('button', { name: /^Acknowledge all/ }).click();
      await wire.waitedOut();
      await page
        .locator('main [role=status]', {
          hasText:
            'The first acknowledgement: saved on this phone, not sent yet. It will be sent when there is a signal. The others are not: acknowledge them once there is a signal.',
        })
        .waitFor({ timeout: 15_000 });
      await expect(page.locator('main [role=alert]').count()).resolves.toBe(0); // said as a status, not an error
      expect(wire.sent()).toBe(1);
      await wire.release();
      await page.locator('.app-device__unsent').waitFor({ state: 'detached' });
      await expect(stillOpen()).resolves.toBe(before - 1);

      // With a signal again, the handover read afresh, the rest all at once.
      await page.getByRole('link', { name: 'Hub' }).click();
      await page.getByRole('heading', { name: 'The hub now' }).waitFor();
      await page.getByRole('link', { name: 'Handover', exact: true }).click();
      await page.getByRole('heading', { name: 'Morning handover' }).waitFor();
      await page.getByRole('button', { name: /^Acknowledge all/ }).click();
      await page.waitForFunction(() => document.querySelector('.app-handover-item button') === null);
      await expect(stillOpen()).resolves.toBe(0);
      await accessible(page, 'manager-4-acknowledged');
    });
  });

  describe('an AMHP', () => {
    let page: Page;
    let amhpEmail: string;

    beforeAll(async () => {
      amhpEmail = (await amhpOnDuty(t, manager)).email;
      page = await signedIn(amhpEmail, DEMO_PASSWORD, 'Now');
    }, 60_000);

    /** From the menu, a new decision record of `type` about `name`, made now, ready to start. */
    async function newDecision(type: string, name: string): Promise<void> {
      await page.getByRole('link', { name: 'Decisions', exact: true }).click();
      await page.getByRole('link', { name: 'Record a decision' }).click();
      await page.getByRole('heading', { name: 'Record a decision' }).waitFor();
      await page.getByLabel(type).check();
      await now(page, 'When was it made?');
      await page.fill('#personDetails\\.name', name);
    }

    it('starts a decision record, and signing it shows what the record still needs against each field', async () => {
      await page.getByRole('link', { name: 'Decisions' }).click();
      await page.getByRole('heading', { name: 'Decisions', exact: true }).waitFor();
      await page.locator('main .app-card, main p:has-text("No decision is recorded.")').first().waitFor(); // hers, or none
      await accessible(page, 'decision-0-list');
      await page.getByRole('link', { name: 'Record a decision' }).click();
      await page.getByRole('heading', { name: 'Record a decision' }).waitFor();
      await page.getByLabel('Emergency placement or accommodation').check();
      await now(page, 'When was it made?');
      await page.fill('#personDetails\\.name', 'Edith Crane');
      await page.fill('#personDetails\\.approximateAge', '84');
      await accessible(page, 'decision-1-new');
      await page.getByRole('button', { name: 'Start the record' }).click();
      await page.getByRole('heading', { name: 'Edith Crane: Emergency placement or accommodation' }).waitFor();

      await page.fill('#content\\.question', 'Where can Mrs Crane sleep safely tonight, her husband and carer having been admitted?');
      await page.getByRole('button', { name: 'Sign', exact: true }).click();
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor();
      await expect(summary.textContent()).resolves.toContain('Record the risk analysis.');
      await expect(page.locator('#content\\.riskAnalysis-error').textContent()).resolves.toContain('Record the risk analysis.');
      await expect(page.locator('#details\\.placement-error').textContent()).resolves.toContain('Record the placement or accommodation.');
      await accessible(page, 'decision-2-missing');
      const [draft] = await t.sql<{ status: string; question: string }>(
        `SELECT status, content->>'question' AS question FROM decisions WHERE person_details->>'name' = 'Edith Crane'`,
      );
      expect(draft.status).toBe('draft');
      expect(draft.question).toMatch(/^Where can Mrs Crane sleep/);
    });

    it('completes it, is told to escalate above the delegated limit, records the approval and signs', async () => {
      await page.getByLabel('Care Act (other)').check();
      await page.fill('#content\\.powerOrDuty', 'Care Act 2014 s.19(3): meeting urgent needs before an assessment.');
      await page.fill('#content\\.facts', 'Husband (her carer) admitted to hospital at 01:30; she cannot manage alone overnight.');
      await page.fill('#content\\.factSources', 'Ambulance crew\nHer daughter by phone');
      await page.fill('#details\\.placement', 'Oak House respite bed');
      await now(page, 'When the placement starts');
      await page.fill('#details\\.costPence', '1500');
      await page.fill('#details\\.fundingAuthority', 'Northshire County Council');
      await page.fill('#content\\.consultees\\[0\\]\\.name', 'Ruth Crane');
      await page.fill('#content\\.consultees\\[0\\]\\.role', 'Daughter');
      await now(page, 'When you spoke');
      await page.fill('#content\\.consultees\\[0\\]\\.view', 'Agrees to respite until her father is home.');
      await page.fill('#content\\.personViews', 'Wants to stay near home; agrees to a night at Oak House.');
      await page.fill('#content\\.capacity', 'No reason to doubt her capacity to decide where to stay.');
      await page.fill('#content\\.options\\[0\\]\\.option', 'Respite bed at Oak House');
      await page.check('#content\\.options\\[0\\]\\.chosen');
      await page.fill('#content\\.options\\[1\\]\\.option', 'A carer at home overnight');
      await page.check('#content\\.options\\[1\\]\\.leastRestrictive');
      await page.fill('#content\\.options\\[1\\]\\.whyRejected', 'No agency could staff it before morning.');
      await page.fill('#content\\.riskAnalysis', 'Alone she is at high risk of falls and missed medication overnight.');
      await page.fill('#content\\.decision', 'Emergency respite at Oak House for up to 7 days.');
      await page.fill('#content\\.rationale', 'The least restrictive option could not be staffed in time.');
      await page.fill('#content\\.actions\\[0\\]\\.description', 'Review the placement and the husband’s discharge');
      await page.fill('#content\\.actions\\[0\\]\\.ownerTeam', 'Older adults day team');
      await page.fill('#content\\.handoverNote', 'Placed at Oak House overnight; review today.');
      await page.fill('#content\\.decisionMakerAuthority', 'AMHP on the out-of-hours rota, with delegated authority');
      await page.fill('#costPence', '1500');
      await page.getByRole('button', { name: 'Sign', exact: true }).click();
      const escalation = page.locator('.nhsuk-error-summary', { hasText: 'above the delegated-authority limit' });
      await escalation.waitFor();
      await accessible(page, 'decision-3-escalate');
      expect(
        (await t.sql<{ status: string }>(`SELECT status FROM decisions WHERE person_details->>'name' = 'Edith Crane'`))[0].status,
      ).toBe('draft');

      await page.fill('#escalation\\.to', 'Dana Whitlock');
      await page.fill('#escalation\\.role', 'Head of adult social care (on call)');
      await now(page, 'When you asked');
      await page.getByLabel('Approved').check();
      await page.getByRole('button', { name: 'Sign', exact: true }).click();
      await page.locator('[role=status]', { hasText: 'Signed' }).waitFor();
      const [signed] = await t.sql<{ status: string; cost_pence: number; escalation: { to: string; outcome: string } }>(
        `SELECT status, cost_pence, escalation FROM decisions WHERE person_details->>'name' = 'Edith Crane'`,
      );
      expect(signed).toMatchObject({ status: 'signed', cost_pence: 150_000, escalation: { to: 'Dana Whitlock', outcome: 'approved' } });
      await expect(page.locator('main').textContent()).resolves.toContain('£1,500.00');
      await accessible(page, 'decision-4-signed');
    });

    it('starts one on a signal too poor to answer: told it is saved on the phone, and the service records it once', async () => {
      const wire = await holdOnTheWire(page, '**/decisions');
      const records = () => t.sql(`SELECT 1 FROM decisions WHERE person_details->>'name' = 'Alf Penrose'`);
      await newDecision('Emergency placement or accommodation', 'Alf Penrose');
      await page.getByRole('button', { name: 'Start the record' }).click();
      await wire.waitedOut();
      const saved = page.locator('[role=status]', { hasText: 'The decision record is saved on this phone, not sent yet' });
      await saved.waitFor({ timeout: 15_000 });
      await expect(page.getByRole('button', { name: 'Start the record' }).count()).resolves.toBe(0);
      await expect(page.locator('.nhsuk-error-summary').count()).resolves.toBe(0);
      await wire.release();
      await page.locator('.app-device__unsent').waitFor({ state: 'detached' });
      await expect(records()).resolves.toHaveLength(1);
      expect(wire.sent()).toBe(1);
      // Where it said it would be.
      await page.locator('main').getByRole('link', { name: 'Decisions' }).click();
      await page.getByRole('heading', { name: 'Decisions', exact: true }).waitFor();
      await page.locator('main .app-card', { hasText: 'Alf Penrose' }).waitFor();
    });

    it('records a s.42 concern’s Safeguarding Adults Collection codes from the service’s own lists', async () => {
      await newDecision('Adult safeguarding concern (Care Act s.42)', 'Jean Marsh');
      await page.getByRole('button', { name: 'Start the record' }).click();
      await page.getByRole('heading', { name: 'Safeguarding Adults Collection' }).waitFor();
      await page.getByLabel('Self-neglect').check();
      await page.selectOption('#content\\.sac\\.locationOfRisk', 'own-home');
      await page.getByRole('group', { name: 'Does the adult have needs for care and support?' }).getByLabel('Yes').check();
      await page.getByRole('button', { name: 'Save the draft' }).click();
      await page.locator('[role=status]', { hasText: 'Draft saved' }).waitFor();
      await accessible(page, 'decision-5-s42');
      const [row] = await t.sql<{ sac: unknown; s42: unknown }>(
        `SELECT content->'sac' AS sac, details->'s42' AS s42 FROM decisions WHERE person_details->>'name' = 'Jean Marsh'`,
      );
      expect(row).toEqual({ sac: { typeOfRisk: ['self-neglect'], locationOfRisk: 'own-home' }, s42: { careAndSupportNeeds: true } });
    });

    it('a link to a manager’s or a referrer’s screen says the screen is for them, not a dashboard of “None”', async () => {
      for (const [path, words] of [
        ['/hub', 'This screen is for managers'],
        ['/handover', 'This screen is for managers'],
        ['/referrals/new', 'This screen is for referrers'],
      ]) {
        await page.goto(`${t.url}/app/#${path}`);
        await page.getByRole('heading', { name: words, level: 1 }).waitFor();
        await expect(page.title()).resolves.toBe(`${words} – AMHP duty`);
        await expect(page.locator('main').textContent()).resolves.not.toMatch(/Offers nobody has answered|Send the referral/);
      }
      await accessible(page, 'not-for-this-role');
      await page.getByRole('link', { name: 'Go to Now' }).click();
      await page.getByRole('heading', { name: 'Now', exact: true }).waitFor();
    });

    it('sees her next shifts in UK time and offers one to her colleagues, whom another AMHP takes', async () => {
      await page.getByRole('link', { name: 'My shifts' }).click();
      await page.getByRole('heading', { name: 'My shifts' }).waitFor();
      const shifts = page.locator('.app-shift');
      await shifts.first().waitFor();
      await expect(shifts.first().textContent()).resolves.toMatch(/\d\d:\d\d (GMT|BST) to \d\d:\d\d (GMT|BST)/);
      await accessible(page, 'shifts-1-mine');
      // The last of her shifts in the next four weeks: far enough ahead for a colleague to take without breaking rest rules.
      const last = shifts.last();
      await last.getByRole('button', { name: /^Ask for a swap/ }).click();
      await last.getByLabel('A note for your colleagues (optional)').fill('Family wedding');
      await last.getByRole('button', { name: 'Offer this shift' }).click();
      await page.locator('[role=status]', { hasText: 'You offered' }).waitFor();
      await page.locator('.app-card', { hasText: 'Waiting for a colleague' }).waitFor();
      await accessible(page, 'shifts-2-offered');
      const [swap] = await t.sql<{ id: string; status: string; starts_at: Date }>(
        'SELECT w.id, w.status, s.starts_at FROM swap_requests w JOIN shifts s ON s.id = w.shift_id',
      );
      expect(swap.status).toBe('offered');

      // A colleague who may act as an AMHP then, and is free of shifts for 12 hours before it starts and after it ends
      // (the daily rest, WTR-10), takes it.
      const [swap2] = await t.sql<{ ends_at: Date }>(
        'SELECT s.ends_at FROM swap_requests w JOIN shifts s ON s.id = w.shift_id WHERE w.id = $1',
        [swap.id],
      );
      const free = await t.sql<{ id: string; email: string }>(
        `SELECT p.id, u.email FROM users u JOIN practitioners p ON p.user_id = u.id
          WHERE 'amhp' = ANY(u.roles) AND u.email <> $1 AND u.email LIKE '%@demo.amhp-hub.local'
            AND NOT EXISTS (SELECT 1 FROM shift_assignments a
                             WHERE a.practitioner_id = p.id AND a.starts_at < $3::timestamptz + interval '12 hours'
                               AND a.ends_at > $2::timestamptz - interval '12 hours')
          ORDER BY u.email`,
        [amhpEmail, swap.starts_at, swap2.ends_at],
      );
      const period = `from=${encodeURIComponent(new Date(swap.starts_at).toISOString())}&to=${encodeURIComponent(new Date(swap2.ends_at).toISOString())}`;
      let colleague: { email: string } | undefined;
      for (const p of free) {
        const answer = (await t.http.get(`/practitioners/${p.id}/eligibility?${period}`).set('authorization', manager).expect(200)).body;
        if (answer.eligible) {
          colleague = p;
          break;
        }
      }
      if (!colleague) throw new Error('the demo hub has no AMHP free to take the shift');
      const other = await signedIn(colleague.email, DEMO_PASSWORD, 'Now');
      await other.getByRole('link', { name: 'My shifts' }).click();
      const offered = other.locator('.app-swap', { hasText: 'Family wedding' });
      await offered.waitFor();
      await accessible(other, 'shifts-3-offered-to-me');
      await offered.getByRole('button', { name: /^Take it/ }).click();
      const answer = other.locator('main [role=status], main [role=alert]').first();
      await answer.waitFor();
      await expect(answer.textContent()).resolves.toContain('You took');
      expect((await t.sql<{ status: string }>('SELECT status FROM swap_requests WHERE id = $1', [swap.id]))[0].status).toBe('accepted');
      await accessible(other, 'shifts-4-taken');
    });
  });

  it('nothing any page did broke its content security policy', async () => {
    for (const c of contexts) for (const p of c.pages()) await p.close();
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
