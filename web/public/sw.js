// The service worker: the app shell, the township's reference data and the basemap data stay on the phone,
// so the field view opens with no network. Reports never pass through here: the outbox sends them itself.
const SHELL = 'hotspots-shell-v1';
const DATA = 'hotspots-data-v1';
// GET requests kept for offline use: the township's reference data and the open items (for nearby checks).
const DATA_PATHS = ['/api/auth/me', '/api/health', '/api/township', '/api/areas', '/api/categories', '/api/basemap', '/api/reports', '/api/tasks'];
// On a weak signal an answer can take a minute: after this long, the copy kept from the last visit is shown and the
// network's answer, when it comes, is kept for the next time.
const PATIENCE_MS = 4000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// The page tells us what it loaded, so the first online visit is enough to work offline afterwards.
self.addEventListener('message', (event) => {
  // Signing out: the township's data and the open items cached for offline use go with the session.
  if (event.data?.type === 'signed-out') {
    event.waitUntil(caches.delete(DATA));
    return;
  }
  if (event.data?.type !== 'precache') return;
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      Promise.all(event.data.urls.map((u) => cache.add(u).catch(() => undefined))),
    ),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/') || url.pathname === '/manifest.webmanifest' || url.pathname.startsWith('/icons/')) {
    // named by content hash: cache first
    event.respondWith(caches.match(req).then((hit) => hit ?? fetch(req).then((res) => keep(SHELL, req, res))));
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(networkOrKept(event, fetch(req).then((res) => keep(SHELL, new Request('/index.html'), res)), () => caches.match('/index.html')));
    return;
  }
  if (DATA_PATHS.includes(url.pathname)) {
    // network first; the last answer when offline, or when the network is slower than PATIENCE_MS
    event.respondWith(networkOrKept(event, fetch(req).then((res) => keep(DATA, req, res)), () => caches.match(req, { ignoreVary: true })));
  }
});

/** The network's answer; the kept copy if the network fails, or has not answered within PATIENCE_MS. */
function networkOrKept(event, network, kept) {
  event.waitUntil(network.catch(() => undefined));
  return new Promise((resolve) => {
    let settled = false;
    const fallback = () =>
      kept().then((hit) => {
        if (settled) return;
        if (hit) {
          settled = true;
          resolve(hit);
        }
        return hit;
      });
    const timer = setTimeout(fallback, PATIENCE_MS);
    network.then(
      (res) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          resolve(res);
        }
      },
      () => {
        clearTimeout(timer);
        fallback().then((hit) => {
          if (!hit && !settled) {
            settled = true;
            resolve(Response.error());
          }
        });
      },
    );
  });
}

function keep(cacheName, req, res) {
  if (res.ok) {
    const copy = res.clone();
    caches.open(cacheName).then((c) => c.put(req, copy));
  }
  return res;
}
