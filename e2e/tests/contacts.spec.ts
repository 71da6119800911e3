import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

test('a contact request is answered live, presence shows, and a block stops messages', async ({ browser }) => {
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  await registerByApi(aliceCtx.request, alice, 'password123', 'Alice Hart');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob Stone');
  const a = await aliceCtx.newPage();
  const b = await bobCtx.newPage();
  await signIn(a, alice, 'password123');
  await signIn(b, bob, 'password123');
  await b.goto('/contacts');
  await ready(b);
  await expect(b.getByText('Connecting…')).toBeHidden();

  // Alice finds Bob from the contacts page and asks.
  await a.getByRole('link', { name: 'Contacts', exact: true }).click();
  await expect(a).toHaveURL('/contacts');
  await a.getByLabel('Find people by username').fill(bob);
  await a.getByRole('button', { name: `Add Bob Stone @${bob}` }).click();
  await expect(a.getByRole('list', { name: 'Sent requests' })).toContainText('Bob Stone');

  // Bob sees it arrive without reloading, with a badge, and accepts.
  await expect(b.getByRole('link', { name: 'Contacts (1 request)' })).toBeVisible();
  await expect(b.getByRole('list', { name: 'Incoming requests' })).toContainText('Alice Hart');
  await b.getByRole('button', { name: 'Accept Alice Hart' }).click();
  await expect(b.getByRole('list', { name: 'Contacts', exact: true })).toContainText('Alice Hart');
  await expect(b.getByRole('link', { name: 'Contacts', exact: true })).toBeVisible();

  // Alice now has Bob as a contact, online.
  const bobRow = a.locator(`[data-user="${bob}"]`);
  await expect(bobRow).toContainText('Bob Stone');
  await expect(bobRow.getByTestId('presence')).toHaveText('online');
  await expect(a.getByRole('list', { name: 'Sent requests' })).toBeHidden();

  // Alice opens their chat; Bob blocks her (after confirming).
  await bobRow.getByRole('button', { name: 'Message Bob Stone' }).click();
  await expect(a).toHaveURL(/\/chats\/[0-9a-f-]+$/);
  const chatId = a.url().split('/').pop();
  await ready(a);
  await b.getByRole('button', { name: 'Block Alice Hart' }).click();
  await expect(b.getByRole('dialog')).toContainText('They won\'t be told.');
  await b.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
  await expect(b.getByRole('list', { name: 'Blocked people' })).toContainText('Alice Hart');
  await expect(b.getByRole('list', { name: 'Contacts', exact: true })).not.toContainText('Alice Hart');

  // Alice's message is refused with the server's words, and Bob receives nothing.
  const composer = a.getByRole('textbox', { name: 'Message' });
  await composer.fill('Are you there?');
  await composer.press('Enter');
  await expect(a.getByRole('alert')).toHaveText("You can't message this person.");
  await expect(a.locator('.msg')).toHaveCount(0);
  const bobsChat = b.getByRole('link', { name: /Alice Hart/ });
  await expect(bobsChat).toContainText('No messages yet');
  await expect(bobsChat.locator('.unread')).toHaveCount(0);
  const stored = await (await bobCtx.request.get(`/api/chats/${chatId}/messages`)).json();
  expect(stored.messages).toHaveLength(0);

  // In the chat, Bob sees that he blocked her and can unblock from the header.
  await bobsChat.click();
  await ready(b);
  await expect(b.getByText('You blocked this person. Unblock them to send messages.')).toBeVisible();
  await b.getByRole('button', { name: 'Unblock' }).click();
  await expect(b.getByText('You blocked this person. Unblock them to send messages.')).toBeHidden();
  await expect(b.getByRole('button', { name: 'Block', exact: true })).toBeVisible();
  await Promise.all([aliceCtx.close(), bobCtx.close()]);
});

const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 667 },
];

for (const viewport of viewports) {
  test(`the contacts page fits a ${viewport.name} screen`, async ({ browser }) => {
    const names = ['Ada Byron', 'Grace Hopper', 'Alan Turing'];
    const users = names.map((n) => uniqueName(n.split(' ')[0].toLowerCase()));
    const contexts = await Promise.all(names.map(() => browser.newContext({ viewport })));
    for (let i = 0; i < names.length; i++) {
      await registerByApi(contexts[i].request, users[i], 'password123', names[i]);
      const login = await contexts[i].request.post('/api/auth/login', { data: { username: users[i], password: 'password123' } });
      expect(login.status()).toBe(200);
    }
    const origin = test.info().project.use.baseURL!;
    const id = async (i: number) => (await (await contexts[i].request.get('/api/users/me')).json()).user.id;
    // Grace is a contact; Alan's request waits for Ada.
    const grace = await id(1);
    const sent = await (await contexts[0].request.post('/api/contacts/requests', { data: { userId: grace }, headers: { origin } })).json();
    const accepted = await contexts[1].request.post(`/api/contacts/requests/${sent.request.id}/accept`, { headers: { origin } });
    expect(accepted.status()).toBe(200);
    const asked = await contexts[2].request.post('/api/contacts/requests', { data: { userId: await id(0) }, headers: { origin } });
    expect(asked.status()).toBe(201);
    // Ada's context signed in through the API above: the page has her session cookie.
    const page = await contexts[0].newPage();
    await page.goto('/contacts');
    await ready(page);
    await expect(page.getByRole('list', { name: 'Incoming requests' })).toContainText('Alan Turing');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `screenshots/contacts-${viewport.name}.png`, fullPage: true });
    if (viewport.name === 'desktop') {
      await page.getByRole('button', { name: 'Block Grace Hopper' }).click();
      await page.screenshot({ path: `screenshots/contacts-block-${viewport.name}.png` });
    }
    await Promise.all(contexts.map((c) => c.close()));
  });
}
