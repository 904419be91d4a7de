import { parsePeriod } from './period';
import {
  AGE_BANDS,
  ageBandOf,
  parsePopulationCsv,
  POPULATION_BROAD_GROUPS,
  POPULATION_DETAILED_CODES,
  POPULATION_SEXES,
  populationOf,
  populationYearFor,
} from './populations';

const HEADER = 'year,ageBand,sex,ethnicGroup,population';

/** Every line of a complete year (each age band and sex for each group of its level), `people` in each. */
const completeYear = (
  year: number,
  level: 'broad' | 'detailed',
  people: (band: string, sex: string, group: string) => number = () => 100,
) =>
  AGE_BANDS.flatMap((a) =>
    POPULATION_SEXES.flatMap((x) =>
      (level === 'broad' ? POPULATION_BROAD_GROUPS : POPULATION_DETAILED_CODES).map((g) => `${year},${a},${x},${g},${people(a, x, g)}`),
    ),
  );

describe('the population CSV a manager loads', () => {
  it('reads a well-formed file, with a byte-order mark, CRLF line ends, quoted fields and blank lines', () => {
    const rest = completeYear(2024, 'detailed').filter((l) => !l.startsWith('2024,18-34,female,A,') && !l.startsWith('2024,65+,male,N,'));
    const { rows, errors } = parsePopulationCsv(
      `\uFEFF${HEADER}\r\n2024,18-34,female,A,21500\r\n\r\n"2024","65+",male,"N",900\r\n${rest.join('\r\n')}\r\n`,
    );
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(192);
    expect(rows.slice(0, 2)).toEqual([
      { year: 2024, ageBand: '18-34', sex: 'female', ethnicGroup: 'A', population: 21500 },
      { year: 2024, ageBand: '65+', sex: 'male', ethnicGroup: 'N', population: 900 },
    ]);
  });

  it('takes a complete year: 60 lines in broad groups, 192 in detailed codes, a group of nobody a line of 0', () => {
    const broad = parsePopulationCsv([HEADER, ...completeYear(2025, 'broad', (a, x, g) => (g === 'asian' ? 0 : 7))].join('\n'));
    expect([broad.errors, broad.rows.length]).toEqual([[], 60]);
    const two = parsePopulationCsv([HEADER, ...completeYear(2024, 'detailed'), ...completeYear(2025, 'broad')].join('\n'));
    expect([two.errors, two.rows.length]).toEqual([[], 252]);
  });

  it.each<[string, string[], string, RegExp]>([
    [
      'one line of a year',
      ['2025,65+,female,white,3'],
      'year',
      /2025 is not complete: it has 1 of the 60 lines.*missing 0-15 female white/,
    ],
    ['a year less one line', completeYear(2025, 'broad').slice(1), 'year', /has 59 of the 60 lines.*missing 0-15 female white$/],
    [
      'a detailed year less a code',
      completeYear(2026, 'detailed').filter((l) => !l.endsWith(',S,100')),
      'year',
      /2026 is not complete: it has 180 of the 192 lines/,
    ],
    ['a year of nobody', completeYear(2025, 'broad', () => 0), 'population', /2025 counts nobody/],
    ['more people than any estimate', completeYear(2025, 'broad', () => 999_999_999), 'population', /more than the 70,000,000/],
  ])('refuses %s, at the line the year begins, and keeps nothing', (_name, lines, column, message) => {
    const { rows, errors } = parsePopulationCsv([HEADER, ...completeYear(2024, 'broad'), ...lines].join('\n'));
    expect(rows).toEqual([]);
    expect(errors).toEqual([{ line: 62, column, message: expect.stringMatching(message) }]);
  });

  it.each([
    ['year,age,sex,ethnicGroup,population\n2024,18-34,female,A,1', 1, 'header'],
    [`${HEADER}\n1999,18-34,female,A,1`, 2, 'year'],
    [`${HEADER}\n2024,18-30,female,A,1`, 2, 'ageBand'],
    [`${HEADER}\n2024,18-34,other,A,1`, 2, 'sex'],
    [`${HEADER}\n2024,18-34,female,Z,1`, 2, 'ethnicGroup'],
    [`${HEADER}\n2024,18-34,female,A,-3`, 2, 'population'],
    [`${HEADER}\n2024,18-34,female,A,1.5`, 2, 'population'],
    [`${HEADER}\n2024,18-34,female,A`, 2, 'line'],
    [`${HEADER}\n2024,18-34,female,"A,1`, 2, 'line'],
    [`${HEADER}\n2024,18-34,female,A,1\n2024,18-34,female,A,2`, 3, 'ethnicGroup'],
    [`${HEADER}\n2024,18-34,female,A,1\n2024,18-34,male,white,2`, 3, 'ethnicGroup'],
    [`${HEADER}\n`, 2, 'line'],
  ])('refuses %j at line %i, column %s, and keeps nothing', (text, line, column) => {
    const { rows, errors } = parsePopulationCsv(text);
    expect(rows).toEqual([]);
    expect(errors[0]).toMatchObject({ line, column });
  });

  it('names every bad line, not only the first', () => {
    const { errors } = parsePopulationCsv(`${HEADER}\n2024,18-34,female,A,1\n2024,x,female,A,1\n2024,18-34,male,Q,1`);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'ageBand'],
      [4, 'ethnicGroup'],
    ]);
  });
});

