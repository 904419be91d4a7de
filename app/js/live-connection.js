// The live event stream's connection, fetched once she has signed in (main.js); what it brings goes to app/js/live.js. Read with fetch, not
// EventSource, which cannot send the access token in a header (the token is never put in an address). On a poor
// signal: a stream that ends, or falls silent past the service's keep-alives, is opened again after a wait that
// doubles (the service's `retry`, at most a minute, sooner when the signal is back) with the Last-Event-ID of the last
// id the service sent (an event's, or the position it gives a stream as it opens and with its keep-alives, past events
// not hers), kept across a new access token: the service sends what was missed meanwhile (or `reset`: each screen
// reads everything again). The stream is closed while the app is hidden (resumed, with what was missed, when it is
// shown again) and when she signs out; nothing it brings is kept, or passed on once she has signed out.
import { onContact, openEventStream, signedIn } from './session.js';
import { readFrames, retryDelay } from './stream.js';
import { setLiveHealthy, tell as tellScreens } from './live.js';

/** Nothing at all (the service sends a keep-alive every 15 s) for this long: the link is dead though not closed. */
const SILENCE_MS = 45_000;
/** A stream held this long was a good one: the next wait starts again from the shortest. */
const HELD_MS = 30_000;
/** What has arrived without ending a frame, at most: a stream sending more is not one of the service's. */
const MAX_PENDING = 1 << 20;

let running = false; // signed in
let stream = null; // the connection being opened or held: { controller }
let lastEventId = null;
let baseMs = 3_000;
let failures = 0;
let floorMs = 0;
/** Asked to wait (429 Retry-After) until then: the signal coming back does not cut it short. */
let notBefore = 0;
let retryTimer = null;
let silenceTimer = null;

/** Tells the screens (live.js), while signed in only. */
function tell(kind, detail) {
  if (running) tellScreens(kind, detail);
}

const shown = () => document.visibilityState === 'visible';

function hangUp() {
  clearTimeout(retryTimer);
  retryTimer = null;
  clearTimeout(silenceTimer);
  const held = stream;
  stream = null;
  setLiveHealthy(false);
  if (held) held.controller.abort();
}

async function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!running || stream || !shown() || !signedIn()) return;
  const controller = new AbortController();
  const mine = { controller };
  stream = mine;
  const alive = () => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => controller.abort(), SILENCE_MS);
  };
  alive();
  let openedAt = 0;
  let again = true;
  try {
    const res = await openEventStream(lastEventId, controller.signal);
    if (res.status === 429) floorMs = (Number(res.headers.get('retry-after')) || 0) * 1000;
    // Refused as asked (the session over, or a request the service will never take): asking again changes nothing.
    else if (res.status >= 400 && res.status < 500) again = false;
    if (!res.ok || !res.body || stream !== mine) {
      if (res.body) void res.body.cancel().catch(() => undefined);
      return;
    }
    openedAt = Date.now();
    setLiveHealthy(true);
    // Opened afresh (not resumed): what happened before it opened was not sent, so a screen read before may be behind.
    if (lastEventId === null) tell('gap', openedAt);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done || stream !== mine) break;
      alive();
      const { frames, rest } = readFrames(pending + value);
      pending = rest;
      if (pending.length > MAX_PENDING) break;
      const events = [];
      for (const f of frames) {
        if (f.retry) baseMs = Math.min(Math.max(f.retry, 1_000), 30_000);
        if (f.id) lastEventId = f.id;
        if (!f.event || f.data === undefined) continue;
        if (f.event === 'reset') {
          tell('gap', Date.now());
          continue;
        }
        try {
          events.push(JSON.parse(f.data));
        } catch {
          // not an event of the service's: nothing to read again for it
        }
      }
      // What arrived together is read for together (one read of a screen for a burst of events).
      if (events.length && stream === mine) tell('events', events);
    }
  } catch {
    // no signal, the link fell silent, or hung up here: see below
  } finally {
    if (stream === mine) {
      stream = null;
      setLiveHealthy(false);
      clearTimeout(silenceTimer);
      controller.abort();
      if (running && shown()) {
        // Not opened: the screens are told, and one that waited on the stream reads now.
        if (!openedAt) tell('down');
        failures = openedAt && Date.now() - openedAt >= HELD_MS ? 0 : failures + 1;
        const wait = retryDelay(failures - 1, baseMs, Math.random(), floorMs);
        notBefore = floorMs ? Date.now() + wait : 0;
        if (again) retryTimer = setTimeout(connect, wait);
        floorMs = 0;
      }
    }
  }
}

/** The signal is back (an answer from the service, or the browser says so): a stream waiting to be opened again is. */
function signalBack() {
  if (retryTimer && failures > 0 && Date.now() >= notBefore) void connect();
}

/** Signed in, or a new access token for the same session (the stream opened with the old one ends with it). */
export function start() {
  running = true;
  void connect();
}

/** Signed out (or the session ended): the next to sign in starts afresh, and hears nothing of this session. */
export function stop() {
  running = false;
  lastEventId = null;
  failures = 0;
  hangUp();
}

document.addEventListener('visibilitychange', () => {
  if (shown()) void connect();
  else hangUp();
});
addEventListener('online', signalBack);
onContact(signalBack);
