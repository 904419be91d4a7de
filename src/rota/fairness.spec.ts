import {
  ApprovalSpan,
  availabilityIn,
  fairnessAsSeen,
  fairnessReport,
  isWeekend,
  reasonsAsSeen,
  rotaPayloadAsSeen,
  Unavailable,
  UnavailableReason,
  unavailablePeriods,
  WorkedShift,
} from './fairness';

const LONDON = 'Europe/London';
/** February 2027, 1st to 8th (a week; local time is UTC). */
const WEEK = { from: new Date('2027-02-01T00:00:00Z'), to: new Date('2027-02-08T00:00:00Z') };
const period = (from: string, to: string) => ({ startsAt: new Date(from), endsAt: new Date(to) });
const worked = (practitionerId: string, start: string, end: string, bankHoliday = false): WorkedShift => ({
  practitionerId,
  startsAt: new Date(start),
  endsAt: new Date(end),
  bankHoliday,
});

describe('fairness report', () => {
  it('hours, hours ÷ FTE, shares and the spread', () => {
    const r = fairnessReport(
      [
        { id: 'a', fte: 1 },
        { id: 'b', fte: 0.5 },
        { id: 'c', fte: 0.5 },
      ],
      [
        worked('a', '2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z'),
        worked('a', '2027-02-02T09:00:00Z', '2027-02-02T17:00:00Z'),
        worked('b', '2027-02-03T09:00:00Z', '2027-02-03T17:00:00Z'),
      ],
      LONDON,
      WEEK,
    );
    expect(r.people.map((p) => [p.practitionerId, p.hours, p.hoursPerFte, p.share, p.fteShare])).toEqual([
      ['a', 16, 16, 0.6667, 0.5],
      ['b', 8, 16, 0.3333, 0.25],
      ['c', 0, 0, 0, 0.25],
    ]);
    expect(r.spread).toBe(16);
    expect(r.meanHoursPerFte).toBe(12);
    expect(r.totals).toMatchObject({ people: 3, fte: 2, shifts: 3, hours: 24 });
  });

  it.each([
    [
      'a night (≥ 3 h in 23:00-06:00 local)',
      worked('a', '2027-02-01T22:00:00Z', '2027-02-02T08:00:00Z'),
      { nights: 1, weekends: 0, bankHolidays: 0 },
    ],
    [
      'an evening to 01:00 (2 h of night time) is not a night',
      worked('a', '2027-02-01T17:00:00Z', '2027-02-02T01:00:00Z'),
      { nights: 0, weekends: 0, bankHolidays: 0 },
    ],
    ['a Saturday day', worked('a', '2027-02-06T09:00:00Z', '2027-02-06T17:00:00Z'), { nights: 0, weekends: 1, bankHolidays: 0 }],
    [
      'a Friday night counts as Friday',
      worked('a', '2027-02-05T22:00:00Z', '2027-02-06T08:00:00Z'),
      { nights: 1, weekends: 0, bankHolidays: 0 },
    ],
    [
      'a bank holiday (Easter Monday)',
      worked('a', '2027-03-29T08:00:00Z', '2027-03-29T16:00:00Z', true),
      { nights: 0, weekends: 0, bankHolidays: 1 },
    ],
  ])('counts %s', (_name, shift, expected) => {
    const [row] = fairnessReport([{ id: 'a', fte: 1 }], [shift], LONDON, {
      from: new Date('2027-01-01T00:00:00Z'),
      to: new Date('2027-05-01T00:00:00Z'),
    }).people;
    expect(row).toMatchObject(expected);
  });

  it('counts real elapsed hours: the night the clocks go forward is an hour shorter', () => {
    // 22:00 GMT 27 March 2027 to 08:00 BST 28 March 2027: 9 hours.
    const [row] = fairnessReport([{ id: 'a', fte: 1 }], [worked('a', '2027-03-27T22:00:00Z', '2027-03-28T07:00:00Z')], LONDON, {
      from: new Date('2027-03-22T00:00:00Z'),
      to: new Date('2027-03-29T00:00:00Z'),
    }).people;
    expect(row.hours).toBe(9);
    expect(row.nights).toBe(1);
  });

  it('allows for time away: hours ÷ (FTE × availability), null when never available', () => {
    const r = fairnessReport(
      [
        // Away for 3.5 of the 7 days: availability 0.5.
        { id: 'a', fte: 1, unavailable: [{ ...period('2027-02-04T12:00:00Z', '2027-02-08T00:00:00Z'), reason: 'leave' }] },
        { id: 'b', fte: 1 },
        { id: 'c', fte: 1, unavailable: [{ ...period('2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z'), reason: 'suspended' }] },
      ],
      [
        worked('a', '2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z'),
        worked('b', '2027-02-02T09:00:00Z', '2027-02-02T17:00:00Z'),
        worked('b', '2027-02-03T09:00:00Z', '2027-02-03T17:00:00Z'),
      ],
      LONDON,
      WEEK,
    );
    expect(r.people.map((p) => [p.availability, p.hoursPerAvailableFte, p.unavailableFor])).toEqual([
      [0.5, 16, ['leave']],
      [1, 16, []],
      [0, null, ['suspended']],
    ]);
    expect(r.spreads.hoursPerAvailableFte).toBe(0);
    expect(r.spread).toBe(0);
    expect(r.spreads.hoursPerFte).toBe(16);
    expect(r.excluded).toEqual([{ practitionerId: 'c', reasons: ['suspended'], hours: 0 }]);
  });

  it('ignores work of people not in the report, and is empty without people', () => {
    expect(
      fairnessReport([{ id: 'a', fte: 1 }], [worked('z', '2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z')], LONDON, WEEK).totals.hours,
    ).toBe(0);
    expect(fairnessReport([], [], LONDON, WEEK)).toMatchObject({ spread: 0, meanHoursPerFte: 0, people: [], excluded: [] });
  });

  it('a weekend shift starts on a local Saturday or Sunday', () => {
    expect(isWeekend({ startsAt: new Date('2027-06-05T23:30:00Z'), endsAt: new Date('2027-06-06T08:00:00Z') }, LONDON)).toBe(true); // 00:30 BST Sunday
    expect(isWeekend({ startsAt: new Date('2027-06-04T22:30:00Z'), endsAt: new Date('2027-06-05T08:00:00Z') }, LONDON)).toBe(false); // 23:30 BST Friday
  });
});

