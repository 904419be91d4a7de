import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';

/** `sessions-ended`: signed out, or the password was changed (every session ends); `changed`: roles, active, name. */
export type AccountChange = 'sessions-ended' | 'changed';

export interface CachedAccount {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  active: boolean;
  /** When the user's sessions were last ended (sign-out, password change or reset, disabling): tokens before it are refused. */
  sessionsEndedAt: Date | null;
}

/**
 * Accounts as authentication last read them, for AUTH_CACHE_SECONDS (0: no cache). Every authenticated request
 * would otherwise read the users table once more; a change made through this API clears the entry at once, so
 * a disabled account or a change of roles waits at most AUTH_CACHE_SECONDS only on other replicas.
 */
@Injectable()
export class AccountCache {
  private readonly entries = new Map<string, { account: CachedAccount; until: number }>();
  private readonly listeners: Array<(id: string, reason: AccountChange) => void> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get(id: string): CachedAccount | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    if (hit.until <= this.clock.now().getTime()) {
      this.entries.delete(id);
      return undefined;
    }
    return hit.account;
  }

  set(account: CachedAccount): void {
    if (this.config.authCacheSeconds <= 0) return;
    if (this.entries.size >= 10_000) this.entries.clear(); // bounded: a hub has hundreds of users, not thousands
    this.entries.set(account.id, { account, until: this.clock.now().getTime() + this.config.authCacheSeconds * 1000 });
  }

  /**
   * Drops the entry after a change made through this API, and tells whoever holds something on the account's behalf
   * (the live event stream): `sessions-ended` (sign-out, password change) ends the user's sessions; `changed` may be
   * a change of roles or deactivation.
   */
  forget(id: string, reason: AccountChange = 'changed'): void {
    this.entries.delete(id);
    for (const listener of this.listeners) listener(id, reason);
  }

  onForget(listener: (id: string, reason: AccountChange) => void): void {
    this.listeners.push(listener);
  }
}
