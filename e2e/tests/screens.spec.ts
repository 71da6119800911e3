import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

const photo = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'photo.png'));

// Every page at desktop and phone sizes, light and dark: no horizontal scrolling anywhere,
// and a screenshot of each in screenshots/ to look at.
const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 667 },
];

for (const viewport of viewports) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`pages fit a ${viewport.name} screen in ${scheme} mode`, async ({ browser }) => {
      const context = await browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      const shoot = async (name: string) => {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `screenshots/${name}-${viewport.name}-${scheme}.png` });
      };
      await page.goto('/login');
      await ready(page);
      await shoot('login');
      await page.goto('/register');
      await ready(page);
      await shoot('register');

      const username = uniqueName('shot');
      await registerByApi(context.request, username, 'password123', 'Katherine Johnson');
      await signIn(page, username, 'password123');
      await shoot('home');
      await page.goto('/settings');
      await ready(page);
      await shoot('settings');

      // A conversation with some history, to see the chat view.
      const origin = test.info().project.use.baseURL!;
      const partner = await browser.newContext();
      const partnerName = uniqueName('grace');
      await registerByApi(partner.request, partnerName, 'password123', 'Grace Hopper');
      const token = (await (await partner.request.post('/api/auth/login', { data: { username: partnerName, password: 'password123' } })).json()).accessToken;
      const auth = { authorization: `Bearer ${token}` };
      const me = (await (await context.request.get('/api/users/me')).json()).user;
      const chat = (await (await partner.request.post('/api/chats/direct', { data: { userId: me.id }, headers: auth })).json()).chat;
      const say = async (request: typeof partner.request, content: string, headers: Record<string, string>) => {
        const res = await request.post(`/api/chats/${chat.id}/messages`, { data: { content, clientId: uniqueName('c') }, headers });
        expect(res.status()).toBe(201);
      };
      await say(partner.request, 'Hi Katherine! Did the **orbital** numbers check out?', auth);
      await say(context.request, 'They did. The `IBM 7090` agrees with my hand calculation.', { origin });
      await say(partner.request, 'Wonderful. Notes are at https://example.com/orbit — *take a look* when you can.', auth);
      // Photos: two in a grid with a caption, then one alone.
      const upload = async () => {
        const res = await partner.request.post('/api/media', { multipart: { file: { name: 'photo.png', mimeType: 'image/png', buffer: photo } }, headers: auth });
        expect(res.status()).toBe(201);
        return (await res.json()).id as string;
      };
      const album = [await upload(), await upload()];
      const single = [await upload()];
      for (const [content, mediaIds] of [['Two from the launch pad', album], ['', single]] as const) {
        const res = await partner.request.post(`/api/chats/${chat.id}/messages`, { data: { content, clientId: uniqueName('c'), mediaIds }, headers: auth });
        expect(res.status()).toBe(201);
      }
      await page.goto(`/chats/${chat.id}`);
      await ready(page);
      await expect(page.locator('.msg')).toHaveCount(5);
      await expect(page.locator('.gallery img')).toHaveCount(3);
      await shoot('chat');
      await page.getByRole('button', { name: 'Open image', exact: true }).click();
      await expect(page.getByRole('dialog', { name: 'Image viewer' })).toBeVisible();
      await shoot('lightbox');
      await page.keyboard.press('Escape');
      await partner.close();
      await context.close();
    });
  }
}
