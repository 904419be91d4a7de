/**
 * Passes of a delivery job (push pages, webhook deliveries) that run one at a time in this instance: a pass asked for
 * while another runs (the background tick's, a caller's such as the clock job or a test) starts when that one ends.
 * Two passes at once would each lease what is due under its own `now`: a caller with a later `now` would take again
 * what the tick has leased and is still sending, and the same page or delivery would go out twice; and the caller
 * would see what the tick leased as still waiting. Other instances take other rows (FOR UPDATE SKIP LOCKED and the
 * lease). A pass that fails is its caller's failure only: the next pass still runs.
 */
export class OnePassAtATime {
  /** The pass running now, or done. */
  private last: Promise<unknown> = Promise.resolve();

  /** Runs `pass` once every pass asked for before it has ended; its result. */
  run<T>(pass: () => Promise<T>): Promise<T> {
    const next = this.last.then(pass);
    this.last = next.catch(() => undefined);
    return next;
  }
}
