import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { directChat, ready } from './helpers';

/** Serious and critical axe violations on the page as it is now, in a readable form. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every page passes axe with no serious or critical violations (${scheme})`, async ({ browser }) => {
    const { aliceCtx, a, chatId, close } = await directChat(browser);
    const origin = test.info().project.use.baseURL!;
    await aliceCtx.request.post(`/api/chats/${chatId}/messages`, { data: { content: 'Hi **Bob**, see `code` and a link https://example.com', clientId: `a11y-${scheme}` }, headers: { origin } });
    await a.emulateMedia({ colorScheme: scheme });
    const pages = ['/', `/chats/${chatId}`, '/contacts', '/settings'];
    for (const path of pages) {
      await a.goto(path);
      await ready(a);
      expect(await violations(a), `${path} in ${scheme}`).toEqual([]);
    }
    // Dialogs are pages too, for a screen reader.
    await a.goto('/');
    await ready(a);
    await a.getByRole('button', { name: 'New chat' }).click();
    await expect(a.getByRole('dialog')).toBeVisible();
    expect(await violations(a), `new chat dialog in ${scheme}`).toEqual([]);

    const signedOut = await browser.newContext({ colorScheme: scheme });
    const anonymous = await signedOut.newPage();
    for (const path of ['/login', '/register', '/no-such-page']) {
      await anonymous.goto(path);
      await ready(anonymous);
      expect(await violations(anonymous), `${path} in ${scheme}`).toEqual([]);
    }
    await signedOut.close();
    await close();
  });
}

test('keyboard: the chat list, messages and composer are reachable, with visible focus', async ({ browser }) => {
  const { a, close } = await directChat(browser);
  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('typed with the keyboard');
  await box.press('Enter');
  await expect(a.locator('.msg.mine')).toHaveCount(1);
  await a.goto('/');
  await ready(a);
  // Tab from the top of the page reaches the first chat in the list.
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await a.keyboard.press('Tab');
    reached = await a.evaluate(() => document.activeElement?.classList.contains('chat-item') ?? false);
  }
  expect(reached).toBe(true);
  const outline = await a.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
  await a.keyboard.press('Enter');
  await expect(a).toHaveURL(/\/chats\//);
  await ready(a);
  // Messages are focusable (their actions open on focus), and the composer follows.
  await a.locator('.msg').last().focus();
  await expect(a.locator('.msg').last().getByRole('toolbar', { name: 'Message actions' })).toBeVisible();
  await a.getByRole('textbox', { name: 'Message' }).focus();
  await expect(a.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await close();
});

test('new messages are announced politely to screen readers', async ({ browser }) => {
  const { a } = await directChat(browser);
  const messages = a.getByRole('list', { name: 'Messages' });
  await expect(messages).toHaveAttribute('aria-live', 'polite');
  await expect(messages).toHaveAttribute('aria-relevant', 'additions');
  await expect(a.getByRole('main')).toHaveCount(1);
  await expect(a.getByRole('navigation')).not.toHaveCount(0);
});
