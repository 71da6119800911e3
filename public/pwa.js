// Loaded in <head> before the app: applies the chosen theme before the first paint, registers
// the service worker, offers "reload to update", and gives the WASM app three small browser
// services it calls through wasm-bindgen: parlorDevice (the offline copy in IndexedDB),
// parlorPush (Web Push subscription) and parlorTheme.
(() => {
  'use strict';

  // Theme: "system" (default), "light" or "dark"; the stylesheet reads data-theme.
  const THEME_KEY = 'parlor-theme';
  function applyTheme(theme) {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    else delete root.dataset.theme;
    const dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
    for (const meta of document.querySelectorAll('meta[name="theme-color"]')) meta.content = dark ? '#0c1016' : '#2f6fed';
  }
  function storedTheme() {
    try { return localStorage.getItem(THEME_KEY) || 'system'; } catch (e) { return 'system'; }
  }
  applyTheme(storedTheme());
  window.parlorTheme = {
    get: storedTheme,
    set(theme) {
      try { localStorage.setItem(THEME_KEY, theme); } catch (e) { /* private mode: this page only */ }
      applyTheme(theme);
    },
  };
  document.addEventListener('DOMContentLoaded', () => applyTheme(storedTheme()));

  // The device copy: one key-value store of JSON strings. Everything here belongs to the
  // signed-in user; wipe() removes it and the cached pages (sign-out).
  const DB_NAME = 'parlor';
  const STORE = 'kv';
  let opening = null;
  function database() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => { opening = null; reject(request.error); };
      request.onblocked = () => { opening = null; reject(new Error('database blocked')); };
    });
    return opening;
  }
  async function transact(mode, use) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  window.parlorDevice = {
    load: (key) => transact('readonly', (s) => s.get(key)).then((v) => (typeof v === 'string' ? v : null)),
    save: (key, value) => transact('readwrite', (s) => s.put(value, key)).then(() => null),
    remove: (key) => transact('readwrite', (s) => s.delete(key)).then(() => null),
    keys: () => transact('readonly', (s) => s.getAllKeys()).then((keys) => JSON.stringify(keys)),
    async wipe() {
      await transact('readwrite', (s) => s.clear());
      if ('caches' in window) await caches.delete('parlor-pages');
      return null;
    },
    online: () => navigator.onLine,
  };

  // Web Push on this device. Answers are JSON strings the app parses.
  async function registration() {
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return null;
    return navigator.serviceWorker.ready;
  }
  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  window.parlorPush = {
    // "unsupported", "denied", "off" or "on".
    async state() {
      const reg = await registration();
      if (!reg) return 'unsupported';
      if (Notification.permission === 'denied') return 'denied';
      const subscription = await reg.pushManager.getSubscription();
      return subscription && Notification.permission === 'granted' ? 'on' : 'off';
    },
    // Asks for permission and subscribes; returns PushSubscription.toJSON() as a string.
    async enable(publicKey) {
      const reg = await registration();
      if (!reg) throw new Error('This browser cannot show notifications.');
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') throw new Error('Notifications are blocked for this site in the browser settings.');
      const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
      return JSON.stringify(subscription.toJSON());
    },
    // Unsubscribes; returns the endpoint that was dropped (or null).
    async disable() {
      const reg = await registration();
      const subscription = reg && (await reg.pushManager.getSubscription());
      if (!subscription) return null;
      const endpoint = subscription.endpoint;
      await subscription.unsubscribe();
      return endpoint;
    },
  };

  // The service worker, and "reload to update" when a new version is waiting.
  if (!('serviceWorker' in navigator)) return;
  let reloading = false;
  function offerUpdate(worker) {
    if (document.getElementById('update-banner')) return;
    const banner = document.createElement('div');
    banner.id = 'update-banner';
    banner.className = 'update-banner';
    banner.setAttribute('role', 'status');
    const text = document.createElement('span');
    text.textContent = 'A new version of Parlor is ready.';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-primary';
    button.textContent = 'Reload to update';
    button.addEventListener('click', () => {
      reloading = true;
      worker.postMessage({ type: 'skip-waiting' });
    });
    banner.append(text, button);
    document.body.append(banner);
  }
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
  });
  window.addEventListener('load', async () => {
    try {
      const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      // This page is a fresh navigation: a version that waited can take over now.
      if (reg.waiting && navigator.serviceWorker.controller) reg.waiting.postMessage({ type: 'skip-waiting' });
      reg.addEventListener('updatefound', () => {
        const worker = reg.installing;
        if (!worker) return;
        worker.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      });
      // Keep what this page already loaded (before the worker controlled it) for offline use.
      const ready = await navigator.serviceWorker.ready;
      const used = performance.getEntriesByType('resource').map((e) => e.name)
        .filter((name) => name.startsWith(location.origin + '/assets/') || name.startsWith(location.origin + '/wasm/'));
      if (ready.active) ready.active.postMessage({ type: 'warm', urls: [location.href, ...used] });
      document.documentElement.dataset.sw = 'ready';
    } catch (error) {
      console.warn('service worker not registered', error);
    }
  });
})();
