import fc from 'fast-check';
import { addDays } from '../statute/time';
import type { SupervisionType } from './supervision.entity';
import {
  actionOverdue,
  appraisalDates,
  countsAsProfessional,
  lastProfessionalSupervision,
  SessionFacts,
  supervisionDue,
  supervisionOverdueFinding,
  tallySessions,
} from './supervision.rules';

const session = (heldOn: string, type: SupervisionType = 'professional', durationMinutes = 60): SessionFacts => ({
  heldOn,
  type,
  durationMinutes,
});

describe('AMHP-10: which sessions count as professional supervision', () => {
  it.each([
    ['professional', true],
    ['managerial', false],
    ['group', false],
    ['reflective', false],
  ] as const)('%s counts: %s', (type, counts) => {
    expect(countsAsProfessional(type)).toBe(counts);
  });

  it.each([
    [
      'only managerial sessions: never professionally supervised',
      [session('2026-10-01', 'managerial'), session('2026-11-01', 'managerial')],
      null,
    ],
    [
      'the latest professional session, whatever the order',
      [session('2026-09-01'), session('2026-11-02', 'managerial'), session('2026-10-15'), session('2026-08-01')],
      '2026-10-15',
    ],
    [
      'group and reflective sessions do not count',
      [session('2026-06-01'), session('2026-10-01', 'group'), session('2026-11-01', 'reflective')],
      '2026-06-01',
    ],
    ['a session dated after today is ignored', [session('2026-10-01'), session('2026-12-01')], '2026-10-01'],
    ['no sessions at all', [], null],
  ])('%s', (_name, sessions, expected) => {
    expect(lastProfessionalSupervision(sessions, '2026-11-21')).toBe(expected);
  });
});

describe('AMHP-10: next due date and lateness', () => {
  const created = '2026-01-05';
  it.each([
    // [case, last professional, interval, today, nextDueOn, status, daysOverdue, daysUntilDue]
    ['well within the interval', '2026-10-01', 30, '2026-10-15', '2026-10-31', 'in-date', 0, 16],
    ['on the due day: not overdue', '2026-10-01', 30, '2026-10-31', '2026-10-31', 'in-date', 0, 0],
    ['the day after the due day: overdue by 1', '2026-10-01', 30, '2026-11-01', '2026-10-31', 'overdue', 1, 0],
    ['supervised today', '2026-11-21', 42, '2026-11-21', '2027-01-02', 'in-date', 0, 42],
    ['across the end of a year', '2026-12-15', 30, '2027-01-20', '2027-01-14', 'overdue', 6, 0],
    ['across a leap day (2028)', '2028-02-15', 14, '2028-02-29', '2028-02-29', 'in-date', 0, 0],
    ['across the clocks going back (dates, not hours)', '2026-10-20', 7, '2026-10-28', '2026-10-27', 'overdue', 1, 0],
  ] as const)('%s', (_name, last, intervalDays, today, nextDueOn, status, daysOverdue, daysUntilDue) => {
    const due = supervisionDue({ lastProfessionalOn: last, intervalDays, recordCreatedOn: created }, today);
    expect(due).toEqual({
      lastProfessionalOn: last,
      intervalDays,
      nextDueOn,
      dueFrom: 'last-professional-supervision',
      neverSupervised: false,
      status,
      daysOverdue,
      daysUntilDue,
    });
  });

  it.each([
    ['never supervised, record new: in date, flagged', '2026-11-10', '2026-11-21', '2026-12-10', 'in-date', 0],
    ['never supervised, record old: overdue from creation + interval, flagged', '2026-09-01', '2026-11-21', '2026-10-01', 'overdue', 51],
    ['never supervised, due on the day: not overdue', '2026-10-22', '2026-11-21', '2026-11-21', 'in-date', 0],
  ] as const)('%s', (_name, recordCreatedOn, today, nextDueOn, status, daysOverdue) => {
    const due = supervisionDue({ lastProfessionalOn: null, intervalDays: 30, recordCreatedOn }, today);
    expect(due).toMatchObject({
      lastProfessionalOn: null,
      nextDueOn,
      dueFrom: 'record-created',
      neverSupervised: true,
      status,
      daysOverdue,
    });
  });

  it('only managerial sessions leave the practitioner due from their record creation', () => {
    const last = lastProfessionalSupervision([session('2026-11-20', 'managerial')], '2026-11-21');
    expect(supervisionDue({ lastProfessionalOn: last, intervalDays: 30, recordCreatedOn: '2026-09-01' }, '2026-11-21')).toMatchObject({
      neverSupervised: true,
      status: 'overdue',
      daysOverdue: 51,
    });
  });

  it('a due date is never before the last supervision, and lateness is never negative', () => {
    const day = fc.integer({ min: 0, max: 3650 }).map((n) => addDays('2024-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 7, max: 365 }), day, (last, intervalDays, today) => {
        const due = supervisionDue({ lastProfessionalOn: last, intervalDays, recordCreatedOn: '2024-01-01' }, today);
        expect(due.nextDueOn > last).toBe(true);
        expect(due.daysOverdue).toBeGreaterThanOrEqual(0);
        expect(due.daysUntilDue).toBeGreaterThanOrEqual(0);
        expect(due.status === 'overdue').toBe(today > due.nextDueOn);
        expect(addDays(today, due.daysUntilDue - due.daysOverdue)).toBe(due.nextDueOn);
      }),
    );
  });
});

