import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, posix, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundProblem } from '../common/problem';
import { sendProblem } from '../common/problem.filter';
import { NOTIFICATION_WORDS } from '../pages/pages.service';
import { CTO_STATEMENT_DECISION_LABELS, CTO_STATEMENT_DECISIONS } from '../statute/cto-extension.rules';
import { POLICE_RECORD_FIELD, S136_CONSULTEE_LABELS, S136_CONSULTEE_PROFESSIONS } from '../statute/police-powers.rules';
import { cssForAppCached } from './css-subset';

/**
 * The duty AMHP's app, served by the service itself at /app/ (same origin as the API, so no CORS and the refresh
 * cookie stays SameSite=Strict). Plain ES modules, no bundler:
 * - /app/, /app/sw.js, /app/manifest.webmanifest: small templates, `Cache-Control: no-cache` (revalidated by ETag);
 * - /app/v/<version>/...: the app's own files under a content hash of the whole shell, cached for a year;
 * - /app/vendor/<package>@<version>/...: an allow-list of files from node_modules (preact, htm, NHS.UK frontend's
 *   compiled CSS and the few images it refers to), cached for a year. A file made for this app (the CSS, cut by
 *   PurgeCSS to the rules the app's files can use: css-subset.ts) has its content's hash in its name, as it changes
 *   with the app.
 * Everything is read into memory (and the CSS cut, or the cut kept from an earlier start taken) at start-up, before the routes are registered. The pages' CSP allows scripts and styles from this origin only; the files
 * that are never a document (modules, style sheets) keep the API's shorter policy (isDocumentLike).
 * Text files go compressed (brotli at its best quality, else gzip) to a browser that accepts it: each file is
 * compressed once, on its first request, and kept (NHS.UK frontend's CSS is 278 KB as it is, about 24 KB in brotli;
 * cut to what the app uses, about 66 KB and 8 KB).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * P9's byte budget: what a phone fetches on its first load before the sign-in screen is usable (the page, its styles,
 * its icon and every module it preloads), on the wire (headers and the compressed bodies). About 60 KB when set
 * (2026-12-07), against 99 KB before the signed-in app and the unused CSS were taken out of it; at 400 kbit/s every
 * 10 KB is 0.2 s. bench/app-budget.bench.js fails its run over it, and test/app-shell.e2e-spec.ts holds the page to it.
 */
export const FIRST_LOAD_BUDGET_BYTES = 72_000;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  cacheControl: string;
  etag: string;
  /** Compressed copies, made on first request: encoding → its bytes and ETag. */
  encoded?: Map<Encoding, Promise<{ body: Buffer; etag: string } | null>>;
}

type Encoding = 'br' | 'gzip';
const COMPRESSIBLE = /^(text\/|application\/manifest\+json|image\/svg\+xml)/;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** The best encoding the request accepts (brotli, then gzip), or null: Accept-Encoding tokens with q > 0. */
export function acceptedEncoding(header: string | undefined): Encoding | null {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    if (name && (!q || Number(q[1]) > 0)) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return null;
}

/** The asset in `encoding`, compressed once and kept; null when compressing does not make it smaller. */
function encodedCopy(a: Asset, encoding: Encoding): Promise<{ body: Buffer; etag: string } | null> {
  a.encoded ??= new Map();
  let copy = a.encoded.get(encoding);
  if (!copy) {
    const made =
      encoding === 'br'
        ? brotli(a.body, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: a.body.length },
          })
        : gzipped(a.body, { level: 9 });
    copy = made.then((body) => (body.length < a.body.length ? { body, etag: `${a.etag.slice(0, -1)}-${encoding}"` } : null));
    a.encoded.set(encoding, copy);
  }
  return copy;
}

interface VendorFile {
  pkg: string;
  /** Path inside the package. */
  file: string;
  /** Served as /app/vendor/<pkg>@<version>/<as>. */
  as: string;
  /**
   * Rewrites the file for the browser (bare imports, URLs pointing elsewhere); `app` is the text of the app's own files,
   * `cacheDir` a folder where what took long to make may be kept (css-subset.ts).
   */
  transform?: (text: string, base: string, app: string[], cacheDir: string) => string | Promise<string>;
  /** Served with its content's hash in its name (as `<name>.<hash>.<ext>`): what it is depends on the app's files. */
  hashed?: boolean;
}

const NHSUK_IMAGES = ['nhsuk-icon-arrow-down.svg', 'nhsuk-icon-arrow-up-down.svg', 'nhsuk-icon-arrow-up.svg', 'nhsuk-icon-cross.svg'];

/**
 * The allow-list: nothing else in node_modules is reachable. NHS.UK frontend's CSS loads its Frutiger font from a
 * third-party host, which the CSP refuses, so its @font-face rules are dropped (the font stack falls back to Arial);
 * its image URLs are rewritten to the copies served here; and it keeps only the rules whose selectors can match what
 * the app renders (the first load on a poor signal fetched all 24 KB of it before the sign-in screen could be used).
 */
