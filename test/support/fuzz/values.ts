import fc from 'fast-check';
import { deref, Schema } from './contract';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The last word, singular: `referralId` → referral, `ownerUserIds` → user, `supervision-sessions` → session. */
export function kindOf(name: string): string {
  const base = (
    name
      .replace(/Ids?$/, '')
      .split(/(?=[A-Z])|-/)
      .at(-1) ?? ''
  ).toLowerCase();
  if (base === 'people') return 'person';
  return base.replace(/ies$/, 'y').replace(/s$/, '');
}

/**
 * Ids of real rows (filled as the run creates and reads records), by kind, so that path and body ids often name a
 * real row of the right kind: `/referrals/{id}` draws from the referrals seen, `userId` from the users.
 */
export class IdPool {
  private readonly all: string[] = [];
  private readonly byKind = new Map<string, string[]>();
  /** Ids never drawn: the callers' own accounts, which a generated PATCH /users/{id} could otherwise disable. */
  readonly excluded = new Set<string>();
  add(id: unknown, kind?: string): void {
    if (typeof id !== 'string' || !UUID.test(id) || this.excluded.has(id)) return;
    if (!this.all.includes(id)) this.all.push(id);
    if (this.all.length > 500) this.all.splice(0, 100);
    if (!kind) return;
    const list = this.byKind.get(kind) ?? [];
    if (!list.includes(id)) list.push(id);
    if (list.length > 100) list.splice(0, 20);
    this.byKind.set(kind, list);
  }
  /** Every `id`/`...Id` in a response body; the top-level ids (and a list's items') are of `kind`. */
  collect(body: unknown, kind?: string, depth = 0): void {
    if (depth > 4 || !body || typeof body !== 'object') return;
    if (Array.isArray(body)) return body.slice(0, 10).forEach((b) => this.collect(b, kind, depth + 1));
    for (const [k, v] of Object.entries(body)) {
      if (k === 'id') this.add(v, kind);
      else if (k.endsWith('Id')) this.add(v, kindOf(k));
      else if (k.endsWith('Ids') && Array.isArray(v)) v.forEach((x) => this.add(x, kindOf(k)));
      else if (k === 'items') this.collect(v, kind, depth + 1);
      else if (typeof v === 'object') this.collect(v, kindOf(k), depth + 1);
    }
  }
  /** An index into the pool, chosen when the request is generated and resolved when it is sent. */
  pick(index: number, kind?: string): string {
    const list = (kind && this.byKind.get(kind)) || this.all;
    return list.length ? list[index % list.length] : '00000000-0000-4000-8000-000000000000';
  }
}

/** A value made when the request is sent, from the pool as it is then: `{ poolIndex }`. */
export interface PoolRef {
  poolIndex: number;
  kind?: string;
}
export const isPoolRef = (v: unknown): v is PoolRef => !!v && typeof v === 'object' && 'poolIndex' in v;

const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\udc00\ud800'];
const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
const nestArray = (depth: number): unknown => (depth === 0 ? [] : [nestArray(depth - 1)]);

/** Values that no field should accept and none should crash on. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    '\u0000',
    ...LONE_SURROGATES,
    1e-7,
    1e308,
    -1e308,
    -0,
    0,
    -1,
    2 ** 31,
    2 ** 53 + 1,
    'NaN',
    'Infinity',
    '-0',
    '1e-7',
    '1e308',
    true,
    false,
    [],
    {},
    [[]],
    [null],
    { '': null },
    JSON.parse('{"__proto__":{"roles":["admin"]}}'),
    { constructor: { prototype: { x: 1 } } },
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
    '2026-02-30',
    '2026-13-01T25:61:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    "'; DROP TABLE users; --",
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '%00%ff',
    'x'.repeat(10_001),
    '\u202e\u0301\ufeff',
    '🙂'.repeat(50),
  ),
  fc.integer({ min: 1, max: 40 }).map(nest),
  fc.integer({ min: 1, max: 40 }).map(nestArray),
  fc.constant(nest(2000)),
  fc.double(),
  fc.string({ maxLength: 20, unit: 'binary' }),
);

function boundaryString(s: Schema): fc.Arbitrary<unknown> {
  const out: unknown[] = [];
  if (typeof s.maxLength === 'number') out.push('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1), '🙂'.repeat(s.maxLength));
  if (typeof s.minLength === 'number') out.push('a'.repeat(s.minLength), 'a'.repeat(Math.max(0, s.minLength - 1)));
  if (!out.length) out.push('', 'a'.repeat(5000));
  return fc.constantFrom(...out);
}

function boundaryNumber(s: Schema): fc.Arbitrary<unknown> {
  const out: unknown[] = [0, -0, 1e-7, 1e308, 0.5, -1];
  if (typeof s.minimum === 'number') out.push(s.minimum, s.minimum - 1, s.minimum - 1e-7, String(s.minimum));
  if (typeof s.maximum === 'number') out.push(s.maximum, s.maximum + 1, s.maximum + 1e-7);
  return fc.constantFrom(...out);
}

/**
 * The moment valid values are made around: the app's clock in the run (setValidNow). A time the contract calls valid
 * is a recorded one: in the few weeks before it (never in the future, never years back), so that a request the
 * generator calls clean is refused only for a reason of state, never for its values.
 */
