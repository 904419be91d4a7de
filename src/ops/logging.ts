import pino, { Logger } from 'pino';
import type { Options } from 'pino-http';
import { requestContext } from '../common/request-context';
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

/**
 * The one pino logger: application logs (through nestjs-pino) and request logs (bootstrap's onResponse hook). A line
 * logged while a request is served carries that request's id (identifiers only: never its URL, query or headers).
 */
export function rootLogger(config: AppConfig, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'amhp-hub' },
    mixin: (entry: object) => {
      if ('reqId' in entry) return {};
      const ctx = requestContext.current();
      return ctx ? { reqId: ctx.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** nestjs-pino's options: the root logger is ours; its request middleware is not mounted (see AppModule). */
export function pinoHttpOptions(logger: Logger): Options {
  return { logger, autoLogging: false };
}