const VENDOR: VendorFile[] = [
  { pkg: 'preact', file: 'dist/preact.mjs', as: 'preact.mjs' },
  {
    pkg: 'preact',
    file: 'hooks/dist/hooks.mjs',
    as: 'hooks.mjs',
    transform: (text) => text.replace(/from\s*["']preact["']/g, 'from"./preact.mjs"'),
  },
  { pkg: 'htm', file: 'dist/htm.mjs', as: 'htm.mjs' },
  {
    pkg: 'nhsuk-frontend',
    file: 'dist/nhsuk/nhsuk-frontend.min.css',
    as: 'nhsuk-frontend.min.css',
    transform: (text, base, app, cacheDir) =>
      cssForAppCached(
        text.replace(/@font-face\{[^}]*\}/g, '').replace(/url\(\/assets\/images\/([a-z0-9-]+\.svg)\)/g, `url(${base}/images/$1)`),
        app,
        cacheDir,
      ),
    hashed: true,
  },
  ...NHSUK_IMAGES.map((name) => ({ pkg: 'nhsuk-frontend', file: `dist/nhsuk/assets/images/${name}`, as: `images/${name}` })),
];

/** The repository root: the folder holding package.json, from src/client (ts-node, jest) or dist/src/client (npm start). */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('amhp-hub: cannot find the package root to serve the app from');
    dir = up;
  }
  return dir;
}

/**
 * The app's own modules that `entry` imports statically, directly or through other modules (not itself): the
 * relative specifiers of `import ... from './x.js'`, `import './x.js'` and `export ... from './x.js'`; `import()`
 * (a screen fetched on first use) is not followed.
 */
export function staticImportsOf(entry: string, own: Map<string, Buffer>): string[] {
  const found = new Set<string>();
  const visit = (rel: string) => {
    const text = own.get(rel)?.toString('utf8') ?? '';
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"();]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const target = posix.normalize(posix.join(dir, m[1]));
      if (target !== entry && !found.has(target) && own.has(target)) {
        found.add(target);
        visit(target);
      }
    }
  };
  visit(entry);
  return [...found].sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function asset(body: Buffer | string, path: string, cacheControl: string): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  const type = TYPES[extname(path)];
  if (!type) throw new Error(`amhp-hub: no content type for ${path}`);
  return { body: buf, type, cacheControl, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 27)}"` };
}

export interface AppShell {
  version: string;
  /** URL path → asset. */
  assets: Map<string, Asset>;
}

