import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  compiledHighs,
  ExistingAssignment,
  inProcessSolver,
  LpSolve,
  plan,
  PlanFacts,
  PlanPractitioner,
  PlanResult,
  PlanShift,
} from './planner';
import { generateShifts, Period, RotaPolicy, workingTimeFindings } from './rota.rules';

const LONDON = 'Europe/London';
const POLICY: RotaPolicy = {
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
const HOUR = 3_600_000;

let solve: LpSolve;
beforeAll(async () => {
  solve = await inProcessSolver();
});

let ids = 0;
const shift = (start: string, end: string, over: Partial<PlanShift> = {}): PlanShift => ({
  id: `s${++ids}`,
  label: 'Shift',
  startsAt: new Date(start),
  endsAt: new Date(end),
  localDate: DateTime.fromISO(start, { zone: LONDON }).toISODate()!,
  patternId: null,
  requiredCount: 1,
  requiredSkills: [],
  bankHoliday: false,
  assigned: [],
  ...over,
});
const amhp = (id: string, over: Partial<PlanPractitioner> = {}): PlanPractitioner => ({ id, fte: 1, skills: [], ...over });
/** Day shifts 09:00-17:00 UTC (winter: local time) on consecutive days from 1 February 2027, a Monday. */
const days = (n: number, over: Partial<PlanShift> = {}) =>
  Array.from({ length: n }, (_, i) =>
    shift(`2027-02-${String(1 + i).padStart(2, '0')}T09:00:00Z`, `2027-02-${String(1 + i).padStart(2, '0')}T17:00:00Z`, over),
  );
const facts = (over: Partial<PlanFacts>): PlanFacts => ({
  from: new Date('2027-01-25T00:00:00Z'),
  to: new Date('2027-04-25T00:00:00Z'),
  shifts: [],
  practitioners: [],
  existing: [],
  leave: [],
  ineligible: [],
  preferences: [],
  policy: POLICY,
  ...over,
});
const run = (f: PlanFacts) => plan(f, solve, { timeLimitSeconds: 5 });
const placed = (r: PlanResult, shiftId: string) =>
  r.assignments
    .filter((a) => a.shiftId === shiftId)
    .map((a) => a.practitionerId)
    .sort();

/**
 * Every planned assignment against everything else its AMHP works: no finding at all, hard or warning, except one the
 * assignment carries for the manager to override (a warning the shift brings on its own, e.g. WTR-10-24H).
 */
function findingsOf(f: PlanFacts, r: PlanResult): string[] {
  const byId = new Map(f.shifts.map((s) => [s.id, s]));
  const out: string[] = [];
  for (const p of f.practitioners) {
    const mine: Array<Period & { planned?: boolean; carried?: string[] }> = [
      ...f.existing.filter((e) => e.practitionerId === p.id),
      ...r.assignments
        .filter((a) => a.practitionerId === p.id)
        .map((a) => ({ ...byId.get(a.shiftId)!, planned: true, carried: (a.warnings ?? []).map((w) => w.code) })),
    ];
    for (const m of mine.filter((x) => x.planned)) {
      for (const finding of workingTimeFindings(
        m,
        mine.filter((o) => o !== m),
        f.policy,
      ).filter((x) => !m.carried?.includes(x.code)))
        out.push(`${p.id} ${m.startsAt.toISOString()} ${finding.code}`);
    }
  }
  return out;
}

describe('rota planner (pure, HiGHS)', () => {
  it('fills a simple week and shares it out evenly', async () => {
    const shifts = days(7);
    const f = facts({ shifts, practitioners: [amhp('a'), amhp('b'), amhp('c')] });
    const r = await run(f);
    expect(r.assignments).toHaveLength(7);
    expect(r.unfilled).toEqual([]);
    expect(r.dropped).toEqual([]);
    const counts = ['a', 'b', 'c'].map((p) => r.assignments.filter((a) => a.practitionerId === p).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(r.fairness.spread).toBeLessThanOrEqual(8);
    expect(r.solver.status).toBe('Optimal');
    expect(findingsOf(f, r)).toEqual([]);
  });

  it('solves the same with HiGHS compiled once for the process (as each planner worker is given it) as with its own', async () => {
    const compiled = await compiledHighs();
    expect(await compiledHighs()).toBe(compiled); // compiled once, then kept
    const f = facts({ shifts: days(7), practitioners: [amhp('a'), amhp('b'), amhp('c')] });
    const given = await plan(f, await inProcessSolver(compiled));
    const own = await run(f);
    expect(given.solver.status).toBe('Optimal');
    expect(given.assignments).toHaveLength(7);
    expect(given.fairness.spread).toBe(own.fairness.spread);
    expect(findingsOf(f, given)).toEqual([]);
  });

  it('never breaks rest or overlap: a late then an early 10 h later cannot both go to the only AMHP', async () => {
    const late = shift('2027-02-01T14:00:00Z', '2027-02-01T22:00:00Z');
    const early = shift('2027-02-02T08:00:00Z', '2027-02-02T16:00:00Z');
    const overlapping = shift('2027-02-01T15:00:00Z', '2027-02-01T23:00:00Z');
    const f = facts({ shifts: [late, early, overlapping], practitioners: [amhp('a')] });
    const r = await run(f);
    expect(r.assignments).toHaveLength(1);
    expect(r.unfilled).toHaveLength(2);
    expect(r.unfilled.every((u) => u.code === 'working-time' && /less than 11 h away/.test(u.reason))).toBe(true);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it.each([
    [
      'on approved leave',
      (f: PlanFacts, s: PlanShift) =>
        f.leave.push({
          practitionerId: 'a',
          kind: 'annual',
          startsAt: new Date(s.startsAt.getTime() - HOUR),
          endsAt: new Date(s.startsAt.getTime() + HOUR),
        }),
      /on approved leave/,
    ],
    [
      'not eligible (workforce rules)',
      (f: PlanFacts, s: PlanShift) => f.ineligible.push({ practitionerId: 'a', shiftId: s.id, code: 'no-approval' }),
      /not eligible/,
    ],
  ])('respects %s: the place goes to someone else, or stays empty with the reason', async (_name, block, reason) => {
    const [s] = days(1);
    const alone = facts({ shifts: [s], practitioners: [amhp('a')] });
    block(alone, s);
    const r1 = await run(alone);
    expect(r1.assignments).toEqual([]);
    expect(r1.unfilled).toEqual([
      expect.objectContaining({ shiftId: s.id, missing: 1, code: 'no-eligible-amhp', reason: expect.stringMatching(reason) }),
    ]);

    const withColleague = facts({ shifts: [s], practitioners: [amhp('a'), amhp('b')] });
    block(withColleague, s);
    expect((await run(withColleague)).assignments).toEqual([{ shiftId: s.id, practitionerId: 'b' }]);
  });

  it('plans a 16 h out-of-hours shift (WTR-10-24H: under 11 h rest in its 24 hours) with the warning carried for an override, and never plans rest the shift does not need to break', async () => {
    const ooh = [shift('2027-02-01T17:00:00Z', '2027-02-02T09:00:00Z'), shift('2027-02-03T17:00:00Z', '2027-02-04T09:00:00Z')];
    const f = facts({ shifts: ooh, practitioners: [amhp('a')] });
    const r = await run(f);
    expect(r.dropped).toEqual([]);
    expect(r.assignments).toEqual(
      ooh.map((s) => ({
        shiftId: s.id,
        practitionerId: 'a',
        warnings: [expect.objectContaining({ code: 'daily-rest-in-day', rule: 'WTR-10-24H', severity: 'warning' })],
      })),
    );
    expect(findingsOf(f, r)).toEqual([]);
    // An 8 h day carries nothing.
    const day = days(1);
    expect((await run(facts({ shifts: day, practitioners: [amhp('a')] }))).assignments).toEqual([
      { shiftId: day[0].id, practitionerId: 'a' },
    ]);
  });

  it('plans an AMHP eligible with warnings only (training short), and the assignment carries the warnings', async () => {
    const [s] = days(1);
    const warning = {
      code: 'training-short-completed-year',
      rule: 'AMHP-06' as const,
      severity: 'warning' as const,
      message: 'Year 1 ended short.',
    };
    const f = facts({ shifts: [s], practitioners: [amhp('a')], warnings: [{ practitionerId: 'a', shiftId: s.id, findings: [warning] }] });
    const r = await run(f);
    expect(r.assignments).toEqual([{ shiftId: s.id, practitionerId: 'a', warnings: [warning] }]);
    expect(r.unfilled).toEqual([]);
  });

  it("reports availability as the fairness report does: a suspension and leave taken out of the plan's period", async () => {
    // The plan's period is 1-8 February 2027; a is suspended from Thursday 4th, b on leave Monday 1st.
    const shifts = days(7);
    const f = facts({
      from: new Date('2027-02-01T00:00:00Z'),
      to: new Date('2027-02-08T00:00:00Z'),
      shifts,
      practitioners: [
        amhp('a', {
          unavailable: [{ startsAt: new Date('2027-02-04T00:00:00Z'), endsAt: new Date('2027-02-08T00:00:00Z'), reason: 'suspended' }],
        }),
        amhp('b'),
        amhp('c', {
          unavailable: [{ startsAt: new Date('2027-02-01T00:00:00Z'), endsAt: new Date('2027-02-08T00:00:00Z'), reason: 'no-approval' }],
        }),
      ],
      leave: [
        { practitionerId: 'b', kind: 'annual', startsAt: new Date('2027-02-01T00:00:00Z'), endsAt: new Date('2027-02-02T00:00:00Z') },
      ],
      ineligible: [
        ...shifts.slice(3).map((s) => ({ practitionerId: 'a', shiftId: s.id, code: 'approval-suspended' })),
        ...shifts.map((s) => ({ practitionerId: 'c', shiftId: s.id, code: 'no-approval' })),
      ],
    });
    const r = await run(f);
    expect(r.fairness.people.map((p) => [p.practitionerId, p.availability, p.unavailableFor])).toEqual([
      ['a', 0.4286, ['suspended']],
      ['b', 0.8571, ['leave']],
      ['c', 0, ['no-approval']],
    ]);
    expect(r.fairness.excluded).toEqual([{ practitionerId: 'c', reasons: ['no-approval'], hours: 0 }]);
    const row = (id: string) => r.fairness.people.find((p) => p.practitionerId === id)!;
    expect(row('a').hoursPerAvailableFte).toBe(Math.round((row('a').hours / (3 / 7)) * 100) / 100);
    expect(r.fairness.spread).toBeCloseTo(Math.abs(row('a').hoursPerAvailableFte! - row('b').hoursPerAvailableFte!), 9);
  });

  it('keeps existing assignments and plans around them (rest counted from them)', async () => {
    const [monday, tuesday] = days(2, { requiredCount: 2 });
    monday.assigned = [{ practitionerId: 'a', skills: [] }];
    // a also already works a night straight after Tuesday's shift starts: Tuesday is out of reach for a.
    const night: ExistingAssignment = {
      practitionerId: 'a',
      startsAt: new Date('2027-02-02T21:00:00Z'),
      endsAt: new Date('2027-02-03T08:00:00Z'),
    };
    const f = facts({
      shifts: [monday, tuesday],
      practitioners: [amhp('a'), amhp('b'), amhp('c')],
      existing: [{ practitionerId: 'a', shiftId: monday.id, startsAt: monday.startsAt, endsAt: monday.endsAt }, night],
    });
    const r = await run(f);
    expect(placed(r, monday.id)).toHaveLength(1);
    expect(placed(r, monday.id)).not.toContain('a');
    expect(placed(r, tuesday.id)).toEqual(['b', 'c']);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it.each([
    ['prefers (+10)', { practitionerId: 'b', weight: 10 }, 'b'],
    ['avoids (−10)', { practitionerId: 'a', weight: -10 }, 'b'],
    ['prefers a pattern on a weekday', { practitionerId: 'a', patternId: 'night', weekday: 1, weight: 10 }, 'a'],
  ])('honours a strong preference: %s', async (_name, preference, expected) => {
    const s = shift('2027-02-01T21:00:00Z', '2027-02-02T07:00:00Z', { patternId: 'night' });
    const other = amhp('b');
    const r = await run(facts({ shifts: [s], practitioners: [amhp('a'), other], preferences: [preference] }));
    expect(placed(r, s.id)).toEqual([expected]);
  });

  it('leaves a place unfilled with a reason when it is impossible, and reports a missing skill', async () => {
    const [s] = days(1, { requiredCount: 2, requiredSkills: ['bia'] });
    const r = await run(facts({ shifts: [s], practitioners: [amhp('a')] }));
    expect(placed(r, s.id)).toEqual(['a']);
    expect(r.unfilled).toEqual([
      expect.objectContaining({ shiftId: s.id, missing: 1, missingSkills: ['bia'], reason: expect.stringContaining('"bia"') }),
    ]);
  });

  it('puts a holder of a required skill on the shift', async () => {
    const [s] = days(1, { requiredCount: 1, requiredSkills: ['senior'] });
    const r = await run(facts({ shifts: [s], practitioners: [amhp('a'), amhp('b', { skills: ['senior'] }), amhp('c')] }));
    expect(placed(r, s.id)).toEqual(['b']);
    expect(r.unfilled).toEqual([]);
  });

  it('the DST week: nights of 9 and 11 hours, all filled, every rule kept, real hours counted', async () => {
    const patterns = [
      {
        id: 'night',
        name: 'Night',
        startTime: '22:00',
        endTime: '08:00',
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        bankHolidays: 'any' as const,
        requiredCount: 1,
        requiredSkills: [],
        validFrom: '2027-03-22',
        validTo: null,
      },
    ];
    const shifts = generateShifts(patterns, new Set(), '2027-03-22', '2027-03-28', LONDON).map((s, i) => ({
      ...s,
      id: `n${i}`,
      assigned: [],
    }));
    expect(shifts.map((s) => (s.endsAt.getTime() - s.startsAt.getTime()) / HOUR)).toEqual([10, 10, 10, 10, 10, 9, 10]);
    const f = facts({
      from: new Date('2027-03-22T00:00:00Z'),
      to: new Date('2027-03-29T00:00:00+01:00'),
      shifts,
      practitioners: [amhp('a'), amhp('b'), amhp('c')],
    });
    const r = await run(f);
    expect(r.assignments).toHaveLength(7);
    expect(findingsOf(f, r)).toEqual([]);
    expect(r.fairness.totals.hours).toBe(69);
    expect(r.fairness.totals.nights).toBe(7);
  });

  it('never more consecutive nights than the limit', async () => {
    const nights = Array.from({ length: 5 }, (_, i) => shift(`2027-02-0${1 + i}T22:00:00Z`, `2027-02-0${2 + i}T08:00:00Z`));
    const f = facts({ shifts: nights, practitioners: [amhp('a')] });
    const r = await run(f);
    expect(r.assignments).toHaveLength(4); // e.g. 1, 2, 3 and 5: a run of 3, a night off, then 1
    expect(r.unfilled[0].reason).toMatch(/consecutive nights/);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it('never more consecutive days than the limit: one AMHP, 21 day shifts in a row, gets 7, a day off, 7, a day off, 5', async () => {
    const shifts = Array.from({ length: 21 }, (_, i) => {
      const d = DateTime.fromISO('2027-02-01', { zone: 'UTC' }).plus({ days: i }).toISODate()!;
      return shift(`${d}T09:00:00Z`, `${d}T17:00:00Z`);
    });
    const f = facts({ shifts, practitioners: [amhp('a')], policy: { ...POLICY, weeklyRestHours: 0, maxWeeklyHours: 168 } });
    const r = await run(f);
    expect(r.assignments).toHaveLength(19);
    expect(r.unfilled).toHaveLength(2);
    expect(r.unfilled.every((u) => /at the limit of 7 consecutive days/.test(u.reason))).toBe(true);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it('counts a date with two shifts as one day: an early and a late on 10 days give 18 shifts over 9 days', async () => {
    const shifts = Array.from({ length: 10 }, (_, i) => {
      const d = DateTime.fromISO('2027-02-01', { zone: 'UTC' }).plus({ days: i }).toISODate()!;
      return [shift(`${d}T07:00:00Z`, `${d}T11:00:00Z`), shift(`${d}T12:00:00Z`, `${d}T16:00:00Z`)];
    }).flat();
    const f = facts({
      shifts,
      practitioners: [amhp('a')],
      policy: { ...POLICY, minRestHours: 0, weeklyRestHours: 0, maxWeeklyHours: 168 },
    });
    const r = await run(f);
    expect(r.assignments).toHaveLength(18);
    expect(r.dropped).toEqual([]);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it('keeps the weekly 24 h break (enforced by cuts): one AMHP, seven day shifts in a row', async () => {
    const shifts = days(7);
    const f = facts({ shifts, practitioners: [amhp('a')], policy: { ...POLICY, maxWeeklyHours: 80 } });
    const r = await run(f);
    expect(r.assignments).toHaveLength(6);
    expect(r.unfilled).toEqual([expect.objectContaining({ missing: 1 })]);
    expect(findingsOf(f, r)).toEqual([]);
  });

  it('caps hours over the period by FTE (the weekly-hours approximation)', async () => {
    // Ten 12-hour shifts in a fortnight; a 0.5 FTE AMHP may take at most 48 × 0.5 × 2 = 48 hours of them.
    const shifts = Array.from({ length: 10 }, (_, i) =>
      shift(`2027-02-${String(1 + i).padStart(2, '0')}T08:00:00Z`, `2027-02-${String(1 + i).padStart(2, '0')}T20:00:00Z`),
    );
    const f = facts({
      from: new Date('2027-02-01T00:00:00Z'),
      to: new Date('2027-02-15T00:00:00Z'),
      shifts,
      practitioners: [amhp('a', { fte: 0.5 })],
    });
    const r = await run(f);
    expect(r.assignments).toHaveLength(4);
    expect(r.unfilled.some((u) => /hours cap/.test(u.reason))).toBe(true);
  });

  it('balances hours by FTE: a full-timer does about twice a half-timer', async () => {
    const shifts = days(12);
    const r = await run(
      facts({
        from: new Date('2027-02-01T00:00:00Z'),
        to: new Date('2027-02-15T00:00:00Z'),
        shifts,
        practitioners: [amhp('full'), amhp('half', { fte: 0.5 }), amhp('full2')],
      }),
    );
    const n = (id: string) => r.assignments.filter((a) => a.practitionerId === id).length;
    expect(n('full') + n('half') + n('full2')).toBe(12);
    expect(Math.abs(n('full') - 2 * n('half'))).toBeLessThanOrEqual(2);
    expect(r.fairness.spread).toBeLessThanOrEqual(16);
  });

  it('property: on random small hubs the plan never breaks a working-time rule, leave, eligibility or staffing', async () => {
    const base = Date.parse('2027-02-01T00:00:00Z');
    const arb = fc.record({
      people: fc.integer({ min: 1, max: 4 }),
      shifts: fc.array(
        fc.record({
          startHour: fc.integer({ min: 0, max: 5 * 24 }),
          length: fc.integer({ min: 4, max: 13 }),
          required: fc.integer({ min: 1, max: 2 }),
          night: fc.boolean(),
        }),
        { minLength: 1, maxLength: 9 },
      ),
      leave: fc.array(
        fc.record({ who: fc.nat(3), startHour: fc.integer({ min: 0, max: 5 * 24 }), length: fc.integer({ min: 1, max: 48 }) }),
        { maxLength: 2 },
      ),
      ineligible: fc.array(fc.record({ who: fc.nat(3), shift: fc.nat(8) }), { maxLength: 3 }),
      existing: fc.array(
        fc.record({ who: fc.nat(3), startHour: fc.integer({ min: -48, max: 6 * 24 }), length: fc.integer({ min: 4, max: 12 }) }),
        { maxLength: 2 },
      ),
      nights: fc.integer({ min: 1, max: 3 }),
      days: fc.integer({ min: 1, max: 7 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (h) => {
        const people = Array.from({ length: h.people }, (_, i) => amhp(`p${i}`, { fte: i % 2 ? 0.6 : 1 }));
        const shifts = h.shifts.map((s, i) => {
          const start = base + (s.night ? Math.floor(s.startHour / 24) * 24 + 22 : s.startHour) * HOUR;
          return shift(new Date(start).toISOString(), new Date(start + s.length * HOUR).toISOString(), {
            id: `s${i}`,
            requiredCount: s.required,
          });
        });
        // Existing assignments must themselves be free of overlap (the database guarantees that).
        const existing: ExistingAssignment[] = [];
        for (const e of h.existing) {
          if (e.who >= h.people) continue;
          const x = {
            practitionerId: `p${e.who}`,
            startsAt: new Date(base + e.startHour * HOUR),
            endsAt: new Date(base + (e.startHour + e.length) * HOUR),
          };
          if (existing.some((o) => o.practitionerId === x.practitionerId && o.startsAt < x.endsAt && x.startsAt < o.endsAt)) continue;
          existing.push(x);
        }
        const f = facts({
          from: new Date(base),
          to: new Date(base + 7 * 24 * HOUR),
          shifts,
          practitioners: people,
          existing,
          leave: h.leave
            .filter((l) => l.who < h.people)
            .map((l) => ({
              practitionerId: `p${l.who}`,
              kind: 'annual',
              startsAt: new Date(base + l.startHour * HOUR),
              endsAt: new Date(base + (l.startHour + l.length) * HOUR),
            })),
          ineligible: h.ineligible
            .filter((i) => i.who < h.people && i.shift < shifts.length)
            .map((i) => ({ practitionerId: `p${i.who}`, shiftId: `s${i.shift}`, code: 'no-approval' })),
          policy: { ...POLICY, maxConsecutiveNights: h.nights, maxConsecutiveDays: h.days },
        });
        const r = await plan(f, solve, { timeLimitSeconds: 2 });
        expect(findingsOf(f, r)).toEqual([]);
        for (const a of r.assignments) {
          const s = shifts.find((x) => x.id === a.shiftId)!;
          expect(f.leave.some((l) => l.practitionerId === a.practitionerId && l.startsAt < s.endsAt && s.startsAt < l.endsAt)).toBe(false);
          expect(f.ineligible.some((i) => i.practitionerId === a.practitionerId && i.shiftId === a.shiftId)).toBe(false);
        }
        for (const s of shifts) {
          const on = placed(r, s.id);
          expect(on.length).toBeLessThanOrEqual(s.requiredCount);
          expect(new Set(on).size).toBe(on.length);
          const missing = r.unfilled.find((u) => u.shiftId === s.id)?.missing ?? 0;
          expect(on.length + missing).toBe(s.requiredCount);
        }
      }),
      { numRuns: 40, seed: 20270201 },
    );
  }, 120_000);
});
