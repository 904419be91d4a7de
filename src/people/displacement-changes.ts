import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * What follows when a person's s.29 displacement application is recorded or changed (NR-11, s.29(4)): a s.2 the
 * patient is already on is extended while an application on ground (c) or (d) made during it is before the court, so
 * the clocks of their open referrals move, and with them the queue's soonest deadline. The referrals module (which
 * depends on this module, not the other way round) registers the handler at start-up; it runs in the caller's
 * transaction, so the court's progress and the queue's order commit together.
 */
@Injectable()
export class DisplacementChanges {
  private handler: ((m: EntityManager, personId: string) => Promise<void>) | undefined;

  register(handler: (m: EntityManager, personId: string) => Promise<void>): void {
    this.handler = handler;
  }

  /** Nothing when no referrals module is registered. */
  changed(m: EntityManager, personId: string): Promise<void> {
    return this.handler ? this.handler(m, personId) : Promise.resolve();
  }
}
