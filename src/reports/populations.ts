/**
 * The population table the council loads (ONS mid-year estimates), as the denominators of the equity report: the
 * CSV it is loaded from, checked line by line; the year used for a period; the age band of an age; and the
 * population of a group. Pure: no Nest, no I/O.
 */
import { ETHNIC_CATEGORY_LABELS } from '../statute/code-lists';
import { BROAD_ETHNIC_GROUPS, broadEthnicGroup, type BroadEthnicGroup } from './equity-stats';
import type { ReportPeriod } from './period';

/** The age bands of the national Mental Health Act statistics. */
export const AGE_BANDS = ['0-15', '16-17', '18-34', '35-49', '50-64', '65+'] as const;
export type AgeBandCode = (typeof AGE_BANDS)[number];
export const AGE_BAND_LABELS: Record<AgeBandCode, string> = {
  '0-15': '15 and under',
  '16-17': '16-17',
  '18-34': '18-34',
  '35-49': '35-49',
  '50-64': '50-64',
  '65+': '65 and over',
};

/** The sexes an ONS estimate gives. */
export const POPULATION_SEXES = ['female', 'male'] as const;
export type PopulationSex = (typeof POPULATION_SEXES)[number];

/** The broad groups a population is estimated for (not "not stated" or "not known"). */
export const POPULATION_BROAD_GROUPS = BROAD_ETHNIC_GROUPS.filter((g) => g !== 'not-stated' && g !== 'not-known');
/** The detailed NHS ethnic category codes a population is estimated for (A to S). */
export const POPULATION_DETAILED_CODES = Object.keys(ETHNIC_CATEGORY_LABELS).filter((c) => c !== 'Z' && c !== '99');

export const POPULATION_CSV_COLUMNS = ['year', 'ageBand', 'sex', 'ethnicGroup', 'population'] as const;
/** The most lines one file may hold (a year in detailed groups is 6 × 2 × 16 = 192 lines). */
export const POPULATION_CSV_MAX_LINES = 5000;
/**
 * More people than a year's estimate for any council can count (the United Kingdom has about 69 million): a total
 * above it is a mistyped file, and its rates would be wrong by orders of magnitude.
 */
export const POPULATION_YEAR_MAX = 70_000_000;

export interface PopulationRow {
  year: number;
  ageBand: AgeBandCode;
  sex: PopulationSex;
  /** A broad group (white, mixed, asian, black, other) or an NHS ethnic category code (A to S). */
  ethnicGroup: string;
  population: number;
}

export interface CsvError {
  line: number;
  column: string;
  message: string;
}

/** The fields of one CSV line (RFC 4180: quoted fields, doubled quotes), or undefined when a quote is left open. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  out.push(field);
  return out.map((f) => f.trim());
}

/** Whether a code is at the broad level (white, mixed...) rather than a detailed category (A to S). */
export const isBroadCode = (code: string): boolean => (POPULATION_BROAD_GROUPS as readonly string[]).includes(code);

/**
 * The rows of a population CSV, or every error found (line numbers count the header as line 1). The header must
 * name the five columns in order; each line: a year (2000-2100), an age band, female or male, a broad ethnic group
 * or an NHS ethnic category code A-S, and a whole number of people of 0 or more. A line may appear once per year,
 * age band, sex and group, and one year uses either broad groups or detailed codes, never both (its rates would
 * count people twice). Each year must then be complete and plausible (incompleteYears). Blank lines are skipped.
 */
