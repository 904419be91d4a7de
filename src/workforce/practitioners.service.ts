import { SqlWhere } from '../common/sql-where';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import type { Action } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../auth/users.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, ForbiddenProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { CreatePractitionerDto, PractitionerDto, PractitionerQuery, UpdatePractitionerDto } from './dto/practitioner.dto';
import { PractitionerEntity } from './practitioner.entity';
import { EligibilityWithdrawals } from './eligibility-withdrawals';
import { localDate } from '../statute/time';
import { ApprovalRecord, loadApprovals } from './approval.facts';
import { approvalStatus, effectiveEnd, PROFESSION_REGULATORS, regulatorFits } from './workforce.rules';
import { professionalSupervisionDatesSql } from '../supervision/supervision.tables';
import type { RotaSupervisionFacts } from '../supervision/supervision.rules';

interface PractitionerRow extends PractitionerEntity {
  displayName: string;
  email: string;
}

const COLUMNS = `p.id, p.user_id AS "userId", u.display_name AS "displayName", u.email, p.profession, p.registration_body AS "registrationBody",
  p.registration_number AS "registrationNumber", p.registration_status AS "registrationStatus",
  to_char(p.registration_checked_on, 'YYYY-MM-DD') AS "registrationCheckedOn", p.team, p.fte::float AS fte,
  p.contracted_hours_per_week::float AS "contractedHoursPerWeek", p.skills, p.supervision_interval_days AS "supervisionIntervalDays",
  p.line_manager_user_id AS "lineManagerUserId", p.active, p.version`;

/** AMHP practitioner records: profession, registration, team, hours and rota skills. */
/**
 * AMHP-12: nobody certifies her own record. A manager who is also an AMHP may not grant, suspend, lift, end or withdraw
 * her own approval (SI 2008/1206 regs 3, 6, 7), record or remove her own training or a decision on her training
 * shortfall (reg 5), decide her own leave or swap, override the warnings on her own rota place, change her own
 * practitioner record (registration, supervision interval and supervisor, active, skills), record her own appraisal or
 * supervision session, or acknowledge in the morning handover her own decision or an action it set, or close such an
 * action she does not own: another manager must. 403 `own-record`, naming the act. The one check every such write
 * makes (refuseOwn when only the practitioner's id is at hand).
 */
export function refuseOwnRecord(actor: Actor, subjectUserId: string | null | undefined, act: string): void {
  if (subjectUserId && actor.userId === subjectUserId)
    throw new ForbiddenProblem(`You cannot ${act} on your own record; another manager must (AMHP-12).`, 'own-record');
}

