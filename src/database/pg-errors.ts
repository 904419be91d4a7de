/** Classifies errors raised by `pg` so the filter and retry logic can decide without string matching elsewhere. */

export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Serialization failure or deadlock: the whole transaction may be retried. */
export function isRetryable(err: unknown): boolean {
  const code = pgCode(err);
  return code === '40001' || code === '40P01';
}

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
  'the database system is',
  'terminating connection',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
  // pg's query_timeout (DB_STATEMENT_TIMEOUT_MS + 2 s): the server took the query but never answered (frozen, partitioned).
  'Query read timeout',
];

/**
 * TypeORM marks a query runner released as soon as its connection emits 'error' (the server went away in the middle
 * of a request); the transaction's next statement, or its COMMIT, then fails with one of these rather than with a pg
 * error. Nothing was committed by that transaction, so these too mean "database unavailable, retry".
 */
const RELEASED_RUNNER_ERRORS = ['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError'];

/** The database is down, restarting or unreachable: answer 503 and let the client retry. */
export function isConnectionError(err: unknown): boolean {
  const code = pgCode(err);
  if (
    code &&
    (code.startsWith('08') ||
      code === '57P01' ||
      code === '57P02' ||
      code === '57P03' ||
      code === 'ECONNREFUSED' ||
      code === 'ECONNRESET' ||
      code === 'ENOTFOUND')
  ) {
    return true;
  }
  if (RELEASED_RUNNER_ERRORS.includes(String((err as Error)?.name))) return true;
  const message = String((err as Error)?.message ?? '');
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}

export function constraintOf(err: unknown): string | undefined {
  const e = err as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const c = e?.driverError?.constraint ?? e?.constraint;
  return typeof c === 'string' ? c : undefined;
}
