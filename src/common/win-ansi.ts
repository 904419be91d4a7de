/**
 * Text for the PDFs (the outcome report, the s.13(4) letter, the reports): pdfkit's standard Helvetica fonts print
 * WinAnsiEncoding (cp1252) only.
 */

/** Unicode code points WinAnsiEncoding (cp1252) puts in 0x80-0x9F. */
const CP1252_HIGH: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

/** One WinAnsi byte per character: anything WinAnsi cannot show becomes '?'. */
export function toWinAnsi(value: string): number[] {
  const bytes: number[] = [];
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x09) bytes.push(0x20);
    else if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) bytes.push(cp);
    else bytes.push(CP1252_HIGH.get(cp) ?? 0x3f);
  }
  return bytes;
}

/**
 * What the app's own texts use that WinAnsi has no glyph for, spelt with characters it has: the arrows of the steps,
 * the minus sign, the comparisons of the rules, and ✱, the mark of a local (not statutory) rule.
 */
const SPELT: ReadonlyMap<string, string> = new Map([
  ['→', '->'],
  ['←', '<-'],
  ['−', '-'],
  ['≤', '<='],
  ['≥', '>='],
  ['≈', '~'],
  ['✱', '*'],
]);

/**
 * The text with line breaks kept, the app's own symbols spelt out (SPELT) and every other character WinAnsi cannot
 * show replaced by '?' (what the PDF's standard fonts would print).
 */
export function winAnsiSafe(value: string): string {
  let out = '';
  for (const ch of value.replace(/\r\n?/g, '\n')) {
    if (ch === '\n') {
      out += ch;
      continue;
    }
    const spelt = SPELT.get(ch);
    if (spelt !== undefined) {
      out += spelt;
      continue;
    }
    const b = toWinAnsi(ch)[0];
    out += b === 0x3f && ch !== '?' ? '?' : b === 0x20 ? ' ' : ch;
  }
  return out;
}