export function parsePopulationCsv(text: string): { rows: PopulationRow[]; errors: CsvError[] } {
  const errors: CsvError[] = [];
  const rows: PopulationRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = fields(lines[0] ?? '');
  if (!header || header.join(',').toLowerCase() !== POPULATION_CSV_COLUMNS.join(',').toLowerCase()) {
    return { rows, errors: [{ line: 1, column: 'header', message: `must be ${POPULATION_CSV_COLUMNS.join(',')}` }] };
  }
  if (lines.length - 1 > POPULATION_CSV_MAX_LINES) {
    return { rows, errors: [{ line: POPULATION_CSV_MAX_LINES + 2, column: 'file', message: `at most ${POPULATION_CSV_MAX_LINES} lines` }] };
  }
  const seen = new Map<string, number>();
  const levelOfYear = new Map<number, { broad: boolean; line: number }>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (!raw.trim()) return;
    const f = fields(raw);
    if (!f) return errors.push({ line, column: 'line', message: 'has a quote that is not closed' });
    if (f.length !== POPULATION_CSV_COLUMNS.length)
      return errors.push({ line, column: 'line', message: `has ${f.length} fields, not ${POPULATION_CSV_COLUMNS.length}` });
    const [year, ageBand, sex, ethnicGroup, population] = f;
    const before = errors.length;
    if (!/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100)
      errors.push({ line, column: 'year', message: 'must be a year from 2000 to 2100' });
    if (!(AGE_BANDS as readonly string[]).includes(ageBand))
      errors.push({ line, column: 'ageBand', message: `must be one of ${AGE_BANDS.join(', ')}` });
    if (!(POPULATION_SEXES as readonly string[]).includes(sex)) errors.push({ line, column: 'sex', message: 'must be female or male' });
    if (!isBroadCode(ethnicGroup) && !POPULATION_DETAILED_CODES.includes(ethnicGroup))
      errors.push({
        line,
        column: 'ethnicGroup',
        message: `must be a broad group (${POPULATION_BROAD_GROUPS.join(', ')}) or an NHS ethnic category code A-S`,
      });
    if (!/^\d{1,9}$/.test(population)) errors.push({ line, column: 'population', message: 'must be a whole number of 0 or more' });
    if (errors.length > before) return;
    const key = [year, ageBand, sex, ethnicGroup].join('|');
    const first = seen.get(key);
    if (first !== undefined)
      return errors.push({ line, column: 'ethnicGroup', message: `repeats line ${first} (same year, age band, sex and group)` });
    seen.set(key, line);
    const level = levelOfYear.get(Number(year));
    if (level && level.broad !== isBroadCode(ethnicGroup))
      return errors.push({
        line,
        column: 'ethnicGroup',
        message: `mixes broad groups and detailed codes in ${year} (line ${level.line} uses ${level.broad ? 'broad groups' : 'detailed codes'})`,
      });
    if (!level) levelOfYear.set(Number(year), { broad: isBroadCode(ethnicGroup), line });
    rows.push({
      year: Number(year),
      ageBand: ageBand as AgeBandCode,
      sex: sex as PopulationSex,
      ethnicGroup,
      population: Number(population),
    });
  });
  if (!errors.length && !rows.length) errors.push({ line: 2, column: 'line', message: 'no population lines after the header' });
  if (!errors.length) errors.push(...incompleteYears(rows, levelOfYear));
  return { rows: errors.length ? [] : rows, errors };
}

/**
 * A year's rows are the denominators of every rate of the periods nearest it, and replace the year whole: so a year
 * must be complete (every age band and sex for every group of its level: 60 lines in broad groups, 192 in detailed
 * codes; a group with nobody is a line of 0) and count somebody, and no more than POPULATION_YEAR_MAX. One error per
 * year that is not, at the line where the year begins, naming the lines it lacks.
 */
