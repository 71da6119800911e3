import { test, expect, APIRequestContext } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

async function token(request: APIRequestContext, username: string): Promise<string> {
  const res = await request.post('/api/auth/login', { data: { username, password: 'password123' } });
  return (await res.json()).accessToken;
}

test('history loads earlier pages, permalinks open at their message, groups open by slug', async ({ browser }) => {
  const aliceCtx = await browser.newContext();
  const bobCtx = await browser.newContext();
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await registerByApi(aliceCtx.request, alice, 'password123', 'Alice');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob');
  const auth = { authorization: `Bearer ${await token(aliceCtx.request, alice)}` };
  const b = await bobCtx.newPage();
  await signIn(b, bob, 'password123');
  const bobId = (await (await bobCtx.request.get('/api/users/me')).json()).user.id;
  const chat = (await (await aliceCtx.request.post('/api/chats/direct', { data: { userId: bobId }, headers: auth })).json()).chat;
  const ids: string[] = [];
  for (let i = 1; i <= 60; i++) {
    const res = await aliceCtx.request.post(`/api/chats/${chat.id}/messages`, { data: { content: `message number ${i}`, clientId: `h${i}` }, headers: auth });
    ids.push((await res.json()).message.id);
  }

  await b.goto(`/chats/${chat.id}`);
  await ready(b);
  await expect(b.locator('.msg')).toHaveCount(50);
  // Scrolling to the top loads the earlier page by itself.
  await b.locator('.scroller').evaluate((el) => { el.scrollTop = -el.scrollHeight; });
  await expect(b.locator('.msg')).toHaveCount(60);
  await expect(b.locator('.msg').first()).toContainText('message number 1');
  await expect(b.getByRole('button', { name: 'Load earlier messages' })).toBeHidden();

  // Scrolled up, a new message shows as "1 new" until Bob jumps down to it.
  await b.locator('.scroller').evaluate((el) => { el.scrollTop = -100000; el.dispatchEvent(new Event('scroll')); });
  await aliceCtx.request.post(`/api/chats/${chat.id}/messages`, { data: { content: 'are you there?', clientId: 'h-late' }, headers: auth });
  const jump = b.getByRole('button', { name: '↓ 1 new' });
  await expect(jump).toBeVisible();
  await jump.click();
  await expect(b.locator('.msg').last()).toBeInViewport();
  await expect(jump).toBeHidden();

  // A permalink renders around its message on the server, highlighted, and scrolls to it.
  const target = ids[4];
  const html = await (await bobCtx.request.get(`/chats/${chat.id}/m/${target}`)).text();
  expect(html).toContain('message number 5<');
  expect(html).toMatch(/class="msg theirs[^"]*highlight/);
  await b.goto(`/chats/${chat.id}/m/${target}`);
  await ready(b);
  await expect(b.locator('.msg.highlight')).toContainText('message number 5');
  await expect(b.locator('.msg.highlight')).toBeInViewport();

  // Groups have a readable address; outsiders get "not found".
  const group = (await (await aliceCtx.request.post('/api/chats/group', { data: { name: 'Book Club', participantIds: [bobId] }, headers: auth })).json()).chat;
  await b.goto(`/g/${group.slug}`);
  await expect(b.getByRole('heading', { name: 'Book Club' })).toBeVisible();
  const eveCtx = await browser.newContext();
  const eve = uniqueName('eve');
  await registerByApi(eveCtx.request, eve, 'password123');
  const e = await eveCtx.newPage();
  await signIn(e, eve, 'password123');
  await e.goto(`/g/${group.slug}`);
  await expect(e.getByRole('heading', { name: 'Chat not found' })).toBeVisible();
  await e.goto(`/chats/${chat.id}/m/${target}`);
  await expect(e.getByRole('heading', { name: 'Chat not found' })).toBeVisible();
  await Promise.all([aliceCtx.close(), bobCtx.close(), eveCtx.close()]);
});
