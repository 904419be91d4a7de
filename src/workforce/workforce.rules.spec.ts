import fc from 'fast-check';
import {
  ApprovalFacts,
  approvalPeriodFindings,
  approvalStatus,
  approvedCourseFindings,
  approvedHere,
  eligibility,
  hardFindings,
  regulatorFits,
  EligibilityFacts,
  maxApprovalEnd,
  reminderStage,
  TrainingFacts,
  trainingByApprovalYear,
  WorkforcePolicy,
} from './workforce.rules';

const policy: WorkforcePolicy = {
  timeZone: 'Europe/London',
  trainingHoursPerYear: 18,
  trainingMentalHealthHoursPerYear: 0,
  trainingShortfallSeverity: 'warning',
  trainingWarnAfterMonths: 9,
  registrationCheckMaxAgeDays: 365,
  approvingCouncils: null,
};

const approval = (over: Partial<ApprovalFacts> = {}): ApprovalFacts => ({
  id: 'a1',
  approvingAuthority: 'Northshire County Council',
  startsOn: '2025-06-01',
  endsOn: '2030-05-31',
  endedOn: null,
  suspensions: [],
  ...over,
});

const training = (completedOn: string, hours: number, mentalHealthSpecific = true): TrainingFacts => ({
  completedOn,
  hours,
  mentalHealthSpecific,
});

const facts = (over: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  from: new Date('2026-11-21T22:00:00Z'),
  to: new Date('2026-11-22T09:00:00Z'),
  now: new Date('2026-11-21T10:00:00Z'),
  profession: 'social-worker',
  registrationStatus: 'active',
  registrationCheckedOn: '2026-09-01',
  approvals: [approval()],
  training: [training('2025-09-01', 18), training('2026-07-01', 10)],
  ...over,
});

const codes = (f: EligibilityFacts, p: WorkforcePolicy = policy) => eligibility(f, p).findings.map((x) => `${x.severity}:${x.code}`);

describe('AMHP-05: an approval lasts at most five years', () => {
  it.each([
    ['2026-01-01', '2030-12-31', []],
    ['2026-01-01', '2031-01-01', ['approval-longer-than-five-years']],
    ['2026-03-15', '2026-03-15', []],
    ['2026-03-15', '2026-03-14', ['approval-ends-before-start']],
    ['2028-02-29', '2033-02-27', []],
    ['2028-02-29', '2033-02-28', ['approval-longer-than-five-years']],
  ])('from %s to %s → %j', (startsOn, endsOn, expected) => {
    expect(approvalPeriodFindings(startsOn, endsOn).map((f) => f.code)).toEqual(expected);
  });

  it('the longest approval is five years less a day, beginning with its first day (C1)', () => {
    expect(maxApprovalEnd('2026-01-01')).toBe('2030-12-31');
  });

  // AMHP-05 ✱: the years are a setting (AMHP_APPROVAL_MAX_YEARS), five by default. Held-out cases: a leap day, a year end.
  it.each<[string, string, number, string[], string]>([
    ['three years, ending on the last day allowed', '2026-04-01', 3, [], '2029-03-31'],
    ['three years, a day more', '2026-04-01', 3, ['approval-longer-than-five-years'], '2029-03-31'],
    ['one year from 29 Feb 2028 ends 27 Feb 2029 (28 Feb, clamped, less a day)', '2028-02-29', 1, [], '2029-02-27'],
    ['five years beginning with 31 Dec 2026 end 30 Dec 2031', '2026-12-31', 5, [], '2031-12-30'],
  ])('%s', (name, startsOn, years, expected, latest) => {
    expect(maxApprovalEnd(startsOn, years)).toBe(latest);
    const endsOn = name.endsWith('a day more') ? '2029-04-01' : latest;
    const findings = approvalPeriodFindings(startsOn, endsOn, years);
    expect(findings.map((f) => f.code)).toEqual(expected);
    if (expected.length)
      expect(findings[0].message).toBe(
        `An approval lasts at most three years: one starting ${startsOn} must end by ${latest}, not ${endsOn} (SI 2008/1206 reg 4).`,
      );
  });

  it('an approval of no years, or part of one, is not a setting', () => {
    expect(() => maxApprovalEnd('2026-01-01', 0)).toThrow(RangeError);
    expect(() => maxApprovalEnd('2026-01-01', 2.5)).toThrow(RangeError);
  });
});

