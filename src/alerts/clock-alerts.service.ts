import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PagesService } from '../pages/pages.service';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { formatLocal } from '../statute/clocks';
import { clockChainKey, clockOfChain, clockStage, LAST_STEP, pagedForEarlierDeadline } from './escalation.rules';
import { NotificationsService } from './notifications.service';

/** A referral's clocks as the warnings need them: ids, labels and deadlines only (no person data). */
export interface ClockAlertSubject {
  id: string;
  reference: string;
  allocatedUserId: string | null;
  clocks: ReadonlyArray<{ id: string; label: string; deadline: string }>;
}

/**
 * Who is told when no AMHP holds the job: the managers' notification, and the top of the chain paged (the managers on
 * call, ManagerOnCallService.managersOnCall).
 */
export interface Unallocated {
  managers: () => Promise<string[]>;
  topOfChain: () => Promise<string[]>;
}

/**
 * The warnings of a job's clocks (DUTY-01, DUTY-03), in one place for the clock job (every minute), for a job that
 * comes to an AMHP (allocated, reallocated, an offer accepted) and for one sent back to the queue (nobody holds it):
 * each clock at a warning or breach stage now (clockStage) is told to whoever holds the job, a notification
 * (`clock.warning`, `clock.breached`) and a page, step 0 of the clock's chain (`clock:<referral>:<clock>:<stage>`,
 * escalated by the clock-escalation job while nobody acknowledges it). With no AMHP holding it, the managers are
 * notified and the manager on call (or every manager) is paged, the chain's last step. Both are keyed per person and
 * stage, so the clock job and a change of holder raise each once between them, and only what the clock rules say is
 * due now. Once per episode: a change of holder first closes the job's clock pages and warnings (PagesService.closeFor,
 * NotificationsService.close), those acknowledged or read too, so whoever the job comes back to (the AMHP it was taken
 * from, the managers on call when it is back in the queue) is told again, though she answered before. And once per
 * end: a clock whose deadline moved later (a s.136B extension, POL-08; a time corrected) first has its pages and
 * warnings of the old end closed (`deadline-moved`, pagedForEarlierDeadline), so that its holder is told again as the
 * new end nears, at each lead and at the breach, and the old end's pages are passed on to no one (DUTY-01, DUTY-03).
 */
@Injectable()
export class ClockAlerts {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly pages: PagesService,
    private readonly config: AppConfig,
    private readonly onCall: ManagerOnCallService,
  ) {}

  /**
   * Who is told of the clocks of a job nobody holds, at `now` in the transaction `m`: the managers (notified) and the
   * managers on call (ManagerOnCallService.managersOnCall, paged), each read once, when first needed, however many
   * jobs they are told of (the clock job's pass).
   */
  whileQueued(m: EntityManager, now: Date): Unallocated {
    let managers: Promise<string[]> | undefined;
    let topOfChain: Promise<string[]> | undefined;
    return {
      managers: () => (managers ??= this.notifications.managerIds(m)),
      topOfChain: () => (topOfChain ??= this.onCall.managersOnCall(m, now).then((last) => last.userIds)),
    };
  }

  /** The stage of a clock now (clockStage with the configured leads): null while no lead is reached. */
  stageOf(clock: { deadline: string }, now: Date): string | null {
    return clockStage(new Date(clock.deadline), now, this.config.clockWarningLeadsMinutes);
  }

  /** The clocks of the referral at a warning or breach stage now, with the stage. */
  due(r: Pick<ClockAlertSubject, 'clocks'>, now: Date): Array<{ clock: ClockAlertSubject['clocks'][number]; stage: string }> {
    return r.clocks.flatMap((clock) => {
      const stage = this.stageOf(clock, now);
      return stage ? [{ clock, stage }] : [];
    });
  }

  /**
   * Closes the pages and warnings of each clock of the referral that warned of an end no longer standing (its deadline
   * moved later since: pagedForEarlierDeadline), those acknowledged or read too (PagesService.closeFor,
   * NotificationsService.close: `deadline-moved`); how many clocks.
   */
  async settle(m: EntityManager, r: Pick<ClockAlertSubject, 'id' | 'clocks'>, now: Date): Promise<number> {
    const chains = (await this.pages.currentChains(m, `clock:${r.id}:`, r.id)).map((c) => c.chainKey);
    let moved = 0;
    for (const clock of r.clocks) {
      const stage = this.stageOf(clock, now);
      const earlier = chains.some((key) => {
        const keyed = clockOfChain(key);
        return keyed?.clockId === clock.id && pagedForEarlierDeadline(keyed.stage, stage);
      });
      if (!earlier) continue;
      await this.pages.closeFor(m, r.id, 'clock', 'deadline-moved', { clockId: clock.id });
      await this.notifications.close(m, { subjectId: r.id, dedupPrefix: `clock:${r.id}:${clock.id}:` }, 'deadline-moved');
      moved++;
    }
    return moved;
  }

  /**
   * Tells whoever holds the job about each of its clocks due now (in the caller's transaction); how many notifications
   * and pages were new. Without `unallocated` (whileQueued), a job nobody holds is left to the clock job.
   */
  async raise(m: EntityManager, r: ClockAlertSubject, now: Date, unallocated?: Unallocated): Promise<{ raised: number; paged: number }> {
    let raised = 0;
    let paged = 0;
    const holder = r.allocatedUserId;
    if (!holder && !unallocated) return { raised, paged };
    // What was told of an end that no longer stands goes first: the new end's warnings are new (settle).
    await this.settle(m, r, now);
    for (const { clock, stage } of this.due(r, now)) {
      const deadline = new Date(clock.deadline);
      const breach = stage === 'breach';
      const key = clockChainKey(r.id, clock.id, stage);
      raised += await this.notifications.notify(m, {
        userIds: holder ? [holder] : await unallocated!.managers(),
        kind: breach ? 'clock.breached' : 'clock.warning',
        severity: breach ? 'urgent' : 'warning',
        title: breach
          ? `${r.reference}: ${clock.label} has passed`
          : `${r.reference}: ${clock.label} ends in ${formatMinutes(Number(stage))}`,
        // The deadline in the service's local time, with its zone (BST or GMT), as the hub reads it.
        body: `${breach ? 'Ended' : 'Ends'} at ${formatLocal(deadline, this.config.timeZone)}.`,
        link: `/referrals/${r.id}`,
        subjectType: 'referral',
        subjectId: r.id,
        dedupKey: key,
      });
      paged += (
        await this.pages.raise(m, {
          kind: breach ? 'clock-breach' : 'clock-warning',
          recipientUserIds: holder ? [holder] : await unallocated!.topOfChain(),
          chainKey: key,
          step: holder ? 0 : LAST_STEP,
          referralId: r.id,
          subjectType: 'referral',
          subjectId: r.id,
        })
      ).length;
    }
    return { raised, paged };
  }
}

function formatMinutes(min: number): string {
  return min % 60 === 0 ? `${min / 60} h` : `${min} min`;
}