let validNow = Date.parse('2026-11-21T12:00:00Z');
const WINDOW_MS = 20 * 86_400_000;
export function setValidNow(now: Date | string): void {
  validNow = new Date(now).getTime();
}
const instant = fc
  .integer({ min: 60_000, max: WINDOW_MS })
  .map((ago) => new Date(Math.floor((validNow - ago) / 1000) * 1000).toISOString());
/** A local date in the same weeks (Europe/London is UTC or an hour ahead: noon UTC is the same day). */
const date = fc.integer({ min: 0, max: 20 }).map((ago) => new Date(validNow - ago * 86_400_000).toISOString().slice(0, 10));

/** The month of the moment valid values are made around, `YYYY-MM`. */
export const validMonth = (): string => new Date(validNow).toISOString().slice(0, 7);
/** Its calendar quarter, `YYYY-Qn`. */
export const validQuarter = (): string => {
  const d = new Date(validNow);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
};

const SAFE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Printable text of `min` to `max` characters: no control character, nothing blank, nothing to trim. */
const safeText = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...SAFE), { minLength: Math.max(1, min), maxLength: Math.max(1, min, max) }).map((chars) => chars.join(''));
/** What a field accepts as text: none of these, which the input policy refuses (common/validation). */
const acceptable = (v: string): boolean => v.trim() === v && v.trim().length > 0 && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(v);

/** An NHS number whose last digit is its modulus 11 check digit (the description says so; a pattern cannot). */
const nhsNumber = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
  .map((digits) => {
    const check = 11 - (digits.reduce((sum, d, i) => sum + d * (10 - i), 0) % 11);
    return check === 10 ? null : [...digits, check === 11 ? 0 : check].join('');
  })
  .map((n) => n ?? '9434765919');

function validString(s: Schema, name?: string): fc.Arbitrary<unknown> {
  const kind = name ? kindOf(name) : undefined;
  if (name === 'nhsNumber') return nhsNumber;
  if (s.format === 'uuid') return fc.oneof({ weight: 6, arbitrary: fc.nat().map((poolIndex) => ({ poolIndex, kind })) }, fc.uuid());
  if (s.format === 'date-time') return instant;
  if (s.format === 'date') return date;
  if (s.format === 'email') return fc.constantFrom('a@example.org', 'someone.else@test.amhp-hub.local');
  if (s.format === 'uri') return fc.constantFrom('https://example.org/hook', 'http://127.0.0.1/x');
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, min + 40);
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Infinity) && acceptable(v);
  const example = typeof s.example === 'string' && fits(s.example) ? [fc.constant(s.example)] : [];
  // An anchored pattern says the whole value: drawn from it, its white space made plain spaces and trimmed (what a
  // field accepts; the input policy refuses control characters). One drawn too long, say, is replaced by the example
  // (never filtered: a filter that rarely passes would stall the run). A pattern that is not anchored (at least one
  // visible character, say) is met by plain text of the right length.
  if (typeof s.pattern === 'string' && s.pattern.startsWith('^')) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(s.pattern, 'u');
    } catch {
      pattern = undefined;
    }
    if (pattern) {
      const re = pattern;
      const fallback = typeof s.example === 'string' ? s.example : undefined;
      const matching = fc.stringMatching(re).map((v) => {
        const plain = v.replace(/\s/gu, ' ').trim();
        if (fits(plain) && re.test(plain)) return plain;
        return fits(v) || fallback === undefined ? v : fallback;
      });
      return example.length ? fc.oneof({ weight: 1, arbitrary: example[0] }, { weight: 2, arbitrary: matching }) : matching;
    }
    if (example.length) return example[0];
  }
  return example.length ? fc.oneof(example[0], safeText(min, max)) : safeText(min, max);
}

