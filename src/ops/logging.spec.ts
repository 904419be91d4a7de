import { Writable } from 'node:stream';
import { requestContext } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { rootLogger } from './logging';

/** The lines a root logger writes, parsed. */
function capture(): { lines: Array<Record<string, unknown>>; raw: string[]; logger: ReturnType<typeof rootLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, raw, logger: rootLogger({ logLevel: 'info' } as AppConfig, sink) };
}

const context = { requestId: 'req-42', ip: '127.0.0.1', method: 'GET', path: '/referrals' };

describe('the root logger', () => {
  it("a line logged while a request is served carries that request's id, and nothing else of the request", () => {
    const { lines, logger } = capture();
    requestContext.run(context, () => logger.warn({ code: 'webhook-failed' }, 'a webhook failed'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-42', code: 'webhook-failed', msg: 'a webhook failed', service: 'amhp-hub' });
    expect(lines[0]).not.toHaveProperty('req');
    expect(JSON.stringify(lines[0])).not.toContain('/referrals');
  });

  it('a line logged outside any request has no request id', () => {
    const { lines, logger } = capture();
    logger.info('started');
    expect(lines[0]).not.toHaveProperty('reqId');
  });

  it('a line that names its request (the request log) keeps that id, once', () => {
    const { lines, raw, logger } = capture();
    requestContext.run(context, () => logger.info({ reqId: 'req-7', route: '/health/live' }, 'request completed'));
    expect(lines[0].reqId).toBe('req-7');
    expect(raw[0].match(/"reqId"/g)).toHaveLength(1);
  });

  it('credentials and the fields that identify a person are redacted', () => {
    const { lines, logger } = capture();
    logger.info({ person: { givenName: 'Robin', nhsNumber: '9434765919' }, req: { headers: { authorization: 'Bearer x' } } }, 'x');
    expect(JSON.stringify(lines[0])).not.toMatch(/Robin|9434765919|Bearer/);
  });
});