describe('the population a rate uses', () => {
  it.each([
    ['2026-11', [2021, 2024, 2025], 2025],
    ['FY2024', [2024, 2025], 2024], // April 2024 - March 2025: its middle (1 Oct 2024) is nearest 30 June 2024
    ['2027-Q4', [2021, 2024], 2024],
    ['2020-01', [2021, 2024], 2021],
    ['2026-11', [], undefined],
  ])('a period of %s with years %j loaded uses %s', (period, years, expected) => {
    expect(populationYearFor(parsePeriod({ period }, 'Europe/London', '2999-12-31'), years)).toBe(expected);
  });

  it.each([
    [null, 'not-known'],
    [0, '0-15'],
    [15, '0-15'],
    [16, '16-17'],
    [17, '16-17'],
    [18, '18-34'],
    [34, '18-34'],
    [35, '35-49'],
    [49, '35-49'],
    [50, '50-64'],
    [64, '50-64'],
    [65, '65+'],
    [101, '65+'],
  ])('an age of %s is in band %s', (age, band) => expect(ageBandOf(age)).toBe(band));

  it('adds the lines of a group: broad groups from detailed codes; no detailed code from a year loaded in broad groups', () => {
    const detailed = [
      { year: 2024, ageBand: '18-34', sex: 'female', ethnicGroup: 'A', population: 1000 },
      { year: 2024, ageBand: '18-34', sex: 'male', ethnicGroup: 'B', population: 200 },
      { year: 2024, ageBand: '65+', sex: 'female', ethnicGroup: 'N', population: 30 },
    ] as const;
    expect(populationOf([...detailed], { dimension: 'all' })).toBe(1230);
    expect(populationOf([...detailed], { dimension: 'broad', group: 'white' })).toBe(1200);
    expect(populationOf([...detailed], { dimension: 'broad', group: 'black' })).toBe(30);
    expect(populationOf([...detailed], { dimension: 'broad', group: 'not-stated' })).toBeUndefined();
    expect(populationOf([...detailed], { dimension: 'detailed', code: 'B' })).toBe(200);
    expect(populationOf([...detailed], { dimension: 'age-band', band: '18-34' })).toBe(1200);
    expect(populationOf([...detailed], { dimension: 'sex', sex: 'female' })).toBe(1030);
    const broad = [{ year: 2024, ageBand: '18-34' as const, sex: 'female' as const, ethnicGroup: 'white', population: 5 }];
    expect(populationOf(broad, { dimension: 'detailed', code: 'A' })).toBeUndefined();
    expect(populationOf(broad, { dimension: 'broad', group: 'white' })).toBe(5);
    expect(populationOf([], { dimension: 'all' })).toBeUndefined();
  });
});
