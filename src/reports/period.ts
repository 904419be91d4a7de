/**
 * The reporting period every report shares, and the hours band of an instant. Pure: no clock, no I/O.
 *
 * A period is a run of whole local days [from, to] in the service's time zone (Europe/London): it starts at local
 * midnight of `from` and ends at local midnight after `to`, so a clock change inside it is counted as it happened.
 */
import { DateTime } from 'luxon';
import { BadRequestProblem, unprocessableField } from '../common/problem';
import { endOfLocalDay, isIsoDate, IsoDate, startOfLocalDay, wallClock } from '../statute/time';

export interface ReportPeriod {
  /** As asked: `2026-11`, `2026-Q3`, `FY2025` or `2026-11-03..2026-11-20`. */
  label: string;
  /** First local day. */
  from: IsoDate;
  /** Last local day (inclusive). */
  to: IsoDate;
  /** Local midnight starting `from`. */
  start: Date;
  /** Local midnight after `to` (exclusive). */
  end: Date;
  /** The calendar months the period touches, `YYYY-MM`, in order. */
  months: string[];
}

export interface PeriodQuery {
  period?: string;
  from?: string;
  to?: string;
}

/**
 * The longest period one report covers: ten financial years, for trends (any ten consecutive years have at most
 * 3,653 days), and a week to spare. A longer period is refused (400) rather than read: the reports answer ten years
 * within two seconds on a large hub (bench/reports.bench.js, P5), and a longer one would hold a database connection
 * for an unbounded time.
 */
export const MAX_PERIOD_DAYS = 3660;

/**
 * The days a report may cover: the years a hub's records can hold. A period outside them is refused (400) before
 * anything is read: one far in the future would have every report build empty months and years up to it.
 */
export const FIRST_REPORT_DAY: IsoDate = '2000-01-01';
export const LAST_REPORT_DAY: IsoDate = '2100-12-31';

const bad = (field: string, message: string) => new BadRequestProblem(`${field}: ${message}`, [{ field, messages: [message] }]);

/** A period that starts after today: nothing has happened in it to count. */
const inFuture = (field: string, today: IsoDate) =>
  unprocessableField(
    field,
    `${field}: starts after today (${today}): nothing in it has happened yet`,
    'period-in-future',
    `must not start after today (${today})`,
  );

