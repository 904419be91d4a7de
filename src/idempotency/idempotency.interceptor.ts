import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, INestApplication, Injectable, NestInterceptor, RequestMethod, SetMetadata } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { requestOf } from '../common/http';
import { attachFirst, routeHandlers } from '../common/route-handlers';
import { BadRequestProblem, ConflictProblem, ForbiddenProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db, declaredIsolation } from '../database/db';
import { pgCode } from '../database/pg-errors';

const KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_NOT_STORED = 'amhp:idempotency-not-stored';

/**
 * A write whose response must never be stored (it carries a secret shown once): Idempotency-Key is refused with
 * 400 and the reason, instead of keeping the response in the idempotency store.
 */
export function ResponseNeverStored(reason: string): MethodDecorator {
  return SetMetadata(IDEMPOTENCY_NOT_STORED, reason);
}
/** The headers of the first answer a replay gives again, with its status and body. */
const REPLAYED_HEADERS = ['etag', 'location', 'preference-applied'];
/** The access basis of a stored answer given again to its first caller (README, Idempotency-Key). */
export const REPLAY_BASIS = 'idempotent-replay';

/**
 * The methods whose requests honour Idempotency-Key: every write (POST, PUT, PATCH, DELETE). The phone's outbox
 * sends each change it records with a key, whatever its method, and retries it after a lost answer: a PATCH that was
 * applied must answer its retry with its first answer, not with 412 against its own change or by applying it again.
 */
export const IDEMPOTENT_WRITES: ReadonlySet<RequestMethod> = new Set([
  RequestMethod.POST,
  RequestMethod.PUT,
  RequestMethod.PATCH,
  RequestMethod.DELETE,
]);
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Puts `interceptor` first among the interceptors of every write handler (IDEMPOTENT_WRITES) of every controller,
 * once at start-up, before the routes are registered (`app.init()`). Idempotency-Key concerns writes alone: as a
 * global interceptor it put every GET through Nest's interceptor pipeline too (measured in bench/ as part of a
 * request's fixed cost); a route with no interceptor is called directly. An instance from another app made earlier in
 * the same process (tests) is replaced, not kept.
 */
export function attachToWriteHandlers(app: INestApplication, interceptor: IdempotencyInterceptor): void {
  for (const route of routeHandlers(app)) if (IDEMPOTENT_WRITES.has(route.method)) attachFirst(route.handler, interceptor);
}

interface Stored {
  request_hash: string;
  status_code: number;
  response_body: unknown;
  response_headers: Record<string, string>;
  subject_person_ids: string[];
}

/** JSON with object keys sorted, so that the same body sent with its keys in another order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `value` with every uuid-shaped string in lower case: an id written in capitals is the same id (README, Errors). */
function idsInLowerCase(value: unknown): unknown {
  if (typeof value === 'string') return UUID.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(idsInLowerCase);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, idsInLowerCase(v)]));
  return value;
}

