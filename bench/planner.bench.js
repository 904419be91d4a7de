'use strict';
/**
 * amhp-hub planner benchmark: performance target P6. 40 AMHPs × 13 weeks × 3 shifts a day filled with 0 hard-rule
 * violations in < 10 s; the fairness spreads (max − min of hours ÷ FTE, and of hours ÷ available FTE) reported. No database: the pure planner
 * (dist/src/rota/planner.js, HiGHS in this process) is called with generated facts. See bench/planner-README.md.
 *
 *   npm run build && node bench/planner.bench.js
 *
 * Environment knobs (all optional):
 *   PLANNER_SEED=1            seed of the generated hub (leave, history, preferences, existing assignments)
 *   PLANNER_CHUNK_DAYS=7      days per solve (0: the whole period in one model)
 *   PLANNER_TIME_LIMIT=6      planner budget in seconds (all chunks together; verification comes on top)
 *   PLANNER_PRIOR=1           give each AMHP a look-back quarter of uneven hours (fairness carries over)
 *   PLANNER_STRICT=1          exit 1 when a target is missed
 */
const path = require('node:path');
// The built planner (npm run build); typed from its sources.
const DIST = path.resolve(__dirname, '../dist/src');
/** @type {typeof import('../src/rota/planner')} */
const { plan, inProcessSolver } = require(`${DIST}/rota/planner.js`);
/** @type {typeof import('../src/rota/rota.rules')} */
const { generateShifts, workingTimeFindings } = require(`${DIST}/rota/rota.rules.js`);
/** @type {typeof import('../src/rota/fairness')} */
const { unavailablePeriods } = require(`${DIST}/rota/fairness.js`);

/** @typedef {import('../src/rota/planner').PlanFacts} PlanFacts */
/** @typedef {import('../src/rota/planner').PlanResult} PlanResult */
/** @typedef {import('../src/rota/planner').PlanShift} PlanShift */
/** @typedef {import('../src/rota/rota.rules').PatternFacts} PatternFacts */
/** @typedef {import('../src/rota/rota.rules').RotaPolicy} RotaPolicy */

const env = process.env;
const SEED = Number(env.PLANNER_SEED || 1);
const CHUNK_DAYS = env.PLANNER_CHUNK_DAYS === undefined ? 7 : Number(env.PLANNER_CHUNK_DAYS);
const TIME_LIMIT = Number(env.PLANNER_TIME_LIMIT || 6);
const PRIOR = env.PLANNER_PRIOR === '1';
const ZONE = 'Europe/London';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A seeded PRNG (mulberry32), so every run plans the same hub.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The hub: 13 weeks from Monday 1 March 2027 (the clocks go forward on 28 March; Good Friday, Easter Monday and the
 * early May bank holiday fall inside). Three shifts every day:
 *   Early 08:00-16:00, 3 AMHPs, one of them senior
 *   Late  14:00-22:00, 2 AMHPs
 *   Night 22:00-08:00, 1 senior AMHP (10 h; 9 h on the night the clocks go forward)
 * 6 places a day, 546 in all, about 4,550 hours: about 10 hours a week per FTE across the team, a typical share of
 * an AMHP's job spent on the hub's duty rota (the rest is their community team).
 * @param {number} seed
 * @returns {PlanFacts}
 */
