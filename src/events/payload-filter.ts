/**
 * The one filter of what leaves the hub about an event (the live stream, GET /events, and webhooks without
 * `allowPersonData`), and of the details an account manager sees in the audit log: identifiers, codes and times only.
 * Outbox payloads are meant to hold nothing else already (the catalogue's rule): this is the second line of defence,
 * so that a name, a date of birth, an NHS number or free text that ever reached a payload never goes further.
 *
 * What passes is decided by key, then by value:
 *  - a catalogued event keeps only the keys its payload schema declares (src/events/catalogue.ts), each only if its
 *    value is what the schema says: a uuid, an instant, a calendar date (a date key only), one of an enum's codes,
 *    a number, a boolean, null where nullable, arrays and objects of those;
 *  - anything else (an uncatalogued type, the audit log's details) keeps only `id`, keys ending in `Id` or `Ids`,
 *    `type`, `status`, `code`, `kind`, and times (keys ending in `At`);
 *  - a string that is not a uuid, an instant or a date is a code: one token of letters, digits and `._:/+-`, at most
 *    100 characters (or an API path), never a capitalised word (a name), never an NHS number's ten digits, never a
 *    date (a date of birth) unless the key is an id or a `link` (a handover is named by its date).
 *
 * A record's free-text field shown to a reader who sees identifiers, codes and times only (an account manager:
 * readsTextAboutPeople) goes through `codeOrNull`, the same rule for one value: a review alert's `summary`, which may
 * quote what a user typed (a shift's label), is such a field.
 */
import { EVENTS, isEventType } from './catalogue';
import type { JsonSchema } from './schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^\/?[A-Za-z0-9][A-Za-z0-9._:/+-]{0,99}$/;
/** A capitalised word (Smith, McDonald, dob:Smith): a name, never a code; a camelCase field name is a code. */
const NAME_LIKE = /(^|[^A-Za-z])[A-Z][a-z]/;
/** Ten digits, grouped 3-3-4 or not: the shape of an NHS number. */
const NHS_NUMBER = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)/;
/** A calendar date anywhere in a value. */
const DATE_INSIDE = /(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/;
/** Keys that could hold a date of birth: never a date there, whatever the schema says. */
const PERSON_DATE_KEY = /birth|dob|born/i;
const MAX_ITEMS = 100;

const isIdKey = (key: string): boolean => key === 'id' || /Id$/.test(key);

/** The schema of a key outside the catalogue (uncatalogued events, audit details): identifiers, codes and times. */
function genericSchema(key: string): JsonSchema | null {
  if (isIdKey(key)) return { type: 'string', nullable: true };
  if (/Ids$/.test(key)) return { type: 'array', items: { type: 'string' }, nullable: true };
  if (/At$/.test(key)) return { type: 'string', format: 'date-time', nullable: true };
  if (['type', 'status', 'code', 'kind'].includes(key)) return { type: 'string', nullable: true };
  return null;
}

/** Whether a string under `key` is a code (see above). */
export function isCode(value: string, key: string): boolean {
  if (UUID.test(value)) return true;
  if (!CODE.test(value) || NAME_LIKE.test(value) || NHS_NUMBER.test(value)) return false;
  return !DATE_INSIDE.test(value) || isIdKey(key) || key === 'link';
}

const DROPPED = Symbol('dropped');

function filterValue(key: string, value: unknown, schema: JsonSchema): unknown {
  if (value === null) return schema.nullable ? null : DROPPED;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return DROPPED;
      if (schema.format === 'uuid') return UUID.test(value) ? value : DROPPED;
      if (schema.format === 'date-time') return INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? value : DROPPED;
      if (schema.format === 'date') return DATE.test(value) && !PERSON_DATE_KEY.test(key) ? value : DROPPED;
      if (schema.enum) return schema.enum.includes(value) ? value : DROPPED;
      return isCode(value, key) ? value : DROPPED;
    case 'integer':
      return Number.isInteger(value) ? value : DROPPED;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : DROPPED;
    case 'boolean':
      return typeof value === 'boolean' ? value : DROPPED;
    case 'array': {
      if (!Array.isArray(value) || value.length > MAX_ITEMS || !schema.items) return DROPPED;
      const items = value.map((v) => filterValue(key, v, schema.items!));
      return items.includes(DROPPED) ? DROPPED : items;
    }
    case 'object':
      return value && typeof value === 'object' && !Array.isArray(value) && schema.properties
        ? filterObject(value as Record<string, unknown>, schema.properties)
        : DROPPED;
  }
}

function filterObject(value: Record<string, unknown>, properties: Record<string, JsonSchema> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value ?? {})) {
    const schema = properties ? (Object.prototype.hasOwnProperty.call(properties, k) ? properties[k] : null) : genericSchema(k);
    if (!schema) continue;
    const kept = filterValue(k, v, schema);
    if (kept !== DROPPED) out[k] = kept;
  }
  return out;
}

/** An event's payload as it may leave the hub: what its catalogue schema declares, identifiers, codes and times only. */
export function eventPayloadFilter(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  return filterObject(payload ?? {}, isEventType(type) ? EVENTS[type].payload.properties : null);
}

/** Any record (the audit log's details) reduced to identifiers, codes and times: `id`, `…Id`, `…Ids`, `…At`, `type`, `status`, `code`, `kind`. */
export function identifiersOnly(record: Record<string, unknown> | null): Record<string, unknown> | null {
  return record === null ? null : filterObject(record, null);
}

/**
 * A free-text field (`key`) of a record as a reader of identifiers, codes and times only sees it: the value when it is
 * itself a code by the rules above, else null. A sentence, or anything quoting what a user typed, never passes.
 */
export function codeOrNull(key: string, value: string | null): string | null {
  return value !== null && isCode(value, key) ? value : null;
}
