// The signed-in session. The access token lives only in this module's memory; the refresh token is an HttpOnly
// cookie the browser sends to /auth/refresh alone, which this script can neither read nor leak. Nothing about the
// user or a person is written to localStorage, sessionStorage or IndexedDB.

const APP_HEADER = { 'X-Requested-With': 'amhp-app' };
/** Refresh this long before the access token expires, so a phone left on the dashboard stays signed in all night. */
const REFRESH_MARGIN_MS = 60_000;

let access = null; // { token, expiresAt } in device time
let refreshTimer;
let refreshing;
const listeners = new Set();

/** The server's clock minus the device's (ms), learnt from server times in the answers. */
let skewMs = 0;

export function serverNow() {
  return Date.now() + skewMs;
}

/** A server time (ISO) that was "now" on the server when the answer left it. */
export function learnServerTime(iso) {
  const t = Date.parse(iso);
  if (Number.isFinite(t)) skewMs = t - Date.now();
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  for (const fn of listeners) fn(Boolean(access));
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

function accept(pair) {
  access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => undefined), Math.max(5_000, pair.expiresIn * 1000 - REFRESH_MARGIN_MS));
  notify();
}

function forget() {
  access = null;
  clearTimeout(refreshTimer);
  notify();
}

export function signedIn() {
  return Boolean(access);
}

export async function signIn(email, password) {
  const res = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...APP_HEADER },
    body: JSON.stringify({ email, password }),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await problemOf(res);
  accept(await res.json());
}

/** Exchanges the refresh cookie for a new access token (one exchange at a time). False when the session is over. */
export function refresh() {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...APP_HEADER },
        body: '{}',
        credentials: 'same-origin',
      });
      if (res.ok) {
        accept(await res.json());
        return true;
      }
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        forget();
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

/** GET or POST to the API with the access token; one refresh and retry on 401. */
export async function api(path, { method = 'GET', body, idempotencyKey } = {}) {
  const call = () =>
    fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        ...(access ? { Authorization: `Bearer ${access.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  let res = await call();
  if (res.status === 401 && (await refresh())) res = await call();
  if (res.status === 401) forget();
  if (!res.ok) throw await problemOf(res);
  return res.status === 204 ? undefined : res.json();
}

/**
 * Signs out: the server revokes the session and clears the cookie; here the token goes from memory, and every
 * cache but the app shell's, and any storage, is emptied so nothing of this user is left on the phone.
 */
export async function signOut() {
  try {
    if (access) await api('/auth/logout', { method: 'POST' });
  } finally {
    forget();
    await wipeDevice();
  }
}

async function wipeDevice() {
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // storage may be unavailable (private mode): nothing to clear
  }
  if (self.caches) {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => !k.startsWith('amhp-shell-')).map((k) => caches.delete(k)));
  }
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
}

/**
 * GETs a file (a PDF of a person's record) with the access token, never from or into any cache; one refresh and
 * retry on 401. Resolves to { blob, filename } (the filename from Content-Disposition).
 */
export async function apiFile(path, accept) {
  const call = () =>
    fetch(path, {
      headers: { Accept: accept, ...(access ? { Authorization: `Bearer ${access.token}` } : {}) },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  let res = await call();
  if (res.status === 401 && (await refresh())) res = await call();
  if (res.status === 401) forget();
  if (!res.ok) throw await problemOf(res);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return { blob: await res.blob(), type: res.headers.get('content-type') || accept, filename: named ? named[1] : 'document' };
}
