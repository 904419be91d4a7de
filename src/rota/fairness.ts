/**
 * How fairly rota work is shared: per AMHP over a period, hours against FTE, and the nights, weekends and bank
 * holidays they carry. Pure: facts in, figures out (no Nest, no ORM, no clock).
 *
 * Definitions (the planner balances the same figures):
 * - a shift counts in the period when it STARTS in it, with its whole real elapsed length (a DST night is 10 or
 *   12 hours);
 * - a night is a shift with at least 3 hours in 23:00-06:00 local time (`isNight`, WTR reg 2);
 * - a weekend shift starts on a local Saturday or Sunday (a Friday night counts as Friday);
 * - a bank-holiday shift is one the rota marked as such (it starts on a bank holiday);
 * - availability is the share of the period the AMHP could be rostered: the period less the union of their
 *   unavailable periods (`unavailablePeriods`: approved leave, a suspended approval (AMHP-07, SI 2008/1206 reg 6),
 *   and any time no approval is in effect (AMHP-01/05)). hours ÷ (FTE × availability) compares people who were
 *   away for part of it;
 * - the spread is max − min of hours ÷ (FTE × availability) over the people available at some time in the period.
 *   Nobody is left out silently: anyone never available is listed in `excluded`, with why.
 *
 * The plan (`plan` in planner.ts) and the fairness report (GET /rota/fairness) both call `fairnessReport` with
 * `unavailablePeriods`, so the two give the same figures for the same AMHP and period.
 */
import { DateTime } from 'luxon';
import { endOfLocalDay, IsoDate, startOfLocalDay } from '../statute/time';
import { effectiveEnd } from '../workforce/workforce.rules';
import { isNight, Period } from './rota.rules';

export type UnavailableReason = 'leave' | 'suspended' | 'no-approval';

/**
 * A reason for being unavailable as a reader may see it: the reason itself, or the neutral `unavailable` for a reader
 * who may not know why (reasonsAsSeen).
 */
export type ShownUnavailableReason = UnavailableReason | 'unavailable';

export interface Unavailable extends Period {
  reason: UnavailableReason;
}

/** What `unavailablePeriods` needs of an approval (whole local days) and its suspensions (instants; open = null). */
export interface ApprovalSpan {
  startsOn: IsoDate;
  endsOn: IsoDate;
  endedOn: IsoDate | null;
  suspensions: Array<{ startsAt: Date; endsAt: Date | null }>;
}

export interface FairnessPerson {
  id: string;
  fte: number;
  displayName?: string;
  /** When they could not be rostered (`unavailablePeriods`); overlaps count once. None: available all along. */
  unavailable?: Unavailable[];
}

export interface FairnessPeriod {
  from: Date;
  to: Date;
}

export interface WorkedShift extends Period {
  practitionerId: string;
  bankHoliday: boolean;
  /** Precomputed flags (the planner has them already); computed from the period when absent. */
  night?: boolean;
  weekend?: boolean;
}

export interface FairnessRow {
  practitionerId: string;
  displayName?: string;
  fte: number;
  availability: number;
  /** Why they were unavailable for part (or all) of the period, if they were. */
  unavailableFor: UnavailableReason[];
  shifts: number;
  hours: number;
  hoursPerFte: number;
  /** Hours ÷ (FTE × availability); null when never available. */
  hoursPerAvailableFte: number | null;
  /** Their share of all hours worked, and their share of the total FTE (fair: the two are close). */
  share: number;
  fteShare: number;
  nights: number;
  weekends: number;
  bankHolidays: number;
}

export interface FairnessSpreads {
  /** max − min of hours ÷ FTE: the headline figure (performance target P6, bench/README.md). */
  hoursPerFte: number;
  /** max − min of hours ÷ (FTE × availability), over people available at some time (the headline spread). */
  hoursPerAvailableFte: number;
  nightsPerFte: number;
  weekendsPerFte: number;
  bankHolidaysPerFte: number;
}

export interface ExcludedPerson {
  practitionerId: string;
  displayName?: string;
  reasons: UnavailableReason[];
  /** Hours they were rostered all the same (0 unless the rota broke a rule). */
  hours: number;
}

export interface FairnessReport {
  people: FairnessRow[];
  /** People never available in the period: left out of the spread, and listed here. */
  excluded: ExcludedPerson[];
  totals: { people: number; fte: number; shifts: number; hours: number; nights: number; weekends: number; bankHolidays: number };
  meanHoursPerFte: number;
  /** Same as spreads.hoursPerAvailableFte: max − min of hours ÷ (FTE × availability), the excluded left out. */
  spread: number;
  spreads: FairnessSpreads;
}

