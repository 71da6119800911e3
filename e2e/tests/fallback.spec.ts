import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

test('when WebSocket is blocked, live updates arrive over server-sent events', async ({ browser }) => {
  const origin = test.info().project.use.baseURL!;
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  // Bob sits behind a proxy that drops every WebSocket upgrade.
  await bobCtx.addInitScript(() => {
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
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await registerByApi(aliceCtx.request, alice, 'password123', 'Alice');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob');
  const a = await aliceCtx.newPage();
  const b = await bobCtx.newPage();
  await signIn(a, alice, 'password123');
  await signIn(b, bob, 'password123');
  const bobId = (await (await bobCtx.request.get('/api/users/me')).json()).user.id;
  const chatId = (await (await aliceCtx.request.post('/api/chats/direct', { data: { userId: bobId }, headers: { origin } })).json()).chat.id;
  await b.goto(`/chats/${chatId}`);
  await ready(b);
  await expect(b.getByText('Connecting…')).toBeHidden({ timeout: 15_000 });

  await a.goto(`/chats/${chatId}`);
  await ready(a);
  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('Can you hear me over SSE?');
  await box.press('Enter');
  await expect(b.locator('.msg.theirs').last()).toContainText('Can you hear me over SSE?');
  // And Bob's own sends still go out (over HTTP).
  const bobBox = b.getByRole('textbox', { name: 'Message' });
  await bobBox.fill('Loud and clear');
  await bobBox.press('Enter');
  await expect(a.locator('.msg.theirs').last()).toContainText('Loud and clear');
  await Promise.all([aliceCtx.close(), bobCtx.close()]);
});
