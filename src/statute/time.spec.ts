import { DateTime } from 'luxon';
import {
  addDays,
  addYears,
  ageOn,
  anniversary,
  isUnder,
  addMonths,
  daysBetween,
  endOfLocalDay,
  isIsoDate,
  lastDayOfPeriod,
  localDate,
  monthsBetween,
  startOfLocalDay,
} from './time';

const LONDON = 'Europe/London';

describe('local dates in Europe/London', () => {
  it.each([
    ['2026-03-28T23:30:00Z', '2026-03-28'],
    ['2026-07-01T23:30:00Z', '2026-07-02'], // BST: 00:30 local next day
    ['2026-10-25T00:30:00Z', '2026-10-25'],
  ])('%s falls on %s', (instant, expected) => {
    expect(localDate(new Date(instant), LONDON)).toBe(expected);
  });

  it('a local day starts at midnight GMT in winter and 23:00 UTC the day before in summer', () => {
    expect(startOfLocalDay('2026-01-15', LONDON).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(startOfLocalDay('2026-07-15', LONDON).toISOString()).toBe('2026-07-14T23:00:00.000Z');
  });

  it('the day the clocks go forward is 23 hours long; the day they go back is 25', () => {
    const hours = (d: string) => (endOfLocalDay(d, LONDON).getTime() - startOfLocalDay(d, LONDON).getTime()) / 3_600_000;
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
    expect(hours('2026-06-01')).toBe(24);
  });

  it("an instant handed out is the caller's own: changing it does not change the next answer (answers are kept)", () => {
    const first = startOfLocalDay('2026-02-01', LONDON);
    first.setUTCFullYear(1999);
    expect(startOfLocalDay('2026-02-01', LONDON).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    const end = endOfLocalDay('2026-02-01', LONDON);
    end.setTime(0);
    expect(endOfLocalDay('2026-02-01', LONDON).toISOString()).toBe('2026-02-02T00:00:00.000Z');
  });

  it('the same day in two zones is two answers, not one kept for both', () => {
    expect(startOfLocalDay('2026-07-15', LONDON).toISOString()).toBe('2026-07-14T23:00:00.000Z');
    expect(startOfLocalDay('2026-07-15', 'UTC').toISOString()).toBe('2026-07-15T00:00:00.000Z');
    expect(localDate(new Date('2026-07-01T23:30:00Z'), 'UTC')).toBe('2026-07-01');
    expect(localDate(new Date('2026-07-01T23:30:00Z'), LONDON)).toBe('2026-07-02');
  });

  it('no date for an instant that is not one, or in a zone that does not exist', () => {
    expect(() => localDate(new Date(Number.NaN), LONDON)).toThrow(RangeError);
    expect(() => localDate(new Date('2026-07-01T23:30:00Z'), 'Nowhere/Special')).toThrow(RangeError);
  });
});

describe('calendar arithmetic (the conventions C1-C8 of time.ts)', () => {
  it('C1: 14 days beginning with Sun 1 Mar 2026 end on Sat 14 Mar', () => {
    expect(lastDayOfPeriod('2026-03-01', { days: 14 })).toBe('2026-03-14');
  });

  it('C4: 28 days beginning with 1 Mar 2026 end on 28 Mar', () => {
    expect(lastDayOfPeriod('2026-03-01', { days: 28 })).toBe('2026-03-28');
  });

  it('C6: six months beginning with 15 Jan 2026 end on 14 Jul 2026', () => {
    expect(lastDayOfPeriod('2026-01-15', { months: 6 })).toBe('2026-07-14');
  });

  it('C6: a month-end start clamps before subtracting the day (31 Aug + 6 months → 28 Feb, so the period ends 27 Feb)', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(lastDayOfPeriod('2026-08-31', { months: 6 })).toBe('2027-02-27');
  });

  // Calendar days, weekends and bank holidays included (C7), and 29 February when there is one.
  it.each<[string, string, { days?: number; months?: number }, string]>([
    ['C1: 14 days beginning with Fri 18 Feb 2028 (a leap year) end Thu 2 Mar', '2028-02-18', { days: 14 }, '2028-03-02'],
    ['C1: 14 days beginning with Thu 18 Feb 2027 end Wed 3 Mar', '2027-02-18', { days: 14 }, '2027-03-03'],
    ['C1: 14 days beginning with Fri 25 Dec 2026 run into the new year, to Thu 7 Jan 2027', '2026-12-25', { days: 14 }, '2027-01-07'],
    ['C4: 28 days beginning with 15 Feb 2028 end 13 Mar (29 Feb counts)', '2028-02-15', { days: 28 }, '2028-03-13'],
    ['C4: 28 days beginning with 15 Feb 2027 end 14 Mar', '2027-02-15', { days: 28 }, '2027-03-14'],
    ['C4: 28 days beginning with 20 Mar 2026, across the spring clock change, end 16 Apr', '2026-03-20', { days: 28 }, '2026-04-16'],
    ['C6: six months beginning with 29 Feb 2028 end 28 Aug 2028', '2028-02-29', { months: 6 }, '2028-08-28'],
    ['C6: six months beginning with 31 Mar 2026 clamp to 30 Sep, so end 29 Sep', '2026-03-31', { months: 6 }, '2026-09-29'],
    ['C6: six months beginning with 29 Aug 2027 reach 29 Feb 2028 (a leap year), so end 28 Feb', '2027-08-29', { months: 6 }, '2028-02-28'],
  ])('%s', (_name, start, length, last) => {
    expect(lastDayOfPeriod(start, length)).toBe(last);
  });

  it.each([
    ['C2: 14 days ending with Sat 14 Mar 2026 begin Sun 1 Mar', '2026-03-14', '2026-03-01'],
    ['C2: 14 days ending with Mon 13 Mar 2028 begin Tue 29 Feb (a leap year)', '2028-03-13', '2028-02-29'],
    ['C2: 14 days ending with Wed 13 Jan 2027 begin Thu 31 Dec 2026', '2027-01-13', '2026-12-31'],
  ])('%s', (_name, end, first) => {
    expect(addDays(end, -13)).toBe(first);
  });

  it('C4: the day of admission is the local date, whatever the hour: 00:30 BST on 1 Jul 2026 is 1 Jul (23:30 UTC on 30 Jun), and the s.2 lapses at the end of 28 Jul (BST)', () => {
    const admissionDay = localDate(new Date('2026-06-30T23:30:00Z'), LONDON);
    expect(admissionDay).toBe('2026-07-01');
    const last = lastDayOfPeriod(admissionDay, { days: 28 });
    expect(last).toBe('2026-07-28');
    expect(endOfLocalDay(last, LONDON).toISOString()).toBe('2026-07-28T23:00:00.000Z');
  });

  it('AMHP-05: five years beginning with 1 Jan 2026 end on 31 Dec 2030', () => {
    expect(lastDayOfPeriod('2026-01-01', { years: 5 })).toBe('2030-12-31');
  });

  it('counts days and months', () => {
    expect(daysBetween('2026-03-01', '2026-03-07')).toBe(6);
    expect(daysBetween('2026-03-07', '2026-03-01')).toBe(-6);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(monthsBetween('2026-01-15', '2026-10-14')).toBe(8);
    expect(monthsBetween('2026-01-15', '2026-10-15')).toBe(9);
  });

  it.each([
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['26-01-01', false],
    ['2028-02-29', true],
  ])('isIsoDate(%s) = %s', (d, ok) => {
    expect(isIsoDate(d)).toBe(ok);
  });
});

// Held-out cases: ages on the birthday and the day before (GDN-01 at 16, NR-06 and POL-09 at 18). A birthday counts from
// the start of its local day; 29 February is taken as 1 March in a common year ✱.
describe('ages (ageOn, isUnder, anniversary)', () => {
  it.each<[string, string, string, number, number, boolean]>([
    ['the day before the 18th birthday', '2008-06-15', '2026-06-14', 18, 17, true],
    ['the 18th birthday', '2008-06-15', '2026-06-15', 18, 18, false],
    ['born 29 Feb 2008: 28 Feb 2026 (a common year) is still 17', '2008-02-29', '2026-02-28', 18, 17, true],
    ['born 29 Feb 2008: 1 Mar 2026 is the 18th birthday', '2008-02-29', '2026-03-01', 18, 18, false],
    ['born 29 Feb 2012: 29 Feb 2028 (a leap year) is the 16th birthday', '2012-02-29', '2028-02-29', 16, 16, false],
    ['born 29 Feb 2012: 28 Feb 2028 is still 15', '2012-02-29', '2028-02-28', 16, 15, true],
    ['born 28 Feb 2010: 28 Feb 2026 is the 16th birthday', '2010-02-28', '2026-02-28', 16, 16, false],
    ['born 1 Mar 2010: 28 Feb 2026 is still 15 (no 29 Feb that year)', '2010-03-01', '2026-02-28', 16, 15, true],
    ['born 31 Dec 2007: 31 Dec 2025 is the 18th birthday', '2007-12-31', '2025-12-31', 18, 18, false],
    ['born 1 Jan 2008: 31 Dec 2025 is still 17', '2008-01-01', '2025-12-31', 18, 17, true],
  ])('%s', (_name, dob, on, years, age, under) => {
    expect(ageOn(dob, on)).toBe(age);
    expect(isUnder(dob, years, on)).toBe(under);
  });

  it.each([
    ['2008-02-29', 18, '2026-03-01'],
    ['2008-02-29', 20, '2028-02-29'],
    ['2084-02-29', 16, '2100-03-01'], // 2100 is not a leap year
    ['2010-03-01', 16, '2026-03-01'],
  ])('anniversary(%s, %i) is %s', (dob, years, day) => {
    expect(anniversary(dob, years)).toBe(day);
  });

  it('the local date decides: 00:30 BST on the birthday is the birthday, 23:59 BST the day before is not', () => {
    expect(isUnder('2008-06-15', 18, localDate(new Date('2026-06-14T23:30:00Z'), LONDON))).toBe(false);
    expect(isUnder('2008-06-15', 18, localDate(new Date('2026-06-14T22:59:00Z'), LONDON))).toBe(true);
  });
});

/**
 * The calendar checks and sums done by arithmetic instead of through luxon (they run on every request body and every
 * referral's age check) give luxon's answers: compared over whole ranges of dates, instants and zones.
 */
describe('arithmetic that stands in for luxon gives its answers', () => {
  const luxonIsDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');

  it('a date exists (isIsoDate) exactly when luxon reads it: every day 00-39 of months 00-13, centuries and leap years included', () => {
    const years = [
      1, 4, 100, 1582, 1600, 1700, 1800, 1899, 1900, 1901, 1996, 1999, 2000, 2001, 2023, 2024, 2026, 2027, 2028, 2100, 2400, 9999,
    ];
    let checked = 0;
    for (const y of years)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 39; d++) {
          const s = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
          // expect() only on a disagreement: 12,320 of them would take most of this test's time.
          if (isIsoDate(s) !== luxonIsDate(s)) expect([s, isIsoDate(s)]).toEqual([s, luxonIsDate(s)]);
          checked++;
        }
    expect(checked).toBe(years.length * 14 * 40);
    for (const s of ['2026-2-01', '2026-02-1', ' 2026-02-01', '2026-02-01 ', '20260201', '2026-02-01T00:00', '+02026-02-01', 'x'])
      expect([s, isIsoDate(s)]).toEqual([s, false]);
  });

  it("addYears gives luxon's plus({ years }) for every day of 1999-2001 and 2023-2029 and years -130 to +130, 29 February included", () => {
    let checked = 0;
    for (const y of [1999, 2000, 2001, 2023, 2024, 2025, 2026, 2027, 2028, 2029])
      for (let day = DateTime.utc(y, 1, 1); day.year === y; day = day.plus({ days: 1 })) {
        const d = day.toISODate()!;
        for (const n of [-130, -100, -18, -17, -4, -1, 0, 1, 3, 4, 16, 18, 65, 100, 130]) {
          const expected = DateTime.fromISO(d, { zone: 'UTC' }).plus({ years: n }).toISODate();
          if (addYears(d, n) !== expected) expect([d, n, addYears(d, n)]).toEqual([d, n, expected]);
          checked++;
        }
      }
    expect(checked).toBe(10 * 15 * 365 + 3 * 15);
    expect(() => addYears('2026-02-30', 1)).toThrow(RangeError);
  });

  // London's own; Lord Howe's clocks change by half an hour; Samoa skipped 30 Dec 2011; Havana's change at midnight.
  it.each(['Europe/London', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/Havana'])(
    'localDate in %s agrees with the zone’s calendar (ICU, which luxon reads) for instants asked one after another through fifteen years of days and clock changes',
    (zone) => {
      // Steps of 71 minutes (then a backward jump now and then), so every day's span is entered, left and re-entered
      // from either side, across each clock change.
      // The zone's own calendar date from ICU, as luxon reads it, asked directly: luxon's per-call work took most of
      // this file's time, and it adds nothing to the check (the same ICU answer, by way of formatToParts).
      const icu = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      expect(icu.format(new Date('2026-03-29T00:30:00Z'))).toBe(DateTime.fromISO('2026-03-29T00:30:00Z', { zone }).toISODate());
      let ms = Date.UTC(2010, 0, 1);
      const end = Date.UTC(2025, 0, 1);
      let asked = 0;
      while (ms < end) {
        const instant = new Date(ms);
        const expected = icu.format(instant);
        if (localDate(instant, zone) !== expected)
          expect([instant.toISOString(), localDate(instant, zone)]).toEqual([instant.toISOString(), expected]);
        asked++;
        ms += asked % 53 === 0 ? -29 * 3_600_000 : 71 * 60_000;
      }
      expect(asked).toBeGreaterThan(100_000);
    },
  );
});
