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

/** Days in a month of the proleptic Gregorian calendar (month 1-12). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A calendar date written YYYY-MM-DD that exists (no 30 February, no year 0000, which the Gregorian calendar and
 * PostgreSQL do not have): checked by arithmetic, as on every request body.
 */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function date(d: IsoDate): DateTime {
  const dt = DateTime.fromISO(d, { zone: 'UTC' });
  if (!ISO_DATE.test(d) || !dt.isValid) throw new RangeError(`not a calendar date: ${d}`);
  return dt;
}

const startOfLocalDayMs = memoised(
  (d: IsoDate, zone: string) => DateTime.fromISO(d, { zone }).startOf('day').toMillis(),
  (d, zone) => `${zone.length}:${zone}${d}`,
);
/** Where the next date starts (not 24 wall-clock hours after this one started: that is an hour out where a clock change falls at midnight). */
const endOfLocalDayMs = memoised(
  (d: IsoDate, zone: string) => startOfLocalDayMs(date(d).plus({ days: 1 }).toISODate()!, zone),
  (d, zone) => `${zone.length}:${zone}${d}`,
);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Each zone's offset through a span of time (a UTC day, or an hour of a day when the clocks change), keyed by the
 * span's number: null when the offset changes within it. Bounded: cleared when full.
 */
const offsetCache = new Map<string, Map<number, number | null>>();
const MAX_CACHED_SPANS = 200_000;

/** The offset of the whole span [start, start + length), or null when it differs at its two ends. */
function spanOffset(cache: Map<number, number | null>, key: number, start: number, length: number, zone: string): number | null {
  let offset = cache.get(key);
  if (offset === undefined) {
    const first = DateTime.fromMillis(start, { zone }).offset;
    const last = DateTime.fromMillis(start + length - 1, { zone }).offset;
    offset = first === last ? first : null;
    cache.set(key, offset);
  }
  return offset;
}

/**
 * The zone's offset from UTC in minutes at an instant, exactly as luxon gives it, asked of luxon once per UTC day
 * rather than once per instant (a report of ten years converts hundreds of thousands of instants, intake the date of
 * every instant it is given): when the offset is
 * the same at the first and the last millisecond of a day it is the offset of the whole day (no zone changes its
 * clocks and back within a day); on a day the clocks change, the same by the hour; and in the hour of the change
 * each instant is asked of luxon.
 */
export function zoneOffsetMinutes(at: Date, zone: string): number {
  const t = at.getTime();
  let cache = offsetCache.get(zone);
  if (!cache || cache.size >= MAX_CACHED_SPANS) offsetCache.set(zone, (cache = new Map()));
  const day = Math.floor(t / DAY);
  const hour = Math.floor(t / HOUR);
  // Days are keyed by their number, hours by the negative of theirs less one, so the two never meet.
  return (
    spanOffset(cache, day, day * DAY, DAY, zone) ??
    spanOffset(cache, -hour - 1, hour * HOUR, HOUR, zone) ??
    DateTime.fromMillis(t, { zone }).offset
  );
}

/** The local wall-clock time of an instant, as a Date whose UTC fields are the local ones. */
export const wallClock = (at: Date, zone: string): Date => new Date(at.getTime() + zoneOffsetMinutes(at, zone) * MINUTE);

/** The calendar date of an instant in a time zone (through the zone's offset, kept per UTC day: zoneOffsetMinutes). */
export function localDate(instant: Date, zone: string): IsoDate {
  const local = wallClock(instant, zone);
  if (!Number.isFinite(local.getTime())) throw new RangeError(`not an instant in the time zone ${zone}: ${String(instant)}`);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

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

/**
 * Calendar years: 29 February in a year without one is clamped to 28 February (C6). By arithmetic (a date of birth
 * is a new date on most referrals, so a kept answer rarely helps).
 */
export function addYears(d: IsoDate, n: number): IsoDate {
  if (!isIsoDate(d)) throw new RangeError(`not a calendar date: ${d}`);
  const year = Number(d.slice(0, 4)) + n;
  if (!Number.isInteger(year) || year < 1 || year > 9999) return date(d).plus({ years: n }).toISODate()!;
  const month = Number(d.slice(5, 7));
  const day = Math.min(Number(d.slice(8, 10)), daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${d.slice(5, 8)}${String(day).padStart(2, '0')}`;
}

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
