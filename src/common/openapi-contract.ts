/**
 * Completes the OpenAPI document that @nestjs/swagger builds from the decorators, so that it states the rules the
 * service really enforces:
 * - every class-validator constraint of a body or query DTO appears in its schema (read from the validators'
 *   own metadata, so the schema cannot drift from them);
 * - `nullable` is written so that a strict validator rejects null wherever it is not allowed (OpenAPI 3.0: a
 *   nullable `$ref` becomes `allOf: [{$ref}]` + `nullable`, a nullable enum lists null);
 * - every operation's error responses reference the one `ProblemDetails` schema (RFC 9457);
 * - every write (POST, PUT, PATCH, DELETE) that honours `Idempotency-Key` declares the header.
 */
import { ParseIntPipe, ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { IDEMPOTENCY_NOT_STORED } from '../idempotency/idempotency.interceptor';
import { PUBLIC_KEY } from '../access/authorize.decorator';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { INSTANT_PATTERN, VISIBLE_CHARACTER } from './validators';
import { NamedParamPipe, ParseDatePipe } from './validation';

type Schema = Record<string, unknown>;
/** A DTO or controller class. */
type DtoClass = abstract new (...args: never[]) => unknown;
type Operation = {
  operationId?: string;
  parameters?: Schema[];
  requestBody?: unknown;
  responses: Record<string, Schema>;
  security?: unknown[];
};

const closedSchemas = new Set<string>();

/**
 * The body has exactly the declared fields (`additionalProperties: false`): lets a `oneOf` tell a cut-down view
 * (e.g. a referrer's) from the full one that carries more.
 */
export function ClosedSchema(): ClassDecorator {
  return (target) => {
    closedSchemas.add(target.name);
  };
}

/** What a validator states in JSON Schema; `null` when it constrains nothing a schema can say (e.g. @IsOptional). */
export function schemaFragment(meta: ValidationMetadata): Schema | null {
  const c = meta.constraints ?? [];
  switch (meta.name) {
    case 'isString':
      return { type: 'string' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber': {
      const places = (c[0] as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces;
      return places === undefined ? { type: 'number' } : { type: 'number', multipleOf: Number(`1e-${places}`) };
    }
    case 'isArray':
      return { type: 'array' };
    case 'isObject':
      return { type: 'object' };
    case 'min':
      return { minimum: c[0] };
    case 'max':
      return { maximum: c[0] };
    case 'minLength':
      return { minLength: c[0] };
    case 'maxLength':
      return { maxLength: c[0] };
    case 'length':
      return c[1] === undefined ? { minLength: c[0] } : { minLength: c[0], maxLength: c[1] };
    case 'arrayMinSize':
      return { minItems: c[0] };
    case 'arrayMaxSize':
      return { maxItems: c[0] };
    case 'arrayNotEmpty':
      return { minItems: 1 };
    case 'arrayUnique':
      return { uniqueItems: true };
    case 'matches':
      return { pattern: (c[0] as RegExp).source };
    case 'isIn':
      return { enum: [...(c[0] as unknown[])] };
    case 'notEquals':
      return { not: { enum: [c[0]] } };
    case 'isUuid':
      return { format: 'uuid' };
    case 'isEmail':
      return { format: 'email' };
    case 'isIso8601':
      return { format: 'date-time' };
    case 'isInstant':
      return { format: 'date-time', pattern: INSTANT_PATTERN.source };
    case 'isLocalDate':
      return { format: 'date' };
    // Something that shows, anywhere in the value (the pattern is not anchored).
    case 'notBlank':
      return { pattern: VISIBLE_CHARACTER.source };
    // A period in hours to the minute, at least one minute: the whole-minutes rule (hours × 60 a whole number) is in
    // the description.
    case 'isHoursToTheMinute':
      return { type: 'number', minimum: 1 / 60, maximum: c[0] };
    case 'maxDecimalPlaces':
      return { multipleOf: Number(`1e-${String(c[0])}`) };
    // An object (or a list of objects) of the nested DTO: its $ref (or items.$ref) says so.
    case 'isNestedObject':
      return null;
    // Look-alike addresses (visible-text.ts emailAddressFault): what is refused is in the description.
    case 'unambiguousEmail':
      return null;
    // The form only: the modulus 11 check digit is in the description (spaces and dashes are removed first).
    case 'isNhsNumber':
      return { pattern: '^\\s*\\d{3}[ -]?\\d{3}[ -]?\\d{4}\\s*$' };
  }
  if (meta.type === 'conditionalValidation' || meta.type === 'nestedValidation' || meta.type === 'whitelistValidation') return null;
  throw new Error(
    `openapi: no schema statement for the validator ${meta.name ?? meta.type} (${typeof meta.target === 'string' ? meta.target : meta.target.name}.${meta.propertyName})`,
  );
}

/** The validation metadata of a DTO class (own and inherited), by property. */
export function validatorsByProperty(target: DtoClass): Map<string, ValidationMetadata[]> {
  const storage = getMetadataStorage();
  const out = new Map<string, ValidationMetadata[]>();
  for (const meta of storage.getTargetValidationMetadatas(target, '', true, false)) {
    const list = out.get(meta.propertyName) ?? [];
    list.push(meta);
    out.set(meta.propertyName, list);
  }
  return out;
}

/** Every class carrying class-validator metadata, by name (the schema name @nestjs/swagger gives it). */
export function validatedClasses(): Map<string, DtoClass[]> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<DtoClass, ValidationMetadata[]> };
  const out = new Map<string, DtoClass[]>();
  for (const target of storage.validationMetadatas.keys()) {
    if (typeof target !== 'function') continue;
    out.set(target.name, [...(out.get(target.name) ?? []), target]);
  }
  return out;
}

