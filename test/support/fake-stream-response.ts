import { EventEmitter } from 'node:events';

/**
 * The response an event stream writes to, for StreamService's unit tests: it keeps every frame written, and
 * `writableLength` says what is still unsent (0: the client reads everything; more: it has stopped reading).
 */
export class FakeStreamResponse extends EventEmitter {
  frames: string[] = [];
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.frames.push(chunk);
    return true;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}
