import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { CtoExtensionsService } from '../cto-extensions/cto-extensions.service';
import { PagesService } from '../pages/pages.service';
import { offerChainKey, ReferralsService } from '../referrals/referrals.service';
import { ManagerOnCallService } from '../rota/manager-on-call.service';
import { AssignmentsService } from '../rota/assignments.service';
import { formatLocal } from '../statute/clocks';
import { DutyService } from '../rota/duty.service';
import { HandoversService } from '../safeguarding/handovers.service';
import { DecisionsService } from '../safeguarding/decisions.service';
import { SupervisionService } from '../supervision/supervision.service';
import { ApprovalsService } from '../workforce/approvals.service';
import { PractitionersService } from '../workforce/practitioners.service';
import { TrainingService } from '../workforce/training.service';
import type { Actor } from '../auth/actor';
import { clockOfChain, DutyPicture, LAST_STEP, pagedForEarlierDeadline, remainingSteps } from './escalation.rules';
import { ClockAlerts } from './clock-alerts.service';
import { JobRunner } from './job-runner.service';
import { NotificationsService } from './notifications.service';

const MINUTE = 60_000;

/**
 * The scheduled jobs, registered with the JobRunner (which runs each once per period across replicas). Each job
 * looks at the current state and raises notifications keyed so that a warning is raised once however often it runs;
 * the rules themselves stay in their modules (clocks in statute/clocks via ReferralsService, coverage gaps in
 * rota.rules via DutyService, reminder stages in workforce.rules via ApprovalsService).
 *
 * Escalation follows the chain of DUTY-03 (escalation.rules.ts): the next AMHP on duty, the senior on duty, then the
 * manager on call the rota names (GET /rota/on-duty), or every manager when it names none. Each step is paged
 * (src/pages) and written on the referral's timeline.
 */
@Injectable()
export class AlertJobs implements OnModuleInit {
  constructor(
    private readonly runner: JobRunner,
    private readonly notifications: NotificationsService,
    private readonly referrals: ReferralsService,
    private readonly handovers: HandoversService,
    private readonly duty: DutyService,
    private readonly approvals: ApprovalsService,
    private readonly decisions: DecisionsService,
    private readonly training: TrainingService,
    private readonly practitioners: PractitionersService,
    private readonly supervision: SupervisionService,
    private readonly config: AppConfig,
    private readonly pages: PagesService,
    private readonly onCall: ManagerOnCallService,
    private readonly audit: AuditService,
    private readonly assignments: AssignmentsService,
    private readonly clockAlerts: ClockAlerts,
    private readonly ctoExtensions: CtoExtensionsService,
  ) {}

  onModuleInit(): void {
    this.runner.register({ name: 'clock-warnings', every: 'minute', run: (m, now) => this.clockWarnings(m, now) });
    this.runner.register({ name: 'offer-escalation', every: 'minute', run: (m, now) => this.offerEscalation(m, now) });
    this.runner.register({ name: 'clock-escalation', every: 'minute', run: (m, now) => this.clockEscalation(m, now) });
    // An AMHP who may no longer act (a suspension taking effect, an approval run out, an account disabled) loses her
    // offers, allocations and the access they gave, though nobody recorded anything that moment (MHA 1983 s.114).
    this.runner.register({ name: 'ineligible-amhp-work', every: 'minute', run: (m, now) => this.referrals.withdrawFromIneligible(m, now) });
    // ... and an account disabled or without the amhp role loses its rota places (AMHP-11), wherever it was changed.
    this.runner.register({ name: 'ineligible-amhp-rota', every: 'minute', run: (_m, now) => this.assignments.removeBarredAccounts(now) });
    this.runner.register({ name: 'handover-compile', every: 'minute', run: (m, now) => this.handoverCompile(m, now) });
    this.runner.register({ name: 'handover-escalation', every: 'minute', run: (m, now) => this.handoverEscalation(m, now) });
    this.runner.register({
      name: 'rota-gaps-14d',
      every: 'day',
      at: '07:00',
      run: (m, now) => this.rotaGaps(m, now, 14 * 24 * 60 * MINUTE, '14d'),
    });
    this.runner.register({ name: 'rota-gaps-24h', every: 'hour', run: (m, now) => this.rotaGaps(m, now, 24 * 60 * MINUTE, '24h') });
    this.runner.register({ name: 'approvals-expiring', every: 'day', at: '07:00', run: (m) => this.approvalsExpiring(m) });
    this.runner.register({ name: 'dols-ending', every: 'hour', run: (m, now) => this.dolsEnding(m, now) });
    // CTO-04 (MHA 1983 s.20A(8)): an AMHP's statement on extending a CTO not made as its deadline nears, and the CTO
    // lapsed without it (CtoExtensionsService.statementWarnings, its leads CTO_STATEMENT_WARNING_LEADS_HOURS).
    this.runner.register({ name: 'cto-statement-due', every: 'minute', run: (m, now) => this.ctoExtensions.statementWarnings(m, now) });
    this.runner.register({ name: 'training-short', every: 'day', at: '07:00', run: (m) => this.trainingShort(m) });
    this.runner.register({ name: 'supervision-overdue', every: 'day', at: '07:00', run: (m) => this.supervisionOverdue(m) });
    // Signed audit checkpoints every AUDIT_CHECKPOINT_EVERY events of each lane, after verifying the lane up to them.
    this.runner.register({ name: 'audit-checkpoints', every: 'minute', run: (m) => this.audit.writeCheckpoints(m) });
  }

