import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF made by pdfkit with the standard fonts, page by page: each content stream is inflated when it is
 * compressed, and the strings it shows (`<hex> Tj` and `[<hex> kerning <hex>] TJ`, WinAnsi bytes) are read in order,
 * one line per text object. Enough to check what a reader would see; not a general PDF parser.
 */
export function pdfText(pdf: Buffer): { pages: string[]; text: string; pageCount: number } {
  const s = pdf.toString('latin1');
  const pages: string[] = [];
  const stream = /<<([^]*?)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = stream.exec(s))) {
    const dict = m[1];
    const start = m.index + m[0].length;
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
    if (length < 0) continue;
    const raw = pdf.subarray(start, start + length);
    stream.lastIndex = start + length;
    if (/\/Subtype|\/Type \/XObject|\/Length1/.test(dict)) continue;
    const body = (/\/FlateDecode/.test(dict) ? inflateSync(raw) : raw).toString('latin1');
    if (!/\bBT\b/.test(body)) continue;
    const lines: string[] = [];
    for (const bt of body.matchAll(/BT([^]*?)ET/g)) {
      let line = '';
      for (const shown of bt[1].matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
        const parts = shown[1] !== undefined ? [...shown[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]) : [shown[2]];
        for (const hex of parts) line += Buffer.from(hex, 'hex').toString('latin1');
      }
      if (line) lines.push(line);
    }
    pages.push(lines.join('\n'));
  }
  const pageCount = (s.match(/\/Type \/Page\b/g) ?? []).length;
  return { pages, text: pages.join('\n'), pageCount };
}
