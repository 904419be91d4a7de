import { csvField, csvRows, reportCsv } from './csv';
import type { Report } from './report.model';

describe('CSV (RFC 4180) safe to open in a spreadsheet', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "no"', '"say ""no"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+44 1632', "'+44 1632"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    [-3, '-3'],
    [0.25, '0.25'],
    [null, ''],
    ['[c]', '[c]'],
  ])('%j is written %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('ends every row, the last too, with CRLF', () => {
    expect(
      csvRows([
        ['a', 'b'],
        [1, 2],
      ]),
    ).toBe('a,b\r\n1,2\r\n');
  });

  it('writes one row per figure with its codes and labels under a header', () => {
    const report: Report = {
      report: 'activity',
      title: 'Activity and outcomes',
      period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
      filters: {},
      suppressed: false,
      generatedAt: '2026-12-01T09:00:00.000Z',
      definitions: [],
      figures: [
        {
          section: 'by-month',
          sectionLabel: 'By month',
          group: '2026-11',
          groupLabel: 'November 2026',
          measure: 'referrals',
          measureLabel: 'Referrals',
          unit: 'count',
          value: 12,
          records: '/reports/activity/records?figure=by-month.2026-11.referrals&period=2026-11',
        },
      ],
    };
    expect(reportCsv(report)).toBe(
      'report,period,section,section_label,group,group_label,measure,measure_label,unit,value\r\n' +
        'activity,2026-11,by-month,By month,2026-11,November 2026,referrals,Referrals,count,12\r\n',
    );
  });
});
