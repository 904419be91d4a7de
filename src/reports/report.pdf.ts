/**
 * A report as a PDF document (A4, the built-in Helvetica): title, period, each section as a table of its figures,
 * and the definitions. The same figures as the JSON; no links (a copy that leaves the hub
 * carries no way back in).
 */
import PDFDocument from 'pdfkit';
import { DateTime } from 'luxon';
import { SUPPRESSED } from './figures';
import type { Figure, Report } from './report.model';
import { sectionsOf } from './report.html';

const value = (f: Figure | undefined): string => {
  if (!f || f.value === null) return '-';
  if (f.value === SUPPRESSED) return SUPPRESSED;
  return f.unit === 'share' ? `${Math.round(f.value * 1000) / 10}%` : String(f.value);
};

/** The built-in fonts are WinAnsi: arrows and other symbols outside it are written out. */
const plain = (s: string) => s.replace(/→/g, '->').replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');

export function renderReportPdf(r: Report, timeZone: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${r.title}: ${r.period.label}`, Author: 'amhp-hub' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const generated = DateTime.fromISO(r.generatedAt).setZone(timeZone).setLocale('en-GB').toFormat('d MMM yyyy, HH:mm ZZZZ');

  doc.font('Helvetica-Bold').fontSize(16).text(plain(r.title));
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(plain(`Period ${r.period.from} to ${r.period.to} (${r.period.label}). Generated ${generated}.`));
  const filters = Object.entries(r.filters).filter(([, v]) => v !== undefined);
  if (filters.length) doc.text(plain(`Filters: ${filters.map(([k, v]) => `${k} = ${v}`).join(', ')}.`));
  if (r.suppressed) doc.text('Small numbers suppressed: counts of 1 to 4 show as [c]; other counts are rounded to the nearest 5.');

  for (const s of sectionsOf(r.figures)) {
    doc.moveDown(0.8);
    if (doc.y > doc.page.height - 120) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(11).text(plain(s.label), left);
    const first = 150;
    const col = Math.max(50, Math.floor((width - first) / Math.max(1, s.measures.length)));
    const row = (cells: string[], bold: boolean) => {
      if (doc.y > doc.page.height - 60) doc.addPage();
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
      let h = 0;
      cells.forEach((c, i) => {
        const x = i === 0 ? left : left + first + (i - 1) * col;
        const w = i === 0 ? first - 4 : col - 4;
        doc.text(plain(c), x, y, { width: w, align: i === 0 ? 'left' : 'right' });
        h = Math.max(h, doc.y - y);
      });
      doc.x = left;
      doc.y = y + h + 2;
    };
    row(['', ...s.measures.map((m) => m.label)], true);
    for (const g of s.groups) row([g.label, ...s.measures.map((m) => value(s.cell(g.code, m.code)))], false);
  }
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Definitions', left);
  doc.font('Helvetica').fontSize(8);
  for (const d of r.definitions) doc.text(plain(`- ${d}`), { width });
  doc.end();
  return done;
}