const HOUR = 3_600_000;
const round = (n: number, places = 2) => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};
const range = (values: number[]) => (values.length ? Math.max(...values) - Math.min(...values) : 0);

/** Total length of the union of periods, clipped to [from, to) (overlapping periods count once). */
export function coveredMs(periods: Period[], from: number, to: number): number {
  const clipped = periods
    .map((p) => [Math.max(from, p.startsAt.getTime()), Math.min(to, p.endsAt.getTime())] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cursor = -Infinity;
  for (const [a, b] of clipped) {
    const start = Math.max(a, cursor);
    if (b > start) total += b - start;
    cursor = Math.max(cursor, b);
  }
  return total;
}

/**
 * When an AMHP could not be rostered in [from, to), clipped to it: approved leave, a suspension of an approval
 * (AMHP-07, until lifted), and every stretch that no approval covers (AMHP-01; approvals run over whole local days
 * to their effective end, AMHP-05/08). Periods may overlap; `availabilityIn` counts their union.
 */
export function unavailablePeriods(
  facts: { approvals: ApprovalSpan[]; leave: Period[] },
  period: FairnessPeriod,
  zone: string,
): Unavailable[] {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const out: Unavailable[] = [];
  const add = (startsAt: number, endsAt: number, reason: UnavailableReason) => {
    const a = Math.max(from, startsAt);
    const b = Math.min(to, endsAt);
    if (b > a) out.push({ startsAt: new Date(a), endsAt: new Date(b), reason });
  };
  for (const l of facts.leave) add(l.startsAt.getTime(), l.endsAt.getTime(), 'leave');
  for (const a of facts.approvals)
    for (const s of a.suspensions) add(s.startsAt.getTime(), s.endsAt ? s.endsAt.getTime() : to, 'suspended');
  const windows = facts.approvals
    .map((a) => [startOfLocalDay(a.startsOn, zone).getTime(), endOfLocalDay(effectiveEnd(a), zone).getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let cursor = from;
  for (const [a, b] of windows) {
    if (a > cursor) add(cursor, a, 'no-approval');
    cursor = Math.max(cursor, b);
  }
  add(cursor, to, 'no-approval');
  return out.sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.reason.localeCompare(y.reason));
}

/** The share of [from, to) not covered by any of the periods, 0..1 (1 for an empty period). */
export function availabilityIn(unavailable: Period[], period: FairnessPeriod): number {
  const span = period.to.getTime() - period.from.getTime();
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - coveredMs(unavailable, period.from.getTime(), period.to.getTime()) / span));
}

/** A weekend shift starts on a local Saturday or Sunday. */
export function isWeekend(p: Period, zone: string): boolean {
  return DateTime.fromJSDate(p.startsAt, { zone }).weekday >= 6;
}

/**
 * Fairness over `period` for `people` (with their unavailable periods) given the shifts `worked` (those starting in
 * the period; others are not counted).
 */
