import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const FILE = 'test/platform.e2e-spec.ts';

/**
 * `npm ci && npm test` from a checkout in a folder only its owner can enter, e.g. under /root: run as root, the
 * embedded PostgreSQL runs as the postgres system user, which cannot reach the binaries in that checkout's
 * node_modules. The repository's HEAD is cloned into a mode-700 folder, its node_modules hard-linked there (so the
 * binaries really sit inside it), and one e2e file is run by jest in the clone.
 */
describe('a checkout in a folder only its owner can enter', () => {
  let parent: string | undefined;
  let child: ChildProcess | undefined;

  afterAll(() => {
    // The inner jest leads its own process group (detached): its workers and servers go with it.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it(`runs ${FILE} there with jest, and it passes`, async () => {
    parent = mkdtempSync(join(tmpdir(), 'amhp-private-'));
    chmodSync(parent, 0o700);
    const clone = join(parent, 'amhp-hub');
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', head]);
    const modules = realpathSync(join(ROOT, 'node_modules'));
    try {
      execFileSync('cp', ['-al', modules, join(clone, 'node_modules')], { stdio: 'pipe' });
    } catch {
      // Another filesystem: a real copy, slower, keeps the binaries inside the private folder all the same.
      rmSync(join(clone, 'node_modules'), { recursive: true, force: true });
      execFileSync('cp', ['-a', modules, join(clone, 'node_modules')], { stdio: 'pipe' });
    }
    expect(statSync(parent).mode & 0o777).toBe(0o700);

    // The inner run starts its own embedded server: never the outer run's (TEST_DATABASE_URL), whose databases it
    // would drop.
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['TEST_DATABASE_URL', 'AMHP_TEST_SERVER_URL', 'AMHP_TEST_TEMPLATE', 'JEST_WORKER_ID']) delete env[name];
    let output = '';
    const code = await new Promise<number | null>((done, fail) => {
      child = spawn(
        process.execPath,
        [join(clone, 'node_modules/jest/bin/jest.js'), '--ci', '--runInBand', '--cacheDirectory', join(parent!, 'jest-cache'), FILE],
        { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', (d) => (output += String(d)));
      child.stderr!.on('data', (d) => (output += String(d)));
      child.on('error', fail);
      child.on('close', done);
    });
    expect({ code, output: output.slice(-4000) }).toMatchObject({ code: 0 });
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(output).not.toMatch(/failed/);
  }, 900_000);
});
