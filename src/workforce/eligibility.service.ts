import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { loadApprovals } from './approval.facts';
import { EligibilityDto, EligibilityListDto, EligibilityListQuery } from './dto/training.dto';
import { PractitionerEntity } from './practitioner.entity';
import { PractitionersService } from './practitioners.service';
import { facts, TrainingService } from './training.service';
import { Eligibility, eligibility } from './workforce.rules';
import { workforcePolicy } from './workforce.policy';

/**
 * "May this person act as an AMHP for the whole of [from, to)?": the single function the rota and the
 * assessment rules call (exported by WorkforceModule).
 */
@Injectable()
export class EligibilityService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly practitioners: PractitionersService,
    private readonly training: TrainingService,
  ) {}

  async forPractitioner(practitionerId: string, from: Date, to: Date, m: EntityManager = this.db.manager): Promise<Eligibility> {
    const p = await this.practitioners.find(m, practitionerId);
    return (await this.forEach([p], from, to, m))[0];
  }

  /** The same for many practitioners at once: their approvals and training read in two queries, not two each. */
  private async forEach(ps: PractitionerEntity[], from: Date, to: Date, m: EntityManager): Promise<Eligibility[]> {
    if (!ps.length) return [];
    const ids = ps.map((p) => p.id);
    const approvals = await loadApprovals(m, ids);
    const records = await this.training.records(m, ids);
    const now = this.clock.now();
    const policy = workforcePolicy(this.config);
    return ps.map((p) =>
      eligibility(
        {
          from,
          to,
          now,
          profession: p.profession,
          registrationStatus: p.active ? p.registrationStatus : 'inactive',
          registrationCheckedOn: p.registrationCheckedOn,
          approvals: approvals.filter((a) => a.practitionerId === p.id),
          training: records.filter((r) => r.practitionerId === p.id).map(facts),
        },
        policy,
      ),
    );
  }

  /** For a user account (allocation, rota): a user with no practitioner record is never eligible. */
  async forUser(
    userId: string,
    from: Date,
    to: Date,
    m: EntityManager = this.db.manager,
  ): Promise<Eligibility & { practitionerId: string | null }> {
    return (await this.forUsers([userId], from, to, m))[0];
  }

  /** The same for many user accounts at once (in the order given): three queries, however many. */
  async forUsers(
    userIds: string[],
    from: Date,
    to: Date,
    m: EntityManager = this.db.manager,
  ): Promise<Array<Eligibility & { practitionerId: string | null }>> {
    const found = await this.practitioners.findByUsers(userIds, m);
    const results = await this.forEach(found, from, to, m);
    const byUser = new Map(found.map((p, i) => [p.userId, { ...results[i], practitionerId: p.id }]));
    return userIds.map(
      (id) =>
        byUser.get(id) ?? {
          eligible: false,
          approvalId: null,
          practitionerId: null,
          findings: [
            { code: 'not-a-practitioner', rule: 'AMHP-01', severity: 'hard', message: 'This user has no AMHP practitioner record.' },
          ],
        },
    );
  }

  async check(actor: Actor, practitionerId: string, fromRaw: string, toRaw: string): Promise<EligibilityDto> {
    const p = await this.practitioners.find(this.db.manager, practitionerId);
    await this.practitioners.requireReadable(actor, p.userId, practitionerId);
    const { from, to } = period(fromRaw, toRaw);
    const [result] = await this.forEach([p], from, to, this.db.manager); // the record just read, not read again
    return { practitionerId, from: from.toISOString(), to: to.toISOString(), ...result };
  }

  /**
   * Every practitioner the caller may read (a manager: all, or those `active` says; an AMHP: their own record), each
   * with whether they may act for the whole of [from, to): what a manager choosing whom to allocate needs, in one
   * request instead of one for each AMHP.
   */
  async checkAll(actor: Actor, q: EligibilityListQuery): Promise<EligibilityListDto> {
    const { from, to } = period(q.from, q.to);
    const m = this.db.manager;
    const ps = await this.practitioners.readable(actor, m, { active: q.active });
    const results = await this.forEach(ps, from, to, m);
    const at = { from: from.toISOString(), to: to.toISOString() };
    return { ...at, items: ps.map((p, i) => ({ practitionerId: p.id, ...at, ...results[i] })) };
  }
}

/** A period to check: two valid instants, the second after the first, at most a year apart. */
function period(fromRaw: string, toRaw: string): { from: Date; to: Date } {
  const from = new Date(fromRaw);
  const to = new Date(toRaw);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new UnprocessableProblem('from and to must be valid instants.', 'bad-period');
  if (to <= from) throw new UnprocessableProblem('to must be after from.', 'bad-period');
  if (to.getTime() - from.getTime() > 366 * 86_400_000)
    throw new UnprocessableProblem('A period can be at most a year long.', 'bad-period');
  return { from, to };
}