describe('AMHP-02: a first approval needs an approved AMHP course completed within the last five years', () => {
  it.each<[string, string, string | null, boolean, string[]]>([
    ['a first approval with the course a year before', '2026-01-01', '2025-01-01', true, []],
    ['a first approval with the course exactly five years before', '2026-01-01', '2021-01-01', true, []],
    ['a first approval with the course five years and a day before', '2026-01-01', '2020-12-31', true, ['approved-course-too-old']],
    ['a first approval with the course on the day it starts', '2026-01-01', '2026-01-01', true, []],
    ['a first approval with the course the day after it starts', '2026-01-01', '2026-01-02', true, ['approved-course-after-start']],
    ['a first approval without the course date', '2026-01-01', null, true, ['approved-course-required']],
    // 29 February: five years before 29 Feb 2028 is 28 Feb 2023 (no 29 Feb in 2023, clamped, C6).
    ['a first approval from 29 Feb 2028, the course on 28 Feb 2023', '2028-02-29', '2023-02-28', true, []],
    ['a first approval from 29 Feb 2028, the course on 27 Feb 2023', '2028-02-29', '2023-02-27', true, ['approved-course-too-old']],
    // A course on 29 February: five years on there is none, so it lasts through 28 Feb and 1 Mar is too late.
    ['a first approval from 28 Feb 2029, the course on 29 Feb 2024', '2029-02-28', '2024-02-29', true, []],
    ['a first approval from 1 Mar 2029, the course on 29 Feb 2024', '2029-03-01', '2024-02-29', true, ['approved-course-too-old']],
    ['a first approval from 1 Mar 2029, the course on 1 Mar 2024', '2029-03-01', '2024-03-01', true, []],
    ['a re-approval without the course date', '2026-01-01', null, false, []],
    ['a re-approval with a course ten years before', '2026-01-01', '2016-01-01', false, []],
    ['a re-approval with a course date after it starts', '2026-01-01', '2026-06-01', false, []],
  ])('%s → %j', (_name, startsOn, approvedCourseCompletedOn, firstApproval, expected) => {
    const findings = approvedCourseFindings({ startsOn, approvedCourseCompletedOn, firstApproval });
    expect(findings.map((f) => f.code)).toEqual(expected);
    for (const f of findings) expect(f).toMatchObject({ rule: 'AMHP-02', severity: 'hard', field: 'approvedCourseCompletedOn' });
  });

  it('says the earliest course date a refused first approval could have had', () => {
    expect(
      approvedCourseFindings({ startsOn: '2026-01-01', approvedCourseCompletedOn: '2020-12-31', firstApproval: true })[0].message,
    ).toBe(
      'A first approval needs an approved AMHP course completed within the last five years: one starting 2026-01-01 needs a course completed on or after 2021-01-01, not 2020-12-31 (SI 2008/1206 reg 3(3)).',
    );
  });
});

