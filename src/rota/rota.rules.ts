/**
 * Pure rota rules: generating shifts from patterns in local time, and the working-time checks on an assignment.
 * No Nest, no ORM, no clock. Thresholds come from RotaPolicy (configuration): the Working Time Regulations 1998
 * defaults are 11 h daily rest (reg 10), 48 h a week averaged over 17 weeks (reg 4), 24 h weekly rest (reg 11), a
 * night worker's 8 h in each 24 averaged over 17 weeks (reg 6);
 * the consecutive-night limit (a warning) and the consecutive-day limit (a hard rule, ROTA-DAYS) are local policy.
 */
import { DateTime } from 'luxon';
import { CLOCK_SKEW_MS } from '../statute/clocks';
import type { RuleId } from '../statute/rule-catalogue';
import { memoised } from '../statute/memo';
import { addDays, IsoDate, localDate } from '../statute/time';

export interface PatternFacts {
  id: string;
  name: string;
  startTime: string;
  endTime: string;
  weekdays: number[];
  bankHolidays: 'any' | 'exclude' | 'only';
  requiredCount: number;
  requiredSkills: string[];
  validFrom: IsoDate;
  validTo: IsoDate | null;
}

export interface GeneratedShift {
  patternId: string;
  localDate: IsoDate;
  label: string;
  startsAt: Date;
  endsAt: Date;
  requiredCount: number;
  requiredSkills: string[];
  bankHoliday: boolean;
}