  /**
   * Statutory clocks of open referrals: a warning at each lead time before the deadline (only the nearest lead
   * reached, so a referral first seen 30 minutes from its deadline is not warned "4 hours" too), and the breach
   * (ClockAlerts, the same warnings a job coming to an AMHP raises at once). To the allocated AMHP, else the managers;
   * and paged: the allocated AMHP as step 0 of the clock's chain (escalated by clockEscalation while nobody
   * acknowledges it), else the manager on call (or every manager), its last step. Whoever holds each job is read
   * afresh just before she is warned, so that a job reallocated meanwhile warns its new holder, not the one it left.
   */
  async clockWarnings(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    let raised = 0;
    let paged = 0;
    const unallocated = this.clockAlerts.whileQueued(m, now);
    const open = await this.referrals.openForHandover(m);
    // The open jobs' clock chains standing now: one whose deadline moved (a s.136B extension, a time corrected) may
    // have nothing due, and its pages of the old end must still be put right or stop waiting (ClockAlerts.settle, in
    // raise). Only the open referrals': a closed one's chains matter to no one, and are not read each minute.
    const chains = new Map<string, Array<{ chainKey: string; endsAt: Date | null }>>();
    for (const c of await this.pages.currentChains(
      m,
      'clock:',
      open.map((r) => r.id),
    ))
      chains.set(c.referralId, [...(chains.get(c.referralId) ?? []), c]);
    for (const r of open) {
      if (!this.clockAlerts.due(r, now).length && !chains.has(r.id)) continue;
      const holder = await this.referrals.holderOf(m, r.id);
      if (!holder) continue;
      const done = await this.clockAlerts.raise(
        m,
        { ...r, allocatedUserId: holder.allocatedUserId },
        now,
        unallocated,
        chains.get(r.id) ?? [],
      );
      raised += done.raised;
      paged += done.paged;
    }
    return { raised, paged };
  }

  /** Who is on duty now, for the escalation chain; its last step, the managers on call (ManagerOnCallService.managersOnCall). */
  private async dutyPicture(m: EntityManager, now: Date): Promise<DutyPicture> {
    const { onDuty } = await this.duty.onDuty(now.toISOString());
    const last = await this.onCall.managersOnCall(m, now);
    return {
      amhps: onDuty.flatMap((s) => s.amhps.map((a) => ({ userId: a.userId, skills: a.skills }))),
      managerOnCall: last.to === 'manager-on-call' ? last.userIds[0] : null,
      managers: last.to === 'managers' ? last.userIds : [],
    };
  }

