import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: when a user's sessions were last ended (signed out, password changed or reset, account disabled),
 * kept on the user. Every access token issued before it is refused, on every route, not only by the live event
 * stream: a token copied before sign-out no longer reads anything. Filled from the refresh tokens those events
 * revoked so far, which is where the live stream read it until now.
 */
export class SessionsEndedAt1796447000000 implements MigrationInterface {
  name = 'SessionsEndedAt1796447000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "sessions_ended_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `UPDATE "users" u SET "sessions_ended_at" = t.ended
         FROM (SELECT user_id, max(revoked_at) AS ended FROM refresh_tokens
                WHERE revoked_reason IN ('logout', 'password-change', 'deactivated') GROUP BY user_id) t
        WHERE t.user_id = u.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "sessions_ended_at"`);
  }
}
