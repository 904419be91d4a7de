import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

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
