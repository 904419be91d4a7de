import { hash } from 'node:crypto';
import { applyDecorators, Header } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The cache policy of the polled reads about no person (who is on duty, my notifications): a private cache may keep
 * the answer but must ask again every time (If-None-Match); a shared cache must never store it (it depends on who asks).
 */
export const REVALIDATE = 'private, no-cache';

/**
 * The cache policy of the polled reads that carry person data (the queue, a referral): no cache stores them at all,
 * not even the browser's own on disk (QUALITY R7: person data no-store). A client that keeps its own copy, as the duty
 * app keeps the job pack, still sends its ETag in If-None-Match and gets 304 while it is current.
 */
export const REVALIDATE_PERSON_DATA = 'private, no-store';

/** Is this a @Revalidated route's Cache-Control (bootstrap's onSend hook answers its reads conditionally)? */
export function isRevalidated(cacheControl: unknown): boolean {
  return cacheControl === REVALIDATE || cacheControl === REVALIDATE_PERSON_DATA;
}

/**
 * Marks a GET a client polls (who is on duty, my queue, my notifications, a referral); `personData` when its answer
 * shows people. Its 200 answers carry a weak ETag over the body, and a request whose If-None-Match names the current
 * one gets 304 with no body. The handler still runs in full first: the caller is authorised as they are now and every
 * person shown is audited as read, as for a 200 (a 304 tells the client that what it holds is still what the hub
 * holds: a read all the same).
 */
export function Revalidated(options: { personData?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    Header('cache-control', options.personData ? REVALIDATE_PERSON_DATA : REVALIDATE),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The ETag of the answer the client holds: 304 if it is still current.',
    }),
    ApiResponse({ status: 304, description: 'Not modified: the answer named by If-None-Match is still current (no body).' }),
  );
}

/**
 * Readings of the clock in an answer: a countdown (`remainingMs`, the deadline less the time of asking) and the
 * time an answer is "as of" (a top-level `at`). They change on every request while the answer stays the same, so
 * the validator leaves them out (hence a weak ETag): a client working from a 304 takes the time from the Date header
 * and counts down to each deadline itself.
 */
const READINGS = /"remainingMs":-?\d+(?:\.\d+)?|^\{"at":"[^"]*"/g;

/**
 * The weak ETag of a serialized answer. A version ETag the route set (`"v3"`) is kept as its prefix (`W/"v3.<hash>"`),
 * so the answers of two versions never share a validator. Being weak, it never satisfies If-Match (RFC 9110 §13.1.1,
 * versionFromIfMatch): an update names the version as `"v3"` (the `version` in the answer).
 */
export function answerETag(body: string, versionTag?: string): string {
  const digest = hash('sha1', body.replace(READINGS, ''), 'base64url').slice(0, 22);
  const version = versionTag ? /^(?:W\/)?"(v\d{1,15})"$/.exec(versionTag)?.[1] : undefined;
  return `W/"${version ? `${version}.` : ''}${digest}"`;
}

/** Does If-None-Match name `etag` (weak comparison, RFC 9110 13.1.2), or `*`? */
export function noneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  for (const item of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const tag = item.trim();
    if (tag === '*' || tag.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}

/**
 * For a 200 JSON answer of a @Revalidated route (bootstrap's onSend hook): sets the ETag and, when the client
 * already holds this answer, turns the reply into a 304 and returns no payload.
 */
export function conditionalAnswer(req: FastifyRequest, reply: FastifyReply, payload: string): string | null {
  const version = reply.getHeader('etag');
  const etag = answerETag(payload, typeof version === 'string' ? version : undefined);
  // The answer depends on who asks: added to whatever Vary already holds (CORS's Origin).
  const vary = reply.getHeader('vary');
  const varies = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  reply
    .header('etag', etag)
    .header('vary', /\bauthorization\b/i.test(varies) ? varies : varies ? `${varies}, Authorization` : 'Authorization');
  if (!noneMatch(req.headers['if-none-match'], etag)) return payload;
  reply.code(304).removeHeader('content-type').removeHeader('content-length');
  return null;
}
