import fc from 'fast-check';
import { addDays, type IsoDate } from '../statute/time';
import {
  coverageGaps,
  filledPlaces,
  CoverageShift,
  generateShifts,
  consecutiveDays,
  isNight,
  localInstant,
  nightHours,
  PatternFacts,
  Period,
  planShifts,
  RotaPolicy,
  workingTimeFindings,
  skillsLostBySwap,
  type SwapSkills,
  onCallPeriodRefusal,
  patternDatesRefusal,
  generationRefusal,
  shiftCreationRefusal,
  restoreRefusal,
  staffingDrift,
} from './rota.rules';

const LONDON = 'Europe/London';
const policy: RotaPolicy = {
  timeZone: LONDON,
  minRestHours: 11,
  maxWeeklyHours: 48,
  referenceWeeks: 17,
  maxConsecutiveNights: 3,
  maxConsecutiveDays: 7,
  weeklyRestHours: 24,
  nightMaxAverageHours: 8,
  nightReferenceWeeks: 17,
};
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

const pattern = (over: Partial<PatternFacts>): PatternFacts => ({
  id: 'p',
  name: 'Day',
  startTime: '09:00',
  endTime: '17:00',
  weekdays: ALL_DAYS,
  bankHolidays: 'any',
  requiredCount: 1,
  requiredSkills: [],
  validFrom: '2026-01-01',
  validTo: null,
  ...over,
});
const at = (iso: string) => new Date(iso);
const shift = (start: string, end: string): Period => ({ startsAt: at(start), endsAt: at(end) });
const hoursOf = (p: Period) => (p.endsAt.getTime() - p.startsAt.getTime()) / 3_600_000;

