import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FieldError, ProblemError, UnsupportedMediaTypeProblem, ValidationProblem } from './problem';
import { addRouteConfig, routeHandlers } from './route-handlers';

/**
 * The body parsers every route shares. The JSON one lets through a JSON document no deeper than MAX_JSON_DEPTH, within
 * the body limit (413 otherwise, from Fastify), sent as UTF-8 to a route that takes JSON, with no field named after a
 * member of every object (`__proto__`, `constructor`, `toString`...) nor any named twice in one object, and whose every string (keys too) is text
 * PostgreSQL can store (well-formed UTF-16, no NUL). A body in a media type or charset the route does not take is 415,
 * anything else it refuses 400 problem+json, before any route code runs.
 */

/** Objects and arrays nested deeper than this are refused. The deepest request schema is about 5 levels. */
export const MAX_JSON_DEPTH = 32;

export class BodyTooDeepProblem extends ProblemError {
  constructor() {
    super(
      400,
      'body-too-deep',
      'The request body is nested too deeply',
      `JSON objects and arrays may be nested at most ${MAX_JSON_DEPTH} deep.`,
    );
  }
}

/**
 * How deep the JSON text nests its objects and arrays, stopping as soon as `max` is passed; brackets inside strings
 * do not count. Runs on the text before it is parsed, so a hostile body costs one linear scan and no recursion.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

/**
 * The first field (as `a.b.0.c`, like validation errors) that an object of this JSON text names twice, or undefined.
 * JSON.parse keeps the last value without a word, while a proxy, a log or the phone's outbox may read the first: the
 * request applied would not be the one they saw. Keys are compared as parsed (`"\u0073tatus"` is `status`). Runs on
 * text that has already parsed, in one linear scan.
 */
