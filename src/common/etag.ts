import { PreconditionFailedProblem, BadRequestProblem } from './problem';

/** Strong ETag for a versioned aggregate. */
export function etagFor(version: number): string {
  return `"v${version}"`;
}

/**
 * What an If-Match header asks of a versioned resource: nothing (no header, or `*`), or the versions it names, any of
 * which may be the current one (a list, `"v3", "v4"`). An empty list (every tag weak) names none: nothing matches.
 */
export type ExpectedVersion = number | readonly number[] | undefined;

/** An entity-tag (RFC 9110 §8.8.3): optionally weak, an opaque quoted string. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
/** The opaque part of a tag this API returns: `v3` (strong), or `v3.<hash>` (a polled read's weak tag, conditional-get.ts). */
const VERSION_TAG = /^v(0|[1-9]\d{0,14})(\.[A-Za-z0-9_-]{1,64})?$/;

/**
 * Parses an If-Match header (RFC 9110 §13.1.1) into the versions it names. Absent header → undefined (the update
 * still runs as a compare-and-set against the version read in its own transaction); `*` matches any version. A
 * comma-separated list matches if any of its tags does; whitespace around the tags and empty list elements are
 * allowed. Tags are compared strongly: a bare weak tag (`W/"v3"`) never matches, so a list of those alone is 412; a
 * polled read's `W/"v3.<hash>"` names version 3 (see below). Anything that is not a list of tags this API returns is 400.
 */
export function versionFromIfMatch(header: string | string[] | undefined): ExpectedVersion {
  if (header === undefined) return undefined;
  // Several If-Match fields are one list (RFC 9110 §5.3).
  const raw = (Array.isArray(header) ? header.join(', ') : header).trim();
  if (raw === '*') return undefined;
  const malformed = () =>
    // An empty If-Match states no precondition the client could have meant: refused, not taken as none.
    new BadRequestProblem(`If-Match must be an ETag returned by this API, such as "v3"; got ${raw ? raw : 'an empty value'}.`, [
      { field: 'If-Match', messages: ['If-Match must be an ETag returned by this API, such as "v3", a list of them, or *'] },
    ]);
  const tags = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (!tags.length) throw malformed();
  const versions: number[] = [];
  for (const item of tags) {
    const tag = ENTITY_TAG.exec(item);
    const version = tag && VERSION_TAG.exec(tag[2]);
    // A strong "v3.<hash>" is no tag this API returns: only a polled read's weak one has a suffix.
    if (!tag || !version || (version[2] && !tag[1])) throw malformed();
    // A polled read's W/"v3.<hash>" is weak only because its hash also covers what changes with time (the clocks'
    // states); its version part is the record's own strong validator, so the tag a client was just given for a record
    // names that version, as "v3" does: GET, then write with the ETag it gave. A bare W/"v3" the API never gives:
    // compared strongly, it matches nothing.
    if (!tag[1] || version[2]) versions.push(Number(version[1]));
  }
  return versions.length === 1 ? versions[0] : versions;
}

/** 412, with the current ETag, unless `expected` (versionFromIfMatch) is nothing or names the version `actual`. */
export function assertVersion(expected: ExpectedVersion, actual: number): void {
  if (expected === undefined) return;
  if (typeof expected === 'number' ? expected !== actual : !expected.includes(actual)) {
    throw new PreconditionFailedProblem(undefined, { currentETag: etagFor(actual) });
  }
}
