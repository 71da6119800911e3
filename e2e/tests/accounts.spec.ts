import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

test('register, stay signed in after a reload, sign out, sign in again', async ({ page }) => {
  const username = uniqueName('ada');
  await page.goto('/register');
  await ready(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Password', { exact: true }).fill('analytical-engine');
  await page.getByLabel('Confirm password').fill('analytical-engine');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL('/');
  await expect(page.getByTestId('me-name')).toHaveText('Ada Lovelace');
  await page.reload();
  await expect(page.getByTestId('me-name')).toHaveText('Ada Lovelace');
  await ready(page);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, username, 'analytical-engine');
  await expect(page.getByTestId('me-name')).toHaveText('Ada Lovelace');
});

test('registration explains what is wrong before sending anything', async ({ page }) => {
  await page.goto('/register');
  await ready(page);
  await page.getByLabel('Username').fill('a b');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password').fill('different');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText("Usernames may contain only letters")).toBeVisible();
  await expect(page.getByText('Passwords need at least 8 characters.')).toBeVisible();
  await expect(page.getByText('The two passwords do not match.')).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
});

test('a wrong password is reported and nothing else happens', async ({ page, request }) => {
  const username = uniqueName('hopper');
  await registerByApi(request, username, 'password123');
  await page.goto('/login');
  await ready(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login/);
});

test('a private page sends a signed-out visitor to sign in and back', async ({ page, request }) => {
  const username = uniqueName('back');
  await registerByApi(request, username, 'password123');
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings$/);
  await ready(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/settings');
  await expect(page.getByRole('heading', { name: 'Devices' })).toBeVisible();
});
