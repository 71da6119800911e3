// Parlor's service worker (scope "/").
// - Hashed assets (/assets/, /wasm/) never change under one name: cache first.
// - Pages: network first; the last copy of each page opened is the offline fallback.
// - Never /api/*: live data, the WebSocket and SSE always go to the server.
// - Web Push: shows the notification, and a click opens the chat.
// A new version waits (open tabs keep working) until a page loads or the user accepts
// "reload to update"; both send "skip-waiting" (see pwa.js).

const PAGES = 'parlor-pages';
const ASSETS = 'parlor-assets';
const STATIC = 'parlor-static-v1';
const STATIC_FILES = ['/manifest.webmanifest', '/pwa.js', '/icons/icon-192.png', '/icons/icon.svg'];
const MAX_PAGES = 40;
const MAX_ASSETS = 60;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(STATIC_FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Pages and hashed assets outlive versions: a tab still on the old version may load them.
    const keep = new Set([PAGES, ASSETS, STATIC]);
    for (const name of await caches.keys()) {
      if (name.startsWith('parlor-') && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') self.skipWaiting();
  if (data.type === 'warm' && Array.isArray(data.urls)) event.waitUntil(warm(data.urls));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (isHashed(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (STATIC_FILES.includes(url.pathname) || url.pathname.startsWith('/icons/')) {
    event.respondWith(freshOrCached(request, STATIC));
  }
});

function isHashed(path) {
  return path.startsWith('/assets/') || path.startsWith('/wasm/');
}

// Pages are keyed without the fragment; the query stays (/login?next=… is its own page).
function pageKey(href) {
  const url = new URL(href);
  return url.origin + url.pathname + url.search;
}

function cacheable(response) {
  return response.ok && response.type === 'basic' && !response.redirected
    && (response.headers.get('content-type') || '').includes('text/html');
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (cacheable(response)) {
      const cache = await caches.open(PAGES);
      await cache.put(pageKey(request.url), response.clone());
      trim(PAGES, MAX_PAGES);
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const copy = await cache.match(pageKey(request.url));
    if (copy) return copy;
    // A page never opened on this device: the chat list is the way in.
    if (await cache.match(pageKey(new URL('/', request.url).href))) return Response.redirect('/', 302);
    return new Response(OFFLINE_PAGE, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    await cache.put(request, response.clone());
    trim(ASSETS, MAX_ASSETS);
  }
  return response;
}

async function freshOrCached(request, name) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) return hit;
    throw error;
  }
}

// The page that registered us loaded before we controlled it: fetch what it used now.
async function warm(urls) {
  const pages = await caches.open(PAGES);
  const assets = await caches.open(ASSETS);
  for (const href of urls) {
    const url = new URL(href, self.location.origin);
    if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) continue;
    try {
      if (isHashed(url.pathname)) {
        if (!(await assets.match(url.href))) {
          const response = await fetch(url.href);
          if (response.ok) await assets.put(url.href, response);
        }
      } else {
        const response = await fetch(url.href, { credentials: 'same-origin' });
        if (cacheable(response)) await pages.put(pageKey(url.href), response);
      }
    } catch (error) {
      // Offline already: the next visit tries again.
    }
  }
}

// Oldest entries go first (Cache keys keep insertion order).
async function trim(name, max) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(key);
}

const OFFLINE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · Parlor</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;
background:#f3f5fa;color:#111827}@media (prefers-color-scheme:dark){body{background:#0c1016;color:#e7eaf0}}
main{max-width:22rem;padding:24px;text-align:center}a.button{font:inherit;padding:12px 20px;border-radius:12px;
background:#2f6fed;color:#fff;min-height:44px;display:inline-block;text-decoration:none}</style></head><body><main>
<h1>You're offline</h1><p>Parlor will open once this device is back online.</p>
<a class="button" href="/">Try again</a></main></body></html>`;

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : '' };
  }
  // Every push shows a notification (userVisibleOnly): the server only pushes when no device shows the app.
  event.waitUntil(self.registration.showNotification(data.title || 'Parlor', {
    body: data.body || 'New message',
    tag: data.tag || 'parlor',
    renotify: true,
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data: { url: data.url || '/', chatId: data.chatId, messageId: data.messageId },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === target.origin);
    if (open) {
      await open.focus();
      return open.navigate(target.href);
    }
    return self.clients.openWindow(target.href);
  })());
});

// The browser replaced the subscription (keys rotated, expired): register the new one.
self.addEventListener('pushsubscriptionchange', (event) => {
  const options = event.oldSubscription && event.oldSubscription.options;
  if (!options) return;
  event.waitUntil(self.registration.pushManager.subscribe(options).then((subscription) =>
    fetch('/api/push/subscriptions', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(subscription.toJSON()),
    })));
});
