import {
  assignmentsCalendar,
  AssignmentFact,
  assignmentUid,
  dutySummary,
  FeedOptions,
  hubCalendar,
  ShiftAmhp,
  ShiftFact,
  shiftUid,
} from './calendar.ics';
import { generateShifts, PatternFacts } from './rota.rules';

const LONDON = 'Europe/London';
const options: FeedOptions = {
  name: 'AMHP duty: Ann Smith',
  timeZone: LONDON,
  stamp: new Date('2026-03-01T12:00:00Z'),
  refreshSeconds: 900,
};
const assignment = (over: Partial<AssignmentFact> = {}): AssignmentFact => ({
  assignmentId: '0b8e7d2c-4f3a-4c1e-9d6b-2a1f0e9c8b7a',
  label: 'Day',
  startsAt: new Date('2026-03-02T09:00:00Z'),
  endsAt: new Date('2026-03-02T17:00:00Z'),
  shiftVersion: 1,
  assignmentVersion: 1,
  lastModified: new Date('2026-02-20T09:30:00Z'),
  ...over,
});
const hubShift = ({ amhps, ...over }: Partial<Omit<ShiftFact, 'amhps'>> & { amhps?: Array<string | ShiftAmhp> } = {}): ShiftFact => ({
  shiftId: '6f1c2b3a-0d9e-4c8b-a7f6-e5d4c3b2a190',
  label: 'Night',
  startsAt: new Date('2026-03-02T22:00:00Z'),
  endsAt: new Date('2026-03-03T09:00:00Z'),
  requiredCount: 2,
  version: 1,
  staffingVersion: 0,
  lastModified: new Date('2026-02-20T09:30:00Z'),
  ...over,
  amhps: (amhps ?? ['Ann Smith', 'Bo Jones']).map((a) => (typeof a === 'string' ? { displayName: a } : a)),
});

/** Content lines with folding undone (RFC 5545 §3.1: CRLF followed by one space or tab). */
const unfold = (ics: string) =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
/** The VEVENTs as maps of property name → value (parameters dropped; one value per name is enough here). */
function events(ics: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  for (const line of unfold(ics)) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      out.push(current!);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]] = line.slice(colon + 1);
    }
  }
  return out;
}

describe('ICS structure (RFC 5545)', () => {
  const ics = assignmentsCalendar(
    [
      assignment(),
      assignment({
        assignmentId: '1c9f8e3d-5a4b-4d2f-8e7c-3b2a1f0d9c8b',
        startsAt: new Date('2026-03-04T09:00:00Z'),
        endsAt: new Date('2026-03-04T17:00:00Z'),
      }),
    ],
    options,
  );

  it('is one VCALENDAR with VERSION:2.0, a PRODID and one VEVENT per assignment', () => {
    const lines = unfold(ics);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines[lines.length - 1]).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines.find((l) => l.startsWith('PRODID:'))).toBe('PRODID:-//amhp-hub//rota//EN');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(2);
    expect(lines).toContain('X-WR-CALNAME:AMHP duty: Ann Smith');
    expect(lines).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT15M');
  });

  it('ends every line with CRLF and has no bare CR or LF', () => {
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('gives every event the properties a calendar app needs, in UTC (no TZID without its VTIMEZONE)', () => {
    const [e] = events(ics);
    expect(e).toMatchObject({
      UID: assignmentUid(assignment().assignmentId),
      DTSTAMP: '20260301T120000Z',
      DTSTART: '20260302T090000Z',
      DTEND: '20260302T170000Z',
      SEQUENCE: '0',
      'LAST-MODIFIED': '20260220T093000Z',
      SUMMARY: 'AMHP duty: Day (09:00–17:00)',
    });
    expect(ics).not.toContain('TZID');
  });

  it('an empty feed is still a valid calendar', () => {
    const lines = unfold(assignmentsCalendar([], options));
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).not.toContain('BEGIN:VEVENT');
  });
});

