// The signed-in session. The access token lives only in this module's memory; the refresh token is an HttpOnly
// cookie the browser sends to /auth/refresh alone, which this script can neither read nor leak. Nothing about the
// user or a person is written to localStorage or sessionStorage; what the app keeps for use without a signal is in
// IndexedDB, encrypted (device.js), and deleted on sign-out.
//
// The signal: every answer from the service is a contact; a request that fails at the network says there is no
// signal. Without one, a read the phone can answer from what it keeps (the job pack, or the service worker's copy of
// person-free data) is answered from it, and the app says how old it is.
import { allowDevice, deleteDevice, keepOnlyOthersChanges, lockDevice } from './device.js';
import { onOtherTab, tellOtherTabs } from './tabs.js';
import { wait } from './timings.js';

const APP_HEADER = { 'X-Requested-With': 'amhp-app' };
/** A request the service has not answered in this time is given up, as if there were no signal. */
const REQUEST_TIMEOUT_MS = wait('requestTimeoutMs', 20_000);
/** Refresh this long before the access token expires, so a phone left on the dashboard stays signed in all night. */
const REFRESH_MARGIN_MS = 60_000;

let access = null; // { token, expiresAt } in device time
/** When the service said the session (the refresh cookie) ends at the latest, if she does nothing: an ISO time. */
let sessionUntil = null;
let refreshTimer;
let refreshing;
const listeners = new Set();

/** The server's clock minus the device's (ms), learnt from server times in the answers. */
let skewMs = 0;
/** Whether `skewMs` was learnt from the service on this page (else it is the one kept with the job pack, or none). */
let skewLearnt = false;

/**
 * The phone's clock and the service's differ by this much or more: she is told (the clocks and the times recorded
 * use the service's time; her other apps and the phone's own clock do not).
 */
export const CLOCK_WARN_MS = 2 * 60_000;

export function serverNow() {
  return Date.now() + skewMs;
}

/**
 * A server time (ISO) that was "now" on the server when the answer left it. Ignored without a signal: what is shown
 * then may be a kept copy, whose times are old, and the clocks count on from the last time learnt.
 */
export function learnServerTime(iso) {
  if (signal.offline) return;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return;
  setSkew(t - Date.now());
  skewLearnt = true;
}

/** The difference becomes `ms`; what the header says of the phone's clock (DeviceStatus) follows at once. */
function setSkew(ms) {
  const said = Math.round(clockDisagreement() / 60_000);
  skewMs = ms;
  if (Math.round(clockDisagreement() / 60_000) !== said) {
    signal = { ...signal };
    for (const fn of signalListeners) fn(signal);
  }
}

/** The service's clock minus the phone's as last learnt (ms), to keep with the job pack for a start without a signal. */
export function currentSkew() {
  return skewMs;
}

/**
 * Opened without a signal: the difference last learnt from the service (kept, sealed, with the job pack), so the
 * statutory clocks and the times she records are the service's time, not a wrong phone clock's. One learnt on this
 * page since is newer and stays.
 */
export function restoreSkew(ms) {
  if (!skewLearnt && Number.isFinite(ms)) setSkew(ms);
}

/** How far the phone's clock is from the service's (ms, positive: the phone is slow), when it is by CLOCK_WARN_MS or more; else 0. */
export function clockDisagreement() {
  return Math.abs(skewMs) >= CLOCK_WARN_MS ? skewMs : 0;
}

/**
 * The signal as the app last found it: `offline` after a request failed at the network, until one gets through;
 * `lastContact` the service's time of the last answer; `asOf` the time of the oldest kept data shown since the signal
 * went (null while online).
 */
let signal = { offline: false, lastContact: null, asOf: null };
const signalListeners = new Set();
const contactListeners = new Set();
let offlineReader = null;

export function currentSignal() {
  return signal;
}

/** Calls `fn(signal)` on every change of the signal. */
export function onSignal(fn) {
  signalListeners.add(fn);
  return () => signalListeners.delete(fn);
}

/** Calls `fn()` after each answer from the service (the outbox sends what waits). */
export function onContact(fn) {
  contactListeners.add(fn);
  return () => contactListeners.delete(fn);
}

const readListeners = new Set();

/** Calls `fn(path, body)` after each GET the service answered (not a kept copy). */
export function onRead(fn) {
  readListeners.add(fn);
  return () => readListeners.delete(fn);
}

