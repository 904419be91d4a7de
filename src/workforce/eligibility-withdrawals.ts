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

/** An open offer of a referral to her, withdrawn because she may no longer act as an AMHP. */
export interface WithdrawnOffer {
  offerId: string;
  referralId: string;
  reference: string;
}

/** A referral allocated to her and not yet in assessment, handed back to the queue (status `accepted`). */
export interface ReturnedReferral {
  referralId: string;
  reference: string;
}

/** A referral in assessment with her as lead: the managers were paged to reallocate it. */
export interface ReferralToReallocate {
  referralId: string;
  reference: string;
  assessmentId: string;
}

/** What was done about her referrals (the referrals module's handler); all empty when she may still act now. */
export interface WithdrawnWork {
  offersWithdrawn: WithdrawnOffer[];
  allocationsReturned: ReturnedReferral[];
  awaitingReallocation: ReferralToReallocate[];
}

/** Nothing withdrawn: a fresh WithdrawnWork to fill. */
export const noWithdrawnWork = (): WithdrawnWork => ({ offersWithdrawn: [], allocationsReturned: [], awaitingReallocation: [] });

/** The consequences of a change that may take away her authority to act, as the answer to that change lists them. */
export interface EligibilityConsequences extends WithdrawnWork {
  removedFromRota: WithdrawnAssignment[];
}

type Handler<T> = (m: EntityManager, practitionerId: string) => Promise<T>;

/**
 * What happens when a change here may take away a practitioner's authority to act: a suspension (AMHP-07), an approval
 * ended early or shortened (AMHP-05, AMHP-08), a record made inactive or a registration lapsed (AMHP-03). Two modules
 * that depend on this one (not the other way round) register their handlers at start-up, both run in the caller's
 * transaction so that the change and its consequences commit together:
 * - the rota re-checks every assignment of theirs not yet over and takes off those they may no longer work;
 * - the referrals module, for an AMHP who may not act now (MHA 1983 s.114; s.13), withdraws her open offers, hands
 *   back to the queue the referrals allocated to her not yet in assessment, and pages the managers about those in
 *   assessment with her as lead; the person access each gave her ends with it.
 */
@Injectable()
export class EligibilityWithdrawals {
  private rota: Handler<WithdrawnAssignment[]> | undefined;
  private referrals: Handler<WithdrawnWork> | undefined;

  registerRota(handler: Handler<WithdrawnAssignment[]>): void {
    this.rota = handler;
  }

  registerReferrals(handler: Handler<WithdrawnWork>): void {
    this.referrals = handler;
  }

  /** The assignments taken off (earliest first) and what was done about her referrals; empty where nothing registered. */
  async recheck(m: EntityManager, practitionerId: string): Promise<EligibilityConsequences> {
    const removedFromRota = this.rota ? await this.rota(m, practitionerId) : [];
    const work = this.referrals ? await this.referrals(m, practitionerId) : noWithdrawnWork();
    return { removedFromRota, ...work };
  }
}
