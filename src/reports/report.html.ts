/**
 * A report as one printable, self-contained HTML page with server-rendered SVG charts: no script, no external
 * resource, no inline style attribute. Its one <style> element is allowed by its hash in the page's
 * Content-Security-Policy (REPORT_HTML_CSP), so the policy needs no 'unsafe-inline'. Every value from the data is
 * escaped. Pure.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { escapeHtml as esc } from '../common/html';
import { SUPPRESSED } from './figures';
import { type Chart, CHART_COLOURS, axisFor, chartLabel, chartsOf, type ChartSeries, drawable, type RatePoint } from './charts';
import type { Figure, Report } from './report.model';
import { sectionsOf } from './sections';

export type { ChartSeries, RatePoint } from './charts';

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; max-width: 200mm; margin: 0 auto; padding: 16px; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 12pt; margin: 18px 0 6px; border-bottom: 1.5px solid #333; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; font-size: 9pt; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #e4eaf1; font-weight: 600; }
tbody th { font-weight: normal; }
tbody tr:nth-child(even) { background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; min-width: 3em; }
td.num > a { display: block; min-height: 24px; margin: -3px -6px; padding: 3px 6px; }
tr { break-inside: avoid; }
header p { margin: 2px 0; }
.muted { color: #555; }
.flag { color: #a00000; font-weight: 600; }
figure { margin: 10px 0 0; break-inside: avoid; }
figcaption { font-weight: bold; font-size: 9.5pt; }
svg { display: block; margin: 6px 0 8px; max-width: 100%; height: auto; }
svg text { font: 8pt system-ui, Arial, sans-serif; fill: #111; }
svg text.axis { font-style: italic; fill: #333; }
footer { margin-top: 20px; border-top: 1px solid #bbb; font-size: 8pt; color: #555; }
@media print {
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
}
`;

/** The CSP of the report pages: nothing runs, nothing loads, and only the page's own stylesheet applies. */
export const REPORT_HTML_CSP = `default-src 'none'; script-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The label column of a chart: wide enough for its longest label at 8 pt (about 5.4 px a character), 200 to 320 px. */
const labelColumn = (labels: string[]) => Math.min(320, Math.max(200, Math.ceil(Math.max(0, ...labels.map((l) => l.length)) * 5.4) + 12));

const svgOpen = (title: string, width: number, height: number) =>
  `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${esc(title)}"><title>${esc(title)}</title>`;

/**
 * The value axis under a chart's bars: light gridlines at each tick (one path), the tick values, and the axis title
 * centred under the bars.
 */
function svgValueAxis(axis: ReturnType<typeof axisFor>, x: (v: number) => number, top: number, bottom: number, title: string): string {
  const grid = axis.ticks.map((t) => `M${x(t)} ${top}V${bottom}`).join('');
  const labels = axis.ticks.map((t) => `<text x="${x(t)}" y="${bottom + 12}" text-anchor="middle">${t}</text>`).join('');
  const mid = (x(0) + x(axis.end)) / 2;
  return (
    `<path d="${grid}" stroke="#d0d0d0" stroke-width="1" fill="none"/><path d="M${x(0)} ${top}V${bottom}H${x(axis.end)}" stroke="#555" fill="none"/>` +
    labels +
    (title ? `<text x="${mid}" y="${bottom + 26}" text-anchor="middle" class="axis">${esc(title)}</text>` : '')
  );
}

/**
 * A horizontal grouped bar chart: one row per category, one bar per series, each labelled with its value ([c] for a
 * suppressed one, drawn as no bar), over a value axis with gridlines; the category axis named above the labels and
 * the series in a legend beside it. Values are text in the SVG, so the chart is read by a screen reader too.
 */
