/**
 * Local-date arithmetic for statutory and rota rules. Instants are UTC `Date`s; calendar dates
 * are ISO `YYYY-MM-DD` strings in the service's time zone (Europe/London by default). Pure: no clock, no I/O.
 *
 * The counting conventions the rules cite (reading the Act's words; legal sign-off applies):
 * - C1 "N days beginning with D": D is day 1, so the period ends with D + N - 1 (APP-13, APP-16, GDN-06).
 * - C2 "N days ending with D": D is the last day, so the period begins with D - N + 1 (APP-04).
 * - C3 "not more than N days" between two days, both excluded: at most N clear days, |D2 - D1| <= N + 1 (MED-02).
 * - C4 s.2's 28 days: C1 on the local date of admission, whatever the hour; it lapses at the end of day 28 (APP-17).
 * - C5 hours are elapsed time: an instant plus N x 3600 s, never N wall-clock hours across a clock change.
 * - C6 "N months beginning with D": ends on (D + N calendar months) - 1 day; a month-end case is flagged for review
 *   (APP-18, GDN-07).
 * - C7 local targets in minutes are elapsed time from their anchor, like C5 (DUTY-01, COP-09).
 * - C8 only in-person contact counts for "personally seen" (s.11(5)) and "personally examined" (s.12(1)).
 */
import { DateTime } from 'luxon';
import { memoised } from './memo';

export type IsoDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  return ISO_DATE.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

function date(d: IsoDate): DateTime {
  const dt = DateTime.fromISO(d, { zone: 'UTC' });
  if (!ISO_DATE.test(d) || !dt.isValid) throw new RangeError(`not a calendar date: ${d}`);
  return dt;
}

/** The calendar date of an instant in a time zone. */
export const localDate: (instant: Date, zone: string) => IsoDate = memoised(
  (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toISODate()!,
  (instant, zone) => `${zone}|${instant.getTime()}`,
);

const startOfLocalDayMs = memoised(
  (d: IsoDate, zone: string) => DateTime.fromISO(d, { zone }).startOf('day').toMillis(),
  (d, zone) => `${zone.length}:${zone}${d}`,
);
const endOfLocalDayMs = memoised(
  (d: IsoDate, zone: string) => DateTime.fromISO(d, { zone }).startOf('day').plus({ days: 1 }).toMillis(),
  (d, zone) => `${zone.length}:${zone}${d}`,
);

/** 00:00 local time on a date, as an instant (a DST change never falls at midnight in the UK). */
export function startOfLocalDay(d: IsoDate, zone: string): Date {
  return new Date(startOfLocalDayMs(d, zone));
}

/** The first instant after a date ends locally (00:00 the next day): periods are half-open [start, end). */
export function endOfLocalDay(d: IsoDate, zone: string): Date {
  return new Date(endOfLocalDayMs(d, zone));
}

export const addDays: (d: IsoDate, n: number) => IsoDate = memoised(
  (d: IsoDate, n: number) => date(d).plus({ days: n }).toISODate()!,
  (d, n) => `${d}|${n}`,
);

/** Calendar months/years: a date that does not exist (31 Aug + 6 months) is clamped to the month's end (C6). */
export const addMonths: (d: IsoDate, n: number) => IsoDate = memoised(
  (d: IsoDate, n: number) => date(d).plus({ months: n }).toISODate()!,
  (d, n) => `${d}|${n}`,
);

export const addYears: (d: IsoDate, n: number) => IsoDate = memoised(
  (d: IsoDate, n: number) => date(d).plus({ years: n }).toISODate()!,
  (d, n) => `${d}|${n}`,
);

/** Whole calendar days from a to b (negative when b is earlier). */
export const daysBetween: (a: IsoDate, b: IsoDate) => number = memoised(
  (a: IsoDate, b: IsoDate) => Math.round(date(b).diff(date(a), 'days').days),
  (a, b) => `${a.length}:${a}${b}`,
);

/**
 * C1: the last day of a period of N days (or years) *beginning with* D: D counts as the first day.
 * `lastDayOfPeriod('2026-03-01', { days: 14 })` → 2026-03-14; `{ years: 5 }` from 2026-01-01 → 2030-12-31.
 */
export function lastDayOfPeriod(start: IsoDate, length: { days?: number; months?: number; years?: number }): IsoDate {
  return lastDayOf(start, length.days ?? 0, length.months ?? 0, length.years ?? 0);
}
const lastDayOf = memoised(
  (start: IsoDate, days: number, months: number, years: number) =>
    date(start).plus({ days, months, years }).minus({ days: 1 }).toISODate()!,
  (start, days, months, years) => `${start}|${days}|${months}|${years}`,
);

/** Whole months elapsed from a to b (calendar months, floor). */
export const monthsBetween: (a: IsoDate, b: IsoDate) => number = memoised(
  (a: IsoDate, b: IsoDate) => Math.floor(date(b).diff(date(a), 'months').months),
  (a, b) => `${a.length}:${a}${b}`,
);

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

/** The day someone born on `dob` turns `years` (29 February → 1 March in a common year ✱). */
export function anniversary(dob: IsoDate, years: number): IsoDate {
  const day = addYears(dob, years);
  return dob.endsWith('-02-29') && day.endsWith('-02-28') ? `${day.slice(0, 5)}03-01` : day;
}

/** Age in whole years on a calendar date: a birthday counts from the start of its day. */
export function ageOn(dob: IsoDate, on: IsoDate): number {
  let years = Number(on.slice(0, 4)) - Number(dob.slice(0, 4));
  while (years > 0 && anniversary(dob, years) > on) years -= 1;
  return Math.max(0, years);
}

/** Younger than `years` on a calendar date: not yet at that birthday's day. */
export function isUnder(dob: IsoDate, years: number, on: IsoDate): boolean {
  return on < anniversary(dob, years);
}
