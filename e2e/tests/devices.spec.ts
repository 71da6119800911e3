import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

test('a device signed out from settings is signed out at once', async ({ browser }) => {
  const username = uniqueName('grace');
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  await registerByApi(laptop.request, username, 'password123', 'Grace Hopper');
  const laptopPage = await laptop.newPage();
  const phonePage = await phone.newPage();
  await signIn(laptopPage, username, 'password123');
  await signIn(phonePage, username, 'password123');

  await phonePage.goto('/settings');
  await ready(phonePage);
  await laptopPage.goto('/settings');
  await ready(laptopPage);
  const devices = laptopPage.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');
  await expect(devices).toHaveCount(2);
  const other = devices.filter({ hasNot: laptopPage.getByText('This device') });
  await other.getByRole('button', { name: /^Sign out/ }).click();
  await expect(devices).toHaveCount(1);
  await expect(devices.first()).toContainText('This device');

  // The phone's live connection is cut at once and it lands on the sign-in page;
  // its cookie no longer opens any private page.
  await expect(phonePage).toHaveURL(/\/login/);
  await phonePage.goto('/settings');
  await expect(phonePage).toHaveURL(/\/login\?next=%2Fsettings$/);
  await laptop.close();
  await phone.close();
});

test('the display name can be changed in settings', async ({ page, request }) => {
  const username = uniqueName('name');
  await registerByApi(request, username, 'password123');
  await signIn(page, username, 'password123');
  await page.goto('/settings');
  await ready(page);
  await page.getByLabel('Display name').fill('Margaret Hamilton');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved');
  await page.reload();
  await expect(page.getByTestId('me-name')).toHaveText('Margaret Hamilton');
});
