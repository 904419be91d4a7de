import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, DemoSeed } from '../../src/seed/demo-seed';
import { amhpOnDuty, demoBearer, demoReferral } from '../support/demo-fixtures';
import { accepted, s136Referral, sent } from '../support/referral-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { axeViolations, clocksTogether, consoleErrors, holdOnTheWire, launchBrowser, phoneContext, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
interface PageElement {
  id: string;
  getAttribute(name: string): string | null;
}
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(s: string): { validity: { badInput: boolean } } | null;
};

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
    const manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
    amhp = await amhpOnDuty(t, manager);
    // Tom Brackley's GP referral is offered to her.
    referralId = await demoReferral(t, manager, 'Brackley');
    await accepted(t, manager, referralId, [amhp.id]);

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
  const advance = (ms: number) => clocksTogether(t, page, ms);
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
    await step('arrived').focus();
    await page.keyboard.press('Enter');
    await status().filter({ hasText: 'Arrived: recorded at Sat 21 Nov, 03:00 GMT' }).waitFor();
    // Arrival is recorded once, so its button is disabled now: the focus goes to what was recorded, not to the page.
    await page.waitForFunction(() => document.activeElement?.id === 'record-notice');
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

  it('a time typed in part (hours, no minutes) is an error naming the field, never recorded as now', async () => {
    const before = (await events('doctor-arrived')).length;
    await page.locator('.app-when summary').click();
    await page.locator('#event-time').focus();
    await page.keyboard.type('03'); // the hours only: the field's value is empty, its input unreadable
    await expect(page.locator('#event-time').inputValue()).resolves.toBe('');
    await step('doctor-arrived').click();
    await expect(page.locator('#event-time-error').textContent()).resolves.toContain('Enter a time like 02:30');
    await expect(page.locator('#event-time').getAttribute('aria-describedby')).resolves.toContain('event-time-error');
    await checked('4a-half-typed-time');
    expect(await events('doctor-arrived')).toHaveLength(before);
    // "Use now" clears what was typed: the next tap records now.
    await page.getByRole('button', { name: 'Use now' }).click();
    await expect(page.locator('#event-time-error').count()).resolves.toBe(0);
    await expect(page.locator('#when-summary').textContent()).resolves.toContain('Each tap records the time now');
    await expect(page.evaluate(() => document.querySelector('#event-time')!.validity.badInput)).resolves.toBe(false);
  });

  it('a time tapped late is corrected in place: only the time is given again', async () => {
    await page.locator('[data-step="doctors-requested"] ~ ul [data-correct]').click();
    await expect(page.locator('#correct-time').inputValue()).resolves.toMatch(/^2026-11-21T03:05$/);
    await page.fill('#correct-time', '2026-11-21T03:02');
    await checked('4b-correct-time');
    await page.getByRole('button', { name: 'Save the time' }).click();
    await page.locator('#step-doctors-requested-times', { hasText: 'Recorded 03:02 GMT' }).waitFor();
    await status().filter({ hasText: 'Doctors requested: time corrected to Sat 21 Nov, 03:02 GMT.' }).waitFor();
    const [e] = await t.sql<{ at: Date; data: { corrections: Array<{ from: string; by: string }> } }>(
      `SELECT e.at, e.data FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id
       WHERE a.referral_id = $1 AND e.type = 'doctors-requested'`,
      [referralId],
    );
    expect(e.at.toISOString()).toBe('2026-11-21T03:02:00.000Z');
    expect(e.data.corrections).toEqual([expect.objectContaining({ from: expect.stringMatching(/^2026-11-21T03:05/), by: amhp.id })]);
    // The focus goes back to the step, for the next tap.
    await page.waitForFunction(() => document.activeElement?.id === 'step-doctors-requested');
  });

  it('a time corrected on a signal too poor to answer is saved on the phone, said as a status, and corrected once', async () => {
    const wire = await holdOnTheWire(page, '**/assessments/*/events/*', 'PATCH');
    await page.locator('[data-step="doctors-requested"] ~ ul [data-correct]').click();
    await page.fill('#correct-time', '2026-11-21T03:01');
    await page.getByRole('button', { name: 'Save the time' }).click();
    await wire.waitedOut();
    await status()
      .filter({
        hasText:
          'Doctors requested, the time corrected to Sat 21 Nov, 03:01 GMT: saved on this phone, not sent yet. It will be sent when there is a signal.',
      })
      .waitFor({ timeout: 15_000 });
    await expect(page.locator('#correct-time').count()).resolves.toBe(0); // the form is closed, not left to send again
    await wire.release();
    expect(wire.sent()).toBe(1);
    const [e] = await t.sql<{ at: Date; data: { corrections: unknown[] } }>(
      `SELECT e.at, e.data FROM assessment_events e JOIN assessments a ON a.id = e.assessment_id
       WHERE a.referral_id = $1 AND e.type = 'doctors-requested'`,
      [referralId],
    );
    expect(e.at.toISOString()).toBe('2026-11-21T03:01:00.000Z');
    expect(e.data.corrections).toHaveLength(2);
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
    // The focus stays where she was, for the next step: on the button, which says it is busy while it sends rather
    // than being disabled (which drops the keyboard's and the screen reader's place to the top of the page).
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-step') ?? null)).toBe('contact');
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

  it('the checklist says what still blocks an application, and each link takes her to where it is recorded', async () => {
    const toRecord = page.locator('[data-checks="to-record"]');
    await toRecord.waitFor();
    const rules = await toRecord
      .locator('[data-rule]')
      .evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('data-rule')));
    // Seen in person, so APP-04 is met; the recommendations, the interview and who is assessing are still to record.
    expect(rules.sort()).toEqual(['APP-06', 'APP-07', 'COI-09']);
    await expect(page.locator('[data-checks="with-application"]').textContent()).resolves.toContain('hospital site');
    await checked('6-checklist');
    await toRecord.locator('[data-rule="APP-07"] a').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('recommendations');
    expect(new URL(page.url()).hash).toBe(`#/jobs/${referralId}`);
  });

  it('she records both medical recommendations: one doctor chosen from the register, one typed on a signal too poor to answer', async () => {
    await page.selectOption('#rec-doctor', { label: 'Dr Priya Raman (Northshire Mental Health NHS Trust)' });
    await page.check('#rec-acquainted-no');
    await page.fill('#rec-reason', 'His GP was not available out of hours.');
    await page.getByRole('button', { name: 'Record the recommendation' }).click();
    await page.locator('.app-rec', { hasText: 'Dr Priya Raman' }).waitFor();
    await expect(page.locator('.app-rec', { hasText: 'Dr Priya Raman' }).textContent()).resolves.toContain(
      'Examined in person Sat 21 Nov, 04:30 GMT',
    );
    // The second one is held on the wire: after the few seconds the form waits, it says the recommendation is saved on
    // the phone (a status, not an error) and clears, so it is not sent twice; once the signal is back it is recorded once.
    const wire = await holdOnTheWire(page, '**/assessments/*/recommendations');
    await page.check('#rec-source-typed');
    await page.fill('#rec-name', 'Dr Owen Pryce');
    await page.check('#rec-s12');
    await page.check('#rec-acquainted');
    await page.getByRole('button', { name: 'Record the recommendation' }).click();
    await wire.waitedOut();
    await status()
      .filter({ hasText: 'Medical recommendation by Dr Owen Pryce: saved on this phone, not sent yet.' })
      .waitFor({ timeout: 15_000 });
    await expect(page.locator('#recommendations .nhsuk-error-summary').count()).resolves.toBe(0);
    // The form is cleared: back to choosing a doctor from the register, nothing typed.
    await expect(page.locator('#rec-name').count()).resolves.toBe(0);
    await expect(page.inputValue('#rec-doctor')).resolves.toBe('');
    await wire.release();
    await page.locator('.app-rec', { hasText: 'Dr Owen Pryce' }).waitFor();
    expect(wire.sent()).toBe(1);
    const recs = await t.sql<{ doctor_id: string | null; doctor_name: string; section: string }>(
      `SELECT r.doctor_id, r.doctor_name, r.section FROM medical_recommendations r JOIN assessments a ON a.id = r.assessment_id
       WHERE a.referral_id = $1 ORDER BY r.doctor_name`,
      [referralId],
    );
    expect(recs.map((r) => [r.doctor_name, r.doctor_id !== null, r.section])).toEqual([
      ['Dr Owen Pryce', false, 's2'],
      ['Dr Priya Raman', true, 's2'],
    ]);
    await checked('7-recommendations');
  });

  it('she records the interview and who is assessing, and the checklist clears', async () => {
    await page.fill('#iv-manner', 'Seen at home in the kitchen; quiet, no interpreter needed.');
    await page.fill('#iv-alternatives', 'Home treatment team: refused\nInformal admission: refused');
    await page.getByRole('button', { name: 'Save the interview' }).click();
    await status().filter({ hasText: 'Interview: recorded.' }).waitFor();
    await page.fill('#coi-team-amhp', 'AMHP hub');
    await page.getByRole('button', { name: 'Save who is assessing' }).click();
    await status().filter({ hasText: 'Who is assessing, and their declarations: recorded.' }).waitFor();
    await page.locator('[data-checks="clear"]').waitFor();
    await checked('8-checklist-clear');
  });

  it('she records a s.2 application, acknowledging the warnings the service returns, then sends it again', async () => {
    await page.fill('#out-hospital', 'Northshire General Hospital');
    await page.fill('#out-dependants', 'None');
    await page.fill('#out-pets', 'Dog taken by his neighbour');
    await page.fill('#out-property', 'House locked; keys with the neighbour');
    await page.fill('#out-rationale', 'Assessment in hospital is needed: he refuses every alternative and the risk to others is rising.');
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    const warning = page.locator('[data-warning]').first();
    await warning.waitFor();
    // Each warning is shown in the service's words (no nearest relative is recorded).
    await expect(page.locator('#warnings').textContent()).resolves.toContain('The nearest relative has not been identified');
    expect(await t.sql(`SELECT 1 FROM assessments WHERE referral_id = $1 AND status = 'decided'`, [referralId])).toEqual([]);
    await checked('9-warnings');
    for (const code of await page
      .locator('[data-warning]')
      .evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('data-warning')!))) {
      await page.check(`#ack-${code}`);
      await page.fill(`#ack-reason-${code}`, 'No relative is known tonight; the day team will trace one.');
    }
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await page.locator('[data-outcome="application"]').waitFor();
    const [a] = await t.sql<{ section: string; outcome: { acknowledgements: Array<{ code: string }> } }>(
      `SELECT section, outcome FROM assessments WHERE referral_id = $1`,
      [referralId],
    );
    expect(a.section).toBe('s2');
    expect(a.outcome.acknowledgements.map((k) => k.code)).toContain('nearest-relative-not-identified');
    await checked('10-outcome');
  });

  it('she records that no nearest relative can be identified, with why', async () => {
    await expect(page.locator('#nr-who').isChecked()).resolves.toBe(true); // none is proposed: "none" is the only choice
    await page.fill('#nr-none-reason', 'He says he has no family; none is known to the GP or the trust.');
    await page.getByRole('button', { name: 'Save the nearest relative' }).click();
    await page.locator('[data-nr-recorded]', { hasText: 'None: He says he has no family' }).waitFor();
    const [a] = await t.sql<{ nearest_relative: { noneReason: string } }>(
      'SELECT nearest_relative FROM assessments WHERE referral_id = $1',
      [referralId],
    );
    expect(a.nearest_relative.noneReason).toBe('He says he has no family; none is known to the GP or the trust.');
    await checked('10b-nearest-relative');
  });

  it('she reads the outcome report, and shares it as a PDF fetched with her token and kept in no cache', async () => {
    await page.getByRole('button', { name: 'Read the report' }).click();
    await page.locator('.app-report').waitFor();
    await expect(page.locator('.app-report').textContent()).resolves.toContain('Northshire General Hospital');
    await checked('11-report');

    // No share sheet for files on this browser: the PDF is saved.
    const [download, response] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForResponse((r) => r.url().includes('/report?format=pdf')),
      page.getByRole('button', { name: 'Share the report (PDF)' }).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(response.headers()['cache-control']).toBe('no-store');
    expect(response.request().headers()['authorization']).toMatch(/^Bearer /);
    expect(download.suggestedFilename()).toMatch(/^amhp-outcome-report-REF-.+\.pdf$/);
    const saved = await download.path();
    expect(readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
    await page.locator('[role=status]', { hasText: 'The report was saved as' }).waitFor();

    // A phone that can share files gets the share sheet with the PDF.
    await page.evaluate(() => {
      const g = globalThis as unknown as { navigator: Record<string, unknown>; shared?: string };
      g.navigator.canShare = (data: { files?: Array<{ type: string }> }) => Boolean(data.files && data.files[0].type === 'application/pdf');
      g.navigator.share = (data: { files: Array<{ name: string; type: string; size: number }> }) => {
        g.shared = `${data.files[0].type} ${data.files[0].size > 1000}`;
        return Promise.resolve();
      };
    });
    await page.getByRole('button', { name: 'Share the report (PDF)' }).click();
    await page.locator('[role=status]', { hasText: 'The report was shared.' }).waitFor();
    await expect(page.evaluate(() => (globalThis as unknown as { shared?: string }).shared)).resolves.toBe('application/pdf true');
    // Nothing of the record is in any cache on the phone.
    const cached = await page.evaluate(async () => {
      const c = (
        globalThis as unknown as {
          caches: { keys(): Promise<string[]>; open(k: string): Promise<{ keys(): Promise<Array<{ url: string }>> }> };
        }
      ).caches;
      const urls: string[] = [];
      for (const key of await c.keys()) for (const req of await (await c.open(key)).keys()) urls.push(req.url);
      return urls;
    });
    // Only the app shell and the person-free reads the service worker keeps (on duty, the rota, doctors, her account).
    const api = cached.map((u) => new URL(u).pathname).filter((p) => !p.startsWith('/app/'));
    expect(api.every((p) => /^\/(auth\/me|rota\/[a-z-]+|doctors(\/[0-9a-f-]+)?)$/.test(p))).toBe(true);
    await checked('12-shared');
  });

  it('on a 320 px phone, a job with long unbroken words (a pasted link, a long name) reflows: Now and the job fit the screen', async () => {
    const family = 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch';
    const manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
    const long = await sent(
      t,
      manager,
      s136Referral(family, new Date(t.clock.now().getTime() - 10 * 60_000).toISOString(), {
        person: { givenName: 'Gwenllian-Angharad-Gwenllian-Angharad-Gwenllian-Angharad-Gwenllian', familyName: family },
        location: `https://maps.example.org/place/${'Northshire-General-Hospital-Place-of-Safety-'.repeat(4)}`,
        reason: `Referral form at https://forms.example.org/s136/${'a1b2c3d4e5'.repeat(20)}`,
      }),
    );
    await accepted(t, manager, long.id);
    await t.http.post(`/referrals/${long.id}/allocation`).set('authorization', manager).send({ userId: amhp.id }).expect(200);
    await page.setViewportSize({ width: 320, height: 720 });
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    try {
      await page.goto(`${t.url}/app/#/`);
      await page.getByRole('link', { name: new RegExp(family) }).waitFor();
      await screenshot(page, 'job-reflow-320-now');
      expect(await width()).toBeLessThanOrEqual(320);
      await page.goto(`${t.url}/app/#/jobs/${long.id}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(family) }).waitFor();
      await expect(page.locator('#risks').textContent()).resolves.toContain('https://forms.example.org/s136/');
      await screenshot(page, 'job-reflow-320-job');
      expect(await width()).toBeLessThanOrEqual(320);
      // The steps stay big enough to tap.
      expect((await step('arrived').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    } finally {
      await page.setViewportSize({ width: 390, height: 844 });
    }
  });

  it('nothing the page did broke its content security policy', () => {
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