describe('generating shifts from patterns in local time', () => {
  it('a 22:00-09:00 night is 11 h, but 10 h when the clocks go forward and 12 h when they go back', () => {
    const night = pattern({ id: 'n', name: 'Night', startTime: '22:00', endTime: '09:00' });
    const bySpring = generateShifts([night], new Set(), '2026-03-27', '2026-03-29', LONDON);
    expect(bySpring.map((s) => [s.localDate, hoursOf(s)])).toEqual([
      ['2026-03-27', 11],
      ['2026-03-28', 10],
      ['2026-03-29', 11],
    ]);
    expect(bySpring[1].startsAt.toISOString()).toBe('2026-03-28T22:00:00.000Z');
    expect(bySpring[1].endsAt.toISOString()).toBe('2026-03-29T08:00:00.000Z'); // 09:00 BST
    const byAutumn = generateShifts([night], new Set(), '2026-10-24', '2026-10-25', LONDON);
    expect(byAutumn.map((s) => hoursOf(s))).toEqual([12, 11]);
  });

  // Europe/London: clocks go forward 01:00 GMT -> 02:00 BST on Sun 28 Mar 2027 (01:00-02:00 does not exist), and back
  // 02:00 BST -> 01:00 GMT on Sun 31 Oct 2027 (01:00-02:00 happens twice; the first, BST, is the one meant).
  it.each<[string, string, string, IsoDate, string[] | null, string | null]>([
    [
      'starting in the spring gap and ending as it closes: no length, skipped',
      '01:30',
      '02:30',
      '2027-03-28',
      null,
      'shift-skipped-clock-change',
    ],
    [
      'wholly in the spring gap: both ends read an hour later',
      '01:15',
      '01:45',
      '2027-03-28',
      ['2027-03-28T01:15:00.000Z', '2027-03-28T01:45:00.000Z'],
      'shift-adjusted-clock-change',
    ],
    [
      'starting in the spring gap: read an hour later',
      '01:30',
      '05:00',
      '2027-03-28',
      ['2027-03-28T01:30:00.000Z', '2027-03-28T04:00:00.000Z'],
      'shift-adjusted-clock-change',
    ],
    [
      'ending in the spring gap: read an hour later',
      '00:00',
      '01:30',
      '2027-03-28',
      ['2027-03-28T00:00:00.000Z', '2027-03-28T01:30:00.000Z'],
      'shift-adjusted-clock-change',
    ],
    [
      'a night ending in the spring gap',
      '22:00',
      '01:30',
      '2027-03-27',
      ['2027-03-27T22:00:00.000Z', '2027-03-28T01:30:00.000Z'],
      'shift-adjusted-clock-change',
    ],
    [
      'spanning the spring gap: an hour shorter, nothing to report',
      '00:30',
      '03:00',
      '2027-03-28',
      ['2027-03-28T00:30:00.000Z', '2027-03-28T02:00:00.000Z'],
      null,
    ],
    [
      'the same times a week later: as written',
      '01:30',
      '05:00',
      '2027-04-04',
      ['2027-04-04T00:30:00.000Z', '2027-04-04T04:00:00.000Z'],
      null,
    ],
    [
      'starting in the autumn repeated hour: from its first (BST) time, 2 h instead of 1, reported',
      '01:30',
      '02:30',
      '2027-10-31',
      ['2027-10-31T00:30:00.000Z', '2027-10-31T02:30:00.000Z'],
      'shift-ambiguous-clock-change',
    ],
    [
      'wholly in the autumn repeated hour: both ends the first time, reported',
      '01:10',
      '01:50',
      '2027-10-31',
      ['2027-10-31T00:10:00.000Z', '2027-10-31T00:50:00.000Z'],
      'shift-ambiguous-clock-change',
    ],
    [
      'a night ending in the autumn repeated hour: ends at the first 01:30, reported',
      '22:00',
      '01:30',
      '2027-10-30',
      ['2027-10-30T21:00:00.000Z', '2027-10-31T00:30:00.000Z'],
      'shift-ambiguous-clock-change',
    ],
    [
      'the same times a week after the autumn change: as written',
      '01:30',
      '02:30',
      '2027-11-07',
      ['2027-11-07T01:30:00.000Z', '2027-11-07T02:30:00.000Z'],
      null,
    ],
    [
      'the same times a week before the autumn change: as written',
      '01:30',
      '02:30',
      '2027-10-24',
      ['2027-10-24T00:30:00.000Z', '2027-10-24T01:30:00.000Z'],
      null,
    ],
    [
      'across the autumn change: an hour longer',
      '00:30',
      '03:00',
      '2027-10-31',
      ['2027-10-30T23:30:00.000Z', '2027-10-31T03:00:00.000Z'],
      null,
    ],
  ])('a %s (%s-%s on %s)', (_name, startTime, endTime, day, expected, warning) => {
    const p = pattern({ id: 'p', name: 'Early', startTime, endTime, weekdays: [1, 2, 3, 4, 5, 6, 7] });
    const { shifts, warnings } = planShifts([p], new Set(), day, day, LONDON);
    expect(shifts.map((s) => [s.startsAt.toISOString(), s.endsAt.toISOString()])).toEqual(expected ? [expected] : []);
    expect(warnings.map((w) => [w.code, w.rule, w.patternId, w.localDate])).toEqual(
      warning ? [[warning, 'ROTA-CLOCK-CHANGE', 'p', day]] : [],
    );
    for (const w of warnings) expect(w.message).toContain(`"Early" shift on ${day}`);
  });

  it('the autumn report says which 01:30 was used and how long the shift is', () => {
    const p = pattern({ id: 'p', name: 'Early relief', startTime: '01:30', endTime: '02:30', weekdays: [7] });
    const { warnings } = planShifts([p], new Set(), '2027-10-24', '2027-11-07', LONDON);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'shift-ambiguous-clock-change', localDate: '2027-10-31', severity: 'warning' }),
    ]);
    expect(warnings[0].message).toBe(
      'The "Early relief" shift on 2027-10-31 runs 01:30 (+01:00)-02:30 (+00:00) (2 h): the clocks go back and 01:30 on 2027-10-31 happens twice, so the first time (before the clocks go back) is used.',
    );
  });

  it('one pattern in the spring gap never stops the rest of the range: every other day and pattern is generated', () => {
    const gap = pattern({ id: 'gap', name: 'Gap', startTime: '01:30', endTime: '02:30', weekdays: [7], validFrom: '2027-03-20' });
    const day = pattern({ id: 'day', name: 'Day', weekdays: [1, 2, 3, 4, 5, 6, 7] });
    const { shifts, warnings } = planShifts([gap, day], new Set(), '2027-03-01', '2027-04-30', LONDON);
    expect(shifts.filter((s) => s.patternId === 'day')).toHaveLength(61);
    expect(shifts.filter((s) => s.patternId === 'gap').map((s) => s.localDate)).toEqual([
      '2027-03-21',
      '2027-04-04',
      '2027-04-11',
      '2027-04-18',
      '2027-04-25',
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'shift-skipped-clock-change', patternName: 'Gap', localDate: '2027-03-28' }),
    ]);
    expect(shifts.every((s) => s.endsAt > s.startsAt)).toBe(true);
  });

  it('a summer day shift starts at 09:00 BST (08:00 UTC)', () => {
    const [s] = generateShifts([pattern({})], new Set(), '2026-07-01', '2026-07-01', LONDON);
    expect(s.startsAt.toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(s.endsAt.toISOString()).toBe('2026-07-01T16:00:00.000Z');
  });

  it('runs only on its weekdays and within its validity', () => {
    const weekdaysOnly = pattern({ weekdays: [1, 2, 3, 4, 5], validFrom: '2026-11-17', validTo: '2026-11-26' });
    const dates = generateShifts([weekdaysOnly], new Set(), '2026-11-16', '2026-11-29', LONDON).map((s) => s.localDate);
    expect(dates).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26']);
  });

  it('bank holidays use their own pattern: `exclude` skips them, `only` runs on them alone', () => {
    const holidays = new Set(['2026-12-25', '2026-12-28']);
    const weekday = pattern({ id: 'w', name: 'Weekday day', weekdays: [1, 2, 3, 4, 5], bankHolidays: 'exclude', requiredCount: 3 });
    const holiday = pattern({ id: 'h', name: 'Bank holiday day', bankHolidays: 'only', requiredCount: 1 });
    const shifts = generateShifts([weekday, holiday], holidays, '2026-12-24', '2026-12-29', LONDON);
    expect(shifts.map((s) => [s.localDate, s.label, s.bankHoliday])).toEqual([
      ['2026-12-24', 'Weekday day', false],
      ['2026-12-25', 'Bank holiday day', true],
      ['2026-12-28', 'Bank holiday day', true],
      ['2026-12-29', 'Weekday day', false],
    ]);
  });
});

