import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classesNamedIn, cssForApp, cssForAppCached } from './css-subset';

describe('which nhsuk- classes the app’s files name', () => {
  it.each([
    ['<p class="nhsuk-body">', ['nhsuk-body'], []],
    ['class=${`nhsuk-input${error ? " nhsuk-input--error" : ""}`}', ['nhsuk-input--error'], ['nhsuk-input']],
    ['class=${`nhsuk-input--width-${width}`}', [], ['nhsuk-input--width-']],
    ["const c = 'nhsuk-tag--' + colour;", [], ['nhsuk-tag--']],
    ["const c = 'nhsuk-tag' + suffix;", [], ['nhsuk-tag']],
    ['// the nhsuk-header__link, in a comment', ['nhsuk-header__link'], []],
  ])('%p names %p, and as prefixes %p', (text, names, prefixes) => {
    const found = classesNamedIn([text]);
    expect([...found.names].sort()).toEqual(names);
    expect(found.prefixes).toEqual(prefixes);
  });
});

describe('NHS.UK frontend’s CSS cut to the rules the app can use', () => {
  // The app's files: three classes named as written, and one made at run time from a prefix.
  const app = [
    '<body class="nhsuk-body"><header class="nhsuk-header">',
    'html`<button class="nhsuk-button">`',
    'cls = `nhsuk-input--width-${w}`',
  ];
  it.each([
    ['an element selector', 'body{margin:0}', 'body{margin:0}'],
    ['a rule for a class the app names', '.nhsuk-body{color:#212b32}', '.nhsuk-body{color:#212b32}'],
    ['a rule for a class it never names', '.nhsuk-card{padding:0}', ''],
    ['a list: only its selectors that can match', '.nhsuk-card,.nhsuk-body,h1{x:1}', '.nhsuk-body,h1{x:1}'],
    [
      'descendants: every class must be named',
      '.nhsuk-header .nhsuk-card{x:1}.nhsuk-header .nhsuk-button{y:2}',
      '.nhsuk-header .nhsuk-button{y:2}',
    ],
    [
      'a class under :not() need not be on the element',
      '.nhsuk-button:not(.nhsuk-button--small){x:1}',
      '.nhsuk-button:not(.nhsuk-button--small){x:1}',
    ],
    [
      'one of an :is() or :where() list goes as one of a rule’s list does',
      ':where(.nhsuk-card,.nhsuk-body) a{x:1}',
      ':where(.nhsuk-body) a{x:1}',
    ],
    ['a class made at run time from a prefix', '.nhsuk-input--width-5{x:1}.nhsuk-input--error{y:1}', '.nhsuk-input--width-5{x:1}'],
    [
      '@media keeps what it holds that can match',
      '@media (min-width:40em){.nhsuk-card{x:1}.nhsuk-body{y:2}}',
      '@media (min-width:40em){.nhsuk-body{y:2}}',
    ],
    [
      '@media left empty goes, and one holding only an emptied @supports',
      '@media print{.nhsuk-card{x:1}}@media screen{@supports (display:grid){.nhsuk-card{x:1}}}',
      '',
    ],
    ['@supports, nested in @media', '@media print{@supports (display:grid){.nhsuk-card{x:1}}a{y:2}}', '@media print{a{y:2}}'],
    [
      '@container the same way',
      '@container (min-width:30em){.nhsuk-card{x:1}}@container (min-width:40em){.nhsuk-card,.nhsuk-body{y:2}}',
      '@container (min-width:40em){.nhsuk-body{y:2}}',
    ],
    [
      'other at-rules and statements as written',
      '@charset "UTF-8";@keyframes spin{0%{x:0}to{x:1}}',
      '@charset "UTF-8";@keyframes spin{0%{x:0}to{x:1}}',
    ],
    ['a brace in a string or a comment', '.nhsuk-body:after{content:"}"}/* { */.nhsuk-card{x:1}', '.nhsuk-body:after{content:"}"}/* { */'],
    ['an attribute selector with a comma', '[data-x="a,b"],.nhsuk-card{x:1}', '[data-x="a,b"]{x:1}'],
  ])('%s', async (_what, css, kept) => {
    expect(await cssForApp(css, app)).toBe(kept);
  });
});

describe('the cut kept between starts', () => {
  const css = '.nhsuk-body{x:1}.nhsuk-card{y:2}';
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'amhp-css-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const cacheDir = () => join(dir, 'cache');
  const kept = () => readdirSync(cacheDir());

  it('the first start cuts the style sheet and keeps the cut; the next start takes what was kept', async () => {
    expect(await cssForAppCached(css, ['<p class="nhsuk-body">'], cacheDir())).toBe('.nhsuk-body{x:1}');
    expect(kept()).toEqual([expect.stringMatching(/^app-css-[0-9a-f]{64}\.css$/)]);
    // What the next start answers is the kept file, not a cut made again.
    writeFileSync(join(cacheDir(), kept()[0]), '.kept{}');
    expect(await cssForAppCached(css, ['<p class="nhsuk-body">'], cacheDir())).toBe('.kept{}');
  });

  it.each([
    ['an app file changed', css, ['<p class="nhsuk-card">'], '.nhsuk-card{y:2}'],
    ['another app file', css, ['<p class="nhsuk-body">', '<p class="nhsuk-card">'], css],
    ['the style sheet changed (a new NHS.UK frontend)', '.nhsuk-body{x:3}', ['<p class="nhsuk-body">'], '.nhsuk-body{x:3}'],
  ])('%s: cut again, not taken from the cut of other files', async (_what, sheet, app, cut) => {
    await cssForAppCached(css, ['<p class="nhsuk-body">'], cacheDir());
    expect(await cssForAppCached(sheet, app, cacheDir())).toBe(cut);
    expect(kept()).toHaveLength(2);
  });

  it('a cache folder that cannot be made (a read-only install) still gives the cut, every time', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const unusable = join(dir, 'a-file', 'cache');
    expect(await cssForAppCached(css, ['<p class="nhsuk-body">'], unusable)).toBe('.nhsuk-body{x:1}');
    expect(await cssForAppCached(css, ['<p class="nhsuk-body">'], unusable)).toBe('.nhsuk-body{x:1}');
    expect(readdirSync(dir)).toEqual(['a-file']);
  });
});