/** What identifies a request for Idempotency-Key, as the route reads it (what `canonicalRequest` hashes). */
export interface RequestForKey {
  method: string;
  /** The route's path as declared (`/people/:id/relatives`), or the request's path when no route matched. */
  route: string;
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * The request as the route reads it, not as it was spelled: the route's declared path with its parsed parameters,
 * the parsed query and the body, each in canonical JSON, with ids in lower case. So `/people/04BBEA9A-…/relatives`,
 * `/people/04bbea9a-…/relatives?` and the same with the body's keys in another order are one request; a different
 * parameter, query value or body is another.
 */
export function canonicalRequest(r: RequestForKey): string {
  const parts = [r.params ?? {}, r.query ?? {}, r.body ?? null].map((v) => canonicalJson(idsInLowerCase(v)));
  return `${r.method.toUpperCase()} ${r.route}\n${parts.join('\n')}`;
}

/** The hash a request's stored answer is kept under: of its canonical form (canonicalRequest). */
export function requestHashOf(req: FastifyRequest): string {
  return createHash('sha256')
    .update(
      canonicalRequest({
        method: req.method,
        route: req.routeOptions?.url ?? req.url.split('?')[0],
        params: req.params,
        query: req.query,
        body: req.body,
      }),
    )
    .digest('hex');
}

/** The Idempotency-Key a write was sent with, when it is one this service accepts. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return WRITE_METHODS.has(req.method) && key !== undefined && KEY.test(key) ? key : undefined;
}

/**
 * `Idempotency-Key` on a write (POST, PUT, PATCH, DELETE; IETF draft-ietf-httpapi-idempotency-key-header): the same
 * key with the same request (canonicalRequest) returns the first response; with another request, 422; while the
 * first is still being processed, 409. The stored answer is found before the handler runs, so a retried PATCH whose
 * If-Match named the version its first send replaced gets that first answer, not 412.
 *
 * The handler runs inside a transaction opened here, which the services join, so the stored response commits
 * with the write it describes: a retry after a lost reply finds either both or neither. It is opened at the
 * isolation the route declares (@TransactionIsolation), so a service asking for REPEATABLE READ gets it.
 *
 * A replay gives the stored response to the caller who had it, for the same request, whatever has changed since:
 * it shows nothing the first answer did not, and a refusal would report a change that was applied as failed. The
 * access guard lets such a retry through when a fresh request would now be refused (storedAnswerSql), and each person
 * the response is about (the subjects of the first request's audit rows) is audited as read again, on the caller's
 * access now or as the replay (REPLAY_BASIS).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = requestOf(ctx);
    const header = req.headers['idempotency-key'];
    if (!WRITE_METHODS.has(req.method) || header === undefined || !req.actor) return next.handle();
    const neverStored: string | undefined = Reflect.getMetadata(IDEMPOTENCY_NOT_STORED, ctx.getHandler());
    // Named in `errors` like any refused field (as If-Match is), not only in the detail.
    if (neverStored)
      throw new BadRequestProblem(`Idempotency-Key is not accepted here: ${neverStored}`, [
        { field: 'Idempotency-Key', messages: ['Idempotency-Key is not accepted on this endpoint'] },
      ]);
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key))
      throw new BadRequestProblem('Idempotency-Key must be 1 to 255 visible ASCII characters.', [
        { field: 'Idempotency-Key', messages: ['Idempotency-Key must be 1 to 255 visible ASCII characters'] },
      ]);
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const actor = req.actor;
    const userId = actor.userId;
    const path = req.url.split('?')[0];
    const requestHash = requestHashOf(req);

    const run = async (): Promise<unknown> => {
      const earlier = await this.find(this.db.manager, userId, key);
      if (earlier) return this.replay(earlier, requestHash, reply, actor);
      // Let in by the guard only to be given its stored answer, which has expired since: refused, as it is now.
      if (req.access?.basis === REPLAY_BASIS) throw new ForbiddenProblem('You are not allowed to do this.');
      return this.db.ambientTransaction(async (m) => {
        const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [
          `idempotency:${userId}:${key}`,
        ]);
        if (!locked)
          throw new ConflictProblem(
            'A request with this Idempotency-Key is still being processed; retry shortly.',
            'idempotency-in-progress',
          );
        const raced = await this.find(m, userId, key);
        if (raced) return this.replay(raced, requestHash, reply, actor);
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        // The status actually answered: Nest sets the route's (@HttpCode, or 201 for a POST) before the handler runs,
        // and a handler may choose another at run time (202 for a plan made in the background).
        const status = reply.statusCode;
        const headers: Record<string, string> = {};
        for (const h of REPLAYED_HEADERS) {
          const v = reply.getHeader(h);
          if (typeof v === 'string') headers[h] = v;
        }
        const now = this.clock.now();
        // Whom the response is about: the people this request's audit rows name (every read or change of a person's
        // record is audited in this same transaction).
        const subjects = await this.audit.subjectsOfRequest(m, String(req.id));
        await this.store(
          m,
          `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status_code, response_body, response_headers, created_at, expires_at, subject_person_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            userId,
            key,
            req.method,
            path,
            requestHash,
            status,
            body === undefined ? null : JSON.stringify(body),
            headers,
            now,
            new Date(now.getTime() + this.config.idempotencyTtlHours * 3_600_000),
            subjects,
          ],
        );
        return body;
      }, declaredIsolation(ctx.getHandler()));
    };
    return from(run());
  }

  /**
   * A REPEATABLE READ transaction's snapshot can predate the commit of a first request with the same key that
   * released the advisory lock just before we took it: its row then shows up only as a duplicate key here.
   */
  private async store(m: EntityManager, sql: string, params: unknown[]): Promise<void> {
    try {
      await m.query(sql, params);
    } catch (err) {
      if (pgCode(err) !== '23505') throw err;
      throw new ConflictProblem(
        'A request with this Idempotency-Key was just completed; retry to get its response.',
        'idempotency-in-progress',
      );
    }
  }

  private async find(m: EntityManager, userId: string, key: string): Promise<Stored | undefined> {
    const rows: Stored[] = await m.query(
      'SELECT request_hash, status_code, response_body, response_headers, subject_person_ids FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at > $3',
      [userId, key, this.clock.now()],
    );
    return rows[0];
  }

  private async replay(stored: Stored, requestHash: string, reply: FastifyReply, actor: Actor): Promise<unknown> {
    if (stored.request_hash !== requestHash) {
      throw new UnprocessableProblem('This Idempotency-Key was already used with a different request.', 'idempotency-key-reused');
    }
    // The first answer, given again to the one who had it, for the same request: it shows nothing they were not shown
    // then, whatever has changed since (their access to a person ended, the referral closed or was matched to another
    // record). Refusing it would tell the client a change that was applied had failed, and its user would send it
    // again. Each person it is about is audited as read again, on the access the caller has now, or as the replay.
    const reads: Array<{ resourceId: string; subjectPersonId: string; accessBasis: string }> = [];
    for (const personId of stored.subject_person_ids ?? []) {
      const decision = await this.access.decide(actor, 'person.identify', personId);
      reads.push({ resourceId: personId, subjectPersonId: personId, accessBasis: decision.allowed ? decision.basis : REPLAY_BASIS });
    }
    if (reads.length)
      await this.db.transaction((m) =>
        this.audit.recordMany(m, { action: 'person.read', resourceType: 'person', details: { via: 'idempotent-replay' } }, reads),
      );
    for (const [h, v] of Object.entries(stored.response_headers)) reply.header(h, v);
    reply.status(stored.status_code).header('idempotent-replayed', 'true');
    return stored.response_body ?? undefined;
  }
}
