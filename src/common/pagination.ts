import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BadRequestProblem } from './problem';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** A list's page size: `limit`, 1 to MAX_PAGE_SIZE (DEFAULT_PAGE_SIZE when absent). */
export const PageLimit = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    IsOptional(),
    Type(() => Number),
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
    Matches(/^[A-Za-z0-9_-]{1,512}$/, { message: 'cursor must be a cursor returned by a previous page' }),
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

/** Decodes a cursor into its key values, checking each with the given type names. */
export function decodeCursor(cursor: string, types: Array<'string' | 'number'>): Array<string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestProblem('cursor is not a cursor returned by this API.');
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length || parsed.some((v, i) => typeof v !== types[i])) {
    throw new BadRequestProblem('cursor is not a cursor returned by this API.');
  }
  return parsed as Array<string | number>;
}

/** Takes limit+1 rows, returns the page and the cursor to the next one. */
export function pageOf<R, T>(rows: R[], limit: number, key: (row: R) => unknown[], map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return {
    items: items.map(map),
    nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null,
  };
}