describe('tallying sessions over a period (e.g. an approval year)', () => {
  it('counts each type between the two dates inclusive, with the minutes', () => {
    const sessions = [
      session('2025-05-31'),
      session('2025-06-01', 'professional', 90),
      session('2025-09-01', 'group', 120),
      session('2025-12-01', 'managerial', 30),
      session('2026-05-31', 'reflective', 45),
      session('2026-06-01'),
    ];
    expect(tallySessions(sessions, '2025-06-01', '2026-05-31')).toEqual({
      professional: 1,
      managerial: 1,
      group: 1,
      reflective: 1,
      total: 4,
      totalMinutes: 285,
    });
    expect(tallySessions([], '2025-06-01', '2026-05-31')).toEqual({
      professional: 0,
      managerial: 0,
      group: 0,
      reflective: 0,
      total: 0,
      totalMinutes: 0,
    });
  });
});

describe('supervision actions', () => {
  it.each([
    ['no due date', { dueOn: null, doneOn: null }, false],
    ['due today', { dueOn: '2026-11-21', doneOn: null }, false],
    ['due yesterday, open', { dueOn: '2026-11-20', doneOn: null }, true],
    ['due yesterday, done', { dueOn: '2026-11-20', doneOn: '2026-11-21' }, false],
  ])('%s → overdue %s', (_name, action, expected) => {
    expect(actionOverdue(action, '2026-11-21')).toBe(expected);
  });
});

describe('AMHP-10 on the rota: putting an AMHP whose professional supervision is overdue on a shift is a warning', () => {
  const facts = (professionalOn: string[], intervalDays = 42, recordCreatedOn = '2026-01-05') => ({
    professionalOn,
    intervalDays,
    recordCreatedOn,
  });
  it.each([
    // [case, facts, shift's first day, today, expected: null, or [due by, days late, judged on]]
    ['in date today and on the shift', facts(['2026-11-01']), '2026-11-28', '2026-11-21', null],
    [
      'due on the shift day, not yet due today: she may still be supervised before it',
      facts(['2026-10-20']),
      '2027-01-10',
      '2026-11-21',
      null,
    ],
    ['supervised on the due day itself is in time', facts(['2026-10-10']), '2026-11-25', '2026-11-21', null],
    ['a day past the due date', facts(['2026-10-10']), '2026-11-25', '2026-11-22', ['2026-11-21', 1, '2026-11-22']],
    [
      'the latest of several sessions counts, whatever their order',
      facts(['2026-11-10', '2026-06-01', '2026-09-01']),
      '2026-12-01',
      '2026-11-21',
      null,
    ],
    [
      'never supervised: due an interval after the record was made',
      facts([], 30, '2026-09-01'),
      '2026-12-01',
      '2026-11-21',
      ['2026-10-01', 51, '2026-11-21'],
    ],
    ['never supervised, record made recently: not yet due', facts([], 30, '2026-11-01'), '2026-12-20', '2026-11-21', null],
    [
      'a past shift is judged on its own day: a session held after it does not count',
      facts(['2026-06-01', '2026-09-01'], 30),
      '2026-08-15',
      '2026-11-21',
      ['2026-07-01', 45, '2026-08-15'],
    ],
    ['a past shift inside the interval then', facts(['2026-06-01'], 30), '2026-06-20', '2026-11-21', null],
  ] as const)('%s', (_case, f, shiftDay, today, expected) => {
    const found = supervisionOverdueFinding({ ...f, professionalOn: [...f.professionalOn] }, shiftDay, today);
    if (expected === null) return expect(found).toBeNull();
    const [dueBy, late, on] = expected;
    expect(found).toEqual({
      code: 'supervision-overdue',
      rule: 'AMHP-10',
      severity: 'warning',
      message: expect.stringContaining(`due by ${dueBy}`),
    });
    expect(found!.message).toContain(`${late} day${late === 1 ? '' : 's'} late on ${on}`);
  });
});

describe('an appraisal’s dates among themselves (appraisalDates)', () => {
  const year = { heldOn: '2026-11-20', periodFrom: '2025-11-01', periodTo: '2026-10-31' };
  it.each<[string, Partial<Parameters<typeof appraisalDates>[0]>, string | null, string]>([
    ['a year behind her, next due a year on', {}, null, '2027-11-20'],
    [
      'the year to 31 March appraised on 16 March',
      { heldOn: '2026-03-16', periodFrom: '2025-04-01', periodTo: '2026-03-31' },
      null,
      '2027-03-16',
    ],
    ['a period ending 31 days after it was held', { periodTo: '2026-12-21' }, null, '2027-11-20'],
    ['a period ending 32 days after it was held', { periodTo: '2026-12-22' }, 'appraisal-period-after-held', '2027-11-20'],
    ['a period backwards', { periodFrom: '2026-11-01' }, 'appraisal-period-backwards', '2027-11-20'],
    ['a next date on the day held', { nextDueOn: '2026-11-20' }, 'next-due-not-after-held', '2026-11-20'],
    ['a next date two years on', { nextDueOn: '2028-11-20' }, null, '2028-11-20'],
    ['a next date two years and a day on', { nextDueOn: '2028-11-21' }, 'next-due-too-far', '2028-11-21'],
  ])('%s', (_name, over, code, nextDueOn) => {
    const judged = appraisalDates({ ...year, ...over });
    expect([judged.fault?.code ?? null, judged.nextDueOn]).toEqual([code, nextDueOn]);
  });
});