@Injectable()
export class PractitionersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly withdrawals: EligibilityWithdrawals,
    private readonly users: UsersService,
  ) {}

  /**
   * A line manager supervises the AMHP and may record her supervision (AMHP-10): a manager or a fellow AMHP, active,
   * never the AMHP herself, nor a referrer or an auditor. 422 naming lineManagerUserId otherwise.
   */
  private async requireLineManager(
    m: EntityManager,
    lineManagerUserId: string | null | undefined,
    practitionerUserId: string,
  ): Promise<void> {
    if (!lineManagerUserId) return;
    if (lineManagerUserId === practitionerUserId)
      throw new UnprocessableProblem('A practitioner cannot be their own line manager.', 'self-line-manager', {
        errors: [{ field: 'lineManagerUserId', messages: ['must not be the practitioner'] }],
      });
    await this.users.requireActiveWithRole(m, [lineManagerUserId], ['manager', 'amhp'], 'lineManagerUserId', 'line-manager-not-staff');
  }

  async create(dto: CreatePractitionerDto): Promise<PractitionerDto> {
    // AMHP-04 (s.114(2)): a registered medical practitioner cannot be approved as an AMHP.
    if (dto.profession === 'doctor') {
      throw new UnprocessableProblem(
        'A registered medical practitioner cannot be approved as an AMHP (MHA 1983 s.114(2)).',
        'doctor-cannot-be-amhp',
        { findings: [{ code: 'doctor-cannot-be-amhp', rule: 'AMHP-04', severity: 'hard', message: 'A doctor cannot be an AMHP.' }] },
      );
    }
    const profession = dto.profession;
    refuseRegulatorNotOfProfession(profession, dto.registrationBody);
    return this.db.transaction(async (m) => {
      await this.requireLineManager(m, dto.lineManagerUserId, dto.userId);
      const existing = await m.getRepository(PractitionerEntity).findOne({ where: { userId: dto.userId } });
      if (existing)
        throw new ConflictProblem('This user already has a practitioner record.', 'practitioner-exists', { existingId: existing.id });
      const repo = m.getRepository(PractitionerEntity);
      const p = await repo.save(
        repo.create({
          userId: dto.userId,
          profession,
          registrationBody: dto.registrationBody,
          registrationNumber: dto.registrationNumber,
          registrationStatus: dto.registrationStatus ?? 'active',
          registrationCheckedOn: dto.registrationCheckedOn ?? null,
          team: dto.team ?? null,
          fte: dto.fte ?? 1,
          contractedHoursPerWeek: dto.contractedHoursPerWeek ?? null,
          skills: dto.skills ?? [],
          supervisionIntervalDays: dto.supervisionIntervalDays ?? 30,
          lineManagerUserId: dto.lineManagerUserId ?? null,
          active: true,
          createdAt: this.clock.now(),
          updatedAt: this.clock.now(),
        }),
      );
      await this.audit.record(m, {
        action: 'practitioner.create',
        resourceType: 'practitioner',
        resourceId: p.id,
        details: { userId: dto.userId, profession: dto.profession },
      });
      return this.load(m, p.id);
    });
  }

  async list(actor: Actor, q: PractitionerQuery): Promise<Page<PractitionerDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const where = new SqlWhere();
    if (this.ownOnly(actor)) where.add('p.user_id = ?', actor.userId);
    if (q.team) where.add('p.team = ?', q.team);
    if (q.skill) where.add('? = ANY(p.skills)', q.skill);
    if (q.active !== undefined) where.add('p.active = ?', q.active);
    if (q.cursor) {
      // Two of one name come in the order they were recorded (seq), never by their random ids: the cursor carries it.
      const [name, seq] = decodeCursor(q.cursor, ['string', 'bigint']);
      where.raw(`(lower(u.display_name), p.seq) > (${where.param(name)}, ${where.param(seq)}::bigint)`);
    }
    const limitParam = where.param(limit + 1);
    const rows: PractitionerRow[] = await this.db.manager.query(
      `SELECT ${COLUMNS}, p.seq FROM practitioners p JOIN user_directory u ON u.id = p.user_id
        ${where} ORDER BY lower(u.display_name), p.seq LIMIT ${limitParam}`,
      where.params,
    );
    const statuses = await this.approvalSummaries(rows.map((r) => r.id));
    return pageOf(
      rows,
      limit,
      (r) => [r.displayName.toLowerCase(), String(r.seq)],
      (r) => this.dto(r, statuses.get(r.id)),
    );
  }

  /** One practitioner, for a manager or for the AMHP themselves. */
  async get(actor: Actor, id: string): Promise<PractitionerDto> {
    const p = await this.access.loadOrRefuse(actor, 'practitioners.read', { type: 'practitioner', id }, () =>
      this.load(this.db.manager, id),
    );
    await this.requireReadable(actor, p.userId, id);
    return p;
  }

  /**
   * The ids of the practitioner records this actor may read (a manager: every one; an AMHP: their own), `active` as
   * asked, in the order GET /practitioners lists them: by name, two of one name in the order they were recorded.
   */
  async readableIds(actor: Actor, m: EntityManager, filter: { active?: boolean }): Promise<string[]> {
    const where = new SqlWhere();
    if (this.ownOnly(actor)) where.add('p.user_id = ?', actor.userId);
    if (filter.active !== undefined) where.add('p.active = ?', filter.active);
    const rows: Array<{ id: string }> = await m.query(
      `SELECT p.id FROM practitioners p JOIN user_directory u ON u.id = p.user_id ${where} ORDER BY lower(u.display_name), p.seq`,
      where.params,
    );
    return rows.map((r) => r.id);
  }

  /** An AMHP without a manager's role reads only their own practitioner record, in a list as in one. */
  private ownOnly(actor: Actor): boolean {
    return !this.access.hasRole(actor, 'practitioners.read');
  }

  /**
   * The practitioner `id`, read for `action` (an own-record read: practitioners.read, appraisals.read...): an id the
   * hub does not hold is refused to an AMHP as another's record is (AccessService.refuseUnknown), so that ids cannot
   * be probed; a manager gets 404. Then the own-record check. Other modules call it for a practitioner's sub-records.
   */
  async findReadable(m: EntityManager, actor: Actor, id: string, action: Action = 'practitioners.read'): Promise<PractitionerEntity> {
    const p = await this.access.loadOrRefuse(actor, action, { type: 'practitioner', id }, () => this.find(m, id));
    await this.access.require(actor, action, { owns: p.userId === actor.userId }, { type: 'practitioner', id });
    return p;
  }

  /** Own-record check (practitioners.read for amhp): other modules call it for a practitioner's sub-records. */
  async requireReadable(actor: Actor, ownerUserId: string, practitionerId: string): Promise<void> {
    await this.access.require(
      actor,
      'practitioners.read',
      { owns: ownerUserId === actor.userId },
      { type: 'practitioner', id: practitionerId },
    );
  }

  async update(actor: Actor, id: string, dto: UpdatePractitionerDto, expectedVersion: ExpectedVersion): Promise<PractitionerDto> {
    return this.db.transaction(async (m) => {
      // Changes to one record in turn: without If-Match each applies to the record as the one before left it.
      await m.query('SELECT 1 FROM practitioners WHERE id = $1 FOR UPDATE', [id]);
      // Every field here is one a manager vouches for (her registration checked, her supervision interval and its
      // supervisor, whether she is active, the skills the rota relies on): never her own (AMHP-12).
      const current = await this.refuseOwn(m, actor, id, 'change the practitioner record');
      assertVersion(expectedVersion, current.version);
      if (dto.registrationBody !== undefined) refuseRegulatorNotOfProfession(current.profession, dto.registrationBody);
      await this.requireLineManager(m, dto.lineManagerUserId, current.userId);
      const columns: Record<keyof UpdatePractitionerDto, string> = {
        registrationBody: 'registration_body',
        registrationNumber: 'registration_number',
        registrationStatus: 'registration_status',
        registrationCheckedOn: 'registration_checked_on',
        team: 'team',
        fte: 'fte',
        contractedHoursPerWeek: 'contracted_hours_per_week',
        skills: 'skills',
        supervisionIntervalDays: 'supervision_interval_days',
        lineManagerUserId: 'line_manager_user_id',
        active: 'active',
      };
      const fields = (Object.keys(columns) as Array<keyof UpdatePractitionerDto>).filter((k) => dto[k] !== undefined);
      if (!fields.length) return this.load(m, id);
      const params: unknown[] = [id, current.version, this.clock.now(), ...fields.map((f) => dto[f])];
      const sets = fields.map((f, i) => `${columns[f]} = $${i + 4}`);
      const [rows] = await m.query(
        `UPDATE practitioners SET ${sets.join(', ')}, version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!rows.length)
        throw new PreconditionFailedProblem('The practitioner was changed by someone else meanwhile; fetch it again and retry.');
      await this.audit.record(m, {
        action: 'practitioner.update',
        resourceType: 'practitioner',
        resourceId: id,
        details: { fields, ...(dto.registrationStatus ? { registrationStatus: dto.registrationStatus } : {}) },
      });
      // A change that may take away her authority to act takes her off the shifts she may no longer work and, when she
      // may not act now, off her offers and allocations (EligibilityWithdrawals).
      const authority: Array<keyof UpdatePractitionerDto> = ['active', 'registrationStatus', 'registrationBody', 'registrationCheckedOn'];
      if (!fields.some((f) => authority.includes(f))) return this.load(m, id);
      return { ...(await this.load(m, id)), ...(await this.withdrawals.recheck(m, id)) };
    });
  }

  /** refuseOwnRecord for the practitioner `id` (404 when there is none). */
  async refuseOwn(m: EntityManager, actor: Actor, id: string, act: string): Promise<PractitionerEntity> {
    const p = await this.find(m, id);
    refuseOwnRecord(actor, p.userId, act);
    return p;
  }

  async find(m: EntityManager, id: string): Promise<PractitionerEntity> {
    const p = await m.getRepository(PractitionerEntity).findOne({ where: { id } });
    if (!p) throw new NotFoundProblem('Practitioner', id);
    return p;
  }

  /**
   * Locks the practitioner's row until the transaction ends; their user, whether they are active and their professional
   * supervision (AMHP-10, for the rota's warning), or undefined when there is no such practitioner. The rota takes this
   * lock before every write about an AMHP (assignments, leave, swaps, and the re-check after a suspension, an approval
   * ended or an account barred: AMHP-05/07/08/11), so that those writes are decided one after another.
   *
   * The lock is taken by writing the row (a no-op UPDATE), not only by FOR UPDATE: a REPEATABLE READ transaction (a
   * plan's publication) reads from a snapshot taken before it waits here, so after a mere row lock is released it
   * would go on checking leave, approvals and assignments as they were before the write that held it, and put her on
   * a shift inside leave just approved. A row written since its snapshot makes its lock fail instead (40001), and the
   * transaction is retried on a fresh snapshot that sees that write.
   */
  async lockForRota(
    m: EntityManager,
    id: string,
  ): Promise<{ userId: string; active: boolean; supervision: RotaSupervisionFacts } | undefined> {
    await m.query('UPDATE practitioners SET active = active WHERE id = $1', [id]);
    const [p]: Array<{ userId: string; active: boolean; supervision: RotaSupervisionFacts }> = await m.query(
      `SELECT p.user_id AS "userId", p.active,
              json_build_object('intervalDays', p.supervision_interval_days, 'recordCreatedOn', to_char(p.created_at AT TIME ZONE $2, 'YYYY-MM-DD'),
                                'professionalOn', ${professionalSupervisionDatesSql('p.id')}) AS supervision
         FROM practitioners p WHERE p.id = $1`,
      [id, this.config.timeZone],
    );
    return p;
  }

  /** The user account of each of these practitioners (ids that are not practitioners are left out). */
  async userIdsOf(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; userId: string }> = await m.query(
      'SELECT id, user_id AS "userId" FROM practitioners WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.userId]));
  }

  async findByUser(userId: string, m: EntityManager = this.db.manager): Promise<PractitionerEntity | null> {
    return m.getRepository(PractitionerEntity).findOne({ where: { userId } });
  }

  async load(m: EntityManager, id: string): Promise<PractitionerDto> {
    const rows: PractitionerRow[] = await m.query(
      `SELECT ${COLUMNS} FROM practitioners p JOIN user_directory u ON u.id = p.user_id WHERE p.id = $1`,
      [id],
    );
    if (!rows.length) throw new NotFoundProblem('Practitioner', id);
    const statuses = await this.approvalSummaries([id], m);
    return this.dto(rows[0], statuses.get(id));
  }

  /** The status now of each practitioner's current (or most recent) approval. */
  private async approvalSummaries(
    ids: string[],
    m: EntityManager = this.db.manager,
  ): Promise<Map<string, { status: string; endsOn: string }>> {
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    const latest = new Map<string, ApprovalRecord>();
    for (const a of await loadApprovals(m, ids)) if (a.startsOn <= today) latest.set(a.practitionerId, a);
    return new Map([...latest].map(([id, a]) => [id, { status: approvalStatus(a, now, this.config.timeZone), endsOn: effectiveEnd(a) }]));
  }

  private dto(r: PractitionerRow, approval: { status: string; endsOn: string } | undefined): PractitionerDto {
    return {
      id: r.id,
      userId: r.userId,
      displayName: r.displayName,
      email: r.email,
      profession: r.profession,
      registrationBody: r.registrationBody,
      registrationNumber: r.registrationNumber,
      registrationStatus: r.registrationStatus,
      registrationCheckedOn: r.registrationCheckedOn,
      team: r.team,
      fte: r.fte,
      contractedHoursPerWeek: r.contractedHoursPerWeek,
      skills: r.skills,
      supervisionIntervalDays: r.supervisionIntervalDays,
      lineManagerUserId: r.lineManagerUserId,
      active: r.active,
      approvalStatus: approval?.status ?? 'none',
      approvalEndsOn: approval?.endsOn ?? null,
      version: r.version,
    };
  }
}

/** AMHP-03 (Sch 1): a registration body that is not the regulator of the profession is 422 naming registrationBody. */
function refuseRegulatorNotOfProfession(profession: string, registrationBody: string): void {
  if (regulatorFits(profession, registrationBody)) return;
  const message = `A ${profession.replace(/-/g, ' ')} is registered with ${PROFESSION_REGULATORS[profession].name} (SI 2008/1206 Sch 1), not ${registrationBody}.`;
  throw new UnprocessableProblem(message, 'registration-body-not-of-profession', {
    errors: [{ field: 'registrationBody', messages: [message] }],
  });
}
