import { pdfText } from '../../test/support/pdf-text';
import type { Figure, Report } from './report.model';
import { renderReportPdf } from './report.pdf';

const fig = (
  section: string,
  sectionLabel: string,
  group: string,
  measure: string,
  measureLabel: string,
  value: Figure['value'],
): Figure => ({
  section,
  sectionLabel,
  group,
  groupLabel: `Group ${group}`,
  measure,
  measureLabel,
  unit: 'minutes',
  value,
});

const timeliness: Report = {
  report: 'timeliness',
  title: 'Timeliness of each step',
  period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
  filters: {},
  suppressed: false,
  generatedAt: '2026-12-01T09:00:00.000Z',
  definitions: ['Minutes between the steps.'],
  figures: [
    fig('all', 'All referrals', 'screening', 'median', 'Median (minutes)', 30),
    fig('all', 'All referrals', 'screening', 'p90', '90th percentile (minutes)', 125),
    fig('all', 'All referrals', 'allocation', 'median', 'Median (minutes)', '[c]'),
    fig('all', 'All referrals', 'allocation', 'p90', '90th percentile (minutes)', null),
  ],
};

describe('the PDF of a report', () => {
  it('draws each chart with its title, axes and legend, then the table it is drawn from', async () => {
    const { text, pageCount } = pdfText(await renderReportPdf(timeliness, 'Europe/London'));
    expect(pageCount).toBe(1);
    const at = (s: string) => {
      const i = text.indexOf(s);
      if (i < 0) throw new Error(`not in the PDF: ${s}`);
      return i;
    };
    // Section heading, chart title, the value axis (its ticks and title), the category axis, the legend, each bar's
    // label and value, then the table (its header, its rows).
    const order = [
      '\nAll referrals\n',
      '\nStep times (minutes): median and 90th percentile\n',
      '\n0\n50\n100\n150\nMinutes\n',
      '\nStep\n',
      '\nMedian\n90th percentile\n',
      '\nGroup screening\n30\n125\n',
      '\nGroup allocation\n[c]\n-\n',
      '\nMedian (minutes)\n',
      '\nDefinitions\n',
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