describe('availability: leave, suspension and approval gaps taken out of the period', () => {
  const approval = (startsOn: string, endsOn: string, over: Partial<ApprovalSpan> = {}): ApprovalSpan => ({
    startsOn,
    endsOn,
    endedOn: null,
    suspensions: [],
    ...over,
  });
  const leave = (from: string, to: string) => period(from, to);
  const DAY = 86_400_000;

  it.each<[string, { approvals: ApprovalSpan[]; leave: ReturnType<typeof leave>[] }, number, string[]]>([
    ['approved all week, no leave: 7 of 7 days', { approvals: [approval('2026-01-01', '2030-12-31')], leave: [] }, 1, []],
    [
      'approval ends on Tue 2nd (end of that day): 2 of 7 days',
      { approvals: [approval('2026-01-01', '2027-02-02')], leave: [] },
      0.2857,
      ['no-approval'],
    ],
    ['approval starts on Fri 5th: 3 of 7 days', { approvals: [approval('2027-02-05', '2030-12-31')], leave: [] }, 0.4286, ['no-approval']],
    [
      'ended early on Mon 1st (AMHP-08): 1 of 7 days',
      { approvals: [approval('2026-01-01', '2030-12-31', { endedOn: '2027-02-01' })], leave: [] },
      0.1429,
      ['no-approval'],
    ],
    [
      'two approvals with a gap of Wed 3rd and Thu 4th: 5 of 7 days',
      { approvals: [approval('2026-01-01', '2027-02-02'), approval('2027-02-05', '2030-12-31')], leave: [] },
      0.7143,
      ['no-approval'],
    ],
    [
      'suspended from Sat 6th 00:00 until further notice: 5 of 7 days',
      {
        approvals: [approval('2026-01-01', '2030-12-31', { suspensions: [{ startsAt: new Date('2027-02-06T00:00:00Z'), endsAt: null }] })],
        leave: [],
      },
      0.7143,
      ['suspended'],
    ],
    [
      'suspended all week: 0 of 7 days',
      {
        approvals: [
          approval('2026-01-01', '2030-12-31', {
            suspensions: [{ startsAt: new Date('2027-01-10T00:00:00Z'), endsAt: new Date('2027-03-01T00:00:00Z') }],
          }),
        ],
        leave: [],
      },
      0,
      ['suspended'],
    ],
    [
      'leave Mon-Tue and a suspension Tue-Wed overlap on Tue: 3 days away, 4 of 7',
      {
        approvals: [
          approval('2026-01-01', '2030-12-31', {
            suspensions: [{ startsAt: new Date('2027-02-02T00:00:00Z'), endsAt: new Date('2027-02-04T00:00:00Z') }],
          }),
        ],
        leave: [leave('2027-02-01T00:00:00Z', '2027-02-03T00:00:00Z')],
      },
      0.5714,
      ['leave', 'suspended'],
    ],
    ['no approval at all: 0 of 7 days', { approvals: [], leave: [] }, 0, ['no-approval']],
    [
      'leave before the week does not count',
      { approvals: [approval('2026-01-01', '2030-12-31')], leave: [leave('2027-01-20T00:00:00Z', '2027-02-01T00:00:00Z')] },
      1,
      [],
    ],
  ])('%s', (_name, facts, expected, reasons) => {
    const unavailable = unavailablePeriods(facts, WEEK, LONDON);
    expect(Math.round(availabilityIn(unavailable, WEEK) * 1e4) / 1e4).toBe(expected);
    expect([...new Set(unavailable.map((u) => u.reason))].sort()).toEqual(reasons);
    for (const u of unavailable) {
      expect(u.startsAt >= WEEK.from && u.endsAt <= WEEK.to).toBe(true);
    }
  });

  it('approval days are local: an approval ending on 1 July 2027 ends at 23:00 UTC (midnight BST)', () => {
    const july = { from: new Date('2027-07-01T00:00:00Z'), to: new Date('2027-07-03T00:00:00Z') };
    const [gap] = unavailablePeriods({ approvals: [approval('2026-01-01', '2027-07-01')], leave: [] }, july, LONDON);
    expect(gap).toEqual({ startsAt: new Date('2027-07-01T23:00:00Z'), endsAt: july.to, reason: 'no-approval' });
    expect(availabilityIn([gap], july)).toBeCloseTo(1 - 25 / 48, 12);
  });

  it('worked numbers: a suspended AMHP with 0 hours no longer widens the spread, and is listed as excluded', () => {
    // Three full-timers over the week: a worked 40 h, b worked 32 h, c was suspended all week (0 h).
    // Counted as available, c would make the spread 40 - 0 = 40; taken out, it is 40 - 32 = 8.
    // d was approved only from Fri 5th (3 of 7 days) and worked 24 h: 24 ÷ (1 × 3/7) = 56.
    const shifts = (id: string, n: number, firstDay = 1) =>
      Array.from({ length: n }, (_, i) => worked(id, `2027-02-0${firstDay + i}T09:00:00Z`, `2027-02-0${firstDay + i}T17:00:00Z`));
    const suspendedAllWeek: Unavailable[] = unavailablePeriods(
      {
        approvals: [approval('2026-01-01', '2030-12-31', { suspensions: [{ startsAt: new Date('2027-01-30T00:00:00Z'), endsAt: null }] })],
        leave: [],
      },
      WEEK,
      LONDON,
    );
    const fromFriday = unavailablePeriods({ approvals: [approval('2027-02-05', '2030-12-31')], leave: [] }, WEEK, LONDON);
    const people = [
      { id: 'a', fte: 1, displayName: 'Ann' },
      { id: 'b', fte: 1, displayName: 'Ben' },
      { id: 'c', fte: 1, displayName: 'Cat', unavailable: suspendedAllWeek },
    ];
    const r = fairnessReport(people, [...shifts('a', 5), ...shifts('b', 4)], LONDON, WEEK);
    expect(r.people.map((p) => [p.practitionerId, p.hours, p.availability, p.hoursPerAvailableFte])).toEqual([
      ['a', 40, 1, 40],
      ['b', 32, 1, 32],
      ['c', 0, 0, null],
    ]);
    expect(r.spread).toBe(8);
    expect(r.spreads.hoursPerFte).toBe(40);
    expect(r.excluded).toEqual([{ practitionerId: 'c', displayName: 'Cat', reasons: ['suspended'], hours: 0 }]);

    const withD = fairnessReport(
      [...people, { id: 'd', fte: 1, unavailable: fromFriday }],
      [...shifts('a', 5), ...shifts('b', 4), ...shifts('d', 3, 5)],
      LONDON,
      WEEK,
    );
    expect(withD.people.find((p) => p.practitionerId === 'd')).toMatchObject({ hours: 24, availability: 0.4286, hoursPerAvailableFte: 56 });
    expect(withD.spread).toBe(56 - 32);
  });

  it('an empty period is fully available; a day away of a week leaves 6/7', () => {
    expect(availabilityIn([], { from: WEEK.from, to: WEEK.from })).toBe(1);
    expect(availabilityIn([{ startsAt: WEEK.from, endsAt: new Date(WEEK.from.getTime() + DAY) }], WEEK)).toBeCloseTo(6 / 7, 12);
  });
});

