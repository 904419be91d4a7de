import { validateSync } from 'class-validator';
import { IsHoursToTheMinute, isBlank, isInstant, minutesOfHours } from './validators';

describe('an instant in a request carries its offset', () => {
  it.each([
    ['UTC with Z', '2026-08-01T01:10:00Z'],
    ['summer time with +01:00', '2026-08-01T02:10:00+01:00'],
    ['without seconds', '2026-08-01T02:10+01:00'],
    ['with milliseconds', '2026-08-01T01:10:00.123Z'],
    ['a negative offset', '2026-07-31T21:10:00-04:00'],
  ])('accepts %s (%s)', (_name, value) => expect(isInstant(value)).toBe(true));

  it.each([
    ['a local time with no offset (it would be read as UTC)', '2026-08-01T02:10'],
    ['a local time with seconds and no offset', '2026-08-01T02:10:00'],
    ['a date alone', '2026-08-01'],
    ['a space for the T', '2026-08-01 02:10:00Z'],
    ['a day that does not exist', '2026-02-30T10:00:00Z'],
    ['hour 24', '2026-08-01T24:00:00Z'],
    ['an offset of 24 hours', '2026-08-01T02:10:00+24:00'],
    ['an offset without a colon', '2026-08-01T02:10:00+0100'],
    ['a number', 1785546600000],
    ['null', null],
  ])('refuses %s', (_name, value) => expect(isInstant(value)).toBe(false));
});

describe('a value that shows nothing is blank (a password of spaces is no password)', () => {
  it.each([
    ['empty', ''],
    ['twelve spaces', ' '.repeat(12)],
    ['tabs', '\t'.repeat(12)],
    ['no-break spaces (U+00A0)', '\u00a0'.repeat(12)],
    ['zero-width spaces (U+200B)', '\u200b'.repeat(12)],
    ['zero-width joiners and a word joiner', '\u200c\u200d\u2060'.repeat(4)],
    ['byte-order marks', '\ufeff'.repeat(12)],
    ['ideographic spaces (U+3000) and line breaks', '\u3000\n\r'.repeat(4)],
  ])('%s is blank', (_name, value) => expect(isBlank(value)).toBe(true));

  it.each([
    ['a passphrase with spaces inside', 'correct horse battery staple'],
    ['one visible character among spaces', `${' '.repeat(11)}x`],
    ['a visible character among zero-width spaces', `\u200b${'.'}\u200b`],
    ['not text at all', 12],
  ])('%s is not blank', (_name, value) => expect(isBlank(value)).toBe(false));
});

describe('hours to the minute (a s.136B extension: "a further period not exceeding 12 hours", authorised to a time)', () => {
  class Period {
    @IsHoursToTheMinute(12) hours: unknown;
  }
  const errors = (hours: unknown) => {
    const p = new Period();
    p.hours = hours;
    return validateSync(p).flatMap((e) => Object.values(e.constraints ?? {}));
  };

  it.each<[string, number, number]>([
    ['whole hours', 12, 720],
    ['7 h 30 min', 7.5, 450],
    ['7 h 15 min', 7.25, 435],
    ['6 h 20 min, to four decimal places', 6.3333, 380],
    ['6 h 20 min, as a division gives it', 380 / 60, 380],
    ['1 minute', 1 / 60, 1],
  ])('accepts %s (%d h = %d min)', (_name, hours, minutes) => {
    expect(errors(hours)).toEqual([]);
    expect(minutesOfHours(hours)).toBe(minutes);
  });

  it.each<[string, unknown, string]>([
    ['12 h 1 min', 721 / 60, 'hours must not be more than 12 hours (720 minutes)'],
    ['13 hours', 13, 'hours must not be more than 12 hours (720 minutes)'],
    ['part of a minute', 7.501, 'hours must be a whole number of minutes (hours × 60 a whole number, e.g. 7.5 or 7.25)'],
    ['zero', 0, 'hours must be at least 1 minute'],
    ['a negative period', -1, 'hours must be at least 1 minute'],
    ['text', '7.5', 'hours must be a number of hours, to the minute (7.5 for 7 h 30 min)'],
    ['infinity', Infinity, 'hours must be a number of hours, to the minute (7.5 for 7 h 30 min)'],
  ])('refuses %s, saying why', (_name, hours, message) => expect(errors(hours)).toEqual([message]));
});
