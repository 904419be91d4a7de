import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BadRequestProblem } from './problem';
import { isIsoDate } from '../statute/time';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** A list's page size: `limit`, 1 to MAX_PAGE_SIZE (DEFAULT_PAGE_SIZE when absent). */
export const PageLimit = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    IsOptional(),
    // Only a number written as people write one (no 0x3, 1e2, +5 or 05): anything else stays text and is refused.
    Transform(({ value }) => (typeof value === 'string' && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : value)),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_SIZE),
  );

/** A list's `cursor`: the previous page's `nextCursor`, as it was given. */
export const PageCursor = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: "Opaque cursor from the previous page's `nextCursor`." }),
    IsOptional(),
    IsString(),
    // A sealed cursor carries names of up to 100 characters each (sealCursor): room for them in any script.
    Matches(/^[A-Za-z0-9_-]{1,2048}$/, { message: 'cursor must be a cursor returned by a previous page' }),
  );

/** Query parameters of every list: keyset pagination with an opaque cursor. */
export class PageQuery {
  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What each value of a cursor's key is: `string` (any text: a name), `number`, `instant` (an ISO 8601 instant, or
 * `infinity` where a key sorts missing values last), `date` (YYYY-MM-DD), `uuid`, `bigint` (a row id, as digits).
 * A list's statement casts its key values to these types, so a value of another form would fail there.
 */
export type CursorPart = 'string' | 'number' | 'instant' | 'date' | 'uuid' | 'bigint';

/** The largest id a `bigint` column holds (2^63 - 1): a row id above it would fail the statement, not find nothing. */
const MAX_BIGINT = 9223372036854775807n;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function cursorPartIs(part: CursorPart, v: unknown): boolean {
  switch (part) {
    case 'string':
      return typeof v === 'string' && !v.includes('\u0000');
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'uuid':
      return typeof v === 'string' && UUID_TEXT.test(v);
    case 'bigint':
      return typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;
    case 'date':
      return typeof v === 'string' && isIsoDate(v);
    case 'instant':
      if (v === 'infinity') return true;
      if (typeof v !== 'string' || !INSTANT_TEXT.test(v) || !isIsoDate(v.slice(0, 10))) return false;
      return Number.isFinite(Date.parse(v));
  }
}

/**
 * The 400 naming `cursor` for a cursor this API did not give: decodeCursor's and openCursor's, and a list's own when a
 * decoded value is of the right kind but not one its key can hold (a rank that is not one of its ranks).
 */
export function badCursor(): BadRequestProblem {
  return new BadRequestProblem('cursor is not a cursor returned by this API.', [
    { field: 'cursor', messages: ["cursor must be a previous page's nextCursor, as it was given"] },
  ]);
}
const refuseCursor = badCursor;

function keyValues(json: string, parts: CursorPart[]): Array<string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw refuseCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== parts.length || parsed.some((v, i) => !cursorPartIs(parts[i], v))) throw refuseCursor();
  return parsed as Array<string | number>;
}

/** Decodes a cursor into its key values, checking each is of its part's kind; else 400 naming `cursor`. */
export function decodeCursor(cursor: string, parts: CursorPart[]): Array<string | number> {
  return keyValues(Buffer.from(cursor, 'base64url').toString('utf8'), parts);
}

/**
 * A cursor whose sort key is something the caller must not read in a URL or make up (a person's names): the key
 * values sealed with AES-256-GCM under `key`, bound to `context` (the list and the caller it was given to), so it
 * is opaque, and a cursor altered, forged or given by another caller or list is refused 400 like any other that is
 * not the API's. The page after it is found from the values themselves: no record is looked up to page.
 */
export function sealCursor(key: Uint8Array, context: string, values: unknown[]): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The key values of a cursor sealCursor made for the same `context`; anything else is 400 naming `cursor`. */
export function openCursor(key: Uint8Array, context: string, cursor: string, parts: CursorPart[]): Array<string | number> {
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length < 29) throw refuseCursor();
  let json: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw refuseCursor();
  }
  return keyValues(json, parts);
}

/** Takes limit+1 rows, returns the page and the cursor to the next one (`encode`: encodeCursor, or a sealCursor). */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => unknown[],
  map: (row: R) => T,
  encode: (key: unknown[]) => string = encodeCursor,
): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return {
    items: items.map(map),
    nextCursor: more ? encode(key(items[items.length - 1])) : null,
  };
}
