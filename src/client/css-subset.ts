/**
 * NHS.UK frontend's CSS is written for every component of the design system (278 KB, about 24 KB in brotli); the duty
 * app uses a few of them. The app is served with the rules whose selectors can match what it renders: a selector
 * naming an `nhsuk-` class that none of the app's files names cannot match any element, and is left out. Everything
 * else is kept as written (element and attribute selectors, at-rules other than @media and @supports, what a
 * :not(), :is(), :where() or :has() holds, since a class named there need not be on the element).
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

interface Block {
  /** The text before `{` (a selector list or an at-rule's prelude); null for a statement ending in `;`. */
  prelude: string | null;
  /** Between the braces. */
  body: string;
  /** The whole block as written. */
  text: string;
}

/** The top-level blocks of a style sheet (strings and comments skipped when matching braces). */
function blocksOf(css: string): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < css.length) {
    const start = i;
    let depth = 0;
    let open = -1;
    let quote: string | null = null;
    let j = i;
    for (; j < css.length; j++) {
      const ch = css[j];
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '/' && css[j + 1] === '*') {
        const end = css.indexOf('*/', j + 2);
        j = end < 0 ? css.length : end + 1;
      } else if (ch === '{') {
        if (depth++ === 0) open = j;
      } else if (ch === '}') {
        if (--depth === 0) {
          out.push({ prelude: css.slice(start, open), body: css.slice(open + 1, j), text: css.slice(start, j + 1) });
          break;
        }
      } else if (ch === ';' && depth === 0) {
        out.push({ prelude: null, body: '', text: css.slice(start, j + 1) });
        break;
      }
    }
    if (j >= css.length && css.slice(start).trim()) out.push({ prelude: null, body: '', text: css.slice(start) });
    i = j + 1;
  }
  return out;
}

/** A selector list split at its top-level commas. */
function selectorsOf(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** The style sheet with only the rules whose selectors can match the app's elements. */
export function cssForClasses(css: string, used: { names: Set<string>; prefixes: string[] }): string {
  const named = (cls: string) => used.names.has(cls) || used.prefixes.some((p) => cls.startsWith(p));
  const canMatch = (selector: string) => {
    // What a functional pseudo-class holds may be absent from the element (:not) or one of several (:is): not required.
    let bare = selector;
    for (let before = ''; before !== bare;) {
      before = bare;
      bare = bare.replace(/:(?:not|is|where|has|matches)\([^()]*\)/g, '');
    }
    return (bare.match(/\.nhsuk-[A-Za-z0-9_-]+/g) ?? []).every((c) => named(c.slice(1)));
  };
  const keep = (sheet: string): string =>
    blocksOf(sheet)
      .map((b) => {
        if (b.prelude === null) return b.text;
        const prelude = b.prelude.trim();
        if (/^@(media|supports)\b/i.test(prelude)) {
          const inner = keep(b.body);
          return inner.trim() ? `${b.prelude}{${inner}}` : '';
        }
        if (prelude.startsWith('@')) return b.text;
        const selectors = selectorsOf(b.prelude).filter(canMatch);
        return selectors.length ? `${selectors.join(',')}{${b.body}}` : '';
      })
      .join('');
  return keep(css);
}
