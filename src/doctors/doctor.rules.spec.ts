import fc from 'fast-check';
import { addDays, daysBetween } from '../statute/time';
import {
  ApprovalPeriod,
  approvalOn,
  displayPhone,
  nameWords,
  periodProblem,
  queryWords,
  searchText,
  UK_PHONE,
  ukPhone,
} from './doctor.rules';

const s12 = (startsOn: string, endsOn: string, id = `s12:${startsOn}`) => ({ id, kind: 's12' as const, startsOn, endsOn });
const ac = (startsOn: string, endsOn: string, id = `ac:${startsOn}`) => ({ id, kind: 'approved-clinician' as const, startsOn, endsOn });

describe('approvalOn(): approved on date D, both ends of a period inclusive (MED-03)', () => {
  const fiveYears = s12('2021-06-01', '2026-05-31');
  const twoPeriods = [s12('2020-01-01', '2024-12-31', 'first'), s12('2025-02-01', '2030-01-31', 'second')];
  const overlapping = [s12('2020-01-01', '2025-06-30', 'old'), s12('2025-01-01', '2030-12-31', 'renewed')];

  it.each<[string, Array<ApprovalPeriod & { id: string }>, string, string | null, string | null]>([
    ['the day before the first day: not approved', [fiveYears], '2021-05-31', null, null],
    ['the first day: approved', [fiveYears], '2021-06-01', 's12:2021-06-01', null],
    ['a day in the middle: approved', [fiveYears], '2023-11-15', 's12:2021-06-01', null],
    ['the last day: approved', [fiveYears], '2026-05-31', 's12:2021-06-01', null],
    ['the day after the last day: not approved', [fiveYears], '2026-06-01', null, null],
    ['29 February in a leap year inside the period', [fiveYears], '2024-02-29', 's12:2021-06-01', null],
    ['last day of the first of two periods', twoPeriods, '2024-12-31', 'first', null],
    ['in the gap between two periods: not approved', twoPeriods, '2025-01-15', null, null],
    ['the day after the gap ends: the second period', twoPeriods, '2025-02-01', 'second', null],
    ['overlapping periods: the one lasting longest answers', overlapping, '2025-03-01', 'renewed', null],
    ['overlapping periods: before the overlap, the older one', overlapping, '2024-12-31', 'old', null],
    ['overlapping periods: after the older ends, the newer one', overlapping, '2025-07-01', 'renewed', null],
    [
      'an approved clinician is not thereby shown as s.12 (kinds are independent)',
      [ac('2022-01-01', '2027-12-31')],
      '2023-01-01',
      null,
      'ac:2022-01-01',
    ],
    [
      's.12 lapsed, approved clinician current',
      [s12('2018-01-01', '2022-12-31'), ac('2022-06-01', '2027-05-31')],
      '2023-01-01',
      null,
      'ac:2022-06-01',
    ],
    ['both current', [s12('2018-01-01', '2025-12-31'), ac('2022-06-01', '2027-05-31')], '2023-01-01', 's12:2018-01-01', 'ac:2022-06-01'],
    ['a one-day period covers exactly that day', [s12('2025-03-30', '2025-03-30')], '2025-03-30', 's12:2025-03-30', null],
    ['no approvals at all', [], '2025-01-01', null, null],
  ])('%s', (_name, approvals, date, s12Id, acId) => {
    const on = approvalOn(approvals, date);
    expect(on.s12?.id ?? null).toBe(s12Id);
    expect(on.approvedClinician?.id ?? null).toBe(acId);
  });

  it("returns the caller's own period objects, with their other fields", () => {
    const period = { ...s12('2021-06-01', '2026-05-31'), approvingBody: 'NHS England' };
    expect(approvalOn([period], '2022-01-01').s12).toBe(period);
  });

  it.each(['2025-02-30', '25-01-01', '2025-1-1', '', '2025-01-01T00:00:00Z'])('refuses %j as a date', (date) => {
    expect(() => approvalOn([fiveYears], date)).toThrow(RangeError);
  });

  it('property: approved on D exactly when some period of that kind has start ≤ D ≤ end, counted day by day', () => {
    const day = fc.integer({ min: 0, max: 120 }).map((n) => addDays('2025-01-01', n));
    const period = fc
      .record({ kind: fc.constantFrom('s12' as const, 'approved-clinician' as const), start: day, length: fc.integer({ min: 0, max: 40 }) })
      .map(({ kind, start, length }) => ({ kind, startsOn: start, endsOn: addDays(start, length) }));
    fc.assert(
      fc.property(fc.array(period, { maxLength: 6 }), day, (approvals, date) => {
        const on = approvalOn(approvals, date);
        for (const [kind, found] of [
          ['s12', on.s12],
          ['approved-clinician', on.approvedClinician],
        ] as const) {
          const daysOf = (p: ApprovalPeriod) =>
            Array.from({ length: daysBetween(p.startsOn, p.endsOn) + 1 }, (_, i) => addDays(p.startsOn, i));
          const covering = approvals.filter((p) => p.kind === kind && daysOf(p).includes(date));
          expect(found !== null).toBe(covering.length > 0);
          if (found) expect(covering).toContain(found);
        }
      }),
    );
  });
});

