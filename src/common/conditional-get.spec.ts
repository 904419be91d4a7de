import { answerETag, noneMatch } from './conditional-get';

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
});
