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
import type { Figure, FigureValue, Report } from './report.model';

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; max-width: 200mm; margin: 0 auto; padding: 16px; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 12pt; margin: 18px 0 6px; border-bottom: 1.5px solid #333; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; font-size: 9pt; }
th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.muted { color: #555; }
.flag { color: #a00000; font-weight: 600; }
figure { margin: 14px 0 0; }
figcaption { font-weight: bold; font-size: 9.5pt; }
svg { display: block; margin: 6px 0 12px; max-width: 100%; }
svg text { font: 8pt system-ui, Arial, sans-serif; fill: #111; }
footer { margin-top: 20px; border-top: 1px solid #bbb; font-size: 8pt; color: #555; }
`;

/** The CSP of the report pages: nothing runs, nothing loads, and only the page's own stylesheet applies. */
export const REPORT_HTML_CSP = `default-src 'none'; script-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const COLOURS = ['#1f4e79', '#c55a11', '#548235', '#7030a0'];

export interface ChartSeries {
  name: string;
  values: FigureValue[];
}

const shown = (v: FigureValue | undefined): string => (v === null || v === undefined ? '—' : String(v));
const numeric = (v: FigureValue | undefined): number => (typeof v === 'number' ? v : 0);

/**
 * A horizontal grouped bar chart: one row per category, one bar per series, each labelled with its value ([c] for a
 * suppressed one, drawn as no bar). Values are text in the SVG, so the chart is read by a screen reader too.
 */
export function barChart(title: string, categories: string[], series: ChartSeries[]): string {
  const labelWidth = 200;
  const barArea = 420;
  const barHeight = 12;
  const rowHeight = series.length * (barHeight + 2) + 8;
  const legendHeight = 18;
  const height = legendHeight + categories.length * rowHeight + 4;
  const max = Math.max(1, ...series.flatMap((s) => s.values.map(numeric)));
  const parts: string[] = [];
  series.forEach((s, i) => {
    parts.push(
      `<rect x="${labelWidth + i * 150}" y="2" width="10" height="10" fill="${COLOURS[i % COLOURS.length]}"/><text x="${labelWidth + i * 150 + 14}" y="11">${esc(s.name)}</text>`,
    );
  });
  categories.forEach((c, row) => {
    const y0 = legendHeight + row * rowHeight;
    parts.push(`<text x="0" y="${y0 + rowHeight / 2 + 3}">${esc(c)}</text>`);
    series.forEach((s, i) => {
      const v = s.values[row];
      const w = Math.round((numeric(v) / max) * barArea);
      const y = y0 + 4 + i * (barHeight + 2);
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${COLOURS[i % COLOURS.length]}"/><text x="${labelWidth + w + 4}" y="${y + barHeight - 2}">${esc(shown(v))}</text>`,
      );
    });
  });
  const width = labelWidth + barArea + 60;
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${esc(title)}"><title>${esc(title)}</title>${parts.join('')}</svg></figure>`;
}

/** One category of a rate chart: the rate and its 95% interval (null or [c]: nothing drawn, the value written). */
export interface RatePoint {
  label: string;
  value: FigureValue;
  lower: FigureValue;
  upper: FigureValue;
}

/**
 * A horizontal chart of rates with their 95% confidence intervals as whiskers: one row per category, a bar to the
 * rate and a line from the lower to the upper limit, labelled with the rate and interval as text.
 */
export function rateChart(title: string, points: RatePoint[]): string {
  const labelWidth = 200;
  const barArea = 380;
  const rowHeight = 18;
  const height = points.length * rowHeight + 6;
  const max = Math.max(1, ...points.flatMap((p) => [numeric(p.value), numeric(p.upper)]));
  const x = (v: number) => labelWidth + Math.round((v / max) * barArea);
  const parts = points.map((p, row) => {
    const y = 4 + row * rowHeight;
    const mid = y + 6;
    const text = typeof p.value === 'number' ? `${p.value} (${shown(p.lower)}-${shown(p.upper)})` : shown(p.value);
    const whisker =
      typeof p.value === 'number' && typeof p.lower === 'number' && typeof p.upper === 'number'
        ? `<line x1="${x(p.lower)}" y1="${mid}" x2="${x(p.upper)}" y2="${mid}" stroke="#111" stroke-width="1.5"/>` +
          `<line x1="${x(p.lower)}" y1="${y + 1}" x2="${x(p.lower)}" y2="${y + 11}" stroke="#111"/>` +
          `<line x1="${x(p.upper)}" y1="${y + 1}" x2="${x(p.upper)}" y2="${y + 11}" stroke="#111"/>`
        : '';
    const end = Math.max(x(numeric(p.value)), typeof p.upper === 'number' ? x(p.upper) : 0);
    return (
      `<text x="0" y="${y + 10}">${esc(p.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 2}" width="${x(numeric(p.value)) - labelWidth}" height="8" fill="${COLOURS[0]}"/>` +
      whisker +
      `<text x="${end + 4}" y="${y + 10}">${esc(text)}</text>`
    );
  });
  const width = labelWidth + barArea + 130;
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${esc(title)}"><title>${esc(title)}</title>${parts.join('')}</svg></figure>`;
}

/** The sections of a report in order, each with its groups (rows) and measures (columns) in the order first seen. */
export function sectionsOf(figures: readonly Figure[]): Array<{
  section: string;
  label: string;
  groups: Array<{ code: string; label: string }>;
  measures: Array<{ code: string; label: string }>;
  cell: (group: string, measure: string) => Figure | undefined;
}> {
  const order: string[] = [];
  const by = new Map<string, Figure[]>();
  for (const f of figures) {
    if (!by.has(f.section)) order.push(f.section);
    by.set(f.section, [...(by.get(f.section) ?? []), f]);
  }
  return order.map((section) => {
    const fs = by.get(section)!;
    const uniq = (key: 'group' | 'measure', label: 'groupLabel' | 'measureLabel') => {
      const seen = new Map<string, string>();
      for (const f of fs) if (!seen.has(f[key])) seen.set(f[key], f[label]);
      return [...seen].map(([code, l]) => ({ code, label: l }));
    };
    const index = new Map(fs.map((f) => [`${f.group}\u0000${f.measure}`, f]));
    return {
      section,
      label: fs[0].sectionLabel,
      groups: uniq('group', 'groupLabel'),
      measures: uniq('measure', 'measureLabel'),
      cell: (g: string, m: string) => index.get(`${g}\u0000${m}`),
    };
  });
}

const formatValue = (f: Figure | undefined): string => {
  if (!f || f.value === null) return '—';
  if (f.value === SUPPRESSED) return SUPPRESSED;
  if (f.unit === 'share') return `${Math.round(f.value * 1000) / 10}%`;
  return String(f.value);
};

/** The charts of each report: bars by month (activity), step times (timeliness), places of safety by type. */
function charts(r: Report): string {
  const sections = sectionsOf(r.figures);
  const find = (s: string) => sections.find((x) => x.section === s);
  if (r.report === 'activity') {
    const s = find('by-month');
    if (!s) return '';
    const months = s.groups.filter((g) => g.code !== 'total');
    const series = (m: string, name: string) => ({ name, values: months.map((g) => s.cell(g.code, m)?.value ?? null) });
    return barChart(
      'Referrals, assessments and detentions by month',
      months.map((g) => g.label),
      [series('referrals', 'Referrals'), series('arranged', 'Assessments arranged'), series('detentions', 'Detentions')],
    );
  }
  if (r.report === 'timeliness') {
    const s = find('all');
    const d = find('distribution');
    if (!s || !d) return '';
    const distribution = barChart(
      'Referral received → decision: how many took how long',
      d.groups.map((g) => g.label),
      [{ name: 'Referrals', values: d.groups.map((g) => d.cell(g.code, 'referrals')?.value ?? null) }],
    );
    return (
      distribution +
      barChart(
        'Step times (minutes): median and 90th percentile',
        s.groups.map((g) => g.label),
        [
          { name: 'Median', values: s.groups.map((g) => s.cell(g.code, 'median')?.value ?? null) },
          { name: '90th percentile', values: s.groups.map((g) => s.cell(g.code, 'p90')?.value ?? null) },
        ],
      )
    );
  }
  if (r.report === 'equity') {
    // Rates per 100,000 with their intervals, by broad ethnic group, for each event (none without a population).
    return sections
      .filter((x) => x.section.endsWith('-by-broad-ethnic-group') && x.measures.some((m) => m.code === 'rate'))
      .map((x) =>
        rateChart(
          `${x.label}: rate per 100,000 with 95% confidence interval`,
          x.groups
            .filter((g) => x.cell(g.code, 'rate'))
            .map((g) => ({
              label: g.label,
              value: x.cell(g.code, 'rate')!.value,
              lower: x.cell(g.code, 'rate-lower')?.value ?? null,
              upper: x.cell(g.code, 'rate-upper')?.value ?? null,
            })),
        ),
      )
      .join('');
  }
  if (r.report === 'repeat-assessments') {
    const s = find('assessments-in-12-months');
    if (!s) return '';
    return barChart(
      'People assessed in the period, by their assessments in 12 months',
      s.groups.map((g) => g.label),
      [{ name: 'People', values: s.groups.map((g) => s.cell(g.code, 'people')?.value ?? null) }],
    );
  }
  if (r.report === 'out-of-area') {
    const s = find('other-areas-residents');
    if (!s) return '';
    const groups = s.groups.filter((g) => g.code !== 'total');
    return barChart(
      "Other areas' residents referred here, by their council",
      groups.map((g) => g.label),
      [
        { name: 'Referrals', values: groups.map((g) => s.cell(g.code, 'referrals')?.value ?? null) },
        { name: 'Assessed here', values: groups.map((g) => s.cell(g.code, 'assessed-here')?.value ?? null) },
      ],
    );
  }
  if (r.report === 'beds-and-conveyance' || r.report === 'workforce' || r.report === 'my-workload' || r.report === 'out-of-hours')
    return opsCharts(r.report, find);
  if (r.report === 'returns-sac') {
    const t = find('SG2a');
    if (!t) return '';
    return barChart(
      'SG2a: section 42 enquiries by type of risk',
      t.groups.map((g) => g.label),
      [{ name: 'Section 42 enquiries', values: t.groups.map((g) => t.cell(g.code, 's42-enquiries')?.value ?? null) }],
    );
  }
  if (r.report === 'returns-guardianship') {
    const t = find('new-s7');
    if (!t) return '';
    const sexes = t.groups.filter((g) => g.code !== 'all');
    return barChart(
      'New s.7 cases by sex and guardian type',
      sexes.map((g) => g.label),
      t.measures
        .filter((m) => m.code !== 'all')
        .map((m) => ({ name: m.label, values: sexes.map((g) => t.cell(g.code, m.code)?.value ?? null) })),
    );
  }
  if (r.report === 'returns-workforce-survey') {
    const t = find('profession');
    if (!t) return '';
    return barChart(
      'AMHPs by profession',
      t.groups.map((g) => g.label),
      [
        { name: 'Headcount', values: t.groups.map((g) => t.cell(g.code, 'headcount')?.value ?? null) },
        { name: 'FTE', values: t.groups.map((g) => t.cell(g.code, 'fte')?.value ?? null) },
      ],
    );
  }
  if (r.report === 'data-quality') {
    const missing = r.figures.filter((f) => !['referrals', 'decided', 's42-decisions', 'dols-decisions'].includes(f.measure));
    return barChart(
      'Records missing a code or a time',
      missing.map((f) => f.measureLabel),
      [{ name: 'Records', values: missing.map((f) => f.value) }],
    );
  }
  const s = find('place-type');
  if (!s) return '';
  return barChart(
    'Detentions by type of place of safety',
    s.groups.map((g) => g.label),
    [
      { name: 'Detentions', values: s.groups.map((g) => s.cell(g.code, 'detentions')?.value ?? null) },
      { name: 'Of whom under 18', values: s.groups.map((g) => s.cell(g.code, 'under-18')?.value ?? null) },
    ],
  );
}

/** The printable page of a report. `timeZone` is the service's, for the generation time. */
export function renderReportHtml(r: Report, timeZone: string): string {
  const generated = DateTime.fromISO(r.generatedAt).setZone(timeZone).setLocale('en-GB').toFormat('d MMM yyyy, HH:mm ZZZZ');
  const filters = Object.entries(r.filters).filter(([, v]) => v !== undefined);
  const tables = sectionsOf(r.figures).map((s) => {
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
    return `<h2>${esc(s.label)}</h2>\n<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
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
<header>
<h1>${esc(r.title)}</h1>
<p>Period ${esc(r.period.from)} to ${esc(r.period.to)} (${esc(r.period.label)})${filters.length ? `; ${filters.map(([k, v]) => `${esc(k)} = ${esc(v)}`).join(', ')}` : ''}.</p>
${r.suppressed ? '<p class="muted">Small numbers suppressed: counts of 1 to 4 show as [c]; other counts are rounded to the nearest 5.</p>' : ''}
</header>
${charts(r)}
${tables.join('\n')}
<h2>Definitions</h2>
<ul>${r.definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
<footer>Generated ${esc(generated)}. Aggregate figures: no person is named.</footer>
</body>
</html>
`;
}

/** The charts of the operational reports: bed and conveyance times, rota fill, own workload by month, decisions by type. */
function opsCharts(
  report: 'beds-and-conveyance' | 'workforce' | 'my-workload' | 'out-of-hours',
  find: (section: string) => ReturnType<typeof sectionsOf>[number] | undefined,
): string {
  const bars = (section: string, title: string, measures: Array<[string, string]>, skip: string[] = []) => {
    const s = find(section);
    if (!s) return '';
    const groups = s.groups.filter((g) => !skip.includes(g.code));
    return barChart(
      title,
      groups.map((g) => g.label),
      measures.map(([m, name]) => ({ name, values: groups.map((g) => s.cell(g.code, m)?.value ?? null) })),
    );
  };
  if (report === 'beds-and-conveyance')
    return (
      bars('steps', 'Decision → bed → conveyance (minutes): median and 90th percentile', [
        ['median', 'Median'],
        ['p90', '90th percentile'],
      ]) + bars('conveyance-mode', 'Conveyances by mode', [['conveyances', 'Conveyances']])
    );
  if (report === 'workforce')
    return (
      bars('amhps', 'AMHPs by profession: headcount and FTE', [
        ['headcount', 'Headcount'],
        ['fte', 'FTE'],
      ]) +
      bars('rota', 'Rota: AMHPs required and filled', [
        ['required', 'Required'],
        ['filled', 'Filled'],
      ])
    );
  if (report === 'my-workload')
    return bars('by-month', 'Assessments led by month', [
      ['led', 'Assessments led'],
      ['out-of-hours', 'Out of hours or weekend'],
    ]);
  return (
    bars('by-type', 'Out-of-hours decisions by type', [['decisions', 'Decisions']], ['total']) +
    bars('sac-typeOfRisk', 's.42 decisions by type of risk (SG2a)', [['decisions', 's.42 decisions']])
  );
}
