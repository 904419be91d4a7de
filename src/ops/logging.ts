import type { IncomingMessage } from 'node:http';
import pino, { Logger } from 'pino';
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
  // Database errors can carry the values of a failed statement (names, NHS numbers) in these fields.
  'err.parameters',
  'err.detail',
  'err.driverError.detail',
  'err.driverError.parameters',
];

/** The one pino logger: application logs (through nestjs-pino) and request logs (bootstrap's onResponse hook). */
export function rootLogger(config: AppConfig): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'amhp-hub' } });
}

export function pinoHttpOptions(config: AppConfig, logger: Logger): Options {
  return {
    logger,
    // Requests are logged by the Fastify onResponse hook (bootstrap.ts), which sees the matched route.
    autoLogging: false,
    // Fastify has already given the request its id (from a valid X-Request-Id, or a new UUID); middie copies it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? 'unknown',
  };
}
