/**
 * A report as a PDF document (A4, the built-in Helvetica): title, period, each section with the charts drawn from it
 * (the same charts as the printable page, as vector graphics with their titles, axes and legends) followed by its
 * table, and the definitions. The same figures as the JSON; no links (a copy that leaves the hub carries no way back
 * in).
 */
import PDFDocument from 'pdfkit';
import { DateTime } from 'luxon';
import { type Chart, CHART_COLOURS, axisFor, chartLabel, chartsOf, drawable } from './charts';
import { SUPPRESSED } from './figures';
import type { Figure, Report } from './report.model';
import { sectionsOf } from './sections';
import { winAnsiSafe } from '../common/win-ansi';

type Doc = InstanceType<typeof PDFDocument>;

/** A local date as a reader writes it: 1 April 2025. */
const longDate = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' }).setLocale('en-GB').toFormat('d MMMM yyyy');

const value = (f: Figure | undefined): string => {
  if (!f || f.value === null) return '-';
  if (f.value === SUPPRESSED) return SUPPRESSED;
  return f.unit === 'share' ? `${Math.round(f.value * 1000) / 10}%` : String(f.value);
};

/** The built-in fonts are WinAnsi: arrows and other symbols outside it are written out. */

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

  doc.font('Helvetica-Bold').fontSize(16).text(winAnsiSafe(r.title));
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(winAnsiSafe(`Period ${longDate(r.period.from)} to ${longDate(r.period.to)} (${r.period.label}). Generated ${generated}.`));
  const filters = Object.entries(r.filters).filter(([, v]) => v !== undefined);
  if (filters.length) doc.text(winAnsiSafe(`Filters: ${filters.map(([k, v]) => `${k} = ${v}`).join(', ')}.`));
  if (r.suppressed) doc.text('Small numbers suppressed: counts of 1 to 4 show as [c]; other counts are rounded to the nearest 5.');

  const sections = sectionsOf(r.figures);
  const charts = chartsOf(r);
  for (const c of charts.filter((c) => !sections.some((s) => s.section === c.section))) drawChart(doc, c);
  for (const s of sections) {
    doc.moveDown(0.8);
    if (doc.y > doc.page.height - 120) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(11).fillColor('#111').text(winAnsiSafe(s.label), left);
    for (const c of charts.filter((c) => c.section === s.section)) drawChart(doc, c);
    const first = 150;
    // Columns of at most 90 pt, so that a table of one or two measures keeps its numbers beside their labels.
    const col = Math.min(90, Math.max(50, Math.floor((width - first) / Math.max(1, s.measures.length))));
    const tableWidth = first + col * s.measures.length;
    const row = (cells: string[], bold: boolean) => {
      if (doc.y > doc.page.height - 60) doc.addPage();
      const y = doc.y;
      doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(7.5)
        .fillColor('#111');
      let h = 0;
      cells.forEach((c, i) => {
        const x = i === 0 ? left : left + first + (i - 1) * col;
        const w = i === 0 ? first - 4 : col - 4;
        // A word wider than its column is set smaller rather than broken inside ("Assessment-s").
        const widest = Math.max(
          0,
          ...winAnsiSafe(c)
            .split(/\s+/)
            .map((word) => doc.fontSize(7.5).widthOfString(word)),
        );
        doc.fontSize(widest > w ? Math.max(5, (7.5 * w) / widest) : 7.5);
        doc.text(winAnsiSafe(c), x, y, { width: w, align: i === 0 ? 'left' : 'right' });
        h = Math.max(h, doc.y - y);
      });
      // A rule under each row: darker under the header.
      doc
        .moveTo(left, y + h + 1)
        .lineTo(left + tableWidth, y + h + 1)
        .lineWidth(bold ? 0.75 : 0.4)
        .strokeColor(bold ? '#555555' : '#cccccc')
        .stroke();
      doc.x = left;
      doc.y = y + h + 3;
    };
    row(['', ...s.measures.map((m) => m.label)], true);
    for (const g of s.groups) row([g.label, ...s.measures.map((m) => value(s.cell(g.code, m.code)))], false);
  }
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text('Definitions', left);
  doc.font('Helvetica').fontSize(8);
  for (const d of r.definitions) doc.text(winAnsiSafe(`- ${d}`), { width });
  doc.end();
  return done;
}

/** Chart geometry in points: the label column, the bars' width, and the value labels after them. */
const LABEL_WIDTH = 150;
const VALUE_ROOM = 70;
const AXIS_ROOM = 26;

/**
 * A chart as vector graphics at the cursor: its title, the category axis named above its labels with the legend
 * beside it, a row per category (one bar per series, or a bar to the rate with its 95% interval as a whisker), each
 * bar labelled with its value, over a value axis with gridlines, ticks and its title. Starts a new page rather than
 * split a chart.
 */
