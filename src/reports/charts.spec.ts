import { chartsOf, valueAxis } from './charts';
import type { Figure, Report } from './report.model';

describe('the value axis of a chart', () => {
  it.each([
    // largest value, step, end, ticks
    // 10 / 5 = 2: steps of 2.
    [10, 2, 10, [0, 2, 4, 6, 8, 10]],
    // 93 / 5 = 18.6: steps of 20, to 100.
    [93, 20, 100, [0, 20, 40, 60, 80, 100]],
    // 1.5 / 5 = 0.3: steps of 0.5.
    [1.5, 0.5, 1.5, [0, 0.5, 1, 1.5]],
    // 410.2 / 5 = 82.04: steps of 100, to 500.
    [410.2, 100, 500, [0, 100, 200, 300, 400, 500]],
    // 11 / 5 = 2.2: steps of 5, to 15 (3 intervals).
    [11, 5, 15, [0, 5, 10, 15]],
    [0, 1, 1, [0, 1]],
  ])('for values up to %p runs in steps of %p to %p', (max, step, end, ticks) => {
    expect(valueAxis(max)).toEqual({ step, end, ticks });
  });

  it('steps by whole numbers for counts: up to 2 in steps of 1, not 0.5', () => {
    expect(valueAxis(2)).toEqual({ step: 0.5, end: 2, ticks: [0, 0.5, 1, 1.5, 2] });
    expect(valueAxis(2, true)).toEqual({ step: 1, end: 2, ticks: [0, 1, 2] });
  });
});

describe('the charts of a report', () => {
  const fig = (section: string, group: string, measure: string, value: Figure['value']): Figure => ({
    section,
    sectionLabel: section,
    group,
    groupLabel: `${group} label`,
    measure,
    measureLabel: measure,
    unit: 'count',
    value,
  });
  const report = (name: Report['report'], figures: Figure[]): Report => ({
    report: name,
    title: name,
    period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
    filters: {},
    suppressed: false,
    generatedAt: '2026-12-01T09:00:00.000Z',
    definitions: [],
    figures,
  });

  it('draws activity by month without the whole-period total, from the figures as shown ([c] included)', () => {
    const [chart] = chartsOf(
      report('activity', [
        fig('by-month', '2026-10', 'referrals', 12),
        fig('by-month', '2026-11', 'referrals', '[c]'),
        fig('by-month', 'total', 'referrals', 15),
      ]),
    );
    expect(chart).toMatchObject({
      kind: 'bars',
      section: 'by-month',
      categoryAxis: 'Month',
      valueAxis: 'Number',
      categories: ['2026-10 label', '2026-11 label'],
    });
    expect(chart.kind === 'bars' && chart.series[0]).toEqual({ name: 'Referrals', values: [12, '[c]'] });
  });

  it('draws a rate chart for each event by broad ethnic group that has rates, and none without a population', () => {
    const withRates = chartsOf(
      report('equity', [
        fig('detentions-by-broad-ethnic-group', 'black', 'rate', 410.2),
        fig('detentions-by-broad-ethnic-group', 'black', 'rate-lower', 300.1),
        fig('detentions-by-broad-ethnic-group', 'black', 'rate-upper', 540.9),
      ]),
    );
    expect(withRates).toEqual([
      expect.objectContaining({
        kind: 'rates',
        section: 'detentions-by-broad-ethnic-group',
        points: [{ label: 'black label', value: 410.2, lower: 300.1, upper: 540.9 }],
      }),
    ]);
    expect(chartsOf(report('equity', [fig('detentions-by-broad-ethnic-group', 'black', 'count', 3)]))).toEqual([]);
  });
});
