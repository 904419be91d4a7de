import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerETag, conditionalAnswer, isRevalidated, noneMatch, REVALIDATE, REVALIDATE_PERSON_DATA } from './conditional-get';

/** Enough of a Fastify reply for conditionalAnswer: its headers and status. */
function fakeReply(headers: Record<string, string> = {}) {
  const state = { status: 200, headers: { ...headers } };
  const reply = {
    getHeader: (name: string) => state.headers[name],
    header(name: string, value: string) {
      state.headers[name] = value;
      return reply;
    },
    removeHeader(name: string) {
      delete state.headers[name];
      return reply;
    },
    code(status: number) {
      state.status = status;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, state };
}
const ask = (ifNoneMatch?: string) => ({ headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} }) as unknown as FastifyRequest;

describe('validators of the polled reads', () => {
  const queue = (remainingMs: number) =>
    JSON.stringify({
      items: [{ id: 'r1', clocks: [{ id: 'POL-07', deadline: '2026-11-22T01:30:00.000Z', remainingMs }] }],
      nextCursor: null,
    });

  it.each([
    ['a countdown read a minute later is the same answer', queue(80_000), queue(20_000), true],
    ['a countdown past its deadline is still the same answer', queue(1_000), queue(-59_000), true],
    [
      'who is on duty asked a second later',
      '{"at":"2026-11-21T02:00:00.000Z","onDuty":[]}',
      '{"at":"2026-11-21T02:00:01.000Z","onDuty":[]}',
      true,
    ],
    [
      'another person on duty is another answer',
      '{"at":"2026-11-21T02:00:00.000Z","onDuty":[]}',
      '{"at":"2026-11-21T02:00:00.000Z","onDuty":[{"id":"a"}]}',
      false,
    ],
    [
      'an `at` inside the answer is data, not a reading',
      '{"items":[{"at":"2026-11-21T02:00:00Z"}]}',
      '{"items":[{"at":"2026-11-21T03:00:00Z"}]}',
      false,
    ],
  ])('%s', (_name, a, b, same) => {
    expect(answerETag(a) === answerETag(b)).toBe(same);
  });

  it('keeps the version a route names for If-Match as the prefix of the weak ETag', () => {
    expect(answerETag('{}', '"v3"')).toMatch(/^W\/"v3\.[A-Za-z0-9_-]{22}"$/);
    expect(answerETag('{}')).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    expect(answerETag('{}', 'not-a-version')).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
  });

  it.each([
    [undefined, false],
    ['W/"abc"', true],
    ['"abc"', true],
    ['"x", W/"abc"', true],
    ['*', true],
    ['W/"abd"', false],
    [['"x"', 'W/"abc"'], true],
  ])('If-None-Match %p names W/"abc": %p', (header, expected) => {
    expect(noneMatch(header, 'W/"abc"')).toBe(expected);
  });

  it('answers in full with the ETag, then 304 with no payload nor content headers when the client holds it', () => {
    const first = fakeReply({ 'content-type': 'application/json' });
    expect(conditionalAnswer(ask(), first.reply, '{"a":1}')).toBe('{"a":1}');
    const etag = first.state.headers.etag;
    expect(first.state.status).toBe(200);
    const again = fakeReply({ 'content-type': 'application/json', 'content-length': '7' });
    expect(conditionalAnswer(ask(etag), again.reply, '{"a":1}')).toBeNull();
    expect(again.state).toEqual({ status: 304, headers: { etag, vary: 'Authorization' } });
  });

  it.each([
    [undefined, 'Authorization'],
    ['Origin', 'Origin, Authorization'],
    ['Origin, authorization', 'Origin, authorization'],
  ])('adds Authorization to Vary %p', (before, after) => {
    const r = fakeReply(before ? { vary: before } : {});
    conditionalAnswer(ask(), r.reply, '{}');
    expect(r.state.headers.vary).toBe(after);
  });
});

describe('which answers are revalidated, and how a cache may keep them', () => {
  it('person data is never stored by any cache; the reads about no person may be kept privately and revalidated', () => {
    expect(REVALIDATE_PERSON_DATA).toBe('private, no-store');
    expect(REVALIDATE).toBe('private, no-cache');
  });

  it.each([
    ['private, no-store', true],
    ['private, no-cache', true],
    ['no-store', false],
    ['no-cache', false],
    [undefined, false],
  ])('Cache-Control %p is a polled read answered conditionally: %p', (cacheControl, expected) => {
    expect(isRevalidated(cacheControl)).toBe(expected);
  });
});
