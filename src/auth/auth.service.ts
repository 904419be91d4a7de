import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { ConflictProblem, ForbiddenProblem, TooManyRequestsProblem, UnauthorizedProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import type { Actor } from './actor';
import { ChangePasswordDto, LoginDto, MeDto, TokenPairDto } from './dto/auth.dto';
import { hashPassword, verifyPassword } from './password';
import { RefreshTokenEntity } from './refresh-token.entity';
import { hashRefreshToken, TokenService } from './token.service';
import { endSessions, sessionEnded } from './sessions';
import { UserEntity } from './user.entity';
import { AccountCache, CachedAccount } from './account-cache';
import { accountsLookingLike, claimAccountEmail } from './account-email';

/** Signing in, tokens, and turning a bearer token into an Actor. */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly accounts: AccountCache,
  ) {}

  async login(dto: LoginDto, ip: string): Promise<TokenPairDto> {
    if (this.config.authMode !== 'local') {
      throw new ConflictProblem(
        "This service signs users in through the council's identity provider; local login is disabled.",
        'local-login-disabled',
      );
    }
    const email = dto.email.trim().toLowerCase();
    const attempt = await this.attempt(email, ip);
    const user = await this.db.manager.getRepository(UserEntity).findOne({ where: { email } });
    const ok = await verifyPassword(dto.password, user?.passwordHash ?? null);
    // An address another active account's looks like (emailLookAlikeKey: accounts made before such addresses were
    // refused) names nobody for certain: refused rather than one picked, until an admin disables the one that should
    // not be there (GET /users/look-alikes). The answer is the same as for a wrong password; the audit says why. Looked
    // for only once the password is right, so that a wrong guess costs the same whether or not the address is held.
    const lookAlikes = ok && user?.active ? await accountsLookingLike(this.db.manager, email, { activeOnly: true, exceptId: user.id }) : [];
    if (!ok || !user || !user.active || lookAlikes.length) {
      // The attempt is already counted as a failure: only the audit is left to write.
      await this.db.transaction((m) =>
        this.audit.record(m, {
          action: 'auth.login',
          resourceType: 'user',
          resourceId: user?.id ?? null,
          outcome: 'failure',
          actor: null,
          details: {
            reason: !user ? 'unknown-user' : !user.active ? 'inactive' : !ok ? 'bad-password' : 'look-alike-email',
            ...(lookAlikes.length ? { lookAlikeUserIds: lookAlikes.map((u) => u.id) } : {}),
          },
        }),
      );
      throw new UnauthorizedProblem('The email or password is wrong, or the account is disabled.');
    }
    return this.db.transaction(async (m) => {
      await m.query('UPDATE login_attempts SET succeeded = true WHERE id = $1', [attempt]);
      await this.audit.record(m, {
        action: 'auth.login',
        resourceType: 'user',
        resourceId: user.id,
        actor: { userId: user.id, roles: user.roles },
      });
      return this.issuePair(m, user, randomUUID());
    });
  }

  /**
   * Refresh tokens rotate: each is single use. The same token presented again within REFRESH_REUSE_GRACE_SECONDS of
   * its rotation, while its session is still live, is a client retrying a refresh whose answer it lost (a phone on a
   * poor connection): it gets a new pair of the same family, and nothing is revoked. Presented later, it is theft:
   * the whole family is revoked. A token whose session was ended (logout, password change, deactivation) is merely
   * stale: 401, no alarm.
   */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const now = this.clock.now();
    const outcome = await this.db.transaction(async (m) => {
      const repo = m.getRepository(RefreshTokenEntity);
      const stored = await repo.findOne({ where: { tokenHash: hashRefreshToken(refreshToken) }, lock: { mode: 'pessimistic_write' } });
      if (!stored || stored.expiresAt <= now) return { error: 'invalid' as const };
      if (stored.revokedAt) {
        if (stored.revokedReason && stored.revokedReason !== 'rotated') return { error: 'invalid' as const };
        const [{ live }]: Array<{ live: boolean }> = await m.query(
          `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL AND expires_at > $2) AS live`,
          [stored.familyId, now],
        );
        // The session has ended (signed out, password changed, disabled): nothing left to steal.
        if (!live) return { error: 'invalid' as const };
        if (now.getTime() - stored.revokedAt.getTime() <= this.config.refreshReuseGraceSeconds * 1000) {
          const user = await m.getRepository(UserEntity).findOne({ where: { id: stored.userId } });
          if (!user?.active) return { error: 'invalid' as const };
          await this.audit.record(m, {
            action: 'auth.refresh-retried',
            resourceType: 'user',
            resourceId: stored.userId,
            actor: { userId: user.id, roles: user.roles },
          });
          return { pair: await this.issuePair(m, user, stored.familyId) };
        }
        await repo.update({ familyId: stored.familyId, revokedAt: IsNull() }, { revokedAt: now, revokedReason: 'reused' });
        await this.audit.record(m, {
          action: 'auth.refresh-reused',
          resourceType: 'user',
          resourceId: stored.userId,
          outcome: 'denied',
          actor: null,
        });
        return { error: 'reused' as const };
      }
      const user = await m.getRepository(UserEntity).findOne({ where: { id: stored.userId } });
      if (!user?.active) return { error: 'invalid' as const };
      await repo.update({ id: stored.id }, { revokedAt: now, revokedReason: 'rotated' });
      return { pair: await this.issuePair(m, user, stored.familyId) };
    });
    if ('error' in outcome)
      throw new UnauthorizedProblem(
        outcome.error === 'reused'
          ? 'This refresh token was already used; sign in again.'
          : 'The refresh token is not valid; sign in again.',
      );
    return outcome.pair;
  }

  async logout(actor: Actor): Promise<void> {
    await this.db.transaction(async (m) => {
      await endSessions(m, actor.userId, 'logout', this.clock.now());
      await this.audit.record(m, { action: 'auth.logout', resourceType: 'user', resourceId: actor.userId });
    });
    this.accounts.forget(actor.userId, 'sessions-ended');
  }

  async me(actor: Actor): Promise<MeDto> {
    const user = await this.db.manager.getRepository(UserEntity).findOneOrFail({ where: { id: actor.userId } });
    return { id: user.id, email: user.email, displayName: user.displayName, roles: actor.roles, via: actor.via, phone: user.phone };
  }

  /**
   * Guesses of the current password are throttled as sign-in is (LOGIN_MAX_FAILURES per account, 4× per address,
   * within LOGIN_WINDOW_SECONDS; 429 with Retry-After): each wrong guess counts as a failed sign-in for the account.
   *
   * The new password is written only if the password is still the one the current password was checked against
   * (compare-and-set on the hash, QUALITY R9): of concurrent changes exactly one wins, and the others are told
   * 409 `concurrent-update`, not that their password was set. Someone holding a stolen session and the old password
   * can then no longer overwrite, unnoticed, the new password its owner has just set.
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto, ip: string): Promise<void> {
    const user = await this.db.manager.getRepository(UserEntity).findOneOrFail({ where: { id: actor.userId } });
    if (!user.passwordHash)
      throw new UnprocessableProblem('This account signs in through the identity provider and has no password here.', 'no-local-password');
    const attempt = await this.attempt(user.email, ip, 'auth.password-change', user.id);
    if (!(await verifyPassword(dto.currentPassword, user.passwordHash))) {
      await this.db.transaction((m) =>
        this.audit.record(m, {
          action: 'auth.password-change',
          resourceType: 'user',
          resourceId: user.id,
          outcome: 'failure',
          details: { reason: 'bad-password' },
        }),
      );
      throw new ForbiddenProblem('The current password is wrong.', 'wrong-password');
    }
    const hash = await hashPassword(dto.newPassword);
    const changed = await this.db.transaction(async (m) => {
      // The current password was right: not a failed guess, whichever way the change goes.
      await m.query('DELETE FROM login_attempts WHERE id = $1', [attempt]);
      const now = this.clock.now();
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        'UPDATE users SET password_hash = $2, version = version + 1, updated_at = $4 WHERE id = $1 AND password_hash = $3 RETURNING id',
        [user.id, hash, user.passwordHash, now],
      );
      if (!rows.length) return false;
      await endSessions(m, user.id, 'password-change', now);
      await this.audit.record(m, { action: 'auth.password-change', resourceType: 'user', resourceId: user.id, at: now });
      return true;
    });
    if (changed) {
      // Like a sign-out, a password change ends every session: the user's live event streams end with them.
      this.accounts.forget(user.id, 'sessions-ended');
      return;
    }
    throw new ConflictProblem(
      'Your password was changed by another request at the same time, so this change was not made. Sign in with the password that holds now, or ask an admin to reset it.',
      'concurrent-update',
    );
  }

  /** Turns a bearer token into the actor, checking the account is still active. */
  async authenticate(token: string): Promise<Actor> {
    if (this.config.authMode === 'oidc') return this.authenticateExternal(token);
    const claims = await this.tokens.verifyLocal(token);
    // Roles come from the database (via the short account cache), so a change of role or a disabled account takes
    // effect at once on this replica and within AUTH_CACHE_SECONDS on the others.
    let user = this.accounts.get(claims.sub);
    if (!user) {
      [user] = await this.db.prepared<CachedAccount>(
        'auth-account',
        'SELECT id, email, display_name AS "displayName", roles, active, sessions_ended_at AS "sessionsEndedAt" FROM users WHERE id = $1',
        [claims.sub],
      );
      if (user) this.accounts.set(user);
    }
    if (!user?.active) throw new UnauthorizedProblem('The account is disabled or no longer exists.');
    // Signing out, a change or reset of the password and disabling the account end every session: a token issued
    // before then is refused here, on every route, from the commit on (on other replicas within AUTH_CACHE_SECONDS).
    if (sessionEnded(claims.token, user.sessionsEndedAt))
      throw new UnauthorizedProblem(
        'This token belongs to a session that has ended (signed out, or the password was changed): sign in again.',
      );
    return {
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles as Actor['roles'],
      via: 'local',
      token: claims.token,
    };
  }

  /**
   * Council identity provider: roles come from the token; a local user row is kept so relationships can name it.
   * Most requests only read it; a new user, or a change of roles or name, is written and audited.
   */
  private async authenticateExternal(token: string): Promise<Actor> {
    const claims = await this.tokens.verifyExternal(token);
    if (!claims.roles.length)
      throw new ForbiddenProblem(`The token carries no amhp-hub role in its '${this.config.oidcRolesClaim}' claim.`, 'no-role');
    type Row = { id: string; email: string; display_name: string; roles: string[]; active: boolean };
    const select = 'SELECT id, email, display_name, roles, active FROM users WHERE external_subject = $1';
    let [user]: Row[] = await this.db.manager.query(select, [claims.subject]);
    const sameRoles = (a: string[], b: string[]) => a.length === b.length && a.every((r) => b.includes(r));
    if (!user || !sameRoles(user.roles, claims.roles) || (claims.name !== undefined && claims.name !== user.display_name)) {
      user = await this.db.transaction(async (m) => {
        const email = claims.email ?? `${claims.subject}@${new URL(this.config.oidcIssuer!).hostname}`;
        const actor = { userId: '', roles: claims.roles };
        const now = this.clock.now();
        // A new account's address goes through the one look-alike check (claimAccountEmail): held by another account,
        // or one a reader cannot tell from it, is 409 email-taken (one reading as a registered doctor's, 409
        // email-look-alike) and no account is made. The subject's own account,
        // made meanwhile by a request of its own, is not another.
        if (!user) await claimAccountEmail(m, email, { field: 'email', exceptExternalSubject: claims.subject, disclose: false });
        const [inserted]: Row[] = await m
          .query(
            `INSERT INTO users (email, display_name, roles, external_subject, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (external_subject) DO NOTHING RETURNING id, email, display_name, roles, active`,
            [email, claims.name ?? email, claims.roles, claims.subject, now],
          )
          .catch((err) => {
            if ((err as { driverError?: { code?: string } }).driverError?.code === '23505')
              throw new ConflictProblem("Another account already uses this token's email address.", 'email-taken');
            throw err;
          });
        if (inserted) {
          await this.audit.record(m, {
            at: now,
            action: 'user.create',
            resourceType: 'user',
            resourceId: inserted.id,
            actor: { ...actor, userId: inserted.id },
            details: { roles: claims.roles, via: 'oidc' },
          });
          return inserted;
        }
        const [current]: Row[] = await m.query(`${select} FOR UPDATE`, [claims.subject]);
        const fields = [
          ...(!sameRoles(current.roles, claims.roles) ? ['roles'] : []),
          ...(claims.name !== undefined && claims.name !== current.display_name ? ['displayName'] : []),
        ];
        if (!fields.length) return current;
        const [[updated]]: Row[][] = await m.query(
          `UPDATE users SET roles = $2, display_name = coalesce($3, display_name), version = version + 1, updated_at = $4
            WHERE id = $1 RETURNING id, email, display_name, roles, active`,
          [current.id, claims.roles, claims.name ?? null, now],
        );
        await this.audit.record(m, {
          at: now,
          action: 'user.update',
          resourceType: 'user',
          resourceId: current.id,
          actor: { ...actor, userId: current.id },
          details: { fields, roles: claims.roles, via: 'oidc' },
        });
        return updated;
      });
    }
    if (!user.active) throw new UnauthorizedProblem('The account is disabled here.');
    return { userId: user.id, email: user.email, displayName: user.display_name, roles: claims.roles, via: 'oidc', token: claims.token };
  }

  private async issuePair(m: EntityManager, user: UserEntity, familyId: string): Promise<TokenPairDto> {
    const access = await this.tokens.issueAccessToken(user.id, user.roles, user.sessionsEndedAt);
    const refreshToken = this.tokens.newRefreshToken();
    const now = this.clock.now();
    const refreshExpiresAt = new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000);
    await m.getRepository(RefreshTokenEntity).insert({
      userId: user.id,
      tokenHash: hashRefreshToken(refreshToken),
      familyId,
      issuedAt: now,
      expiresAt: refreshExpiresAt,
      revokedAt: null,
    });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
    };
  }

  /**
   * One password attempt's turn at the throttle: too many failures for this email (or from this address) within the
   * window → 429 with Retry-After. Otherwise the attempt is recorded as a failure BEFORE the password is checked, and
   * its id returned: the caller turns it into a success (sign-in) or removes it (a right current password). The count
   * and the record are made under a transaction-scoped advisory lock on the email and on the address (always taken in
   * that order), so concurrent guesses take turns: each sees the ones before it, and no more than LOGIN_MAX_FAILURES
   * passwords are ever checked (QUALITY R7). The lock is held for the count and the insert only, not for the ~50 ms
   * of scrypt. An attempt still being checked counts against the limit until it is settled.
   */
  private async attempt(email: string, ip: string, action = 'auth.login', userId: string | null = null): Promise<string> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - this.config.loginWindowSeconds * 1000);
    const outcome = await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('login-throttle:email:' || $1, 0))`, [email]);
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('login-throttle:ip:' || $1, 0))`, [ip]);
      // Failures for the account count since its last successful sign-in; failures from one address count regardless.
      const [row] = await m.query(
        `SELECT
           (SELECT count(*) FROM login_attempts WHERE email = $1 AND NOT succeeded AND attempted_at > greatest($3,
              coalesce((SELECT max(attempted_at) FROM login_attempts WHERE email = $1 AND succeeded), $3)))::int AS by_email,
           (SELECT count(*) FROM login_attempts WHERE ip = $2 AND NOT succeeded AND attempted_at > $3)::int AS by_ip,
           (SELECT min(attempted_at) FROM login_attempts WHERE (email = $1 OR ip = $2) AND NOT succeeded AND attempted_at > $3) AS oldest`,
        [email, ip, since],
      );
      if (row.by_email >= this.config.loginMaxFailures || row.by_ip >= this.config.loginMaxFailures * 4)
        return { throttled: true as const, oldest: new Date(row.oldest) };
      const [{ id }]: Array<{ id: string }> = await m.query(
        'INSERT INTO login_attempts (email, ip, succeeded, attempted_at) VALUES ($1, $2, false, $3) RETURNING id::text AS id',
        [email, ip, now],
      );
      return { throttled: false as const, id };
    });
    if (!outcome.throttled) return outcome.id;
    const retryAfter = Math.max(1, Math.ceil((outcome.oldest.getTime() + this.config.loginWindowSeconds * 1000 - now.getTime()) / 1000));
    await this.audit.recordAlone({
      action,
      resourceType: 'user',
      resourceId: userId,
      outcome: 'denied',
      actor: action === 'auth.login' ? null : undefined,
      details: { reason: 'throttled' },
    });
    throw new TooManyRequestsProblem('Too many failed password attempts; wait before trying again.', retryAfter);
  }
}