/** The schema a fragment applies to: the property itself, or its items for `{ each: true }`. */
function targetOf(property: Schema, meta: ValidationMetadata): Schema | null {
  if (!meta.each) return property;
  const items = property.items as Schema | undefined;
  return items && !('$ref' in items) ? items : null;
}

function applyFragment(schema: Schema, fragment: Schema): void {
  const isRef = '$ref' in schema || 'allOf' in schema || 'oneOf' in schema;
  for (const [key, value] of Object.entries(fragment)) {
    if (key === 'type') {
      if (isRef) continue;
      // @IsNumber on an integer-only field keeps "integer"; @IsInt makes "number" an "integer".
      if (value === 'number' && schema.type === 'integer') continue;
      schema.type = value;
    } else if (key === 'format') {
      if (schema.format === undefined) schema.format = value;
    } else if (key === 'enum') {
      schema.enum = value;
    } else {
      schema[key] = value;
    }
  }
}

function applyValidators(properties: Record<string, Schema>, target: DtoClass): void {
  for (const [name, metas] of validatorsByProperty(target)) {
    const property = properties[name];
    if (!property) continue;
    for (const meta of metas) {
      const fragment = schemaFragment(meta);
      const at = fragment && targetOf(property, meta);
      if (fragment && at) applyFragment(at, fragment);
    }
  }
}

/** Whether `schema` states `fragment` (used by the test that keeps the contract and the validators together). */
export function states(schema: Schema, fragment: Schema): boolean {
  return Object.entries(fragment).every(([key, value]) => {
    if (key === 'type' && ('$ref' in schema || 'allOf' in schema)) return true;
    if (key === 'type' && value === 'number') return schema.type === 'number' || schema.type === 'integer';
    if (key === 'format') return schema.format !== undefined;
    if (key === 'enum') {
      const declared = (schema.enum as unknown[] | undefined) ?? [];
      return (value as unknown[]).every((v) => declared.includes(v));
    }
    return JSON.stringify(schema[key]) === JSON.stringify(value);
  });
}

interface Handler {
  controller: DtoClass;
  method: string;
  http: string;
  query?: DtoClass;
  uuidParams: string[];
  /** What the pipes of its path parameters accept: a uuid, a calendar date, a whole number. */
  paramSchemas: Record<string, Schema>;
  public: boolean;
  idempotencyRefused: boolean;
}

