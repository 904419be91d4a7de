import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { NotFoundProblem, requirePeriod } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { APPROVAL_COLUMNS, approvalRecord, type ApprovalRow } from './approval.facts';
import { EligibilityDto, EligibilityListDto, EligibilityListQuery } from './dto/training.dto';
import { PractitionerEntity } from './practitioner.entity';
import { PractitionersService } from './practitioners.service';
import { type AccountBar, Eligibility, eligibility, hardFindings, type TrainingFacts } from './workforce.rules';
import { workforcePolicy } from './workforce.policy';

/** What the rules read of a practitioner's own record. */
type PractitionerRecord = Pick<
  PractitionerEntity,
  'id' | 'profession' | 'active' | 'registrationBody' | 'registrationStatus' | 'registrationCheckedOn'
>;

/**
 * AMHP-11: why the account `u` (a row of user_directory) may not act under the amhp role now, as an AccountBar, or
 * NULL when it may. The rota's planner reads it beside its own facts.
 */
export const accountBarSql = (u: string) =>
  `CASE WHEN NOT ${u}.active THEN 'account-disabled' WHEN NOT 'amhp' = ANY(${u}.roles) THEN 'not-an-amhp' END`;

/**
 * The practitioner records whose `key` (their id, or their user account's) is in $1, each with its approvals (as
 * APPROVAL_COLUMNS, oldest first) and its training (oldest first) as JSON arrays: everything the eligibility rules
 * read, in one statement however many.
 */
const eligibilityFacts = (
  key: 'p.id' | 'p.user_id',
) => `SELECT p.id, p.user_id AS "userId", p.profession, p.active, p.registration_body AS "registrationBody", p.registration_status AS "registrationStatus",
       to_char(p.registration_checked_on, 'YYYY-MM-DD') AS "registrationCheckedOn",
       (SELECT ${accountBarSql('u')} FROM user_directory u WHERE u.id = p.user_id) AS "accountBar",
       coalesce((SELECT json_agg(x ORDER BY x."startsOn") FROM (SELECT ${APPROVAL_COLUMNS} FROM approvals a WHERE a.practitioner_id = p.id) x), '[]') AS approvals,
       coalesce((SELECT json_agg(json_build_object('completedOn', to_char(t.completed_on, 'YYYY-MM-DD'), 'hours', t.hours::float8,
                                                   'mentalHealthSpecific', t.mental_health_specific) ORDER BY t.completed_on)
                   FROM training_records t WHERE t.practitioner_id = p.id AND t.removed_at IS NULL), '[]') AS training
  FROM practitioners p WHERE ${key} = ANY($1::uuid[])`;
const FACTS_BY_PRACTITIONER = eligibilityFacts('p.id');
const FACTS_BY_USER = eligibilityFacts('p.user_id');

/** A row of eligibilityFacts. */
type FactsRow = PractitionerRecord & { userId: string; accountBar: AccountBar | null; approvals: ApprovalRow[]; training: TrainingFacts[] };

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
  ) {}

  async forPractitioner(practitionerId: string, from: Date, to: Date, m: EntityManager = this.db.manager): Promise<Eligibility> {
    const [found] = await this.forEach([practitionerId], from, to, m);
    if (!found) throw new NotFoundProblem('Practitioner', practitionerId);
    return found;
  }

  /** The same for many practitioners at once (in the order given; one not found is left out), in one statement. */
  private async forEach(ids: string[], from: Date, to: Date, m: EntityManager): Promise<Eligibility[]> {
    const judged = await this.judged(m, FACTS_BY_PRACTITIONER, ids, from, to);
    return ids.flatMap((id) => judged.find((j) => j.practitionerId === id) ?? []).map(({ practitionerId: _p, userId: _u, ...e }) => e);
  }

  /** The rules (AMHP-01/03/05/07) applied to each practitioner read by `sql` (eligibilityFacts) for [from, to). */
  private async judged(
    m: EntityManager,
    sql: string,
    keys: string[],
    from: Date,
    to: Date,
  ): Promise<Array<Eligibility & { practitionerId: string; userId: string }>> {
    if (!keys.length) return [];
    const rows = await this.db.preparedOn<FactsRow>(m, sql, [keys]);
    return rows.map((p) => ({ ...this.judge(p, from, to), practitionerId: p.id, userId: p.userId }));
  }

  private judge(p: FactsRow, from: Date, to: Date): Eligibility {
    return eligibility(
      {
        from,
        to,
        now: this.clock.now(),
        profession: p.profession,
        registrationBody: p.registrationBody,
        registrationStatus: p.active ? p.registrationStatus : 'inactive',
        registrationCheckedOn: p.registrationCheckedOn,
        approvals: p.approvals.map(approvalRecord),
        training: p.training,
        accountBar: p.accountBar,
      },
      workforcePolicy(this.config),
    );
  }

  /**
   * Until when, from `from` and at most until `to`, the practitioner may act (AMHP-05/07/08/11): the latest moment t
   * for which [from, t] has no hard finding, to the millisecond; `from` when she may not act from then at all. Her
   * approval ending "at the end of" today while she is on a night: she may act until local midnight, not only until
   * the moment the end was recorded. Her facts are read once; the search is over the pure rules.
   */
  async mayActUntil(m: EntityManager, practitionerId: string, from: Date, to: Date): Promise<Date> {
    const [p] = await this.db.preparedOn<FactsRow>(m, FACTS_BY_PRACTITIONER, [[practitionerId]]);
    if (!p) throw new NotFoundProblem('Practitioner', practitionerId);
    const mayAct = (until: number) => hardFindings(this.judge(p, from, new Date(until))).length === 0;
    if (mayAct(to.getTime())) return to;
    // [from, lo] has no hard finding (a period of nothing), [from, hi] has one: halve the difference.
    let [lo, hi] = [from.getTime(), to.getTime()];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (mayAct(mid)) lo = mid;
      else hi = mid;
    }
    return new Date(lo);
  }

  /**
   * One practitioner's eligibility for each of several periods (in the order given), their facts read once: what the
   * rota asks of every shift still ahead of an AMHP whose approval or record has just changed.
   */
  async forPeriods(m: EntityManager, practitionerId: string, periods: Array<{ from: Date; to: Date }>): Promise<Eligibility[]> {
    const [p] = await this.db.preparedOn<FactsRow>(m, FACTS_BY_PRACTITIONER, [[practitionerId]]);
    if (!p) throw new NotFoundProblem('Practitioner', practitionerId);
    return periods.map(({ from, to }) => this.judge(p, from, to));
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
    const byUser = new Map((await this.judged(m, FACTS_BY_USER, userIds, from, to)).map(({ userId, ...e }) => [userId, e]));
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
    const p = await this.practitioners.findReadable(this.db.manager, actor, practitionerId);
    const { from, to } = period(fromRaw, toRaw);
    const [result] = await this.forEach([p.id], from, to, this.db.manager);
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
    const ids = await this.practitioners.readableIds(actor, m, { active: q.active });
    const results = await this.forEach(ids, from, to, m);
    const at = { from: from.toISOString(), to: to.toISOString() };
    return { ...at, items: ids.map((id, i) => ({ practitionerId: id, ...at, ...results[i] })) };
  }
}

/** A period to check: two instants (the query's validation has checked each), the second after the first, at most a year apart. */
function period(fromRaw: string, toRaw: string): { from: Date; to: Date } {
  const from = new Date(fromRaw);
  const to = new Date(toRaw);
  requirePeriod(from, to, 366, 'A period can be at most a year long.');
  return { from, to };
}
