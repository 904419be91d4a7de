import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { databaseUrlWithName, embeddedTempDir, freeLocalPort } from '../../src/database/embedded-postgres';
import { ensureDatabase, runMigrations } from '../../src/database/migrations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live (not zombie) processes whose parent is `ppid`, read from /proc. */
function childrenOf(ppid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces, so parse from the last ')'.
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(parent) === ppid && state !== 'Z') found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Every live descendant of `pid`, parents before children. */
function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  for (let i = -1; i < found.length; i++) found.push(...childrenOf(i < 0 ? pid : found[i]));
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Sends `sig` to each of `pids` that is still there. */
function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Waits until none of `pids` is alive, for at most 10 s; says whether they all went. */
async function gone(pids: number[]): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (pids.some(alive)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

const ROOT = resolve(__dirname, '../..');
/** How long one start of the private server may take before it is abandoned and tried again. */
const START_TIMEOUT_MS = 15_000;
const RUNNER = join(__dirname, 'outage-pg-server.ts');

/**
 * Runs test/support/outage-pg-server.ts, which calls startEmbeddedPostgres in a Node process of its own: jest's VM
 * and the test can stop, kill -9 or freeze the server without touching its own process.
 */
function startRunner(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', RUNNER, dir, String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    // A start that neither succeeds nor fails (seen under heavy load after a kill -9) is abandoned and retried,
    // rather than left to hold the test until its timeout.
    // Every process the runner started (the postmaster, its startup process and backends) is killed and waited for
    // before the runner itself, so that the runner reaps them (an orphan killed under an init that does not reap
    // stays a zombie), and the retry waits until they are gone: a postmaster left behind would hold the lock file.
    const stuck = setTimeout(() => {
      child.removeAllListeners('exit');
      const tree = descendantsOf(child.pid!);
      signal(tree, 'SIGKILL');
      void gone(tree)
        .then(() => child.kill('SIGKILL'))
        .then(() => reject(new Error(`postgres runner not ready after ${START_TIMEOUT_MS} ms: ${stderr.trim().slice(-500)}`)));
    }, START_TIMEOUT_MS);
    child.on('message', (m: { ready?: string; error?: string }) => {
      clearTimeout(stuck);
      if (m.ready) resolve(child);
      else reject(new Error(m.error));
    });
    child.on('exit', (code) => {
      clearTimeout(stuck);
      reject(new Error(`postgres runner exited with ${code}: ${stderr.trim().slice(-500)}`));
    });
  });
}

/**
 * A private embedded PostgreSQL for outage tests, so that stopping or killing it cannot disturb the shared test
 * server other files use in parallel. Persistent: data survives a stop, a kill and a restart on the same port.
 */
export class OutagePostgres {
  private runner?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts a server, creates a database and migrates it; `url` is then ready for `createTestApp({ databaseUrl })`. */
  static async create(): Promise<OutagePostgres> {
    const pg = new OutagePostgres(embeddedTempDir('amhp-outage-pg-'), await freeLocalPort());
    try {
      await pg.start();
      await ensureDatabase(pg.url);
      await runMigrations(loadConfig({ NODE_ENV: 'test' }), pg.url);
    } catch (err) {
      await pg.destroy();
      throw err;
    }
    return pg;
  }

  get url(): string {
    return databaseUrlWithName(`postgres://postgres:postgres@127.0.0.1:${this.port}/postgres`, 'amhp_outage');
  }

  /** PID of the postmaster, from the first line of `postmaster.pid`. */
  postmasterPid(): number {
    return Number(readFileSync(join(this.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Starts (again) on the same directory and port; retries briefly if the last server's processes still hold on. */
  async start(): Promise<void> {
    if (this.runner) throw new Error('already running');
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        this.runner = await startRunner(this.dir, this.port);
        return;
      } catch (err) {
        lastError = err;
        await sleep(200);
      }
    }
    throw new Error(`embedded Postgres did not start on port ${this.port}: ${String(lastError)}`);
  }

  /** A clean shutdown (SIGINT to the postmaster: fast shutdown, sessions are terminated). */
  async stop(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    const exited = new Promise((r) => runner.once('exit', r));
    runner.send('stop');
    await exited;
  }

  /**
   * `kill -9` of the postmaster: no shutdown checkpoint, crash recovery on the next start. Returns once the
   * orphaned backends have gone too (they exit when they notice the postmaster's death), so a restart can attach.
   */
  async kill9(): Promise<void> {
    const runner = this.runner;
    if (!runner) throw new Error('not running');
    const pid = this.postmasterPid();
    const backends = childrenOf(pid);
    process.kill(pid, 'SIGKILL');
    this.runner = undefined;
    const exited = new Promise((r) => runner.once('exit', r));
    runner.kill('SIGKILL'); // its postmaster is gone; nothing to shut down
    await exited;
    if (!(await gone([pid, ...backends]))) throw new Error(`postgres processes still alive 10 s after kill -9 of ${pid}`);
  }

  /** SIGSTOP to the postmaster and its backends: a server that takes connections and queries but never answers. */
  freeze(): () => void {
    const pids = [this.postmasterPid(), ...childrenOf(this.postmasterPid())];
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    return () => signal(pids, 'SIGCONT');
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