  /**
   * DUTY-03 for clocks: a clock page (warning or breach) nobody in its chain has acknowledged OFFER_ESCALATION_MINUTES
   * after its last step goes to the next step (never back to the allocated AMHP), on a referral still open. The AMHP
   * paged may read the referral's person while the page's purpose stands (ReferralsService.grantEscalationAccess).
   * Each step on the referral's timeline.
   */
  async clockEscalation(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    const cutoff = new Date(now.getTime() - this.config.offerEscalationMinutes * MINUTE);
    const chains = (await this.pages.chainsDue(m, 'clock:', cutoff)).filter((c) => !c.acknowledged && c.referralId);
    if (!chains.length) return { escalated: 0 };
    const open = new Map((await this.referrals.openForHandover(m)).map((r) => [r.id, r]));
    let picture: DutyPicture | undefined;
    let escalated = 0;
    for (const chain of chains) {
      const referral = open.get(chain.referralId!);
      if (!referral) continue;
      // The clock this chain warns about (clockChainKey): a warning stops with the clock (the assessment began in
      // time); a breach is still owed an answer while the referral is open.
      const keyed = clockOfChain(chain.chainKey);
      const clock = keyed && referral.clocks.find((c) => c.id === keyed.clockId);
      if (!keyed || !clock || (keyed.stage !== 'breach' && clock.state === 'stopped')) continue;
      // A warning of an end that no longer stands (the deadline moved later) is passed on to no one (ClockAlerts.settle).
      if (pagedForEarlierDeadline(keyed.stage, this.clockAlerts.stageOf(clock, now))) continue;
      picture ??= await this.dutyPicture(m, now);
      const exclude = new Set(referral.allocatedUserId ? [referral.allocatedUserId] : []);
      const skipped: number[] = [];
      for (const s of remainingSteps(chain.step, new Set(chain.recipients), exclude, picture)) {
        if (!s.candidates.length) {
          skipped.push(s.step);
          continue;
        }
        const to = s.step < LAST_STEP ? [s.candidates[0]] : s.candidates;
        await this.pages.raise(m, {
          kind: 'escalation',
          recipientUserIds: to,
          chainKey: chain.chainKey,
          step: s.step,
          reason: 'clock-not-acknowledged',
          endsAt: new Date(clock.deadline),
          referralId: referral.id,
          subjectType: 'referral',
          subjectId: referral.id,
        });
        await this.referrals.recordEscalation(m, referral.id, {
          chain: chain.chainKey,
          step: s.step,
          reason: 'clock-not-acknowledged',
          to: s.to,
          toUserIds: to,
          skipped,
          dutyAccessFor: s.step < LAST_STEP ? to : [],
        });
        escalated++;
        break;
      }
    }
    return { escalated };
  }

  /**
   * DUTY-03 for offers: a referral still waiting for an AMHP whose offer nobody has accepted OFFER_ESCALATION_MINUTES
   * after the chain was last paged goes to the next step: offered to the next AMHP on duty, then to the senior on
   * duty, then the manager on call (or every manager) is paged and notified. A step with nobody free is skipped at
   * once. Each step on the referral's timeline.
   */
  async offerEscalation(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    const cutoff = new Date(now.getTime() - this.config.offerEscalationMinutes * MINUTE);
    const rows = await this.referrals.unansweredOffers(m, cutoff);
    if (!rows.length) return { escalated: 0 };
    let picture: DutyPicture | undefined;
    let escalated = 0;
    let raised = 0;
    for (const r of rows) {
      const chainKey = offerChainKey(r.referralId);
      const chain = await this.pages.chain(m, chainKey);
      if (chain && (chain.step >= LAST_STEP || chain.lastPagedAt > cutoff)) continue;
      picture ??= await this.dutyPicture(m, now);
      const skipped: number[] = [];
      for (const s of remainingSteps(chain?.step ?? 0, new Set(chain?.recipients ?? []), new Set(), picture)) {
        if (s.step < LAST_STEP) {
          const to = s.candidates.length ? await this.referrals.escalateOffer(m, r.referralId, s.candidates, s.step) : null;
          if (!to) {
            skipped.push(s.step);
            continue;
          }
          await this.referrals.recordEscalation(m, r.referralId, {
            chain: chainKey,
            step: s.step,
            reason: 'offer-not-accepted',
            to: s.to,
            toUserIds: [to],
            skipped,
          });
          escalated++;
          break;
        }
        await this.pages.raise(m, {
          kind: 'escalation',
          recipientUserIds: s.candidates,
          chainKey,
          step: s.step,
          reason: 'offer-not-accepted',
          referralId: r.referralId,
          subjectType: 'referral',
          subjectId: r.referralId,
        });
        raised += await this.notifications.notify(m, {
          userIds: s.candidates,
          kind: 'offer.escalated',
          severity: 'urgent',
          title: `${r.reference}: offered and not accepted`,
          body: `First offered at ${formatLocal(new Date(r.firstOfferedAt), this.config.timeZone)}; nobody on duty has accepted it (DUTY-03).`,
          link: `/referrals/${r.referralId}`,
          subjectType: 'referral',
          subjectId: r.referralId,
          // The offer chain's key: closed with why when the offer ends (ReferralsService.withdrawOffers).
          dedupKey: chainKey,
        });
        await this.referrals.recordEscalation(m, r.referralId, {
          chain: chainKey,
          step: s.step,
          reason: 'offer-not-accepted',
          to: s.to,
          toUserIds: s.candidates,
          skipped,
        });
        escalated++;
        break;
      }
    }
    return { escalated, raised };
  }

