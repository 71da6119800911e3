import { expect, Page, APIRequestContext } from '@playwright/test';

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
