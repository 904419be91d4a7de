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
 * - availability is the share of the period the AMHP could be rostered (not on approved leave); hours ÷
 *   (FTE × availability) compares people who were away for part of it.
 */
import { DateTime } from 'luxon';
import { isNight, Period } from './rota.rules';

export interface FairnessPerson {
  id: string;
  fte: number;
  displayName?: string;
  /** Share of the period they could be rostered, 0..1 (default 1). */
  availability?: number;
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
  /** max − min of hours ÷ (FTE × availability), over people available at some point. */
  hoursPerAvailableFte: number;
  nightsPerFte: number;
  weekendsPerFte: number;
  bankHolidaysPerFte: number;
}

export interface FairnessReport {
  people: FairnessRow[];
  totals: { people: number; fte: number; shifts: number; hours: number; nights: number; weekends: number; bankHolidays: number };
  meanHoursPerFte: number;
  /** Same as spreads.hoursPerFte. */
  spread: number;
  spreads: FairnessSpreads;
}

const HOUR = 3_600_000;
const round = (n: number, places = 2) => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};
const range = (values: number[]) => (values.length ? Math.max(...values) - Math.min(...values) : 0);

/** A weekend shift starts on a local Saturday or Sunday. */
export function isWeekend(p: Period, zone: string): boolean {
  return DateTime.fromJSDate(p.startsAt, { zone }).weekday >= 6;
}

export function fairnessReport(people: FairnessPerson[], worked: WorkedShift[], zone: string): FairnessReport {
  const byPerson = new Map<string, { shifts: number; hours: number; nights: number; weekends: number; bankHolidays: number }>();
  for (const p of people) byPerson.set(p.id, { shifts: 0, hours: 0, nights: 0, weekends: 0, bankHolidays: 0 });
  for (const w of worked) {
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
    const availability = Math.min(1, Math.max(0, p.availability ?? 1));
    return {
      practitionerId: p.id,
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      fte: p.fte,
      availability: round(availability, 4),
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
    totals: { ...totals, hours: round(totals.hours) },
    meanHoursPerFte: totalFte > 0 ? round(totals.hours / totalFte) : 0,
    spread: spreads.hoursPerFte,
    spreads,
  };
}