  /**
   * The morning handover's compilation (HandoversService.tick: compiles once HANDOVER_TIME has passed), and the page to
   * the manager on call (or every manager) that it is ready, once per handover, on the day it was compiled.
   */
  async handoverCompile(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    await this.handovers.tick();
    const latest = await this.handovers.latestCompiled(m);
    if (!latest || now.getTime() - new Date(latest.compiledAt).getTime() > 24 * 60 * MINUTE) return {};
    const paged = await this.pages.raise(m, {
      kind: 'handover',
      recipientUserIds: (await this.onCall.managersOnCall(m, now)).userIds,
      chainKey: `handover:${latest.date}`,
      step: LAST_STEP,
      subjectType: 'handover',
      subjectId: latest.date,
    });
    return { paged: paged.length };
  }

  /** Items of the latest handover left unacknowledged HANDOVER_ESCALATION_MINUTES after it was compiled: to the managers. */
  async handoverEscalation(m: EntityManager, now: Date): Promise<Record<string, unknown>> {
    const rows = await this.handovers.unacknowledgedItems(m, new Date(now.getTime() - this.config.handoverEscalationMinutes * MINUTE));
    if (!rows.length) return { raised: 0 };
    const managers = await this.notifications.managerIds(m);
    let raised = 0;
    for (const i of rows) {
      raised += await this.notifications.notify(m, {
        userIds: managers,
        kind: 'handover.escalated',
        severity: 'warning',
        title: `Handover ${i.handoverDate}: a ${i.itemType} item is still unacknowledged`,
        link: `/handovers/${i.handoverDate}`,
        subjectType: 'handover-item',
        subjectId: i.id,
        dedupKey: `handover:${i.id}`,
      });
    }
    return { unacknowledged: rows.length, raised };
  }

  /**
   * Rota gaps in the window ahead (rota.rules coverageGaps via DutyService): shifts short of AMHPs or skills, and holes
   * between planned shifts. The open ends before the first and after the last shift of the window are not reported
   * (that part of the rota may simply not be planned yet).
   */
  async rotaGaps(m: EntityManager, now: Date, spanMs: number, window: string): Promise<Record<string, unknown>> {
    const to = new Date(now.getTime() + spanMs);
    const { gaps } = await this.duty.coverage(now, to);
    const reported = gaps.filter((g) => g.shiftId || (new Date(g.startsAt) > now && new Date(g.endsAt) < to));
    if (!reported.length) return { gaps: 0, raised: 0 };
    const managers = await this.notifications.managerIds(m);
    let raised = 0;
    for (const g of reported) {
      const what =
        g.kind === 'understaffed'
          ? `${g.missing} AMHP${g.missing === 1 ? '' : 's'} short`
          : g.kind === 'skill-missing'
            ? `missing ${g.missingSkills.join(', ')}`
            : 'no shift planned';
      raised += await this.notifications.notify(m, {
        userIds: managers,
        kind: 'rota.gap',
        severity: window === '24h' ? 'urgent' : 'warning',
        title: `Rota gap ${g.startsAt}${g.label ? ` (${g.label})` : ''}: ${what}`,
        link: g.shiftId
          ? `/rota/shifts/${g.shiftId}`
          : `/rota/coverage?from=${encodeURIComponent(g.startsAt)}&to=${encodeURIComponent(g.endsAt)}`,
        subjectType: g.shiftId ? 'shift' : 'rota',
        subjectId: g.shiftId,
        dedupKey: `gap:${g.shiftId ?? `none:${g.startsAt}:${g.endsAt}`}:${window}`,
      });
    }
    return { gaps: reported.length, raised };
  }

  /** Approvals at a reminder stage (APPROVAL_REMINDER_DAYS, workforce.rules reminderStage) and not renewed: the AMHP and the managers. */
  async approvalsExpiring(m: EntityManager): Promise<Record<string, unknown>> {
    const stages = this.config.approvalReminderDays;
    const due = (await this.approvals.reapprovalDue()).filter((a) => !a.renewed && stages.includes(a.reminderStage));
    if (!due.length) return { raised: 0 };
    const managers = await this.notifications.managerIds(m);
    const userOf = await this.practitioners.userIdsOf(
      m,
      due.map((a) => a.practitionerId),
    );
    let raised = 0;
    for (const a of due) {
      const amhp = userOf.get(a.practitionerId);
      raised += await this.notifications.notify(m, {
        userIds: [...(amhp ? [amhp] : []), ...managers],
        kind: 'approval.expiring',
        severity: a.reminderStage <= 30 ? 'urgent' : 'warning',
        title: `AMHP approval ends on ${a.endsOn} (${a.daysLeft} days)`,
        link: `/practitioners/${a.practitionerId}/approvals`,
        subjectType: 'approval',
        subjectId: a.approvalId,
        dedupKey: `approval:${a.approvalId}:${a.reminderStage}`,
      });
    }
    return { due: due.length, raised };
  }

