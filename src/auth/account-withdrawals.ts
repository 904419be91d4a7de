import { Injectable, Logger } from '@nestjs/common';
import { Db } from '../database/db';

type Handler = (userId: string) => Promise<unknown>;

/**
 * What happens once an account change takes away a user's standing to act as an AMHP: the account disabled, or the
 * amhp role taken away (PATCH /users/{id}). Her tokens are refused from then on; what she holds because she could act
 * (open offers, allocations, an assessment's lead, duty access from an escalation page) must go too (MHA 1983 s.114:
 * only an approved AMHP acts as one; s.13). The referrals module, which depends on this one (not the other way
 * round), registers its handler at start-up. Each handler runs in a transaction of its own once the account change has
 * committed (after the request's ambient transaction when there is one), so that it reads the account as changed; a
 * handler that fails is logged and leaves the account change in place: the scheduled sweep of ineligible AMHPs finds
 * her work within the minute.
 */
@Injectable()
export class AccountWithdrawals {
  private readonly logger = new Logger('AccountWithdrawals');
  private readonly handlers: Handler[] = [];

  constructor(private readonly db: Db) {}

  register(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** Runs every handler for `userId` now, or once the ambient transaction has ended when there is one. */
  async standingLost(userId: string): Promise<void> {
    const run = async () => {
      for (const handler of this.handlers) {
        try {
          await this.db.detached(() => handler(userId));
        } catch (err) {
          this.logger.error(`withdrawing the work of user ${userId} after an account change failed: ${(err as Error).message}`);
        }
      }
    };
    if (!this.db.afterTransaction(run)) await run();
  }
}
