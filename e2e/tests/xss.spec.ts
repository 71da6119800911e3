import { test, expect, Browser, Page, APIRequestContext } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { ready, registerByApi, signIn, uniqueName } from './helpers';
import { payloads, installTrap, forbiddenMarkup } from '../fixtures/xss';

// Hundreds of hostile strings go through the real UI as message text, display names, group
// names, file names and search queries; nothing they contain may run or become markup.
const PAYLOADS = payloads();
const PER_CHAT = 50;
const NAME_MAX = 100;
/** Names are one line of at most 100 characters; the product refuses control characters. */
const asName = (p: string) => p.replace(/[\u0000-\u001f]/g, ' ').slice(0, NAME_MAX);

type Api = { request: APIRequestContext; auth: Record<string, string> };

async function apiUser(request: APIRequestContext, displayName: string): Promise<Api & { id: string }> {
  const username = uniqueName('x');
  await registerByApi(request, username, 'password123', asName(displayName));
  const login = await (await request.post('/api/auth/login', { data: { username, password: 'password123' } })).json();
  return { request, auth: { authorization: `Bearer ${login.accessToken}` }, id: login.user.id };
}

async function group(api: Api, name: string, members: string[]): Promise<string> {
  const res = await api.request.post('/api/chats/group', { data: { name: asName(name), participantIds: members }, headers: api.auth });
  expect(res.status(), name).toBe(201);
  return (await res.json()).chat.id;
}

async function say(api: Api, chatId: string, content: string, mediaIds: string[] = []) {
  const res = await api.request.post(`/api/chats/${chatId}/messages`, { data: { content, clientId: uniqueName('c'), mediaIds }, headers: api.auth });
  expect(res.status(), content).toBe(201);
}

/** A signed-in victim whose page has the trap installed, and an attacker with their own context. */
async function victimAndAttacker(browser: Browser, attackerName: string) {
  const context = await browser.newContext();
  await context.addInitScript(installTrap);
  const victimName = uniqueName('victim');
  await registerByApi(context.request, victimName, 'password123', 'Victim');
  const page = await context.newPage();
  await signIn(page, victimName, 'password123');
  const victim = (await (await context.request.get('/api/users/me')).json()).user;
  const attackerCtx = await browser.newContext();
  const attacker = await apiUser(attackerCtx.request, attackerName);
  return { page, victim, attacker, close: () => Promise.all([context.close(), attackerCtx.close()]) };
}

/** Nothing ran and nothing forbidden is in the page. */
async function assertClean(page: Page, where: string) {
  expect(await page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits), where).toEqual([]);
  expect(await page.evaluate(forbiddenMarkup), where).toEqual([]);
}

test.describe.configure({ timeout: 240_000 });