/** Pairs of fields that say a period: the first never after the second. */
const PERIODS: Array<[string, string]> = [
  ['from', 'to'],
  ['startsAt', 'endsAt'],
  ['validFrom', 'validTo'],
  ['startDate', 'endDate'],
  ['startedAt', 'endedAt'],
];

/** `value` (an object of a valid body or query) with each period in order: its start not after its end. */
export function inOrder<T>(value: T): T {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out = { ...(value as Record<string, unknown>) };
  for (const [a, b] of PERIODS) {
    const x = out[a];
    const y = out[b];
    if (typeof x === 'string' && typeof y === 'string' && x > y && x.length === y.length) {
      out[a] = y;
      out[b] = x;
    }
  }
  return out as T;
}

/** A value for `schema`: mostly valid, sometimes at or beyond a bound, sometimes garbage. */
export function valueFor(doc: Schema, schema: Schema | undefined, depth = 0, name?: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: validFor(doc, schema, depth, true, name) },
    { weight: 1, arbitrary: boundaryFor(doc, schema) },
    { weight: 1, arbitrary: garbage },
  );
}

function boundaryFor(doc: Schema, raw: Schema | undefined): fc.Arbitrary<unknown> {
  const s = deref(doc, raw) ?? {};
  if (s.type === 'string') return boundaryString(s);
  if (s.type === 'integer' || s.type === 'number') return boundaryNumber(s);
  if (s.type === 'array') {
    const n = typeof s.maxItems === 'number' ? s.maxItems + 1 : 1001;
    return fc.constantFrom<unknown>([], new Array(n).fill(s.items?.enum?.[0] ?? 'a'));
  }
  return fc.constantFrom<unknown>(null, {}, []);
}

/** A value the schema accepts; with `fuzzFields`, each top-level field is sometimes at a bound or garbage instead. */
export function validFor(doc: Schema, raw: Schema | undefined, depth = 0, fuzzFields = true, name?: string): fc.Arbitrary<unknown> {
  const s = deref(doc, raw) ?? {};
  if (depth > 6) return fc.constant(null);
  const branches = (s.allOf ?? s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (branches?.length) {
    const merged = branches.length === 1 ? { ...deref(doc, branches[0]), ...s, allOf: undefined } : undefined;
    return merged ? validFor(doc, merged, depth, fuzzFields) : fc.oneof(...branches.map((b) => validFor(doc, b, depth, fuzzFields)));
  }
  const nullable = s.nullable ? [fc.constant(null)] : [];
  const base = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    switch (s.type) {
      case 'string':
        return validString(s, name);
      case 'integer':
        return fc.integer({ min: Math.ceil(s.minimum ?? -1000), max: Math.floor(s.maximum ?? 100_000) });
      case 'number': {
        const step = s.multipleOf ?? 0.25;
        const lo = Math.ceil((s.minimum ?? -1000) / step);
        const hi = Math.floor((s.maximum ?? 100_000) / step);
        return fc.integer({ min: lo, max: Math.max(lo, hi) }).map((n) => Math.round(n * step * 1e6) / 1e6);
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        // Items once each: a list of ids or codes names each once (uniqueItems, or so the DTO checks).
        return fc.uniqueArray(validFor(doc, s.items, depth + 1, fuzzFields, name), {
          minLength: s.minItems ?? 0,
          maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
          selector: (v) => JSON.stringify(v),
        });
      case 'object':
      case undefined: {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const keys = Object.keys(props);
        if (!keys.length) return fc.constantFrom<unknown>({}, { note: 'x' });
        const required = new Set<string>(s.required ?? []);
        const fields: Record<string, fc.Arbitrary<unknown>> = {};
        for (const k of keys)
          fields[k] = depth === 0 && fuzzFields ? valueFor(doc, props[k], depth + 1, k) : validFor(doc, props[k], depth + 1, fuzzFields, k);
        const record = fc.record(fields, { requiredKeys: keys.filter((k) => required.has(k)) });
        return fuzzFields ? record : record.map(inOrder);
      }
      default:
        return fc.constant('x');
    }
  })();
  return nullable.length ? fc.oneof({ weight: 6, arbitrary: base }, { weight: 1, arbitrary: nullable[0] }) : base;
}