/** Each route handler by operationId (`<Controller>_<method>`, @nestjs/swagger's default). */
export function handlersByOperationId(app: INestApplicationContext): Map<string, Handler> {
  const out = new Map<string, Handler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as DtoClass | undefined;
      if (!controller?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const fn = (controller.prototype as Record<string, unknown>)[method];
        if (typeof fn !== 'function' || Reflect.getMetadata(PATH_METADATA, fn) === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
          string,
          { index: number; data?: unknown; pipes?: unknown[] }
        >;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ?? []) as DtoClass[];
        let query: DtoClass | undefined;
        const uuidParams: string[] = [];
        const paramSchemas: Record<string, Schema> = {};
        for (const [key, arg] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          if (kind === 4 && arg.data === undefined) query = types[arg.index];
          if (kind !== 5 || typeof arg.data !== 'string') continue;
          const pipes = (arg.pipes ?? []).map((p) => (p instanceof NamedParamPipe ? p.inner : p));
          if (pipes.some((p) => p instanceof ParseUUIDPipe)) uuidParams.push(arg.data);
          if (pipes.some((p) => p instanceof ParseDatePipe)) paramSchemas[arg.data] = { type: 'string', format: 'date' };
          if (pipes.some((p) => p instanceof ParseIntPipe)) paramSchemas[arg.data] = { type: 'integer' };
        }
        out.set(`${controller.name}_${method}`, {
          controller,
          method,
          http: RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number],
          query,
          uuidParams,
          paramSchemas,
          public: !!(Reflect.getMetadata(PUBLIC_KEY, fn) ?? Reflect.getMetadata(PUBLIC_KEY, controller)),
          idempotencyRefused: Reflect.getMetadata(IDEMPOTENCY_NOT_STORED, fn) !== undefined,
        });
      }
    }
  }
  return out;
}

export const PROBLEM_SCHEMA: Schema = {
  type: 'object',
  description: 'RFC 9457 problem details: every error this API returns, as application/problem+json.',
  properties: {
    type: { type: 'string', example: 'urn:amhp-hub:problem:validation-failed' },
    title: { type: 'string', example: 'The request has invalid fields' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated.' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The path of the request.' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. `validation-failed`, `not-found`, `concurrent-update`.' },
    requestId: { type: 'string', description: 'The X-Request-Id of the request.' },
    errors: {
      type: 'array',
      description: 'For invalid fields: each field with its messages.',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
        required: ['field', 'messages'],
      },
    },
  },
  required: ['type', 'title', 'status', 'code'],
  additionalProperties: true,
};

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid request: fields, query parameters, headers or JSON (problem+json with per-field errors).',
  '401': 'Missing, invalid or expired token (problem+json).',
  '403': 'Not allowed for this role or relationship (problem+json).',
  '404': 'No such record, or not one you may see (problem+json).',
  '406': 'The route cannot answer in a type the Accept header allows (problem+json).',
  '409': 'Conflict: a duplicate, a lost race or a state that does not allow this (problem+json); fetch again and retry.',
  '412': 'If-Match names a version that is no longer current (problem+json with currentETag).',
  '413': 'The request body is larger than this service accepts (problem+json).',
  '415': 'The body is not JSON (problem+json).',
  '422': 'Understood but refused by a rule, e.g. a statutory rule or a reused Idempotency-Key (problem+json).',
  '429': 'Too many attempts; retry after Retry-After seconds (problem+json).',
  '503': 'The database is unavailable or too slow; retry after Retry-After seconds (problem+json).',
};

const PROBLEM_CONTENT = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
/** What @Authorize declares on every route: the shared responses say the same. */
const COMMON_DESCRIPTIONS = new Set([
  'Missing, invalid or expired token (problem+json).',
  'Not allowed for this role or relationship (problem+json).',
]);

function errorStatuses(path: string, verb: string, op: Operation, handler: Handler | undefined): string[] {
  const statuses = ['400'];
  const secured = !!op.security?.length;
  if (secured) statuses.push('401', '403');
  const write = verb !== 'get' && verb !== 'head';
  // A record named in the path or the body (a referral id, a user id) may not exist.
  if (path.includes('{') || op.requestBody) statuses.push('404');
  // A rule about the values (a period too long, a date that does not exist) refuses with 422.
  if (write || (op.parameters ?? []).some((p) => p.in === 'query' || p.in === 'path')) statuses.push('422');
  if (write) statuses.push('409', '413', '415');
  if ((op.parameters ?? []).some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'if-match')) statuses.push('412');
  // A route that answers something other than JSON (an event stream, a calendar) refuses an Accept it cannot meet.
  const [okStatus, ok] = (Object.entries(op.responses).find(([s]) => s.startsWith('2')) ?? []) as [
    string | undefined,
    { content?: Record<string, unknown> } | undefined,
  ];
  if (ok && okStatus !== '204' && !ok.content?.['application/json']) statuses.push('406');
  if (handler?.public && write) statuses.push('401', '429');
  statuses.push('503');
  return [...new Set(statuses)].sort();
}

