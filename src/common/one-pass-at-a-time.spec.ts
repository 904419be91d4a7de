import { OnePassAtATime } from './one-pass-at-a-time';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('delivery passes run one at a time in an instance', () => {
  it('a pass asked for while another runs starts only when that one ends, in the order asked', async () => {
    const passes = new OnePassAtATime();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = passes.run(async () => {
      log.push('first starts');
      await gate;
      log.push('first ends');
      return 1;
    });
    const second = passes.run(async () => {
      log.push('second starts');
      return 2;
    });
    await tick();
    await tick();
    expect(log).toEqual(['first starts']);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('a pass that fails fails its own caller only: the next pass runs', async () => {
    const passes = new OnePassAtATime();
    const failed = passes.run(() => Promise.reject(new Error('database gone')));
    const next = passes.run(async () => 'ran');
    await expect(failed).rejects.toThrow('database gone');
    await expect(next).resolves.toBe('ran');
  });
});
