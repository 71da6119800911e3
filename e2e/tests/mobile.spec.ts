import { test, expect, Page, devices } from '@playwright/test';
import { directChat, ready } from './helpers';

const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, userAgent: devices['Pixel 5'].userAgent };

async function noSideways(page: Page, label: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${label} scrolls sideways`).toBeLessThanOrEqual(0);
}

/** Visible controls in `scope` smaller than 44 × 44 px. */
async function smallTargets(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const small: string[] = [];
    for (const el of document.querySelectorAll(`${selector} button, ${selector} a[href], ${selector} input, ${selector} textarea`)) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const target = el.closest('label') ?? el;
      const outer = target.getBoundingClientRect();
      if (Math.max(box.height, outer.height) < 44 || Math.max(box.width, outer.width) < 44) {
        small.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
      }
    }
    return small;
  }, scope);
}

/** A long press: a touch held still for longer than the app's threshold. */
async function longPress(page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await page.waitForTimeout(700);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('on a phone the app is one column, nothing scrolls sideways, and touch targets are 44 px', async ({ browser }) => {
  const { aliceCtx, a, chatId, close } = await directChat(browser);
  const origin = test.info().project.use.baseURL!;
  await aliceCtx.request.post(`/api/chats/${chatId}/messages`, { data: { content: 'A long line without spaces: ' + 'x'.repeat(200), clientId: 'long-1' }, headers: { origin } });
  const mobile = await browser.newContext({ ...phone, storageState: await aliceCtx.storageState() });
  const page = await mobile.newPage();
  for (const path of ['/', `/chats/${chatId}`, '/contacts', '/settings']) {
    await page.goto(path);
    await ready(page);
    await noSideways(page, path);
  }
  // The list and the chat take turns: the list on /, the chat (with a back button) elsewhere.
  await page.goto('/');
  await ready(page);
  await expect(page.locator('.chat-list')).toBeVisible();
  await expect(page.locator('main.pane')).toBeHidden();
  await page.locator('.chat-item').first().tap();
  await expect(page).toHaveURL(new RegExp(`/chats/${chatId}`));
  await ready(page);
  await expect(page.locator('.chat-list')).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeInViewport();
  expect(await smallTargets(page, '.chat-header')).toEqual([]);
  expect(await smallTargets(page, '.composer')).toEqual([]);
  // Long-press opens the message's actions as a sheet; a choice closes it.
  await longPress(page, '.msg.mine .bubble');
  const actions = page.locator('.msg.actions-open').getByRole('toolbar', { name: 'Message actions' });
  await expect(actions).toBeVisible();
  await expect(actions).toBeInViewport();
  expect(await smallTargets(page, '.msg.actions-open .actions')).toEqual([]);
  await actions.getByRole('button', { name: 'Reply' }).tap();
  await expect(page.locator('.msg.actions-open')).toHaveCount(0);
  await expect(page.locator('.draft-bar')).toContainText('Replying');
  await page.getByRole('link', { name: 'Back to chats' }).tap();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.chat-list')).toBeVisible();
  await mobile.close();

  const anonymous = await browser.newContext(phone);
  const signedOut = await anonymous.newPage();
  for (const path of ['/login', '/register']) {
    await signedOut.goto(path);
    await ready(signedOut);
    await noSideways(signedOut, path);
  }
  await anonymous.close();
  await close();
});

test('dark mode follows the system and can be forced either way in settings', async ({ browser }) => {
  const { a, close } = await directChat(browser);
  const background = () => a.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await a.emulateMedia({ colorScheme: 'dark' });
  await a.goto('/settings');
  await ready(a);
  const systemDark = await background();
  await a.emulateMedia({ colorScheme: 'light' });
  const systemLight = await background();
  expect(systemDark).not.toBe(systemLight);
  await a.getByRole('radio', { name: 'Dark' }).check();
  await expect(a.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe(systemDark);
  // The choice is kept on the device and applied before the app starts.
  await a.reload();
  await expect(a.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe(systemDark);
  await ready(a);
  await expect(a.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await a.emulateMedia({ colorScheme: 'dark' });
  await a.getByRole('radio', { name: 'Light' }).check();
  expect(await background()).toBe(systemLight);
  await a.getByRole('radio', { name: 'Match the system' }).check();
  await expect(a.locator('html')).not.toHaveAttribute('data-theme', /./);
  expect(await background()).toBe(systemDark);
  await close();
});

test('opening a chat on a phone keeps every message its size as the page comes to life', async ({ browser }) => {
  const { aliceCtx, bobCtx, chatId, close } = await directChat(browser);
  const origin = test.info().project.use.baseURL!;
  for (let i = 0; i < 12; i++) {
    const ctx = i % 2 ? bobCtx : aliceCtx;
    const res = await ctx.request.post(`/api/chats/${chatId}/messages`, { data: { content: `Line ${i}`, clientId: `still-${i}` }, headers: { origin } });
    expect(res.status()).toBe(201);
  }
  const mobile = await browser.newContext({ ...phone, storageState: await aliceCtx.storageState() });
  const page = await mobile.newPage();
  // The size of each row of the list; first as the server wrote it, before the client starts.
  type Sized = Window & { __sizes: () => Record<string, string>; __before: Record<string, string> };
  await page.addInitScript(() => {
    const w = window as unknown as Sized;
    w.__sizes = () => Object.fromEntries([...document.querySelectorAll('.timeline > li')].map((li, i) => {
      const box = li.getBoundingClientRect();
      return [li.id || `${li.className.split(' ')[0]}-${i}`, `${Math.round(box.width)}x${Math.round(box.height)}`];
    }));
    document.addEventListener('DOMContentLoaded', () => { w.__before = w.__sizes(); });
  });
  await page.goto(`/chats/${chatId}`);
  await ready(page);
  // The times, told in the viewer's zone, have replaced their placeholders.
  await expect(page.locator('.msg .time:not(.unsettled)')).toHaveCount(12);
  await expect(page.locator('.day:not(.unsettled)')).toHaveText(['Today']);
  const before = await page.evaluate(() => (window as unknown as Sized).__before);
  expect(Object.keys(before)).toHaveLength(13);
  expect(await page.evaluate(() => (window as unknown as Sized).__sizes())).toEqual(before);
  await mobile.close();
  await close();
});
