import { chooseFormat } from './format';
import { barChart, renderReportHtml, REPORT_HTML_CSP } from './report.html';
import type { Report } from './report.model';

const report = (over: Partial<Report> = {}): Report => ({
  report: 'activity',
  title: 'Activity and outcomes',
  period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
  filters: { team: '"><img src=x onerror=alert(1)>' },
  suppressed: true,
  generatedAt: '2026-12-01T09:00:00.000Z',
  definitions: ['<b>bold</b> definitions'],
  figures: [
    {
      section: 'by-month',
      sectionLabel: 'By month',
      group: '2026-11',
      groupLabel: 'November <2026>',
      measure: 'referrals',
      measureLabel: 'Referrals',
      unit: 'count',
      value: '[c]',
      records: '/reports/activity/records?figure=by-month.2026-11.referrals&period=2026-11',
    },
    {
      section: 'by-month',
      sectionLabel: 'By month',
      group: '2026-11',
      groupLabel: 'November <2026>',
      measure: 'detention-rate',
      measureLabel: 'Detention rate',
      unit: 'share',
      value: 0.467,
    },
  ],
  ...over,
});

describe('the printable report page', () => {
  it('escapes every value it is given, including the filters, labels and links', () => {
    const page = renderReportHtml(report(), 'Europe/London');
    expect(page).not.toContain('<img');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('November &lt;2026&gt;');
    expect(page).toContain('&lt;b&gt;bold&lt;/b&gt; definitions');
    expect(page).toContain('href="/reports/activity/records?figure=by-month.2026-11.referrals&amp;period=2026-11"');
    expect(page).toContain('46.7%');
    expect(page).toContain('Generated 1 Dec 2026, 09:00 GMT');
  });

  it('has no inline style attribute and no script, and its one stylesheet is the one its CSP hashes', () => {
    const page = renderReportHtml(report(), 'Europe/London');
    expect(page).not.toMatch(/\sstyle=|<script|javascript:/i);
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(REPORT_HTML_CSP).not.toContain('unsafe-inline');
  });

  it('draws a bar per value under its visible title, a suppressed value as no bar labelled [c]', () => {
    const svg = barChart('Referrals <by month>', ['Oct', 'Nov'], [{ name: 'Referrals', values: [10, '[c]'] }]);
    expect(svg).toMatch(
      /^<figure><figcaption>Referrals &lt;by month&gt;<\/figcaption><svg xmlns="http:\/\/www.w3.org\/2000\/svg" role="img"/,
    );
    expect(svg).toContain('<title>Referrals &lt;by month&gt;</title>');
    expect(svg).toContain('width="420" height="12"');
    expect(svg).toContain('width="0" height="12"');
    expect(svg).toContain('>[c]</text>');
  });
});

describe('the format of a report', () => {
  it.each([
    ['csv', undefined, 'csv'],
    ['json', 'text/csv', 'json'],
    [undefined, undefined, 'json'],
    [undefined, 'text/csv', 'csv'],
    [undefined, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    [undefined, 'application/json, text/csv;q=0.5', 'json'],
    [undefined, 'application/pdf', 'pdf'],
    [undefined, '*/*', 'json'],
  ] as const)('format=%s with Accept %s gives %s', (format, accept, expected) => {
    expect(chooseFormat(format, accept)).toBe(expected);
  });
});
