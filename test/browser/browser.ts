import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page, Request, Route } from 'playwright-core';
import type { TestApp } from '../support/test-app';

/** Debian's Chromium (CHROMIUM_PATH overrides). The browser tests fail, never skip, when it is missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** How long the app waits for the service's answer before saying a change is saved on the phone (app/js/outbox.js). */
const RECORD_WAIT_MS = Number(
  /export const RECORD_WAIT_MS = ([\d_]+);/
    .exec(readFileSync(join(__dirname, '..', '..', 'app', 'js', 'outbox.js'), 'utf8'))![1]
    .replace(/_/g, ''),
);
// What the page's own globals look like to the few helpers below that run in it (the tests compile without the DOM).
interface IdbRequest<T = unknown> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
declare const indexedDB: {
  open(
    name: string,
  ): IdbRequest<{ transaction(store: string): { objectStore(s: string): { getAll(): IdbRequest<unknown[]> } }; close(): void }>;
  databases(): Promise<Array<{ name: string }>>;
};

/** The app's waits on the service that a test may shorten (app/js/timings.js): each in ms, only ever shorter. */
export interface AppWaits {
  /** A request unanswered this long is given up as without a signal (session.js; 20 s). */
  requestTimeoutMs?: number;
  /** A change unanswered this long is said to be saved on the phone (outbox.js; RECORD_WAIT_MS). */
  recordWaitMs?: number;
  /** Opening on a stalled sign-in, the kept job pack is shown after this long (main.js; 5 s). */
  openWaitMs?: number;
}

/**
 * Shortens the app's waits on the service for every page `target` opens from now on (pages already open keep theirs
 * until they load again): a wait on the browser's own timer (AbortSignal.timeout) that the page's clock cannot skip
 * is not sat out in real time. The app reads them once, as its scripts load (app/js/timings.js).
 */
export async function shortenWaits(target: BrowserContext | Page, waits: AppWaits): Promise<void> {
  await target.addInitScript((w) => {
    (globalThis as { __amhpTestWaits?: unknown }).__amhpTestWaits = w;
  }, waits);
}

/** WCAG 2.2 AA, and every level below it. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: the browser tests need it. Install it with ` +
        '`apt-get install -y chromium fonts-liberation` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'], headless: true });
}

export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, hasTouch: true, isMobile: true, locale: 'en-GB' });
}

/** The page's console errors (a CSP violation shows as one), collected as they happen. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/**
 * What a page did, for an error to tell: its console, its failed requests and its answers of 400 and over, from now on
 * (the latest 60).
 */
