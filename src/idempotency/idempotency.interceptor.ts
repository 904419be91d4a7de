import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { requestOf } from '../common/http';
import { BadRequestProblem, ConflictProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';

const KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_NOT_STORED = 'amhp:idempotency-not-stored';

/**
 * A POST whose response must never be stored (it carries a secret shown once): Idempotency-Key is refused with
 * 400 and the reason, instead of keeping the response in the idempotency store.
 */
export function ResponseNeverStored(reason: string): MethodDecorator {
  return SetMetadata(IDEMPOTENCY_NOT_STORED, reason);
}
const REPLAYED_HEADERS = ['etag', 'location'];

interface Stored {
  request_hash: string;
  status_code: number;
  response_body: unknown;
  response_headers: Record<string, string>;
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

/**
 * `Idempotency-Key` on POST (IETF draft-ietf-httpapi-idempotency-key-header): the same key with the same body
 * returns the first response; with another body, 422; while the first is still being processed, 409.
 *
 * The handler runs inside a transaction opened here, which the services join, so the stored response commits
 * with the write it describes: a retry after a lost reply finds either both or neither.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = requestOf(ctx);
    const header = req.headers['idempotency-key'];
    if (req.method !== 'POST' || header === undefined || !req.actor) return next.handle();
    const neverStored: string | undefined = Reflect.getMetadata(IDEMPOTENCY_NOT_STORED, ctx.getHandler());
    if (neverStored) throw new BadRequestProblem(`Idempotency-Key is not accepted here: ${neverStored}`);
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key)) throw new BadRequestProblem('Idempotency-Key must be 1 to 255 visible ASCII characters.');
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const userId = req.actor.userId;
    const path = req.url.split('?')[0];
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex');
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;

    const run = async (): Promise<unknown> => {
      const earlier = await this.find(this.db.manager, userId, key);
      if (earlier) return this.replay(earlier, requestHash, reply);
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
        if (raced) return this.replay(raced, requestHash, reply);
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const headers: Record<string, string> = {};
        for (const h of REPLAYED_HEADERS) {
          const v = reply.getHeader(h);
          if (typeof v === 'string') headers[h] = v;
        }
        const now = this.clock.now();
        await m.query(
          `INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status_code, response_body, response_headers, created_at, expires_at)
           VALUES ($1, $2, 'POST', $3, $4, $5, $6, $7, $8, $9)`,
          [
            userId,
            key,
            path,
            requestHash,
            status,
            body === undefined ? null : JSON.stringify(body),
            headers,
            now,
            new Date(now.getTime() + this.config.idempotencyTtlHours * 3_600_000),
          ],
        );
        return body;
      });
    };
    return from(run());
  }

  private async find(m: EntityManager, userId: string, key: string): Promise<Stored | undefined> {
    const rows: Stored[] = await m.query(
      'SELECT request_hash, status_code, response_body, response_headers FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at > $3',
      [userId, key, this.clock.now()],
    );
    return rows[0];
  }

  private replay(stored: Stored, requestHash: string, reply: FastifyReply): unknown {
    if (stored.request_hash !== requestHash) {
      throw new UnprocessableProblem('This Idempotency-Key was already used with a different request.', 'idempotency-key-reused');
    }
    for (const [h, v] of Object.entries(stored.response_headers)) reply.header(h, v);
    reply.header('idempotent-replayed', 'true');
    return stored.response_body ?? undefined;
  }
}