describe('night shifts (23:00-06:00 night time)', () => {
  it.each([
    ['22:00-09:00 night', '2026-11-21T22:00:00Z', '2026-11-22T09:00:00Z', 7, true],
    ['09:00-17:00 day', '2026-11-21T09:00:00Z', '2026-11-21T17:00:00Z', 0, false],
    ['17:00-01:00 late evening (2 h of night)', '2026-11-21T17:00:00Z', '2026-11-22T01:00:00Z', 2, false],
    ['20:00-08:00 long night', '2026-11-21T20:00:00Z', '2026-11-22T08:00:00Z', 7, true],
    ['summer night 22:00-09:00 BST', '2026-07-01T21:00:00Z', '2026-07-02T08:00:00Z', 7, true],
  ])('%s has %i night hours', (_name, start, end, nh, night) => {
    expect(nightHours(shift(start, end), LONDON)).toBe(nh);
    expect(isNight(shift(start, end), LONDON)).toBe(night);
  });
});

describe('working-time findings for an assignment', () => {
  const codes = (candidate: Period, others: Period[], p: RotaPolicy = policy) =>
    workingTimeFindings(candidate, others, p).map((f) => `${f.severity}:${f.code}`);

  it('WTR-4: the 48 h average holds over ANY 17 weeks, not only those starting or ending with the new shift', () => {
    // 10.1 h each weekday for the 8 weeks before and the 8 weeks after Mon 6 Sep 2027 (47.5 h a week in any 17 weeks
    // anchored at 6 Sep), then a 12 h shift on 6 Sep: the 17 weeks from Mon 12 Jul hold 820 h, 48.2 h a week.
    const others: Period[] = [];
    const base = Date.parse('2027-09-06T07:00:00Z');
    for (let week = -8; week < 9; week++)
      for (let day = 0; day < 5; day++) {
        if (week === 0) continue;
        const start = base + (week * 7 + day) * 86_400_000;
        others.push({ startsAt: new Date(start), endsAt: new Date(start + 10.1 * 3_600_000) });
      }
    expect(codes(shift('2027-09-06T07:00:00Z', '2027-09-06T19:00:00Z'), others)).toContain('warning:weekly-hours');
    // Without the candidate no 17 weeks go over: the finding is the new shift's doing.
    expect(codes(shift('2027-09-06T07:00:00Z', '2027-09-06T08:00:00Z'), others)).not.toContain('warning:weekly-hours');
  });

  it.each<[string, Period, Period[], string[]]>([
    ['no other shifts', shift('2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z'), [], []],
    [
      '11 h rest across midnight after a late shift is enough',
      shift('2026-11-23T09:00:00Z', '2026-11-23T17:00:00Z'),
      [shift('2026-11-22T14:00:00Z', '2026-11-22T22:00:00Z')],
      [],
    ],
    [
      '10 h rest across midnight is too little',
      shift('2026-11-23T08:00:00Z', '2026-11-23T16:00:00Z'),
      [shift('2026-11-22T14:00:00Z', '2026-11-22T22:00:00Z')],
      ['hard:rest-too-short'],
    ],
    [
      'a day shift straight after a night is too little rest',
      shift('2026-11-22T09:00:00Z', '2026-11-22T17:00:00Z'),
      [shift('2026-11-21T22:00:00Z', '2026-11-22T09:00:00Z')],
      ['hard:rest-too-short'],
    ],
    [
      'rest before the next shift counts too',
      shift('2026-11-22T14:00:00Z', '2026-11-22T22:00:00Z'),
      [shift('2026-11-23T08:00:00Z', '2026-11-23T16:00:00Z')],
      ['hard:rest-too-short'],
    ],
    [
      'an overlapping shift',
      shift('2026-11-22T09:00:00Z', '2026-11-22T17:00:00Z'),
      [shift('2026-11-22T16:00:00Z', '2026-11-22T22:00:00Z')],
      ['hard:overlap'],
    ],
  ])('%s → %j', (_name, candidate, others, expected) => {
    expect(codes(candidate, others)).toEqual(expected);
  });

  // WTR-10-24H (reg 10(1)): 11 h unbroken rest in each 24 hours, not only between shifts; a warning (reg 21 / reg 24).
  it.each<[string, Period, Period[], string[]]>([
    ['a 13 h shift leaves 11 h of the 24', shift('2027-02-10T08:00:00Z', '2027-02-10T21:00:00Z'), [], []],
    ['a 14 h shift leaves 10 h of the 24', shift('2027-02-10T08:00:00Z', '2027-02-10T22:00:00Z'), [], ['warning:daily-rest-in-day']],
    [
      'a 24 h shift leaves no rest in its 24 hours',
      shift('2027-02-10T08:00:00Z', '2027-02-11T08:00:00Z'),
      [],
      ['warning:daily-rest-in-day'],
    ],
    [
      'two 24 h shifts 11 h apart: the rest between is long enough, the rest within each 24 hours is not',
      shift('2027-02-11T19:00:00Z', '2027-02-12T19:00:00Z'),
      [shift('2027-02-10T08:00:00Z', '2027-02-11T08:00:00Z')],
      ['warning:daily-rest-in-day'],
    ],
    [
      'a 12 h day, 11 h off, then a 12 h day',
      shift('2027-02-11T07:00:00Z', '2027-02-11T19:00:00Z'),
      [shift('2027-02-10T08:00:00Z', '2027-02-10T20:00:00Z')],
      [],
    ],
    ['an 11 h night: 13 h of rest follow in its 24 hours', shift('2027-02-10T22:00:00Z', '2027-02-11T09:00:00Z'), [], []],
  ])('WTR-10-24H: %s → %j', (_name, candidate, others, expected) => {
    expect(codes(candidate, others)).toEqual(expected);
  });

  it('WTR-10-24H warns (never refuses) and names the reg 21 exception and compensatory rest', () => {
    const [f] = workingTimeFindings(shift('2027-02-10T08:00:00Z', '2027-02-11T08:00:00Z'), [], policy);
    expect(f).toMatchObject({ rule: 'WTR-10-24H', severity: 'warning' });
    expect(f.message).toMatch(/0 h of unbroken rest.*reg 21.*compensatory rest.*reg 24/);
  });

  // WTR-6 (reg 6): a night worker's hours average at most 8 in each 24 over 17 weeks, less the weekly rest days (reg 6(5)).
  const nightsFor = (weeks: number, perWeek: number, hoursEach: number) => {
    const out: Period[] = [];
    for (let day = 0; day < weeks * 7; day++) {
      if (day % 7 >= perWeek) continue;
      const start = Date.UTC(2026, 6, 6, 22) + day * 86_400_000;
      out.push({ startsAt: new Date(start), endsAt: new Date(start + hoursEach * 3_600_000) });
    }
    return out;
  };
  const nightAt = shift('2026-11-02T22:00:00Z', '2026-11-03T09:00:00Z');
  it.each<[string, Period, Period[], Partial<RotaPolicy>, boolean]>([
    ['four 11 h nights a week (7.3 h per 24)', nightAt, nightsFor(17, 4, 11), { maxWeeklyHours: 168 }, false],
    ['five 11 h nights a week (8.9 h per 24)', nightAt, nightsFor(17, 5, 11), { maxWeeklyHours: 168 }, true],
    [
      'the same on day shifts: not night work',
      shift('2026-11-02T08:00:00Z', '2026-11-02T19:00:00Z'),
      nightsFor(17, 5, 11).map((p) => ({
        startsAt: new Date(p.startsAt.getTime() - 14 * 3_600_000),
        endsAt: new Date(p.endsAt.getTime() - 14 * 3_600_000),
      })),
      { maxWeeklyHours: 168 },
      false,
    ],
    [
      'four nights a week with a configured limit of 7 h',
      nightAt,
      nightsFor(17, 4, 11),
      { maxWeeklyHours: 168, nightMaxAverageHours: 7 },
      true,
    ],
    [
      'five nights a week over a configured 4-week period, only 3 weeks worked',
      nightAt,
      nightsFor(17, 5, 11).filter((p) => p.startsAt < new Date('2026-07-27T00:00:00Z')),
      { nightReferenceWeeks: 4 },
      false,
    ],
  ])('WTR-6: %s', (_name, candidate, others, over, warns) => {
    const found = workingTimeFindings(
      candidate,
      others.filter((o) => o.endsAt <= candidate.startsAt),
      { ...policy, ...over },
    );
    expect(found.some((f) => f.code === 'night-work-average' && f.rule === 'WTR-6' && f.severity === 'warning')).toBe(warns);
  });

  it('counts consecutive nights on both sides of the candidate', () => {
    const night = (d: string) => shift(`${d}T22:00:00Z`, `${addOne(d)}T09:00:00Z`);
    const three = [night('2026-11-20'), night('2026-11-21'), night('2026-11-23')];
    expect(codes(night('2026-11-22'), three)).toContain('warning:consecutive-nights');
    expect(codes(night('2026-11-22'), three.slice(0, 1))).not.toContain('warning:consecutive-nights');
  });

  it('warns above 48 h a week averaged over 17 weeks', () => {
    // 17 weeks of five 11 h shifts = 55 h a week.
    const others: Period[] = [];
    for (let day = 0; day < 17 * 7; day++) {
      if (day % 7 >= 5) continue;
      const start = new Date(Date.UTC(2026, 6, 6, 8) + day * 86_400_000);
      others.push({ startsAt: start, endsAt: new Date(start.getTime() + 11 * 3_600_000) });
    }
    const candidate = { startsAt: new Date(Date.UTC(2026, 10, 2, 8)), endsAt: new Date(Date.UTC(2026, 10, 2, 19)) };
    expect(
      codes(
        candidate,
        others.filter((o) => o.endsAt <= candidate.startsAt),
      ),
    ).toContain('warning:weekly-hours');
    expect(
      codes(
        candidate,
        others.filter((o, i) => i % 2 === 0 && o.endsAt <= candidate.startsAt),
      ),
    ).not.toContain('warning:weekly-hours');
  });

  it('warns when the week has no 24 h break', () => {
    const days = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'].map((d) =>
      shift(`${d}T06:00:00Z`, `${d}T19:00:00Z`),
    );
    expect(codes(shift('2026-11-22T06:00:00Z', '2026-11-22T19:00:00Z'), days)).toContain('warning:weekly-rest');
    expect(codes(shift('2026-11-22T06:00:00Z', '2026-11-22T19:00:00Z'), days.slice(2))).not.toContain('warning:weekly-rest');
  });

  it('warns when the candidate takes away the weekly rest of a later shift already rostered', () => {
    // Six long days from Tuesday to Sunday with Monday free: adding Monday leaves the week up to Sunday without a break.
    const later = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'].map((d) =>
      shift(`${d}T06:00:00Z`, `${d}T19:00:00Z`),
    );
    const monday = shift('2026-11-16T06:00:00Z', '2026-11-16T19:00:00Z');
    expect(codes(monday, later)).toContain('warning:weekly-rest');
    expect(codes(monday, later.slice(0, 4))).not.toContain('warning:weekly-rest');
  });

  it('property: adding a shift that clears every other by the rest period is never hard-refused (short of the day limit)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 24 * 60 }), { maxLength: 12 }), fc.integer({ min: 1, max: 14 }), (starts, len) => {
        const base = Date.UTC(2026, 0, 1);
        const others = starts.map((h) => ({ startsAt: new Date(base + h * 3_600_000), endsAt: new Date(base + (h + len) * 3_600_000) }));
        const latest = Math.max(base, ...others.map((o) => o.endsAt.getTime()));
        const candidate = { startsAt: new Date(latest + 11 * 3_600_000), endsAt: new Date(latest + (11 + len) * 3_600_000) };
        // 13 shifts cannot make a run of more than 13 days: only rest and overlap could refuse.
        return workingTimeFindings(candidate, others, { ...policy, maxConsecutiveDays: 14 }).every((f) => f.severity !== 'hard');
      }),
    );
  });
});

