/**
 * The rota planner. PURE: facts in (shifts, AMHPs, what is already on the rota, leave, eligibility, preferences,
 * policy), a proposal out. It writes a mixed-integer linear programme in CPLEX LP text, hands it to an injected
 * solver (HiGHS: in-process in tests and the bench, in a worker thread in the service) and reads the solution back.
 * No Nest, no ORM, no clock.
 *
 * The model (per chunk of days, see below):
 * - x[p,s] ∈ {0,1} only for pairs that pass the hard rules on their own: eligible for the whole shift (the workforce
 *   rules, given as `ineligible`), not on approved leave, not already on it, no overlap or short rest against what
 *   is fixed, no over-long run of nights or lost weekly rest against what is fixed, within the hours cap;
 * - coverage: Σp x[p,s] + u[s] = required − already assigned, u ≥ 0 the unfilled places (heavily penalised);
 * - skills: for each required skill nobody on the shift has yet, Σ x over holders + k ≥ 1 (k penalised);
 * - rest (WTR reg 10) and overlap: shifts closer than minRestHours conflict. Stretching each shift by the rest
 *   period makes the conflict graph an interval graph, so one row per maximal clique (Σ x ≤ 1) replaces the
 *   pairwise rows x[p,a] + x[p,b] ≤ 1 and gives a tighter relaxation. Fixed assignments remove pairs instead;
 * - consecutive nights (local policy): in every window of maxConsecutiveNights + 1 consecutive local start dates,
 *   nights (fixed ones as constants) ≤ the limit: exactly the rule `workingTimeFindings` applies;
 * - consecutive days (ROTA-DAYS, local policy, hard): in every window of maxConsecutiveDays + 1 consecutive local
 *   dates, dates on which the AMHP starts a shift (fixed ones as constants) ≤ the limit. A date counts by its x's
 *   when at most one of them can be chosen (rest), else by a binary y ≥ each x. Exactly `consecutiveDays`;
 * - weekly hours (WTR reg 4): per AMHP, new hours ≤ min(maxWeeklyHours × FTE × weeks in the period,
 *   maxWeeklyHours × referenceWeeks − the most hours already rostered in any reference window touching the period),
 *   weeks rounded up (a 3-day plan may use a week's hours). APPROXIMATION: the 17-week average is replaced by a cap
 *   over the period. The second term is a guarantee (no reference window can exceed the average, whatever the
 *   placement); the first, scaled by FTE, is the contractual share: stricter than the regulation for part-timers
 *   and for plans shorter than the reference period, looser within the period (a full-timer could be given 96 h in
 *   one week of a fortnight's plan if rest rules allowed);
 * - weekly rest (WTR reg 11, a 24 h break in the 7 days up to each shift's end): not linear in a useful way, so it
 *   is enforced lazily: after each solve, any AMHP whose set of shifts S in a window lacks the break gets the cut
 *   Σ_{s∈S} x ≤ |S| − 1 (valid: adding shifts never lengthens a break) and the chunk is solved again.
 * Objective (minimise): unfilled places (1000 each) and missing skills (500), plus fairness, minus preference weights.
 * Fairness is each AMHP's absolute deviation from their fair share, measured as load: hours (and, more lightly,
 * nights, weekends, bank holidays) per full-time AMHP available all along, over the look-back and the period so far,
 * so that part-timers do proportionally less and people away on leave are not asked to catch up. The fair share is
 * the total so far × their share of capacity (FTE × available days) among those who could do that kind of shift.
 * The penalty is convex in three bands (slopes 1, 3, 9), a piecewise-linear stand-in for a squared deviation: the
 * worst-off are evened out first, which narrows the spread (max − min) that the fairness report shows. A min-max
 * formulation (auxiliary max and min variables) was tried first: its relaxation is weak and HiGHS could not close
 * it within the P6 budget.
 *
 * Decomposition: a 13-week period (~9-11k binaries) is solved in chunks of `chunkDays` (7 by default) in time order;
 * each chunk's result is fixed for the next (carried-over hours, nights, rest). Each solve starts from a greedy fill
 * under the same rules (so a time limit never leaves it worse than greedy) and has a time limit from the budget.
 *
 * Verification: the proposal is checked with `workingTimeFindings` (every finding, hard or warning: a plan never
 * asks to override a working-time rule that its own choices break); an assignment that fails is dropped and
 * reported. 0 violations is guaranteed. The one exception is a warning the shift brings on its own, whoever works it
 * (a shift longer than 24 h less the daily rest leaves no 11 h rest in its 24 hours, WTR-10-24H): such a shift is
 * still planned, and each of its assignments carries the warning for the manager to override at publishing (a
 * reg 21 on-call exception with compensatory rest), as a manual assignment would. Eligibility warnings (`warnings`, e.g. training short) do not block a pair: the assignment carries
 * them, and publishing asks the manager to override each with a reason, as a manual assignment does.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import type { IsoDate } from '../statute/time';
import { FairnessReport, fairnessReport, isWeekend, Unavailable } from './fairness';
import { consecutiveRun, isNight, Period, RotaFinding, RotaPolicy, workingTimeFindings } from './rota.rules';

export interface PlanShift extends Period {
  id: string;
  label: string;
  /** Local date of the start. */
  localDate: IsoDate;
  patternId: string | null;
  requiredCount: number;
  requiredSkills: string[];
  bankHoliday: boolean;
  /** AMHPs already on it (kept). */
  assigned: Array<{ practitionerId: string; skills: string[] }>;
}

export interface PriorLoad {
  /** Rota work in the look-back before the period (fairness carries over). */
  hours: number;
  nights: number;
  weekends: number;
  bankHolidays: number;
  /** Days of the look-back they could be rostered (not on approved leave). */
  availableDays: number;
}

export interface PlanPractitioner {
  id: string;
  fte: number;
  skills: string[];
  displayName?: string;
  prior?: PriorLoad;
  /**
   * When they cannot be rostered in the period besides `leave` (a suspension, no approval in effect), from
   * `unavailablePeriods`: the plan's fairness figures then match GET /rota/fairness.
   */
  unavailable?: Unavailable[];
}

/** An assignment already on the rota (kept as it is), anywhere in time: rest, nights and hours count it. */
export interface ExistingAssignment extends Period {
  practitionerId: string;
  shiftId?: string | null;
  bankHoliday?: boolean;
}

export interface LeavePeriod extends Period {
  practitionerId: string;
  kind: string;
}

/** A pair the workforce eligibility rules refuse (a hard finding). */
export interface Ineligibility {
  practitionerId: string;
  shiftId: string;
  code: string;
  message?: string;
}

