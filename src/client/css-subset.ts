import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import postcss, { type Container } from 'postcss';
import { PurgeCSS } from 'purgecss';

/**
 * NHS.UK frontend's CSS is written for every component of the design system (278 KB, about 24 KB in brotli); the duty
 * app uses a few of them. The app is served with the rules whose selectors can match what it renders: a selector
 * naming an `nhsuk-` class that none of the app's files names cannot match any element, and is left out. The style
 * sheet is parsed and cut by PurgeCSS; what counts as named is this project's rule (classesNamedIn). Everything else is
 * kept as written: element, attribute and id selectors (an `nhsuk-` id goes as an `nhsuk-` class would), other
 * classes, @font-face, every @keyframes, and what a :not() or :has() holds, since a class named there need not be on
 * the element. A selector in an :is() or :where() list goes as one in a rule's list does. @media, @supports and
 * @container keep what they hold that can match, and go when nothing is left.
 */

/**
 * The `nhsuk-` class names the app's files name. A name that runs into a template's placeholder or a concatenation
 * (`nhsuk-input--width-${w}`, `'nhsuk-tag--' + colour`) is a prefix: every class starting with it counts as named.
 */
export function classesNamedIn(texts: Iterable<string>): { names: Set<string>; prefixes: string[] } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const text of texts)
    for (const m of text.matchAll(/nhsuk-[A-Za-z0-9_-]+/g)) {
      const name = m[0];
      const after = text.slice(m.index + name.length, m.index + name.length + 4);
      // Run into a placeholder or a concatenation: the rest of the name is made at run time.
      if (name.endsWith('-') || /^(\$\{|['"`]\s*\+)/.test(after)) prefixes.add(name);
      else names.add(name);
    }
  return { names, prefixes: [...prefixes] };
}

/** What PurgeCSS's safelist keeps whatever the app names: any part of a selector that is not an `nhsuk-` class name. */
const NOT_NHSUK = /^(?!nhsuk-)/;

/** The style sheet with only the rules whose selectors can match what `appTexts` (the app's files) render. */
export async function cssForApp(css: string, appTexts: string[]): Promise<string> {
  const { prefixes } = classesNamedIn(appTexts);
  const [result] = await new PurgeCSS().purge({
    content: appTexts.map((raw) => ({ raw, extension: 'js' })),
    css: [{ raw: css }],
    // The classes a file names literally; nothing else in a selector is looked for in the app (the safelist keeps it).
    defaultExtractor: (text) => {
      const names = [...classesNamedIn([text]).names];
      return { classes: names, ids: names, tags: [], attributes: { names: [], values: [] }, undetermined: [] };
    },
    safelist: { standard: [NOT_NHSUK, ...prefixes.map((p) => new RegExp(`^${p.replace(/[^\w-]/g, '\\$&')}`))] },
    // Every @font-face and @keyframes stays: one used only by a name made at run time cannot be told apart.
    fontFace: false,
    keyframes: false,
    variables: false,
  });
  return withoutEmptyAtRules(result.css);
}

/**
 * cssForApp, kept in `cacheDir` under a hash of everything its answer depends on: the style sheet, the app's files, this
 * module's own code and the versions of PurgeCSS and PostCSS. Cutting the style sheet was about half the CPU of
 * starting the app (a test file's first app: 1.19 s of CPU, 0.55 s with the cut kept; means of four runs), the same cut from the same
 * files each time, and every test file starts the app at least once. A cache that cannot be read or written (a read-only install) only means the cut is made again. The folder is
 * inside the install (node_modules/.cache), writable only by whoever can change the code beside it.
 */
export async function cssForAppCached(css: string, appTexts: string[], cacheDir: string): Promise<string> {
  const key = createHash('sha256').update(readFileSync(__filename)).update(TOOL_VERSIONS).update(css);
  for (const text of appTexts) key.update('\0').update(text);
  const file = join(cacheDir, `app-css-${key.digest('hex')}.css`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not made yet (or unreadable): made below.
  }
  const cut = await cssForApp(css, appTexts);
  // Written whole under another name, then renamed: a start that reads it never sees half of it.
  const partial = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(partial, cut);
    renameSync(partial, file);
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // There is no folder to leave it in.
    }
  }
  return cut;
}

/** The versions of the two packages the cut is made with (a new version may cut differently). */
const TOOL_VERSIONS = ['purgecss', 'postcss']
  .map((pkg) => {
    let dir = dirname(require.resolve(pkg));
    for (;;) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === pkg) return `${pkg}@${manifest.version}`;
      } catch {
        // No package.json here: look further up.
      }
      const up = dirname(dir);
      if (up === dir) return `${pkg}@?`;
      dir = up;
    }
  })
  .join(' ');

/**
 * PurgeCSS removes a rule's parent when the rule was all it held, but not the grandparent: an @media left holding only
 * an emptied @supports stays as `@media (...){}`. Those go too, innermost first.
 */
function withoutEmptyAtRules(css: string): string {
  const root = postcss.parse(css);
  const prune = (node: Container) => {
    node.each((child) => {
      if (child.type !== 'atrule' || !child.nodes) return;
      prune(child);
      if (!child.nodes.length) child.remove();
    });
  };
  prune(root);
  return root.toString();
}