describe('consecutive days on the rota (ROTA-DAYS, a hard rule, limit 7)', () => {
  // Day shifts 09:00-17:00 local (GMT in November).
  const day = (d: string) => shift(`${d}T09:00:00Z`, `${d}T17:00:00Z`);
  const dates = (first: string, n: number) => Array.from({ length: n }, (_, i) => addDays(first, i));
  const hard = (candidate: Period, others: Period[], p: RotaPolicy = policy) =>
    workingTimeFindings(candidate, others, p)
      .filter((f) => f.severity === 'hard')
      .map((f) => f.code);

  it.each<[string, string[], string, number, string[]]>([
    ['the 7th day in a row (Mon-Sun) is allowed', dates('2026-11-16', 6), '2026-11-22', 7, []],
    ['the 8th day in a row is refused', dates('2026-11-16', 7), '2026-11-23', 8, ['consecutive-days']],
    [
      'a day between two runs of days that would join them into 11 is refused',
      [...dates('2026-11-16', 5), ...dates('2026-11-22', 5)],
      '2026-11-21',
      11,
      ['consecutive-days'],
    ],
    ['a day off resets: 7 days, a day off, then a day is allowed', dates('2026-11-16', 7), '2026-11-24', 1, []],
    [
      'a day off in the middle: 3 days, off, 4 days, then the 5th is allowed',
      [...dates('2026-11-16', 3), ...dates('2026-11-20', 4)],
      '2026-11-24',
      5,
      [],
    ],
    ['the first day before a run of 7 is refused too', dates('2026-11-17', 7), '2026-11-16', 8, ['consecutive-days']],
  ])('%s', (_name, worked, candidate, run, expected) => {
    const others = worked.map(day);
    expect(consecutiveDays(day(candidate), others, LONDON)).toBe(run);
    expect(hard(day(candidate), others)).toEqual(expected);
  });

  it('two shifts starting on one date count as one day', () => {
    // Saturday 21st has an early and a late shift, each 11 h or more from the next.
    const saturday = [shift('2026-11-21T04:30:00Z', '2026-11-21T06:30:00Z'), shift('2026-11-21T17:30:00Z', '2026-11-21T19:00:00Z')];
    const others = [...dates('2026-11-16', 5).map(day), ...saturday];
    expect(consecutiveDays(day('2026-11-22'), others, LONDON)).toBe(7);
    expect(hard(day('2026-11-22'), others)).toEqual([]);
  });

  it('counts nights by the date they start: 7 nights then a night on the 8th date is refused', () => {
    const night = (d: string) => shift(`${d}T22:00:00Z`, `${addOne(d)}T08:00:00Z`);
    const p = { ...policy, maxConsecutiveNights: 14 };
    expect(hard(night('2026-11-23'), dates('2026-11-16', 7).map(night), p)).toEqual(['consecutive-days']);
    expect(hard(night('2026-11-24'), dates('2026-11-16', 7).map(night), p)).toEqual([]);
  });

  it('counts local dates across the spring clock change: 00:30 starts from Mon 22 to Mon 29 March 2027 are 8 days', () => {
    // 00:30 GMT until Sun 28 March; 00:30 BST (23:30 UTC the day before) from Mon 29 March. By UTC dates the 8th
    // start would fall on the 7th date again; by local dates it is the 8th day.
    const early = (d: string) => {
      const start = localInstant(d, '00:30', LONDON);
      return { startsAt: start, endsAt: new Date(start.getTime() + 7 * 3_600_000) };
    };
    const week = dates('2027-03-22', 7).map(early);
    const monday = early('2027-03-29');
    expect(monday.startsAt.toISOString()).toBe('2027-03-28T23:30:00.000Z');
    expect(consecutiveDays(monday, week, LONDON)).toBe(8);
    expect(hard(monday, week)).toEqual(['consecutive-days']);
    expect(hard(week[6], week.slice(0, 6))).toEqual([]);
  });

  it('follows the configured limit', () => {
    const others = dates('2026-11-16', 4).map(day);
    expect(hard(day('2026-11-20'), others, { ...policy, maxConsecutiveDays: 4 })).toEqual(['consecutive-days']);
    expect(hard(day('2026-11-20'), others, { ...policy, maxConsecutiveDays: 5 })).toEqual([]);
  });
});