describe('periodProblem(): a period is two dates in order', () => {
  it.each<[string, string, string | null]>([
    ['2025-01-01', '2029-12-31', null],
    ['2025-01-01', '2025-01-01', null],
    ['2025-01-02', '2025-01-01', 'endsOn must be on or after startsOn'],
    ['2025-02-29', '2026-01-01', 'startsOn must be a date YYYY-MM-DD'],
    ['2025-01-01', '2025-13-01', 'endsOn must be a date YYYY-MM-DD'],
  ])('%s to %s → %s', (startsOn, endsOn, problem) => {
    expect(periodProblem({ startsOn, endsOn })).toBe(problem);
  });
});

describe('searching the register: the words of a name', () => {
  it.each<[string, string[]]>([
    ['Dr Ade Bello', ['ade', 'bello']],
    ['Prof. Sir Ade Bello', ['ade', 'bello']],
    ['DR JOSÉ NÚÑEZ', ['jose', 'nunez']],
    ["Dr Siobhán O'Brien", ['siobhan', 'obrien']],
    ['Dr Anna Smith-Jones', ['anna', 'smith', 'jones']],
    ['Dr Zebedee_Quiet', ['zebedee_quiet']],
    ['Dr Zeb%Odd', ['zeb%odd']],
    ['Doctor', ['doctor']],
    ['Ms Miller', ['miller']],
  ])('%s → %j', (name, words) => {
    expect(nameWords(name)).toEqual(words);
  });

  it.each<[string, string[]]>([
    ['bel', ['bel']],
    ['Dr Bello', ['bello']],
    ['  dr.  ade   BELLO ', ['ade', 'bello']],
    ['núñez', ['nunez']],
    ['Dr', []],
  ])('the query %j searches for %j', (q, words) => {
    expect(queryWords(q)).toEqual(words);
  });

  it('stores each word after a space, so "a word starts with w" is the pattern "% w%"', () => {
    expect(searchText(['ade', 'bello'])).toBe(' ade bello');
    expect(searchText([])).toBe('');
  });
});

describe('UK telephone numbers', () => {
  it.each<[string, string, string]>([
    ['07700 900123', '+447700900123', '07700 900123'],
    ['+44 7700 900123', '+447700900123', '07700 900123'],
    ['+44 (0)7700 900123', '+447700900123', '07700 900123'],
    ['0044 7700 900123', '+447700900123', '07700 900123'],
    ['07700-900-123', '+447700900123', '07700 900123'],
    ['(01632) 960404', '+441632960404', '01632 960404'],
    ['020 7946 0000', '+442079460000', '020 7946 0000'],
    ['+44 20 7946 0000', '+442079460000', '020 7946 0000'],
    ['0113 496 0000', '+441134960000', '0113 496 0000'],
    ['0300 123 4567', '+443001234567', '0300 123 4567'],
    ['0800 123 456', '+44800123456', '0800 123 456'],
  ])('%s is %s, printed %s', (input, e164, national) => {
    expect(ukPhone(input)).toEqual({ e164, national });
    expect(displayPhone(e164)).toBe(national);
  });

  it.each([
    ['call me maybe'],
    ['+1 212 555 0100'],
    ['07700 90012'],
    ['07700 9001234567'],
    ['06700 900123'],
    ['04700 900123'],
    ['+44 0 7700 900123'],
    ['999'],
    [''],
  ])('%j is not a UK number', (input) => {
    expect(UK_PHONE.test(input)).toBe(false);
    expect(ukPhone(input)).toBeNull();
  });

  it('property: whatever the pattern accepts, the number normalises (and back again)', () => {
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const sep = fc.constantFrom('', ' ', '-', ' (', ') ');
    const prefix = fc.constantFrom('0', '+44', '+44 (0)', '0044 ', '(0');
    fc.assert(
      fc.property(
        prefix,
        fc.constantFrom('1', '2', '3', '5', '7', '8', '9'),
        fc.array(fc.tuple(sep, digit), { minLength: 7, maxLength: 11 }),
        (p, first, rest) => {
          const input = `${p}${first}${rest.map(([s, d]) => s + d).join('')}`;
          const parsed = ukPhone(input);
          expect(parsed !== null).toBe(UK_PHONE.test(input));
          if (parsed) expect(ukPhone(parsed.e164)).toEqual(parsed);
        },
      ),
    );
  });

  it('a number stored before validation is shown as written', () => {
    expect(displayPhone('ext 4412')).toBe('ext 4412');
  });
});