/**
 * A pair the workforce eligibility rules allow with warnings only (e.g. training short, AMHP-06): plannable, and an
 * assignment of the pair carries the warnings for the manager to accept when publishing.
 */
export interface EligibilityWarning {
  practitionerId: string;
  shiftId: string;
  findings: RotaFinding[];
}

/** Matches a shift when every given field matches; weight > 0 prefers, < 0 avoids (−10..10). */
export interface Preference {
  practitionerId: string;
  patternId?: string | null;
  weekday?: number | null;
  onDate?: IsoDate | null;
  weight: number;
}

export interface PlanFacts {
  from: Date;
  to: Date;
  /**
   * Shifts starting in [from, to); others are ignored. Those with the same start are taken in the order given here
   * (the order they were made in, as the planner service reads them), never by their random ids.
   */
  shifts: PlanShift[];
  /** In the order given (by name, then the order recorded in), which is each one's place in the model. */
  practitioners: PlanPractitioner[];
  existing: ExistingAssignment[];
  leave: LeavePeriod[];
  ineligible: Ineligibility[];
  /** Pairs eligible with warnings only; absent: none. */
  warnings?: EligibilityWarning[];
  preferences: Preference[];
  policy: RotaPolicy;
}

/**
 * Objective weights. Fairness terms penalise each AMHP's deviation from their fair share (see `balances`), per unit
 * of load (hours, or nights/weekends/bank holidays, per full-time-available AMHP over the period), convexly: the
 * slope is ×1 within `band` of the share, ×3 in the next band, ×9 beyond, so the solver evens out the worst first.
 */
export interface Weights {
  unfilled: number;
  skillMissing: number;
  hours: number;
  nights: number;
  weekends: number;
  bankHolidays: number;
  preference: number;
}

export const DEFAULT_WEIGHTS: Weights = {
  unfilled: 1000,
  skillMissing: 500,
  hours: 1,
  nights: 4,
  weekends: 3,
  bankHolidays: 3,
  preference: 0.8,
};

export interface PlannerOptions {
  /** Budget for all solves together (seconds). */
  timeLimitSeconds?: number;
  /** Days per chunk; 0 solves the whole period at once. */
  chunkDays?: number;
  maxCutRounds?: number;
  mipRelGap?: number;
  weights?: Partial<Weights>;
}

export interface LpSolution {
  Status: string;
  ObjectiveValue?: number;
  Columns?: Record<string, { Primal?: number }>;
}

/** Solves CPLEX LP text (HiGHS), optionally from a starting solution (column name → value). */
export type LpSolve = (
  lp: string,
  options: Record<string, string | number | boolean>,
  start?: Record<string, number>,
) => Promise<LpSolution>;

export interface PlannedAssignment {
  shiftId: string;
  practitionerId: string;
  /** Eligibility warnings of the pair (present only when there are some): publishing needs an override of each. */
  warnings?: RotaFinding[];
}

export interface UnfilledPlace {
  shiftId: string;
  missing: number;
  missingSkills: string[];
  code: 'no-eligible-amhp' | 'working-time' | 'skill-unavailable' | 'solver-limit';
  reason: string;
}

export interface DroppedAssignment extends PlannedAssignment {
  findings: RotaFinding[];
}

export interface SolverSummary {
  status: string;
  seconds: number;
  chunks: number;
  variables: number;
  constraints: number;
  cutRounds: number;
  cuts: number;
  statuses: Record<string, number>;
}

