import { test, expect } from '@playwright/test';
import { directChat } from './helpers';

test('when WebSocket is blocked, live updates arrive over server-sent events', async ({ browser }) => {
  // Bob sits behind a proxy that drops every WebSocket upgrade.
  const { a, b, close } = await directChat(browser, async (context) => {
    await context.addInitScript(() => {
      class BlockedSocket {
        static OPEN = 1;
        readyState = 3;
        onopen: (() => void) | null = null;
        onclose: (() => void) | null = null;
        onmessage: (() => void) | null = null;
        constructor() { setTimeout(() => this.onclose && this.onclose(), 10); }
        send() { throw new Error('closed'); }
        close() {}
      }
      (window as unknown as { WebSocket: unknown }).WebSocket = BlockedSocket;
    });
  });
  await expect(b.getByText('Connecting…')).toBeHidden({ timeout: 15_000 });

  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('Can you hear me over SSE?');
  await box.press('Enter');
  await expect(b.locator('.msg.theirs').last()).toContainText('Can you hear me over SSE?');
  // And Bob's own sends still go out (over HTTP).
  const bobBox = b.getByRole('textbox', { name: 'Message' });
  await bobBox.fill('Loud and clear');
  await bobBox.press('Enter');
  await expect(a.locator('.msg.theirs').last()).toContainText('Loud and clear');
  await close();
});