export function fairnessReport(people: FairnessPerson[], worked: WorkedShift[], zone: string, period: FairnessPeriod): FairnessReport {
  const byPerson = new Map<string, { shifts: number; hours: number; nights: number; weekends: number; bankHolidays: number }>();
  for (const p of people) byPerson.set(p.id, { shifts: 0, hours: 0, nights: 0, weekends: 0, bankHolidays: 0 });
  for (const w of worked) {
    if (w.startsAt < period.from || w.startsAt >= period.to) continue;
    const t = byPerson.get(w.practitionerId);
    if (!t) continue; // work of someone not in the report (an inactive AMHP) is not shared out
    t.shifts += 1;
    t.hours += (w.endsAt.getTime() - w.startsAt.getTime()) / HOUR;
    if (w.night ?? isNight(w, zone)) t.nights += 1;
    if (w.weekend ?? isWeekend(w, zone)) t.weekends += 1;
    if (w.bankHoliday) t.bankHolidays += 1;
  }
  const totalFte = people.reduce((s, p) => s + p.fte, 0);
  const totals = { people: people.length, fte: round(totalFte), shifts: 0, hours: 0, nights: 0, weekends: 0, bankHolidays: 0 };
  for (const t of byPerson.values()) {
    totals.shifts += t.shifts;
    totals.hours += t.hours;
    totals.nights += t.nights;
    totals.weekends += t.weekends;
    totals.bankHolidays += t.bankHolidays;
  }
  const rows: FairnessRow[] = people.map((p) => {
    const t = byPerson.get(p.id)!;
    const unavailable = (p.unavailable ?? []).filter((u) => u.startsAt < period.to && u.endsAt > period.from);
    const availability = availabilityIn(unavailable, period);
    return {
      practitionerId: p.id,
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      fte: p.fte,
      availability: round(availability, 4),
      unavailableFor: [...new Set(unavailable.map((u) => u.reason))].sort(),
      shifts: t.shifts,
      hours: round(t.hours),
      hoursPerFte: round(t.hours / p.fte),
      hoursPerAvailableFte: availability > 0 ? round(t.hours / (p.fte * availability)) : null,
      share: totals.hours > 0 ? round(t.hours / totals.hours, 4) : 0,
      fteShare: totalFte > 0 ? round(p.fte / totalFte, 4) : 0,
      nights: t.nights,
      weekends: t.weekends,
      bankHolidays: t.bankHolidays,
    };
  });
  const spreads: FairnessSpreads = {
    hoursPerFte: round(range(rows.map((r) => r.hours / r.fte))),
    hoursPerAvailableFte: round(range(rows.filter((r) => r.hoursPerAvailableFte !== null).map((r) => r.hoursPerAvailableFte!))),
    nightsPerFte: round(range(rows.map((r) => r.nights / r.fte))),
    weekendsPerFte: round(range(rows.map((r) => r.weekends / r.fte))),
    bankHolidaysPerFte: round(range(rows.map((r) => r.bankHolidays / r.fte))),
  };
  return {
    people: rows,
    excluded: rows
      .filter((r) => r.hoursPerAvailableFte === null)
      .map((r) => ({
        practitionerId: r.practitionerId,
        ...(r.displayName !== undefined ? { displayName: r.displayName } : {}),
        reasons: r.unavailableFor,
        hours: r.hours,
      })),
    totals: { ...totals, hours: round(totals.hours) },
    meanHoursPerFte: totalFte > 0 ? round(totals.hours / totalFte) : 0,
    spread: spreads.hoursPerAvailableFte,
    spreads,
  };
}

/**
 * Why a colleague could not be rostered is personal (leave can be sick leave, UK GDPR Art. 9; a suspension of an
 * approval, AMHP-07, is a workforce matter): a reader who may not see that AMHP's workforce facts (seesWorkforceFacts:
 * anyone but the AMHP herself and readers of practitioner records) is told only that she was unavailable, never why.
 * The figures (availability, hours ÷ available FTE, the spread) are the rota's and stay.
 */
export function reasonsAsSeen(reasons: UnavailableReason[], seesReasons: boolean): ShownUnavailableReason[] {
  if (seesReasons) return reasons;
  return reasons.length ? ['unavailable'] : [];
}

/** A fairness report as a reader sees it: the reasons of those whose reasons they may not see (`seesReasonsOf`) neutral. */
export function fairnessAsSeen<R extends FairnessReport>(
  report: R,
  seesReasonsOf: (practitionerId: string) => boolean,
): Omit<R, 'people' | 'excluded'> & {
  people: Array<Omit<FairnessRow, 'unavailableFor'> & { unavailableFor: ShownUnavailableReason[] }>;
  excluded: Array<Omit<ExcludedPerson, 'reasons'> & { reasons: ShownUnavailableReason[] }>;
} {
  return {
    ...report,
    people: report.people.map((r) => ({ ...r, unavailableFor: reasonsAsSeen(r.unavailableFor, seesReasonsOf(r.practitionerId)) })),
    excluded: report.excluded.map((r) => ({ ...r, reasons: reasonsAsSeen(r.reasons, seesReasonsOf(r.practitionerId)) })),
  };
}

/** Why an assignment was taken off (rota.assignment.removed `source`) that says why its AMHP became unavailable. */
const ABSENCE_SOURCES: ReadonlySet<unknown> = new Set(['leave', 'approval']);

/**
 * A rota event's payload as a reader sees it, by the rule of reasonsAsSeen: an assignment taken off because its AMHP
 * went on leave or lost her approval says `unavailable` to a reader who may not see her workforce facts.
 */
export function rotaPayloadAsSeen(payload: Record<string, unknown>, seesReasons: boolean): Record<string, unknown> {
  if (seesReasons || !ABSENCE_SOURCES.has(payload.source)) return payload;
  return { ...payload, source: 'unavailable' };
}