/** `reader(path)` answers a GET from what the phone keeps (the job pack): `{ body, asOf }`, or null. */
export function setOfflineReader(reader) {
  offlineReader = reader;
}

function setSignal(next) {
  if (next.offline === signal.offline && next.asOf === signal.asOf && next.lastContact === signal.lastContact) return;
  signal = next;
  for (const fn of signalListeners) fn(signal);
}

function contact() {
  setSignal({ offline: false, lastContact: new Date(serverNow()).toISOString(), asOf: null });
  for (const fn of contactListeners) fn();
}

/** No signal: what is shown is as old as the oldest kept data used (or the last contact). */
function noSignal(asOf = signal.lastContact) {
  const older = [signal.offline ? signal.asOf : null, asOf].filter(Boolean).sort()[0] ?? null;
  setSignal({ offline: true, lastContact: signal.lastContact, asOf: older });
}

/** A request that never reached the service (no signal, or the service down): fetch rejects with a TypeError. */
export function isNoSignal(err) {
  return err instanceof TypeError;
}

let offlineUserId = null;

/** The app opened without a signal for this user (from what the phone kept), until the session is resumed. */
export function setOfflineUser(id) {
  offlineUserId = id;
}

/** The signed-in user's id (the access token's subject; opened without a signal: the user the phone kept), or null. */
export function currentUserId() {
  if (!access) return offlineUserId;
  try {
    const payload = access.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub || null;
  } catch {
    return null;
  }
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** `how`: 'form' when she has just signed in with her password, else 'refresh' (a session resumed or kept). */
function notify(how = 'refresh') {
  for (const fn of listeners) fn(Boolean(access), how);
}

export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `The service answered ${status}.`);
    this.status = status;
    this.code = body && body.code;
    this.errors = (body && Array.isArray(body.errors) && body.errors) || [];
    /** The rules' findings a refused outcome carries (each warning to acknowledge, each blocker). */
    this.findings = (body && Array.isArray(body.findings) && body.findings) || [];
  }
}

async function problemOf(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  return new Problem(res.status, body);
}

function accept(pair, how = 'refresh') {
  allowDevice();
  access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
  sessionUntil = pair.refreshExpiresAt || null;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => undefined), Math.max(5_000, pair.expiresIn * 1000 - REFRESH_MARGIN_MS));
  notify(how);
}

/** The user whose session this page last held (signed in, or opened offline as), kept after it ends: a sign-in as
 * someone else does not land on that user's screen. */
let lastUserId = null;

export function previousUserId() {
  return lastUserId;
}

/** `how` as for notify: 'signed-out-elsewhere' when she signed out in another tab. */
function forget(how = 'refresh') {
  lastUserId = currentUserId() ?? lastUserId;
  access = null;
  offlineUserId = null;
  clearTimeout(refreshTimer);
  notify(how);
}

const endedListeners = new Set();

/**
 * Calls `fn()` when the service says the session is over (a refresh refused, or a request refused 401 after one):
 * revoked from another device, a password changed, or simply expired. What the phone keeps of her jobs goes then (pack.js),
 * so a phone whose session was ended holds nothing it would open without a signal.
 */
export function onSessionOver(fn) {
  endedListeners.add(fn);
  return () => endedListeners.delete(fn);
}

/** The service said the session is over: forget it, and let go of what was kept for it (pack.js, the worker's copies). */
function sessionOver() {
  // The other tabs share the refresh cookie the service refused: their sessions are over too.
  tellOtherTabs({ type: 'session-over' });
  endHere();
}

/** This tab's session ends: the token goes from memory, its timers stop, and what was kept for it goes (pack.js). */
function endHere(how = 'refresh') {
  const had = Boolean(access || offlineUserId);
  forget(how);
  for (const fn of endedListeners) fn(had);
  void tellServiceWorker();
}

// Another tab of the app on this phone signed out, or was told by the service that the session is over: this one ends
// at once too (a phone handed over at the end of a shift shows nothing of hers, and keeps nothing, in any tab). Nothing
// more is kept here from now (a read on its way, the five-minute pack read), until someone signs in on this tab.
onOtherTab('signed-out', () => {
  lockDevice();
  sessionUntil = null;
  endHere('signed-out-elsewhere');
});
onOtherTab('session-over', () => {
  if (!access && !offlineUserId) return;
  endHere();
});