describe('folding and escaping', () => {
  const long = 'Extra cover for the Crisis Café; Ashworth, Bramley & Côte-Ouest — Ünïcödé ' + 'é'.repeat(30) + ' 🚑'.repeat(10);
  const ics = assignmentsCalendar([assignment({ label: long })], options);

  it('folds lines at 75 octets (not characters), each continuation starting with a space', () => {
    const physical = ics.split('\r\n');
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const summaryAt = physical.findIndex((l) => l.startsWith('SUMMARY:'));
    expect(physical[summaryAt + 1].startsWith(' ')).toBe(true);
    // A fold never splits a character: no physical line starts or ends with half of a surrogate pair (🚑).
    const halfPair = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const line of physical) expect(line).not.toMatch(halfPair);
  });

  it('escapes commas and semicolons in text, and unfolds back to the whole summary', () => {
    const [e] = events(ics);
    expect(e.SUMMARY).toBe(`AMHP duty: ${long.replace(/([,;])/g, '\\$1')} (09:00–17:00)`);
    expect(e.SUMMARY).toContain('Café\\; Ashworth\\, Bramley');
  });

  it('escapes the commas between names on the hub feed, and backslashes and newlines in labels', () => {
    const [e] = events(hubCalendar([hubShift({ label: 'Night\\cover\nextra', amhps: ['Smith, Ann', 'Jones; Bo'] })], options));
    expect(e.SUMMARY).toBe('Night\\\\cover\\nextra (22:00–09:00): Smith\\, Ann\\, Jones\\; Bo');
    expect(e.DESCRIPTION).toBe('On duty: Smith\\, Ann\\, Jones\\; Bo (2 of 2 AMHPs)');
  });
});

describe('stable UIDs and SEQUENCE', () => {
  it('the same assignment keeps its UID from one fetch to the next, whatever else changes', () => {
    const first = events(assignmentsCalendar([assignment()], options))[0];
    const later = events(
      assignmentsCalendar(
        [assignment({ label: 'Day (moved)', shiftVersion: 3 }), assignment({ assignmentId: 'ffffffff-4f3a-4c1e-9d6b-2a1f0e9c8b7a' })],
        { ...options, stamp: new Date('2026-03-02T08:00:00Z') },
      ),
    )[0];
    expect(first.UID).toBe('assignment-0b8e7d2c-4f3a-4c1e-9d6b-2a1f0e9c8b7a@amhp-hub');
    expect(later.UID).toBe(first.UID);
    expect(later.SEQUENCE).toBe('2');
    expect(later.DTSTAMP).toBe('20260302T080000Z');
  });

  it('hub events are keyed by shift, and show free time (TRANSPARENT) so they do not block the subscriber', () => {
    const [e] = events(hubCalendar([hubShift({ version: 2 })], options));
    expect(e).toMatchObject({
      UID: shiftUid(hubShift().shiftId),
      SEQUENCE: '1',
      TRANSP: 'TRANSPARENT',
      SUMMARY: 'Night (22:00–09:00): Ann Smith\\, Bo Jones',
    });
    expect(e.UID).toBe('shift-6f1c2b3a-0d9e-4c8b-a7f6-e5d4c3b2a190@amhp-hub');
  });

  // RFC 5545 §3.8.7.4: SEQUENCE rises with every revision the subscriber sees; on the hub feed that is who is on duty
  // as much as the shift's own details. Worked examples: [what happened, version, staffingVersion, SEQUENCE].
  it.each([
    ['a new, empty shift', 1, 0, '0'],
    ['one AMHP put on it', 1, 1, '1'],
    ['a swap: one taken off, another put on', 1, 3, '3'],
    ['its label changed, nobody on it yet', 2, 0, '1'],
    ['label changed twice and two assignments', 3, 2, '4'],
  ])('hub SEQUENCE counts details and staffing changes: %s', (_what, version, staffingVersion, expected) => {
    const [e] = events(hubCalendar([hubShift({ version, staffingVersion })], options));
    expect(e.SEQUENCE).toBe(expected);
  });

  it('hub events carry LAST-MODIFIED (RFC 5545 §3.8.7.3) from the facts, not the time of the fetch', () => {
    const [e] = events(hubCalendar([hubShift({ lastModified: new Date('2026-03-01T11:59:30.400Z') })], options));
    expect(e['LAST-MODIFIED']).toBe('20260301T115930Z');
    expect(e.DTSTAMP).toBe('20260301T120000Z');
  });

  it('the same facts fetched later give the same SEQUENCE and LAST-MODIFIED (an unchanged event stays unchanged)', () => {
    const [first] = events(hubCalendar([hubShift({ version: 2, staffingVersion: 3 })], options));
    const [later] = events(
      hubCalendar([hubShift({ version: 2, staffingVersion: 3 })], { ...options, stamp: new Date('2026-03-09T08:00:00Z') }),
    );
    expect([later.SEQUENCE, later['LAST-MODIFIED']]).toEqual([first.SEQUENCE, first['LAST-MODIFIED']]);
    expect(later.DTSTAMP).not.toBe(first.DTSTAMP);
  });

  it('an assignment cut short in place (ROTA-WORKED) raises SEQUENCE with its new DTEND', () => {
    const [made] = events(assignmentsCalendar([assignment()], options));
    const [cut] = events(assignmentsCalendar([assignment({ endsAt: new Date('2026-03-02T12:30:00Z'), assignmentVersion: 2 })], options));
    expect([made.SEQUENCE, made.DTEND]).toEqual(['0', '20260302T170000Z']);
    expect([cut.SEQUENCE, cut.DTEND]).toEqual(['1', '20260302T123000Z']);
  });

  it('an AMHP on a hub shift for part of it only is shown with her part, and the shift as short from then', () => {
    const [e] = events(
      hubCalendar(
        [
          hubShift({
            requiredCount: 1,
            amhps: [
              { displayName: 'Ann Smith', endsAt: new Date('2026-03-02T22:39:00Z') },
              { displayName: 'Bo Jones', startsAt: new Date('2026-03-02T22:45:00Z') },
            ],
          }),
        ],
        options,
      ),
    );
    expect(e.SUMMARY).toBe('Night (22:00–09:00): Ann Smith (until 22:39)\\, Bo Jones (from 22:45)\\; short 22:39–22:45');
    expect(e.DESCRIPTION).toBe('On duty: Ann Smith (until 22:39)\\, Bo Jones (from 22:45) (0 of 1 AMHP\\; short 22:39–22:45)');
  });

  it('an unfilled hub shift says so', () => {
    const [e] = events(hubCalendar([hubShift({ amhps: [], requiredCount: 1 })], options));
    expect(e.SUMMARY).toBe('Night (22:00–09:00): unfilled');
    expect(e.DESCRIPTION).toBe('Nobody assigned yet (0 of 1 AMHP)');
  });
});

