/**
 * The README's pictures: signs in to a running service (`npm start`, demo data) as the demo's users, opens the app's
 * main screens at a phone's size and one report at a desk's, and keeps one screenshot of each in docs/screenshots/.
 *
 *   npx ts-node --transpile-only scripts/readme-screenshots.ts [base URL, default http://127.0.0.1:3000]
 *
 * As each user would: the AMHP on duty accepts an offer (if she has one) and opens the job; the manager opens the
 * hub; the police officer the referral form; the manager a report. Accepting changes the demo's data, as it would. Needs Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/seed/demo-seed';

const BASE = (process.argv[2] ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const OUT = join(__dirname, '..', 'docs', 'screenshots');
const PHONE = { width: 390, height: 844 };

async function token(email: string): Promise<string> {
  const res = await fetch(`${BASE}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function get<T>(path: string, bearer: string): Promise<T> {
  const res = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A phone with the app open and `email` signed in through the sign-in screen, as a person would. */
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${BASE}/app/`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

async function shoot(page: Page, name: string, heading?: string): Promise<void> {
  await (heading ? page.getByRole('heading', { level: 1, name: heading }) : page.locator('h1')).first().waitFor();
  await page.getByText('Loading…').first().waitFor({ state: 'detached', timeout: 15_000 });
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const manager = await token('manager@demo.amhp-hub.local');
  const admin = await token('admin@demo.amhp-hub.local');
  // The AMHP on duty now: the demo offers its open referrals to her; she accepts one on her phone, as at night.
  const onDuty = await get<{ onDuty: Array<{ amhps: Array<{ userId: string }> }> }>('/rota/on-duty', manager);
  const userId = onDuty.onDuty.flatMap((s) => s.amhps)[0]?.userId;
  if (!userId) throw new Error('nobody is on duty now in the demo rota');
  const amhp = await get<{ email: string }>(`/users/${userId}`, admin);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const duty = await signedIn(browser, amhp.email);
    await shoot(duty, 'app-now', 'Now');
    const accept = duty.getByRole('button', { name: /^Accept/ }).first();
    if (await accept.count()) {
      await accept.click();
      await duty.getByRole('status').first().waitFor();
    }
    if (!(await duty.locator('a[href^="#/jobs/"]').count())) {
      // No offer for her: the manager allocates the most urgent accepted referral to her, as the README says.
      const open = await get<{ items: Array<{ id: string; status: string }> }>('/referrals?limit=100', manager);
      const referral = open.items.find((r) => r.status === 'accepted');
      if (!referral) throw new Error('no accepted referral to allocate in the demo data');
      const res = await fetch(`${BASE}/referrals/${referral.id}/allocation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId }),
      });
      if (!res.ok) throw new Error(`allocating ${referral.id}: ${res.status} ${await res.text()}`);
      await duty.getByRole('button', { name: 'Refresh' }).click();
    }
    const jobLink = duty.locator('a[href^="#/jobs/"]').first();
    await jobLink.waitFor({ timeout: 15_000 });
    await jobLink.click();
    await duty.locator('.app-clocks, .app-steps').first().waitFor();
    await shoot(duty, 'app-job');

    const hub = await signedIn(browser, 'manager@demo.amhp-hub.local');
    await hub.goto(`${BASE}/app/#/hub`);
    await shoot(hub, 'app-hub', 'Hub');

    const police = await signedIn(browser, 'referrer@demo.amhp-hub.local');
    await police.goto(`${BASE}/app/#/referrals/new`);
    await shoot(police, 'app-referral', 'Send a referral');

    const desk = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      extraHTTPHeaders: { authorization: `Bearer ${manager}` },
    });
    const report = await desk.newPage();
    const fy = new Date().getUTCMonth() >= 3 ? new Date().getUTCFullYear() - 1 : new Date().getUTCFullYear() - 2;
    await report.goto(`${BASE}/reports/timeliness?period=FY${fy}`, { waitUntil: 'networkidle' });
    await report.screenshot({ path: join(OUT, 'report-timeliness.png') });
    console.log('docs/screenshots/report-timeliness.png');
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