/** A local wall-clock time on a date as an instant. A time skipped by the spring change moves forward an hour. */
export function localInstant(date: IsoDate, time: string, zone: string): Date {
  return new Date(localInstantMs(date, time, zone));
}
const localInstantMs = memoised(
  (date: IsoDate, time: string, zone: string) => {
    const [h, m] = time.split(':').map(Number);
    return DateTime.fromISO(date, { zone }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toMillis();
  },
  (date, time, zone) => `${date.length}:${date}${time.length}:${time}${zone}`,
);

/**
 * Shifts for every local date in [from, to] from the patterns valid then. The end is at `endTime` on the same
 * date, or the next date when it is not after the start: a 22:00-09:00 night is 11 hours, or 10 and 12 on the
 * nights the clocks change (real elapsed time, which is what working-time rules count).
 */
export function generateShifts(
  patterns: PatternFacts[],
  bankHolidays: ReadonlySet<IsoDate>,
  from: IsoDate,
  to: IsoDate,
  zone: string,
): GeneratedShift[] {
  return planShifts(patterns, bankHolidays, from, to, zone).shifts;
}

/** What the clock change did to one pattern's shift on one date (ROTA-CLOCK-CHANGE). */
export interface ClockChangeWarning extends RotaFinding {
  patternId: string;
  patternName: string;
  localDate: IsoDate;
}

const wallClock = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
const lengthOf = (from: Date, to: Date) => {
  const minutes = Math.round((to.getTime() - from.getTime()) / 60_000);
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
};

/** Whether `time` ("HH:MM") exists on `date` in `zone`: not in the hour the spring change skips. */
export function localTimeExists(date: IsoDate, time: string, zone: string): boolean {
  const [h, m] = time.split(':').map(Number);
  const t = DateTime.fromMillis(localInstantMs(date, time, zone), { zone });
  return t.hour === h && t.minute === m;
}

/**
 * Whether `time` ("HH:MM") happens twice on `date` in `zone`: in the hour the autumn change repeats. localInstant then
 * gives the first occurrence (summer time).
 */
export function localTimeAmbiguous(date: IsoDate, time: string, zone: string): boolean {
  const first = localInstantMs(date, time, zone);
  const back = DateTime.fromMillis(first, { zone }).offset - DateTime.fromMillis(first + 6 * HOUR, { zone }).offset;
  if (back <= 0) return false;
  const second = DateTime.fromMillis(first + back * 60_000, { zone });
  const [h, m] = time.split(':').map(Number);
  return second.hour === h && second.minute === m;
}

const wallClockWithOffset = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('HH:mm (ZZ)');

/**
 * generateShifts with what the clock changes did (ROTA-CLOCK-CHANGE): a start or end in the hour that the spring change
 * skips is read an hour later (so that day's shift starts or ends an hour later by the clock), and is reported; a
 * shift wholly inside that hour (01:30-02:30 in Europe/London) would have no length, so that day's shift is not
 * generated, and is reported. A start or end in the hour the autumn change repeats happens twice: the first
 * occurrence (summer time) is used, so the shift is an hour longer or shorter than written, and that is reported
 * too, with the times and the resulting length. Never a refusal of the range: every other shift is generated as usual.
 */
export function planShifts(
  patterns: PatternFacts[],
  bankHolidays: ReadonlySet<IsoDate>,
  from: IsoDate,
  to: IsoDate,
  zone: string,
): { shifts: GeneratedShift[]; warnings: ClockChangeWarning[] } {
  const shifts: GeneratedShift[] = [];
  const warnings: ClockChangeWarning[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const weekday = DateTime.fromISO(d, { zone }).weekday;
    const holiday = bankHolidays.has(d);
    for (const p of patterns) {
      if (d < p.validFrom || (p.validTo && d > p.validTo)) continue;
      if (!p.weekdays.includes(weekday)) continue;
      if ((p.bankHolidays === 'exclude' && holiday) || (p.bankHolidays === 'only' && !holiday)) continue;
      const startsAt = localInstant(d, p.startTime, zone);
      const endDate = p.endTime > p.startTime ? d : addDays(d, 1);
      const endsAt = localInstant(endDate, p.endTime, zone);
      const missing = [
        ...(localTimeExists(d, p.startTime, zone) ? [] : [`${p.startTime} on ${d}`]),
        ...(localTimeExists(endDate, p.endTime, zone) ? [] : [`${p.endTime} on ${endDate}`]),
      ];
      if (missing.length) {
        const skipped = endsAt <= startsAt;
        warnings.push({
          code: skipped ? 'shift-skipped-clock-change' : 'shift-adjusted-clock-change',
          rule: 'ROTA-CLOCK-CHANGE',
          severity: 'warning',
          patternId: p.id,
          patternName: p.name,
          localDate: d,
          message: skipped
            ? `No "${p.name}" shift on ${d}: the clocks go forward and ${missing.join(' and ')} does not exist, so the shift would have no length.`
            : `The "${p.name}" shift on ${d} runs ${wallClock(startsAt, zone)}-${wallClock(endsAt, zone)} (${lengthOf(startsAt, endsAt)}): the clocks go forward and ${missing.join(' and ')} does not exist, so it is read an hour later.`,
        });
        if (skipped) continue;
      }
      const repeated = [
        ...(localTimeAmbiguous(d, p.startTime, zone) ? [`${p.startTime} on ${d}`] : []),
        ...(localTimeAmbiguous(endDate, p.endTime, zone) ? [`${p.endTime} on ${endDate}`] : []),
      ];
      if (repeated.length) {
        warnings.push({
          code: 'shift-ambiguous-clock-change',
          rule: 'ROTA-CLOCK-CHANGE',
          severity: 'warning',
          patternId: p.id,
          patternName: p.name,
          localDate: d,
          message: `The "${p.name}" shift on ${d} runs ${wallClockWithOffset(startsAt, zone)}-${wallClockWithOffset(endsAt, zone)} (${lengthOf(startsAt, endsAt)}): the clocks go back and ${repeated.join(' and ')} happens twice, so the first time (before the clocks go back) is used.`,
        });
      }
      shifts.push({
        patternId: p.id,
        localDate: d,
        label: p.name,
        startsAt,
        endsAt,
        requiredCount: p.requiredCount,
        requiredSkills: p.requiredSkills,
        bankHoliday: holiday,
      });
    }
  }
  return { shifts, warnings };
}

/** The staffing a generated shift carries, copied from its pattern when generated (planShifts). */
export interface ShiftStaffing {
  label: string;
  requiredCount: number;
  requiredSkills: string[];
}

/**
 * The staffing fields of a generated shift that differ from what its pattern calls for now (ROTA-WORKED: applied only
 * to a shift that has not started). Skills compare as sets: their order means nothing.
 */
export function staffingDrift(shift: ShiftStaffing, wanted: ShiftStaffing): Array<keyof ShiftStaffing> {
  const skills = (xs: string[]) => [...new Set(xs)].sort().join(',');
  return [
    ...(shift.label !== wanted.label ? (['label'] as const) : []),
    ...(shift.requiredCount !== wanted.requiredCount ? (['requiredCount'] as const) : []),
    ...(skills(shift.requiredSkills) !== skills(wanted.requiredSkills) ? (['requiredSkills'] as const) : []),
  ];
}

export interface Period {
  startsAt: Date;
  endsAt: Date;
}

const HOUR = 3_600_000;

/** Hours of a period falling within 23:00-06:00 local time (the Working Time Regulations' default night time). */
export function nightHours(p: Period, zone: string): number {
  return nightHoursOf(p.startsAt.getTime(), p.endsAt.getTime(), zone);
}
const nightHoursOf = memoised(
  (startsAt: number, endsAt: number, zone: string) => nightHoursIn({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) }, zone),
  (startsAt, endsAt, zone) => `${startsAt}|${endsAt}|${zone}`,
);
function nightHoursIn(p: Period, zone: string): number {
  let total = 0;
  let day = DateTime.fromJSDate(p.startsAt, { zone }).minus({ days: 1 }).toISODate()!;
  const last = DateTime.fromJSDate(p.endsAt, { zone }).toISODate()!;
  for (; day <= last; day = addDays(day, 1)) {
    const nightStart = localInstant(day, '23:00', zone).getTime();
    const nightEnd = localInstant(addDays(day, 1), '06:00', zone).getTime();
    total += Math.max(0, Math.min(nightEnd, p.endsAt.getTime()) - Math.max(nightStart, p.startsAt.getTime()));
  }
  return total / HOUR;
}

