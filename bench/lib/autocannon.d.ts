// autocannon 9 ships no type declarations (and there is no @types/autocannon): the part lib/load-worker.js uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds. */
      timeout?: number;
      headers?: Record<string, string>;
      requests?: Request[];
    }

    interface Result {
      errors: number;
      timeouts: number;
      resets: number;
      non2xx: number;
      totalRequests: number;
      totalCompletedRequests: number;
      /** Seconds. */
      duration: number;
    }

    interface Instance extends EventEmitter {
      /** Every response: its status, its size in bytes and its latency in fractional milliseconds. */
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options, callback: (err: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
