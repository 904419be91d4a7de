import { join } from 'node:path';

/** The duty app's waits on the service (a browser ES module, app/js/timings.js), as a page that set `asked` reads them. */
function waitsWith(asked: unknown): (name: string, ms: number) => number {
  const g = globalThis as { __amhpTestWaits?: unknown };
  g.__amhpTestWaits = asked;
  try {
    let wait!: (name: string, ms: number) => number;
    jest.isolateModules(() => {
      wait = (require(join(__dirname, '..', '..', 'app', 'js', 'timings.js')) as { wait: typeof wait }).wait; // eslint-disable-line @typescript-eslint/no-require-imports
    });
    return wait;
  } finally {
    delete g.__amhpTestWaits;
  }
}

describe('a browser test may shorten the app’s waits on the service, never lengthen them', () => {
  it.each([
    ['nothing asked: the app’s own wait', undefined, 20_000],
    ['a shorter wait asked: that one', { requestTimeoutMs: 3_000 }, 3_000],
    ['a longer wait asked: the app’s own', { requestTimeoutMs: 60_000 }, 20_000],
    ['the same wait asked: the app’s own', { requestTimeoutMs: 20_000 }, 20_000],
    ['no wait at all asked: the app’s own', { requestTimeoutMs: 0 }, 20_000],
    ['a negative wait asked: the app’s own', { requestTimeoutMs: -1 }, 20_000],
    ['a fraction of a millisecond asked: the app’s own', { requestTimeoutMs: 0.5 }, 20_000],
    ['a wait written as text asked: the app’s own', { requestTimeoutMs: '3000' }, 20_000],
    ['another wait asked: the app’s own for this one', { recordWaitMs: 1_000 }, 20_000],
    ['not an object: the app’s own', 'requestTimeoutMs=3000', 20_000],
  ])('%s', (_case, asked, expected) => {
    expect(waitsWith(asked)('requestTimeoutMs', 20_000)).toBe(expected);
  });

  it('reads what was asked once, as it loads: a change made after does not move it', () => {
    const asked = { recordWaitMs: 1_000 };
    const wait = waitsWith(asked);
    asked.recordWaitMs = 60_000;
    (globalThis as { __amhpTestWaits?: unknown }).__amhpTestWaits = { recordWaitMs: 10 };
    try {
      expect(wait('recordWaitMs', 5_000)).toBe(1_000);
    } finally {
      delete (globalThis as { __amhpTestWaits?: unknown }).__amhpTestWaits;
    }
  });
});