/** A night shift: at least three hours of it in night time (WTR reg 2 "night worker"). */
export function isNight(p: Period, zone: string): boolean {
  return nightHours(p, zone) >= 3;
}

export interface RotaPolicy {
  timeZone: string;
  minRestHours: number;
  maxWeeklyHours: number;
  referenceWeeks: number;
  maxConsecutiveNights: number;
  /** ROTA-DAYS (local policy, a hard rule): most local dates in a row on which an AMHP may start a shift. */
  maxConsecutiveDays: number;
  weeklyRestHours: number;
  /** WTR reg 6(1): a night worker's normal hours average at most this many in each 24 hours (default 8). */
  nightMaxAverageHours: number;
  /** WTR reg 6(3): the reference period for that average, in weeks (default 17). */
  nightReferenceWeeks: number;
}

export interface RotaFinding {
  code: string;
  rule: RuleId;
  severity: 'hard' | 'warning';
  message: string;
}

/** The local date on which a period starts: days and nights are counted by their start, as the rota labels them. */
export function startDate(p: Period, zone: string): IsoDate {
  return localDate(p.startsAt, zone);
}

/**
 * ROTA-DAYS: the run of consecutive local dates, through `candidate`'s start date, on which the AMHP starts a shift
 * (`others` and the candidate). A date with no shift starting on it is a day off and ends the run; two shifts starting
 * on one date count once. Local dates, so a week across a clock change is still 7 days.
 */
export function consecutiveDays(candidate: Period, others: Period[], zone: string): number {
  const dayNumber = (p: Period) => Math.round(Date.parse(`${startDate(p, zone)}T00:00:00Z`) / 86_400_000);
  return consecutiveRun(dayNumber(candidate), new Set(others.map(dayNumber)));
}

/** ROTA-DAYS on day numbers (consecutive integers for consecutive local dates): the run through `day`, itself included. */
export function consecutiveRun(day: number, worked: ReadonlySet<number>): number {
  let run = 1;
  for (let d = day - 1; worked.has(d); d--) run++;
  for (let d = day + 1; worked.has(d); d++) run++;
  return run;
}

