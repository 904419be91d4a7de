// The app's service worker.
// - The app shell (its own files and the allowed vendor files) is kept, so the app opens without a signal. Each
//   release has its own cache; older ones are deleted.
// - Person-free reads (who is on duty, the rota and my shifts, the doctors' contacts, my account) are answered from
//   the network and a copy kept in a cache of their own per user; without a signal the kept copy is answered, marked
//   with the time it was kept (x-amhp-kept-at), so the app says how old it is. Sign-out deletes that cache.
// - No other API answer is ever stored here: a person's data is kept only in the app's encrypted job pack.
// - Background Sync: when the signal is back, an open app is told to send its outbox (the changes wait in IndexedDB
//   and need the access token, which lives only in the page); with no app open they are sent when it is next opened.
const VERSION = '{{VERSION}}';
const CACHE = `amhp-shell-${VERSION}`;
const DATA_PREFIX = 'amhp-data-';
const SHELL = /** @type {string[]} */ ('{{SHELL}}');

/**
 * A link that stalls (connected, but no answer) is no signal too. The page gives a request up after 20 s
 * (session.js); a person-free read is given up here sooner, so that its kept copy is answered in time, and the app's
 * own page after NAVIGATE_WAIT_MS, so that the kept shell opens (onto the kept job pack) instead of a blank screen.
 */
const PERSON_FREE_WAIT_MS = 15_000;
const NAVIGATE_WAIT_MS = 10_000;

/** The network's answer, or a failure (as without a signal) when none came in `ms`. */
function answeredWithin(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new TypeError('No answer in time.')), ms))]);
}