function addOne(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe('coverage gaps', () => {
  const s = (id: string, start: string, end: string, required: number, skills: string[], assigned: string[][]): CoverageShift => ({
    id,
    label: id,
    startsAt: at(start),
    endsAt: at(end),
    requiredCount: required,
    requiredSkills: skills,
    assigned: assigned.map((k, i) => ({ practitionerId: `${id}-${i}`, skills: k })),
  });

  it('finds understaffed shifts, a missing senior, and time no shift covers, to the minute', () => {
    const shifts = [
      s('day', '2026-11-21T09:00:00Z', '2026-11-21T17:00:00Z', 3, [], [[], []]),
      s('evening', '2026-11-21T17:00:00Z', '2026-11-21T21:30:00Z', 1, [], [[]]),
      s('night', '2026-11-21T22:00:00Z', '2026-11-22T09:00:00Z', 1, ['senior'], [['night']]),
    ];
    const gaps = coverageGaps(shifts, at('2026-11-21T09:00:00Z'), at('2026-11-22T09:00:00Z'));
    expect(
      gaps.map((g) => [g.kind, g.startsAt.toISOString().slice(11, 16), g.endsAt.toISOString().slice(11, 16), g.missing, g.missingSkills]),
    ).toEqual([
      ['understaffed', '09:00', '17:00', 1, []],
      ['no-shift', '21:30', '22:00', 1, []],
      ['skill-missing', '22:00', '09:00', 0, ['senior']],
    ]);
  });

  it('a fully staffed, seamless rota has no gaps', () => {
    const shifts = [
      s('a', '2026-11-21T09:00:00Z', '2026-11-21T21:00:00Z', 1, [], [[]]),
      s('b', '2026-11-21T21:00:00Z', '2026-11-22T09:00:00Z', 1, [], [[]]),
    ];
    expect(coverageGaps(shifts, at('2026-11-21T09:00:00Z'), at('2026-11-22T09:00:00Z'))).toEqual([]);
  });

  // ROTA-WORKED: an AMHP fills a shift only for her own part of it.
  const night = (assigned: Array<[string[], string?, string?]>): CoverageShift => ({
    ...s('night', '2026-12-06T22:00:00Z', '2026-12-07T09:00:00Z', 1, ['senior'], []),
    assigned: assigned.map(([skills, from, to], i) => ({
      practitionerId: `p${i}`,
      skills,
      ...(from ? { startsAt: at(from) } : {}),
      ...(to ? { endsAt: at(to) } : {}),
    })),
  });
  it.each<[string, Array<[string[], string?, string?]>, Array<[string, string, string, number, string[]]>]>([
    [
      'taken off at 22:39: short from then',
      [[['senior'], undefined, '2026-12-06T22:39:00Z']],
      [['understaffed', '22:39', '09:00', 1, ['senior']]],
    ],
    [
      'taken off at 22:39, another on from 22:45: short for the six minutes between',
      [
        [['senior'], undefined, '2026-12-06T22:39:00Z'],
        [['senior'], '2026-12-06T22:45:00Z'],
      ],
      [['understaffed', '22:39', '22:45', 1, ['senior']]],
    ],
    [
      'a junior on from 22:45 fills the place but not the skill',
      [
        [['senior'], undefined, '2026-12-06T22:39:00Z'],
        [[], '2026-12-06T22:45:00Z'],
      ],
      [
        ['understaffed', '22:39', '22:45', 1, ['senior']],
        ['skill-missing', '22:45', '09:00', 0, ['senior']],
      ],
    ],
    ['on for the whole night', [[['senior'], '2026-12-06T22:00:00Z', '2026-12-07T09:00:00Z']], []],
  ])('%s', (_case, assigned, expected) => {
    const gaps = coverageGaps([night(assigned)], at('2026-12-06T22:00:00Z'), at('2026-12-07T09:00:00Z'));
    expect(
      gaps.map((g) => [g.kind, g.startsAt.toISOString().slice(11, 16), g.endsAt.toISOString().slice(11, 16), g.missing, g.missingSkills]),
    ).toEqual(expected);
  });

  it.each<[string, Array<[string?, string?]>, number]>([
    ['nobody', [], 0],
    ['one for the whole shift', [[]], 1],
    ['one taken off part-way', [[undefined, '2026-12-07T01:00:00Z']], 0],
    ['one until 01:00 and another from 01:00', [[undefined, '2026-12-07T01:00:00Z'], ['2026-12-07T01:00:00Z']], 1],
    ['two, one of them on from 23:00', [[], ['2026-12-06T23:00:00Z']], 1],
  ])('places filled the whole way through: %s', (_case, parts, n) => {
    const shift = { startsAt: at('2026-12-06T22:00:00Z'), endsAt: at('2026-12-07T09:00:00Z') };
    expect(
      filledPlaces(
        shift,
        parts.map(([startsAt, endsAt]) => ({ startsAt, endsAt })),
      ),
    ).toBe(n);
  });
});

describe('ROTA-SKILLS: what a swap takes away from a shift that requires a skill', () => {
  const night = (over: Partial<SwapSkills>): SwapSkills => ({
    label: 'Night',
    required: ['senior'],
    staying: [],
    leaving: ['senior'],
    taker: [],
    ...over,
  });
  it.each<[string, Partial<SwapSkills>, string[]]>([
    ['the only senior leaves, a junior takes over', {}, ['senior']],
    ['a senior takes over', { taker: ['senior', 'bia'] }, []],
    ['another senior stays on the shift', { staying: ['senior'] }, []],
    ['the AMHP leaving was not the senior (the shift was short already)', { leaving: ['bia'] }, []],
    ['the shift requires nothing', { required: [] }, []],
    ['two skills, one covered by who stays', { required: ['senior', 'bia'], leaving: ['senior', 'bia'], staying: ['bia'] }, ['senior']],
  ])('%s', (_case, over, lost) => {
    const found = skillsLostBySwap(night(over));
    expect(found.map((f) => f.message.match(/"(.+)"/)![1])).toEqual(lost);
    for (const f of found) expect(f).toMatchObject({ code: 'swap-leaves-skill-missing', rule: 'ROTA-SKILLS', severity: 'warning' });
  });
});

describe('ROTA-WORKED: a manager-on-call period is put on the rota from now on only', () => {
  const now = new Date('2026-12-20T22:00:00Z');
  it.each<[string, string, string, 'startsAt' | 'endsAt' | null]>([
    ['tonight, ahead', '2026-12-20T23:00:00Z', '2026-12-21T08:00:00Z', null],
    ['from now', '2026-12-20T22:00:00Z', '2026-12-21T08:00:00Z', null],
    ['from a minute ago (clock skew)', '2026-12-20T21:59:00Z', '2026-12-21T08:00:00Z', null],
    ['from exactly the skew ago', '2026-12-20T21:55:00Z', '2026-12-21T08:00:00Z', null],
    ['from just beyond the skew', '2026-12-20T21:54:59.999Z', '2026-12-21T08:00:00Z', 'startsAt'],
    ['from this evening, already under way', '2026-12-20T17:00:00Z', '2026-12-21T08:00:00Z', 'startsAt'],
    ['ending now (wholly past)', '2026-12-20T12:00:00Z', '2026-12-20T22:00:00Z', 'endsAt'],
    ['last night (wholly past)', '2026-12-19T20:00:00Z', '2026-12-20T08:00:00Z', 'endsAt'],
  ])('%s', (_case, startsAt, endsAt, field) => {
    expect(onCallPeriodRefusal({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) }, now)?.field ?? null).toBe(field);
  });
});

