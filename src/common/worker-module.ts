import { extname, join } from 'node:path';
import { platform, setPriority } from 'node:os';

/**
 * A worker thread's module beside the file that starts it (`from`: that file's __filename): TypeScript under
 * ts-jest (the tests run the sources; the worker loads them through scripts/ts-register.js, which compiles each file
 * once for the whole test run) or the compiled JavaScript in dist/ (npm start).
 */
export function workerModule(from: string, name: string): { file: string; execArgv: string[] } {
  const ext = extname(from);
  const file = join(from, '..', `${name}${ext}`);
  return { file, execArgv: ext === '.ts' ? ['--require', join(__dirname, '..', '..', 'scripts', 'ts-register.js')] : [] };
}

/**
 * Puts the calling worker thread below the API's threads when the cores are busy: on Linux a nice value is per
 * thread, so this lowers only the worker, never the process. Elsewhere it would lower the whole process: left alone.
 */
export function lowerThisThread(nice: number): void {
  if (platform() !== 'linux' || nice <= 0) return;
  try {
    setPriority(nice);
  } catch {
    // Not allowed here (a container without the capability to change it): the work still runs, at normal priority.
  }
}
