import { test, expect } from '@playwright/test';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The release binary stops cleanly on SIGTERM: it stops accepting, finishes, exits 0.
test('the server shuts down gracefully on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-term-'));
  const port = 18181;
  const child = spawn(process.env.PARLOR_SERVER!, [], {
    env: { ...process.env, IP: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, RUST_LOG: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  await expect.poll(async () => {
    try { return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status; } catch { return 0; }
  }, { timeout: 20_000 }).toBe(200);

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(output).toContain('shutting down');
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
