import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { directChat, ready, registerByApi, signIn, uniqueName } from './helpers';

/** Waits until the service worker controls the page and has cached what the page uses. */
async function controlled(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-sw', 'ready', { timeout: 20_000 });
  // The first visit is not controlled until the worker claims it; a reload always is.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 10_000 }).toBe(true);
}

/** Keys in the device copy (IndexedDB through pwa.js). */
async function deviceKeys(page: Page): Promise<string[]> {
  return JSON.parse(await page.evaluate(() => (window as any).parlorDevice.keys()));
}

test('the app is installable: manifest, icons and a controlling service worker', async ({ playwright }) => {
  // Chromium never offers to install from an incognito profile, which every new context is.
  const options = test.info().project.use;
  const context = await playwright.chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-install-')), {
    executablePath: options.launchOptions!.executablePath, args: options.launchOptions!.args, baseURL: options.baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  expect(manifest).toMatchObject({ name: 'Parlor', short_name: 'Parlor', display: 'standalone', start_url: '/', scope: '/' });
  const purposes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
  expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']));
  expect(manifest.shortcuts.map((s: { name: string }) => s.name)).toContain('New chat');
  for (const icon of manifest.icons) {
    const res = await page.request.get(icon.src);
    expect(res.status(), icon.src).toBe(200);
  }
  const sw = await page.request.get('/sw.js');
  expect(sw.status()).toBe(200);
  expect(sw.headers()['content-type']).toContain('javascript');

  const name = uniqueName('inst');
  await registerByApi(page.request, name, 'password123', 'Installer');
  await signIn(page, name, 'password123');
  await controlled(page);
  await page.reload();
  await ready(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const { url, data } = await cdp.send('Page.getAppManifest');
  expect(url).toMatch(/\/manifest\.webmanifest$/);
  expect(JSON.parse(data).name).toBe('Parlor');
  await context.close();
});

test('the New chat shortcut opens the new chat dialog', async ({ page }) => {
  const name = uniqueName('short');
  await registerByApi(page.request, name, 'password123', 'Shortcut');
  await signIn(page, name, 'password123');
  await page.goto('/?new=1');
  await ready(page);
  await expect(page.getByRole('dialog', { name: 'New chat' })).toBeVisible();
});

test('offline: the app opens from the device, queues messages across a reload, and sends each once when back', async ({ browser }) => {
  const { aliceCtx, bobCtx, a, b, chatId, close } = await directChat(browser);
  const origin = test.info().project.use.baseURL!;
  for (const text of ['hello from Bob', 'are you there?']) {
    const res = await bobCtx.request.post(`/api/chats/${chatId}/messages`, { data: { content: text, clientId: uniqueName('c') }, headers: { origin } });
    expect(res.status()).toBe(201);
  }
  await expect(a.locator('.msg.theirs')).toHaveCount(2);
  await controlled(a);
  // The device copy holds the chat list and this chat's messages.
  await expect.poll(async () => (await deviceKeys(a)).sort()).toEqual(expect.arrayContaining(['chats', `view:${chatId}`, 'owner', 'recent']));
  await expect.poll(() => a.evaluate((id) => (window as any).parlorDevice.load(`view:${id}`), chatId)).toContain('are you there?');

  await aliceCtx.setOffline(true);
  await a.reload();
  await expect(a.getByTestId('offline')).toBeVisible({ timeout: 15_000 });
  await expect(a.locator('.msg.theirs')).toHaveCount(2);
  await expect(a.locator('.msg.theirs').last()).toContainText('are you there?');

  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('written on a plane');
  await box.press('Enter');
  await expect(a.locator('.msg.pending')).toHaveCount(1);
  // Still offline, the app is closed and opened again: the queued message is still there.
  expect(await outbox(a)).toContain('written on a plane');
  await a.reload();
  await expect(a.getByTestId('offline')).toBeVisible({ timeout: 15_000 });
  await expect(a.locator('.msg.pending')).toHaveCount(1);
  // The chat list opens from the device too.
  await a.goto('/');
  await expect(a.locator('.chat-item')).toHaveCount(1);
  await expect(a.locator('.chat-item')).toContainText('Bob');

  await aliceCtx.setOffline(false);
  await a.goto(`/chats/${chatId}`);
  await expect(b.locator('.msg.theirs')).toHaveCount(1, { timeout: 20_000 });
  await expect(b.locator('.msg.theirs')).toContainText('written on a plane');
  await expect(a.locator('.msg.pending')).toHaveCount(0, { timeout: 15_000 });
  const history = await (await bobCtx.request.get(`/api/chats/${chatId}/messages`)).json();
  const contents = history.messages.map((m: { content: string }) => m.content);
  expect(contents.filter((c: string) => c === 'written on a plane')).toHaveLength(1);
  expect(contents).toHaveLength(3);
  await close();
});

test('a new version waits while a tab is open, the page offers "Reload to update", and the reload runs it', async ({ page }) => {
  // The server serves its public/ folder from disk: a changed sw.js there is a new version.
  const file = path.join(path.dirname(process.env.PARLOR_SERVER!), 'public', 'sw.js');
  const original = fs.readFileSync(file, 'utf8');
  const name = uniqueName('upd');
  await registerByApi(page.request, name, 'password123', 'Updater');
  await signIn(page, name, 'password123');
  await controlled(page);
  try {
    fs.writeFileSync(file, `${original}\n// version ${name}\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const button = page.getByRole('button', { name: 'Reload to update' });
    await expect(button).toBeVisible({ timeout: 15_000 });
    // Until then the open tab keeps the version it started with, and keeps working.
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())!.waiting))).toBe(true);
    await expect(page.locator('.chat-list')).toBeVisible();
    await Promise.all([page.waitForEvent('load'), button.click()]);
    await ready(page);
    const after = await page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.getRegistration())!;
      return { waiting: Boolean(reg.waiting), active: reg.active?.state, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(after).toEqual({ waiting: false, active: 'activated', controlled: true });
    await expect(page.getByRole('button', { name: 'Reload to update' })).toHaveCount(0);
  } finally {
    fs.writeFileSync(file, original);
  }
});

test('signing out wipes the device copy and the cached pages', async ({ page }) => {
  const name = uniqueName('wipe');
  await registerByApi(page.request, name, 'password123', 'Wiper');
  await signIn(page, name, 'password123');
  await controlled(page);
  await expect.poll(() => deviceKeys(page)).toContain('chats');
  await expect.poll(() => page.evaluate(async () => (await (await caches.open('parlor-pages')).keys()).length)).toBeGreaterThan(0);
  await page.goto('/settings');
  await ready(page);
  await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
  await expect(page).toHaveURL(/\/login/);
  await ready(page);
  await expect.poll(() => deviceKeys(page)).toEqual([]);
  expect(await outbox(page)).toBe('');
  const cachedPages = await page.evaluate(async () => (await (await caches.open('parlor-pages')).keys()).map((r) => new URL(r.url).pathname));
  expect(cachedPages.filter((p) => p !== '/login')).toEqual([]);
});

/** The outbox as the device keeps it (local storage, written as each message is queued). */
function outbox(page: Page): Promise<string> {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parlor:outbox:')).map((k) => localStorage.getItem(k)).join());
}
