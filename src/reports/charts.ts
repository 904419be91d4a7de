/**
 * The charts of each report, defined once and drawn twice: as SVG in the printable page (report.html.ts) and as
 * vector graphics in the PDF (report.pdf.ts). A chart is drawn from the figures as shown (suppressed or not), so it
 * can never say more than the table under it. Pure.
 */
import type { FigureValue, Report } from './report.model';
import { sectionsOf } from './sections';

export interface ChartSeries {
  name: string;
  values: FigureValue[];
}

/** One category of a rate chart: the rate and its 95% interval (null or [c]: nothing drawn, the value written). */
export interface RatePoint {
  label: string;
  value: FigureValue;
  lower: FigureValue;
  upper: FigureValue;
}

interface ChartBase {
  /** The section whose table the chart stands above (its figures are drawn from that table, or from the whole report). */
  section: string;
  title: string;
  /** What the categories are (the rows: months, steps, groups...). */
  categoryAxis: string;
  /** What the bars measure, with its unit. */
  valueAxis: string;
}
export type Chart =
  (ChartBase & { kind: 'bars'; categories: string[]; series: ChartSeries[] }) | (ChartBase & { kind: 'rates'; points: RatePoint[] });

export const CHART_COLOURS = ['#1f4e79', '#c55a11', '#548235', '#7030a0'];

/** A number a chart can draw: a suppressed or missing value is no bar. */
export const drawable = (v: FigureValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, v) : 0);

/** The value axis for a chart's values: whole steps when every value is a whole number. */
export const axisFor = (values: FigureValue[]) => {
  const drawn = values.map(drawable);
  return valueAxis(
    Math.max(0, ...drawn),
    drawn.every((v) => Number.isInteger(v)),
  );
};

/** A value as a chart writes it beside its bar: `-` for none, [c] for suppressed. */
export const chartLabel = (v: FigureValue | undefined): string => (v === null || v === undefined ? '-' : String(v));

/**
 * The value axis of a chart whose largest value is `max`: a round step (1, 2 or 5 × 10ⁿ) of at least a fifth of it
 * (so 2 to 5 intervals), and the axis's end, the first multiple of the step at or above `max` (1 when nothing is
 * above 0). `whole`: the values are whole numbers (counts), so the step is at least 1.
 */
export function valueAxis(max: number, whole = false): { step: number; end: number; ticks: number[] } {
  if (!(max > 0)) return { step: 1, end: 1, ticks: [0, 1] };
  // Counts are whole: their axis never steps by less than 1.
  const raw = whole ? Math.max(1, max / 5) : max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * power).find((s) => s >= raw)!;
  const end = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= end + step / 2; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return { step, end, ticks };
}

