import { test, expect } from '@playwright/test';
import { ready, registerByApi, signIn, uniqueName } from './helpers';

test('a group of three: create, talk, rename, remove a member, leave', async ({ browser }) => {
  const names = { alice: uniqueName('alice'), bob: uniqueName('bob'), carol: uniqueName('carol') };
  const ctx = { alice: await browser.newContext(), bob: await browser.newContext(), carol: await browser.newContext() };
  await registerByApi(ctx.alice.request, names.alice, 'password123', 'Alice');
  await registerByApi(ctx.bob.request, names.bob, 'password123', 'Bob');
  await registerByApi(ctx.carol.request, names.carol, 'password123', 'Carol');
  const a = await ctx.alice.newPage();
  const b = await ctx.bob.newPage();
  const c = await ctx.carol.newPage();
  await signIn(a, names.alice, 'password123');
  await signIn(b, names.bob, 'password123');
  await signIn(c, names.carol, 'password123');

  // Alice makes the group from the dialog.
  await a.getByRole('button', { name: 'New chat' }).click();
  await a.getByRole('tab', { name: 'Group' }).click();
  await a.getByLabel('Group name').fill('Road Trip');
  for (const person of [names.bob, names.carol]) {
    await a.getByLabel('Add people').fill(person);
    await a.getByRole('button', { name: new RegExp(person) }).click();
  }
  await a.getByRole('button', { name: 'Create group' }).click();
  await expect(a).toHaveURL(/\/chats\//);
  await ready(a);

  // Everyone sees it live; Carol writes and both others read it.
  await b.getByRole('link', { name: /Road Trip/ }).click();
  await c.getByRole('link', { name: /Road Trip/ }).click();
  await ready(b);
  await ready(c);
  const carolBox = c.getByRole('textbox', { name: 'Message' });
  await carolBox.fill('Who brings the map?');
  await carolBox.press('Enter');
  await expect(a.locator('.msg.theirs').last()).toContainText('Who brings the map?');
  await expect(b.locator('.msg.theirs').last()).toContainText('Who brings the map?');
  await expect(a.locator('.msg.theirs .sender').last()).toHaveText('Carol');
  // Both have it open: Carol's message is read by everyone.
  await expect(c.locator('.msg.mine .tick').last()).toHaveAttribute('title', 'read');

  // Alice renames it and removes Carol.
  await a.getByRole('button', { name: 'Group settings' }).click();
  await a.getByLabel('Group name', { exact: true }).fill('Road Trip 2026');
  await a.getByRole('button', { name: 'Rename' }).click();
  await expect(b.getByRole('link', { name: /Road Trip 2026/ })).toBeVisible();
  await a.getByRole('button', { name: 'Remove Carol' }).click();
  await expect(a.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(2);
  await expect(c.getByRole('link', { name: /Road Trip/ })).toHaveCount(0);
  await a.getByRole('button', { name: 'Close' }).click();

  // Bob leaves; the group is gone from his list.
  await b.getByRole('button', { name: 'Group settings' }).click();
  await b.getByRole('button', { name: 'Leave group' }).click();
  await expect(b).toHaveURL(/\/$/);
  await expect(b.getByRole('link', { name: /Road Trip/ })).toHaveCount(0);
  await Promise.all(Object.values(ctx).map((x) => x.close()));
});
