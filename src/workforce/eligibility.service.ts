import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { APPROVAL_COLUMNS, approvalRecord, loadApprovals, type ApprovalRecord, type ApprovalRow } from './approval.facts';
import { EligibilityDto, EligibilityListDto, EligibilityListQuery } from './dto/training.dto';
import { PractitionerEntity } from './practitioner.entity';
import { PractitionersService } from './practitioners.service';
import { facts, TrainingService } from './training.service';
import { Eligibility, eligibility, type TrainingFacts } from './workforce.rules';
import { workforcePolicy } from './workforce.policy';

/** What the rules read of a practitioner's own record. */
type PractitionerRecord = Pick<PractitionerEntity, 'id' | 'profession' | 'active' | 'registrationStatus' | 'registrationCheckedOn'>;

/**
 * The practitioner records of the user accounts $1, each with its approvals (as APPROVAL_COLUMNS, oldest first) and
 * its training (oldest first), as JSON arrays: everything the eligibility rules read, in one statement.
 */
const ELIGIBILITY_FACTS = `SELECT p.id, p.user_id AS "userId", p.profession, p.active, p.registration_status AS "registrationStatus",
       to_char(p.registration_checked_on, 'YYYY-MM-DD') AS "registrationCheckedOn",
       coalesce((SELECT json_agg(x ORDER BY x."startsOn") FROM (SELECT ${APPROVAL_COLUMNS} FROM approvals a WHERE a.practitioner_id = p.id) x), '[]') AS approvals,
       coalesce((SELECT json_agg(json_build_object('completedOn', to_char(t.completed_on, 'YYYY-MM-DD'), 'hours', t.hours::float8,
                                                   'mentalHealthSpecific', t.mental_health_specific) ORDER BY t.completed_on)
                   FROM training_records t WHERE t.practitioner_id = p.id), '[]') AS training
  FROM practitioners p WHERE p.user_id = ANY($1::uuid[])`;

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
    const judge = this.judge(from, to);
    return ps.map((p) =>
      judge(
        p,
        approvals.filter((a) => a.practitionerId === p.id),
        records.filter((r) => r.practitionerId === p.id).map(facts),
      ),
    );
  }

  /** The rules (AMHP-01/03/05/07) applied to one practitioner's record, approvals and training, for [from, to). */
  private judge(from: Date, to: Date): (p: PractitionerRecord, approvals: ApprovalRecord[], training: TrainingFacts[]) => Eligibility {
    const now = this.clock.now();
    const policy = workforcePolicy(this.config);
    return (p, approvals, training) =>
      eligibility(
        {
          from,
          to,
          now,
          profession: p.profession,
          registrationStatus: p.active ? p.registrationStatus : 'inactive',
          registrationCheckedOn: p.registrationCheckedOn,
          approvals,
          training,
        },
        policy,
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

  /**
   * The same for many user accounts at once (in the order given), in ONE statement however many: each account's
   * practitioner record with its approvals (and their suspensions) and its training. Allocation, an offer and its
   * acceptance, and an application's checks ask this while the AMHP waits.
   */
  async forUsers(
    userIds: string[],
    from: Date,
    to: Date,
    m: EntityManager = this.db.manager,
  ): Promise<Array<Eligibility & { practitionerId: string | null }>> {
    const found = userIds.length
      ? await this.db.preparedOn<PractitionerRecord & { userId: string; approvals: ApprovalRow[]; training: TrainingFacts[] }>(
          m,
          ELIGIBILITY_FACTS,
          [userIds],
        )
      : [];
    const judge = this.judge(from, to);
    const byUser = new Map(
      found.map((p) => [p.userId, { ...judge(p, p.approvals.map(approvalRecord), p.training), practitionerId: p.id }]),
    );
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
