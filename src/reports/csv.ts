/**
 * CSV of a report (RFC 4180): UTF-8, a header row, CRLF line ends, every field quoted when it holds a comma, quote,
 * CR or LF, with quotes doubled. Safe to open in a spreadsheet: a text field starting with =, +, - or @ (or a tab or
 * CR) is prefixed with ' so it is never taken for a formula. Pure.
 */
import type { Report } from './report.model';

/** One CSV field. Numbers are written as they are (a negative number is a number, not a formula). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRows(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export const CSV_HEADER = [
  'report',
  'period',
  'section',
  'section_label',
  'group',
  'group_label',
  'measure',
  'measure_label',
  'unit',
  'value',
] as const;

/** One row per figure, with its codes and labels; no links (a copy that leaves the hub carries no way back in). */
export function reportCsv(r: Report): string {
  return csvRows([
    CSV_HEADER,
    ...r.figures.map((f) => [
      r.report,
      r.period.label,
      f.section,
      f.sectionLabel,
      f.group,
      f.groupLabel,
      f.measure,
      f.measureLabel,
      f.unit,
      f.value,
    ]),
  ]);
}