/** Reads the app (the repository's app/ folder) and the allowed vendor files, and fills in the templates. */
export async function loadAppShell(root = packageRoot()): Promise<AppShell> {
  const appDir = join(root, 'app');
  const nodeModules = join(root, 'node_modules');
  const assets = new Map<string, Asset>();
  const hash = createHash('sha256');

  const templates = new Map<string, string>();
  const own = new Map<string, Buffer>();
  for (const file of walk(appDir).sort()) {
    const rel = relative(appDir, file).split(sep).join('/');
    if (rel.startsWith('templates/')) templates.set(rel.slice('templates/'.length), readFileSync(file, 'utf8'));
    else own.set(rel, readFileSync(file));
  }
  // What the app renders is written in its scripts and its page (a vendor file cut to what the app uses reads them).
  const appTexts = [...own].filter(([rel]) => rel.endsWith('.js')).map(([, body]) => body.toString('utf8'));
  appTexts.push(...templates.values());
  const vendorUrl: Record<string, string> = {};
  for (const v of VENDOR) {
    const pkgDir = join(nodeModules, v.pkg);
    const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    const base = `/app/vendor/${v.pkg}@${version}`;
    const raw = readFileSync(join(pkgDir, v.file));
    const body = v.transform ? await v.transform(raw.toString('utf8'), base, appTexts, join(nodeModules, '.cache', 'amhp-hub')) : raw;
    const a = asset(body, v.as, IMMUTABLE);
    const name = v.hashed ? v.as.replace(/^([^.]+)/, `$1.${a.etag.slice(1, 11)}`) : v.as;
    assets.set(`${base}/${name}`, a);
    vendorUrl[`${v.pkg}/${v.as}`] = `${base}/${name}`;
  }

  // The app imports its dependencies through one generated module, so its own files need no vendor versions.
  own.set(
    'js/deps.js',
    Buffer.from(
      `export * from '${vendorUrl['preact/preact.mjs']}';\n` +
        `export * from '${vendorUrl['preact/hooks.mjs']}';\n` +
        `export { default as htm } from '${vendorUrl['htm/htm.mjs']}';\n`,
    ),
  );
  // The lists of the law the app's forms offer, from the service's own (one list each, so a form never offers what the
  // service refuses): POL-06, whom a constable may consult before s.136, a list held as data (s.136(1C)(d)); CTO-04,
  // what the AMHP's statement on extending a CTO can say (s.20A(8)); which record of the police's answer each police
  // power keeps (POL-06, POL-02), which the referrer gives after intake.
  own.set(
    'js/law.js',
    Buffer.from(
      `export const S136_CONSULTEES = ${JSON.stringify(S136_CONSULTEE_PROFESSIONS.map((value) => ({ value, label: S136_CONSULTEE_LABELS[value] })))};\n` +
        `export const POLICE_RECORD_FIELD = ${JSON.stringify(POLICE_RECORD_FIELD)};\n` +
        `export const CTO_STATEMENT_DECISIONS = ${JSON.stringify(CTO_STATEMENT_DECISIONS.map((value) => ({ value, label: CTO_STATEMENT_DECISION_LABELS[value] })))};\n`,
    ),
  );
  for (const [rel, body] of own) hash.update(rel).update(body);
  for (const [url, a] of assets) hash.update(url).update(a.body);
  for (const [rel, text] of templates) hash.update(rel).update(text);
  const version = hash.digest('hex').slice(0, 12);
  const v = `/app/v/${version}`;
  for (const [rel, body] of own) assets.set(`${v}/${rel}`, asset(body, rel, IMMUTABLE));

  // The shell the service worker keeps: every page asset (the vendor images come with the CSS that needs them).
  const shell = ['/app/', '/app/manifest.webmanifest', ...[...own.keys()].map((rel) => `${v}/${rel}`), ...Object.values(vendorUrl)];
  // Every module the page imports statically, asked for at once with the page (not one import level per round trip,
  // which on a 400 ms link was most of the first load's time). Screens imported with import() on first use are left
  // out: they are not needed to start, and the service worker fetches them with the rest of the shell.
  const modules = [
    ...staticImportsOf('js/main.js', own).map((rel) => `${v}/${rel}`),
    ...Object.values(vendorUrl).filter((url) => url.endsWith('.mjs')),
  ];
  const preload = modules.map((url) => `<link rel="modulepreload" href="${url}" />`).join('\n    ');
  const fill = (text: string) =>
    text
      .replaceAll('{{MODULEPRELOAD}}', preload)
      .replaceAll('{{VERSION}}', version)
      .replaceAll('{{V}}', v)
      .replaceAll('{{NHSUK_CSS}}', vendorUrl['nhsuk-frontend/nhsuk-frontend.min.css'])
      .replaceAll("('{{SHELL}}')", JSON.stringify(shell))
      .replaceAll("('{{PAGE_WORDS}}')", JSON.stringify(NOTIFICATION_WORDS));
  const pages: Record<string, string> = {
    'index.html': '/app/',
    'sw.js': '/app/sw.js',
    'manifest.webmanifest': '/app/manifest.webmanifest',
  };
  for (const [name, url] of Object.entries(pages)) {
    const text = templates.get(name);
    if (text === undefined) throw new Error(`amhp-hub: app/templates/${name} is missing`);
    assets.set(url, asset(fill(text), name, REVALIDATE));
  }
  return { version, assets };
}

/**
 * What a browser may run or render as a document of its own: the page, the service worker (a worker takes its policy
 * from its script's answer) and an SVG opened by itself. A module, a style sheet, a PNG or the manifest is never one, and
 * keeps the API's short policy (nothing may load from it, nothing may frame it: security-headers.ts); the app's
 * policy and Cross-Origin-Opener-Policy on each of the first load's fifteen or so such files were ~260 bytes apiece.
 */
function isDocumentLike(path: string, a: Asset): boolean {
  return a.type.startsWith('text/html') || a.type === 'image/svg+xml' || path === '/app/sw.js';
}

async function send(req: FastifyRequest, reply: FastifyReply, a: Asset, path: string): Promise<FastifyReply> {
  reply.header('cache-control', a.cacheControl);
  // The app's own policy, in place of the API's, on what can be a document (a page keeps its own: documentHeadersFor).
  if (isDocumentLike(path, a)) {
    reply.header('content-security-policy', APP_CSP);
    reply.header('cross-origin-opener-policy', 'same-origin');
  }
  let body = a.body;
  let etag = a.etag;
  if (COMPRESSIBLE.test(a.type)) {
    reply.header('vary', 'accept-encoding');
    const encoding = acceptedEncoding(req.headers['accept-encoding']);
    const copy = encoding && (await encodedCopy(a, encoding));
    if (encoding && copy) {
      reply.header('content-encoding', encoding);
      ({ body, etag } = copy);
    }
  }
  reply.header('etag', etag);
  if (req.headers['if-none-match'] === etag) {
    reply.removeHeader('content-encoding');
    return reply.code(304).send();
  }
  return reply.type(a.type).send(body);
}

/** Registers GET /app/* on the Fastify instance (outside the API's controllers: static files, no data, no auth). */
export async function registerAppShell(fastify: FastifyInstance, shell?: AppShell): Promise<void> {
  // Built before the routes exist (cutting the CSS is PurgeCSS's promise): the service listens only once it is ready.
  const app = shell ?? (await loadAppShell());
  fastify.get('/app', (_req, reply) => reply.redirect('/app/', 301));
  fastify.get('/app/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    const a = app.assets.get(path);
    if (!a) {
      sendProblem(new NotFoundProblem('App file'), req, reply);
      return reply;
    }
    return send(req, reply, a, path);
  });
}
