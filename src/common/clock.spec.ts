import { asAt, notBeforeBirth, reportedInstant, SystemClock } from './clock';
import { UnprocessableProblem } from './problem';

const clock = new SystemClock();
const at = (iso: string) => ({ at: new Date(iso) });
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('asAt: the demo seed records history as at the time it happened', () => {
  it('reads the moment inside, follows it as it moves, and reads the real time again afterwards', async () => {
    const moment = at('2025-01-02T03:04:05Z');
    const seen = await asAt(moment, async () => {
      const first = clock.now().toISOString();
      await tick();
      moment.at = new Date('2025-06-01T00:00:00Z');
      return [first, clock.now().toISOString()];
    });
    expect(seen).toEqual(['2025-01-02T03:04:05.000Z', '2025-06-01T00:00:00.000Z']);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('keeps a moment for work still running when another asAt that started beside it has finished', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const long = asAt(at('2024-03-01T12:00:00Z'), async () => {
      await gate;
      await tick();
      return clock.now().toISOString();
    });
    const short = await asAt(at('2023-07-01T08:00:00Z'), async () => clock.now().toISOString());
    release();
    expect(short).toBe('2023-07-01T08:00:00.000Z');
    expect(await long).toBe('2024-03-01T12:00:00.000Z');
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('reads the moment again in an asAt after the last one finished', async () => {
    await asAt(at('2022-01-01T00:00:00Z'), async () => undefined);
    expect(await asAt(at('2021-05-05T05:05:05Z'), async () => (await tick(), clock.now().toISOString()))).toBe('2021-05-05T05:05:05.000Z');
  });

  it('a failing step still ends its moment', async () => {
    await expect(asAt(at('2020-02-02T00:00:00Z'), async () => Promise.reject(new Error('step failed')))).rejects.toThrow('step failed');
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('reportedInstant: a time another system reports, by its own clock, for something after a known instant', () => {
  const now = new Date('2026-12-06T14:10:00Z');
  const since = { at: new Date('2026-12-06T14:06:00Z'), code: 'before-page-requested', what: 'the page was requested' };
  it.each([
    ['2026-12-06T14:06:00Z', undefined],
    ['2026-12-06T14:01:00Z', undefined], // the other clock 5 minutes behind
    ['2026-12-06T14:15:00Z', undefined], // the other clock 5 minutes ahead
    ['2026-12-06T14:00:59Z', 'before-page-requested'],
    ['2026-12-06T10:00:00Z', 'before-page-requested'],
    ['1990-01-01T00:00:00Z', 'before-page-requested'],
    ['2026-12-06T14:15:01Z', 'in-future'],
    ['2030-01-01T00:00:00Z', 'in-future'],
  ])('%s: %p', (value, code) => {
    const read = () => reportedInstant(value, 'at', now, since);
    if (!code) return expect(read().toISOString()).toBe(new Date(value).toISOString());
    expect(read).toThrow(UnprocessableProblem);
    try {
      read();
    } catch (e) {
      expect((e as UnprocessableProblem).code).toBe(code);
      expect((e as UnprocessableProblem).extensions.field).toBe('at');
    }
  });
});

describe('notBeforeBirth: a time recorded about a person is not before the day they were born', () => {
  it.each<[Date | string, string | null, boolean]>([
    [new Date('1950-01-01T00:00:00Z'), '1990-05-05', false],
    [new Date('1990-05-04T22:59:59Z'), '1990-05-05', false], // 23:59 BST on the 4th
    [new Date('1990-05-04T23:00:00Z'), '1990-05-05', true], // midnight BST: the day of birth
    ['1990-05-04', '1990-05-05', false],
    ['1990-05-05', '1990-05-05', true],
    [new Date('1950-01-01T00:00:00Z'), null, true], // no date of birth known: nothing to compare
  ])('%p for a person born %p: accepted %p', (value, dateOfBirth, ok) => {
    const check = () => notBeforeBirth(value, 'filedAt', dateOfBirth, 'Europe/London');
    if (ok) expect(check).not.toThrow();
    else {
      expect(check).toThrow(UnprocessableProblem);
      try {
        check();
      } catch (err) {
        expect((err as UnprocessableProblem).toProblem()).toMatchObject({
          status: 422,
          code: 'before-birth',
          errors: [{ field: 'filedAt' }],
        });
      }
    }
  });
});
