import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { PagesService } from '../pages/pages.service';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { formatLocal } from '../statute/clocks';
import { clockChainKey, clockOfChain, clockPageMove, clockStage, LAST_STEP } from './escalation.rules';
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
 * end: a clock whose deadline moved later past its stage (a s.136B extension, POL-08; a time corrected) first has its
 * pages and warnings of the old end closed (`deadline-moved`), so that its holder is told again as the new end nears,
 * at each lead and at the breach, and the old end's pages are passed on to no one (DUTY-01, DUTY-03); one moved later
 * within its stage has them put right where they stand (no second buzz for a few minutes more); one moved earlier,
 * however little, closes them and wakes her again by the new end (settle, clockPageMove).
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
   * Puts what the referral's clocks told its holder in line with their ends now, before anything new is raised, so that
   * no page or warning standing shows an end that is no longer true (clockPageMove, per chain standing):
   * - an end moved later within the stage: the pages of the chain and its warning are put right where they stand
   *   (PagesService.moveEnd, NotificationsService.reword: audited, `page.updated`, `notification.updated`), not sent
   *   again;
   * - an end moved later past the stage, or moved earlier: the clock's pages and warnings are closed, those
   *   acknowledged or read too (PagesService.closeFor, NotificationsService.close: `deadline-moved`), and raise tells
   *   its holder again by the end as it stands.
   * `chains`: the referral's standing clock chains, when the caller read them already; how many clocks moved.
   */
  async settle(
    m: EntityManager,
    r: Pick<ClockAlertSubject, 'id' | 'reference' | 'clocks'>,
    now: Date,
    chains?: ReadonlyArray<{ chainKey: string; endsAt: Date | null }>,
  ): Promise<number> {
    const standing = chains ?? (await this.pages.currentChains(m, `clock:${r.id}:`, [r.id]));
    let moved = 0;
    for (const clock of r.clocks) {
      const stage = this.stageOf(clock, now);
      const deadline = new Date(clock.deadline);
      const mine = standing.flatMap((c) => {
        const keyed = clockOfChain(c.chainKey);
        return keyed?.clockId === clock.id
          ? [{ ...c, stage: keyed.stage, move: clockPageMove({ stage: keyed.stage, endsAt: c.endsAt }, deadline, stage) }]
          : [];
      });
      if (mine.some((c) => c.move === 'again')) {
        await this.pages.closeFor(m, r.id, 'clock', 'deadline-moved', { clockId: clock.id });
        await this.notifications.close(m, { subjectId: r.id, dedupPrefix: `clock:${r.id}:${clock.id}:` }, 'deadline-moved');
        moved++;
        continue;
      }
      const toUpdate = mine.filter((c) => c.move === 'update');
      for (const c of toUpdate) {
        await this.pages.moveEnd(m, r.id, c.chainKey, deadline);
        await this.notifications.reword(m, { subjectId: r.id, dedupKey: c.chainKey }, this.words(r, clock, c.stage));
      }
      if (toUpdate.length) moved++;
    }
    return moved;
  }

  /** What a clock's warning or breach says: its end in the service's local time, with its zone (BST or GMT). */
  private words(
    r: Pick<ClockAlertSubject, 'reference'>,
    clock: ClockAlertSubject['clocks'][number],
    stage: string,
  ): { title: string; body: string } {
    const breach = stage === 'breach';
    return {
      title: breach
        ? `${r.reference}: ${clock.label} has passed`
        : `${r.reference}: ${clock.label} ends in ${formatMinutes(Number(stage))}`,
      body: `${breach ? 'Ended' : 'Ends'} at ${formatLocal(new Date(clock.deadline), this.config.timeZone)}.`,
    };
  }

  /**
   * Tells whoever holds the job about each of its clocks due now (in the caller's transaction); how many notifications
   * and pages were new. Without `unallocated` (whileQueued), a job nobody holds is left to the clock job.
   */
  async raise(
    m: EntityManager,
    r: ClockAlertSubject,
    now: Date,
    unallocated?: Unallocated,
    chains?: ReadonlyArray<{ chainKey: string; endsAt: Date | null }>,
  ): Promise<{ raised: number; paged: number }> {
    let raised = 0;
    let paged = 0;
    const holder = r.allocatedUserId;
    if (!holder && !unallocated) return { raised, paged };
    // What was told of an end that no longer stands goes first: the new end's warnings are new (settle).
    await this.settle(m, r, now, chains);
    for (const { clock, stage } of this.due(r, now)) {
      const breach = stage === 'breach';
      const key = clockChainKey(r.id, clock.id, stage);
      raised += await this.notifications.notify(m, {
        userIds: holder ? [holder] : await unallocated!.managers(),
        kind: breach ? 'clock.breached' : 'clock.warning',
        severity: breach ? 'urgent' : 'warning',
        ...this.words(r, clock, stage),
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
          endsAt: new Date(clock.deadline),
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