function incompleteYears(rows: readonly PopulationRow[], levelOfYear: ReadonlyMap<number, { broad: boolean; line: number }>): CsvError[] {
  const errors: CsvError[] = [];
  for (const [year, { broad, line }] of levelOfYear) {
    const ofYear = rows.filter((r) => r.year === year);
    const have = new Set(ofYear.map((r) => [r.ageBand, r.sex, r.ethnicGroup].join(' ')));
    const groups = broad ? POPULATION_BROAD_GROUPS : POPULATION_DETAILED_CODES;
    const missing = AGE_BANDS.flatMap((a) => POPULATION_SEXES.flatMap((x) => groups.map((g) => [a, x, g].join(' ')))).filter(
      (k) => !have.has(k),
    );
    if (missing.length) {
      const shown = missing.slice(0, 5).join('; ');
      errors.push({
        line,
        column: 'year',
        message: `${year} is not complete: it has ${ofYear.length} of the ${have.size + missing.length} lines a year in ${broad ? 'broad groups' : 'detailed codes'} needs (every age band and sex for each group, 0 where there is nobody); missing ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
      });
      continue;
    }
    const total = ofYear.reduce((sum, r) => sum + r.population, 0);
    if (total === 0) errors.push({ line, column: 'population', message: `${year} counts nobody: every line is 0` });
    else if (total > POPULATION_YEAR_MAX)
      errors.push({
        line,
        column: 'population',
        message: `${year} totals ${total.toLocaleString('en-GB')} people, more than the ${POPULATION_YEAR_MAX.toLocaleString('en-GB')} any estimate can count`,
      });
  }
  return errors;
}

/**
 * The loaded year a period's rates use: the one whose mid-year (30 June, the estimates' reference date) is nearest
 * the middle of the period; on a tie the later year. Undefined when none is loaded.
 */
export function populationYearFor(period: Pick<ReportPeriod, 'start' | 'end'>, years: readonly number[]): number | undefined {
  const middle = (period.start.getTime() + period.end.getTime()) / 2;
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const y of [...years].sort((a, b) => a - b)) {
    const d = Math.abs(Date.UTC(y, 5, 30) - middle);
    if (d <= bestDistance) [best, bestDistance] = [y, d];
  }
  return best;
}

/** The age band of an age in whole years; 'not-known' when the date of birth is not recorded. */
export function ageBandOf(age: number | null): AgeBandCode | 'not-known' {
  if (age === null || age < 0) return 'not-known';
  if (age <= 15) return '0-15';
  if (age <= 17) return '16-17';
  if (age <= 34) return '18-34';
  if (age <= 49) return '35-49';
  if (age <= 64) return '50-64';
  return '65+';
}

/** Which people a population figure is for: everyone, or one broad group, detailed code, age band or sex. */
export type PopulationGroup =
  | { dimension: 'all' }
  | { dimension: 'broad'; group: BroadEthnicGroup }
  | { dimension: 'detailed'; code: string }
  | { dimension: 'age-band'; band: string }
  | { dimension: 'sex'; sex: string };

/**
 * The population of a group in one year's rows, or undefined when the rows cannot give it: a detailed code from a
 * year loaded in broad groups, a group with no estimate (not stated, not known, an unrecorded sex or age), or no rows.
 */
export function populationOf(rows: readonly PopulationRow[], g: PopulationGroup): number | undefined {
  if (!rows.length) return undefined;
  const broadYear = isBroadCode(rows[0].ethnicGroup);
  let match: (r: PopulationRow) => boolean;
  switch (g.dimension) {
    case 'all':
      match = () => true;
      break;
    case 'broad':
      if (!(POPULATION_BROAD_GROUPS as readonly string[]).includes(g.group)) return undefined;
      match = (r) => (broadYear ? r.ethnicGroup : broadEthnicGroup(r.ethnicGroup)) === g.group;
      break;
    case 'detailed':
      if (broadYear || !POPULATION_DETAILED_CODES.includes(g.code)) return undefined;
      match = (r) => r.ethnicGroup === g.code;
      break;
    case 'age-band':
      if (!(AGE_BANDS as readonly string[]).includes(g.band)) return undefined;
      match = (r) => r.ageBand === g.band;
      break;
    case 'sex':
      if (!(POPULATION_SEXES as readonly string[]).includes(g.sex)) return undefined;
      match = (r) => r.sex === g.sex;
      break;
  }
  return rows.filter(match).reduce((s, r) => s + r.population, 0);
}