export function barChart(
  title: string,
  categories: string[],
  series: ChartSeries[],
  axes: { category: string; value: string } = { category: '', value: '' },
): string {
  const labelWidth = labelColumn(categories);
  const barArea = 420;
  const barHeight = 12;
  const rowHeight = series.length * (barHeight + 2) + 8;
  const headerHeight = 18;
  const bottom = headerHeight + categories.length * rowHeight;
  const height = bottom + 32;
  const axis = axisFor(series.flatMap((s) => s.values));
  const x = (v: number) => labelWidth + Math.round((v / axis.end) * barArea);
  const parts: string[] = [svgValueAxis(axis, x, headerHeight, bottom, axes.value)];
  if (axes.category) parts.push(`<text x="0" y="11" class="axis">${esc(axes.category)}</text>`);
  let lx = labelWidth;
  series.forEach((s, i) => {
    parts.push(
      `<rect x="${lx}" y="2" width="10" height="10" fill="${CHART_COLOURS[i % CHART_COLOURS.length]}"/><text x="${lx + 14}" y="11">${esc(s.name)}</text>`,
    );
    lx += 14 + Math.ceil(s.name.length * 5.6) + 16;
  });
  categories.forEach((c, row) => {
    const y0 = headerHeight + row * rowHeight;
    parts.push(`<text x="0" y="${y0 + rowHeight / 2 + 3}">${esc(c)}</text>`);
    series.forEach((s, i) => {
      const v = s.values[row];
      const w = x(drawable(v)) - labelWidth;
      const y = y0 + 4 + i * (barHeight + 2);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${CHART_COLOURS[i % CHART_COLOURS.length]}"/><text x="${labelWidth + w + 4}" y="${y + barHeight - 2}">${esc(chartLabel(v))}</text>`,
      );
    });
  });
  const width = labelWidth + barArea + 60;
  return `${svgOpen(title, width, height)}${parts.join('')}</svg></figure>`;
}

/**
 * A horizontal chart of rates with their 95% confidence intervals as whiskers: one row per category, a bar to the
 * rate and a line from the lower to the upper limit, labelled with the rate and interval as text, over a value axis.
 */
export function rateChart(
  title: string,
  points: RatePoint[],
  axes: { category: string; value: string } = { category: '', value: '' },
): string {
  const labelWidth = labelColumn(points.map((p) => p.label));
  const barArea = 380;
  const rowHeight = 18;
  const headerHeight = 16;
  const bottom = headerHeight + points.length * rowHeight + 2;
  const height = bottom + 32;
  const axis = axisFor(points.flatMap((p) => [p.value, p.upper]));
  const x = (v: number) => labelWidth + Math.round((v / axis.end) * barArea);
  const parts = points.map((p, row) => {
    const y = headerHeight + 4 + row * rowHeight;
    const mid = y + 6;
    const text = typeof p.value === 'number' ? `${p.value} (${chartLabel(p.lower)}-${chartLabel(p.upper)})` : chartLabel(p.value);
    const whisker =
      typeof p.value === 'number' && typeof p.lower === 'number' && typeof p.upper === 'number'
        ? `<line x1="${x(p.lower)}" y1="${mid}" x2="${x(p.upper)}" y2="${mid}" stroke="#111" stroke-width="1.5"/>` +
          `<line x1="${x(p.lower)}" y1="${y + 1}" x2="${x(p.lower)}" y2="${y + 11}" stroke="#111"/>` +
          `<line x1="${x(p.upper)}" y1="${y + 1}" x2="${x(p.upper)}" y2="${y + 11}" stroke="#111"/>`
        : '';
    const end = Math.max(x(drawable(p.value)), typeof p.upper === 'number' ? x(p.upper) : 0);
    return (
      `<text x="0" y="${y + 10}">${esc(p.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 2}" width="${x(drawable(p.value)) - labelWidth}" height="8" fill="${CHART_COLOURS[0]}"/>` +
      whisker +
      `<text x="${end + 4}" y="${y + 10}">${esc(text)}</text>`
    );
  });
  // The category axis named above the labels; the key beside it: the bar is the rate, the whisker its interval.
  const key =
    `<rect x="${labelWidth}" y="2" width="10" height="10" fill="${CHART_COLOURS[0]}"/><text x="${labelWidth + 14}" y="11">Rate per 100,000</text>` +
    `<path d="M${labelWidth + 116} 4V10M${labelWidth + 116} 7H${labelWidth + 130}M${labelWidth + 130} 4V10" stroke="#111" fill="none"/>` +
    `<text x="${labelWidth + 134}" y="11">95% confidence interval</text>`;
  const header = (axes.category ? `<text x="0" y="11" class="axis">${esc(axes.category)}</text>` : '') + key;
  const width = labelWidth + barArea + 130;
  return `${svgOpen(title, width, height)}${svgValueAxis(axis, x, headerHeight, bottom, axes.value)}${header}${parts.join('')}</svg></figure>`;
}