describe('eligibility for a period', () => {
  it('is eligible with a covering approval, active registration and training on track', () => {
    expect(eligibility(facts(), policy)).toEqual({ eligible: true, approvalId: 'a1', findings: [] });
  });

  it.each<[string, Partial<EligibilityFacts>, string[]]>([
    ['no approval at all', { approvals: [] }, ['hard:no-approval']],
    ['her hub account disabled (AMHP-11)', { accountBar: 'account-disabled' }, ['hard:account-disabled']],
    ['her hub account without the amhp role (AMHP-11)', { accountBar: 'not-an-amhp' }, ['hard:not-an-amhp']],
    ['an account that may act', { accountBar: null }, []],
    [
      'an approval that ends mid-shift (night 22:00-09:00 across the last day)',
      { approvals: [approval({ endsOn: '2026-11-21' })] },
      ['hard:approval-ends-during-period'],
    ],
    ['an approval that starts mid-shift', { approvals: [approval({ startsOn: '2026-11-22' })] }, ['hard:approval-starts-during-period']],
    ['an approval ended early before the shift', { approvals: [approval({ endedOn: '2026-11-10' })] }, ['hard:no-approval']],
    [
      'an approval ended early on the shift night',
      { approvals: [approval({ endedOn: '2026-11-21' })] },
      ['hard:approval-ends-during-period'],
    ],
    ['an approval that ended long ago', { approvals: [approval({ startsOn: '2018-01-01', endsOn: '2022-12-31' })] }, ['hard:no-approval']],
    [
      'a suspension in the middle of the period',
      {
        approvals: [
          approval({
            suspensions: [
              { startsAt: new Date('2026-11-22T01:00:00Z'), endsAt: new Date('2026-11-22T03:00:00Z'), reason: 'registration under review' },
            ],
          }),
        ],
      },
      ['hard:approval-suspended'],
    ],
    [
      'an open-ended suspension that started earlier',
      {
        approvals: [
          approval({ suspensions: [{ startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: null, reason: 'regulator suspension' }] }),
        ],
      },
      ['hard:approval-suspended'],
    ],
    [
      'a suspension that was lifted before the period',
      {
        approvals: [
          approval({
            suspensions: [{ startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2026-11-01T00:00:00Z'), reason: 'x' }],
          }),
        ],
      },
      [],
    ],
    [
      'a suspension that ends exactly when the period starts',
      {
        approvals: [
          approval({
            suspensions: [{ startsAt: new Date('2026-11-01T00:00:00Z'), endsAt: new Date('2026-11-21T22:00:00Z'), reason: 'x' }],
          }),
        ],
      },
      [],
    ],
    ['a suspended registration', { registrationStatus: 'suspended' }, ['hard:registration-not-active']],
    ['a registration never checked', { registrationCheckedOn: null }, ['warning:registration-check-stale']],
    ['a registration checked over a year ago', { registrationCheckedOn: '2025-10-01' }, ['warning:registration-check-stale']],
    ['a doctor', { profession: 'doctor' }, ['hard:doctor-cannot-be-amhp']],
    [
      'a completed approval year short of training',
      { training: [training('2025-09-01', 12), training('2026-07-01', 18)] },
      ['warning:training-short-completed-year'],
    ],
    [
      'the current year short after 9 months',
      {
        from: new Date('2027-03-10T09:00:00Z'),
        to: new Date('2027-03-10T17:00:00Z'),
        training: [training('2025-09-01', 18), training('2026-07-01', 4)],
      },
      ['warning:training-short-current-year'],
    ],
    [
      'the current year short but early in it',
      { from: new Date('2026-08-10T08:00:00Z'), to: new Date('2026-08-10T16:00:00Z'), training: [training('2025-09-01', 18)] },
      [],
    ],
  ])('%s → %j', (_name, over, expected) => {
    expect(codes(facts(over))).toEqual(expected);
  });

  it('the hard findings are exactly what makes her not eligible', () => {
    const blocked = eligibility(facts({ approvals: [], accountBar: 'account-disabled' }), policy);
    expect(hardFindings(blocked).map((f) => f.code)).toEqual(['no-approval', 'account-disabled']);
    expect(blocked.eligible).toBe(false);
    const warned = eligibility(facts({ registrationCheckedOn: null }), policy);
    expect(hardFindings(warned)).toEqual([]);
    expect(warned).toMatchObject({ eligible: true, findings: [expect.objectContaining({ severity: 'warning' })] });
  });

  it('training shortfall in a completed year blocks when configured hard', () => {
    const result = eligibility(facts({ training: [training('2025-09-01', 12)] }), { ...policy, trainingShortfallSeverity: 'hard' });
    expect(result.eligible).toBe(false);
    expect(result.findings[0]).toMatchObject({ code: 'training-short-completed-year', rule: 'AMHP-06', severity: 'hard' });
  });

  it.each<[string, ApprovalFacts['trainingDecisions'], string[]]>([
    ['no decision recorded', [], ['hard:training-short-completed-year']],
    [
      'the decision recorded before the night',
      [{ year: 1, decidedOn: '2026-06-10', reason: 'To make up 6 h' }],
      ['warning:training-short-continued'],
    ],
    [
      'the decision dated the night itself',
      [{ year: 1, decidedOn: '2026-11-21', reason: 'To make up 6 h' }],
      ['warning:training-short-continued'],
    ],
    [
      'the decision dated after the night (typed up later)',
      [{ year: 1, decidedOn: '2026-11-22', reason: 'To make up 6 h' }],
      ['hard:training-short-completed-year'],
    ],
    ['a decision on another year', [{ year: 2, decidedOn: '2026-06-10', reason: 'x' }], ['hard:training-short-completed-year']],
  ])(
    "a completed year short of training, %s (AMHP-06: the approving authority's decision has effect from its day)",
    (_name, trainingDecisions, expected) => {
      const f = facts({ approvals: [approval({ trainingDecisions })], training: [training('2025-09-01', 12)] });
      expect(codes(f, { ...policy, trainingShortfallSeverity: 'hard' })).toEqual(expected);
    },
  );

  // Held-out cases (AMHP-01, AMHP-05): an approval's dates are whole London days, both inclusive, so a shift is covered
  // to local midnight after the last day (23:00 UTC in BST), and from local midnight on the first.
  it.each<[string, Partial<ApprovalFacts>, string, string, string[]]>([
    [
      'a late shift ending at midnight BST after the last day (Sat 24 Oct 2026)',
      { endsOn: '2026-10-24' },
      '2026-10-24T14:00:00Z',
      '2026-10-24T23:00:00Z',
      [],
    ],
    [
      'a night shift from 20:00 BST on the last day to 08:00 GMT the next',
      { endsOn: '2026-10-24' },
      '2026-10-24T19:00:00Z',
      '2026-10-25T08:00:00Z',
      ['hard:approval-ends-during-period'],
    ],
    [
      'a shift running a minute past midnight BST after the last day',
      { endsOn: '2026-10-24' },
      '2026-10-24T14:00:00Z',
      '2026-10-24T23:01:00Z',
      ['hard:approval-ends-during-period'],
    ],
    [
      'a shift from midnight GMT on the first day, Tue 29 Feb 2028',
      { startsOn: '2028-02-29', endsOn: '2033-02-27' },
      '2028-02-29T00:00:00Z',
      '2028-02-29T09:00:00Z',
      [],
    ],
    [
      'a night shift into the first day, from 20:00 on Mon 28 Feb 2028',
      { startsOn: '2028-02-29', endsOn: '2033-02-27' },
      '2028-02-28T20:00:00Z',
      '2028-02-29T08:00:00Z',
      ['hard:approval-starts-during-period'],
    ],
    [
      'a shift from midnight on the first day, Sun 29 Mar 2026 (still GMT: the clocks go forward at 01:00)',
      { startsOn: '2026-03-29', endsOn: '2031-03-28' },
      '2026-03-29T00:00:00Z',
      '2026-03-29T08:00:00Z',
      [],
    ],
  ])('held-out: %s', (_name, over, from, to, expected) => {
    const f = facts({ approvals: [approval(over)], from: new Date(from), to: new Date(to), now: new Date(from), training: [] });
    expect(codes(f).filter((c) => c.startsWith('hard:approval'))).toEqual(expected);
  });

  it('a second approval continuing the first covers a shift across the join', () => {
    const first = approval({ id: 'a1', startsOn: '2021-11-22', endsOn: '2026-11-21' });
    const second = approval({ id: 'a2', startsOn: '2026-11-22', endsOn: '2031-11-21' });
    // AMHP-05: re-approval is a fresh approval, in effect from the day after the last one ended: the night across the
    // join is covered by the two in turn (it is every AMHP's renewal night), with the first's training judged.
    expect(eligibility(facts({ approvals: [first, second] }), policy)).toMatchObject({ eligible: true, approvalId: 'a1' });
    expect(eligibility(facts({ approvals: [second, first] }), policy)).toMatchObject({ eligible: true, approvalId: 'a1' });
    // A day without approval between them is a gap: the night is not covered.
    const late = approval({ id: 'a3', startsOn: '2026-11-23', endsOn: '2031-11-22' });
    expect(codes(facts({ approvals: [first, late] }))).toEqual(['hard:approval-ends-during-period']);
    const day = facts({
      approvals: [first, second],
      from: new Date('2026-11-22T09:00:00Z'),
      to: new Date('2026-11-22T17:00:00Z'),
      training: [],
    });
    expect(eligibility(day, policy)).toMatchObject({ eligible: true, approvalId: 'a2' });
  });

  it('an approval ending on the last Sunday of October covers the 25-hour day to its end (DST)', () => {
    const a = approval({ startsOn: '2022-01-01', endsOn: '2026-10-25' });
    const f = facts({ approvals: [a], training: [], from: new Date('2026-10-25T08:00:00Z'), to: new Date('2026-10-26T00:00:00Z') });
    expect(eligibility(f, policy).findings.filter((x) => x.severity === 'hard')).toEqual([]);
    const past = facts({ approvals: [a], training: [], from: new Date('2026-10-25T08:00:00Z'), to: new Date('2026-10-26T00:00:01Z') });
    expect(eligibility(past, policy).eligible).toBe(false);
  });

  it('property: eligibility for a period implies eligibility for every sub-period', () => {
    const base = new Date('2026-01-01T00:00:00Z').getTime();
    const hour = 3_600_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 400 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 47 }),
        fc.integer({ min: 0, max: 24 * 400 }),
        (startH, lenH, cutH, suspH) => {
          const from = new Date(base + startH * hour);
          const to = new Date(from.getTime() + lenH * hour);
          const sub = new Date(from.getTime() + Math.min(cutH, lenH - 1) * hour);
          const a = approval({
            startsOn: '2025-12-01',
            endsOn: '2026-12-31',
            suspensions: [{ startsAt: new Date(base + suspH * hour), endsAt: new Date(base + (suspH + 30) * hour), reason: 'x' }],
          });
          const whole = eligibility(facts({ from, to, approvals: [a], training: [] }), policy).eligible;
          const part = eligibility(facts({ from: sub, to, approvals: [a], training: [] }), policy).eligible;
          return !whole || part;
        },
      ),
    );
  });
});

