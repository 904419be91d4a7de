import type { ModuleTables } from '../database/table-ownership';

/** The tables the idempotency module owns (see src/database/table-ownership.ts). */
export const TABLES: ModuleTables = {
  owns: ['idempotency_keys'],
  sqlFragments: ['storedAnswerSql'],
};

/**
 * SQL fragment for another module's query: the user `user` has a stored answer, not expired at `at`, to the request
 * with the hash `hash` (requestHashOf) under the Idempotency-Key `key` (all SQL expressions). The access guard lets
 * such a retry through to be answered with it (IdempotencyInterceptor.replay).
 */
export const storedAnswerSql = (user: string, key: string, hash: string, at: string): string =>
  `EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = ${user} AND key = ${key} AND request_hash = ${hash} AND expires_at > ${at})`;
