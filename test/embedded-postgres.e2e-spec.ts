import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedTempDir, freeLocalPort, removeLeftBehind, startEmbeddedPostgres } from '../src/database/embedded-postgres';

/** The throw-away servers of the tests and the benches: nothing of theirs is left on the machine. */
describe('throw-away PostgreSQL servers leave nothing behind', () => {
  it('removes the directories of runs that ended (a killed test run or bench), never a running one’s, nor another prefix’s', () => {
    const parent = mkdtempSync(join(tmpdir(), 'amhp-spec-left-'));
    try {
      const ended = spawnSync(process.execPath, ['-e', '0']).pid; // a process that has ended
      const names = [
        `amhp-x-${ended}-aaaaaa`, // an ended run's: removed
        `amhp-x-${process.pid}-bbbbbb`, // this run's own
        `amhp-x-1-cccccc`, // pid 1 runs
        `amhp-x-copy-${ended}-dddddd`, // "amhp-x-copy-" is another prefix
        `amhp-y-${ended}-eeeeee`, // another prefix
        'amhp-x-oldstyle', // no process id in its name: not known to be left behind
      ];
      for (const n of names) mkdirSync(join(parent, n, 'base'), { recursive: true });
      expect(removeLeftBehind(parent, 'amhp-x-')).toEqual([`amhp-x-${ended}-aaaaaa`]);
      expect(readdirSync(parent).sort()).toEqual(names.slice(1).sort());
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('names a new directory with this process, so that a later run can tell whether it was left behind', () => {
    const dir = embeddedTempDir('amhp-spec-named-');
    try {
      expect(dir).toMatch(new RegExp(`amhp-spec-named-${process.pid}-\\w{6}$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a server whose port is taken fails to start, saying why, and leaves no directory; ports are asked of the system', async () => {
    const port = await freeLocalPort();
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(port, '127.0.0.1', done));
    const dir = embeddedTempDir('amhp-spec-pg-');
    try {
      await expect(startEmbeddedPostgres({ dir, port, persistent: false })).rejects.toThrow(/postgres exited during start-up/);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await new Promise<void>((done) => taken.close(() => done()));
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await freeLocalPort()).toBeGreaterThan(0);
  }, 60_000);
});
