import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

type Handler = (m: EntityManager, userId: string, at: Date) => Promise<unknown>;

/**
 * What happens when an AMHP is taken off a shift she is on now (a manager's removal, a swap, leave approved, or the
 * rules: AssignmentsService.unassignIn): she is no longer on duty, so what she held only as an AMHP on duty ends with
 * it. The referrals module, which depends on this one (not the other way round), registers its handler at start-up:
 * the access an escalation page gave her (DUTY-03, POL-09) ends. Handlers run in the removal's transaction, so that
 * the removal and what it ends commit together.
 */
@Injectable()
export class OffDuty {
  private readonly handlers: Handler[] = [];

  register(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** Runs every handler for `userId`, taken off duty at `at`, in the caller's transaction. */
  async takenOff(m: EntityManager, userId: string, at: Date): Promise<void> {
    for (const handler of this.handlers) await handler(m, userId, at);
  }
}
