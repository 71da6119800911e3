import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

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
      await context.close();
    });
  }
}
