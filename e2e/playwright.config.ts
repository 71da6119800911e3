import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The release server binary, built by `make build` (make e2e sets this).
const server = process.env.PARLOR_SERVER;
if (!server) throw new Error('Set PARLOR_SERVER to the release server binary (make e2e does).');
const port = Number(process.env.PARLOR_E2E_PORT ?? 18080);
// One fresh data folder per run; the config is evaluated again in workers, so keep it in the env.
process.env.PARLOR_E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-e2e-'));

export default defineConfig({
  // make bench-page points this at ./bench.
  testDir: process.env.PARLOR_E2E_TESTS ?? './tests',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `"${server}"`,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      IP: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: process.env.PARLOR_E2E_DATA,
      LIMIT_ANON_PER_MINUTE: '0',
      LIMIT_API_PER_MINUTE: '0',
      LIMIT_MESSAGES_PER_SECOND: '0',
      RUST_LOG: 'warn',
      // The push tests' push service is a local HTTP server.
      PUSH_ALLOW_HTTP: 'true',
    },
  },
});
