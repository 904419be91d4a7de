import { ProblemError } from '../common/problem';
import { DateTime } from 'luxon';
import { hoursBand, localMonth, MAX_PERIOD_DAYS, onOrAfterTwelveMonthsBefore, parsePeriod, type PeriodQuery } from './period';

const ZONE = 'Europe/London';
/** Far enough ahead that every period of the tables has started (a period in the future is refused: below). */
const TODAY = '2999-12-31';

describe('the reporting period', () => {
  it.each([
    // [query, from, to, start (UTC), end (UTC), months]
    [{ period: '2026-11' }, '2026-11-01', '2026-11-30', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', ['2026-11']],
    // BST: local midnight is 23:00 UTC the day before.
    [
      { period: '2026-Q3' },
      '2026-07-01',
      '2026-09-30',
      '2026-06-30T23:00:00.000Z',
      '2026-09-30T23:00:00.000Z',
      ['2026-07', '2026-08', '2026-09'],
    ],
    [{ period: '2026-02' }, '2026-02-01', '2026-02-28', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', ['2026-02']],
    [{ period: '2028-02' }, '2028-02-01', '2028-02-29', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z', ['2028-02']],
    [{ period: 'FY2025' }, '2025-04-01', '2026-03-31', '2025-03-31T23:00:00.000Z', '2026-03-31T23:00:00.000Z', null],
    [
      { from: '2026-10-20', to: '2026-11-03' },
      '2026-10-20',
      '2026-11-03',
      '2026-10-19T23:00:00.000Z',
      '2026-11-04T00:00:00.000Z',
      ['2026-10', '2026-11'],
    ],
  ])('%j runs from %s to %s, local midnight to local midnight', (q, from, to, start, end, months) => {
    const p = parsePeriod(q, ZONE, TODAY);
    expect([p.from, p.to, p.start.toISOString(), p.end.toISOString()]).toEqual([from, to, start, end]);
    if (months) expect(p.months).toEqual(months);
  });

  it('a financial year touches its twelve months from April to March', () => {
    const p = parsePeriod({ period: 'FY2025' }, ZONE, TODAY);
    expect(p.months).toHaveLength(12);
    expect([p.months[0], p.months[11]]).toEqual(['2025-04', '2026-03']);
  });

  it('ten financial years can be asked for, and at most 3,660 days: one day more is refused', () => {
    const ten = parsePeriod({ from: '2016-04-01', to: '2026-03-31' }, ZONE, TODAY);
    expect(ten.months).toHaveLength(120);
    expect([ten.start.toISOString(), ten.end.toISOString()]).toEqual(['2016-03-31T23:00:00.000Z', '2026-03-31T23:00:00.000Z']);
    // 2016-04-01 to 2026-04-08 is 3,660 days, both included (with the leap days of 2020 and 2024).
    expect(MAX_PERIOD_DAYS).toBe(3660);
    expect(parsePeriod({ from: '2016-04-01', to: '2026-04-08' }, ZONE, TODAY).to).toBe('2026-04-08');
    expect(() => parsePeriod({ from: '2016-04-01', to: '2026-04-09' }, ZONE, TODAY)).toThrow('to: covers at most 3660 days');
  });

  it.each([
    [{}, 'period'],
    [{ period: '2026-13' }, 'period'],
    [{ period: '2026-Q5' }, 'period'],
    [{ period: 'FY25' }, 'period'],
    [{ period: 'november' }, 'period'],
    [{ period: '2026-11', from: '2026-11-01' }, 'period'],
    [{ from: '2026-11-01' }, 'to'],
    [{ to: '2026-11-01' }, 'from'],
    [{ from: '2026-02-30', to: '2026-03-01' }, 'from'],
    // Before the years a hub's records can hold, or after them: refused before anything is read.
    [{ period: 'FY0000' }, 'period'],
    [{ period: 'FY1999' }, 'period'],
    [{ period: 'FY2100' }, 'period'],
    [{ period: '0001-Q1' }, 'period'],
    [{ period: '2101-01' }, 'period'],
    [{ from: '1999-12-31', to: '2000-01-31' }, 'from'],
    [{ from: '2099-12-01', to: '2101-01-31' }, 'to'],
  ])('%j is refused with a 400 naming %s', (q, field) => {
    let err: unknown;
    try {
      parsePeriod(q, ZONE, TODAY);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).status).toBe(400);
    expect((err as ProblemError).extensions.errors).toEqual([{ field, messages: [expect.any(String)] }]);
  });

  it.each([
    // [query, today, field, code]
    [{ from: '2026-11-10', to: '2026-11-01' }, '2026-12-01', 'to', 'bad-period', 'ends before it starts'],
    [{ from: '2016-04-01', to: '2026-04-09' }, '2026-12-01', 'to', 'bad-period', 'one day longer than ten years'],
    [{ period: '2027-01' }, '2026-12-31', 'period', 'period-in-future', 'next month, on the last day of this one'],
    [{ period: 'FY2026' }, '2026-03-31', 'period', 'period-in-future', 'the next financial year, on the last day of this one'],
    [{ period: '2026-Q4' }, '2026-09-30', 'period', 'period-in-future', 'the next quarter'],
    [{ period: 'FY9999' }, '2026-12-01', 'period', 'period-in-future', 'a year far ahead'],
    [{ from: '2026-12-02', to: '2026-12-31' }, '2026-12-01', 'from', 'period-in-future', 'from tomorrow'],
    [{ from: '9999-12-01', to: '9999-12-31' }, '2026-12-01', 'from', 'period-in-future', 'days far ahead'],
  ])('%j on %s is refused with a 422 naming %s (%s: %s)', (q: PeriodQuery, today: string, field: string, code: string, _why: string) => {
    let err: unknown;
    try {
      parsePeriod(q, ZONE, today);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    expect([(err as ProblemError).status, (err as ProblemError).code]).toEqual([422, code]);
    expect((err as ProblemError).extensions.errors).toEqual([{ field, messages: [expect.any(String)] }]);
  });

  it.each([
    [{ period: '2026-12' }, '2026-12-01', 'the month that began today'],
    [{ period: 'FY2026' }, '2026-04-01', 'the financial year that began today'],
    [{ from: '2026-11-20', to: '2027-01-31' }, '2026-12-01', 'a period that has begun and not yet ended'],
  ])('%j on %s is reported (%s)', (q: PeriodQuery, today: string, _why: string) => {
    expect(() => parsePeriod(q, ZONE, today)).not.toThrow();
  });
});

describe('in hours, out of hours and weekends: one definition', () => {
  const holidays = new Set(['2026-12-25', '2026-08-31']);
  it.each([
    ['2026-11-23T09:00:00Z', 'in', 'Monday 09:00 GMT: the first minute in hours'],
    ['2026-11-23T08:59:00Z', 'out', 'Monday 08:59: before hours'],
    ['2026-11-23T16:59:00Z', 'in', 'Monday 16:59: still in hours'],
    ['2026-11-23T17:00:00Z', 'out', 'Monday 17:00: out of hours'],
    ['2026-11-24T02:30:00Z', 'out', 'Tuesday 02:30: the night'],
    ['2026-07-06T08:30:00Z', 'in', 'Monday 09:30 BST (08:30 UTC): in hours by local time'],
    ['2026-07-06T16:30:00Z', 'out', 'Monday 17:30 BST (16:30 UTC): out of hours by local time'],
    ['2026-11-21T11:00:00Z', 'weekend', 'Saturday midday'],
    ['2026-11-22T23:30:00Z', 'weekend', 'Sunday 23:30'],
    ['2026-11-22T00:00:00Z', 'weekend', 'Sunday 00:00'],
    ['2026-11-23T00:00:00Z', 'out', 'Monday 00:00: a weekday night'],
    ['2026-12-25T11:00:00Z', 'weekend', 'Christmas Day (a Friday, a bank holiday) at 11:00'],
    ['2026-08-31T10:00:00Z', 'weekend', 'August bank holiday Monday 11:00 BST'],
    ['2026-12-24T11:00:00Z', 'in', 'Christmas Eve, not a bank holiday'],
  ])('%s is %s (%s)', (at, band) => {
    expect(hoursBand(new Date(at), ZONE, holidays)).toBe(band);
  });
});

describe('local months, hours bands and "12 months before" on a long period: the same answers as the calendar', () => {
  // The definitions as luxon states them, instant by instant; period.ts asks luxon once per hour, or per day gap.
  const byCalendar = {
    month: (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM'),
    band: (at: Date, zone: string, holidays: ReadonlySet<string>) => {
      const local = DateTime.fromJSDate(at, { zone });
      if (local.weekday >= 6 || holidays.has(local.toISODate()!)) return 'weekend';
      const minutes = local.hour * 60 + local.minute;
      return minutes >= 9 * 60 && minutes < 17 * 60 ? 'in' : 'out';
    },
    twelveMonthsBefore: (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).minus({ months: 12 }).toJSDate(),
  };
  const holidays = new Set(['2026-01-01', '2026-04-03', '2026-12-25', '2026-12-28']);

  it.each([
    ['Europe/London'],
    // Clocks that change by half an hour at a half hour of UTC.
    ['Australia/Lord_Howe'],
  ])('in %s, every 47 minutes of 2026 and its clock changes', (zone) => {
    const differences: string[] = [];
    for (let t = Date.parse('2025-12-31T00:00:00Z'); t < Date.parse('2027-01-02T00:00:00Z'); t += 47 * 60_000) {
      const at = new Date(t);
      if (localMonth(at, zone) !== byCalendar.month(at, zone)) differences.push(`month ${at.toISOString()}`);
      if (hoursBand(at, zone, holidays) !== byCalendar.band(at, zone, holidays)) differences.push(`band ${at.toISOString()}`);
    }
    expect(differences).toEqual([]);
  });

  it.each([
    // [at, t, on or after 12 months before at?]
    ['2026-03-10T12:00:00Z', '2025-03-10T12:00:00Z', true, 'exactly a year before, both GMT'],
    ['2026-03-10T12:00:00Z', '2025-03-10T11:59:59Z', false, 'a second more than a year'],
    ['2026-07-10T12:00:00Z', '2025-07-10T12:00:00Z', true, 'exactly a year before, both BST'],
    // 29 February 2028 less 12 months is 28 February 2027: 366 days.
    ['2028-02-29T10:00:00Z', '2027-02-28T10:00:00Z', true, 'from 29 February, the 28th a year before'],
    ['2028-02-29T10:00:00Z', '2027-02-28T09:59:00Z', false, 'a minute before it'],
    ['2026-03-31T23:30:00Z', '2025-03-31T23:30:00Z', true, '00:30 BST on 1 April, a year before (23:30 UTC the day before)'],
    ['2026-03-31T23:30:00Z', '2025-03-31T23:29:00Z', false, 'a minute more'],
    // Summer time began on 30 March 2025 and 29 March 2026: 13:00 BST on 29 March 2026 less 12 months is 13:00 GMT.
    ['2026-03-29T12:00:00Z', '2025-03-29T13:00:00Z', true, '13:00 on 29 March, BST then GMT: 365 days less an hour'],
    ['2026-03-29T12:00:00Z', '2025-03-29T12:59:00Z', false, 'a minute more'],
    ['2026-03-10T12:00:00Z', '2025-06-01T00:00:00Z', true, 'nine months before'],
    ['2026-03-10T12:00:00Z', '2024-12-01T00:00:00Z', false, 'fifteen months before'],
  ])('12 months before %s: %s is %s (%s)', (at, t, expected) => {
    expect(onOrAfterTwelveMonthsBefore(new Date(t), new Date(at), ZONE)).toBe(expected);
  });

  it('"on or after 12 months before" agrees with the calendar around a year before, for instants through 2028', () => {
    const differences: string[] = [];
    for (let a = Date.parse('2028-01-01T00:00:00Z'); a < Date.parse('2029-01-01T00:00:00Z'); a += 37 * 3_600_000 + 7 * 60_000) {
      const at = new Date(a);
      const from = byCalendar.twelveMonthsBefore(at, ZONE).getTime();
      for (let dt = -3 * 86_400_000; dt <= 3 * 86_400_000; dt += 11 * 3_600_000) {
        for (const edge of [from + dt, from - 1, from]) {
          const t = new Date(edge);
          if (onOrAfterTwelveMonthsBefore(t, at, ZONE) !== t.getTime() >= from) differences.push(`${at.toISOString()} ${t.toISOString()}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });
});