/** The local days a `period` value names, or undefined when it is not one of the three forms. */
function namedPeriod(value: string): { from: IsoDate; to: IsoDate } | undefined {
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
  if (m) {
    const first = `${m[1]}-${m[2]}-01`;
    return { from: first, to: DateTime.fromISO(first, { zone: 'UTC' }).endOf('month').toISODate()! };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(value);
  if (m) {
    const first = DateTime.fromObject({ year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1, day: 1 }, { zone: 'UTC' });
    return { from: first.toISODate()!, to: first.plus({ months: 3 }).minus({ days: 1 }).toISODate()! };
  }
  m = /^FY(\d{4})$/.exec(value);
  // The English local-authority financial year: FY2025 runs 1 April 2025 to 31 March 2026.
  if (m) return { from: `${m[1]}-04-01`, to: `${Number(m[1]) + 1}-03-31` };
  return undefined;
}

/**
 * The period of a report query: `period` (month `2026-11`, calendar quarter `2026-Q3`, financial year `FY2025`), or
 * `from` and `to` (local dates, both included). A value that is not one of these is a 400 naming the field. A
 * well-formed period that cannot be reported on is a 422 naming the field, as every read of a period answers
 * (`requirePeriod`): one that ends before it starts or is longer than MAX_PERIOD_DAYS (`bad-period`, naming `to`),
 * and one that starts after `today` (the local date now: `period-in-future`, naming `period` or `from`), which
 * has nothing to count yet (a period that has started and not ended is reported as far as today).
 */
export function parsePeriod(q: PeriodQuery, zone: string, today: IsoDate): ReportPeriod {
  let from: IsoDate;
  let to: IsoDate;
  let label: string;
  if (q.period !== undefined) {
    if (q.from !== undefined || q.to !== undefined) throw bad('period', 'give either period or from and to, not both');
    const named = namedPeriod(q.period);
    if (!named) throw bad('period', 'must be a month (2026-11), a calendar quarter (2026-Q3) or a financial year (FY2025)');
    if (named.from > today) throw inFuture('period', today);
    // Its first day decides (its last may have five digits, FY9999's, which compares as text before 2100).
    if (named.from < FIRST_REPORT_DAY || named.from > LAST_REPORT_DAY || !isIsoDate(named.to) || named.to > LAST_REPORT_DAY)
      throw bad('period', `must fall between ${FIRST_REPORT_DAY} and ${LAST_REPORT_DAY}`);
    ({ from, to } = named);
    label = q.period;
  } else if (q.from !== undefined || q.to !== undefined) {
    if (q.from === undefined || !isIsoDate(q.from)) throw bad('from', 'must be a local date (YYYY-MM-DD)');
    if (q.to === undefined || !isIsoDate(q.to)) throw bad('to', 'must be a local date (YYYY-MM-DD)');
    if (q.to < q.from) throw unprocessableField('to', 'to: must not be before from', 'bad-period', 'must not be before from');
    if (q.from > today) throw inFuture('from', today);
    if (q.from < FIRST_REPORT_DAY) throw bad('from', `must not be before ${FIRST_REPORT_DAY}`);
    if (q.to > LAST_REPORT_DAY) throw bad('to', `must not be after ${LAST_REPORT_DAY}`);
    ({ from, to } = { from: q.from, to: q.to });
    label = `${from}..${to}`;
  } else {
    throw bad('period', 'is required (or from and to)');
  }
  const days = DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days + 1;
  if (days > MAX_PERIOD_DAYS) {
    const field = q.period !== undefined ? 'period' : 'to';
    throw unprocessableField(
      field,
      `${field}: covers at most ${MAX_PERIOD_DAYS} days`,
      'bad-period',
      `covers at most ${MAX_PERIOD_DAYS} days`,
    );
  }
  const months: string[] = [];
  for (let d = `${from.slice(0, 7)}-01`; d <= to; d = DateTime.fromISO(d, { zone: 'UTC' }).plus({ months: 1 }).toISODate()!) {
    months.push(d.slice(0, 7));
  }
  return { label, from, to, start: startOfLocalDay(from, zone), end: endOfLocalDay(to, zone), months };
}

const DAY = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar day of an instant: year, month (1-12) and day of the month. */
export function localDay(at: Date, zone: string): { year: number; month: number; day: number } {
  const local = wallClock(at, zone);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The local month (`YYYY-MM`) of an instant. */
export function localMonth(at: Date, zone: string): string {
  const local = wallClock(at, zone);
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}`;
}

/**
 * Whether `t` is on or after the instant 12 local calendar months before `at` (luxon's `minus({ months: 12 })` in the
 * zone: the same local time, on the same day of the month a year before, or the month's last day when that day does
 * not exist). That instant is 365 or 366 days before `at`, give or take a clock change, so an instant less than 364
 * days before `at` is after it and one more than 367 days before is before it; only those between need the calendar.
 */
export function onOrAfterTwelveMonthsBefore(t: Date, at: Date, zone: string): boolean {
  const gap = at.getTime() - t.getTime();
  if (gap < 364 * DAY) return true;
  if (gap > 367 * DAY) return false;
  return t >= DateTime.fromJSDate(at, { zone }).minus({ months: 12 }).toJSDate();
}

export const HOURS_BANDS = ['in', 'out', 'weekend'] as const;
export type HoursBand = (typeof HOURS_BANDS)[number];

export const HOURS_BAND_LABELS: Record<HoursBand, string> = {
  in: 'In hours (Mon-Fri 09:00-17:00)',
  out: 'Out of hours (weekday evenings and nights)',
  weekend: 'Weekend or bank holiday',
};

/**
 * The one definition of "in hours": Monday to Friday, 09:00 to 17:00 local time (09:00 included, 17:00 not), on a
 * day that is not a bank holiday. A Saturday, a Sunday or a bank holiday, at any hour, is `weekend`; any other time
 * is `out` of hours.
 */
export function hoursBand(at: Date, zone: string, bankHolidays: ReadonlySet<IsoDate>): HoursBand {
  const local = wallClock(at, zone);
  const weekday = local.getUTCDay(); // 0 Sunday, 6 Saturday
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  if (weekday === 0 || weekday === 6 || bankHolidays.has(date)) return 'weekend';
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return minutes >= 9 * 60 && minutes < 17 * 60 ? 'in' : 'out';
}