describe('DST: nights generated in local time keep their wall-clock times and true length', () => {
  const night: PatternFacts = {
    id: 'n',
    name: 'Night',
    startTime: '22:00',
    endTime: '09:00',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    bankHolidays: 'any',
    requiredCount: 1,
    requiredSkills: [],
    validFrom: '2026-01-01',
    validTo: null,
  };
  const feed = (from: string, to: string) => {
    const shifts = generateShifts([night], new Set(), from, to, LONDON);
    return events(
      assignmentsCalendar(
        shifts.map((s, i) => assignment({ assignmentId: `a${i}`, label: s.label, startsAt: s.startsAt, endsAt: s.endsAt })),
        options,
      ),
    );
  };
  const hours = (e: Record<string, string>) => {
    const instant = (v: string) => Date.parse(v.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    return (instant(e.DTEND) - instant(e.DTSTART)) / 3_600_000;
  };

  it('spring forward (29 March 2026): the night of the 28th is 10 hours, 22:00 GMT to 09:00 BST', () => {
    const es = feed('2026-03-27', '2026-03-29');
    expect(es.map((e) => [e.DTSTART, e.DTEND, hours(e), e.SUMMARY])).toEqual([
      ['20260327T220000Z', '20260328T090000Z', 11, 'AMHP duty: Night (22:00–09:00)'],
      ['20260328T220000Z', '20260329T080000Z', 10, 'AMHP duty: Night (22:00–09:00)'],
      ['20260329T210000Z', '20260330T080000Z', 11, 'AMHP duty: Night (22:00–09:00)'],
    ]);
  });

  it('fall back (25 October 2026): the night of the 24th is 12 hours, 22:00 BST to 09:00 GMT', () => {
    const es = feed('2026-10-23', '2026-10-25');
    expect(es.map((e) => [e.DTSTART, e.DTEND, hours(e), e.SUMMARY])).toEqual([
      ['20261023T210000Z', '20261024T080000Z', 11, 'AMHP duty: Night (22:00–09:00)'],
      ['20261024T210000Z', '20261025T090000Z', 12, 'AMHP duty: Night (22:00–09:00)'],
      ['20261025T220000Z', '20261026T090000Z', 11, 'AMHP duty: Night (22:00–09:00)'],
    ]);
  });

  it("summaries use the hub's zone, not the server's", () => {
    expect(dutySummary('Day', new Date('2026-07-01T08:00:00Z'), new Date('2026-07-01T16:00:00Z'), LONDON)).toBe(
      'AMHP duty: Day (09:00–17:00)',
    );
    expect(dutySummary('Day', new Date('2026-07-01T08:00:00Z'), new Date('2026-07-01T16:00:00Z'), 'UTC')).toBe(
      'AMHP duty: Day (08:00–16:00)',
    );
  });
});
