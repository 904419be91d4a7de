import { isEmail } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { BadRequestProblem } from '../common/problem';
import { emailAddressFault } from '../statute/visible-text';
import { claimAccountEmail } from './account-email';

/**
 * `npm run create-admin`: the first admin of a new installation, in the caller's transaction, audited as any account
 * made (`user.create`, via create-admin). Its address is taken as POST /users takes one: trimmed and in lower case,
 * refused if it is not an address or could be taken for another (emailAddressFault), and refused if an account holds
 * it or one a reader cannot tell from it (claimAccountEmail, 409 email-taken), or if it reads as a registered doctor's
 * but is not it (409 email-look-alike). The account's id and address.
 */
export async function createFirstAdmin(
  m: EntityManager,
  input: { email: string; displayName?: string; passwordHash: string },
): Promise<{ id: string; email: string }> {
  const email = input.email.trim().toLowerCase();
  const fault = !isEmail(email) ? 'must be an email address' : emailAddressFault(email);
  const refused = fault ?? (email.length > 254 ? 'must be at most 254 characters' : null);
  if (refused) throw new BadRequestProblem(`email ${refused}`, [{ field: 'email', messages: [`email ${refused}`] }]);
  await claimAccountEmail(m, email);
  const [user]: Array<{ id: string }> = await m.query(
    `INSERT INTO users (email, display_name, roles, password_hash) VALUES ($1, $2, ARRAY['admin'], $3) RETURNING id`,
    [email, input.displayName?.trim() || 'Administrator', input.passwordHash],
  );
  await m.query(`SELECT audit_append(now(), NULL, NULL, 'user.create', 'user', $1, NULL, NULL, NULL, NULL, 'success', $2)`, [
    user.id,
    JSON.stringify({ roles: ['admin'], via: 'create-admin' }),
  ]);
  return { id: user.id, email };
}
