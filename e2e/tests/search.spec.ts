import { test, expect, Page, BrowserContext, Browser } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

/** Ada (signed in on `page`) and Grace in a direct chat; Grace has said two things. */
async function setUp(browser: Browser, viewport = { width: 1280, height: 800 }, colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ viewport, colorScheme });
  const partner = await browser.newContext();
  const ada = uniqueName('ada');
  const grace = uniqueName('grace');
  await registerByApi(context.request, ada, 'password123', 'Ada Lovelace');
  await registerByApi(partner.request, grace, 'password123', 'Grace Hopper');
  const token = (await (await partner.request.post('/api/auth/login', { data: { username: grace, password: 'password123' } })).json()).accessToken;
  const auth = { authorization: `Bearer ${token}` };
  const page = await context.newPage();
  await signIn(page, ada, 'password123');
  const me = (await (await context.request.get('/api/users/me')).json()).user;
  const chat = (await (await partner.request.post('/api/chats/direct', { data: { userId: me.id }, headers: auth })).json()).chat;
  for (const content of ['Did the deploy go well?', 'Lunch at the usual café?']) {
    const res = await partner.request.post(`/api/chats/${chat.id}/messages`, { data: { content, clientId: uniqueName('c') }, headers: auth });
    expect(res.status()).toBe(201);
  }
  return { context, partner, page, chatId: chat.id as string };
}

async function send(page: Page, text: string) {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect(page.locator('.msg.mine:not(.pending)').last()).toContainText(text);
}

async function close(...contexts: BrowserContext[]) {
  await Promise.all(contexts.map((c) => c.close()));
}

test('Ctrl+K finds a message by a word prefix and opens it highlighted in its chat', async ({ browser }) => {
  const { context, partner, page, chatId } = await setUp(browser);
  await page.goto(`/chats/${chatId}`);
  await ready(page);
  await send(page, 'The deployment of the billing service is done');
  await send(page, 'Talk tomorrow');
  // Somewhere else in the app, with nothing focused.
  await page.goto('/settings');
  await ready(page);

  const dialog = page.getByRole('dialog', { name: 'Search messages' });
  // The shortcut is installed just after hydration: press until it is.
  await expect(async () => {
    await page.keyboard.press('Control+k');
    await expect(dialog).toBeVisible({ timeout: 500 });
  }).toPass();
  await expect(dialog).toContainText('Find a message in any of your chats.');
  await page.keyboard.type('billi');
  const hit = dialog.getByRole('option');
  await expect(hit).toHaveCount(1);
  await expect(hit).toContainText('Ada Lovelace');
  await expect(hit.locator('mark')).toHaveText('billi');
  await expect(hit.locator('.search-snippet')).toHaveText('The deployment of the billing service is done');
  await expect(dialog.locator('.search-group-head')).toContainText('Grace Hopper');
  await expect(hit).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  const found = (await (await context.request.get('/api/search/messages?q=billi')).json()).results[0].message;
  await expect(page).toHaveURL(`/chats/${chatId}/m/${found.id}`);
  const target = page.locator('.msg.highlight');
  await expect(target).toHaveCount(1);
  await expect(target).toContainText('The deployment of the billing service is done');
  await expect(target).toBeInViewport();
  await close(context, partner);
});

test('arrows choose among results, Escape closes, and no results says so', async ({ browser }) => {
  const { context, partner, page, chatId } = await setUp(browser);
  await page.goto(`/chats/${chatId}`);
  await ready(page);
  await send(page, 'I will deploy again on Friday');

  const dialog = page.getByRole('dialog', { name: 'Search messages' });
  await expect(async () => {
    await page.keyboard.press('Meta+k');
    await expect(dialog).toBeVisible({ timeout: 500 });
  }).toPass();
  const input = dialog.getByRole('combobox', { name: 'Search messages' });
  await expect(input).toBeFocused();
  await input.fill('zzqx');
  await expect(dialog.getByRole('status')).toHaveText(/No messages match “zzqx”/);

  await input.fill('DEPLO');
  const hits = dialog.getByRole('option');
  await expect(hits).toHaveCount(2);
  await expect(hits.nth(0)).toHaveAttribute('aria-selected', 'true');
  await input.press('ArrowDown');
  await expect(hits.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(hits.nth(0)).toHaveAttribute('aria-selected', 'false');
  await input.press('ArrowUp');
  await expect(hits.nth(0)).toHaveAttribute('aria-selected', 'true');
  await input.press('Escape');
  await expect(dialog).toBeHidden();

  // Accents do not matter, and a click opens the result too.
  await page.getByRole('button', { name: 'Search in this chat' }).click();
  const inChat = page.getByRole('dialog', { name: 'Search in this chat' });
  await inChat.getByRole('combobox').fill('cafe');
  await expect(inChat.locator('mark')).toHaveText('café');
  await inChat.getByRole('option').click();
  await expect(page).toHaveURL(new RegExp(`/chats/${chatId}/m/[0-9a-f-]+$`));
  await expect(page.locator('.msg.highlight')).toContainText('Lunch at the usual café?');
  await close(context, partner);
});

const screens = [
  { name: 'desktop', width: 1280, height: 800, scheme: 'light' as const },
  { name: 'phone', width: 375, height: 667, scheme: 'light' as const },
  { name: 'phone-dark', width: 375, height: 667, scheme: 'dark' as const },
];
for (const viewport of screens) {
  test(`the search button opens search on a ${viewport.name} screen`, async ({ browser }) => {
    const { context, partner, page } = await setUp(browser, { width: viewport.width, height: viewport.height }, viewport.scheme);
    await page.getByRole('button', { name: 'Search messages (Ctrl+K)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Search messages' });
    await expect(dialog).toBeVisible();
    await page.screenshot({ path: `screenshots/search-empty-${viewport.name}.png` });
    await dialog.getByRole('combobox').fill('the');
    await expect(dialog.getByRole('option')).toHaveCount(2);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: `screenshots/search-results-${viewport.name}.png` });
    await dialog.getByRole('option').first().click();
    await expect(page.locator('.msg.highlight')).toBeVisible();
    await page.screenshot({ path: `screenshots/search-opened-${viewport.name}.png` });
    await close(context, partner);
  });
}