/** OpenAPI 3.0 nullability a strict validator honours: nullable refs through allOf, null listed in nullable enums. */
function fixNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(fixNullable);
  if (!node || typeof node !== 'object') return;
  const schema = node as Schema;
  if (schema.nullable === true && typeof schema.$ref === 'string') {
    schema.allOf = [{ $ref: schema.$ref }];
    delete schema.$ref;
  }
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null))
    schema.enum = [...(schema.enum as unknown[]), null];
  for (const value of Object.values(schema)) fixNullable(value);
}

/** The operations whose Idempotency-Key is honoured (the interceptor's IDEMPOTENT_WRITES). */
const IDEMPOTENT_VERBS = new Set(['post', 'put', 'patch', 'delete']);

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    '1-255 visible ASCII characters, made once per user action: a retry with the same key and request returns the first ' +
    'response (Idempotent-Replayed: true); the same key with another request is 422; while the first runs, 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]{1,255}$' },
};

export function completeOpenApiDocument(app: INestApplicationContext, document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const classes = validatedClasses();
  for (const [name, schema] of Object.entries(schemas)) {
    const targets = classes.get(name);
    if (!targets) continue;
    if (targets.length > 1) throw new Error(`openapi: two DTO classes are named ${name}; give one another name`);
    applyValidators((schema.properties ?? {}) as Record<string, Schema>, targets[0]);
  }
  const handlers = handlersByOperationId(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [verb, value] of Object.entries(item as Record<string, Operation>)) {
      const op = value;
      const handler = op.operationId ? handlers.get(op.operationId) : undefined;
      const parameters = op.parameters ?? [];
      if (handler?.query) {
        const queryProps: Record<string, Schema> = {};
        for (const p of parameters) if (p.in === 'query') queryProps[String(p.name)] = (p.schema ?? (p.schema = {})) as Schema;
        applyValidators(queryProps, handler.query);
      }
      for (const p of parameters) {
        if (p.in === 'path' && handler?.uuidParams.includes(String(p.name))) (p.schema as Schema).format = 'uuid';
        if (p.in === 'path' && handler?.paramSchemas[String(p.name)])
          p.schema = { ...(p.schema as Schema), ...handler.paramSchemas[String(p.name)] };
      }
      if (IDEMPOTENT_VERBS.has(verb) && op.security?.length && handler && !handler.idempotencyRefused) {
        const given = parameters.findIndex((p) => String(p.name).toLowerCase() === 'idempotency-key');
        if (given >= 0)
          parameters[given] = { ...IDEMPOTENCY_HEADER, description: parameters[given].description ?? IDEMPOTENCY_HEADER.description };
        else parameters.push({ ...IDEMPOTENCY_HEADER });
      }
      if (parameters.length) op.parameters = parameters;
      for (const status of errorStatuses(path, verb, op, handler)) {
        const description = op.responses[status]?.description as string | undefined;
        op.responses[status] =
          description && description !== ERROR_DESCRIPTIONS[status] && !COMMON_DESCRIPTIONS.has(description)
            ? { description, content: PROBLEM_CONTENT }
            : { $ref: `#/components/responses/Problem${status}` };
      }
      // An error a route declares itself (a 429 of its own throttle, say) is problem+json like every other.
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && !('$ref' in response) && !response.content)
          op.responses[status] = { ...response, content: PROBLEM_CONTENT };
      }
    }
  }
  for (const name of closedSchemas) if (schemas[name]) schemas[name].additionalProperties = false;
  schemas.ProblemDetails = PROBLEM_SCHEMA;
  const responses = (document.components!.responses ??= {}) as unknown as Record<string, Schema>;
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS))
    responses[`Problem${status}`] = { description, content: PROBLEM_CONTENT };
  fixNullable(document.paths);
  fixNullable(schemas);
  return document;
}
