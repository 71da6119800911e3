import { test, expect } from '@playwright/test';
import { directChat } from './helpers';

test('messages written offline are sent exactly once, in order, when the network returns', async ({ browser }) => {
  const { aliceCtx, bobCtx, a, b, chatId, close } = await directChat(browser);
  await aliceCtx.setOffline(true);
  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('first, written offline');
  await box.press('Enter');
  await box.fill('second, written offline');
  await box.press('Enter');
  await expect(a.locator('.msg.pending')).toHaveCount(2);
  await a.waitForTimeout(1500);
  await aliceCtx.setOffline(false);

  const theirs = b.locator('.msg.theirs');
  await expect(theirs).toHaveCount(2, { timeout: 15_000 });
  await expect(theirs.nth(0)).toContainText('first, written offline');
  await expect(theirs.nth(1)).toContainText('second, written offline');
  await expect(a.locator('.msg.pending')).toHaveCount(0);
  await expect(a.locator('.msg.mine')).toHaveCount(2);

  // The server holds each exactly once.
  await b.reload();
  await expect(b.locator('.msg.theirs')).toHaveCount(2);
  const history = await (await bobCtx.request.get(`/api/chats/${chatId}/messages`)).json();
  expect(history.messages.map((m: { content: string }) => m.content)).toEqual(['first, written offline', 'second, written offline']);
  await close();
});

test('a message sent just before leaving the page is not lost: it goes out once from the next page', async ({ browser }) => {
  const { b, a, bobCtx, chatId, close } = await directChat(browser);
  // The server is slow to answer sends, so the page is left while the message is still queued.
  await a.route('**/api/chats/*/messages', async (route) => {
    if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => {});
  });
  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('sent as the page was left');
  await box.press('Enter');
  await expect(a.locator('.msg.pending')).toHaveCount(1);
  await a.unroute('**/api/chats/*/messages');
  await a.reload();

  await expect(b.locator('.msg.theirs')).toHaveCount(1, { timeout: 15_000 });
  await expect(a.locator('.msg.mine')).toHaveCount(1);
  await expect(a.locator('.msg.pending')).toHaveCount(0);
  const history = await (await bobCtx.request.get(`/api/chats/${chatId}/messages`)).json();
  expect(history.messages.map((m: { content: string }) => m.content)).toEqual(['sent as the page was left']);
  await close();
});
