/**
 * The outcome report (COP-07) and the s.13(4) written-reasons letter (NR-12) as PDF documents, laid out with pdfkit:
 * A4, the standard Helvetica fonts (text outside WinAnsiEncoding is printed as '?'), a council letterhead, and a
 * footer with "page N of M" on every page. Pure apart from pdfkit: the report or letter comes in, bytes come out.
 */
import PDFDocument from 'pdfkit';
import { winAnsiSafe } from '../../common/win-ansi';
import { NOT_RECORDED } from './report';
import type { LetterBlock, OutcomeReport, WrittenReasonsLetter } from './report.types';

const A4: [number, number] = [595.28, 841.89];
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#999999';
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const SERVICE = 'Approved Mental Health Professional (AMHP) service';
const CONFIDENTIAL = 'Confidential: contains personal and health information. Share only with the people on the distribution list.';

type Doc = PDFKit.PDFDocument;

export interface PdfOptions {
  /** When the document was made: its creation date (the renderer never reads the clock). */
  createdAt: Date;
  /** Uncompressed content streams (tests read the text). */
  compress?: boolean;
}

function newDocument(
  title: string,
  author: string | null,
  margins: { top: number; bottom: number; left: number; right: number },
  options: PdfOptions,
): Doc {
  return new PDFDocument({
    size: A4,
    margins,
    bufferPages: true,
    compress: options.compress ?? true,
    pdfVersion: '1.4',
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: winAnsiSafe(title),
      ...(author ? { Author: winAnsiSafe(author) } : {}),
      Producer: 'amhp-hub',
      Creator: 'amhp-hub',
      CreationDate: options.createdAt,
    },
  });
}

