import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { registerByApi, signIn, uniqueName } from '../tests/helpers';

// The page scenario of BENCHMARKS.md: a cold load of a chat holding 50 messages, timed to the
// first message painted, and what a first visit downloads. Run with `make bench-page`; it
// measures, it does not judge (the figures go into BENCHMARKS.md).

const RUNS = Number(process.env.PAGE_RUNS ?? 5);

test('cold load of a chat with 50 messages, and first-visit download size', async ({ browser }) => {
  const origin = test.info().project.use.baseURL!;
  const ctx = await browser.newContext();
  const alice = uniqueName('pagea');
  const bob = uniqueName('pageb');
  const bobCtx = await browser.newContext();
  await registerByApi(ctx.request, alice, 'password123', 'Alice');
  await registerByApi(bobCtx.request, bob, 'password123', 'Bob');
  const bobId: string = await bobCtx.request.post('/api/auth/login', { data: { username: bob, password: 'password123' } })
    .then(async (r) => (await r.json()).user.id);
  await bobCtx.close();
  const page = await ctx.newPage();
  await signIn(page, alice, 'password123');
  const chatId: string = (await (await ctx.request.post('/api/chats/direct', { data: { userId: bobId }, headers: { origin } })).json()).chat.id;
  for (let i = 1; i <= 50; i++) {
    const res = await ctx.request.post(`/api/chats/${chatId}/messages`, {
      data: { content: `Message number ${i} of the page benchmark`, clientId: `page-${i}-${alice}` }, headers: { origin },
    });
    expect(res.status()).toBe(201);
  }
  const state = await ctx.storageState();
  await ctx.close();

  const timings: number[] = [];
  let downloaded: { url: string; type: string; bytes: number; gzip: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A new context has an empty HTTP cache: every run is a first visit, signed in.
    const cold = await browser.newContext({ storageState: state, viewport: { width: 1280, height: 800 } });
    const p = await cold.newPage();
    // The moment the first message row is in the DOM, then the frame after it (painted).
    await p.addInitScript(() => {
      const w = window as unknown as { __firstMessage?: number };
      const seen = () => {
        if (w.__firstMessage === undefined && document.querySelector('li[data-seq]')) {
          requestAnimationFrame(() => { w.__firstMessage ??= performance.now(); });
          return true;
        }
        return false;
      };
      new MutationObserver(() => seen()).observe(document, { childList: true, subtree: true });
    });
    const bodies: { url: string; type: string; body: Buffer }[] = [];
    p.on('response', async (res) => {
      const type = res.headers()['content-type'] ?? '';
      if (/javascript|wasm|css/.test(type) && res.request().method() === 'GET') {
        bodies.push({ url: res.url(), type, body: await res.body().catch(() => Buffer.alloc(0)) });
      }
    });
    await p.goto(`/chats/${chatId}`);
    await expect(p.locator('li[data-seq]').first()).toBeVisible();
    await expect(p.locator('li[data-seq="50"]')).toBeVisible();
    const painted = await p.waitForFunction(() => (window as unknown as { __firstMessage?: number }).__firstMessage).then((h) => h.jsonValue());
    timings.push(Number(painted));
    await expect(p.locator('#hydrated')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
    if (run === 0) {
      downloaded = bodies.map((b) => ({ url: new URL(b.url).pathname, type: b.type, bytes: b.body.length, gzip: zlib.gzipSync(b.body, { level: 9 }).length }));
    }
    await cold.close();
  }

  const sorted = [...timings].sort((a, b) => a - b);
  const report = {
    runs: RUNS,
    firstMessagePaintedMs: { all: timings.map((t) => Math.round(t)), median: Math.round(sorted[Math.floor(sorted.length / 2)]), max: Math.round(sorted[sorted.length - 1]) },
    firstVisit: {
      files: downloaded,
      totalBytes: downloaded.reduce((s, f) => s + f.bytes, 0),
      totalGzipBytes: downloaded.reduce((s, f) => s + f.gzip, 0),
    },
  };
  const out = process.env.PAGE_REPORT ?? path.join(__dirname, '..', 'test-results', 'page-bench.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
  expect(timings.length).toBe(RUNS);
  expect(report.firstVisit.files.some((f) => f.url.endsWith('.wasm'))).toBe(true);
});
