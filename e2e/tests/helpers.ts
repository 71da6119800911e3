import { test, expect, Page, APIRequestContext, Browser, BrowserContext } from '@playwright/test';

/** A username no other test used. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Waits until the WASM client has hydrated the page, so clicks reach Rust handlers. */
export async function ready(page: Page): Promise<void> {
  await expect(page.locator('#hydrated')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
}

export async function registerByApi(request: APIRequestContext, username: string, password: string, displayName?: string) {
  const res = await request.post('/api/auth/register', { data: { username, password, displayName } });
  expect(res.status()).toBe(201);
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await ready(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/');
  await ready(page);
}

/** Two signed-in people (Alice and Bob) with a direct chat open on both sides. */
export async function directChat(browser: Browser, prepareBob?: (context: BrowserContext) => Promise<void>) {
  const origin = test.info().project.use.baseURL!;
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  if (prepareBob) await prepareBob(bobCtx);
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await registerByApi(aliceCtx.request, alice, 'password123', 'Alice');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob');
  const a = await aliceCtx.newPage();
  const b = await bobCtx.newPage();
  await signIn(a, alice, 'password123');
  await signIn(b, bob, 'password123');
  const bobId = (await (await bobCtx.request.get('/api/users/me')).json()).user.id;
  const res = await aliceCtx.request.post('/api/chats/direct', { data: { userId: bobId }, headers: { origin } });
  const chatId: string = (await res.json()).chat.id;
  await a.goto(`/chats/${chatId}`);
  await b.goto(`/chats/${chatId}`);
  await ready(a);
  await ready(b);
  return { aliceCtx, bobCtx, a, b, chatId, close: () => Promise.all([aliceCtx.close(), bobCtx.close()]) };
}