describe('ROTA-WORKED: a shift pattern takes effect from today on, and the rota is generated from today on', () => {
  const today = '2026-11-21';
  it.each<[string, { validFrom?: string; validTo?: string | null; endedOn?: string | null }, 'validFrom' | 'validTo' | null]>([
    ['a new pattern from today', { validFrom: '2026-11-21' }, null],
    ['a new pattern from tomorrow, ending next year', { validFrom: '2026-11-22', validTo: '2027-11-21' }, null],
    ['a new pattern from yesterday', { validFrom: '2026-11-20' }, 'validFrom'],
    ['a new pattern from last year', { validFrom: '2025-01-01', validTo: '2027-01-01' }, 'validFrom'],
    ['a new pattern from today, ending yesterday', { validFrom: '2026-11-21', validTo: '2026-11-20' }, 'validTo'],
    ['a running pattern ended today', { validTo: '2026-11-21', endedOn: null }, null],
    ['a running pattern ended next month', { validTo: '2026-12-31', endedOn: '2027-06-30' }, null],
    ['a running pattern ended yesterday', { validTo: '2026-11-20', endedOn: null }, 'validTo'],
    ['a running pattern ended last month', { validTo: '2026-10-01', endedOn: '2027-06-30' }, 'validTo'],
    ['a pattern that ended yesterday, extended', { validTo: '2026-12-31', endedOn: '2026-11-20' }, 'validTo'],
    ['a pattern that ended yesterday, its end said again', { validTo: '2026-11-20', endedOn: '2026-11-20' }, null],
    ['a pattern that ended yesterday, its staffing changed', { endedOn: '2026-11-20' }, null],
    ['a pattern ending today, extended', { validTo: '2027-01-31', endedOn: '2026-11-21' }, null],
  ])('%s', (_case, dates, field) => {
    expect(patternDatesRefusal(dates, today)?.field ?? null).toBe(field);
  });

  it.each<[string, string, 'from' | null]>([
    ['from today', '2026-11-21', null],
    ['from next week', '2026-11-28', null],
    ['from yesterday', '2026-11-20', 'from'],
    ['from last year', '2025-11-21', 'from'],
  ])('generating %s', (_case, from, field) => {
    expect(generationRefusal(from, today)?.field ?? null).toBe(field);
  });

  it.each<[string, string, 'endsAt' | null]>([
    ['a shift ending tomorrow', '2026-11-22T09:00:00Z', null],
    ['a shift under way, ending in a minute', '2026-11-21T10:01:00Z', null],
    ['a shift ending now', '2026-11-21T10:00:00Z', 'endsAt'],
    ['a shift that ended this morning', '2026-11-21T09:00:00Z', 'endsAt'],
    ['a shift that ended last year', '2025-11-21T17:00:00Z', 'endsAt'],
  ])('adding by hand %s', (_case, endsAt, field) => {
    expect(shiftCreationRefusal(new Date(endsAt), new Date('2026-11-21T10:00:00Z'))?.field ?? null).toBe(field);
  });

  it.each<[string, string, string | null, 'id' | null]>([
    ['a shift removed for tomorrow', '2026-11-22', '2026-11-22T17:00:00Z', null],
    ['a shift removed for today, under way', '2026-11-21', '2026-11-21T17:00:00Z', null],
    ['a night removed for yesterday, still under way', '2026-11-20', '2026-11-21T10:30:00Z', 'id'],
    ['a shift removed for today that ended this morning', '2026-11-21', '2026-11-21T09:00:00Z', 'id'],
    ['a shift removed for today that ends now', '2026-11-21', '2026-11-21T10:00:00Z', 'id'],
    ['a shift removed for yesterday', '2026-11-20', '2026-11-20T17:00:00Z', 'id'],
    ['a day ahead its pattern no longer calls for', '2026-11-25', null, null],
    ['a day gone its pattern no longer calls for', '2026-11-20', null, 'id'],
  ])('restoring one removed shift: %s', (_case, localDate, endsAt, field) => {
    expect(restoreRefusal(localDate, endsAt ? new Date(endsAt) : null, today, new Date('2026-11-21T10:00:00Z'))?.field ?? null).toBe(field);
  });
});

describe("ROTA-WORKED: a generated shift ahead follows its pattern's staffing", () => {
  const night = { label: 'Night', requiredCount: 1, requiredSkills: ['senior'] };
  it.each<[string, Partial<typeof night>, string[]]>([
    ['nothing changed', {}, []],
    ['the same skills in another order', { requiredSkills: ['senior'] }, []],
    ['more AMHPs required', { requiredCount: 2 }, ['requiredCount']],
    ['fewer AMHPs required', { requiredCount: 0 }, ['requiredCount']],
    ['a skill added', { requiredSkills: ['senior', 'bia'] }, ['requiredSkills']],
    ['every skill dropped', { requiredSkills: [] }, ['requiredSkills']],
    ['renamed', { label: 'Night (weekday)' }, ['label']],
    ['renamed and two more required', { label: 'Nights', requiredCount: 3 }, ['label', 'requiredCount']],
  ])('%s', (_case, pattern, fields) => {
    expect(staffingDrift(night, { ...night, ...pattern })).toEqual(fields);
  });
  it('skills compare as sets', () => {
    expect(staffingDrift({ ...night, requiredSkills: ['a', 'b'] }, { ...night, requiredSkills: ['b', 'a'] })).toEqual([]);
  });
});
