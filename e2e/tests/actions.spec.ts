import { test, expect } from '@playwright/test';
import { directChat } from './helpers';

test('reactions, replies, edits and deletes show for both people', async ({ browser }) => {
  const { a, b, close } = await directChat(browser);
  const aliceBox = a.getByRole('textbox', { name: 'Message' });
  await aliceBox.fill('Lunch at noon?');
  await aliceBox.press('Enter');
  const onBob = b.locator('.msg.theirs').last();
  await expect(onBob).toContainText('Lunch at noon?');

  // Bob reacts; Alice sees the chip.
  await onBob.hover();
  await onBob.getByRole('button', { name: 'React 👍' }).click();
  await expect(a.locator('.msg.mine').last().locator('.reaction')).toHaveText('👍 1');

  // The fuller picker adds any emoji.
  await onBob.hover();
  await onBob.getByRole('button', { name: 'More reactions' }).click();
  await onBob.getByRole('dialog', { name: 'Pick a reaction' }).getByRole('button', { name: 'React 🎉' }).click();
  await expect(a.locator('.msg.mine').last().locator('.reaction')).toHaveText(['👍 1', '🎉 1']);

  // Bob replies; the quote shows the original.
  await onBob.hover();
  await onBob.getByRole('button', { name: 'Reply' }).click();
  await expect(b.getByText('Replying to')).toBeVisible();
  const bobBox = b.getByRole('textbox', { name: 'Message' });
  await bobBox.fill('Yes, see you there');
  await bobBox.press('Enter');
  const reply = a.locator('.msg.theirs').last();
  await expect(reply).toContainText('Yes, see you there');
  await expect(reply.locator('.quote')).toContainText('Lunch at noon?');

  // Alice edits; Bob sees the new text marked edited.
  const mine = a.locator('.msg.mine').first();
  await mine.hover();
  await mine.getByRole('button', { name: 'Edit' }).click();
  await expect(aliceBox).toHaveValue('Lunch at noon?');
  await aliceBox.fill('Lunch at one?');
  await aliceBox.press('Enter');
  await expect(b.locator('.msg.theirs').first()).toContainText('Lunch at one?');
  await expect(b.locator('.msg.theirs').first()).toContainText('edited');
  await b.locator('.msg.theirs').first().getByRole('button', { name: 'edited' }).click();
  await expect(b.getByRole('list', { name: 'Earlier versions' })).toContainText('Lunch at noon?');

  // Alice deletes it for everyone.
  await mine.hover();
  await mine.getByRole('button', { name: 'Delete' }).click();
  await mine.getByRole('button', { name: 'Delete for everyone?' }).click();
  await expect(b.locator('.msg.theirs').first()).toContainText('This message was deleted');
  await expect(b.locator('.msg.theirs').first()).not.toContainText('Lunch');
  await close();
});