test(`${PAYLOADS.length} payloads as messages, group names and display names render as text`, async ({ browser }) => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(500);
  const { page, victim, attacker, close } = await victimAndAttacker(browser, PAYLOADS[0]);

  // Messages, PER_CHAT to a group, each group named after a payload: server-rendered, then hydrated.
  const chats: string[] = [];
  for (let i = 0; i < PAYLOADS.length; i += PER_CHAT) {
    const chat = await group(attacker, PAYLOADS[(i / PER_CHAT) % PAYLOADS.length], [victim.id]);
    chats.push(chat);
    for (const text of PAYLOADS.slice(i, i + PER_CHAT)) await say(attacker, chat, text);
  }
  // Display names: more senders, each named after a payload, in a chat of their own.
  const names = await group(attacker, PAYLOADS[100], [victim.id]);
  for (const name of PAYLOADS.slice(1, 31)) {
    const sender = await apiUser((await browser.newContext()).request, name);
    const res = await attacker.request.post(`/api/chats/${names}/members`, { data: { userIds: [sender.id] }, headers: attacker.auth });
    expect(res.status()).toBeLessThan(300);
    await say(sender, names, `from ${name.slice(0, 20)}`);
  }
  // More group names for the chat list.
  for (const name of PAYLOADS.slice(31, 91)) await group(attacker, name, [victim.id]);

  await page.goto('/');
  await ready(page);
  await expect(page.locator('.chats li')).toHaveCount(chats.length + 61);
  await assertClean(page, 'chat list');
  let shown = 0;
  for (const [i, chat] of chats.entries()) {
    await page.goto(`/chats/${chat}`);
    await ready(page);
    await expect(page.locator('.msg .content').first()).toBeVisible();
    shown += await page.locator('.msg .content').count();
    // A payload without formatting marks reads back exactly as it was sent.
    const texts = new Set((await page.locator('.msg .content').allTextContents()).map((t) => t.trim()));
    const plain = PAYLOADS.slice(i * PER_CHAT, (i + 1) * PER_CHAT).filter((p) => !/[*`\n]/.test(p));
    for (const p of plain) expect(texts.has(p.trim()), p).toBeTruthy();
    await assertClean(page, `chat ${chat}`);
  }
  expect(shown).toBeGreaterThanOrEqual(PAYLOADS.length);
  await page.goto(`/chats/${names}`);
  await ready(page);
  await expect(page.locator('.msg .sender').first()).toBeVisible();
  await assertClean(page, 'display names');
  await close();
});

test('payloads arriving live, as file names and as search queries stay text', async ({ browser }) => {
  const { page, victim, attacker, close } = await victimAndAttacker(browser, 'Mallory');
  const chat = await group(attacker, 'Live', [victim.id]);
  await page.goto(`/chats/${chat}`);
  await ready(page);

  // Live: rendered by the client as frames arrive, not by the server.
  const live = PAYLOADS.filter((_, i) => i % 12 === 0);
  for (const text of live) await say(attacker, chat, text);
  await expect(page.locator('.msg .content')).toHaveCount(live.length);
  await assertClean(page, 'live messages');

  // File names: the upload keeps no name, and the picture renders as a picture.
  const photo = fs.readFileSync(path.join(__dirname, '../fixtures/photo.png'));
  for (const name of PAYLOADS.slice(0, 10)) {
    const res = await attacker.request.post('/api/media', { multipart: { file: { name: `${name}.png`, mimeType: 'image/png', buffer: photo } }, headers: attacker.auth });
    expect(res.status(), name).toBe(201);
    const media = await res.json();
    expect(JSON.stringify(media)).not.toContain('__xss');
    await say(attacker, chat, `picture ${name}`, [media.id]);
  }
  await expect(page.locator('.msg .gallery-item img')).toHaveCount(10);
  // The victim's own composer shows a picked file's name (alt text, remove button).
  for (const name of PAYLOADS.slice(10, 20)) {
    await page.getByTestId('attach-input').setInputFiles({ name: `${name}.png`, mimeType: 'image/png', buffer: photo });
    await expect(page.locator('.attachment-tray li')).toHaveCount(1);
    await assertClean(page, `picked file ${name}`);
    await page.locator('.attachment-tray li button').last().click();
    await expect(page.locator('.attachment-tray li')).toHaveCount(0);
  }
  await assertClean(page, 'file names');

  // Search: each query is typed into the dialog; matches are highlighted in the results.
  const dialog = page.getByRole('dialog', { name: 'Search messages' });
  await expect(async () => {
    await page.keyboard.press('Control+k');
    await expect(dialog).toBeVisible({ timeout: 500 });
  }).toPass();
  const input = dialog.getByRole('combobox', { name: 'Search messages' });
  const queries = PAYLOADS.filter((_, i) => i % 15 === 1).map((q) => q.slice(0, 200));
  for (const query of queries) {
    await input.fill(query);
    await page.waitForTimeout(150);
    await assertClean(page, `search ${query}`);
  }
  // A query that matches: the results really render (highlighting included).
  await input.fill('onerror');
  await expect(dialog.getByRole('option').first()).toBeVisible();
  await assertClean(page, 'search results');
  console.log(`xss: ${PAYLOADS.length} payloads; ${live.length} live, 20 file names, ${queries.length} queries`);
  await close();
});
