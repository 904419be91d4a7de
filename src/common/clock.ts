import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/** The instant "now" reads inside `asAt` (its `at` may be moved by the caller as the work goes on). */
export interface Moment {
  at: Date;
}

const moments = new AsyncLocalStorage<Moment>();

/**
 * Runs `fn` with every clock reading `moment.at` as "now": the demo seed records two years of history through the
 * same services as the API, each step as at the time it happened. Outside `fn` the clocks are untouched.
 */
export function asAt<T>(moment: Moment, fn: () => Promise<T>): Promise<T> {
  return moments.run(moment, fn);
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
