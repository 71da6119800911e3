import { test, expect, BrowserContext, Page } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

// The app really runs under its Content-Security-Policy: a whole journey through it reports
// no violation, while a script injected into the page is refused.

async function watch(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.exposeBinding('__cspViolation', (_source, text: string) => { seen.push(text); });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  context.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) seen.push(m.text()); });
  return seen;
}

function scriptSrc(policy: string): string {
  return policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
}

async function openSearch(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Search messages' });
  await expect(async () => {
    await page.keyboard.press('Control+k');
    await expect(dialog).toBeVisible({ timeout: 500 });
  }).toPass();
  return dialog;
}

test('a whole journey runs under the CSP without one violation', async ({ browser }) => {
  const context = await browser.newContext();
  const violations = await watch(context);
  const page = await context.newPage();
  const login = await page.goto('/login');
  const policy = login!.headers()['content-security-policy'];
  expect(scriptSrc(policy)).toMatch(/^script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+$/);
  expect(policy).toContain("frame-ancestors 'none'");

  const me = uniqueName('csp');
  const friend = uniqueName('friend');
  await registerByApi(context.request, me, 'password123', 'Casey');
  const other = await browser.newContext();
  await registerByApi(other.request, friend, 'password123', 'Frankie');
  const friendId = (await (await other.request.post('/api/auth/login', { data: { username: friend, password: 'password123' } })).json()).user.id;
  // The title follows client-side navigation, set through the DOM rather than evaluated text.
  await page.goto('/register');
  await ready(page);
  await expect(page).toHaveTitle('Create account · Parlor');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveTitle('Sign in · Parlor');
  await signIn(page, me, 'password123');

  const origin = test.info().project.use.baseURL!;
  const chat = (await (await context.request.post('/api/chats/direct', { data: { userId: friendId }, headers: { origin } })).json()).chat;
  await page.goto(`/chats/${chat.id}`);
  await ready(page);
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Under **policy** with a link https://example.com');
  await composer.press('Enter');
  await expect(page.locator('.msg.mine:not(.pending)').last()).toContainText('Under policy');

  // The keyboard shortcut is a plain listener, not evaluated text.
  const dialog = await openSearch(page);
  await page.keyboard.type('policy');
  await expect(dialog.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: 'Settings' }).first().click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await ready(page);
  expect(violations).toEqual([]);

  // The policy is enforced: a script a bug let into the page does not run.
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.appendChild(script);
    await new Promise((r) => setTimeout(r, 100));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  // Reported twice: the securitypolicyviolation event and the console message.
  await expect.poll(() => violations.length).toBe(2);
  for (const v of violations) expect(v).toContain('script-src');
  await Promise.all([context.close(), other.close()]);
});

test('the API and static files forbid everything a page could do, and nothing frames the app', async ({ request }) => {
  for (const path of ['/api/openapi.json', '/health', '/manifest.webmanifest', '/sw.js']) {
    const res = await request.get(path);
    expect(res.headers()['x-content-type-options'], path).toBe('nosniff');
    expect(res.headers()['x-frame-options'], path).toBe('DENY');
    expect(res.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'");
  }
  expect((await request.get('/api/openapi.json')).headers()['content-security-policy']).toMatch(/^default-src 'none'/);
});