function hub(seed) {
  const random = rng(seed);
  const from = '2027-03-01';
  const to = '2027-05-30';
  /** @type {PatternFacts[]} */
  const patterns = [
    {
      id: 'early',
      name: 'Early',
      startTime: '08:00',
      endTime: '16:00',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      bankHolidays: 'any',
      requiredCount: 3,
      requiredSkills: ['senior'],
      validFrom: from,
      validTo: null,
    },
    {
      id: 'late',
      name: 'Late',
      startTime: '14:00',
      endTime: '22:00',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      bankHolidays: 'any',
      requiredCount: 2,
      requiredSkills: [],
      validFrom: from,
      validTo: null,
    },
    {
      id: 'night',
      name: 'Night',
      startTime: '22:00',
      endTime: '08:00',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      bankHolidays: 'any',
      requiredCount: 1,
      requiredSkills: ['senior'],
      validFrom: from,
      validTo: null,
    },
  ];
  const holidays = new Set(['2027-03-26', '2027-03-29', '2027-05-03']);
  const generated = generateShifts(patterns, holidays, from, to, ZONE);
  /** @type {PlanShift[]} */
  const shifts = generated.map((s, i) => ({ ...s, id: `s${i}`, assigned: [] }));

  // 40 AMHPs: 22 full time, 10 at 0.8, 6 at 0.6, 2 at 0.5; 16 seniors spread across the FTE mix.
  const ftes = [...Array(22).fill(1), ...Array(10).fill(0.8), ...Array(6).fill(0.6), ...Array(2).fill(0.5)];
  const practitioners = ftes.map((fte, i) => ({
    id: `p${i}`,
    fte,
    skills: i % 5 === 0 || i % 5 === 2 ? ['senior'] : [],
    displayName: `AMHP ${i + 1}`,
    // PLANNER_PRIOR=1: the 13 weeks before, about 10 h a week per FTE give or take 12%, 11 of those weeks available.
    ...(PRIOR
      ? {
          prior: {
            hours: Math.round(fte * (120 + random() * 30)),
            nights: Math.round(fte * (2 + random() * 3)),
            weekends: Math.round(fte * (3 + random() * 3)),
            bankHolidays: random() < 0.2 ? 1 : 0,
            availableDays: 77,
          },
        }
      : {}),
  }));

  const start = Date.parse('2027-03-01T00:00:00Z');
  /** @type {PlanFacts['leave']} */
  const leave = [];
  // One week of annual leave each, staggered through the quarter; every fifth AMHP takes a second week.
  practitioners.forEach((p, i) => {
    const first = Math.floor((i * 84) / 40);
    leave.push({
      practitionerId: p.id,
      kind: 'annual',
      startsAt: new Date(start + first * DAY),
      endsAt: new Date(start + (first + 7) * DAY),
    });
    if (i % 5 === 0) {
      const second = (first + 35 + Math.floor(random() * 14)) % 84;
      leave.push({
        practitionerId: p.id,
        kind: 'annual',
        startsAt: new Date(start + second * DAY),
        endsAt: new Date(start + (second + 7) * DAY),
      });
    }
  });
  // A few sick days.
  for (let k = 0; k < 8; k++) {
    const d = Math.floor(random() * 88);
    leave.push({
      practitionerId: `p${Math.floor(random() * 40)}`,
      kind: 'sick',
      startsAt: new Date(start + d * DAY),
      endsAt: new Date(start + (d + 2) * DAY),
    });
  }

  // Eligibility: p39's approval ends on 15 April; p38's begins on 22 March (the workforce rules refuse those shifts).
  /** @type {PlanFacts['ineligible']} */
  const ineligible = [];
  for (const s of shifts) {
    if (s.endsAt > new Date('2027-04-15T23:00:00Z'))
      ineligible.push({ practitionerId: 'p39', shiftId: s.id, code: 'approval-ends-during-period' });
    if (s.startsAt < new Date('2027-03-22T00:00:00Z'))
      ineligible.push({ practitionerId: 'p38', shiftId: s.id, code: 'approval-starts-during-period' });
  }

  // 20 assignments already made by hand (kept), and the last week before the period (rest and nights carry over).
  /** @type {PlanFacts['existing']} */
  const existing = [];
  /**
   * @param {string} pid
   * @param {PlanShift} s
   */
  const onLeave = (pid, s) => leave.some((l) => l.practitionerId === pid && l.startsAt < s.endsAt && s.startsAt < l.endsAt);
  for (let k = 0; k < 60 && existing.filter((e) => e.shiftId).length < 20; k++) {
    const s = shifts[Math.floor(random() * shifts.length)];
    const p = practitioners[Math.floor(random() * 37)];
    if (s.assigned.length >= s.requiredCount || onLeave(p.id, s)) continue;
    const mine = existing.filter((e) => e.practitionerId === p.id);
    if (workingTimeFindings(s, mine, policy).length) continue;
    s.assigned.push({ practitionerId: p.id, skills: p.skills });
    existing.push({ practitionerId: p.id, shiftId: s.id, startsAt: s.startsAt, endsAt: s.endsAt, bankHoliday: s.bankHoliday });
  }
  const lastWeek = generateShifts(
    patterns.map((p) => ({ ...p, validFrom: '2027-02-22' })),
    new Set(),
    '2027-02-22',
    '2027-02-28',
    ZONE,
  );
  lastWeek.forEach((s, i) => {
    for (let k = 0; k < s.requiredCount; k++) {
      const p = practitioners[(i * 5 + k * 11) % 40];
      const mine = existing.filter((e) => e.practitionerId === p.id);
      if (workingTimeFindings(s, mine, policy).length) continue;
      existing.push({ practitionerId: p.id, shiftId: null, startsAt: s.startsAt, endsAt: s.endsAt });
    }
  });

  // Preferences: some avoid nights, some like weekends, one asks for a particular date off.
  /** @type {PlanFacts['preferences']} */
  const preferences = [];
  for (let k = 0; k < 12; k++)
    preferences.push({ practitionerId: `p${Math.floor(random() * 40)}`, patternId: 'night', weight: -Math.ceil(random() * 10) });
  for (let k = 0; k < 6; k++)
    preferences.push({
      practitionerId: `p${Math.floor(random() * 40)}`,
      weekday: 6 + Math.floor(random() * 2),
      weight: Math.ceil(random() * 5),
    });
  preferences.push({ practitionerId: 'p3', onDate: '2027-04-10', weight: -10 });

  // The same approval gaps as the fairness report sees them (availability for p38 and p39).
  const bounds = { from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-05-31T00:00:00+01:00') };
  const approved = { p38: ['2027-03-22', '2030-12-31'], p39: ['2026-01-01', '2027-04-15'] };
  for (const p of practitioners) {
    const span = approved[/** @type {'p38' | 'p39'} */ (p.id)];
    if (span)
      Object.assign(p, {
        unavailable: unavailablePeriods(
          { approvals: [{ startsOn: span[0], endsOn: span[1], endedOn: null, suspensions: [] }], leave: [] },
          bounds,
          ZONE,
        ),
      });
  }

  return {
    ...bounds,
    shifts,
    practitioners,
    existing,
    leave,
    ineligible,
    preferences,
    policy,
  };
}

/** @type {RotaPolicy} */
const policy = {
  timeZone: ZONE,
  minRestHours: 11,
  maxWeeklyHours: 48,
  referenceWeeks: 17,
  maxConsecutiveNights: 4,
  maxConsecutiveDays: 7,
  weeklyRestHours: 24,
  nightMaxAverageHours: 8,
  nightReferenceWeeks: 17,
};

/**
 * An AMHP's work in the audit: what they had already, and what the plan gives them.
 * @typedef {{ startsAt: Date, endsAt: Date, planned: boolean, shiftId?: string }} Work
 */

/**
 * Independent check of the proposal: every rule, with the rota's own functions and plain loops. An assignment to a
 * shift or an AMHP the facts do not have counts as a hard violation.
 * @param {PlanFacts} facts
 * @param {PlanResult} result
 * @returns {{ hard: number, warnings: number, codes: Record<string, number> }}
 */
function audit(facts, result) {
  const byShift = new Map(facts.shifts.map((s) => [s.id, s]));
  /** @type {Map<string, Work[]>} */
  const all = new Map(
    facts.practitioners.map((p) => [
      p.id,
      facts.existing.filter((e) => e.practitionerId === p.id).map((e) => ({ startsAt: e.startsAt, endsAt: e.endsAt, planned: false })),
    ]),
  );
  let unknown = 0;
  for (const a of result.assignments) {
    const s = byShift.get(a.shiftId);
    const mine = all.get(a.practitionerId);
    if (!s || !mine) unknown++;
    else mine.push({ startsAt: s.startsAt, endsAt: s.endsAt, planned: true, shiftId: a.shiftId });
  }
  let hard = unknown;
  let warnings = 0;
  /** @type {Record<string, number>} */
  const codes = {};
  for (const [, mine] of all) {
    for (const m of mine.filter((x) => x.planned)) {
      for (const f of workingTimeFindings(
        m,
        mine.filter((o) => o !== m),
        facts.policy,
      )) {
        if (f.severity === 'hard') hard++;
        else warnings++;
        codes[f.code] = (codes[f.code] ?? 0) + 1;
      }
    }
  }
  let leaveOrEligibility = 0;
  for (const a of result.assignments) {
    const s = byShift.get(a.shiftId);
    if (!s) continue; // counted above
    if (facts.leave.some((l) => l.practitionerId === a.practitionerId && l.startsAt < s.endsAt && s.startsAt < l.endsAt))
      leaveOrEligibility++;
    if (facts.ineligible.some((i) => i.practitionerId === a.practitionerId && i.shiftId === a.shiftId)) leaveOrEligibility++;
  }
  const overfilled = facts.shifts.filter(
    (s) => s.assigned.length + result.assignments.filter((a) => a.shiftId === s.id).length > s.requiredCount,
  ).length;
  return { hard: hard + leaveOrEligibility + overfilled, warnings, codes };
}

async function main() {
  const facts = hub(SEED);
  const places = facts.shifts.reduce((n, s) => n + s.requiredCount, 0);
  const t0 = process.hrtime.bigint();
  const solve = await inProcessSolver();
  const loaded = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  const result = await plan(facts, solve, { chunkDays: CHUNK_DAYS, timeLimitSeconds: TIME_LIMIT });
  const seconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const check = audit(facts, result);
  const unfilledPlaces = result.unfilled.reduce((n, u) => n + u.missing, 0);
  const skillGaps = result.unfilled.filter((u) => u.missingSkills.length).length;
  const f = result.fairness;
  // The headline spread counts p38 and p39, approved for only part of the quarter; the same over the other 38.
  const partial = new Set(facts.ineligible.map((i) => i.practitionerId));
  const whole = f.people.filter((r) => !partial.has(r.practitionerId)).map((r) => r.hoursPerFte);
  const wholeSpread = Math.round((Math.max(...whole) - Math.min(...whole)) * 100) / 100;
  const out = {
    target: 'P6: 40 AMHPs × 13 weeks × 3 shifts a day, 0 hard-rule violations, < 10 s',
    hub: {
      amhps: facts.practitioners.length,
      fte: f.totals.fte,
      shifts: facts.shifts.length,
      places,
      alreadyAssigned: facts.existing.filter((e) => e.shiftId).length,
      leavePeriods: facts.leave.length,
      preferences: facts.preferences.length,
    },
    options: { seed: SEED, chunkDays: CHUNK_DAYS, timeLimitSeconds: TIME_LIMIT, prior: PRIOR },
    solveSeconds: Math.round(seconds * 100) / 100,
    highsLoadSeconds: Math.round(loaded * 100) / 100,
    solver: result.solver,
    assignments: result.assignments.length,
    hardViolations: check.hard,
    warningFindings: check.warnings,
    droppedByVerification: result.dropped.length,
    unfilledPlaces,
    shiftsMissingASkill: skillGaps,
    fairness: {
      spreadHoursPerAvailableFte: f.spread,
      spreadHoursPerFte: f.spreads.hoursPerFte,
      spreadHoursPerFteApprovedAllPeriod: wholeSpread,
      spreads: f.spreads,
      meanHoursPerFte: f.meanHoursPerFte,
      horizonSpread: f.horizonSpread,
      totals: f.totals,
    },
    unfilledSample: result.unfilled.slice(0, 3).map((u) => u.reason),
  };
  console.log(JSON.stringify(out, null, 2));
  const met = check.hard === 0 && check.warnings === 0 && seconds < 10;
  console.log(
    `\nP6 ${met ? 'MET' : 'MISSED'}: ${seconds.toFixed(2)} s, ${check.hard} hard violations, ${check.warnings} warnings, ${unfilledPlaces} unfilled of ${places} places, ${skillGaps} shifts staffed without a required skill (each with its reason in unfilledSample), spread ${f.spreads.hoursPerFte} h/FTE (${wholeSpread} over the ${whole.length} approved all quarter; ${f.spread} allowing for leave and approval gaps; mean ${f.meanHoursPerFte})`,
  );
  if (!met && env.PLANNER_STRICT === '1') process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