/** The charts of a report, in the order of the sections they stand above. */
export function chartsOf(r: Report): Chart[] {
  const sections = sectionsOf(r.figures);
  const find = (s: string) => sections.find((x) => x.section === s);
  const bars = (
    section: string,
    title: string,
    axes: { category: string; value: string },
    measures: Array<[string, string]>,
    skip: string[] = [],
  ): Chart[] => {
    const s = find(section);
    if (!s) return [];
    const groups = s.groups.filter((g) => !skip.includes(g.code));
    if (!groups.length) return [];
    return [
      {
        kind: 'bars',
        section,
        title,
        categoryAxis: axes.category,
        valueAxis: axes.value,
        categories: groups.map((g) => g.label),
        series: measures.map(([m, name]) => ({ name, values: groups.map((g) => s.cell(g.code, m)?.value ?? null) })),
      },
    ];
  };
  switch (r.report) {
    case 'activity':
      return bars(
        'by-month',
        'Referrals, assessments and detentions by month',
        { category: 'Month', value: 'Number' },
        [
          ['referrals', 'Referrals'],
          ['arranged', 'Assessments arranged'],
          ['detentions', 'Detentions'],
        ],
        ['total'],
      );
    case 'timeliness':
      return [
        ...bars('distribution', 'Referral received → decision: how many took how long', { category: 'Time taken', value: 'Referrals' }, [
          ['referrals', 'Referrals'],
        ]),
        ...bars('all', 'Step times (minutes): median and 90th percentile', { category: 'Step', value: 'Minutes' }, [
          ['median', 'Median'],
          ['p90', '90th percentile'],
        ]),
      ];
    case 'equity':
      // Rates per 100,000 with their intervals, by broad ethnic group, for each event (none without a population).
      return sections
        .filter((x) => x.section.endsWith('-by-broad-ethnic-group') && x.measures.some((m) => m.code === 'rate'))
        .map((x) => ({
          kind: 'rates' as const,
          section: x.section,
          title: `${x.label}: rate per 100,000 with 95% confidence interval`,
          categoryAxis: 'Broad ethnic group',
          valueAxis: 'Rate per 100,000 (bar) and 95% confidence interval (whisker)',
          points: x.groups
            .filter((g) => x.cell(g.code, 'rate'))
            .map((g) => ({
              label: g.label,
              value: x.cell(g.code, 'rate')!.value,
              lower: x.cell(g.code, 'rate-lower')?.value ?? null,
              upper: x.cell(g.code, 'rate-upper')?.value ?? null,
            })),
        }));
    case 'repeat-assessments':
      return bars(
        'assessments-in-12-months',
        'People assessed in the period, by their assessments in 12 months',
        { category: 'Assessments in 12 months', value: 'People' },
        [['people', 'People']],
      );
    case 'out-of-area':
      return bars(
        'other-areas-residents',
        "Other areas' residents referred here, by their council",
        { category: 'Council', value: 'Referrals' },
        [
          ['referrals', 'Referrals'],
          ['assessed-here', 'Assessed here'],
        ],
        ['total'],
      );
    case 'beds-and-conveyance':
      return [
        ...bars('steps', 'Decision → bed → conveyance (minutes): median and 90th percentile', { category: 'Step', value: 'Minutes' }, [
          ['median', 'Median'],
          ['p90', '90th percentile'],
        ]),
        ...bars('conveyance-mode', 'Conveyances by mode', { category: 'Mode', value: 'Conveyances' }, [['conveyances', 'Conveyances']]),
      ];
    case 'workforce':
      return [
        ...bars('amhps', 'AMHPs by profession: headcount and FTE', { category: 'Profession', value: 'AMHPs (headcount) and FTE' }, [
          ['headcount', 'Headcount'],
          ['fte', 'FTE'],
        ]),
        ...bars('rota', 'Rota: AMHPs required and filled', { category: 'Shifts', value: 'AMHP places' }, [
          ['required', 'Required'],
          ['filled', 'Filled'],
        ]),
      ];
    case 'my-workload':
      return bars('by-month', 'Assessments led by month', { category: 'Month', value: 'Assessments' }, [
        ['led', 'Assessments led'],
        ['out-of-hours', 'Out of hours or weekend'],
      ]);
    case 'out-of-hours':
      return [
        ...bars(
          'by-type',
          'Out-of-hours decisions by type',
          { category: 'Type of decision', value: 'Decisions' },
          [['decisions', 'Decisions']],
          ['total'],
        ),
        ...bars('sac-typeOfRisk', 's.42 decisions by type of risk (SG2a)', { category: 'Type of risk', value: 's.42 decisions' }, [
          ['decisions', 's.42 decisions'],
        ]),
      ];
    case 'returns-sac':
      return bars(
        'SG2a',
        'SG2a: concluded section 42 enquiries by type of risk',
        { category: 'Type of risk', value: 'Concluded s.42 enquiries' },
        [['concluded-enquiries', 'Concluded s.42 enquiries']],
      );
    case 'returns-guardianship': {
      const t = find('new-s7');
      if (!t) return [];
      const sexes = t.groups.filter((g) => g.code !== 'all');
      return [
        {
          kind: 'bars',
          section: 'new-s7',
          title: 'New s.7 cases by sex and guardian type',
          categoryAxis: 'Sex',
          valueAxis: 'New cases',
          categories: sexes.map((g) => g.label),
          series: t.measures
            .filter((m) => m.code !== 'all')
            .map((m) => ({ name: m.label, values: sexes.map((g) => t.cell(g.code, m.code)?.value ?? null) })),
        },
      ];
    }
    case 'returns-workforce-survey':
      return bars('profession', 'AMHPs by profession', { category: 'Profession', value: 'AMHPs (headcount) and FTE' }, [
        ['headcount', 'Headcount'],
        ['fte', 'FTE'],
      ]);
    case 'data-quality': {
      const missing = r.figures.filter((f) => !['referrals', 'decided', 's42-decisions', 'dols-decisions'].includes(f.measure));
      if (!missing.length) return [];
      return [
        {
          kind: 'bars',
          section: r.figures[0].section,
          title: 'Records missing a code or a time',
          categoryAxis: 'What is missing',
          valueAxis: 'Records',
          categories: missing.map((f) => f.measureLabel),
          series: [{ name: 'Records', values: missing.map((f) => f.value) }],
        },
      ];
    }
    case 'places-of-safety':
      return bars('place-type', 'Detentions by type of place of safety', { category: 'Place of safety', value: 'Detentions' }, [
        ['detentions', 'Detentions'],
        ['under-18', 'Of whom under 18'],
      ]);
  }
}