describe("a colleague's reasons for being unavailable", () => {
  it.each([
    [['leave'], true, ['leave']],
    [['leave', 'suspended'], true, ['leave', 'suspended']],
    [['leave'], false, ['unavailable']],
    [['no-approval', 'suspended'], false, ['unavailable']],
    [[], false, []],
    [[], true, []],
  ] as Array<[UnavailableReason[], boolean, string[]]>)('%j, sees reasons %s -> %j', (reasons, sees, shown) => {
    expect(reasonsAsSeen(reasons, sees)).toEqual(shown);
  });

  it('keeps the figures and makes only the reasons of those not seen neutral', () => {
    const r = fairnessReport(
      [
        { id: 'a', fte: 1, unavailable: [{ ...period('2027-02-01T00:00:00Z', '2027-02-08T00:00:00Z'), reason: 'suspended' }] },
        { id: 'b', fte: 1, unavailable: [{ ...period('2027-02-02T00:00:00Z', '2027-02-03T00:00:00Z'), reason: 'leave' }] },
        { id: 'c', fte: 1, unavailable: [{ ...period('2027-02-02T00:00:00Z', '2027-02-03T00:00:00Z'), reason: 'leave' }] },
      ],
      [],
      LONDON,
      WEEK,
    );
    const seen = fairnessAsSeen(r, (id) => id === 'c');
    expect(seen.people.map((p) => [p.practitionerId, p.unavailableFor, p.availability])).toEqual([
      ['a', ['unavailable'], 0],
      ['b', ['unavailable'], 0.8571],
      ['c', ['leave'], 0.8571],
    ]);
    expect(seen.excluded).toEqual([{ practitionerId: 'a', reasons: ['unavailable'], hours: 0 }]);
    expect({ ...seen, people: r.people, excluded: r.excluded }).toEqual(r);
  });

  it.each([
    [{ source: 'leave' }, false, { source: 'unavailable' }],
    [{ source: 'approval' }, false, { source: 'unavailable' }],
    [{ source: 'manual' }, false, { source: 'manual' }],
    [{ source: 'leave' }, true, { source: 'leave' }],
    [{ shiftId: 'x' }, false, { shiftId: 'x' }],
  ])('a rota event %j, sees reasons %s -> %j', (payload, sees, shown) => {
    expect(rotaPayloadAsSeen(payload, sees)).toEqual(shown);
  });
});
