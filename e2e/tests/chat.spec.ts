import { test, expect } from '@playwright/test';
import { directChat, ready, registerByApi, signIn, uniqueName } from './helpers';

test('two people chat in real time, with typing, ticks and server-rendered history', async ({ browser }) => {
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  await registerByApi(aliceCtx.request, alice, 'password123', 'Alice Liddell');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob Dylan');
  const a = await aliceCtx.newPage();
  const b = await bobCtx.newPage();
  await signIn(a, alice, 'password123');
  await signIn(b, bob, 'password123');
  await expect(a.getByText('Connecting…')).toBeHidden();
  await expect(b.getByText('Connecting…')).toBeHidden();

  // Alice finds Bob and writes.
  await a.getByRole('button', { name: 'New chat' }).click();
  // Search by a prefix of the username; pick the one with exactly this username.
  await a.getByLabel('Find someone by username').fill(bob.slice(0, bob.length - 2));
  await a.getByRole('button', { name: `Bob Dylan @${bob}` }).click();
  await expect(a).toHaveURL(/\/chats\/[0-9a-f-]+$/);
  const chatUrl = a.url();
  await ready(a);
  const composer = a.getByRole('textbox', { name: 'Message' });
  await composer.fill('Hello **Bob**, <script>alert(1)</script>');
  await composer.press('Enter');
  await expect(a.locator('.msg.mine').last()).toContainText('Hello Bob, <script>alert(1)</script>');
  await expect(a.locator('.msg.mine strong').last()).toHaveText('Bob');

  // Bob's list shows the new chat live, unread; opening it shows the message.
  const item = b.getByRole('link', { name: /Alice Liddell/ });
  await expect(item).toBeVisible();
  await expect(item.locator('.unread')).toHaveText('1');
  await item.click();
  await expect(b.locator('.msg.theirs').last()).toContainText('Hello Bob');

  // Alice's message reaches "read".
  await expect(a.locator('.msg.mine .tick').last()).toHaveAttribute('title', 'read');

  // Typing shows on the other side.
  await b.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi', { delay: 20 });
  await expect(a.getByText('Bob Dylan is typing…')).toBeVisible();

  // Bob answers; Alice sees it without reloading. Measure how long it takes.
  await b.getByRole('textbox', { name: 'Message' }).fill('Hi Alice!');
  const sentAt = Date.now();
  await b.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(a.locator('.msg.theirs').last()).toContainText('Hi Alice!', { timeout: 1_000 });
  // Sending stops the typing indicator.
  await expect(a.getByText('Bob Dylan is typing…')).toBeHidden();
  const latency = Date.now() - sentAt;
  test.info().annotations.push({ type: 'send-to-receive-ms', description: String(latency) });
  console.log(`send→receive between two browser contexts: ${latency} ms`);

  // The server renders the history: the HTML has the messages before any WASM runs.
  const html = await (await aliceCtx.request.get(chatUrl)).text();
  expect(html).toContain('Hi Alice!');
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  await a.reload();
  await expect(a.locator('.msg').last()).toContainText('Hi Alice!');

  // Someone outside the chat gets "not found", never the content.
  const eveCtx = await browser.newContext();
  const eve = uniqueName('eve');
  await registerByApi(eveCtx.request, eve, 'password123');
  const e = await eveCtx.newPage();
  await signIn(e, eve, 'password123');
  const outsider = await eveCtx.request.get(chatUrl);
  expect(outsider.status()).toBe(404);
  expect(await outsider.text()).not.toContain('Hi Alice!');
  await e.goto(chatUrl);
  await expect(e.getByRole('heading', { name: 'Chat not found' })).toBeVisible();
  expect(await e.content()).not.toContain('Hi Alice!');
  await Promise.all([aliceCtx.close(), bobCtx.close(), eveCtx.close()]);
});

test("a direct chat's header follows the other person's presence live", async ({ browser }) => {
  const { a, bobCtx, close } = await directChat(browser);
  const status = a.locator('.chat-header .chat-heading p');
  await expect(status).toHaveText('online');
  // Bob closes his last tab: Alice sees when he was last here, without reloading.
  await bobCtx.close();
  await expect(status).toHaveText('last seen just now');
  await close().catch(() => {});
});
