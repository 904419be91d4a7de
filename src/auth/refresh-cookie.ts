import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenProblem } from '../common/problem';

/**
 * The browser app's refresh token lives in this cookie, never where script can read it: HttpOnly, SameSite=Strict,
 * sent only to the refresh route, Secure when the request came over https (directly or through a trusted proxy).
 * API clients keep sending the token in the JSON body and never see the cookie.
 */
export const REFRESH_COOKIE = 'amhp_refresh';
export const REFRESH_COOKIE_PATH = '/auth/refresh';

/**
 * The header the app sends with sign-in and refresh: a cross-site form cannot send a custom header, and a cross-site
 * script cannot send one without a CORS preflight naming this origin. Its value says the caller wants the cookie.
 */
export const APP_CLIENT_HEADER = 'x-requested-with';
export const APP_CLIENT_VALUE = 'amhp-app';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The named cookie from a Cookie header (our values are base64url: no decoding needed). */
export function cookieValue(raw: string | undefined, name: string): string | undefined {
  for (const part of (raw ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${REFRESH_COOKIE}=${value}`, `Max-Age=${maxAgeSeconds}`, `Path=${REFRESH_COOKIE_PATH}`];
  if (maxAgeSeconds === 0) attrs.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  attrs.push('HttpOnly', 'SameSite=Strict');
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** The caller is the app (it asked for the refresh token as a cookie). */
export function wantsCookie(headers: Headers): boolean {
  return header(headers, APP_CLIENT_HEADER) === APP_CLIENT_VALUE;
}

export function refreshCookieFrom(headers: Headers): string | undefined {
  return cookieValue(header(headers, 'cookie'), REFRESH_COOKIE);
}

/**
 * Why a cookie refresh is refused, or null when it may go ahead: the app's header must be present, and where the
 * browser says where the request came from (Origin, Sec-Fetch-Site) it must be this very origin.
 */
export function csrfRefusal(headers: Headers, ownOrigin: string): string | null {
  if (!wantsCookie(headers)) return `A refresh with the cookie needs the header X-Requested-With: ${APP_CLIENT_VALUE}.`;
  const origin = header(headers, 'origin');
  if (origin !== undefined && origin !== ownOrigin) return 'A refresh with the cookie must come from this service’s own pages.';
  const site = header(headers, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return 'A refresh with the cookie must come from this service’s own pages.';
  return null;
}

/** scheme://host[:port] of this request as the browser sees it (X-Forwarded-* only when TRUST_PROXY is on). */
export function ownOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function assertSameOriginApp(req: FastifyRequest): void {
  const refusal = csrfRefusal(req.headers, ownOrigin(req));
  if (refusal) throw new ForbiddenProblem(refusal, 'csrf-refused');
}

export function setRefreshCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date, now: Date): void {
  const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('A refresh token must be base64url to travel in a cookie.');
  reply.header('set-cookie', serialize(token, maxAge, req.protocol === 'https'));
}

export function clearRefreshCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', serialize('', 0, req.protocol === 'https'));
}
