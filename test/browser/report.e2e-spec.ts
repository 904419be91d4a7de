import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoBearer, SMALL_BOROUGH_HISTORY } from '../support/demo-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { axeViolations, consoleErrors, launchBrowser, screenshot } from './browser';

// The page's globals, as the functions passed to page.evaluate() see them (this file is compiled without the DOM lib).
declare const document: { querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { width: number; height: number } }> };

/** A desktop screen, as a manager reads a report before printing it for the council's director. */
const DESKTOP = { width: 1366, height: 900 };

/**
 * The printable report pages in a real Chromium, at desktop width, on the demo hub with two years of a small borough's
 * history (the drill-down file's, seeded once a run for both), whose population it loads for the rates.
 */
describe('a manager reads a report in her browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', listen: true, demo: { history: SMALL_BOROUGH_HISTORY } });
    const manager = await demoBearer(t, 'manager@demo.amhp-hub.local');
    context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'en-GB',
      extraHTTPHeaders: { authorization: manager },
    });
    page = await context.newPage();
    errors = consoleErrors(page);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Each chart's drawn size on the page. */
  const chartSizes = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('figure svg')).map((svg) => {
        const r = svg.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
    );

  it.each([
    ['timeliness', 'FY2025', 'Timeliness of each step', 2],
    ['equity', 'FY2025', 'Equity: assessments and detentions by ethnicity, age and sex', 7],
    ['activity', 'FY2025', 'Activity and outcomes', 1],
  ])(
    'the %s report for %s draws its charts, passes WCAG 2.2 AA and loads nothing its policy forbids',
    async (name, period, title, charts) => {
      const res = await page.goto(`${t.url}/reports/${name}?period=${period}&format=html`);
      expect(res?.status()).toBe(200);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      const sizes = await chartSizes();
      expect(sizes).toHaveLength(charts);
      for (const s of sizes) {
        expect(s.width).toBeGreaterThan(300);
        expect(s.height).toBeGreaterThan(40);
      }
      // Every chart has its visible title, and the figures' links lead to their records.
      await expect(page.locator('figure figcaption').count()).resolves.toBe(charts);
      expect(await page.locator('td a[href^="/reports/"]').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await screenshot(page, `report-${name}-desktop`);
      // Printed (A4): the same charts, no link colours, nothing lost.
      await page.emulateMedia({ media: 'print' });
      expect(await chartSizes()).toHaveLength(charts);
      await screenshot(page, `report-${name}-print`);
      await page.emulateMedia({ media: 'screen' });
    },
    180_000,
  );
});
