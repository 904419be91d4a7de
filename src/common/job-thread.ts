import { parentPort, Worker, type WorkerOptions } from 'node:worker_threads';
import { workerModule } from './worker-module';

/** What goes to a job thread, and what comes back for each job: its result, or why it failed. */
type JobMessage<Job> = { id: number; job: Job };
type AnswerMessage<Result> = { id: number; result: Result } | { id: number; error: string; code?: string };

/**
 * One long-lived worker thread that runs jobs sent to it (several at once, each answered by its id), started on the
 * first job and stopped after `idleMs` without one, so that a burst of jobs pays for the thread's start once. Unlike
 * the planner's and the audit walk's threads (one per run), it suits short jobs asked for often, such as building a
 * report. A thread that dies (its memory limit, a crash) fails the jobs it held, with `failed(err)`'s error; the next
 * job starts a new one. While no job is running the thread does not keep the process alive.
 */
export class JobThread<Job, Result> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly start: { file: string; options: WorkerOptions },
    private readonly idleMs: number,
    private readonly failed: (err: Error & { code?: string }) => Error,
  ) {}

  /**
   * The job thread of the worker module `name` beside the file `from` (workerModule), its heap capped at `memoryMb`,
   * stopped after `idleMs` idle (a minute). A thread that dies fails its jobs as "`what` needed more than its ... of memory"
   * or "`what` failed: ...".
   */
  static beside<Job, Result>(
    from: string,
    name: string,
    options: { workerData: unknown; memoryMb: number; what: string; idleMs?: number },
  ): JobThread<Job, Result> {
    const { file, execArgv } = workerModule(from, name);
    const { workerData, memoryMb, what, idleMs = 60_000 } = options;
    return new JobThread<Job, Result>(
      { file, options: { workerData, execArgv, resourceLimits: { maxOldGenerationSizeMb: memoryMb } } },
      idleMs,
      (err) =>
        new Error(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `${what} needed more than its ${memoryMb} MiB of memory`
            : `${what} failed: ${err.message}`,
        ),
    );
  }

  run(job: Job): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('the job thread is closed (shutting down)'));
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.idle) clearTimeout(this.idle);
      this.idle = undefined;
      worker.ref();
      worker.postMessage({ id, job } satisfies JobMessage<Job>);
    });
  }

  /** Stops the thread (the app's shutdown): the jobs it held fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop(new Error('the job thread was stopped (shutting down)'));
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.start.file, this.start.options);
    this.worker = worker;
    worker.on('message', (msg: AnswerMessage<Result>) => {
      const waiting = this.pending.get(msg.id);
      if (!waiting) return;
      this.pending.delete(msg.id);
      if ('result' in msg) waiting.resolve(msg.result);
      else waiting.reject(Object.assign(new Error(msg.error), msg.code === undefined ? {} : { code: msg.code }));
      if (!this.pending.size) this.rest(worker);
    });
    worker.on('error', (err: Error) => void this.stop(this.failed(err), worker));
    worker.on('exit', (code) => void this.stop(this.failed(new Error(`the thread stopped (exit ${code})`)), worker));
    return worker;
  }

  /** No job running: the thread no longer keeps the process alive, and stops after idleMs unless a job comes. */
  private rest(worker: Worker): void {
    worker.unref();
    this.idle = setTimeout(() => void this.stop(new Error('idle'), worker), this.idleMs);
    this.idle.unref();
  }

  private async stop(err: Error, which: Worker | undefined = this.worker): Promise<void> {
    if (!which || which !== this.worker) return;
    this.worker = undefined;
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(err);
    await which.terminate();
  }
}

/**
 * The thread's side of a JobThread: runs `handle` for each job as it arrives (several may overlap) and answers each
 * by its id. A job that throws is answered with its message and code (a database error's SQLSTATE, a connection's
 * errno code: the API tells an outage from a fault by them), and the thread goes on.
 */
export function serveJobs<Job, Result>(handle: (job: Job) => Promise<Result>): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (msg: JobMessage<Job>) => {
    handle(msg.job).then(
      (result) => port.postMessage({ id: msg.id, result } satisfies AnswerMessage<Result>),
      (err: unknown) => {
        const code = (err as { code?: unknown })?.code;
        port.postMessage({
          id: msg.id,
          error: String((err as Error)?.message ?? err),
          ...(typeof code === 'string' ? { code } : {}),
        } satisfies AnswerMessage<Result>);
      },
    );
  });
}
