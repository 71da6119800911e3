// Lighthouse on the chat page of a signed-in user: performance, accessibility and
// best-practices scores (goal ≥ 95 each). `make lighthouse` starts a server and runs this.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { writeFileSync } from 'fs';

const base = process.env.PARLOR_URL ?? 'http://127.0.0.1:18095';
const stamp = Date.now().toString(36);

async function register(username, displayName) {
  const post = (path, body) => fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(body),
  });
  const created = await post('/api/auth/register', { username, password: 'password123', displayName });
  if (created.status !== 201) throw new Error(`register ${username}: ${created.status}`);
  // Signing in gives the browser's session cookie.
  const res = await post('/api/auth/login', { username, password: 'password123' });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, user: (await created.json()).user };
}

async function call(cookie, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

const alice = await register(`lha${stamp}`, 'Alice Lighthouse');
const bob = await register(`lhb${stamp}`, 'Bob Lighthouse');
const { chat } = await call(alice.cookie, 'POST', '/api/chats/direct', { userId: bob.user.id });
for (let i = 0; i < 30; i++) {
  const who = i % 2 ? bob : alice;
  await call(who.cookie, 'POST', `/api/chats/${chat.id}/messages`, { content: `Message ${i}: the quick brown fox jumps over the lazy dog.`, clientId: `lh-${stamp}-${i}` });
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const result = await lighthouse(`${base}/chats/${chat.id}`, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
    extraHeaders: { Cookie: alice.cookie },
  });
  writeFileSync('lighthouse-report.json', result.report);
  const scores = Object.fromEntries(Object.entries(result.lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
  console.log('Lighthouse (mobile, simulated throttling) on /chats/{id}:', JSON.stringify(scores));
  for (const [id, category] of Object.entries(result.lhr.categories)) {
    for (const ref of category.auditRefs) {
      const audit = result.lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) console.log(`  ${id}: ${audit.id} ${audit.score} ${audit.displayValue ?? ''}`);
    }
  }
} finally {
  await chrome.kill();
}
