import { expect, Page, test } from '@playwright/test';
import { demoURL, hydrated, reportErrors, signIn } from './helpers';

// Tasks run as the demo's administrator, whom no other spec signs in as. Other specs still give
// the administrator tasks now and then (the call list's retry task on their leads), so counts are
// compared as "more" and "fewer", never as exact numbers.
const USER = 'administrator';

/** Now on the demo school's clock (Moscow, UTC+3 all year) plus `seconds`, as a datetime-local value. */
function schoolTime(seconds: number): string {
  const t = new Date(Date.now() + 3 * 3600_000 + seconds * 1000);
  const value = t.toISOString().slice(0, 19);
  // Chromium shows a whole minute without ":00", and Playwright's fill then calls the value malformed.
  return value.endsWith(':00') ? value.slice(0, 16) : value;
}

async function badge(page: Page): Promise<number> {
  const text = await page.getByTestId('task-badge').textContent();
  return Number(text?.trim());
}

/** A fresh lead of the user's own, opened on its page. */
async function newLead(page: Page, base: string, name: string) {
  await page.goto(`${base}/leads/new`);
  await hydrated(page);
  await page.locator('input[name="first_name"]').fill(name);
  await page.getByTestId('save-lead').click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await hydrated(page);
}

test('a task made on the lead card counts on the badge, reminds when due and is filed as a notification', async ({ page }, info) => {
  test.setTimeout(90_000);
  reportErrors(page);
  const base = demoURL(info);
  await signIn(page, info, USER);
  await expect(page.getByTestId('task-badge')).toBeVisible();
  const before = await badge(page);

  const name = `Задачин${Date.now() % 100000}`;
  await newLead(page, base, name);
  await page.getByTestId('add-task').click();
  const form = page.getByTestId('task-form');
  // An empty title is refused under its field.
  await form.locator('input[name="task-title"]').fill('');
  await form.getByTestId('save-task').click();
  await expect(form.locator('.field-error')).toBeVisible();
  const title = `Перезвонить ${name}`;
  await form.locator('input[name="task-title"]').fill(title);
  await form.locator('input[name="task-due"]').fill(schoolTime(6));
  await form.getByTestId('save-task').click();

  // On the card, in the lead's timeline, and on the badge.
  const task = page.getByTestId('lead-tasks').getByTestId('task').filter({ hasText: title });
  await expect(task).toBeVisible();
  await expect(page.locator('.entries')).toContainText(title);
  await expect.poll(() => badge(page)).toBeGreaterThan(before);

  // A few seconds later the reminder comes, and "task due" waits in the notifications.
  await expect(page.getByTestId('due-toast').filter({ hasText: title })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('unread-badge')).toBeVisible();
  await page.getByTestId('notifications-button').click();
  const panel = page.getByTestId('notifications-panel');
  await expect(panel.getByTestId('notification').filter({ hasText: title }).first()).toContainText(/Подошёл срок задачи|A task is due/);
  await panel.getByTestId('mark-all-read').click();
  await expect(panel.getByTestId('notification').filter({ hasText: title }).first()).not.toHaveClass(/unread/);
  // Escape closes the panel (on a phone it covers the navigation).
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  // "My tasks" lists it as overdue with its lead; done, it leaves the list and the badge.
  await page.getByTestId('tasks-link').click();
  await expect(page).toHaveURL(/\/tasks$/);
  await hydrated(page);
  const mine = page.getByTestId('tasks-overdue').getByTestId('task').filter({ hasText: title });
  await expect(mine).toContainText(name);
  const beforeDone = await badge(page);
  await mine.getByTestId('task-done').click();
  await expect(mine).toHaveCount(0);
  await expect.poll(() => badge(page)).toBeLessThan(beforeDone);
});

test('a standalone task from "My tasks", then edited in its row', async ({ page }, info) => {
  reportErrors(page);
  await signIn(page, info, 'administrator');
  await page.getByTestId('tasks-link').click();
  await hydrated(page);
  const title = `Своя задача ${Date.now() % 100000}`;
  const form = page.locator('.new-task').getByTestId('task-form');
  // The page loads after the client-side navigation; only then may the form's state be read.
  await expect(page.locator('.new-task summary')).toBeVisible();
  if (!(await form.isVisible())) await page.locator('.new-task summary').click();
  await expect(form).toBeVisible();
  await form.locator('input[name="task-title"]').fill(title);
  await form.locator('select[name="task-kind"]').selectOption('meeting');
  await form.locator('input[name="task-due"]').fill(schoolTime(3 * 24 * 3600));
  await form.getByTestId('save-task').click();
  const listed = page.getByTestId('tasks-upcoming').getByTestId('task').filter({ hasText: title });
  await expect(listed).toContainText(/Встреча|Meeting/);
  const row = page.locator(`[data-task-id="${await listed.getAttribute('data-task-id')}"]`);
  await row.getByRole('button', { name: /Изменить|Edit/ }).click();
  await row.locator('input[name="task-title"]').fill(`${title} (перенесена)`);
  await row.getByTestId('save-task').click();
  await expect(page.getByTestId('tasks-upcoming')).toContainText(`${title} (перенесена)`);
});

test('automation rules: a deputy adds a stage rule, it is logged, then removed; sales staff are refused', async ({ page }, info) => {
  reportErrors(page);
  const base = demoURL(info);
  if (info.project.name === 'phone') {
    await signIn(page, info, 'sales');
    await expect(page.getByTestId('settings-link')).toHaveCount(0);
    await page.goto(`${base}/settings/automation`);
    await hydrated(page);
    await expect(page.locator('.error')).toBeVisible();
    await expect(page.getByTestId('rule-stages')).toHaveCount(0);
    return;
  }
  await signIn(page, info, 'director');
  await page.getByTestId('settings-link').click();
  await expect(page).toHaveURL(/\/settings$/);
  await hydrated(page);
  await page.locator('.tabs a[href="/settings/automation"]').click();
  await expect(page).toHaveURL(/\/settings\/automation$/);
  await hydrated(page);
  const title = `Правило ${Date.now() % 100000}`;
  const form = page.getByTestId('rule-stages').locator('form');
  await form.locator('select[name="rule-stage"]').selectOption({ index: 1 });
  await form.locator('input[name="stage-title"]').fill(title);
  await form.locator('input[name="stage-amount"]').fill('2');
  await form.locator('select[name="stage-unit"]').selectOption('days');
  await form.getByTestId('add-stage-rule').click();
  const rule = page.getByTestId('stage-rule').filter({ hasText: title });
  await expect(rule).toBeVisible();
  await expect(page.getByTestId('rule-audit')).toContainText(title);
  await rule.getByRole('button', { name: /Удалить|Delete/ }).click();
  await expect(rule).toHaveCount(0);
  await expect(page.getByTestId('rule-audit').locator('li').first()).toContainText(/удалено|deleted/);
});
