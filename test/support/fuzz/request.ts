import { request as httpRequest, Agent } from 'node:http';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Operation, Schema } from './contract';
import { garbage, IdPool, inOrder, isPoolRef, kindOf, validFor, validMonth, validQuarter, valueFor } from './values';

export const ROLES = ['admin', 'manager', 'amhp', 'referrer', 'auditor', 'none'] as const;
export type Caller = (typeof ROLES)[number];

export type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };

/** One generated request, before pool ids are resolved. */
export interface RequestSpec {
  /** `clean`: what the contract says is well-formed; `fuzz`: bounds and garbage. */
  mode: 'clean' | 'fuzz';
  operation: string;
  method: string;
  path: string;
  caller: Caller;
  pathValues: Record<string, unknown>;
  query: Array<[string, unknown]>;
  headers: Record<string, string>;
  body: Body;
}

/** A request as sent. */
export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const OVERSIZED = `{"note":"${'x'.repeat(1024 * 1024 + 10)}"}`;
const DEEP_JSON = '['.repeat(100_000) + ']'.repeat(100_000);
const RAW_BODIES: Array<[string, string]> = [
  ['{', 'application/json'],
  ['{"a":', 'application/json'],
  ['null', 'application/json'],
  ['[]', 'application/json'],
  ['"text"', 'application/json'],
  ['1e308', 'application/json'],
  ['{"a":1,"a":2}', 'application/json'],
  ['{"x":"\\ud800"}', 'application/json'],
  [DEEP_JSON, 'application/json'],
  ['{}', 'application/json; charset=latin1'],
  ['hello', 'text/plain'],
  ['<a/>', 'application/xml'],
  ['a=1&b=2', 'application/x-www-form-urlencoded'],
  [OVERSIZED, 'application/json'],
];

const pathParamValue = (schema: Schema | undefined, doc: Schema, kind: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: schema?.format === 'uuid' ? fc.nat().map((poolIndex) => ({ poolIndex, kind })) : valueFor(doc, schema) },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        'not-a-uuid',
        '0',
        '-1',
        '1e308',
        'NaN',
        '\ud800',
        '..',
        '%2e%2e',
        'a'.repeat(201),
        '2026-02-30',
        ' ',
      ),
    },
  );

type Pairs = Array<[string, unknown]>;

function queryArb(op: Operation, doc: Schema): fc.Arbitrary<Array<[string, unknown]>> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const each = params.map((p) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant<Pairs>([]) },
      { weight: 4, arbitrary: valueFor(doc, p.schema).map((v): Pairs => [[p.name, v]]) },
      // A repeated parameter: ?limit=1&limit=2.
      {
        weight: 1,
        arbitrary: fc.tuple(valueFor(doc, p.schema), valueFor(doc, p.schema)).map(([a, b]): Pairs => [
          [p.name, a],
          [p.name, b],
        ]),
      },
    ),
  );
  const extra = fc.oneof(
    { weight: 9, arbitrary: fc.constant<Pairs>([]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('foo', '__proto__', 'limit[]', ''), garbage).map(([k, v]): Pairs => [[k, v]]) },
  );
  return fc.tuple(fc.tuple(...each), extra).map(([lists, more]) => [...lists.flat(), ...more]);
}

function headersArb(op: Operation): fc.Arbitrary<Record<string, string>> {
  const hasIfMatch = op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match');
  const hasIdem = op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  return fc
    .record(
      {
        'if-match': fc.constantFrom('"v1"', '"v2"', '*', 'W/"v1"', 'garbage', '"v99999999999999999999"', ''),
        'idempotency-key': fc.oneof(fc.uuid(), fc.constantFrom('', 'é', 'k'.repeat(256), 'same-key')),
        'x-request-id': fc.constantFrom('fuzz-1', 'bad id with spaces', 'x'.repeat(101)),
        accept: fc.constantFrom('text/html', 'application/pdf', '*/*', 'application/xml'),
      },
      { requiredKeys: [] },
    )
    .map((h) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(h)) {
        if (k === 'if-match' && !hasIfMatch) continue;
        if (k === 'idempotency-key' && !hasIdem) continue;
        out[k] = v;
      }
      return out;
    });
}