const hours = (p: Period) => (p.endsAt.getTime() - p.startsAt.getTime()) / HOUR;
const fmtMs = memoised(
  (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('ccc d LLL yyyy HH:mm'),
  (ms, zone) => `${ms}|${zone}`,
);
const fmt = (d: Date, zone: string) => fmtMs(d.getTime(), zone);

/**
 * Working-time checks for adding `candidate` to the practitioner's other assignments `others` (excluding the
 * candidate itself). Rest between shifts below the minimum and a run of days above the limit are hard; the rest
 * (rest within each 24 hours, weekly hours, night work, consecutive nights, weekly rest) are warnings a manager may
 * override with a reason.
 */
export function workingTimeFindings(candidate: Period, others: Period[], policy: RotaPolicy): RotaFinding[] {
  const zone = policy.timeZone;
  const findings: RotaFinding[] = [];
  const sorted = [...others].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());

  // Daily rest (WTR reg 10): the gap to the shift before and after.
  for (const o of sorted) {
    const gap =
      o.endsAt <= candidate.startsAt
        ? candidate.startsAt.getTime() - o.endsAt.getTime()
        : o.startsAt >= candidate.endsAt
          ? o.startsAt.getTime() - candidate.endsAt.getTime()
          : -1;
    if (gap < 0) {
      findings.push({
        code: 'overlap',
        rule: 'ROTA-OVERLAP',
        severity: 'hard',
        message: `Overlaps another shift (${fmt(o.startsAt, zone)} to ${fmt(o.endsAt, zone)}).`,
      });
    } else if (gap < policy.minRestHours * HOUR) {
      findings.push({
        code: 'rest-too-short',
        rule: 'WTR-10',
        severity: 'hard',
        message: `Only ${Math.round((gap / HOUR) * 10) / 10} h of rest ${o.endsAt <= candidate.startsAt ? 'after' : 'before'} the shift of ${fmt(o.startsAt, zone)}; at least ${policy.minRestHours} h are required.`,
      });
    }
  }

  // Daily rest within each 24 hours (WTR reg 10(1): 11 consecutive hours' rest in each 24-hour period, WTR-10-24H).
  // The gaps above only look between shifts: a shift longer than 24 h less the rest, or shifts packed round it, leave
  // no such rest in the 24 hours from a shift's start. A warning, not a refusal: hubs lawfully run long on-call shifts
  // under the reg 21 exceptions, provided the AMHP gets equivalent compensatory rest (reg 24). Not repeated when the
  // rest between shifts is already refused above.
  const all = [...sorted, candidate].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const day = 24 * HOUR;
  const betweenRefused = findings.length > 0;
  for (const p of betweenRefused ? [] : all) {
    const start = p.startsAt.getTime();
    if (start >= candidate.endsAt.getTime() || start + day <= candidate.startsAt.getTime()) continue;
    const rest = longestBreak(all, start, start + day);
    if (rest < policy.minRestHours * HOUR) {
      findings.push({
        code: 'daily-rest-in-day',
        rule: 'WTR-10-24H',
        severity: 'warning',
        message: `Only ${Math.round((rest / HOUR) * 10) / 10} h of unbroken rest in the 24 hours from ${fmt(p.startsAt, zone)}; the Working Time Regulations ask for ${policy.minRestHours} h in each 24 hours (reg 10). Allowed only under a reg 21 exception (e.g. on-call cover) with equivalent compensatory rest afterwards (reg 24): give the reason.`,
      });
      break;
    }
  }

  // Average weekly hours (WTR reg 4(3)(b): over any reference period).
  const weeklyHours = mostHoursInWindow(candidate, sorted, policy.referenceWeeks * 7 * day);
  const average = weeklyHours / policy.referenceWeeks;
  if (average > policy.maxWeeklyHours) {
    findings.push({
      code: 'weekly-hours',
      rule: 'WTR-4',
      severity: 'warning',
      message: `${Math.round(average * 10) / 10} h a week on average over ${policy.referenceWeeks} weeks, above ${policy.maxWeeklyHours} h.`,
    });
  }

  // Night work (WTR reg 6, WTR-6): on a night shift the AMHP works as a night worker, whose normal hours may average at
  // most nightMaxAverageHours in each 24 hours over the reference period. Reg 6(5): the hours worked in the period
  // divided by its 24-hour periods less the weekly rest days due under reg 11. A warning: the reg 21 exceptions with
  // compensatory rest (reg 24) apply here too.
  if (isNight(candidate, zone)) {
    const weeks = policy.nightReferenceWeeks;
    const worked = weeks === policy.referenceWeeks ? weeklyHours : mostHoursInWindow(candidate, sorted, weeks * 7 * day);
    const days = weeks * 7 - (weeks * policy.weeklyRestHours) / 24;
    const perDay = worked / Math.max(1, days);
    if (perDay > policy.nightMaxAverageHours) {
      findings.push({
        code: 'night-work-average',
        rule: 'WTR-6',
        severity: 'warning',
        message: `Night work: ${Math.round(perDay * 10) / 10} h in each 24 hours on average over ${weeks} weeks, above the ${policy.nightMaxAverageHours} h a night worker may average (reg 6). Allowed only under a reg 21 exception with equivalent compensatory rest (reg 24): give the reason.`,
      });
    }
  }

  // Consecutive nights (local policy): nights on consecutive local start dates, including the candidate.
  // A run above the limit needs at least `limit` other shifts: the (costly) local-time checks are skipped otherwise.
  if (sorted.length >= policy.maxConsecutiveNights && isNight(candidate, zone)) {
    const nightDates = new Set(sorted.filter((p) => isNight(p, zone)).map((p) => DateTime.fromJSDate(p.startsAt, { zone }).toISODate()!));
    const own = DateTime.fromJSDate(candidate.startsAt, { zone }).toISODate()!;
    let run = 1;
    for (let d = addDays(own, -1); nightDates.has(d); d = addDays(d, -1)) run++;
    for (let d = addDays(own, 1); nightDates.has(d); d = addDays(d, 1)) run++;
    if (run > policy.maxConsecutiveNights) {
      findings.push({
        code: 'consecutive-nights',
        rule: 'ROTA-NIGHTS',
        severity: 'warning',
        message: `${run} consecutive nights, above the limit of ${policy.maxConsecutiveNights}.`,
      });
    }
  }

  // Consecutive days (ROTA-DAYS, local policy, hard): the planner's model keeps the same limit.
  const days = sorted.length >= policy.maxConsecutiveDays ? consecutiveDays(candidate, sorted, zone) : 1;
  if (days > policy.maxConsecutiveDays) {
    findings.push({
      code: 'consecutive-days',
      rule: 'ROTA-DAYS',
      severity: 'hard',
      message: `${days} consecutive days on the rota, above the limit of ${policy.maxConsecutiveDays}: a day off is needed.`,
    });
  }

  // Weekly rest (WTR reg 11): an uninterrupted break of weeklyRestHours in every 7 days. The candidate can take it
  // away from the week ending with itself, or from the week ending with any later shift within 7 days of it.
  const weekEnds = [
    candidate.endsAt.getTime(),
    ...sorted
      .filter((o) => o.endsAt > candidate.endsAt && o.endsAt.getTime() - candidate.startsAt.getTime() <= 7 * 24 * HOUR)
      .map((o) => o.endsAt.getTime()),
  ];
  for (const end of weekEnds) {
    if (longestBreak(all, end - 7 * 24 * HOUR, end) < policy.weeklyRestHours * HOUR) {
      findings.push({
        code: 'weekly-rest',
        rule: 'WTR-11',
        severity: 'warning',
        message: `No uninterrupted ${policy.weeklyRestHours} h break in the 7 days up to ${fmt(new Date(end), zone)}.`,
      });
      break;
    }
  }
  return findings;
}

