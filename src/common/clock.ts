import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { addYears, type IsoDate, localDate } from '../statute/time';
import { UnprocessableProblem } from './problem';

/** The instant "now" reads inside `asAt` (its `at` may be moved by the caller as the work goes on). */
export interface Moment {
  at: Date;
}

const moments = new AsyncLocalStorage<Moment>();
/** How many asAt calls have not finished yet. */
let running = 0;

/**
 * Runs `fn` with every clock reading `moment.at` as "now": the demo seed records two years of history through the
 * same services as the API, each step as at the time it happened. Outside `fn` the clocks are untouched.
 */
export async function asAt<T>(moment: Moment, fn: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await moments.run(moment, fn);
  } finally {
    // An enabled store costs every promise of every request afterwards (Node 20 tracks them all for it); once the
    // last asAt has finished, nothing reads one, so the store is switched off until the next asAt.
    running -= 1;
    if (running === 0) moments.disable();
  }
}

const moved = (): Date | undefined => {
  const m = moments.getStore();
  return m ? new Date(m.at.getTime()) : undefined;
};

/** "Now", injectable so that tests move time instead of sleeping. */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return moved() ?? new Date();
  }
}

/** A clock that stands still until told to move; used by tests and benches. */
export class ManualClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }

  now(): Date {
    return moved() ?? new Date(this.current.getTime());
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** An instant from the database or a DTO as ISO 8601 (UTC), or null when there is none. */
export function isoOrNull(d: Date | string | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** A time a user records may be this far in the future (clocks drift; a phone's is rarely right to the second). */
export const RECORDED_SKEW_MS = 5 * 60_000;

const refusal = (field: string, message: string, code: string) =>
  new UnprocessableProblem(`${field} ${message}.`, code, { field, errors: [{ field, messages: [`${field} ${message}`] }] });

/**
 * A time a user records for something that happened (`value`, already a valid instant): not in the future, and not
 * more than `maxAgeDays` before `now` (a mistyped year would otherwise be kept, and a referral received in year 1 has
 * every clock breached and leads the queue). Otherwise 422 naming `field`.
 */
export function recordedInstant(value: string | Date, field: string, now: Date, maxAgeDays: number): Date {
  const at = new Date(value);
  if (at.getTime() > now.getTime() + RECORDED_SKEW_MS) throw refusal(field, 'cannot be in the future', 'in-future');
  if (at.getTime() < now.getTime() - maxAgeDays * 86_400_000)
    throw refusal(field, `cannot be more than ${maxAgeDays} days before it is recorded`, 'too-long-ago');
  return at;
}

/**
 * How far back a calendar date of a practitioner's own record (training completed, a supervision session or an
 * appraisal held) may be recorded: beyond any approval the record can count toward (five years, AMHP-05), and well short
 * of a mistyped year (1800 for 2018) kept as history.
 */
export const RECORDED_DATE_MAX_AGE_YEARS = 10;

/**
 * A calendar date a user records for something that happened (`value`, already a valid YYYY-MM-DD): not after
 * `today` (training booked is not training completed: it would count toward AMHP-06 before it happens), and not more
 * than `maxAgeYears` before it. Otherwise 422 naming `field`: `in-future` or `too-long-ago`.
 */
export function recordedDate(value: IsoDate, field: string, today: IsoDate, maxAgeYears = RECORDED_DATE_MAX_AGE_YEARS): IsoDate {
  if (value > today) throw refusal(field, `cannot be after today (${today})`, 'in-future');
  const earliest = addYears(today, -maxAgeYears);
  if (value < earliest) throw refusal(field, `cannot be more than ${maxAgeYears} years before today (before ${earliest})`, 'too-long-ago');
  return value;
}

/**
 * A time or date recorded about a person's life (`value`: an instant, read as its local day in `timeZone`, or a
 * calendar date): not before the day the person was born, when their date of birth is known. A s.29 application filed,
 * an objection notified or a nominated person appointed before the person existed cannot be true (and NR-11 reads the
 * filing date). Otherwise 422 naming `field`: `before-birth`.
 */
export function notBeforeBirth(value: Date | IsoDate, field: string, dateOfBirth: IsoDate | null, timeZone: string): void {
  if (!dateOfBirth) return;
  const day = typeof value === 'string' ? value : localDate(value, timeZone);
  if (day < dateOfBirth) throw refusal(field, `cannot be before the person's date of birth (${dateOfBirth})`, 'before-birth');
}

/**
 * A time another system reports, by its own clock, for something that happened after `since.at` (a gateway's receipt
 * for a page it was asked to deliver): not in the future and not before `since.at`, each within RECORDED_SKEW_MS
 * (the two clocks may disagree by that much either way). Otherwise 422 naming `field`: `in-future`, or `since.code`.
 */
export function reportedInstant(value: string | Date, field: string, now: Date, since: { at: Date; code: string; what: string }): Date {
  const at = new Date(value);
  if (at.getTime() > now.getTime() + RECORDED_SKEW_MS) throw refusal(field, 'cannot be in the future', 'in-future');
  if (at.getTime() < since.at.getTime() - RECORDED_SKEW_MS)
    throw refusal(field, `cannot be before ${since.what} (${since.at.toISOString()})`, since.code);
  return at;
}