describe('AMHP-01, pre-duty checklist item 1: an approval counts here only if this council, or one with an arrangement with it, gave it', () => {
  const here = { ...policy, approvingCouncils: ['Northshire County Council', 'Southvale Borough Council'] };
  const codes = (f: Partial<EligibilityFacts>, p: WorkforcePolicy = here) =>
    eligibility(facts(f), p).findings.map((x) => `${x.severity}:${x.code}`);
  it.each([
    ['this council', 'Northshire County Council', true],
    ['this council written in another case, with "the" and extra spaces', 'the  NORTHSHIRE county council', true],
    ['a council with an arrangement', 'Southvale Borough Council', true],
    ['"&" for "and"', 'Brighton & Hove City Council', false],
    ['another council', 'Eastshire County Council', false],
  ] as const)('%s: %s', (_case, authority, counts) => {
    expect(approvedHere(authority, here.approvingCouncils)).toBe(counts);
    expect(codes({ approvals: [approval({ approvingAuthority: authority })] })).toEqual(counts ? [] : ['hard:approved-by-another-council']);
  });
  it('"&" and "and" are the same council', () => {
    expect(approvedHere('Brighton & Hove City Council', ['Brighton and Hove City Council'])).toBe(true);
  });
  it('any council counts when none is configured', () => {
    expect(codes({ approvals: [approval({ approvingAuthority: 'Eastshire County Council' })] }, policy)).toEqual([]);
  });
  it("another council's approval does not fill a gap in this council's", () => {
    const ours = approval({ endsOn: '2026-11-21' });
    const theirs = approval({ id: 'a2', approvingAuthority: 'Eastshire County Council', startsOn: '2026-11-22', endsOn: '2030-01-01' });
    expect(codes({ approvals: [ours, theirs] })).toEqual(['hard:approved-by-another-council', 'hard:approval-ends-during-period']);
  });
});