/**
 * The most hours worked in any window of `window` ms holding the candidate. The hours in a window are greatest when
 * one of its ends meets a shift's start or end, so every window holding the candidate whose start is a shift's start,
 * or whose end is a shift's end, is tried (the two anchored at the candidate among them).
 */
function mostHoursInWindow(candidate: Period, others: Period[], window: number): number {
  const near = [...others, candidate].filter(
    (p) => p.endsAt.getTime() > candidate.startsAt.getTime() - window && p.startsAt.getTime() < candidate.endsAt.getTime() + window,
  );
  let most = 0;
  const tryWindow = (start: number, end: number) => {
    const inWindow = near.reduce(
      (sum, p) => sum + Math.max(0, Math.min(end, p.endsAt.getTime()) - Math.max(start, p.startsAt.getTime())),
      0,
    );
    most = Math.max(most, inWindow / HOUR);
  };
  for (const p of near) {
    const start = p.startsAt.getTime();
    if (start <= candidate.startsAt.getTime() && start + window >= candidate.endsAt.getTime()) tryWindow(start, start + window);
    const end = p.endsAt.getTime();
    if (end >= candidate.endsAt.getTime() && end - window <= candidate.startsAt.getTime()) tryWindow(end - window, end);
  }
  return most;
}

/** The longest stretch of [from, to] that no period covers. */
function longestBreak(periods: Period[], from: number, to: number): number {
  let cursor = from;
  let longest = 0;
  for (const p of periods) {
    if (p.endsAt.getTime() <= from || p.startsAt.getTime() >= to) continue;
    longest = Math.max(longest, p.startsAt.getTime() - cursor);
    cursor = Math.max(cursor, p.endsAt.getTime());
  }
  return Math.max(longest, to - cursor);
}

