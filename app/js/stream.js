// The live event stream's pure parts (GET /events, Server-Sent Events; app/js/live-connection.js holds the connection):
// reading its frames as they arrive, and how long to wait before connecting again. Nothing here runs on loading, so
// it is unit-tested as it is (src/client/app-stream.spec.ts).

/**
 * The complete frames in `text` (what has arrived and not yet been read), and the rest, to be read with what comes
 * next. A frame is `{ id, event, data, retry }`, each only when it was sent; a comment (the service's keep-alive) makes
 * an empty frame: the link is alive. A frame ends at a blank line.
 */
export function readFrames(text) {
  const frames = [];
  let rest = text;
  for (let end = /\r?\n\r?\n/.exec(rest); end; end = /\r?\n\r?\n/.exec(rest)) {
    const frame = {};
    for (const line of rest.slice(0, end.index).split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
      if (name === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (name === 'id' || name === 'event') frame[name] = value;
      else if (name === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
    }
    frames.push(frame);
    rest = rest.slice(end.index + end[0].length);
  }
  return { frames, rest };
}

/** The longest wait before connecting again: a phone back in signal hears within this long. */
export const RETRY_CAP_MS = 60_000;

/**
 * How long to wait before connecting again after `failures` tries in a row that did not hold (0: the first after a
 * stream that held): the service's `retry` (`baseMs`) doubled with each, at most RETRY_CAP_MS, and at least `floorMs`
 * (a 429's Retry-After). `random` (0 to 1) spreads it over its upper half, so phones that lost the service together
 * do not all come back in the same second.
 */
export function retryDelay(failures, baseMs, random, floorMs = 0) {
  const full = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.min(Math.max(failures, 0), 10));
  return Math.max(floorMs, Math.round(full / 2 + (full / 2) * Math.min(Math.max(random, 0), 1)));
}