  /**
   * DoLS urgent authorisations (and extensions) ending within 24 h (OOH-04/05): the managing authority must have a
   * standard authorisation decided, or ask the supervisory body to extend once. To the author and the managers.
   */
  async dolsEnding(m: EntityManager, now: Date): Promise<DolsEndingResult> {
    let raised = 0;
    let managers: string[] | undefined;
    for (const d of await this.decisions.dolsClocksOfSigned(m)) {
      // The clock that governs now: the extended end when there is one, else the urgent authorisation's.
      const clock = d.clocks.find((c) => c.id === 'dols-extended') ?? d.clocks.find((c) => c.id === 'dols-urgent');
      if (!clock) continue;
      const left = clock.deadline.getTime() - now.getTime();
      if (left <= 0 || left > DOLS_LEAD_HOURS * 60 * MINUTE) continue;
      managers ??= await this.notifications.managerIds(m);
      raised += await this.notifications.notify(m, {
        userIds: [...new Set([d.authorUserId, ...managers])],
        kind: 'dols.ending',
        severity: 'urgent',
        title: `${clock.label} ends within ${DOLS_LEAD_HOURS} h`,
        body: clock.basis,
        link: `/decisions/${d.id}`,
        subjectType: 'decision',
        subjectId: d.id,
        dedupKey: `dols:${d.id}:${clock.id}:${DOLS_LEAD_HOURS}h`,
      });
    }
    return { raised };
  }

  /** AMHP-06: practitioners short of refresher training in their approval year: the AMHP and the managers, once per year. */
  async trainingShort(m: EntityManager): Promise<Record<string, unknown>> {
    const short = await this.training.shortfalls();
    if (!short.length) return { short: 0, raised: 0 };
    const managers = await this.notifications.managerIds(m);
    const userOf = await this.practitioners.userIdsOf(
      m,
      short.map((x) => x.practitionerId),
    );
    let raised = 0;
    for (const x of short) {
      const amhp = userOf.get(x.practitionerId);
      raised += await this.notifications.notify(m, {
        userIds: [...(amhp ? [amhp] : []), ...managers],
        kind: 'training.short',
        severity: x.status === 'short' ? 'urgent' : 'warning',
        title: `${x.displayName}: ${x.shortfallHours} h of refresher training short for approval year ${x.approvalYear} (due by ${x.dueBy})`,
        link: `/practitioners/${x.practitionerId}/training`,
        subjectType: 'practitioner',
        subjectId: x.practitionerId,
        dedupKey: `training:${x.practitionerId}:${x.approvalYear}:${x.status}`,
      });
    }
    return { short: short.length, raised };
  }

  /** AMHP-10: professional supervision overdue: the AMHP and the managers, once per missed due date. */
  async supervisionOverdue(m: EntityManager): Promise<Record<string, unknown>> {
    const { items } = await this.supervision.overdue(SYSTEM, { overdueOnly: true });
    if (!items.length) return { overdue: 0, raised: 0 };
    const managers = await this.notifications.managerIds(m);
    const userOf = await this.practitioners.userIdsOf(
      m,
      items.map((x) => x.practitionerId),
    );
    let raised = 0;
    for (const x of items) {
      const amhp = userOf.get(x.practitionerId);
      raised += await this.notifications.notify(m, {
        userIds: [...(amhp ? [amhp] : []), ...managers],
        kind: 'supervision.overdue',
        severity: 'warning',
        title: `${x.displayName}: professional supervision overdue by ${x.daysOverdue} day${x.daysOverdue === 1 ? '' : 's'} (due ${x.nextDueOn})`,
        link: `/supervision/overdue`,
        subjectType: 'practitioner',
        subjectId: x.practitionerId,
        dedupKey: supervisionKey(x.practitionerId, x.nextDueOn),
      });
    }
    return { overdue: items.length, raised };
  }
}

/** The jobs read lists whose route-level rules ask for a role: they read as the system, with a manager's view. */
const SYSTEM: Actor = {
  userId: '00000000-0000-0000-0000-000000000000',
  email: 'system',
  displayName: 'Scheduled job',
  roles: ['manager'],
  via: 'local',
};

export interface DolsEndingResult extends Record<string, unknown> {
  raised: number;
}

export const DOLS_LEAD_HOURS = 24;

/** Extra jobs: DoLS authorisations nearing their end, training short for the approval year, supervision overdue. */
function supervisionKey(practitionerId: string, dueOn: string): string {
  return `supervision:${practitionerId}:${dueOn}`;
}
