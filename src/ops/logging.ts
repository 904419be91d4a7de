import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';

/** Never logged: credentials, and the fields that identify a person. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.nhsNumber',
  '*.givenName',
  '*.familyName',
  '*.name',
  '*.dateOfBirth',
  '*.address',
  '*.postcode',
  '*.phone',
  '*.email',
];

export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Fastify has already given the request its id (from a valid X-Request-Id, or a new UUID); middie copies it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
  };
}
