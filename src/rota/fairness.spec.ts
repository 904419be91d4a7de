import { fairnessReport, isWeekend, WorkedShift } from './fairness';

const LONDON = 'Europe/London';
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
    const [row] = fairnessReport([{ id: 'a', fte: 1 }], [shift], LONDON).people;
    expect(row).toMatchObject(expected);
  });

  it('counts real elapsed hours: the night the clocks go forward is an hour shorter', () => {
    // 22:00 GMT 27 March 2027 to 08:00 BST 28 March 2027: 9 hours.
    const [row] = fairnessReport([{ id: 'a', fte: 1 }], [worked('a', '2027-03-27T22:00:00Z', '2027-03-28T07:00:00Z')], LONDON).people;
    expect(row.hours).toBe(9);
    expect(row.nights).toBe(1);
  });

  it('allows for leave: hours ÷ (FTE × availability), null when never available', () => {
    const r = fairnessReport(
      [
        { id: 'a', fte: 1, availability: 0.5 },
        { id: 'b', fte: 1 },
        { id: 'c', fte: 1, availability: 0 },
      ],
      [
        worked('a', '2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z'),
        worked('b', '2027-02-02T09:00:00Z', '2027-02-02T17:00:00Z'),
        worked('b', '2027-02-03T09:00:00Z', '2027-02-03T17:00:00Z'),
      ],
      LONDON,
    );
    expect(r.people.map((p) => p.hoursPerAvailableFte)).toEqual([16, 16, null]);
    expect(r.spreads.hoursPerAvailableFte).toBe(0);
    expect(r.spreads.hoursPerFte).toBe(16);
  });

  it('ignores work of people not in the report, and is empty without people', () => {
    expect(fairnessReport([{ id: 'a', fte: 1 }], [worked('z', '2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z')], LONDON).totals.hours).toBe(
      0,
    );
    expect(fairnessReport([], [], LONDON)).toMatchObject({ spread: 0, meanHoursPerFte: 0, people: [] });
  });

  it('a weekend shift starts on a local Saturday or Sunday', () => {
    expect(isWeekend({ startsAt: new Date('2027-06-05T23:30:00Z'), endsAt: new Date('2027-06-06T08:00:00Z') }, LONDON)).toBe(true); // 00:30 BST Sunday
    expect(isWeekend({ startsAt: new Date('2027-06-04T22:30:00Z'), endsAt: new Date('2027-06-05T08:00:00Z') }, LONDON)).toBe(false); // 23:30 BST Friday
  });
});