function bodyArb(op: Operation, doc: Schema): fc.Arbitrary<Body> {
  if (!op.body && op.method === 'GET') return fc.constant({ kind: 'none' });
  const raw = fc.constantFrom(...RAW_BODIES).map(([text, contentType]): Body => ({ kind: 'raw', text, contentType }));
  if (!op.body) return fc.oneof({ weight: 8, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 1, arbitrary: raw });
  return fc.oneof(
    { weight: 14, arbitrary: valueFor(doc, op.body).map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: garbage.map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
  );
}

/** The kind of id a path parameter names: `/referrals/{id}` → referral, `/shifts/{shiftId}` → shift. */
export function pathKind(path: string, param: string): string {
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  return param === 'id' || param === 'token' ? kindOf(segments[at - 1] ?? '') : kindOf(param);
}

/**
 * A request the contract says is well-formed, by a role the route's policy lets through: pool ids in the path, every
 * required query parameter and a valid value for some of the others (no cursor, which only a previous page gives;
 * a report's `period` or its `from` and `to`, not both), a valid body (each period in order, inOrder), no odd
 * headers. The server accepts it or refuses it for a reason of state only (what the ids name, a rule), never for
 * its values.
 */
function cleanArb(op: Operation, doc: Schema, allowed: readonly Caller[]): fc.Arbitrary<RequestSpec> {
  const pathNames = op.parameters.filter((p) => p.in === 'path');
  const pathValues = fc.record(
    Object.fromEntries(
      pathNames.map((p) => [
        p.name,
        p.schema?.format === 'uuid'
          ? fc.nat().map((poolIndex) => ({ poolIndex, kind: pathKind(op.path, p.name) }))
          : validFor(doc, p.schema, 1),
      ]),
    ),
  );
  const queryParams = op.parameters.filter((p) => p.in === 'query' && p.name !== 'cursor');
  const query = fc.tuple(
    ...queryParams.map((p) => {
      const pair = validFor(doc, p.schema, 1, false, p.name).map((v): [string, unknown] => [p.name, v]);
      return p.required ? pair : fc.option(pair, { nil: undefined });
    }),
  );
  const hasPeriod = queryParams.some((p) => p.name === 'period');
  const body: fc.Arbitrary<Body> = op.body
    ? validFor(doc, op.body, 0, false).map((value) => ({ kind: 'json', value }))
    : fc.constant({ kind: 'none' });
  const caller = op.secured ? fc.constantFrom(...(allowed.length ? allowed : ROLES)) : fc.constant<Caller>('none');
  // A report's period: a month or quarter that has begun (reports/period.ts), or a from and a to.
  const reportPeriod = hasPeriod
    ? fc.oneof(
        fc.constantFrom<Pairs>([['period', validMonth()]], [['period', validQuarter()]]),
        fc
          .tuple(validFor(doc, { type: 'string', format: 'date' }), validFor(doc, { type: 'string', format: 'date' }))
          .map(([a, b]): Pairs => [
            ['from', a],
            ['to', b],
          ]),
      )
    : fc.constant<Pairs>([]);
  return fc.record({ caller, pathValues, query, body, reportPeriod }).map((r) => {
    let pairs = r.query.filter((q): q is [string, unknown] => q !== undefined);
    if (hasPeriod) pairs = [...pairs.filter(([k]) => k !== 'period' && k !== 'from' && k !== 'to'), ...r.reportPeriod];
    const ordered = inOrder(Object.fromEntries(pairs));
    return {
      mode: 'clean' as const,
      operation: op.operationId,
      method: op.method,
      path: op.path,
      caller: r.caller,
      pathValues: r.pathValues,
      query: pairs.map(([k]): [string, unknown] => [k, ordered[k]]),
      headers: {},
      body: r.body,
    };
  });
}

/** Clean requests (by a role `allowed` by the route's policy) and fuzzed ones. */
export function requestArb(op: Operation, doc: Schema, allowed: readonly Caller[] = []): fc.Arbitrary<RequestSpec> {
  return fc.oneof({ weight: 2, arbitrary: cleanArb(op, doc, allowed) }, { weight: 3, arbitrary: fuzzArb(op, doc) });
}

function fuzzArb(op: Operation, doc: Schema): fc.Arbitrary<RequestSpec> {
  const pathNames = op.parameters.filter((p) => p.in === 'path');
  const pathValues = fc.record(
    Object.fromEntries(pathNames.map((p) => [p.name, pathParamValue(p.schema, doc, pathKind(op.path, p.name))])),
  );
  return fc
    .record({
      caller: op.secured ? fc.constantFrom(...ROLES) : fc.constantFrom<Caller>('none', 'none', 'admin'),
      pathValues,
      query: queryArb(op, doc),
      headers: headersArb(op),
      body: bodyArb(op, doc),
    })
    .map((r) => ({ mode: 'fuzz' as const, operation: op.operationId, method: op.method, path: op.path, ...r }));
}

/** encodeURIComponent, except that a lone surrogate is sent as the (invalid) UTF-8 bytes of its code unit. */
function encode(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function resolve(value: unknown, pool: IdPool): unknown {
  if (isPoolRef(value)) return pool.pick(value.poolIndex, value.kind);
  // A list of ids drawn from the pool names each row once (two indexes may name the same row).
  if (Array.isArray(value) && value.some(isPoolRef)) return [...new Set(value.map((v) => resolve(v, pool)))];
  if (Array.isArray(value)) return value.map((v) => resolve(v, pool));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: resolve(v, pool), enumerable: true, writable: true });
    return out;
  }
  return value;
}

