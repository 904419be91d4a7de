import { ProblemError } from '../common/problem';
import { hoursBand, parsePeriod } from './period';

const ZONE = 'Europe/London';

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
    const p = parsePeriod(q, ZONE);
    expect([p.from, p.to, p.start.toISOString(), p.end.toISOString()]).toEqual([from, to, start, end]);
    if (months) expect(p.months).toEqual(months);
  });

  it('a financial year touches its twelve months from April to March', () => {
    const p = parsePeriod({ period: 'FY2025' }, ZONE);
    expect(p.months).toHaveLength(12);
    expect([p.months[0], p.months[11]]).toEqual(['2025-04', '2026-03']);
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
    [{ from: '2026-11-10', to: '2026-11-01' }, 'to'],
    [{ from: '2020-01-01', to: '2026-01-01' }, 'to'],
  ])('%j is refused with a 400 naming %s', (q, field) => {
    let err: unknown;
    try {
      parsePeriod(q, ZONE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemError);
    expect((err as ProblemError).status).toBe(400);
    expect((err as ProblemError).extensions.errors).toEqual([{ field, messages: [expect.any(String)] }]);
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
