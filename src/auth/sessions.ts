import type { EntityManager } from 'typeorm';
import type { RefreshRevokedReason } from './refresh-token.entity';
import type { TokenLifetime } from './actor';

/** What ends every session of a user at once. */
export type SessionsEnd = Extract<RefreshRevokedReason, 'logout' | 'password-change' | 'deactivated'>;

/**
 * Ends every session of the user, in the caller's transaction and in one statement: each refresh token still live is
 * revoked with the reason, and the user's `sessions_ended_at` is set, so every access token issued until now is
 * refused from the commit on, on every route and by the live event stream (`sessionEnded`).
 */
export async function endSessions(m: EntityManager, userId: string, reason: SessionsEnd, at: Date): Promise<void> {
  await m.query(
    `WITH revoked AS (UPDATE refresh_tokens SET revoked_at = $3, revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL)
     UPDATE users SET sessions_ended_at = $3 WHERE id = $1`,
    [userId, reason, at],
  );
}

/**
 * Whether the token was issued before the user's sessions were last ended. Our own tokens state when they were issued
 * to the millisecond (a sign-in in the same second as the sign-out keeps its session); a token that states only
 * seconds (an identity provider's) counts from the start of its second, and one that states neither from `fallback`
 * (when the stream opened).
 */
export function sessionEnded(
  token: TokenLifetime | undefined,
  sessionsEndedAt: Date | string | null | undefined,
  fallback?: Date,
): boolean {
  if (!sessionsEndedAt) return false;
  const issuedAt = token?.issuedAtMs ?? (token?.iat !== undefined ? token.iat * 1000 : fallback?.getTime());
  if (issuedAt === undefined) return false;
  return new Date(sessionsEndedAt).getTime() >= issuedAt;
}
