// The live event stream (GET /events, Server-Sent Events) while the app is signed in and on screen: the service tells
// the phone at once what changed (a job offered to her, a notification raised or closed, a step recorded on her job),
// and each screen reads again just what an event is about (useLive; app/js/concerns.js), where it used to wait for its
// next read. The connection itself (app/js/live-connection.js) is fetched once she has signed in: the sign-in screen
// does not wait for it on a poor signal. The screens go on reading on a timer: every minute while the stream cannot
// be held, every five while it is.
import { useEffect, useRef } from './deps.js';
import { onSessionChange, signedIn } from './session.js';

/** A screen reads everything again this often while the stream cannot be held (as it did before the stream). */
export const POLL_MS = 60_000;
/** …and this often while it is held: in case, and for what no event tells (time passing). */
export const LIVE_POLL_MS = 5 * 60_000;

const listeners = new Set();
let healthy = false;

/** What the stream brings, to the screens: 'events' (a list, read together), 'gap' (anything up to that time may have
 * been missed), 'down' (it could not be opened). */
export function tell(kind, detail) {
  for (const fn of [...listeners]) fn(kind, detail);
}

/** Whether the stream is held now (set by the connection). */
export function liveHealthy() {
  return healthy;
}

export function setLiveHealthy(held) {
  healthy = held;
}

/** Calls `fn(kind, detail)` for what the stream brings (see tell); returns the way to stop. */
export function onLive(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const shown = () => document.visibilityState === 'visible';

let connection = null;
// Signed in (or a new access token for the same session): the stream is opened, from the moment the session starts,
// before her screen's first reads, so that what happens meanwhile is not missed. Signed out: it is closed.
onSessionChange((on) => {
  if (!on) {
    if (connection) connection.stop();
    return;
  }
  (connection ? Promise.resolve(connection) : import('./live-connection.js'))
    .then((m) => {
      connection = m;
      if (signedIn()) m.start();
    })
    .catch(() => undefined); // not fetched (no signal): the screens read on their timer, and the next session change tries again
});

const ALL = 'all';

/**
 * A screen's reads kept up to date. `load(parts)` reads the parts of the screen named (null: all of it); it is called
 * at once, then for the events `concerns(events)` says are about parts of it (it returns the parts), for anything the
 * stream may have missed, and (unless `poll` is false) on a timer while the app is on screen: every POLL_MS, and
 * every LIVE_POLL_MS while the stream is held. One read at a time: what is asked for meanwhile is read once, after it.
 */
export function useLive(load, concerns, { poll = true } = {}) {
  const latest = useRef(null);
  latest.current = { load, concerns };
  useEffect(() => {
    let startedAt = 0;
    let reading = null;
    let queued = null; // ALL, or a Set of parts
    const read = (parts) => {
      if (reading) {
        queued = queued === ALL || !parts ? ALL : new Set([...(queued || []), ...parts]);
        return;
      }
      startedAt = Date.now();
      reading = Promise.resolve()
        .then(() => latest.current.load(parts))
        .catch(() => undefined)
        .finally(() => {
          reading = null;
          const next = queued;
          queued = null;
          if (next) read(next === ALL ? null : [...next]);
        });
    };
    read(null);
    const timer =
      poll &&
      setInterval(() => {
        if (shown() && (!liveHealthy() || Date.now() - startedAt >= LIVE_POLL_MS - POLL_MS / 2)) read(null);
      }, POLL_MS);
    const off = onLive((kind, detail) => {
      if (kind === 'events') {
        const parts = latest.current.concerns(detail);
        if (parts && parts.length) read(parts);
      } else if (kind === 'gap') {
        if (startedAt < detail) read(null);
      } else if (kind === 'down' && poll && Date.now() - startedAt >= POLL_MS) read(null);
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);
}
