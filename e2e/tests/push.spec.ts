import { test, expect, BrowserContext } from '@playwright/test';
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
// The Web Push libraries' own decryption (RFC 8188 / 8291), used here as the browser would.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const ece = require('http_ece');
import { directChat, ready, uniqueName } from './helpers';

type Received = { path: string; headers: http.IncomingHttpHeaders; body: Buffer };

/** A local HTTP server playing the push service: it records every request it receives. */
async function pushService() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** What the browser holds for one subscription: the keys the push is encrypted to. */
function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authText: auth.toString('base64url') };
}

/**
 * Chromium here cannot reach a real push service, so the page's PushManager hands out a
 * subscription to the local one instead; everything after that (the app, the server, the
 * encryption, VAPID) is real.
 */
async function fakePushManager(context: BrowserContext, endpoint: string, p256dh: string, auth: string) {
  await context.grantPermissions(['notifications']);
  await context.addInitScript(({ endpoint, p256dh, auth }) => {
    let current: any = null;
    const make = () => ({
      endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true },
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => { current = null; return true; },
    });
    PushManager.prototype.subscribe = async function () { current = make(); return current; };
    PushManager.prototype.getSubscription = async function () { return current; };
  }, { endpoint, p256dh, auth });
}

function decrypt(body: Buffer, keys: ReturnType<typeof browserKeys>) {
  return JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8'));
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>`: signed by the server's key, for this push service. */
function checkVapid(header: string, serverKey: string, audience: string) {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
  expect(match, header).not.toBeNull();
  const [, jwt, key] = match!;
  expect(key).toBe(serverKey);
  const [head, claims, signature] = jwt.split('.');
  expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
  const raw = Buffer.from(key, 'base64url');
  const publicKey = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const valid = crypto.verify('sha256', Buffer.from(`${head}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  expect(valid).toBe(true);
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString());
  expect(body.aud).toBe(audience);
  const now = Date.now() / 1000;
  expect(body.exp).toBeGreaterThan(now);
  expect(body.exp).toBeLessThanOrEqual(now + 24 * 3600 + 60);
  expect(typeof body.sub).toBe('string');
}

test('a new message reaches a device with the app closed as an encrypted Web Push, shown as a notification', async ({ browser }) => {
  const service = await pushService();
  const keys = browserKeys();
  const endpoint = `${service.origin}/push/${uniqueName('sub')}`;
  const origin = test.info().project.use.baseURL!;
  const { aliceCtx, bobCtx, a, chatId, close } = await directChat(browser, async (bob) => fakePushManager(bob, endpoint, keys.p256dh, keys.authText));
  const b = bobCtx.pages()[0];

  // Bob turns notifications on in settings.
  await b.goto('/settings');
  await ready(b);
  await expect(b.getByTestId('push-state')).toHaveAttribute('data-state', 'off');
  await b.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(b.getByTestId('push-state')).toHaveAttribute('data-state', 'on');

  // While Bob has Parlor on screen, nothing is pushed.
  await b.bringToFront();
  await expect.poll(() => b.evaluate(() => document.visibilityState)).toBe('visible');
  await b.waitForTimeout(500);
  await a.getByRole('textbox', { name: 'Message' }).fill('seen live');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(a.locator('.msg.mine')).toHaveCount(1);
  await expect(a.locator('.msg.pending')).toHaveCount(0);
  // The server decides about pushes just after storing the message: give it that moment.
  await b.waitForTimeout(1000);

  // Bob closes the app; Alice writes again.
  const serverKey = (await (await bobCtx.request.get('/api/push/key')).json()).publicKey;
  await b.close();
  const send = (content: string) =>
    aliceCtx.request.post(`/api/chats/${chatId}/messages`, { data: { content, clientId: uniqueName('c') }, headers: { origin } });
  await expect.poll(async () => {
    expect((await send('are you around?')).status()).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    return service.received.length;
  }, { timeout: 20_000, intervals: [0] }).toBeGreaterThan(0);

  const push = service.received[0];
  expect(push.path).toBe(new URL(endpoint).pathname);
  expect(push.headers['content-encoding']).toBe('aes128gcm');
  expect(Number(push.headers['ttl'])).toBeGreaterThan(0);
  checkVapid(String(push.headers['authorization']), serverKey, service.origin);
  const payload = decrypt(push.body, keys);
  expect(payload).toMatchObject({ title: 'Alice', body: 'are you around?', chatId, url: expect.stringContaining(`/chats/${chatId}`) });
  // The live message Bob saw on screen was not pushed.
  expect(service.received.map((r) => decrypt(r.body, keys).body)).not.toContain('seen live');

  // The service worker shows it; a click would open the chat.
  const page = await bobCtx.newPage();
  await page.goto('/');
  await ready(page);
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state)).toBe('activated');
  const cdp = await bobCtx.newCDPSession(page);
  const registered = new Promise<{ registrationId: string }>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: any) => { if (e.registrations.length) resolve(e.registrations[0]); });
  });
  await cdp.send('ServiceWorker.enable');
  const version = await registered;
  await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: version.registrationId, data: JSON.stringify(payload) });
  await expect.poll(() => page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return (await reg!.getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data?.url }));
  })).toEqual([{ title: 'Alice', body: 'are you around?', url: payload.url }]);

  // Private previews: only "New message", nothing about who or what.
  await page.goto('/settings');
  await ready(page);
  await page.getByRole('checkbox', { name: /Show who wrote/ }).uncheck();
  await expect.poll(async () => (await (await bobCtx.request.get('/api/push/settings')).json()).previews).toBe(false);
  await page.close();
  const before = service.received.length;
  expect((await send('a secret plan')).status()).toBe(201);
  await expect.poll(() => service.received.length, { timeout: 15_000 }).toBe(before + 1);
  const hidden = decrypt(service.received[before].body, keys);
  expect(hidden.body).toBe('New message');
  expect(JSON.stringify(hidden)).not.toContain('secret');
  expect(JSON.stringify(hidden)).not.toContain('Alice');

  await service.close();
  await close();
});

test('muting a chat from its header stops its notifications', async ({ browser }) => {
  const { a, chatId, aliceCtx, close } = await directChat(browser);
  const bell = a.getByRole('button', { name: 'Mute notifications' });
  await bell.click();
  await expect(a.getByRole('button', { name: 'Unmute notifications' })).toHaveAttribute('aria-pressed', 'true');
  const chat = (await (await aliceCtx.request.get(`/api/chats/${chatId}`)).json()).chat;
  expect(chat.muted).toBe(true);
  await a.reload();
  await ready(a);
  await a.getByRole('button', { name: 'Unmute notifications' }).click();
  await expect(a.getByRole('button', { name: 'Mute notifications' })).toHaveAttribute('aria-pressed', 'false');
  expect((await (await aliceCtx.request.get(`/api/chats/${chatId}`)).json()).chat.muted).toBe(false);
  await close();
});