export interface PlanResult {
  assignments: PlannedAssignment[];
  unfilled: UnfilledPlace[];
  dropped: DroppedAssignment[];
  fairness: FairnessReport & { horizonSpread: number };
  solver: SolverSummary;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayNumber = (d: IsoDate) => Math.round(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY);
const num = (n: number) => String(Math.round(n * 1e6) / 1e6);

interface Shift extends PlanShift {
  index: number;
  hours: number;
  night: boolean;
  weekend: boolean;
  weekday: number;
  day: number;
  need: number;
}

interface Busy extends Period {
  /** Index of the period shift when planned by us (or an existing assignment on a period shift). */
  shift?: number;
  planned: boolean;
  night: boolean;
  day: number;
}

interface Load {
  hours: number;
  nights: number;
  weekends: number;
  bankHolidays: number;
}

interface Candidate {
  p: number;
  s: number;
  name: string;
}

/** The longest uninterrupted break in the 7 days up to `c`'s end, as `workingTimeFindings` measures it. */
function longestWeeklyBreak(busy: Period[], c: Period): number {
  const weekStart = c.endsAt.getTime() - 7 * DAY;
  let cursor = weekStart;
  let longest = 0;
  for (const b of busy) {
    if (b.endsAt.getTime() <= weekStart || b.startsAt > c.endsAt) continue;
    longest = Math.max(longest, b.startsAt.getTime() - cursor);
    cursor = Math.max(cursor, b.endsAt.getTime());
  }
  return Math.max(longest, c.endsAt.getTime() - cursor);
}

function insertSorted(list: Busy[], b: Busy): void {
  let i = list.length;
  while (i > 0 && list[i - 1].startsAt > b.startsAt) i--;
  list.splice(i, 0, b);
}

/** Hours of `items` inside [start, end). */
function hoursWithin(items: Period[], start: number, end: number): number {
  return items.reduce((sum, p) => sum + Math.max(0, Math.min(end, p.endsAt.getTime()) - Math.max(start, p.startsAt.getTime())), 0) / HOUR;
}

/** The most hours already rostered in any reference window (referenceWeeks long) that overlaps [from, to). */
function maxWindowHours(items: Period[], from: number, to: number, window: number): number {
  if (!items.length) return 0;
  const starts = new Set<number>([from - window, to - 1]);
  for (const p of items) {
    starts.add(p.startsAt.getTime());
    starts.add(p.endsAt.getTime() - window);
  }
  let best = 0;
  for (const s of starts) {
    const clamped = Math.min(Math.max(s, from - window), to - 1);
    best = Math.max(best, hoursWithin(items, clamped, clamped + window));
  }
  return best;
}

export async function plan(facts: PlanFacts, solve: LpSolve, options: PlannerOptions = {}): Promise<PlanResult> {
  const started = Date.now();
  const { policy } = facts;
  const zone = policy.timeZone;
  const W: Weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  const budget = (options.timeLimitSeconds ?? 8) * 1000;
  const chunkDays = options.chunkDays ?? 7;
  const maxCutRounds = options.maxCutRounds ?? 6;
  const rest = policy.minRestHours * HOUR;
  const maxNights = policy.maxConsecutiveNights;
  const maxDays = policy.maxConsecutiveDays;
  const from = facts.from.getTime();
  const to = facts.to.getTime();
  const periodDays = (to - from) / DAY;

  // Shifts in the period, in time order (a stable sort: those with one start in the order given), with what the rules
  // need to know about each.
  const shifts: Shift[] = facts.shifts
    .filter((s) => s.startsAt.getTime() >= from && s.startsAt.getTime() < to)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
    .map((s, index) => ({
      ...s,
      index,
      hours: (s.endsAt.getTime() - s.startsAt.getTime()) / HOUR,
      night: isNight(s, zone),
      weekend: isWeekend(s, zone),
      weekday: DateTime.fromISO(s.localDate, { zone: 'UTC' }).weekday,
      day: dayNumber(s.localDate),
      need: Math.max(0, s.requiredCount - s.assigned.length),
    }));
  const shiftById = new Map(shifts.map((s) => [s.id, s]));
  const people = facts.practitioners;
  const nP = people.length;
  const nS = shifts.length;
  const personIndex = new Map(people.map((p, i) => [p.id, i]));

  // Pairs refused on their own, whatever else is planned: ineligible, on leave, already on the shift.
  const blocked = new Map<number, string>();
  const key = (p: number, s: number) => p * nS + s;
  for (const i of facts.ineligible) {
    const p = personIndex.get(i.practitionerId);
    const s = shiftById.get(i.shiftId);
    if (p !== undefined && s && !blocked.has(key(p, s.index))) blocked.set(key(p, s.index), `ineligible:${i.code}`);
  }
  // What each shift brings on its own, whoever works it (e.g. WTR-10-24H on a shift longer than 13 h): carried.
  const ownFindings = shifts.map((s) => workingTimeFindings(s, [], policy).filter((f) => f.severity === 'warning'));
  const warningsOf = new Map<number, RotaFinding[]>();
  for (const w of facts.warnings ?? []) {
    const p = personIndex.get(w.practitionerId);
    const s = shiftById.get(w.shiftId);
    if (p !== undefined && s && w.findings.length)
      warningsOf.set(key(p, s.index), [...(warningsOf.get(key(p, s.index)) ?? []), ...w.findings]);
  }
  for (const l of facts.leave) {
    const p = personIndex.get(l.practitionerId);
    if (p === undefined) continue;
    for (const s of shifts) if (s.startsAt < l.endsAt && l.startsAt < s.endsAt) blocked.set(key(p, s.index), 'on-leave');
  }
  for (const s of shifts) {
    for (const a of s.assigned) {
      const p = personIndex.get(a.practitionerId);
      if (p !== undefined) blocked.set(key(p, s.index), 'already-on-shift');
    }
  }

  // What is fixed per AMHP (existing assignments, then each chunk's result), and their load so far.
  const fixed: Busy[][] = people.map(() => []);
  const existingOf: Busy[][] = people.map(() => []);
  const load: Load[] = people.map((p) => ({
    hours: p.prior?.hours ?? 0,
    nights: p.prior?.nights ?? 0,
    weekends: p.prior?.weekends ?? 0,
    bankHolidays: p.prior?.bankHolidays ?? 0,
  }));
  for (const e of facts.existing) {
    const p = personIndex.get(e.practitionerId);
    if (p === undefined) continue;
    const onShift = e.shiftId ? shiftById.get(e.shiftId) : undefined;
    const night = onShift ? onShift.night : isNight(e, zone);
    const b: Busy = {
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      planned: false,
      night,
      day: dayNumber(DateTime.fromJSDate(e.startsAt, { zone }).toISODate()!),
      shift: onShift?.index,
    };
    insertSorted(fixed[p], b);
    insertSorted(existingOf[p], b);
    if (e.startsAt.getTime() >= from && e.startsAt.getTime() < to) {
      load[p].hours += (e.endsAt.getTime() - e.startsAt.getTime()) / HOUR;
      if (night) load[p].nights += 1;
      if (onShift ? onShift.weekend : isWeekend(e, zone)) load[p].weekends += 1;
      if (onShift ? onShift.bankHoliday : e.bankHoliday) load[p].bankHolidays += 1;
    }
  }

  // Fairness capacity. Load is hours per full-time AMHP available all along: hours × scale, where scale = days ÷ (FTE × days they
  // could be rostered). Up to each chunk's end only, so that someone whose approval ends mid-period does their
  // share while they can rather than being saved for a time they will not be there.
  const openPrefix = people.map((_, p) => {
    const prefix = [0];
    for (const s of shifts) {
      const why = blocked.get(key(p, s.index));
      prefix.push(prefix[prefix.length - 1] + (why && why !== 'already-on-shift' ? 0 : s.hours));
    }
    return prefix;
  });
  const totalPrefix = [0];
  for (const s of shifts) totalPrefix.push(totalPrefix[totalPrefix.length - 1] + s.hours);
  let scale: number[] = [];
  let active: boolean[] = [];
  const setScale = (upTo: number, days: number) => {
    scale = people.map((person, p) => {
      const fraction = totalPrefix[upTo] > 0 ? openPrefix[p][upTo] / totalPrefix[upTo] : 1;
      const capacity = person.fte * ((person.prior?.availableDays ?? 0) + days * fraction);
      return capacity > 0 ? days / capacity : 0;
    });
    active = scale.map((x) => x > 0);
  };
  setScale(nS, periodDays);

  // Weekly hours cap over the period (see the header for the approximation).
  const weeks = periodDays / 7;
  const referenceWindow = policy.referenceWeeks * 7 * DAY;
  const remainingCap = people.map((person, p) => {
    const contractual = policy.maxWeeklyHours * person.fte * Math.max(1, Math.ceil(weeks - 1e-9));
    const regulation = policy.maxWeeklyHours * policy.referenceWeeks - maxWindowHours(existingOf[p], from, to, referenceWindow);
    return Math.max(0, Math.min(contractual, regulation));
  });

  const prefsByPerson: Preference[][] = people.map(() => []);
  for (const pref of facts.preferences) {
    const p = personIndex.get(pref.practitionerId);
    if (p !== undefined) prefsByPerson[p].push(pref);
  }
  const preferenceOf = (p: number, s: Shift): number => {
    let w = 0;
    for (const pref of prefsByPerson[p]) {
      if (pref.patternId && pref.patternId !== s.patternId) continue;
      if (pref.weekday && pref.weekday !== s.weekday) continue;
      if (pref.onDate && pref.onDate !== s.localDate) continue;
      w += pref.weight;
    }
    return w;
  };

  /** Why p cannot take s given what is fixed now (null: they can). */
  const dynamicBlock = (p: number, s: Shift): string | null => {
    const mine = fixed[p];
    for (const b of mine) {
      if (b.endsAt.getTime() + rest <= s.startsAt.getTime()) continue;
      if (b.startsAt.getTime() >= s.endsAt.getTime() + rest) break;
      return 'rest';
    }
    if (remainingCap[p] + 1e-9 < s.hours) return 'hours-cap';
    if (s.night) {
      const nightDays = new Set(mine.filter((b) => b.night).map((b) => b.day));
      let run = 1;
      for (let d = s.day - 1; nightDays.has(d); d--) run++;
      for (let d = s.day + 1; nightDays.has(d); d++) run++;
      if (run > maxNights) return 'consecutive-nights';
    }
    // ROTA-DAYS: the rule the assignment checks apply (`consecutiveDays` counts local dates the same way).
    if (consecutiveRun(s.day, new Set(mine.map((b) => b.day))) > maxDays) return 'consecutive-days';
    const withS: Busy[] = [...mine];
    insertSorted(withS, { startsAt: s.startsAt, endsAt: s.endsAt, planned: true, night: s.night, day: s.day, shift: s.index });
    if (longestWeeklyBreak(withS, s) < policy.weeklyRestHours * HOUR) return 'weekly-rest';
    // Adding s must not take away the weekly break of a fixed shift ending in the 7 days after s starts.
    for (const b of mine) {
      const end = b.endsAt.getTime();
      if (end < s.startsAt.getTime() || end - 7 * DAY >= s.endsAt.getTime()) continue;
      if (longestWeeklyBreak(withS, b) < policy.weeklyRestHours * HOUR && longestWeeklyBreak(mine, b) >= policy.weeklyRestHours * HOUR)
        return 'weekly-rest';
    }
    return null;
  };

  // Fairness: each AMHP's fair share of hours, nights, weekends and bank holidays, up to the end of each chunk, is
  // the total so far (prior, existing, planned, and this chunk's places) × their share of capacity among those who
  // could do that kind of shift at all (holding the skills a shift requires, or the shift having places beyond its
  // skill requirements; never refused it by leave or eligibility for the whole period).
  interface Balance {
    tag: string;
    weight: number;
    band: number;
    amount: (s: Shift) => number;
    of: (l: Load) => number;
    capable: boolean[];
  }
  const capableOf = (amount: (s: Shift) => number) =>
    people.map((person, p) =>
      shifts.some((s) => {
        if (!amount(s)) return false;
        const why = blocked.get(key(p, s.index));
        if (why && why !== 'already-on-shift') return false;
        return s.requiredCount > s.requiredSkills.length || s.requiredSkills.every((k) => person.skills.includes(k));
      }),
    );
  const kinds: Array<Omit<Balance, 'capable'>> = [
    { tag: 'h', weight: W.hours, band: 8, amount: (s) => s.hours, of: (l) => l.hours },
    { tag: 'n', weight: W.nights, band: 1, amount: (s) => (s.night ? 1 : 0), of: (l) => l.nights },
    { tag: 'w', weight: W.weekends, band: 1, amount: (s) => (s.weekend ? 1 : 0), of: (l) => l.weekends },
    { tag: 'b', weight: W.bankHolidays, band: 1, amount: (s) => (s.bankHoliday ? 1 : 0), of: (l) => l.bankHolidays },
  ];
  const balances: Balance[] = kinds.filter((b) => b.weight > 0).map((b) => ({ ...b, capable: capableOf(b.amount) }));
  /** Convex penalty of a deviation from the fair share (in load units). */
  const penalty = (b: Balance, d: number) => {
    const a = Math.abs(d);
    return b.weight * (Math.min(a, b.band) + 3 * Math.min(Math.max(0, a - b.band), b.band) + 9 * Math.max(0, a - 2 * b.band));
  };
  /** Fair shares (in units of the balance, not load) for this chunk, before it is filled. */
  const fairShares = (chunk: Shift[], candidates: Candidate[]): Array<Map<number, number>> => {
    const candidatesOf = new Map<number, number>();
    for (const c of candidates) candidatesOf.set(c.s, (candidatesOf.get(c.s) ?? 0) + 1);
    return balances.map((b) => {
      const members = people.map((_, p) => p).filter((p) => active[p] && b.capable[p]);
      const capacity = members.reduce((sum, p) => sum + 1 / scale[p], 0);
      const demand = chunk.reduce((sum, s) => sum + b.amount(s) * Math.min(s.need, candidatesOf.get(s.index) ?? 0), 0);
      const total = members.reduce((sum, p) => sum + b.of(load[p]), 0) + demand;
      return new Map(members.map((p) => [p, capacity > 0 ? (total * (1 / scale[p])) / capacity : 0]));
    });
  };

  // Chunks of days, solved in time order.
  const chunks: Shift[][] = [];
  if (shifts.length) {
    const first = shifts[0].day;
    for (const s of shifts) {
      const c = chunkDays > 0 ? Math.floor((s.day - first) / chunkDays) : 0;
      (chunks[c] ??= []).push(s);
    }
  }
  const planned: Array<{ p: number; s: number }> = [];
  const summary: SolverSummary = {
    status: 'Optimal',
    seconds: 0,
    chunks: 0,
    variables: 0,
    constraints: 0,
    cutRounds: 0,
    cuts: 0,
    statuses: {},
  };
  const nonEmpty = chunks.filter((c) => c && c.length);

  for (let ci = 0; ci < nonEmpty.length; ci++) {
    const chunk = nonEmpty[ci];
    const last = chunk[chunk.length - 1];
    setScale(last.index + 1, Math.min(periodDays, Math.max(1, (last.endsAt.getTime() - from) / DAY)));
    const candidates: Candidate[] = [];
    for (const s of chunk) {
      if (s.need === 0) continue;
      for (let p = 0; p < nP; p++) {
        if (blocked.has(key(p, s.index)) || dynamicBlock(p, s)) continue;
        candidates.push({ p, s: s.index, name: `x${p}_${s.index}` });
      }
    }
    if (!candidates.length) continue;
    const shares = fairShares(chunk, candidates);
    const model = buildModel(candidates, shares);
    // A greedy fill (fewest candidates first, cheapest first) is a feasible start: the MIP only improves on it.
    const greedy = greedyFill(chunk, candidates, shares);
    const start: Record<string, number> = {};
    for (const c of candidates) start[c.name] = greedy.has(c.name) ? 1 : 0;
    const cuts: string[] = [];
    const cutKeys = new Set<string>();
    let chosen: Candidate[];
    for (let round = 0; ; round++) {
      const remaining = budget * 0.9 - (Date.now() - started); // the rest is for verification
      const chunksLeft = nonEmpty.length - ci;
      const limit = Math.max(0.3, remaining / 1000 / chunksLeft / (round === 0 ? 1 : 2));
      const lp = model.text(cuts);
      const result = await solve(
        lp,
        { output_flag: false, time_limit: limit, mip_rel_gap: options.mipRelGap ?? 0.01, random_seed: 1 },
        start,
      );
      summary.statuses[result.Status] = (summary.statuses[result.Status] ?? 0) + 1;
      if (round === 0) {
        summary.chunks += 1;
        summary.variables += model.variables;
        summary.constraints += model.constraints;
      }
      const cols = result.Columns;
      // No solution in time (cannot happen with a start, but a solver may refuse one): keep the greedy fill.
      chosen = cols ? candidates.filter((c) => (cols[c.name]?.Primal ?? 0) > 0.5) : candidates.filter((c) => greedy.has(c.name));
      const newCuts = weeklyRestCuts(chosen).filter((c) => !cutKeys.has(c));
      if (!newCuts.length || round >= maxCutRounds) break;
      for (const c of newCuts) {
        cutKeys.add(c);
        cuts.push(`wr${cuts.length}: ${c}`);
      }
      summary.cutRounds += 1;
      summary.cuts += newCuts.length;
    }
    for (const c of chosen) commit(c.p, shifts[c.s]);
  }

  setScale(nS, periodDays);
  // Verification with the rota's own rules: every planned assignment against everything else of that AMHP.
  const dropped = verify();

  // Unfilled places, with the reason.
  const placed = new Map<number, number[]>();
  for (const a of planned) (placed.get(a.s) ?? placed.set(a.s, []).get(a.s)!).push(a.p);
  const unfilled: UnfilledPlace[] = [];
  for (const s of shifts) {
    const filledBy = placed.get(s.index) ?? [];
    const missing = Math.max(0, s.need - filledBy.length);
    const onShift = [...s.assigned.map((a) => a.skills), ...filledBy.map((p) => people[p].skills)];
    const missingSkills = s.requiredSkills.filter((k) => !onShift.some((skills) => skills.includes(k)));
    if (!missing && !missingSkills.length) continue;
    unfilled.push(explain(s, missing, missingSkills, filledBy));
  }

  // The report's figures come from the same computation as GET /rota/fairness: leave, suspensions and approval gaps.
  const report = fairnessReport(
    people.map((person) => ({
      id: person.id,
      fte: person.fte,
      unavailable: [
        ...(person.unavailable ?? []),
        ...facts.leave
          .filter((l) => l.practitionerId === person.id)
          .map((l) => ({ startsAt: l.startsAt, endsAt: l.endsAt, reason: 'leave' as const })),
      ],
      ...(person.displayName ? { displayName: person.displayName } : {}),
    })),
    [
      ...people.flatMap((_, p) =>
        existingOf[p]
          .filter((b) => b.startsAt.getTime() >= from && b.startsAt.getTime() < to)
          .map((b) => ({
            practitionerId: people[p].id,
            startsAt: b.startsAt,
            endsAt: b.endsAt,
            night: b.night,
            weekend: b.shift !== undefined ? shifts[b.shift].weekend : isWeekend(b, zone),
            bankHoliday: b.shift !== undefined ? shifts[b.shift].bankHoliday : false,
          })),
      ),
      ...planned.map((a) => ({
        practitionerId: people[a.p].id,
        startsAt: shifts[a.s].startsAt,
        endsAt: shifts[a.s].endsAt,
        night: shifts[a.s].night,
        weekend: shifts[a.s].weekend,
        bankHoliday: shifts[a.s].bankHoliday,
      })),
    ],
    zone,
    { from: facts.from, to: facts.to },
  );
  const horizonLoads = people.map((_, p) => load[p].hours * scale[p]).filter((_, p) => active[p]);
  const horizonSpread = horizonLoads.length ? Math.round((Math.max(...horizonLoads) - Math.min(...horizonLoads)) * 100) / 100 : 0;

  const statuses = Object.keys(summary.statuses);
  summary.status = !statuses.length
    ? 'Nothing to solve'
    : statuses.every((s) => s === 'Optimal')
      ? 'Optimal'
      : statuses.filter((s) => s !== 'Optimal').join(', ');
  summary.seconds = Math.round((Date.now() - started) / 10) / 100;
  return {
    assignments: planned.map((a) => {
      const warned = [...(warningsOf.get(key(a.p, a.s)) ?? []), ...ownFindings[a.s]];
      return { shiftId: shifts[a.s].id, practitionerId: people[a.p].id, ...(warned.length ? { warnings: warned } : {}) };
    }),
    unfilled,
    dropped,
    fairness: { ...report, horizonSpread },
    solver: summary,
  };

  // ---- helpers (closures over the facts above) ----

  function commit(p: number, s: Shift): void {
    insertSorted(fixed[p], { startsAt: s.startsAt, endsAt: s.endsAt, planned: true, night: s.night, day: s.day, shift: s.index });
    remainingCap[p] -= s.hours;
    load[p].hours += s.hours;
    if (s.night) load[p].nights += 1;
    if (s.weekend) load[p].weekends += 1;
    if (s.bankHoliday) load[p].bankHolidays += 1;
    planned.push({ p, s: s.index });
  }

  function uncommit(p: number, s: Shift): void {
    const i = fixed[p].findIndex((b) => b.planned && b.shift === s.index);
    if (i >= 0) fixed[p].splice(i, 1);
    remainingCap[p] += s.hours;
    load[p].hours -= s.hours;
    if (s.night) load[p].nights -= 1;
    if (s.weekend) load[p].weekends -= 1;
    if (s.bankHoliday) load[p].bankHolidays -= 1;
    const j = planned.findIndex((a) => a.p === p && a.s === s.index);
    if (j >= 0) planned.splice(j, 1);
  }

  /** Fills the chunk greedily under the same rules (the weekly break included); leaves the state as it was. */
  function greedyFill(chunk: Shift[], candidates: Candidate[], shares: Array<Map<number, number>>): Set<string> {
    const byShift = new Map<number, Candidate[]>();
    for (const c of candidates) (byShift.get(c.s) ?? byShift.set(c.s, []).get(c.s)!).push(c);
    const order = chunk
      .filter((s) => byShift.has(s.index))
      .sort(
        (a, b) =>
          byShift.get(a.index)!.length / a.need - byShift.get(b.index)!.length / b.need || a.startsAt.getTime() - b.startsAt.getTime(),
      );
    const taken: Candidate[] = [];
    for (const s of order) {
      const held = s.assigned.map((a) => a.skills);
      const onIt = new Set<number>();
      for (let place = 0; place < s.need; place++) {
        const wanted = s.requiredSkills.filter((k) => !held.some((h) => h.includes(k)));
        const pool = byShift.get(s.index)!.filter((c) => !onIt.has(c.p) && !dynamicBlock(c.p, s));
        if (!pool.length) break;
        const skilled = pool.filter((c) => wanted.some((k) => people[c.p].skills.includes(k)));
        // The objective's own marginal cost of giving s to p.
        const score = (c: Candidate) => {
          const p = c.p;
          let cost = -W.preference * preferenceOf(p, s);
          balances.forEach((b, i) => {
            const share = shares[i].get(p);
            const amount = b.amount(s);
            if (share === undefined || !amount) return;
            const d = scale[p] * (b.of(load[p]) - share);
            cost += penalty(b, d + scale[p] * amount) - penalty(b, d);
          });
          return cost;
        };
        const best = (skilled.length ? skilled : pool).reduce((a, b) => (score(b) < score(a) ? b : a));
        commit(best.p, s);
        onIt.add(best.p);
        held.push(people[best.p].skills);
        taken.push(best);
      }
    }
    for (const c of taken) uncommit(c.p, shifts[c.s]);
    return new Set(taken.map((c) => c.name));
  }

  /** Cuts for AMHPs whose chosen shifts (with what is fixed) leave no weekly break in some 7-day window. */
  function weeklyRestCuts(chosen: Candidate[]): string[] {
    const out: string[] = [];
    const byPerson = new Map<number, Candidate[]>();
    for (const c of chosen) (byPerson.get(c.p) ?? byPerson.set(c.p, []).get(c.p)!).push(c);
    const need = policy.weeklyRestHours * HOUR;
    for (const [p, mine] of byPerson) {
      const busy: Array<Busy & { name?: string }> = [...fixed[p]];
      for (const c of mine)
        insertSorted(busy, {
          startsAt: shifts[c.s].startsAt,
          endsAt: shifts[c.s].endsAt,
          planned: true,
          night: shifts[c.s].night,
          day: shifts[c.s].day,
          shift: c.s,
          name: c.name,
        } as Busy);
      for (const b of busy) {
        const weekStart = b.endsAt.getTime() - 7 * DAY;
        const inWindow = mine.filter((c) => shifts[c.s].endsAt.getTime() > weekStart && shifts[c.s].startsAt <= b.endsAt);
        if (!inWindow.length) continue;
        if (longestWeeklyBreak(busy, b) >= need) continue;
        const own = (b as { name?: string }).name;
        if (!own && longestWeeklyBreak(fixed[p], b) < need) continue; // already short before this chunk: not ours
        out.push(`${inWindow.map((c) => c.name).join(' + ')} <= ${inWindow.length - 1}`);
      }
    }
    return [...new Set(out)];
  }

  function buildModel(
    candidates: Candidate[],
    shares: Array<Map<number, number>>,
  ): { text: (cuts: string[]) => string; variables: number; constraints: number } {
    const objective = new Map<string, number>();
    const addObj = (name: string, coef: number) => objective.set(name, (objective.get(name) ?? 0) + coef);
    const rows: string[] = [];
    const bounds: string[] = [];
    const dayBinaries: string[] = [];
    const row = (terms: Array<[string, number]>, sense: '<=' | '>=' | '=', rhs: number) => {
      const body = terms.filter(([, c]) => c !== 0).map(([n, c], i) => `${c < 0 ? '-' : i ? '+' : ''} ${num(Math.abs(c))} ${n}`);
      const lines: string[] = [];
      for (let i = 0; i < body.length; i += 12) lines.push(body.slice(i, i + 12).join(' '));
      rows.push(`c${rows.length}: ${lines.join('\n  ')} ${sense} ${num(rhs)}`);
    };
    const byShift = new Map<number, Candidate[]>();
    const byPerson = new Map<number, Candidate[]>();
    for (const c of candidates) {
      (byShift.get(c.s) ?? byShift.set(c.s, []).get(c.s)!).push(c);
      (byPerson.get(c.p) ?? byPerson.set(c.p, []).get(c.p)!).push(c);
    }

    // Coverage and skills.
    for (const [si, cs] of byShift) {
      const s = shifts[si];
      row([...cs.map((c): [string, number] => [c.name, 1]), [`u${si}`, 1]], '=', s.need);
      addObj(`u${si}`, W.unfilled);
      const held = s.assigned.map((a) => a.skills);
      s.requiredSkills.forEach((skill, j) => {
        if (held.some((h) => h.includes(skill))) return;
        const holders = cs.filter((c) => people[c.p].skills.includes(skill));
        if (!holders.length) return;
        row([...holders.map((c): [string, number] => [c.name, 1]), [`k${si}_${j}`, 1]], '>=', 1);
        addObj(`k${si}_${j}`, W.skillMissing);
      });
    }

    for (const [p, cs] of byPerson) {
      const mine = [...cs].sort((a, b) => shifts[a.s].startsAt.getTime() - shifts[b.s].startsAt.getTime());
      // Rest and overlap: maximal cliques of the interval graph of [start, end + rest).
      let activeSet: Candidate[] = [];
      let pending = false;
      for (const c of mine) {
        const t = shifts[c.s].startsAt.getTime();
        const still = activeSet.filter((a) => shifts[a.s].endsAt.getTime() + rest > t);
        if (still.length < activeSet.length && pending && activeSet.length > 1)
          row(
            activeSet.map((a): [string, number] => [a.name, 1]),
            '<=',
            1,
          );
        activeSet = [...still, c];
        pending = true;
      }
      if (activeSet.length > 1)
        row(
          activeSet.map((a): [string, number] => [a.name, 1]),
          '<=',
          1,
        );

      // Consecutive nights: every window of maxNights + 1 local dates.
      const nights = mine.filter((c) => shifts[c.s].night);
      if (nights.length) {
        const fixedNightDays = new Set(fixed[p].filter((b) => b.night).map((b) => b.day));
        const first = Math.min(...nights.map((c) => shifts[c.s].day));
        const last = Math.max(...nights.map((c) => shifts[c.s].day));
        for (let w = first - maxNights; w <= last; w++) {
          const inWindow = nights.filter((c) => shifts[c.s].day >= w && shifts[c.s].day <= w + maxNights);
          if (!inWindow.length) continue;
          let constant = 0;
          for (let d = w; d <= w + maxNights; d++) if (fixedNightDays.has(d)) constant++;
          const varDays = new Set(inWindow.map((c) => shifts[c.s].day)).size;
          if (constant + varDays <= maxNights) continue;
          row(
            inWindow.map((c): [string, number] => [c.name, 1]),
            '<=',
            Math.max(0, maxNights - constant),
          );
        }
      }

      // Consecutive days (ROTA-DAYS): every window of maxDays + 1 local dates.
      const fixedDays = new Set(fixed[p].map((b) => b.day));
      const openDays = new Map<number, Candidate[]>();
      for (const c of mine) {
        const d = shifts[c.s].day;
        if (!fixedDays.has(d)) (openDays.get(d) ?? openDays.set(d, []).get(d)!).push(c);
      }
      if (openDays.size) {
        // Whether a date is worked, as linear terms: the x's themselves when at most one of them can be chosen (one
        // candidate, or every pair closer than the rest period); otherwise a binary y ≥ each x.
        const dayTerms = new Map<number, Array<[string, number]>>();
        const dayOf = (d: number): Array<[string, number]> => {
          const known = dayTerms.get(d);
          if (known) return known;
          const cs = openDays.get(d)!;
          const apart = (a: Candidate, b: Candidate) =>
            shifts[a.s].endsAt.getTime() + rest <= shifts[b.s].startsAt.getTime() ||
            shifts[b.s].endsAt.getTime() + rest <= shifts[a.s].startsAt.getTime();
          const several = cs.some((a, i) => cs.some((b, j) => j > i && apart(a, b)));
          let terms: Array<[string, number]> = cs.map((c) => [c.name, 1]);
          if (several) {
            const y = `dy${p}_${d}`;
            dayBinaries.push(y);
            for (const c of cs)
              row(
                [
                  [c.name, 1],
                  [y, -1],
                ],
                '<=',
                0,
              );
            terms = [[y, 1]];
          }
          dayTerms.set(d, terms);
          return terms;
        };
        const first = Math.min(...openDays.keys());
        const last = Math.max(...openDays.keys());
        for (let w = first - maxDays; w <= last; w++) {
          const open: number[] = [];
          let constant = 0;
          for (let d = w; d <= w + maxDays; d++) {
            if (fixedDays.has(d)) constant++;
            else if (openDays.has(d)) open.push(d);
          }
          if (!open.length || constant + open.length <= maxDays) continue;
          row(
            open.flatMap((d) => dayOf(d)),
            '<=',
            Math.max(0, maxDays - constant),
          );
        }
      }

      // Weekly hours cap.
      const total = mine.reduce((sum, c) => sum + shifts[c.s].hours, 0);
      if (total > remainingCap[p] + 1e-9)
        row(
          mine.map((c): [string, number] => [c.name, shifts[c.s].hours]),
          '<=',
          remainingCap[p],
        );

      // Preferences.
      for (const c of mine) {
        const w = preferenceOf(p, shifts[c.s]);
        if (w) addObj(c.name, -W.preference * w);
      }
    }

    // Fairness: each AMHP's deviation from their fair share, o − v, in three convex bands.
    balances.forEach((b, i) => {
      for (const [p, share] of shares[i]) {
        const terms = (byPerson.get(p) ?? [])
          .filter((c) => b.amount(shifts[c.s]) > 0)
          .map((c): [string, number] => [c.name, scale[p] * b.amount(shifts[c.s])]);
        if (!terms.length) continue;
        const o = [1, 2, 3].map((k) => `${b.tag}o${p}_${k}`);
        const v = [1, 2, 3].map((k) => `${b.tag}v${p}_${k}`);
        row(
          [...terms, ...o.map((n): [string, number] => [n, -1]), ...v.map((n): [string, number] => [n, 1])],
          '=',
          scale[p] * (share - b.of(load[p])),
        );
        [1, 3, 9].forEach((slope, k) => {
          addObj(o[k], b.weight * slope);
          addObj(v[k], b.weight * slope);
        });
        for (const n of [o[0], o[1], v[0], v[1]]) bounds.push(`0 <= ${n} <= ${num(b.band)}`);
      }
    });

    const objTerms = [...objective].filter(([, c]) => c !== 0).map(([n, c], i) => `${c < 0 ? '-' : i ? '+' : ''} ${num(Math.abs(c))} ${n}`);
    const objLines: string[] = [];
    for (let i = 0; i < objTerms.length; i += 12) objLines.push(objTerms.slice(i, i + 12).join(' '));
    const binaries: string[] = [];
    const binaryNames = [...candidates.map((c) => c.name), ...dayBinaries];
    for (let i = 0; i < binaryNames.length; i += 20) binaries.push(binaryNames.slice(i, i + 20).join(' '));
    const body = rows.join('\n');
    return {
      variables: candidates.length + dayBinaries.length,
      constraints: rows.length,
      text: (cuts) =>
        [
          'Minimize',
          ` obj: ${objLines.join('\n  ') || '0 ' + candidates[0].name}`,
          'Subject To',
          body,
          ...cuts,
          'Bounds',
          ...bounds,
          'Binary',
          ...binaries,
          'End',
          '',
        ].join('\n'),
    };
  }

  /** Drops planned assignments that the rota's own working-time rules refuse; returns them with the findings. */
  function verify(): DroppedAssignment[] {
    const out: DroppedAssignment[] = [];
    const reach = (policy.referenceWeeks * 7 + 1) * DAY;
    const touched = [...new Set(planned.map((a) => a.p))];
    for (const p of touched) {
      for (let guard = 0; guard < 1000; guard++) {
        const all = fixed[p];
        let worst: { s: number; findings: RotaFinding[] } | null = null;
        for (const b of all) {
          const near = (x: Period) =>
            x.endsAt.getTime() > b.startsAt.getTime() - reach && x.startsAt.getTime() < b.endsAt.getTime() + reach;
          if (b.planned) {
            const own = new Set(ownFindings[b.shift!].map((f) => f.code));
            const findings = workingTimeFindings(
              b,
              all.filter((o) => o !== b && near(o)),
              policy,
            ).filter((f) => !own.has(f.code));
            if (findings.length && (!worst || findings.length > worst.findings.length)) worst = { s: b.shift!, findings };
          } else if (b.endsAt.getTime() > from - 8 * DAY && b.startsAt.getTime() < to + 8 * DAY) {
            // An existing assignment must not gain a finding because of the plan.
            const before = new Set(
              workingTimeFindings(
                b,
                existingOf[p].filter((o) => o !== b && near(o)),
                policy,
              ).map((f) => f.code),
            );
            const extra = workingTimeFindings(
              b,
              all.filter((o) => o !== b && near(o)),
              policy,
            ).filter((f) => !before.has(f.code));
            if (extra.length && !worst) {
              const culprit = all
                .filter((o) => o.planned)
                .sort(
                  (x, y) => Math.abs(x.startsAt.getTime() - b.startsAt.getTime()) - Math.abs(y.startsAt.getTime() - b.startsAt.getTime()),
                )[0];
              if (culprit) worst = { s: culprit.shift!, findings: extra };
            }
          }
        }
        if (!worst) break;
        uncommit(p, shifts[worst.s]);
        out.push({ shiftId: shifts[worst.s].id, practitionerId: people[p].id, findings: worst.findings });
      }
    }
    return out;
  }

  function explain(s: Shift, missing: number, missingSkills: string[], filledBy: number[]): UnfilledPlace {
    const counts = new Map<string, number>();
    for (let p = 0; p < nP; p++) {
      if (filledBy.includes(p)) continue;
      const why = blocked.get(key(p, s.index)) ?? dynamicBlock(p, s) ?? 'available';
      const label = why.startsWith('ineligible:') ? 'ineligible' : why;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const phrases: Record<string, string> = {
      'already-on-shift': 'already on it',
      'on-leave': 'on approved leave',
      ineligible: 'not eligible for the whole shift (approval, registration or training)',
      rest: `already on a shift less than ${policy.minRestHours} h away`,
      'hours-cap': 'at their hours cap for the period',
      'consecutive-nights': `at the limit of ${maxNights} consecutive nights`,
      'consecutive-days': `at the limit of ${maxDays} consecutive days`,
      'weekly-rest': `would lose their ${policy.weeklyRestHours} h weekly rest`,
      available: 'free but not placed',
    };
    const considered = nP - filledBy.length;
    const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${phrases[k] ?? k}`);
    const free = counts.get('available') ?? 0;
    const statics = (counts.get('already-on-shift') ?? 0) + (counts.get('on-leave') ?? 0) + (counts.get('ineligible') ?? 0);
    const skillText = missingSkills.length ? ` No AMHP with ${missingSkills.map((k) => `"${k}"`).join(', ')} could be placed.` : '';
    const head = missing
      ? `${missing} of ${s.need} place${s.need === 1 ? '' : 's'} unfilled.`
      : 'Staffed, but a required skill is missing.';
    let code: UnfilledPlace['code'] = 'working-time';
    if (missing === 0) code = 'skill-unavailable';
    else if (free > 0) code = 'solver-limit';
    else if (statics === considered) code = 'no-eligible-amhp';
    return {
      shiftId: s.id,
      missing,
      missingSkills,
      code,
      reason: `${head}${skillText} Of ${considered} other AMHPs: ${parts.join('; ') || 'none'}.`,
    };
  }
}

/** The part of the `highs` package the planner uses (persistent model API: it takes a start solution). */
interface Highs {
  createModel(input: { format: 'lp'; data: string }): {
    options: { set(o: Record<string, string | number | boolean>): unknown };
    getColByName(name: string): number;
    getColName(index: number): string;
    setSolution(s: { indices: number[]; values: number[] }): unknown;
    run(): unknown;
    getModelStatus(): number;
    getSolution(): { colValue: Float64Array };
    getObjectiveValue(): number;
    info: { get(name: string): unknown };
    dispose(): void;
  };
  constants: { modelStatus: Record<string, number> };
}

/** Solves LP text with a loaded HiGHS module (through `inProcessSolver`: the tests, the bench, the service's worker). */
export function solveWithHighs(
  highs: Highs,
  lp: string,
  options: Record<string, string | number | boolean>,
  start?: Record<string, number>,
): LpSolution {
  const model = highs.createModel({ format: 'lp', data: lp });
  try {
    model.options.set(options);
    if (start) {
      const indices: number[] = [];
      const values: number[] = [];
      for (const name of Object.keys(start)) {
        const i = model.getColByName(name);
        if (i >= 0) {
          indices.push(i);
          values.push(start[name]);
        }
      }
      if (indices.length) model.setSolution({ indices, values });
    }
    model.run();
    const code = model.getModelStatus();
    const names: Record<number, string> = {
      0: 'Not Set',
      1: 'Load error',
      2: 'Model error',
      3: 'Presolve error',
      4: 'Solve error',
      5: 'Postsolve error',
      6: 'Empty',
      7: 'Optimal',
      8: 'Infeasible',
      9: 'Primal infeasible or unbounded',
      10: 'Unbounded',
      11: 'Bound on objective reached',
      12: 'Target for objective reached',
      13: 'Time limit reached',
      14: 'Iteration limit reached',
      15: 'Unknown',
      16: 'Solution limit reached',
      17: 'Interrupted',
    };
    const status = names[code] ?? `status ${code}`;
    // primal_solution_status 2: a feasible solution exists (optimal, or the best found before a limit).
    if (Number(model.info.get('primal_solution_status')) !== 2) return { Status: status };
    const values = model.getSolution().colValue;
    const Columns: Record<string, { Primal: number }> = {};
    for (let i = 0; i < values.length; i++) Columns[model.getColName(i)] = { Primal: values[i] };
    return { Status: status, ObjectiveValue: model.getObjectiveValue(), Columns };
  } finally {
    model.dispose();
  }
}

/**
 * HiGHS in this thread: the tests and the bench call it directly; the service calls it inside its planner worker
 * thread, giving it the module compiled once for the process (`compiledHighs`), so a plan does not compile HiGHS
 * again and runs the code optimised by the plans before it. Without one, the package compiles its own.
 */
export async function inProcessSolver(compiled?: WasmModule): Promise<LpSolve> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('highs') as (settings?: object) => Promise<Highs>;
  const highs = await load(
    compiled && {
      // Emscripten's hook for instantiating the module its own way: here, from the one already compiled.
      instantiateWasm: (imports: object, receive: (instance: object, module: WasmModule) => void) => {
        void wasm.instantiate(compiled, imports).then((instance) => receive(instance, compiled));
        return {};
      },
    },
  );
  return (lp, options, start) => Promise.resolve(solveWithHighs(highs, lp, options, start));
}

/** A compiled WebAssembly module, opaque here (the TypeScript library this project uses declares no WebAssembly types). */
export type WasmModule = object;
const wasm = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule>; instantiate(module: WasmModule, imports: object): Promise<object> };
  }
).WebAssembly;

let compiling: Promise<WasmModule> | undefined;

/**
 * HiGHS compiled once for the process (on first use; V8 compiles it on its background threads): each planner worker
 * is given it, and the code V8 optimises while one plan solves stays for the next.
 */
export function compiledHighs(): Promise<WasmModule> {
  // The package's loader reads highs.wasm from beside itself: the same file.
  if (!compiling) {
    compiling = readFile(join(dirname(require.resolve('highs')), 'highs.wasm')).then((bytes) => wasm.compile(bytes));
    // A failed compile is not kept: the next plan tries again (and fails the same way, saying why, if it must).
    compiling.catch(() => (compiling = undefined));
  }
  return compiling;
}
