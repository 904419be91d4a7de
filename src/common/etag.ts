import { PreconditionFailedProblem, BadRequestProblem } from './problem';

/** Strong ETag for a versioned aggregate. */
export function etagFor(version: number): string {
  return `"v${version}"`;
}

/**
 * Parses an If-Match header into the version it names. Absent header → undefined (the update still runs as a
 * compare-and-set against the version read in its own transaction). `*` matches any version.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header[0] : header).trim();
  if (raw === '*') return undefined;
  // A polled read's ETag (W/"v3.<hash>", conditional-get.ts) names the same version as "v3".
  const m = /^(?:W\/)?"v(\d{1,15})(?:\.[A-Za-z0-9_-]{1,64})?"$/.exec(raw);
  // An empty If-Match states no precondition the client could have meant: refused, not taken as none.
  if (!m)
    throw new BadRequestProblem(`If-Match must be an ETag returned by this API, such as "v3"; got ${raw ? raw : 'an empty value'}.`, [
      { field: 'If-Match', messages: ['If-Match must be an ETag returned by this API, such as "v3", or *'] },
    ]);
  return Number(m[1]);
}

export function assertVersion(expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) {
    throw new PreconditionFailedProblem(undefined, { currentETag: etagFor(actual) });
  }
}