function drawChart(doc: Doc, c: Chart): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const barArea = width - LABEL_WIDTH - VALUE_ROOM;
  const bars = c.kind === 'bars' ? c.series.length : 1;
  const barHeight = c.kind === 'bars' ? 7 : 6;
  const rowHeight = bars * (barHeight + 1.5) + 5;
  const rows = c.kind === 'bars' ? c.categories.length : c.points.length;
  const header = 14;
  const height = 14 + header + rows * rowHeight + AXIS_ROOM;
  doc.moveDown(0.4);
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  doc.font('Helvetica-Bold').fontSize(9).fillColor('#111').text(winAnsiSafe(c.title), left, top, { width, lineBreak: false });
  const y0 = top + 14;
  const plotTop = y0 + header;
  const bottom = plotTop + rows * rowHeight;
  const axis = axisFor(c.kind === 'bars' ? c.series.flatMap((s) => s.values) : c.points.flatMap((p) => [p.value, p.upper]));
  const x = (v: number) => left + LABEL_WIDTH + (v / axis.end) * barArea;

  // Gridlines, the axis and its ticks, then the axis title under the bars.
  for (const t of axis.ticks) doc.moveTo(x(t), plotTop).lineTo(x(t), bottom).lineWidth(0.5).strokeColor('#d0d0d0').stroke();
  doc.moveTo(x(0), plotTop).lineTo(x(0), bottom).lineTo(x(axis.end), bottom).lineWidth(0.75).strokeColor('#555555').stroke();
  doc.font('Helvetica').fontSize(6.5).fillColor('#111');
  for (const t of axis.ticks) doc.text(String(t), x(t) - 20, bottom + 2, { width: 40, align: 'center', lineBreak: false });
  doc
    .font('Helvetica-Oblique')
    .fontSize(7)
    .text(winAnsiSafe(c.valueAxis), x(0), bottom + 12, { width: barArea, align: 'center', lineBreak: false });

  // The category axis's name above the labels, and the legend beside it.
  doc
    .font('Helvetica-Oblique')
    .fontSize(7)
    .text(winAnsiSafe(c.categoryAxis), left, y0 + 2, { width: LABEL_WIDTH - 6, lineBreak: false });
  doc.font('Helvetica').fontSize(7);
  let lx = x(0);
  const legend = c.kind === 'bars' ? c.series.map((s) => s.name) : ['Rate per 100,000', '95% confidence interval'];
  legend.forEach((name, i) => {
    if (c.kind === 'rates' && i === 1) {
      doc
        .moveTo(lx, y0 + 6)
        .lineTo(lx + 12, y0 + 6)
        .lineWidth(1)
        .strokeColor('#111')
        .stroke();
      doc
        .moveTo(lx, y0 + 3)
        .lineTo(lx, y0 + 9)
        .stroke();
      doc
        .moveTo(lx + 12, y0 + 3)
        .lineTo(lx + 12, y0 + 9)
        .stroke();
    } else doc.rect(lx, y0 + 2, 8, 8).fill(CHART_COLOURS[i % CHART_COLOURS.length]);
    doc.fillColor('#111').text(winAnsiSafe(name), lx + 14, y0 + 2.5, { lineBreak: false });
    lx += 14 + doc.widthOfString(winAnsiSafe(name)) + 14;
  });

  for (let row = 0; row < rows; row++) {
    const ry = plotTop + row * rowHeight;
    const label = c.kind === 'bars' ? c.categories[row] : c.points[row].label;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#111')
      .text(winAnsiSafe(label), left, ry + rowHeight / 2 - 3.5, { width: LABEL_WIDTH - 6, height: 9, ellipsis: true, lineBreak: false });
    if (c.kind === 'bars') {
      c.series.forEach((s, i) => {
        const v = s.values[row];
        const by = ry + 2.5 + i * (barHeight + 1.5);
        const w = x(drawable(v)) - x(0);
        if (w > 0) doc.rect(x(0), by, w, barHeight).fill(CHART_COLOURS[i % CHART_COLOURS.length]);
        doc
          .fillColor('#111')
          .fontSize(6.5)
          .text(winAnsiSafe(chartLabel(v)), x(0) + w + 3, by + 0.5, { lineBreak: false });
      });
    } else {
      const p = c.points[row];
      const by = ry + 2.5;
      const mid = by + barHeight / 2;
      const w = x(drawable(p.value)) - x(0);
      if (w > 0) doc.rect(x(0), by, w, barHeight).fill(CHART_COLOURS[0]);
      let end = x(0) + w;
      if (typeof p.value === 'number' && typeof p.lower === 'number' && typeof p.upper === 'number') {
        doc.lineWidth(1).strokeColor('#111');
        doc.moveTo(x(p.lower), mid).lineTo(x(p.upper), mid).stroke();
        doc
          .moveTo(x(p.lower), mid - 3.5)
          .lineTo(x(p.lower), mid + 3.5)
          .stroke();
        doc
          .moveTo(x(p.upper), mid - 3.5)
          .lineTo(x(p.upper), mid + 3.5)
          .stroke();
        end = Math.max(end, x(p.upper));
      }
      const text = typeof p.value === 'number' ? `${p.value} (${chartLabel(p.lower)}-${chartLabel(p.upper)})` : chartLabel(p.value);
      doc
        .fillColor('#111')
        .fontSize(6.5)
        .text(winAnsiSafe(text), end + 3, by, { lineBreak: false });
    }
  }
  doc.x = left;
  doc.y = bottom + AXIS_ROOM;
}
