import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers helmet would set with these options, worked out once: helmet's middleware is run against a
 * response that only records what it sets. Its headers do not depend on the request, so every response can be given
 * the same ones (lower-case names, as Fastify keeps them) without running the middleware chain again.
 */
export function staticHelmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: Error | undefined;
  helmet(options)({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) failure = err instanceof Error ? err : new Error('helmet refused its options');
  });
  if (failure) throw failure;
  if (!headers['content-security-policy']) throw new Error('helmet set no Content-Security-Policy: the recording found nothing');
  return Object.freeze(headers);
}

/**
 * The security headers of an API answer (JSON, CSV, an event stream): what protects a response that is data, not a
 * page (the OWASP REST security headers). A browser never renders one as a document, so nothing may load from it
 * and nothing may frame it; HSTS keeps the client on HTTPS; nosniff keeps JSON from being run as a script; CORP keeps
 * another site from reading it through a no-cors load. The headers that only mean something to a document (helmet's
 * Cross-Origin-Opener-Policy, Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) are given to documents alone (`documentHeadersFor`): sent on
 * every poll, they were most of an answer's bytes (a `/health/live` answer's headers 920 → ~420 bytes), and a
 * phone on a poor signal pays for every byte.
 */
export function apiSecurityHeaders(document: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const hsts = document['strict-transport-security'];
  if (!hsts) throw new Error('the document headers have no Strict-Transport-Security');
  return Object.freeze({
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': hsts,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  });
}

/**
 * Whether an answer of this Content-Type is a document a browser renders (a page, or a PDF in its viewer): those get
 * the whole helmet set.
 */
export function isDocumentType(contentType: unknown): boolean {
  return typeof contentType === 'string' && (contentType.startsWith('text/html') || contentType.startsWith('application/pdf'));
}

/**
 * The headers a document answer still needs, given what it carries: each document header it lacks, or carries with the
 * API's value (set for every request before the route ran). A route's own value (the app's or a printable page's
 * Content-Security-Policy) is kept.
 */
export function documentHeadersFor(
  current: (name: string) => unknown,
  document: Readonly<Record<string, string>>,
  api: Readonly<Record<string, string>>,
): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const [name, value] of Object.entries(document)) {
    const now = current(name);
    if (now !== value && (now === undefined || now === api[name])) missing[name] = value;
  }
  return missing;
}
