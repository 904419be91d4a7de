import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Finding } from './workforce.rules';

/** A shift assignment taken off the rota because its AMHP may no longer act for the whole of it. */
export interface WithdrawnAssignment {
  assignmentId: string;
  shiftId: string;
  startsAt: string;
  endsAt: string;
  /** The hard eligibility findings that took it off (e.g. approval-suspended, AMHP-07). */
  findings: Finding[];
}

/**
 * What happens to the rota when a change here may take away a practitioner's authority to act: a suspension
 * (AMHP-07), an approval ended early or shortened (AMHP-05, AMHP-08), a record made inactive or a registration lapsed
 * (AMHP-03). The rota (which depends on this module, not the other way round) registers the handler at start-up; it
 * re-checks every assignment of theirs not yet over and takes off those they may no longer work, in the caller's
 * transaction, so the change and its consequence for "who is on duty" commit together.
 */
@Injectable()
export class EligibilityWithdrawals {
  private handler: ((m: EntityManager, practitionerId: string) => Promise<WithdrawnAssignment[]>) | undefined;

  register(handler: (m: EntityManager, practitionerId: string) => Promise<WithdrawnAssignment[]>): void {
    this.handler = handler;
  }

  /** The assignments taken off, earliest first (none when no rota is registered). */
  recheck(m: EntityManager, practitionerId: string): Promise<WithdrawnAssignment[]> {
    return this.handler ? this.handler(m, practitionerId) : Promise.resolve([]);
  }
}