export function signedIn() {
  return Boolean(access);
}

export async function signIn(email, password) {
  // A sign-out this phone could not tell the service about is told first: the session it left open is ended.
  if (pendingSignOut() && (await finishSignOut()) === 'pending') throw new TypeError('No signal.');
  const res = await bounded('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...APP_HEADER },
    body: JSON.stringify({ email, password }),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await problemOf(res);
  accept(await res.json(), 'form');
}

/** A fetch bounded like every request of the app: unanswered in REQUEST_TIMEOUT_MS, it fails as if there were no signal. */
async function bounded(path, init) {
  try {
    return await fetch(path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (caught) {
    throw caught && caught.name === 'TimeoutError' ? new TypeError('The service did not answer in time.') : caught;
  }
}

/**
 * Exchanges the refresh cookie for a new access token (one exchange at a time). False when the session is over.
 * Unanswered in time it fails as without a signal (a TypeError): the app opens on the kept pack, and a read or the
 * outbox waiting on it is answered as without a signal, never held for ever by a link that stalls.
 */
export function refresh() {
  refreshing ??= (async () => {
    try {
      const res = await bounded('/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...APP_HEADER },
        body: '{}',
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (res.ok) {
        accept(await res.json());
        contact();
        return true;
      }
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        sessionOver();
        return false;
      }
      throw await problemOf(res);
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Timers sleep while the phone does: on waking, refresh at once if the token is about to lapse. */
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && access && access.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    void refresh().catch(() => undefined);
  }
});

/**
 * For a screen's setter: the record as read, unless the screen already shows a later version of it (two reads in
 * flight at once, the live stream's and a replay's, may be answered out of order: the older must not undo the newer).
 */
export const latestOf = (next) => (shown) =>
  shown && next && shown.id === next.id && Number(next.version) < Number(shown.version) ? shown : next;

/**
 * GET or POST to the API with the access token; one refresh and retry on 401. Without a signal a GET is answered from
 * what the phone keeps when it can (the service worker's copy of person-free data, or the job pack); otherwise the
 * TypeError of the failed fetch is thrown, as before. `onEtag` is given the answer's ETag (the version of a record
 * whose body does not carry it, as a referrer's view of her referral), or null for a copy kept on the phone.
 * `orKept: false` is for a screen reading again what it already shows: without a signal it is not answered from the
 * pack (read when the pack was, maybe before what the screen shows), so the screen keeps showing what it has.
 */
export async function api(path, { method = 'GET', body, idempotencyKey, ifMatch, onEtag, orKept = true } = {}) {
  const call = () =>
    fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        // The version the change was made on: a change made meanwhile by someone else is not overwritten (412).
        ...(ifMatch ? { 'If-Match': ifMatch } : {}),
        ...(access ? { Authorization: `Bearer ${access.token}` } : {}),
        // Opened without a signal: no token yet, so the service worker is told whose kept person-free copies to use.
        ...(!access && offlineUserId ? { 'X-Amhp-User': offlineUserId } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  let res;
  try {
    res = await call();
    if (res.status === 401 && (await refresh())) res = await call();
  } catch (caught) {
    // A request the service never answered is treated as one that never reached it.
    const err = caught && caught.name === 'TimeoutError' ? new TypeError('The service did not answer in time.') : caught;
    if (!isNoSignal(err)) throw err;
    const kept = method === 'GET' && orKept && offlineReader ? await offlineReader(path) : null;
    noSignal(kept ? kept.asOf : undefined);
    if (kept && onEtag) onEtag(null);
    if (kept) return kept.body;
    throw err;
  }
  // The service worker's kept copy of a person-free read, answered because the network failed.
  const keptAt = res.headers.get('x-amhp-kept-at');
  if (keptAt) noSignal(keptAt);
  if (res.status === 401) sessionOver();
  if (!res.ok) {
    if (!keptAt) contact();
    throw await problemOf(res);
  }
  const out = res.status === 204 ? undefined : await res.json();
  if (onEtag) onEtag(keptAt ? null : res.headers.get('etag'));
  if (!keptAt) {
    contact();
    if (method === 'GET') for (const fn of readListeners) fn(path, out);
  }
  return out;
}

/**
 * Opens the live event stream (GET /events), the access token in its Authorization header (never in the address),
 * resuming after `lastEventId` when there is one; one refresh and retry on 401, as for any request. Resolves to the
 * response as soon as its headers arrive (its body is the stream); `signal` ends it.
 */
export async function openEventStream(lastEventId, signal) {
  const call = () =>
    fetch('/events', {
      headers: {
        Accept: 'text/event-stream',
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        ...(access ? { Authorization: `Bearer ${access.token}` } : {}),
      },
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  let res = await call();
  if (res.status === 401 && (await refresh())) res = await call();
  if (res.status === 401) sessionOver();
  else contact();
  return res;
}

/**
 * Signs out: the server revokes the session and clears the cookie; here the token goes from memory, and every
 * cache but the app shell's, and any storage, is emptied so nothing of this user is left on the phone. Changes another
 * user saved on this phone and could not send (their session ended) are kept, sealed, for them (device.js).
 *
 * Without a signal the service cannot be told, and the refresh cookie (HttpOnly: script cannot delete it) would resume
 * her session at the next start. So the phone remembers that she signed out (a flag naming no one, in localStorage)
 * and ends that session with the service at the next start with a signal, instead of resuming it (`finishSignOut`).
 * `pushEndpoint` is this phone's push subscription, to be removed from the service then too.
 *
 * Resolves to { told, until, othersKept }: whether the service was told, when the session left open would end by
 * itself (ISO, or null) and how many changes of other users are still kept.
 */
export async function signOut({ pushEndpoint = null } = {}) {
  // Before anything waits (the service's answer to the sign-out): a read answered meanwhile is not kept, here or in
  // another tab of the app, each of which ends its session now.
  lockDevice();
  tellOtherTabs({ type: 'signed-out' });
  const until = sessionUntil;
  const me = currentUserId();
  let told = false;
  try {
    if (access) {
      await api('/auth/logout', { method: 'POST' });
      told = true;
    }
  } catch (err) {
    // The service answered that the session was already over: nothing is left open.
    if (err instanceof Problem && err.status === 401) told = true;
  } finally {
    forget();
    sessionUntil = null;
  }
  const othersKept = await wipeDevice(me).finally(() => {
    // After the wipe (which empties localStorage), and even if it failed part way.
    if (!told) rememberSignOut({ at: new Date(serverNow()).toISOString(), until, pushEndpoint });
  });
  return { told, until: told ? null : until, othersKept };
}

/** The localStorage key of a sign-out the service has not been told of yet: { at, until, pushEndpoint }, no one's name. */
const SIGN_OUT_KEY = 'amhp-sign-out-pending';

function rememberSignOut(value) {
  try {
    localStorage.setItem(SIGN_OUT_KEY, JSON.stringify(value));
  } catch {
    // no storage (private mode): the session ends when it expires, as the sign-out said
  }
}

/** An ISO time as stored, or null when it is not one (the flag is in storage anyone with the phone can edit). */
const storedTime = (v) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? new Date(v).toISOString() : null);

/**
 * The sign-out this phone has still to tell the service of, or null: { at, until, pushEndpoint }, each null when
 * the stored value is not what it should be. A flag that cannot be read at all still says she signed out: the session
 * is ended, not resumed.
 */
export function pendingSignOut() {
  let raw;
  try {
    raw = localStorage.getItem(SIGN_OUT_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  const v = value && typeof value === 'object' ? value : {};
  return {
    at: storedTime(v.at),
    until: storedTime(v.until),
    pushEndpoint: typeof v.pushEndpoint === 'string' && v.pushEndpoint ? v.pushEndpoint : null,
  };
}

let finishing;

/**
 * Ends with the service the session a sign-out without a signal left open: the refresh cookie is exchanged for a
 * token used for nothing else (no screen, no job pack), this phone's push subscription is removed, and the session is
 * revoked (POST /auth/logout). Resolves to 'ended' (told, or the session had ended anyway), 'pending' (still no
 * signal: the flag stays) or 'none' (nothing to do).
 */
export function finishSignOut() {
  finishing ??= (async () => {
    const pending = pendingSignOut();
    if (!pending) return 'none';
    try {
      const res = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...APP_HEADER },
        body: '{}',
        credentials: 'same-origin',
        cache: 'no-store',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.ok) {
        const { accessToken } = await res.json();
        const call = (path, method = 'GET') =>
          fetch(path, {
            method,
            headers: { Accept: 'application/json', Authorization: `Bearer ${accessToken}` },
            credentials: 'same-origin',
            cache: 'no-store',
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
        await stopPushWith(call, pending.pushEndpoint);
        const out = await call('/auth/logout', 'POST');
        if (!out.ok && out.status !== 401) throw new TypeError(`The service answered ${out.status}.`);
      } else if (res.status >= 500) throw new TypeError(`The service answered ${res.status}.`);
      // 400/401/403: no session is left for that cookie.
      contact();
      localStorage.removeItem(SIGN_OUT_KEY);
      return 'ended';
    } catch {
      return 'pending';
    } finally {
      finishing = undefined;
    }
  })();
  return finishing;
}

/** Removes this phone's push subscription from the service (by its endpoint) and from the browser; best effort. */
async function stopPushWith(call, endpoint) {
  const sub = await (async () => {
    // `ready` waits for ever where no worker is registered.
    const ready = self.navigator && navigator.serviceWorker ? navigator.serviceWorker.ready : null;
    const reg = ready && (await Promise.race([ready, new Promise((resolve) => setTimeout(() => resolve(null), 3_000))]));
    return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
  })().catch(() => null);
  const endpoints = [endpoint, sub && sub.endpoint].filter(Boolean);
  if (endpoints.length) {
    const res = await call('/me/push-subscriptions');
    if (!res.ok) throw new TypeError(`The service answered ${res.status}.`);
    const { items } = await res.json();
    for (const d of items.filter((i) => endpoints.includes(i.endpoint))) {
      const gone = await call(`/me/push-subscriptions/${encodeURIComponent(d.id)}`, 'DELETE');
      if (!gone.ok && gone.status !== 404) throw new TypeError(`The service answered ${gone.status}.`);
    }
  }
  if (sub) await sub.unsubscribe().catch(() => undefined);
}

/**
 * Empties the phone of what the signed-in user (`me`) left: storage, the service worker's copies, the database. Changes
 * other users saved here and could not send stay (sealed, with the key): resolves to how many.
 */
async function wipeDevice(me) {
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // storage may be unavailable (private mode): nothing to clear
  }
  await tellServiceWorker();
  await closeAllAlerts();
  if (self.caches) {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => !k.startsWith('amhp-shell-')).map((k) => caches.delete(k)));
  }
  const othersKept = await keepOnlyOthersChanges(me).catch(() => 0);
  if (othersKept) return othersKept;
  await deleteDevice();
  if (self.indexedDB && indexedDB.databases) {
    const dbs = await indexedDB.databases();
    await Promise.all(
      dbs.map(
        (db) =>
          new Promise((resolve) => {
            const req = indexedDB.deleteDatabase(db.name);
            req.onsuccess = req.onerror = req.onblocked = () => resolve();
          }),
      ),
    );
  }
  return 0;
}

/** Closes every alert of the app on the phone's lock screen (signing out stops alerts on this phone: those shown too). */
async function closeAllAlerts() {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    if (reg && reg.getNotifications) for (const n of await reg.getNotifications()) n.close();
  } catch {
    // no service worker, or no notifications here: nothing shown to close
  }
}

/** Asks the service worker to keep none of the reads still on their way, and waits (a second at most) for it. */
function tellServiceWorker() {
  const worker = self.navigator && navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return Promise.resolve();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    worker.postMessage({ type: 'signed-out' }, [channel.port2]);
    setTimeout(resolve, 1_000);
  });
}

/**
 * GETs a file (a PDF of a person's record) with the access token, never from or into any cache; one refresh and
 * retry on 401. Resolves to { blob, filename } (the filename from Content-Disposition).
 */
export async function apiFile(path, accept) {
  const call = () =>
    bounded(path, {
      headers: { Accept: accept, ...(access ? { Authorization: `Bearer ${access.token}` } : {}) },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  let res = await call();
  if (res.status === 401 && (await refresh())) res = await call();
  if (res.status === 401) sessionOver();
  if (!res.ok) throw await problemOf(res);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return { blob: await res.blob(), type: res.headers.get('content-type') || accept, filename: named ? named[1] : 'document' };
}