export function pageLog(page: Page): string[] {
  const lines: string[] = [];
  const add = (line: string) => lines.push(line) > 60 && lines.shift();
  page.on('console', (msg) => add(`console ${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => add(`page error: ${err.message}`));
  page.on('requestfailed', (req) => add(`failed ${req.method()} ${req.url()}: ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => void (res.status() >= 400 && add(`${res.status()} ${res.request().method()} ${res.url()}`)));
  return lines;
}

/**
 * Waits until `locator` is visible; when it is not within `timeoutMs`, the error says what the page showed instead
 * (its address and visible text) and what `log` (pageLog) saw, so that a failure in CI, where there is no screen to
 * look at, explains itself.
 */
export async function shownWithin(page: Page, locator: ReturnType<Page['locator']>, timeoutMs: number, log: string[] = []): Promise<void> {
  try {
    await locator.waitFor({ timeout: timeoutMs });
  } catch (err) {
    const text = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch((e: Error) => `(no text: ${e.message})`);
    throw new Error(
      `${(err as Error).message.split('\n')[0]}\nThe page at ${page.url()} showed:\n${text.slice(0, 1_500)}\nIt logged:\n${log.join('\n') || '(nothing)'}`,
      { cause: err },
    );
  }
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's WCAG 2.2 AA findings for the page as it is (evaluated through DevTools, so the page's CSP holds). */
export async function axeViolations(page: Page): Promise<Array<Pick<AxeViolation, 'id' | 'help'> & { targets: string[] }>> {
  type Axe = { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
  type PageGlobals = { axe?: Axe; document: unknown };
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate((tags) => {
    const g = globalThis as unknown as PageGlobals;
    return g.axe!.run(g.document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations);
  }, WCAG_TAGS);
  return violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * The whole page as it stands, to look at: at one image pixel a CSS pixel (`scale: 'css'`), not the phone's two: the
 * layout is the same, and encoding a full page at twice the size took about a second a shot, most of a browser test's time.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, scale: 'css' });
}

/**
 * A signal too poor to answer: the page's `method` requests to `url` are held on the wire until `release()`, which
 * lets them go on to the service and resolves once each has its answer, holding none after. `sent()` counts them (a
 * change the phone keeps and sends once is one).
 */
export async function holdOnTheWire(
  page: Page,
  url: string,
  method = 'POST',
): Promise<{ sent(): number; waitedOut(): Promise<void>; release(): Promise<void> }> {
  let open!: () => void;
  const held = new Promise<void>((resolve) => (open = resolve));
  let first!: () => void;
  const arrived = new Promise<void>((resolve) => (first = resolve));
  const requests: Request[] = [];
  const handler = async (route: Route) => {
    if (route.request().method() !== method) return route.continue();
    requests.push(route.request());
    first();
    await held;
    await route.continue();
  };
  await page.route(url, handler);
  return {
    sent: () => requests.length,
    /**
     * Once the first request is held, the seconds the page waits for an answer pass at once: the page's clock
     * (installed with `page.clock.install()`) jumps over them, so the page says what it says when no answer came,
     * without the test waiting them out.
     */
    waitedOut: async () => {
      await arrived;
      await page.clock.fastForward(RECORD_WAIT_MS);
    },
    release: async () => {
      open();
      await Promise.all(requests.map((r) => r.response()));
      await page.unroute(url, handler);
    },
  };
}

/**
 * The records of one store of the app's database on the phone (`amhp-device`), as stored (nothing decrypted); [] when
 * the phone holds no such database (it is not made by looking).
 */
export function storedRecords<T = Record<string, unknown>>(page: Page, storeName: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'amhp-device')) return [];
    return new Promise<unknown[]>((resolve, reject) => {
      const req = indexedDB.open('amhp-device');
      req.onsuccess = () => {
        const db = req.result;
        const all = db.transaction(name).objectStore(name).getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result);
        };
        all.onerror = () => reject(new Error('read failed'));
      };
      req.onerror = () => reject(new Error('open failed'));
    });
  }, storeName) as Promise<T[]>;
}

/**
 * The phone's signal, as the app's listening server: `cut()` stops it answering (open connections closed), `restore()`
 * listens again on the same port (nothing when it already does: for afterAll, so the app can close).
 */
export function signalOf(server: Server): { cut(): Promise<void>; restore(): Promise<void> } {
  const { port } = server.address() as AddressInfo;
  return {
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    restore: () => (server.listening ? Promise.resolve() : new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))),
  };
}

/**
 * Her signal is back: the phone may send what it kept on its own as soon as it reaches the service again, or she taps
 * "Send now", which is gone from the screen once the phone has sent everything. Taps it only while it is there.
 */
export async function tapSendNow(page: Page, timeoutMs = 2_000): Promise<void> {
  const button = page.getByRole('button', { name: /^Send now/ });
  if (await button.count()) await button.click({ timeout: timeoutMs }).catch(() => undefined);
}

/** Waits until `ok()` holds, asking every 100 ms; throws when it has not after `timeoutMs` (10 s). */
export async function until(ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await ok())) throw new Error('timed out waiting');
}

/**
 * The service's HTTP server with a gate in front of it: while `hold()`ing, each request that comes in waits (unread)
 * until `open()`; `idle()` resolves once every request let through has been answered (or its connection closed).
 * Test harness only, like the rule-id watch (test/support/rule-ids.ts): the app itself is untouched.
 */
interface ServiceGate {
  hold(): void;
  open(): void;
  idle(timeoutMs: number): Promise<void>;
}
const gates = new WeakMap<Server, ServiceGate>();