/** The API reads that carry no person's data, kept for use without a signal. */
const PERSON_FREE = [
  /^\/auth\/me$/,
  /^\/rota\/on-duty$/,
  /^\/rota\/shifts$/,
  /^\/rota\/assignments$/,
  /^\/rota\/swaps$/,
  /^\/rota\/bank-holidays$/,
  /^\/doctors$/,
  /^\/doctors\/[0-9a-fA-F-]{36}$/,
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Versioned and vendor files never change under their URL: the copy the page just loaded is the one to keep.
      .then((cache) =>
        cache.addAll(SHELL.map((url) => new Request(url, { cache: /^\/app\/(v|vendor)\//.test(url) ? 'default' : 'reload' }))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('amhp-shell-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

const UUID = /^[0-9a-fA-F-]{36}$/;

/**
 * The user a request is made for: the subject of its bearer token (not verified here: it only names the cache), or
 * for an app opened without a signal (no token yet) the user it says it was opened for (X-Amhp-User).
 */
function userOf(request) {
  const m = /^Bearer ([^.]+)\.([^.]+)\./.exec(request.headers.get('authorization') || '');
  if (!m) {
    const opened = request.headers.get('x-amhp-user');
    return opened && UUID.test(opened) ? opened : null;
  }
  try {
    const sub = JSON.parse(atob(m[2].replace(/-/g, '+').replace(/_/g, '/'))).sub;
    return typeof sub === 'string' && UUID.test(sub) ? sub : null;
  } catch {
    return null;
  }
}

/**
 * When the app last signed out (this worker's time). A read that set out before it may answer after the page deleted
 * the kept copies: it is then not kept, so sign-out leaves nothing of the user behind.
 */
let signedOutAt = -Infinity;

const dataCaches = () => caches.keys().then((keys) => keys.filter((key) => key.startsWith(DATA_PREFIX)));

/**
 * The address a read is kept under: its own, but a period's assignments under one address (the period left out), so
 * that without a signal a screen asking from another instant (My shifts asks from the service's time) is answered
 * with the latest period kept. The screen keeps only the shifts not yet ended.
 */
function keptAddress(url) {
  if (url.pathname !== '/rota/assignments') return new Request(url.href);
  const kept = new URL(url.href);
  kept.searchParams.delete('from');
  kept.searchParams.delete('to');
  return new Request(kept.href);
}

/** A person-free read: the network's answer (a copy kept), or without a signal the kept copy, marked with its age. */
async function personFree(request, user) {
  const cacheName = DATA_PREFIX + user;
  const key = keptAddress(new URL(request.url));
  const setOut = Date.now();
  try {
    const res = await answeredWithin(fetch(request), PERSON_FREE_WAIT_MS);
    if (res.status === 200 && signedOutAt < setOut) {
      const copy = res.clone();
      const headers = new Headers(copy.headers);
      headers.set('x-amhp-kept-at', new Date(Date.parse(res.headers.get('date') || '') || Date.now()).toISOString());
      const body = await copy.arrayBuffer();
      const cache = await caches.open(cacheName);
      await cache.put(key, new Response(body, { status: 200, headers }));
      // Signed out while it was being kept: not kept after all.
      if (signedOutAt >= setOut) await caches.delete(cacheName);
    }
    return res;
  } catch (err) {
    const kept = await caches.open(cacheName).then((cache) => cache.match(key));
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith('/app/')) {
    const user = PERSON_FREE.some((re) => re.test(url.pathname)) && userOf(request);
    // Every other API request goes straight to the network, uncached.
    if (user) event.respondWith(personFree(request, user));
    return;
  }
  if (request.mode === 'navigate' || url.pathname === '/app/') {
    // The page itself: the network first (a new release shows at once), the kept copy without a signal.
    event.respondWith(answeredWithin(fetch(request), NAVIGATE_WAIT_MS).catch(() => caches.match('/app/', { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

// Pages (Web Push): the payload is `{ id, kind }` only. The notification says, per kind, what it is in generic words
// (no person, no place: it may show on a locked screen) and stays until dealt with. Tapping it, or its Acknowledge
// action, opens the app at the Notifications screen, which acknowledges the page with the signed-in user's token (this
// worker holds none); an app window already open is asked to do it and brought forward.
/** The words per kind of page, the service's own (src/pages: NOTIFICATION_WORDS), filled in when the shell is built. */
const PAGE_WORDS = /** @type {Record<string, string>} */ ('{{PAGE_WORDS}}');
const PAGE_ID = /^[0-9a-f-]{36}$/i;

self.addEventListener('push', (event) => {
  let data;
  try {
    data = (event.data && event.data.json()) || {};
  } catch {
    data = {};
  }
  const id = typeof data.id === 'string' && PAGE_ID.test(data.id) ? data.id : null;
  const kind = typeof data.kind === 'string' && PAGE_WORDS[data.kind] ? data.kind : null;
  event.waitUntil(
    self.registration.showNotification('AMHP duty', {
      body: `${kind ? PAGE_WORDS[kind] : 'Something needs you'}: open to see it`,
      tag: id ? `page-${id}` : 'page',
      renotify: true,
      requireInteraction: true,
      icon: SHELL.find((url) => url.endsWith('/icons/icon-192.png')),
      data: { id, kind },
      actions: id ? [{ action: 'ack', title: 'Acknowledge' }] : [],
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const id = event.notification.data && event.notification.data.id;
  const target = id ? `/app/#/notifications?ack=${encodeURIComponent(id)}` : '/app/#/notifications';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith('/app/'));
      if (!open) return self.clients.openWindow(target);
      open.postMessage({ type: 'page-ack', id });
      return open.focus().catch(() => undefined);
    }),
  );
});

// Sign-out: the page asks this worker to delete every user's kept copies and to keep none of the reads still on their
// way, and waits for its answer before it says she has signed out.
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'signed-out') return;
  signedOutAt = Date.now();
  const port = event.ports && event.ports[0];
  // Her alerts leave the lock screen with her: the phone may be handed to the next AMHP on duty.
  const alerts = self.registration
    .getNotifications()
    .then((shown) => shown.forEach((n) => n.close()))
    .catch(() => undefined);
  event.waitUntil(
    Promise.all([dataCaches().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))), alerts]).finally(
      () => port && port.postMessage('done'),
    ),
  );
});

/** Background Sync (where the browser has it): ask each open app to send its outbox, and wait for the first to finish. */
self.addEventListener('sync', (event) => {
  if (event.tag !== 'amhp-outbox') return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((windows) =>
      Promise.all(
        windows.map(
          (client) =>
            new Promise((resolve) => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve();
              client.postMessage({ type: 'outbox-flush' }, [channel.port2]);
              setTimeout(resolve, 20_000);
            }),
        ),
      ),
    ),
  );
});