export interface CoverageShift extends Period {
  id: string;
  label: string;
  requiredCount: number;
  requiredSkills: string[];
  /**
   * Who is on it, each for her own part of the shift (ROTA-WORKED): an assignment taken off part-way ends at the
   * change, one made once the shift was under way starts when it was made. Without times, the whole shift.
   */
  assigned: Array<{ practitionerId: string; skills: string[]; startsAt?: Date; endsAt?: Date }>;
}

export interface Gap {
  kind: 'understaffed' | 'skill-missing' | 'no-shift';
  startsAt: Date;
  endsAt: Date;
  shiftId: string | null;
  label: string | null;
  missing: number;
  missingSkills: string[];
}

/** A stretch of a shift with the same AMHPs on it: who covers [startsAt, endsAt). */
export interface ShiftPart<A> {
  startsAt: Date;
  endsAt: Date;
  on: A[];
}

/**
 * A shift cut at every moment an AMHP came on or went off it (ROTA-WORKED), each part with the AMHPs whose own
 * period covers it. A shift nobody's times cut is one part with everyone on it. The one place where "who fills
 * this shift, when" is worked out: coverage, the unfilled list, the hub feed, the leave impact and the planner read it.
 */
export function shiftParts<A extends { startsAt?: Date | string; endsAt?: Date | string }>(shift: Period, assigned: A[]): ShiftPart<A>[] {
  const start = shift.startsAt.getTime();
  const end = shift.endsAt.getTime();
  const ms = (d: Date | string | undefined, fallback: number) => (d === undefined ? fallback : new Date(d).getTime());
  const cuts = new Set<number>([start, end]);
  for (const a of assigned) for (const t of [ms(a.startsAt, start), ms(a.endsAt, end)]) if (t > start && t < end) cuts.add(t);
  const points = [...cuts].sort((x, y) => x - y);
  const parts: ShiftPart<A>[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    parts.push({
      startsAt: new Date(from),
      endsAt: new Date(to),
      on: assigned.filter((a) => ms(a.startsAt, start) <= from && ms(a.endsAt, end) >= to),
    });
  }
  return parts;
}

/** The fewest AMHPs on the shift at any moment of it (its places filled the whole way through). */
export function filledPlaces(shift: Period, assigned: Array<{ startsAt?: Date | string; endsAt?: Date | string }>): number {
  return Math.min(...shiftParts(shift, assigned).map((p) => p.on.length));
}

/**
 * Every period in [from, to) where the hub is short: a shift, or the part of it, with fewer AMHPs than required or
 * without a required skill (an AMHP counts only for her own part of the shift, ROTA-WORKED), and any stretch of time
 * that no shift covers at all (to the minute).
 */
