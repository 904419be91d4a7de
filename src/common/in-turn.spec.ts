import { inTurn } from './in-turn';

describe('inTurn: work that must not overlap, results in order', () => {
  it('starts each step only when the one before has finished, and gives the results in order', async () => {
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    };
    await expect(inTurn([step('a', 20), step('b', 1), step('c', 5)])).resolves.toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('stops at the first step that fails and does not start the rest', async () => {
    const started: number[] = [];
    const steps = [1, 2, 3].map((n) => async () => {
      started.push(n);
      if (n === 2) throw new Error('two failed');
      return n;
    });
    await expect(inTurn(steps)).rejects.toThrow('two failed');
    expect(started).toEqual([1, 2]);
  });

  it('gives an empty list for no steps', async () => {
    await expect(inTurn([])).resolves.toEqual([]);
  });
});
