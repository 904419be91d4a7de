import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FieldError, ProblemError, ValidationProblem } from './problem';

/**
 * The JSON body parser every route shares: what it lets through is a JSON document no deeper than MAX_JSON_DEPTH,
 * within the body limit (413 otherwise, from Fastify), without prototype poisoning, and whose every string (keys too)
 * is text PostgreSQL can store (well-formed UTF-16, no NUL). Everything it refuses is a 400 problem+json before any route code runs.
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
 * Every field (as `a.b.0.c`, like validation errors) whose string value or name is not text: it holds a lone
 * surrogate (e.g. `"a\ud800b"`), a NUL or another control character. Refused rather than stored as U+FFFD, failing in
 * PostgreSQL, or printed into a letter.
 */
export function unstorableStringFields(value: unknown, path = ''): FieldError[] {
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
    else out.push(...unstorableStringFields(child, name));
  }
  return out;
}

type Done = (err: Error | null, body?: unknown) => void;

/** The parser for `application/json`, for `app.useBodyParser` (which enforces the body limit before calling it). */
export function jsonBodyParser(fastify: FastifyInstance): (req: FastifyRequest, body: Buffer, done: Done) => void {
  // Fastify's own parser: secure-json-parse, refusing __proto__ and constructor.prototype keys; empty body is 400.
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (req, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(new BodyTooDeepProblem());
    void parse(req, text, (err, parsed) => {
      if (err) return done(err);
      const bad = unstorableStringFields(parsed);
      if (bad.length) return done(new ValidationProblem(bad));
      done(null, parsed);
    });
  };
}