/** A chart of the report model drawn as SVG. */
export function chartSvg(c: Chart): string {
  const axes = { category: c.categoryAxis, value: c.valueAxis };
  return c.kind === 'bars' ? barChart(c.title, c.categories, c.series, axes) : rateChart(c.title, c.points, axes);
}

const formatValue = (f: Figure | undefined): string => {
  if (!f || f.value === null) return '—';
  if (f.value === SUPPRESSED) return SUPPRESSED;
  if (f.unit === 'share') return `${Math.round(f.value * 1000) / 10}%`;
  return String(f.value);
};

/** A local date as a reader writes it: 1 April 2025. */
const longDate = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' }).setLocale('en-GB').toFormat('d MMMM yyyy');

/** The printable page of a report. `timeZone` is the service's, for the generation time. */
export function renderReportHtml(r: Report, timeZone: string): string {
  const generated = DateTime.fromISO(r.generatedAt).setZone(timeZone).setLocale('en-GB').toFormat('d MMM yyyy, HH:mm ZZZZ');
  const filters = Object.entries(r.filters).filter(([, v]) => v !== undefined);
  const sections = sectionsOf(r.figures);
  const charts = chartsOf(r);
  // Each chart stands above the table it is drawn from; one drawn from no table of its own leads the page.
  const chartsAbove = (section: string | undefined) =>
    charts
      .filter((c) => (section === undefined ? !sections.some((s) => s.section === c.section) : c.section === section))
      .map(chartSvg)
      .join('');
  const tables = sections.map((s) => {
    const head = `<tr><th>${esc(s.label)}</th>${s.measures.map((m) => `<th>${esc(m.label)}</th>`).join('')}</tr>`;
    const rows = s.groups.map(
      (g) =>
        `<tr><th scope="row">${esc(g.label)}</th>${s.measures
          .map((m) => {
            const f = s.cell(g.code, m.code);
            const flag = f && m.code.startsWith('under-18-police-station') && typeof f.value === 'number' && f.value > 0 ? ' flag' : '';
            const text = esc(formatValue(f));
            return `<td class="num${flag}">${f?.records ? `<a href="${esc(f.records)}">${text}</a>` : text}</td>`;
          })
          .join('')}</tr>`,
    );
    return `<section>\n<h2>${esc(s.label)}</h2>\n${chartsAbove(s.section)}<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>\n</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${esc(r.title)}: ${esc(r.period.label)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${esc(r.title)}</h1>
<p>Period ${esc(longDate(r.period.from))} to ${esc(longDate(r.period.to))} (${esc(r.period.label)})${filters.length ? `; ${filters.map(([k, v]) => `${esc(k)} = ${esc(v)}`).join(', ')}` : ''}.</p>
<p class="muted">Generated ${esc(generated)}.</p>
${r.suppressed ? '<p class="muted">Small numbers suppressed: counts of 1 to 4 show as [c]; other counts are rounded to the nearest 5.</p>' : ''}
</header>
${chartsAbove(undefined)}
${tables.join('\n')}
<section>
<h2>Definitions</h2>
<ul>${r.definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
</section>
</main>
<footer>Generated ${esc(generated)}. Aggregate figures: no person is named.</footer>
</body>
</html>
`;
}
