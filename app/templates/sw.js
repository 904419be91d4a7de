// The app's service worker: keeps the app shell (its own files and the allowed vendor files) so the app opens
// without a signal. It never touches the API: only GET requests for /app/... are answered from the cache, so no
// response holding a person's data is ever stored here. Each release has its own cache; older ones are deleted.
const VERSION = '{{VERSION}}';
const CACHE = `amhp-shell-${VERSION}`;
const SHELL = /** @type {string[]} */ ('{{SHELL}}');

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API (anything outside /app/) goes straight to the network, uncached.
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  if (request.mode === 'navigate' || url.pathname === '/app/') {
    // The page itself: the network first (a new release shows at once), the kept copy without a signal.
    event.respondWith(fetch(request).catch(() => caches.match('/app/', { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

// Pages (Web Push): the payload is `{ id, kind }` only. The notification says, per kind, what it is in generic words
// (no person, no place: it may show on a locked screen) and stays until dealt with. Tapping it, or its Acknowledge
// action, opens the app at the Notifications screen, which acknowledges the page with the signed-in user's token (this
// worker holds none); an app window already open is asked to do it and brought forward.
const PAGE_TEXT = {
  offer: 'New job offered to you: open to see it',
  'clock-warning': 'A legal time limit on your job is running out: open to see it',
  'clock-breach': 'A legal time limit on your job has passed: open to see it',
  escalation: 'A job needs someone now: open to see it',
  handover: 'The morning handover is ready: open to see it',
};
const PAGE_ID = /^[0-9a-f-]{36}$/i;

self.addEventListener('push', (event) => {
  let data;
  try {
    data = (event.data && event.data.json()) || {};
  } catch {
    data = {};
  }
  const id = typeof data.id === 'string' && PAGE_ID.test(data.id) ? data.id : null;
  const kind = typeof data.kind === 'string' && PAGE_TEXT[data.kind] ? data.kind : null;
  event.waitUntil(
    self.registration.showNotification('AMHP duty', {
      body: kind ? PAGE_TEXT[kind] : 'Something needs you: open the app to see it',
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
