import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { directChat, ready } from './helpers';

const photo = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'photo.png'));

/** Whether an <img> finished loading real pixels. */
async function loaded(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

test('Alice sends Bob a photo; he sees the thumbnail live and opens the full image', async ({ browser }) => {
  const { a, b, close } = await directChat(browser);

  // Attach by the button's file picker: a preview and progress show, then Send is enabled.
  await a.getByTestId('attach-input').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: photo });
  const tray = a.getByRole('list', { name: 'Images to send' });
  await expect(tray.getByRole('img', { name: 'sunset.png' })).toBeVisible();
  await expect(tray.locator('progress')).toHaveCount(0, { timeout: 15_000 });
  const composer = a.getByRole('textbox', { name: 'Message' });
  await composer.fill('Look at this');
  await a.getByRole('button', { name: 'Send' }).click();
  await expect(tray).toHaveCount(0);

  const mine = a.locator('.msg.mine').last();
  await expect(mine.locator('.gallery img')).toBeVisible();
  await expect(mine).toContainText('Look at this');

  // Bob gets it live: the image has its final size before its bytes arrive, then loads.
  const theirs = b.locator('.msg.theirs').last();
  await expect(theirs.locator('.gallery img')).toBeVisible();
  await expect(theirs.locator('.gallery img')).toHaveAttribute('width', '320');
  await expect(theirs.locator('.gallery img')).toHaveAttribute('height', '240');
  await expect.poll(() => loaded(b, '.msg.theirs .gallery img')).toBeGreaterThan(0);

  // A click opens the full image; Escape closes it.
  await theirs.getByRole('button', { name: 'Open image' }).click();
  const viewer = b.getByRole('dialog', { name: 'Image viewer' });
  await expect(viewer).toBeVisible();
  await expect.poll(() => loaded(b, '.lightbox-image')).toBe(640);
  await b.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // Pasting an image attaches it too; a photo needs no caption.
  await composer.focus();
  await a.evaluate(async (bytes: number[]) => {
    const file = new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' });
    const data = new DataTransfer();
    data.items.add(file);
    const target = document.querySelector('.composer-input')!;
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, Array.from(photo));
  await expect(tray.getByRole('img', { name: 'pasted.png' })).toBeVisible();
  await expect(tray.locator('progress')).toHaveCount(0, { timeout: 15_000 });
  await a.getByRole('button', { name: 'Send' }).click();
  await expect(b.locator('.msg.theirs .gallery img')).toHaveCount(2);
  await expect(b.getByRole('link', { name: /Alice/ }).first()).toContainText('Photo');
  await close();
});

test('a profile photo shows in settings and the sidebar; a refused file says why', async ({ browser }) => {
  const { a, close } = await directChat(browser);
  await a.goto('/settings');
  await ready(a);
  await a.getByLabel('Change photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: photo });
  await expect(a.locator('.avatar-picker img.avatar')).toBeVisible();
  await expect.poll(() => loaded(a, '.avatar-picker img.avatar')).toBeGreaterThan(0);
  await expect(a.locator('.sidebar img.avatar').first()).toBeVisible();

  // A page pretending to be an image is refused with the server's reason.
  await a.getByLabel('Change photo').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await expect(a.getByRole('alert')).toContainText('Only JPEG, PNG, GIF and WebP');
  await close();
});
