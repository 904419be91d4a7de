import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { ConflictProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem } from '../common/problem';
import { Db } from '../database/db';
import { CreateUserDto, LookAlikeGroupDto, SetPasswordDto, UpdateUserDto, UserDto, UserQuery } from './dto/user.dto';
import { emailAddressFault, emailLookAlikeKey } from '../statute/visible-text';
import { hashPassword } from './password';
import type { Role } from './roles';
import { UserEntity } from './user.entity';
import { AccountCache, type CachedAccount } from './account-cache';
import { accountsLookingLike, claimAccountEmail, type HeldAddress } from './account-email';
import { AccountWithdrawals } from './account-withdrawals';
import { endSessions } from './sessions';

export function userDto(u: UserEntity): UserDto {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    active: u.active,
    phone: u.phone,
    hasPassword: u.passwordHash !== null,
    version: u.version,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export type AccountStanding = CachedAccount;

/** User accounts, administered by `admin`. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly accounts: AccountCache,
    private readonly withdrawals: AccountWithdrawals,
  ) {}

  /** Whether any user account exists (the demo seed fills only an empty hub). */
  async anyExist(m: EntityManager): Promise<boolean> {
    const [{ count }]: Array<{ count: number }> = await m.query('SELECT count(*)::int AS count FROM users');
    return count > 0;
  }

  /**
   * For the demo seed: a local account with a password hashed once for all of them, in the caller's transaction,
   * which audits it. Its id.
   */
  async createSeeded(
    m: EntityManager,
    u: { email: string; displayName: string; roles: Role[]; phone: string | null },
    passwordHash: string,
  ): Promise<string> {
    await claimAccountEmail(m, u.email);
    const repo = m.getRepository(UserEntity);
    const now = this.clock.now();
    const user = await repo.save(repo.create({ ...u, passwordHash, active: true, externalSubject: null, createdAt: now, updatedAt: now }));
    return user.id;
  }

  /** Whether `userId` is an active account holding `role` now. */
  async isActiveWithRole(m: EntityManager, userId: string, role: Role): Promise<boolean> {
    return (await this.activeWithRole(m, [userId], role)).has(userId);
  }

  /** Which of `userIds` are active accounts holding `role` (or any of the roles given): one statement however many. */
  async activeWithRole(m: EntityManager, userIds: string[], role: Role | readonly Role[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows: Array<{ id: string }> = await m.query(
      `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND active AND roles && $2::text[]`,
      [userIds, typeof role === 'string' ? [role] : role],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * 422 `code` naming `field` unless each of `userIds` is an active account holding one of `roles`: a record naming
   * someone as supervisor, appraiser, line manager or owner of an action names the kind of person who can be one
   * (a GP referrer is none of them), not any account.
   */
  async requireActiveWithRole(
    m: EntityManager,
    userIds: ReadonlyArray<string | null | undefined>,
    roles: readonly Role[],
    field: string,
    code: string,
  ): Promise<void> {
    const ids = [...new Set(userIds.filter((x): x is string => !!x))];
    const fit = await this.activeWithRole(m, ids, roles);
    const unfit = ids.filter((id) => !fit.has(id));
    if (unfit.length) {
      const kinds = roles.length === 1 ? `the ${roles[0]} role` : `the ${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]} role`;
      throw new UnprocessableProblem(`${field} must name an active user with ${kinds}: ${unfit.join(', ')} is not.`, code, {
        errors: [{ field, messages: [`must be an active user with ${kinds}`] }],
        unfit,
      });
    }
  }

  /** Ids of the active users holding `role`, in id order (for notifying, e.g. every manager). */
  async activeIdsWithRole(m: EntityManager, role: Role): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(`SELECT id FROM users WHERE $1 = ANY(roles) AND active ORDER BY id`, [role]);
    return rows.map((r) => r.id);
  }

  /**
   * For live streams: each account as it stands now, with when its sessions were last ended (its refresh tokens
   * revoked by a sign-out, a password change or disabling the account), so a stream of a token issued before that
   * can be ended, or refused.
   */
  async standing(userIds: string[]): Promise<Array<AccountStanding>> {
    if (!userIds.length) return [];
    return await this.db.manager.query<AccountStanding[]>(
      `SELECT u.id, u.email, u.display_name AS "displayName", u.roles, u.active, u.sessions_ended_at AS "sessionsEndedAt"
         FROM users u WHERE u.id = ANY($1::uuid[])`,
      [userIds],
    );
  }

  async list(q: UserQuery): Promise<Page<UserDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const qb = this.db.manager.getRepository(UserEntity).createQueryBuilder('u');
    if (q.role) qb.andWhere(':role = ANY(u.roles)', { role: q.role });
    if (q.active !== undefined) qb.andWhere('u.active = :active', { active: q.active });
    if (q.q) {
      const prefix = q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
      qb.andWhere('(u.email LIKE :prefix OR lower(u.display_name) LIKE :prefix)', { prefix });
    }
    if (q.cursor) {
      const [email] = decodeCursor(q.cursor, ['string']);
      qb.andWhere('u.email > :email', { email });
    }
    const rows = await qb
      .orderBy('u.email', 'ASC')
      .take(limit + 1)
      .getMany();
    return pageOf(rows, limit, (u) => [u.email], userDto);
  }

  /** The hot single-record read: plain SQL (TypeORM's findOne costs ~180 µs more per call, measured in bench/). */
  async get(id: string): Promise<UserDto> {
    const [u] = await this.db.manager.query(
      `SELECT id, email, display_name AS "displayName", roles, active, phone, password_hash IS NOT NULL AS "hasPassword", version,
              created_at AS "createdAt", updated_at AS "updatedAt" FROM users WHERE id = $1`,
      [id],
    );
    if (!u) throw new NotFoundProblem('User', id);
    return { ...u, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() };
  }

  async create(dto: CreateUserDto): Promise<UserDto> {
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    return this.db.transaction(async (m) => {
      const repo = m.getRepository(UserEntity);
      // The same address, or one a reader cannot tell from it, held by any account: 409 email-taken; one that reads as a
      // registered doctor's but is not it: 409 email-look-alike.
      await claimAccountEmail(m, dto.email);
      const now = this.clock.now();
      const user = await repo.save(
        repo.create({
          email: dto.email,
          displayName: dto.displayName,
          roles: dto.roles,
          passwordHash,
          phone: dto.phone ?? null,
          active: true,
          externalSubject: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(m, {
        action: 'user.create',
        resourceType: 'user',
        resourceId: user.id,
        details: { roles: user.roles },
        at: now,
      });
      return userDto(user);
    });
  }

  /**
   * The accounts whose email looks like `email`, the same address too (accountsLookingLike): for another module's
   * look-alike check (a doctor's address on the register), in its transaction.
   */
  async lookingLike(m: EntityManager, email: string): Promise<HeldAddress[]> {
    return accountsLookingLike(m, email);
  }

  /**
   * GET /users/look-alikes: the accounts held whose emails a reader cannot tell apart (emailLookAlikeKey, the
   * comparison that refuses such an address for a new account), in groups, so an admin can disable the one that should
   * not be there: accounts made before look-alike addresses were refused are not changed by it. Audited as an admin's
   * read, naming the accounts shown.
   */
  async lookAlikeGroups(): Promise<LookAlikeGroupDto[]> {
    return this.db.transaction(async (m) => {
      const users = await m.getRepository(UserEntity).find({ order: { createdAt: 'ASC', seq: 'ASC' } });
      const byForm = new Map<string, UserEntity[]>();
      for (const u of users) {
        const form = emailLookAlikeKey(u.email);
        byForm.set(form, [...(byForm.get(form) ?? []), u]);
      }
      const groups = [...byForm]
        .filter(([, accounts]) => accounts.length > 1)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([form, accounts]) => ({
          lookAlikeForm: form,
          signInRefused: accounts.filter((u) => u.active).length > 1,
          accounts: accounts.map((u) => ({ ...userDto(u), emailFault: emailAddressFault(u.email) })),
        }));
      await this.audit.record(m, {
        action: 'user.look-alikes.read',
        resourceType: 'user',
        details: { groups: groups.length, userIds: groups.flatMap((g) => g.accounts.map((a) => a.id)) },
      });
      return groups;
    });
  }

  /** Compare-and-set on `version`: a stale If-Match, or a concurrent change, never overwrites silently. */
  async update(id: string, dto: UpdateUserDto, expectedVersion: ExpectedVersion): Promise<UserDto> {
    let losesAmhp = false;
    const updated = await this.db.transaction(async (m) => {
      // Lock the row: concurrent edits without If-Match then apply in turn instead of failing the version check.
      const current = await this.find(m, id, true);
      assertVersion(expectedVersion, current.version);
      const losesAdmin =
        current.active &&
        current.roles.includes('admin') &&
        ((dto.roles !== undefined && !dto.roles.includes('admin')) || dto.active === false);
      if (losesAdmin) await this.assertAnotherActiveAdmin(m, id);
      losesAmhp =
        current.active &&
        current.roles.includes('amhp') &&
        ((dto.roles !== undefined && !dto.roles.includes('amhp')) || dto.active === false);
      const sets: string[] = [];
      const params: unknown[] = [id, current.version];
      const changed: string[] = [];
      const set = (column: string, field: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
        changed.push(field);
      };
      if (dto.displayName !== undefined) set('display_name', 'displayName', dto.displayName);
      if (dto.roles !== undefined) set('roles', 'roles', dto.roles);
      if (dto.active !== undefined) set('active', 'active', dto.active);
      if (dto.phone !== undefined) set('phone', 'phone', dto.phone);
      if (!sets.length) return userDto(current);
      const now = this.clock.now();
      params.push(now);
      const [rows] = await m.query(
        `UPDATE users SET ${sets.join(', ')}, version = version + 1, updated_at = $${params.length} WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!rows.length) throw new PreconditionFailedProblem('The user was changed by someone else meanwhile; fetch it again and retry.');
      if (dto.active === false) await endSessions(m, id, 'deactivated', now);
      await this.audit.record(m, {
        at: now,
        action: 'user.update',
        resourceType: 'user',
        resourceId: id,
        details: { fields: changed, ...(dto.roles ? { roles: dto.roles } : {}) },
      });
      return userDto(await this.find(m, id));
    });
    // Once committed: forgotten earlier, a concurrent request could cache the old account again (and open streams
    // would be re-checked against it).
    this.accounts.forget(id);
    // An AMHP disabled, or her amhp role taken away, may no longer act as one (MHA 1983 s.114): her offers,
    // allocations and the access they gave her go with it, in a transaction of their own (AccountWithdrawals).
    if (losesAmhp) await this.withdrawals.standingLost(id);
    return updated;
  }

  /**
   * An admin's reset: under the user's row lock, so it takes its turn with the user's own change of password (which
   * then finds its current password no longer holds: 409) and with other resets. With If-Match, a reset decided on a
   * stale read of the user is 412 (QUALITY R9), as for PATCH.
   */
  async setPassword(id: string, dto: SetPasswordDto, expectedVersion?: number): Promise<void> {
    const hash = await hashPassword(dto.password);
    await this.db.transaction(async (m) => {
      const current = await this.find(m, id, true);
      assertVersion(expectedVersion, current.version);
      const now = this.clock.now();
      await m.query('UPDATE users SET password_hash = $2, version = version + 1, updated_at = $3 WHERE id = $1', [id, hash, now]);
      await endSessions(m, id, 'password-change', now);
      await this.audit.record(m, { action: 'user.set-password', resourceType: 'user', resourceId: id, at: now });
    });
    // Every session of the user ended: their live event streams too.
    this.accounts.forget(id, 'sessions-ended');
  }

  /**
   * Refuses (409 `last-admin`) a change that would leave the hub with no active admin: nobody could then re-enable an
   * account, reset a password or manage webhooks. Every such change counts the other active admins under one
   * advisory lock, so two admins taking the role from each other at the same moment take turns and the second is
   * refused. (With AUTH_MODE=oidc roles come from the identity provider's token, which this does not second-guess.)
   */
  private async assertAnotherActiveAdmin(m: EntityManager, id: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('users:active-admins', 0))`);
    const [{ others }]: Array<{ others: number }> = await m.query(
      `SELECT count(*)::int AS others FROM users WHERE active AND 'admin' = ANY(roles) AND id <> $1`,
      [id],
    );
    if (others === 0)
      throw new ConflictProblem(
        'This is the only active admin: taking the admin role away or disabling the account would leave nobody to manage users. Give another user the admin role first.',
        'last-admin',
      );
  }

  /** Display names by user id, for other modules' documents (a report naming its AMHPs); unknown ids are left out. */
  async displayNames(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; display_name: string }> = await m.query(
      'SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private async find(m: EntityManager, id: string, lock = false): Promise<UserEntity> {
    const user = await m
      .getRepository(UserEntity)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!user) throw new NotFoundProblem('User', id);
    return user;
  }
}