export function duplicateJsonKey(text: string): string | undefined {
  interface Frame {
    path: string;
    keys?: Set<string>;
    /** An object's last key, or an array's index. */
    at: string | number;
    expectKey: boolean;
  }
  const stack: Frame[] = [];
  const childPath = (f: Frame | undefined) => (f ? (f.path ? `${f.path}.${f.at}` : String(f.at)) : '');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) return top.path ? `${top.path}.${key}` : key;
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */) stack.push({ path: childPath(top), keys: new Set(), at: '', expectKey: true });
    else if (c === 0x5b /* [ */) stack.push({ path: childPath(top), at: 0, expectKey: false });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */ && top) {
      if (top.keys) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string holds a UTF-16 surrogate without its pair: not a character, and not storable as text. */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** A C0 control character but tab, line feed and carriage return, or DEL: not text anyone typed. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/**
 * Why this string is not text to keep (a lone surrogate or a NUL, which PostgreSQL cannot store; another control
 * character, which would reach the reports, letters and PDFs), or undefined when it is.
 */
export function unstorable(value: string): string | undefined {
  if (hasLoneSurrogate(value)) return 'a lone UTF-16 surrogate';
  if (value.includes('\u0000')) return 'a NUL character';
  if (hasControlCharacter(value)) return 'a control character';
  return undefined;
}

/**
 * Names no field of any request has: the members every object inherits (`constructor`, `toString`, `hasOwnProperty`,
 * `__proto__`...) and `prototype`. class-transformer skips such keys when it builds a DTO, so the whitelist never saw
 * them and the rest of the body was applied; refused here like any other unknown field, naming it.
 */
const OBJECT_MEMBER_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Every field (as `a.b.0.c`, like validation errors) of a body or query that is refused whatever the route: its string
 * value or name is not text (it holds a lone surrogate such as `"a\ud800b"`, a NUL or another control character;
 * refused rather than stored as U+FFFD, failing in PostgreSQL, or printed into a letter), or its name is that of a
 * member of every object (OBJECT_MEMBER_NAMES), which no endpoint accepts.
 */
export function unacceptableFields(value: unknown, path = ''): FieldError[] {
  const field = path || 'body';
  if (typeof value === 'string') {
    const why = unstorable(value);
    return why ? [{ field, messages: [`${field} must not contain ${why}`] }] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const out: FieldError[] = [];
  for (const [key, child] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key;
    const why = unstorable(key);
    if (why) out.push({ field: name, messages: [`the field name must not contain ${why}`] });
    else if (OBJECT_MEMBER_NAMES.has(key)) out.push({ field: name, messages: [`${name} is not a field this endpoint accepts`] });
    else out.push(...unacceptableFields(child, name));
  }
  return out;
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Tells each route's body parsers, once at start-up, the media types the route takes a body in (`@ApiConsumes`, or
 * JSON): a CSV body on a JSON route, or JSON on the CSV one, is 415 like any type no parser reads (a form, plain text).
 */
export function declareBodyMediaTypes(app: INestApplication): void {
  for (const route of routeHandlers(app)) addRouteConfig(route.handler, { consumes: route.consumes });
}

/** The media types the route of `req` takes a body in (declareBodyMediaTypes); JSON for a route not declared there. */
function routeConsumes(req: FastifyRequest): readonly string[] {
  return (req.routeOptions?.config as { consumes?: readonly string[] } | undefined)?.consumes ?? ['application/json'];
}

const UTF8 = /^utf-8$/i;

/**
 * Why a body sent as `contentType` is refused by a route taking `consumes` (415), or undefined when it is taken: its
 * media type must be one the route declares, and its charset, when given (quoted or not, in any case), UTF-8, which
 * is all this API reads. A Latin-1 or UTF-16 body was read as UTF-8 and its letters stored as U+FFFD.
 */
export function mediaTypeRefusal(contentType: string | undefined, consumes: readonly string[]): string | undefined {
  const [essence, ...params] = (contentType ?? '').split(';');
  const type = essence.trim().toLowerCase();
  if (!consumes.includes(type)) return `This endpoint takes ${consumes.join(' or ')}, not ${type || 'a body without a Content-Type'}.`;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!UTF8.test(charset)) return `Send the body as UTF-8 (charset=utf-8), not ${charset || 'an empty charset'}.`;
  }
  return undefined;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of a body a route takes: 415 for a media type or charset it does not take, 400 naming the body for bytes
 * that are not UTF-8 (an invalid byte, an overlong form, an encoded surrogate), which were read as U+FFFD and stored.
 */
export function bodyText(req: FastifyRequest, body: Buffer): string {
  const refusal = mediaTypeRefusal(req.headers['content-type'], routeConsumes(req));
  if (refusal) throw new UnsupportedMediaTypeProblem(refusal);
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new ValidationProblem([{ field: 'body', messages: ['body is not valid UTF-8'] }]);
  }
}

/** The parser for `application/json`, for `app.useBodyParser` (which enforces the body limit before calling it). */
export function jsonBodyParser(fastify: FastifyInstance): (req: FastifyRequest, body: Buffer, done: Done) => void {
  // Fastify's own parser (secure-json-parse; an empty body is 400). `__proto__` and `constructor` keys are let through
  // to be refused below by name (unacceptableFields), with every other field a route does not take.
  const parse = fastify.getDefaultJsonParser('ignore', 'ignore');
  return (req, body, done) => {
    let text: string;
    try {
      text = bodyText(req, body);
    } catch (err) {
      return done(err as Error);
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(new BodyTooDeepProblem());
    void parse(req, text, (err, parsed) => {
      if (err) return done(err);
      const repeated = duplicateJsonKey(text);
      if (repeated) return done(new ValidationProblem([{ field: repeated, messages: [`${repeated} is given more than once`] }]));
      const bad = unacceptableFields(parsed);
      if (bad.length) return done(new ValidationProblem(bad));
      done(null, parsed);
    });
  };
}

/** The parser for `text/csv`, on the routes that declare it: the text, checked by the route line by line. */
export function csvBodyParser(req: FastifyRequest, body: Buffer, done: Done): void {
  try {
    done(null, bodyText(req, body));
  } catch (err) {
    done(err as Error);
  }
}
