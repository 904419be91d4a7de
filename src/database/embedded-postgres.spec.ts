import { startupWatcher } from './embedded-postgres';

describe('a starting embedded server is seen to be ready', () => {
  const READY = '2026-12-07 13:01:57.562 UTC [17716] LOG:  database system is ready to accept connections\n';
  const knocked = (n: number) =>
    Array.from({ length: n }, (_, i) => `2026-12-07 13:01:52.838 UTC [${17724 + i}] FATAL:  the database system is starting up\n`);

  it.each([
    ['at once', [READY]],
    ['after 1,000 clients knocked during crash recovery (80 KB of "starting up")', [...knocked(1000), READY]],
    ['when its ready line comes in two pieces', [...knocked(400), READY.slice(0, 40), READY.slice(40)]],
  ])('%s', (_, chunks) => {
    const watch = startupWatcher();
    const answers = chunks.map((c) => watch.seen(c));
    expect(answers.slice(0, -1).every((a) => !a)).toBe(true);
    expect(answers.at(-1)).toBe(true);
  });

  it('stays ready once it has said so, and keeps only its latest output for an error', () => {
    const watch = startupWatcher();
    watch.seen(READY);
    expect(
      knocked(1000)
        .map((c) => watch.seen(c))
        .every(Boolean),
    ).toBe(true);
    expect(watch.last().length).toBeLessThanOrEqual(20_000);
    expect(watch.last().endsWith(knocked(1000).at(-1)!)).toBe(true);
  });

  it('is not ready on start-up lines alone', () => {
    const watch = startupWatcher();
    expect(
      ['LOG:  starting PostgreSQL 18.4\n', 'LOG:  database system was interrupted\n', ...knocked(300)].some((c) => watch.seen(c)),
    ).toBe(false);
  });
});
