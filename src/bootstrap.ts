import { randomUUID } from 'node:crypto';
import * as zlib from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { AppModule, AppOptions, ROOT_LOGGER } from './app.module';
import { registerAppShell } from './client/app-shell';
import { conditionalAnswer, isRevalidated } from './common/conditional-get';
import { apiSecurityHeaders, documentHeadersFor, isDocumentType, staticHelmetHeaders } from './common/security-headers';
import { csvBodyParser, declareBodyMediaTypes, jsonBodyParser } from './common/json-body';
import { refuseBodiesWhereNoneIsTaken } from './common/bodyless';
import { badlyEncodedQueryParameters, refuseUndeclaredQueryParameters } from './common/query-parameters';
import { completeOpenApiDocument } from './common/openapi-contract';
import { clientErrorResponse, sendProblem } from './common/problem.filter';
import { ValidationProblem } from './common/problem';
import { trackRouteMethods } from './common/allowed-methods';
import { contextFromRequest, requestContext } from './common/request-context';
import { validationPipe } from './common/validation';
import { EVENT_TYPES, eventCatalogueMarkdown, eventCatalogueSchemas, eventSchemaName } from './events/catalogue';
import { attachToWriteHandlers, IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { Metrics } from './ops/metrics';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/** Answers smaller than this go as they are: compressing them saves too little to pay for the CPU. */
export const COMPRESS_THRESHOLD_BYTES = 1024;
/** What is compressed: JSON (problem+json included), HTML, CSS, JavaScript, CSV, plain text, calendars, SVG, YAML. */
const COMPRESSIBLE =
  /^(application\/(json|[a-z.+-]+\+json|javascript|yaml|x-yaml|xml)|text\/(html|css|javascript|csv|plain|calendar|xml|markdown|yaml)|image\/svg\+xml)\b/;

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('amhp-hub')
    .setDescription(
      'Backend for a 24/7 Approved Mental Health Professional hub: rota, Mental Health Act referrals and assessments, ' +
        'statutory clocks and out-of-hours decisions. Errors are RFC 9457 application/problem+json. Lists use keyset ' +
        'pagination (limit, cursor). Updates accept If-Match; writes (POST, PUT, PATCH, DELETE) accept Idempotency-Key.\n\n' +
        EVENTS_DESCRIPTION,
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The event payload schemas, as components named Event_<type>, appended after the DTO schemas in event-type order
  // (eventCatalogueSchemas is sorted) so the document stays deterministic.
  const schemas: Record<string, unknown> = { ...(document.components?.schemas ?? {}) };
  const events = eventCatalogueSchemas();
  for (const type of EVENT_TYPES) schemas[eventSchemaName(type)] = events[type];
  document.components = { ...(document.components ?? {}), schemas: schemas as NonNullable<OpenAPIObject['components']>['schemas'] };
  return completeOpenApiDocument(app, document);
}

const EVENTS_DESCRIPTION =
  '## Events\n\n' +
  'Every change worth knowing about is written, in the transaction that makes it, to an outbox as a domain event ' +
  '`{id, type, aggregateType, aggregateId, occurredAt, payload}`. Payloads carry identifiers, codes and times only, ' +
  "never a person's details. Events are delivered by the server-sent event stream `GET /events` (filter with `types`, " +
  'resume with `Last-Event-ID`) and by webhooks: a POST of `{id, eventId, type, occurredAt, aggregateType, aggregateId, data}` ' +
  'whose `data` is the payload, with the headers `Amhp-Webhook-Id` (the delivery id), ' +
  '`Amhp-Webhook-Timestamp` (Unix seconds) and `Amhp-Webhook-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, ' +
  "keyed with the subscription's secret. The payload schema of each event is the component `Event_<type>` (dots and " +
  'dashes replaced by underscores).\n\n' +
  eventCatalogueMarkdown();

/** Builds the application exactly as `npm start` runs it; tests and benches use the same function. */
export async function createApp(options: AppOptions & { logger?: boolean }): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    // Fastify's own refusals (a malformed percent-encoding, a path parameter over maxParamLength) and Node's (headers
    // too large, a malformed request) leave as problem+json like every other error.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => void sendProblem(err, req, reply),
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(err));
      socket.destroy(err);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // No form-encoded body parser (Nest's default): a form POST needs no CORS preflight, and no route takes one.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  const fastify = app.getHttpAdapter().getInstance();
  // Which methods each path is answered for, from the routes as they are registered: 405 with Allow (problem.filter.ts).
  trackRouteMethods(fastify);
  // Bodies are JSON, or CSV where a route declares it (declareBodyMediaTypes), in UTF-8; any other type is 415 (Fastify's
  // own plain-text parser is removed: it handed a string to routes that take an object).
  fastify.removeContentTypeParser('text/plain');
  // Every JSON body, on every route: depth, lone surrogates, invalid UTF-8 and object-member names checked before any route code.
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, jsonBodyParser(fastify));
  // A CSV body (the population table a manager loads) arrives as text; its route checks it line by line.
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes }, csvBodyParser);
  declareBodyMediaTypes(app);
  // A PATCH or PUT says what to change: without a body it would change nothing yet bump the version. No body is
  // treated as a null body, which the validation pipe refuses (400 body-required) after the access checks.
  fastify.addHook('preValidation', (req, _reply, done) => {
    if ((req.method === 'PATCH' || req.method === 'PUT') && req.body === undefined) req.body = null;
    done();
  });
  app.enableShutdownHooks();
  if (config.corsOrigins.length) {
    const cors = {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
    };
    // A request without Origin is no browser's cross-origin request: no CORS for it, so an OPTIONS is answered with
    // Allow like any other (problem.filter.ts), not with @fastify/cors's text/plain 400 for an incomplete preflight.
    app.enableCors({ delegator: (req, done) => done(null, req.headers.origin ? cors : { origin: false }) });
  }
  // Security headers from helmet, worked out once at start-up (helmet run against a recording response), instead of
  // running helmet's middleware chain on every request (measured in bench/: helmet per request was the largest part
  // of the fixed cost of a request). Every answer gets the API's set in the one onRequest hook, with the request id
  // and the default cache policy; a document (a page, a PDF) gets the rest of helmet's in onSend.
  const documentHeaders = staticHelmetHeaders({
    contentSecurityPolicy: {
      // The API answers JSON; only the /docs page needs scripts and styles, served from this origin.
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  const securityHeaders = apiSecurityHeaders(documentHeaders);
  fastify.addHook('onRequest', (req, reply, done) => {
    // Responses may carry a person's data: nothing is cached unless a route says otherwise (a route's own
    // Cache-Control, set later, replaces this one).
    reply.headers(securityHeaders).header('x-request-id', req.id).header('cache-control', 'no-store');
    // A query parameter that is not validly percent-encoded is 400 naming it, as a bad path is (the parser kept it raw).
    const misencoded = badlyEncodedQueryParameters(req.url);
    if (misencoded.length) {
      sendProblem(new ValidationProblem(misencoded), req, reply);
      return;
    }
    done();
  });
  // The request's context (who, where; the actor once the guard has authenticated them) for the audit records made
  // anywhere below the handler. Entered in the last hook before the handler, after the body is read, so every route
  // runs inside it without an interceptor (a GET then skips Nest's interceptor pipeline entirely).
  fastify.addHook('preHandler', (req, _reply, done) => requestContext.run(contextFromRequest(req), done));
  // Idempotency-Key is a write's concern: its interceptor is attached to the write handlers alone, once at start-up.
  attachToWriteHandlers(app, app.get(IdempotencyInterceptor));
  // A write route that takes no body refuses one that says something (before Idempotency-Key looks at it).
  refuseBodiesWhereNoneIsTaken(app);
  // A route refuses the query parameters it does not read (those that take a query DTO: the validation pipe).
  refuseUndeclaredQueryParameters(app);
  // A document's security headers; then conditional GET on the reads a client polls (routes marked @Revalidated): an
  // ETag, and 304 when it still matches.
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (isDocumentType(reply.getHeader('content-type'))) {
      reply.headers(documentHeadersFor((name) => reply.getHeader(name), documentHeaders, securityHeaders));
    }
    if (reply.statusCode === 200 && typeof payload === 'string' && isRevalidated(reply.getHeader('cache-control'))) {
      done(null, conditionalAnswer(req, reply, payload));
      return;
    }
    done(null, payload);
  });
  // Responses over ~1 KB compressed (brotli or gzip) when the client accepts it; never the event stream (it is
  // written straight to the socket, and its type is not in the list in any case) nor PDFs and images.
  await app.register(fastifyCompress, {
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    brotliOptions: {
      params: { [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_QUALITY]: 4 },
    },
  });
  const metrics = app.get(Metrics);
  const log = app.get<Pino>(ROOT_LOGGER);
  const quiet = new Set(['/health/live', '/health/ready', '/metrics']);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const status = reply.statusCode;
    done();
    if (quiet.has(route) && status < 500) return;
    // Identifiers only: the route pattern, never the query string, so no person data reaches the logs.
    const entry = {
      reqId: req.id,
      method: req.method,
      route,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      userId: (req as { actor?: { userId: string } }).actor?.userId,
    };
    if (status >= 500) log.error(entry, 'request failed');
    else if (status >= 400) log.warn(entry, 'request refused');
    else log.info(entry, 'request completed');
  });

  // The duty AMHP's app at /app/: static files only; it speaks to the API like any other client.
  await registerAppShell(fastify);
  // The contract is built on its first request (then kept), not at every start: it is a fifth of a start's CPU.
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  await app.init();
  await fastify.ready();
  return app;
}
