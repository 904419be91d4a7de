/**
 * The e2e half of "GET /rules lists every rule id the API returns". Every response the test app sends goes past a
 * listener on its HTTP server (test harness only: the app itself is untouched); a JSON body's `rule`, `ruleId` and
 * `rules` values, at any depth, are checked against the catalogue AT ONCE and appended to the run's file.
 *
 * Why check at once rather than in a final spec: test files run in parallel workers in no fixed order, so no spec
 * can know it runs last. Checking each response as it is sent is independent of order: an unknown id is recorded
 * against its test app, and that app's close() (every spec's afterAll) throws, failing the file that returned it.
 * The run's file (AMHP_TEST_RULE_IDS_FILE, in global setup's temporary directory; appends of one short line are
 * atomic across workers) lets the global teardown check the whole run once more and say how many ids were seen.
 */
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isRuleId } from '../../src/statute/rule-catalogue';

const RULE_FIELDS = new Set(['rule', 'ruleId', 'rules']);
/** Bodies above this are not JSON worth reading (and a long-lived event stream must not be buffered forever). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Every string value of a rule field in a parsed JSON body (`rules` may be an array of ids). */
export function ruleIdsIn(body: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key: string | null): void => {
    if (key !== null && RULE_FIELDS.has(key)) {
      if (typeof value === 'string') found.push(value);
      else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') found.push(v);
    }
    if (Array.isArray(value)) for (const v of value) walk(v, null);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(body, null);
  return found;
}

export interface RuleIdWatch {
  /** Unknown ids seen so far, with the request that returned them. */
  unknown: string[];
}

/** Watches every response `server` sends; see the file comment. */
export function watchRuleIds(server: Server): RuleIdWatch {
  const watch: RuleIdWatch = { unknown: [] };
  const file = process.env.AMHP_TEST_RULE_IDS_FILE;
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: unknown, encoding?: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_BODY_BYTES) return;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buf.length;
      chunks.push(buf);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      if (size === 0 || size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString('utf8').trimStart();
      if (!text.startsWith('{') && !text.startsWith('[')) return;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return;
      }
      const ids = ruleIdsIn(body);
      if (ids.length === 0) return;
      for (const id of ids) if (!isRuleId(id)) watch.unknown.push(`${id} (${req.method} ${req.url})`);
      if (file) appendFileSync(file, ids.join('\n') + '\n');
    });
  });
  return watch;
}
