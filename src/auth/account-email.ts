import type { EntityManager } from 'typeorm';
import { ConflictProblem } from '../common/problem';
import { doctorEmailsSql } from '../doctors/doctors.tables';
import { confusableWith, emailLookAlikeKey, lookingAlike } from '../statute/visible-text';

/** An account's id and email. */
export interface HeldAddress {
  id: string;
  email: string;
}

/**
 * The accounts whose email looks like `email` (the same address, or one a reader cannot tell from it: lookingAlike),
 * oldest first. Every account's address is compared: a hub holds hundreds of accounts, not millions.
 * `exceptExternalSubject`: leave out the account the identity provider's subject already has.
 */
export async function accountsLookingLike(
  m: EntityManager,
  email: string,
  only: { activeOnly?: boolean; exceptId?: string; exceptExternalSubject?: string } = {},
): Promise<HeldAddress[]> {
  const rows: HeldAddress[] = await m.query(
    `SELECT id, email FROM users
      WHERE ($1::boolean IS NOT TRUE OR active) AND ($2::uuid IS NULL OR id <> $2) AND ($3::text IS NULL OR external_subject IS DISTINCT FROM $3)
      ORDER BY created_at, seq`,
    [only.activeOnly ?? false, only.exceptId ?? null, only.exceptExternalSubject ?? null],
  );
  return lookingAlike(email, rows);
}

/**
 * Takes, for the rest of the caller's transaction, the turn of the form an address shares with those a reader cannot
 * tell from it (emailLookAlikeKey): every check of an address against the accounts' and the doctors' (claimAccountEmail,
 * the register's look-alike check) takes it first, so that two addresses looking alike sent at once, for two accounts,
 * two doctors or one of each, are decided one after the other and not both kept.
 */
export async function takeEmailLookAlikeTurn(m: EntityManager, email: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('email-look-alike:' || $1, 0))`, [emailLookAlikeKey(email)]);
}

/**
 * The one check of every way an account gets its address: POST /users, an account made on its first sign-in through
 * the council's identity provider, `npm run create-admin`, the demo seed. An address held by any account (active or
 * not), or one a reader cannot tell from it (another script's look-alike letters, 1 for l, rn for m), is refused:
 * 409 `email-taken` naming `field`, and nothing is made. An address that reads as a doctor's on the register but is
 * not the same address is refused as the register refuses a doctor's that reads as an account's (confusableWith):
 * 409 `email-look-alike` naming `field`, saying only that it is a registered doctor's (`lookAlikeDoctor`), never whose
 * nor the address; an AMHP writing to the one could be writing to the other, and one of the two is a slip or an
 * impersonation. The very same address as a doctor's is kept: it names no one else (a doctor who also holds an
 * account). Made in the caller's transaction, which takes its turn on the form the addresses share
 * (takeEmailLookAlikeTurn, held to its end), so two looking alike sent at once are not both made.
 * `disclose`: whether the problem may name the account held (to an admin; not to someone signing in).
 */
export async function claimAccountEmail(
  m: EntityManager,
  email: string,
  options: { field?: string; exceptExternalSubject?: string; disclose?: boolean } = {},
): Promise<void> {
  const field = options.field ?? 'email';
  await takeEmailLookAlikeTurn(m, email);
  const [existing] = await accountsLookingLike(m, email, { exceptExternalSubject: options.exceptExternalSubject });
  if (existing) {
    const same = existing.email === email;
    const errors = [{ field, messages: [same ? `${field} is held by another account` : `${field} looks the same as another account's`] }];
    if (options.disclose === false)
      throw new ConflictProblem(
        same
          ? `Another account already uses the email address ${field} gives.`
          : `Another account's email address looks the same as the one ${field} gives; an admin must sort out which is right.`,
        'email-taken',
        { errors },
      );
    throw new ConflictProblem(
      same ? `A user with email ${email} already exists.` : `A user with an email that looks the same (${existing.email}) already exists.`,
      'email-taken',
      { existingId: existing.id, errors },
    );
  }
  const doctors = confusableWith(email, await m.query<Array<{ id: string; email: string }>>(doctorEmailsSql()));
  if (doctors.length)
    throw new ConflictProblem(
      `${field} looks the same as a registered doctor's but is not the same address: check which is right before it is kept.`,
      'email-look-alike',
      { errors: [{ field, messages: [`${field} looks the same as a registered doctor's address`] }], lookAlikeDoctor: true },
    );
}
