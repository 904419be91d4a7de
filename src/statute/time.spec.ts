import {
  addDays,
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
