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