/** Resolves pool ids and serialises: the exact request that is sent (and printed as curl). */
export function materialise(spec: RequestSpec, pool: IdPool, tokens: Record<Caller, string | undefined>): Sent {
  const path = spec.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = resolve(spec.pathValues[name], pool);
    return encode(asText(v)) || '%20';
  });
  const query = spec.query
    .map(([k, v]) => {
      const value = resolve(v, pool);
      return value === null ? encode(k) : `${encode(k)}=${encode(asText(value))}`;
    })
    .join('&');
  const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
  const token = tokens[spec.caller];
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (spec.body.kind === 'json') {
    body = JSON.stringify(resolve(spec.body.value, pool));
    if (body !== undefined) headers['content-type'] = 'application/json';
  } else if (spec.body.kind === 'raw') {
    body = spec.body.text;
    headers['content-type'] = spec.body.contentType;
  }
  return { method: spec.method, url: path + (query ? `?${query}` : ''), headers, body };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Sends once; a kept-alive socket the server had closed meanwhile (after a 413, say) is retried on a new one. */
export async function send(port: number, req: Sent): Promise<Received> {
  try {
    return await sendOnce(port, req);
  } catch (err) {
    if ((err as { reused?: boolean }).reused) return sendOnce(port, req);
    throw err;
  }
}

function sendOnce(port: number, req: Sent): Promise<Received> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    if (payload) headers['content-length'] = payload.length;
    const r = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within 15 s`)));
    r.on('error', (err) => reject(Object.assign(err, { reused: r.reusedSocket && (err as { code?: string }).code === 'ECONNRESET' })));
    if (payload) r.write(payload);
    r.end();
  });
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request as a curl line to paste (tokens as $TOKEN_<ROLE>; a long body is written to a file). */
export function curl(req: Sent, caller: Caller, base = 'http://localhost:3000'): string {
  const parts = ['curl', '-i', '-X', req.method, shellQuote(base + req.url)];
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === 'authorization') parts.push('-H', `"authorization: Bearer $TOKEN_${caller.toUpperCase()}"`);
    else parts.push('-H', shellQuote(`${k}: ${v}`));
  }
  if (req.body !== undefined) {
    if (req.body.length > 2000) {
      const file = join(tmpdir(), `r1-body-${Date.now()}.txt`);
      writeFileSync(file, req.body);
      parts.push('--data-binary', `@${file}`);
    } else parts.push('--data-raw', shellQuote(req.body));
  }
  const line = parts.join(' ');
  if (line.length <= 4000) return line;
  const file = join(tmpdir(), `r1-curl-${Date.now()}.sh`);
  writeFileSync(file, line + '\n');
  return `sh ${file}   # ${line.slice(0, 300)}…`;
}