export function coverageGaps(shifts: CoverageShift[], from: Date, to: Date): Gap[] {
  const gaps: Gap[] = [];
  const inRange = shifts.filter((s) => s.endsAt > from && s.startsAt < to).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  for (const s of inRange) {
    let last: Gap | undefined;
    for (const part of shiftParts(s, s.assigned)) {
      const missing = Math.max(0, s.requiredCount - part.on.length);
      const missingSkills = s.requiredSkills.filter((k) => !part.on.some((a) => a.skills.includes(k)));
      const kind = missing > 0 ? 'understaffed' : missingSkills.length ? 'skill-missing' : undefined;
      if (!kind) {
        last = undefined;
        continue;
      }
      // Parts next to each other short in the same way are one gap.
      if (last && last.kind === kind && last.missing === missing && last.missingSkills.join() === missingSkills.join()) {
        last.endsAt = part.endsAt;
        continue;
      }
      last = { kind, startsAt: part.startsAt, endsAt: part.endsAt, shiftId: s.id, label: s.label, missing, missingSkills };
      gaps.push(last);
    }
  }
  let cursor = from.getTime();
  for (const s of inRange) {
    if (s.startsAt.getTime() > cursor)
      gaps.push({
        kind: 'no-shift',
        startsAt: new Date(cursor),
        endsAt: s.startsAt,
        shiftId: null,
        label: null,
        missing: 1,
        missingSkills: [],
      });
    cursor = Math.max(cursor, s.endsAt.getTime());
  }
  if (cursor < to.getTime())
    gaps.push({ kind: 'no-shift', startsAt: new Date(cursor), endsAt: to, shiftId: null, label: null, missing: 1, missingSkills: [] });
  return gaps.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export { hours as periodHours };

/** The skills on a shift around a swap: what it requires, held by those staying, by those leaving, by the taker. */
export interface SwapSkills {
  label: string;
  required: readonly string[];
  staying: readonly string[];
  leaving: readonly string[];
  taker: readonly string[];
}

/**
 * ROTA-SKILLS: a swap that leaves the shift without anyone holding a skill it requires, which the AMHP leaving held: a
 * warning to override, not a silent gap that coverage shows only afterwards. A shift already short of the skill before
 * the swap is not the swap's doing.
 */
export function skillsLostBySwap(s: SwapSkills): RotaFinding[] {
  return s.required
    .filter((k) => s.leaving.includes(k) && !s.staying.includes(k) && !s.taker.includes(k))
    .map((k) => ({
      code: 'swap-leaves-skill-missing',
      rule: 'ROTA-SKILLS',
      severity: 'warning',
      message: `After the swap nobody on ${s.label} holds the required skill "${k}": the AMHP leaving is the only one who does, and the colleague taking over does not.`,
    }));
}

/** Why a manager-on-call period cannot be recorded as it stands at `now`: the field it names and the reason. */
export interface OnCallRefusal {
  field: 'startsAt' | 'endsAt';
  message: string;
}

/**
 * ROTA-WORKED with DUTY-03: who was the manager on call, and so who was paged at the end of every escalation chain, is
 * part of the duty record, so a period is put on the rota only from now on. One already over is refused naming
 * `endsAt`; one that starts before now (beyond the clock skew any recorded time has, CLOCK_SKEW_MS) would name her
 * for hours already gone, when nobody paged her, and is refused naming `startsAt`: she is on call from now. Null when
 * the period may be recorded. (There is no correction of the rota afterwards: the audit keeps what was changed.)
 */
export function onCallPeriodRefusal(p: Period, now: Date): OnCallRefusal | null {
  if (p.endsAt.getTime() <= now.getTime())
    return {
      field: 'endsAt',
      message: 'That period is over: who was on call then is history and is not recorded afterwards (ROTA-WORKED).',
    };
  if (p.startsAt.getTime() < now.getTime() - CLOCK_SKEW_MS)
    return {
      field: 'startsAt',
      message:
        'That period has started: who was on call for the hours already gone is history and is not recorded afterwards; put her on call from now (ROTA-WORKED).',
    };
  return null;
}

/** Why a pattern's dates, a range to generate or a shift added by hand are refused: the field they name and the reason. */
export interface RotaDateRefusal {
  field: 'validFrom' | 'validTo' | 'from' | 'endsAt' | 'id';
  message: string;
}

/**
 * ROTA-WORKED for shift patterns: a pattern says what the rota calls for from its `validFrom` on, so a pattern (or a
 * change to one) takes effect on the hub's today (Europe/London) at the earliest, never on days already gone, whose
 * rota was worked as it then stood. Refused, naming the field:
 * - a new pattern valid from a day before today (`validFrom`): add it from today;
 * - an end (`validTo`) before today: a pattern that ran on the days gone cannot be said to have ended before them; it
 *   may end today at the earliest;
 * - a new end for a pattern that has already ended (`endedOn`, its `validTo` before today): it would run again over
 *   the days since, which were worked without it; add a new pattern from today instead.
 * Null when the dates may be recorded. A pattern's times and days are never changed in place (end it, and add the new
 * shape from today), and the rest of a change (its staffing, name or active flag) reaches only the shifts generated
 * after it, which are never shifts already over (generationRefusal, ShiftsService.reconcileIn).
 */
export function patternDatesRefusal(
  dates: { validFrom?: IsoDate; validTo?: IsoDate | null; endedOn?: IsoDate | null },
  today: IsoDate,
): RotaDateRefusal | null {
  if (dates.validFrom !== undefined && dates.validFrom < today)
    return {
      field: 'validFrom',
      message: `validFrom cannot be before today (${today}): the rota of the days gone was worked as it stood, so a pattern takes effect from today on (ROTA-WORKED).`,
    };
  // An end said again as it stands changes nothing.
  if (!dates.validTo || dates.validTo === dates.endedOn) return null;
  if (dates.endedOn && dates.endedOn < today)
    return {
      field: 'validTo',
      message: `This pattern ended on ${dates.endedOn}: the days since were worked without it, so its end cannot move; add a new pattern from today (ROTA-WORKED).`,
    };
  if (dates.validTo < today)
    return {
      field: 'validTo',
      message: `validTo cannot be before today (${today}): the pattern ran on the days gone as they were worked; end it today at the earliest (ROTA-WORKED).`,
    };
  return null;
}

/**
 * ROTA-WORKED for generating shifts from the patterns: the days before the hub's today are history, so a range to
 * generate starting before today is refused naming `from` (the rota of a day gone is not made afterwards). Null when
 * it may be generated. Within today, a shift already over is not created either (ShiftsService.reconcileIn), as
 * nobody is put on a shift that is over; one under way is, so that the AMHPs on duty now can be put on it from now.
 */
export function generationRefusal(from: IsoDate, today: IsoDate): RotaDateRefusal | null {
  if (from < today)
    return {
      field: 'from',
      message: `from cannot be before today (${today}): the rota of the days gone was worked as it stood and is not generated afterwards (ROTA-WORKED).`,
    };
  return null;
}

/**
 * ROTA-WORKED for a shift added by hand (POST /rota/shifts), as for generating: a shift already over is history and is
 * not put on the rota afterwards (nobody can be put on it, and it would show a gap in cover that nobody saw at the
 * time), refused naming `endsAt`. One under way may be added, to be staffed from now. Null when it may be added.
 */
export function shiftCreationRefusal(endsAt: Date, now: Date): RotaDateRefusal | null {
  if (endsAt.getTime() <= now.getTime())
    return {
      field: 'endsAt',
      message: `endsAt (${endsAt.toISOString()}) is not after now: a shift already over is history and is not added to the rota afterwards (ROTA-WORKED).`,
    };
  return null;
}

/**
 * ROTA-WORKED for bringing back one shift a manager removed on purpose (POST /rota/shifts/removed/{id}/restore), as
 * for generating and adding by hand: a shift already over is history and is not put back on the rota afterwards.
 * `endsAt`: when the shift its pattern calls for on `localDate` ends (null when the pattern no longer calls for one
 * there: ended, inactive, its bank holiday rule; then the day itself must not be gone). Refused naming the removed
 * shift's `id`; one under way may be brought back, to be staffed from now. Null when it may be restored.
 */
export function restoreRefusal(localDate: IsoDate, endsAt: Date | null, today: IsoDate, now: Date): RotaDateRefusal | null {
  if (localDate < today || (endsAt !== null && endsAt.getTime() <= now.getTime()))
    return {
      field: 'id',
      message: `The shift removed on ${localDate} is over${endsAt ? ` (it ended at ${endsAt.toISOString()})` : ''}: a shift already over is history and is not put back on the rota afterwards (ROTA-WORKED).`,
    };
  return null;
}