function gateOf(server: Server): ServiceGate {
  const known = gates.get(server);
  if (known) return known;
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const handlers = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  let held: Array<() => void> | null = null;
  /** The requests let through and not yet answered, by "<n> <method> <url>". */
  const answering = new Map<string, { res: ServerResponse; since: number }>();
  let seq = 0;
  // Answered, or its connection gone (the phone gave up, or the signal was cut): nothing more will reach the phone.
  // The live event stream (GET /events) is never answered in full: once it has started, it is not waited for.
  const live = new WeakSet<ServerResponse>();
  const over = (res: ServerResponse) =>
    res.writableFinished || res.destroyed || Boolean(res.socket?.destroyed) || (live.has(res) && res.headersSent);
  const pass = (req: IncomingMessage, res: ServerResponse) => {
    const id = `${++seq} ${req.method} ${req.url}`;
    if (req.method === 'GET' && /^\/events(\?|$)/.test(req.url ?? '')) live.add(res);
    answering.set(id, { res, since: Date.now() });
    res.once('close', () => answering.delete(id));
    for (const handler of handlers) handler.call(server, req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => (held ? held.push(() => pass(req, res)) : pass(req, res)));
  const gate: ServiceGate = {
    hold: () => {
      held ??= [];
    },
    open: () => {
      const waiting = held ?? [];
      held = null;
      for (const go of waiting) go();
    },
    idle: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const [id, { res }] of answering) if (over(res)) answering.delete(id);
        if (!answering.size) return;
        if (Date.now() > deadline) {
          const now = Date.now();
          const open = [...answering].map(
            ([id, { res, since }]) => `${id} (${now - since} ms, headers ${res.headersSent ? '' : 'not '}sent)`,
          );
          throw new Error(`the service still answers ${open.join(', ')} after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  gates.set(server, gate);
  return gate;
}

/** The page's idea of the service's clock minus the service's clock (ms), as the app reckons it (session.js serverNow). */
function phoneSkewError(t: TestApp, page: Page): Promise<number> {
  return page
    .evaluate<number>(
      `import(document.querySelector('script[type=module]').src.replace(/main\\.js$/, 'session.js')).then((m) => m.serverNow())`,
    )
    .then((phoneSays) => phoneSays - t.clock.now().getTime());
}

/**
 * Moves the service's clock (the test's ManualClock) and the phone's (`page.clock`, installed) on by `ms` together.
 *
 * The app learns the service's time from answers (session.js learnServerTime: "now" on the service when the answer
 * left it, less the phone's clock when it is read). An answer made on one side of the jump and read by the phone on
 * the other would teach it a difference off by the whole jump, and its next tap would record a time `ms` from now: on a
 * busy machine a read the last tap started is often still on its way. So for the jump the service takes no new request
 * (each waits until both clocks have moved: the phone's timers that fire on the jump ask the service its new time),
 * the service first answers every request it already took, and the phone reads those answers on its old clock.
 * Then the phone's idea of the service's time must be where it was before, moved on by `ms` with both.
 *
 * It resolves once the service has answered what the jump set off (the phone's timers that fell due: the access
 * token's refresh, the job pack's read) and the phone has read it. The next tap is then answered alone: it is not
 * queued behind them, on a token that lapsed with the jump, past the seconds the app waits before it says a change
 * is saved on the phone (RECORD_WAIT_MS, which the phone's clock counts in real time).
 */
export async function clocksTogether(t: TestApp, page: Page, ms: number): Promise<void> {
  const gate = gateOf(t.app.getHttpServer());
  // The answers sent are read by the page: a moment, then a round trip through its event loop.
  const read = () => new Promise((resolve) => setTimeout(resolve, 50)).then(() => phoneSkewError(t, page));
  gate.hold();
  try {
    await gate.idle(30_000);
    const before = await read();
    t.clock.advance(ms);
    await page.clock.fastForward(ms);
    const after = await phoneSkewError(t, page);
    // The phone's clock ran on in real time meanwhile (a second or so), the service's did not.
    if (Math.abs(after - before) > 60_000)
      throw new Error(`moved on ${ms} ms, the phone's idea of the service's time moved ${ms + after - before} ms`);
  } finally {
    gate.open();
  }
  await gate.idle(30_000);
  await read();
}