function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Writes `left` and "Page n of m" in the bottom margin of every page (after the content, so m is known). */
function footers(doc: Doc, left: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { bottom, left: ml, right: mr } = doc.page.margins;
    const width = doc.page.width - ml - mr;
    const y = doc.page.height - bottom + 18;
    // Writing below the bottom margin would start a new page: lift the margin while the footer is written.
    doc.page.margins.bottom = 0;
    doc
      .moveTo(ml, y - 6)
      .lineTo(ml + width, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.font(REGULAR).fontSize(7.5).fillColor(MUTED);
    doc.text(winAnsiSafe(left), ml, y, { width: width - 80, height: 9, ellipsis: true });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, ml + width - 70, y, { width: 70, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

// ---------------------------------------------------------------------------------------------------------------
// The outcome report

const LABEL_WIDTH = 170;
const GUTTER = 12;

/** COP-07: the outcome report as a PDF: the council's header, each section a heading over a table of label and value. */
export function renderReportPdf(report: OutcomeReport, options: PdfOptions): Promise<Buffer> {
  const margins = { top: 50, bottom: 56, left: 50, right: 50 };
  const doc = newDocument(report.title, report.council, margins, options);
  const left = margins.left;
  const width = doc.page.width - margins.left - margins.right;
  const valueX = left + LABEL_WIDTH + GUTTER;
  const valueWidth = width - LABEL_WIDTH - GUTTER;

  // Header: the council, the service, and a rule.
  doc
    .fillColor(INK)
    .font(BOLD)
    .fontSize(12)
    .text(winAnsiSafe(report.council ?? SERVICE), left, margins.top, { width });
  if (report.council) doc.font(REGULAR).fontSize(9.5).fillColor(MUTED).text(SERVICE, { width });
  doc.moveDown(0.4);
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(1.5)
    .strokeColor(INK)
    .stroke();
  doc.moveDown(0.6);
  doc.fillColor(INK).font(BOLD).fontSize(15).text(winAnsiSafe(report.title), left, doc.y, { width });
  doc.moveDown(0.2);
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(MUTED)
    .text(winAnsiSafe(`Generated ${report.generatedAtLocal}. Times are local (${report.timeZone}).`), { width });
  doc.font(ITALIC).text(CONFIDENTIAL, { width });

  const rowHeight = (label: string, value: string, missing: boolean): number => {
    doc.font(BOLD).fontSize(9);
    const h1 = label ? doc.heightOfString(label, { width: LABEL_WIDTH }) : 0;
    doc.font(missing ? ITALIC : REGULAR).fontSize(9.5);
    const h2 = doc.heightOfString(value, { width: label ? valueWidth : width });
    return Math.max(h1, h2) + 5;
  };

  for (const section of report.sections) {
    const rows = section.lines.map((l) => {
      const label = l.label === undefined ? '' : winAnsiSafe(l.label);
      const value = winAnsiSafe(l.text);
      const missing = l.text.startsWith(NOT_RECORDED);
      return { label, value, missing, height: rowHeight(label, value, missing) };
    });
    // The heading stays with its first row.
    doc.moveDown(0.8);
    ensureRoom(doc, 24 + (rows[0]?.height ?? 0));
    doc.fillColor(INK).font(BOLD).fontSize(11.5).text(winAnsiSafe(section.heading), left, doc.y, { width });
    doc
      .moveTo(left, doc.y + 1)
      .lineTo(left + width, doc.y + 1)
      .lineWidth(0.75)
      .strokeColor(RULE)
      .stroke();
    doc.y += 5;
    for (const row of rows) {
      // A row longer than a page (a long rationale) starts on a fresh page only when it would fit there; otherwise it
      // flows on over the page break.
      if (row.height <= doc.page.height - margins.top - margins.bottom) ensureRoom(doc, row.height);
      else ensureRoom(doc, 60);
      const page = doc.page;
      const y = doc.y;
      let labelEnd = y;
      if (row.label) {
        doc.fillColor(INK).font(BOLD).fontSize(9).text(row.label, left, y, { width: LABEL_WIDTH });
        labelEnd = doc.y;
        doc
          .fillColor(row.missing ? MUTED : INK)
          .font(row.missing ? ITALIC : REGULAR)
          .fontSize(9.5)
          .text(row.value, valueX, y, { width: valueWidth });
      } else {
        doc
          .fillColor(row.missing ? MUTED : INK)
          .font(row.missing ? ITALIC : REGULAR)
          .fontSize(9.5)
          .text(row.value, left, y, { width });
      }
      doc.y = (doc.page === page ? Math.max(labelEnd, doc.y) : doc.y) + 5;
      doc.x = left;
    }
  }
  footers(doc, `${report.title}. Confidential.`);
  return finish(doc);
}

// ---------------------------------------------------------------------------------------------------------------
// The s.13(4) letter

/** Window-envelope position of the address block (DL window: about 50 mm from the top, 20 mm from the left). */
const ADDRESS_TOP = 142;

function letterBlock(doc: Doc, b: LetterBlock, width: number, left: number): void {
  switch (b.kind) {
    case 'heading':
      for (const h of b.items) {
        doc.moveDown(0.6);
        ensureRoom(doc, 40);
        doc.font(BOLD).fontSize(11).fillColor(INK).text(winAnsiSafe(h), left, doc.y, { width });
        doc.moveDown(0.3);
      }
      return;
    case 'paragraph':
      for (const p of b.items) {
        doc.font(REGULAR).fontSize(11).fillColor(INK).text(winAnsiSafe(p), left, doc.y, { width, lineGap: 2, paragraphGap: 0 });
        doc.moveDown(0.7);
      }
      return;
    case 'bullets':
      for (const item of b.items) {
        doc.font(REGULAR).fontSize(11).fillColor(INK);
        const text = winAnsiSafe(item);
        ensureRoom(doc, doc.heightOfString(text, { width: width - 18, lineGap: 2 }));
        const y = doc.y;
        doc.text('\u2022', left + 4, y, { width: 12, lineBreak: false });
        doc.text(text, left + 18, y, { width: width - 18, lineGap: 2 });
        doc.moveDown(0.35);
      }
      doc.moveDown(0.35);
      return;
    case 'lines':
      doc.font(REGULAR).fontSize(11).fillColor(INK).text(b.items.map(winAnsiSafe).join('\n'), left, doc.y, { width });
      doc.moveDown(0.7);
  }
}

/**
 * NR-12 (MHA 1983 s.13(4)): the written-reasons letter as a council would post it: the letterhead at the top right,
 * the nearest relative's name and address where a window envelope shows it, the date, the letter, the signature
 * block, and "Page n of m" on every page.
 */
export function renderLetterPdf(letter: WrittenReasonsLetter, options: PdfOptions): Promise<Buffer> {
  const { layout } = letter;
  const margins = { top: 56, bottom: 64, left: 64, right: 64 };
  const council = layout.letterhead.length > 1 ? layout.letterhead[0] : null;
  const doc = newDocument(layout.title, council, margins, options);
  const left = margins.left;
  const width = doc.page.width - margins.left - margins.right;

  // Letterhead, top right.
  const [first, ...rest] = layout.letterhead.map(winAnsiSafe);
  doc.fillColor(INK).font(BOLD).fontSize(13).text(first, left, margins.top, { width, align: 'right' });
  if (rest.length) doc.font(REGULAR).fontSize(9.5).fillColor(MUTED).text(rest.join('\n'), { width, align: 'right' });

  // The addressee, where a window envelope shows it.
  doc
    .font(BOLD)
    .fontSize(8.5)
    .fillColor(MUTED)
    .text('PRIVATE AND CONFIDENTIAL', left, ADDRESS_TOP - 16, { width: 260 });
  doc.font(REGULAR).fontSize(11).fillColor(INK).text(layout.recipient.map(winAnsiSafe).join('\n'), left, ADDRESS_TOP, { width: 260 });

  // The date, then the letter.
  doc.text(winAnsiSafe(layout.date), left, Math.max(doc.y + 28, ADDRESS_TOP + 100), { width });
  doc.moveDown(1.2);
  for (const b of layout.body) letterBlock(doc, b, width, left);

  // Room for a signature above the name.
  ensureRoom(doc, 90);
  doc.moveDown(2.2);
  const [name, ...role] = layout.signature.map(winAnsiSafe);
  doc.font(BOLD).fontSize(11).fillColor(INK).text(name, left, doc.y, { width });
  doc.font(REGULAR).fontSize(11).text(role.join('\n'), { width });

  footers(doc, `${council ? `${council}: ` : ''}${SERVICE}`);
  return finish(doc);
}