describe('AMHP-03: registered with the regulator of the profession', () => {
  it.each<[string, string, boolean]>([
    ['social-worker', 'Social Work England', true],
    ['social-worker', 'SWE', true],
    ['social-worker', '  social work  england ', true],
    ['social-worker', 'General Medical Council', false],
    ['social-worker', 'HCPC', false],
    ['mental-health-nurse', 'The Nursing and Midwifery Council', true],
    ['learning-disability-nurse', 'Nursing and Midwifery Council (NMC)', true],
    ['mental-health-nurse', 'Social Work England', false],
    ['occupational-therapist', 'Health and Care Professions Council', true],
    ['psychologist', 'HCPC', true],
    ['psychologist', 'British Psychological Society', false],
  ])('%s registered with %s: %s', (profession, body, fits) => {
    expect(regulatorFits(profession, body)).toBe(fits);
    const found = codes(facts({ profession, registrationBody: body })).includes('hard:registration-body-not-of-profession');
    expect(found).toBe(!fits);
  });
});

describe('training by approval year (AMHP-06)', () => {
  it('splits hours into years counted from the approval start, with shortfalls and due dates', () => {
    const years = trainingByApprovalYear(
      approval({ startsOn: '2025-06-01', endsOn: '2027-05-31' }),
      [training('2025-06-01', 6), training('2026-05-31', 6, false), training('2026-06-01', 20)],
      { trainingHoursPerYear: 18, trainingMentalHealthHoursPerYear: 10 },
      '2026-11-21',
    );
    expect(years).toEqual([
      {
        year: 1,
        from: '2025-06-01',
        to: '2026-05-31',
        requiredHours: 18,
        requiredMentalHealthHours: 10,
        hours: 12,
        mentalHealthHours: 6,
        shortfallHours: 6,
        mentalHealthShortfallHours: 4,
        status: 'short',
        decision: null,
      },
      {
        year: 2,
        from: '2026-06-01',
        to: '2027-05-31',
        requiredHours: 18,
        requiredMentalHealthHours: 10,
        hours: 20,
        mentalHealthHours: 20,
        shortfallHours: 0,
        mentalHealthShortfallHours: 0,
        status: 'met',
        decision: null,
      },
    ]);
  });

  it('the last year is cut short when the approval ends early', () => {
    const years = trainingByApprovalYear(
      approval({ startsOn: '2025-06-01', endsOn: '2030-05-31', endedOn: '2026-08-31' }),
      [],
      { trainingHoursPerYear: 18, trainingMentalHealthHoursPerYear: 0 },
      '2026-11-21',
    );
    expect(years.map((y) => [y.from, y.to, y.status])).toEqual([
      ['2025-06-01', '2026-05-31', 'short'],
      ['2026-06-01', '2026-08-31', 'short'],
    ]);
  });
});

describe('approval status now', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  it.each<[Partial<ApprovalFacts>, string]>([
    [{}, 'active'],
    [{ startsOn: '2026-12-01' }, 'future'],
    [{ startsOn: '2021-01-01', endsOn: '2025-12-31' }, 'expired'],
    [{ endedOn: '2026-11-01' }, 'ended'],
    [{ suspensions: [{ startsAt: new Date('2026-11-20T00:00:00Z'), endsAt: null, reason: 'x' }] }, 'suspended'],
  ])('%j → %s', (over, status) => {
    expect(approvalStatus(approval(over), now, 'Europe/London')).toBe(status);
  });
});

describe('reapproval reminder stage (AMHP-05)', () => {
  it.each<[number, number | null]>([
    [200, null],
    [181, null],
    [180, 180],
    [91, 180],
    [90, 90],
    [60, 90],
    [30, 30],
    [0, 30],
  ])('%i days left of 180/90/30 → stage %j', (daysLeft, stage) => {
    expect(reminderStage(daysLeft, [180, 90, 30])).toBe(stage);
  });

  it('does not depend on the order the lead times are configured in', () => {
    expect(reminderStage(60, [30, 180, 90])).toBe(90);
  });
});
