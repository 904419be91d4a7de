import { join } from 'node:path';

/** The duty app's time module (a browser ES module, app/js/time.js): its pure functions, run here. */
interface AppTime {
  londonInputValue(ms: number): string;
  londonDate(ms: number): string;
  localDay(isoDate: string): string;
  fromLondonInput(value: string | undefined): number | null;
  latestLondonTime(value: string, now: number): number | null;
  londonTimesOfDay(value: string, now: number): { choices: number[]; skipped: boolean };
}
const time = require(join(__dirname, '..', '..', 'app', 'js', 'time.js')) as AppTime; // eslint-disable-line @typescript-eslint/no-require-imports

const at = (iso: string) => Date.parse(iso);

describe('the app reads a time typed on the phone as London time, whatever zone the phone is in', () => {
  it.each([
    ['winter (GMT)', '2026-11-21T02:10', '2026-11-21T02:10:00.000Z'],
    ['summer (BST)', '2026-07-01T02:10', '2026-07-01T01:10:00.000Z'],
    ['the autumn hour that happens twice is read as the first, in BST', '2026-10-25T01:30', '2026-10-25T00:30:00.000Z'],
    ['just after the autumn change (GMT)', '2026-10-25T02:00', '2026-10-25T02:00:00.000Z'],
    ['seconds a browser adds are ignored', '2026-11-21T02:10:59', '2026-11-21T02:10:00.000Z'],
  ])('%s: %s is %s', (_case, typed, expected) => {
    expect(new Date(time.fromLondonInput(typed)!).toISOString()).toBe(expected);
  });

  it.each([
    ['a time the clocks skipped (spring change)', '2026-03-29T01:30'],
    ['empty', ''],
    ['not a date and time', '21/11/2026 02:10'],
    ['a day that does not exist', '2026-02-30T10:00'],
  ])('refuses %s (%s)', (_case, typed) => {
    expect(time.fromLondonInput(typed)).toBeNull();
  });

  it.each([
    ['2026-11-21T02:10:00Z', '2026-11-21T02:10', '2026-11-21'],
    ['2026-07-01T23:30:00Z', '2026-07-02T00:30', '2026-07-02'],
  ])('shows the instant %s in a date-time field as %s (date %s)', (iso, input, date) => {
    expect(time.londonInputValue(at(iso))).toBe(input);
    expect(time.londonDate(at(iso))).toBe(date);
  });
});

describe('a time of day tapped on a night shift is the latest such time not in the future', () => {
  it.each([
    ['earlier today', '01:50', '2026-11-21T02:10:00Z', '2026-11-21T01:50:00.000Z'],
    ['after midnight, 23:40 is the evening before', '23:40', '2026-11-21T00:20:00Z', '2026-11-20T23:40:00.000Z'],
    ['within a minute ahead is still today (the phone may be a little fast)', '02:11', '2026-11-21T02:10:30Z', '2026-11-21T02:11:00.000Z'],
    ['in BST', '23:40', '2026-07-01T23:20:00Z', '2026-07-01T22:40:00.000Z'],
  ])('%s: %s at %s is %s', (_case, typed, now, expected) => {
    expect(new Date(time.latestLondonTime(typed, at(now))!).toISOString()).toBe(expected);
  });

  it.each([
    ['not a time', '2:10', '2026-11-21T02:10:00Z'],
    ['a time the clocks skipped today', '01:30', '2026-03-29T03:00:00Z'],
  ])('refuses %s (%s at %s)', (_case, typed, now) => {
    expect(time.latestLondonTime(typed, at(now))).toBeNull();
  });
});

describe('on the nights the clocks change, a time of day typed says which it can be (STATUTE C5: instants, in UTC)', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  it.each([
    // Sun 31 Oct 2027: 01:00-01:59 happens twice, first in BST (00:00-00:59Z), then in GMT (01:00-01:59Z).
    [
      'in the repeated hour, both have happened: the GMT one (10 min ago) first, then the BST one',
      '01:20',
      '2027-10-31T01:30:00Z',
      ['2027-10-31T01:20:00.000Z', '2027-10-31T00:20:00.000Z'],
    ],
    ['in the repeated hour, the GMT one is still to come: the BST one only', '01:20', '2027-10-31T00:50:00Z', ['2027-10-31T00:20:00.000Z']],
    ['after the repeated hour, 00:40 happened once (BST)', '00:40', '2027-10-31T03:00:00Z', ['2027-10-30T23:40:00.000Z']],
    ['after the repeated hour, 02:10 happened once (GMT)', '02:10', '2027-10-31T03:00:00Z', ['2027-10-31T02:10:00.000Z']],
    // Sun 28 Mar 2027: 01:00-01:59 does not happen (00:59 GMT is followed by 02:00 BST).
    ['before the spring gap, 01:30 is the night before', '01:30', '2027-03-28T00:30:00Z', ['2027-03-27T01:30:00.000Z']],
    ['after the spring gap, 02:10 is in BST', '02:10', '2027-03-28T01:30:00Z', ['2027-03-28T01:10:00.000Z']],
  ])('%s: %s at %s', (_case, typed, now, expected) => {
    const read = time.londonTimesOfDay(typed, at(now));
    expect({ choices: read.choices.map(iso), skipped: read.skipped }).toEqual({ choices: expected, skipped: false });
    expect(iso(time.latestLondonTime(typed, at(now))!)).toBe(expected[0]);
  });

  it.each([
    ['a time in the spring gap, once the clocks have gone forward', '01:50', '2027-03-28T01:30:00Z', true],
    ['the same, hours later', '01:30', '2026-03-29T03:00:00Z', true],
    ['not a time of day (typed half: hours only)', '23', '2026-11-21T02:10:00Z', false],
  ])('none for %s (%s at %s)', (_case, typed, now, skipped) => {
    expect(time.londonTimesOfDay(typed, at(now))).toEqual({ choices: [], skipped });
    expect(time.latestLondonTime(typed, at(now))).toBeNull();
  });
});

describe('the app shows a day (a CTO period’s last day) as its other times show the day, whatever zone the phone is in', () => {
  it.each([
    ['in winter', '2026-11-21', 'Sat 21 Nov'],
    ['in summer', '2026-07-01', 'Wed 1 Jul'],
    ['the day the clocks go back', '2026-10-25', 'Sun 25 Oct'],
    ['the last day of a year', '2026-12-31', 'Thu 31 Dec'],
  ])('%s: %s is %s', (_case, day, shown) => {
    expect(time.localDay(day)).toBe(shown);
  });
});
