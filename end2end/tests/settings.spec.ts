import { Browser, expect, test } from '@playwright/test';
import { demoPassword } from '../playwright.config';
import { hydrated, reportErrors, settingsURL, signIn, stageIds } from './helpers';

// These tests change the whole school, so they run on schools of their own, one after another.
test.describe.configure({ mode: 'serial' });

async function rowIds(page: import('@playwright/test').Page): Promise<string[]> {
  return page.getByTestId('stage-row').evaluateAll(rows => rows.map(r => r.getAttribute('data-stage-id')!));
}

test('stages: reorder with the buttons (and by dragging on a desktop) and the board follows', async ({ page }, info) => {
  reportErrors(page);
  const base = settingsURL(info);
  await signIn(page, info, 'admin', demoPassword, base);
  const board = await stageIds(page);
  await page.getByTestId('settings-link').click();
  await expect(page).toHaveURL(/\/settings$/);
  await hydrated(page);
  await expect(page.getByTestId('stage-row').first()).toBeVisible();
  const before = await rowIds(page);
  expect(before.slice(0, 2)).toEqual(board.slice(0, 2));

  await page.getByTestId('stage-row').first().getByTestId('stage-down').click();
  const swapped = [before[1], before[0], ...before.slice(2)];
  await expect.poll(() => rowIds(page)).toEqual(swapped);
  await page.goto(`${base}/`);
  await hydrated(page);
  expect((await stageIds(page)).slice(0, 2)).toEqual([board[1], board[0]]);

  await page.goto(`${base}/settings/stages`);
  await hydrated(page);
  if (info.project.name === 'desktop') {
    // Drag the (now) second row onto the first: the original order is back.
    await page.getByTestId('stage-row').nth(1).dragTo(page.getByTestId('stage-row').first());
  } else {
    await page.getByTestId('stage-row').nth(1).getByTestId('stage-up').click();
  }
  await expect.poll(() => rowIds(page)).toEqual(before);
});

test('stages: a new stage needs a name, gets a reason, and goes again', async ({ page }, info) => {
  reportErrors(page);
  const base = settingsURL(info);
  await signIn(page, info, 'admin', demoPassword, base);
  await page.goto(`${base}/settings/stages`);
  await hydrated(page);
  const form = page.getByTestId('new-stage');
  await form.getByTestId('add-stage').click();
  await expect(form.locator('.field-error')).toBeVisible();
  const name = `Думает ${info.project.name}`;
  await form.locator('input[name="new-stage-name"]').fill(name);
  await form.getByTestId('add-stage').click();
  const row = page.locator(`[data-testid="stage-row"][data-name="${name}"]`);
  await expect(row).toHaveCount(1);
  await row.locator('summary').click();
  await row.locator('input[name="new-reason"]').fill('Сравнивает цены');
  await row.locator('input[name="new-reason"]').press('Enter');
  await expect(row.getByTestId('reason-row')).toHaveCount(1);
  await row.getByTestId('delete-stage').click();
  await row.getByTestId('confirm-delete-stage').click();
  await expect(row).toHaveCount(0);
});

async function signInFresh(browser: Browser, base: string, login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  reportErrors(page);
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(demoPassword);
  await page.locator('button[type="submit"]').click();
  await expect(page.getByTestId('board')).toBeVisible();
  return { context, page };
}

test('staff: the owner switches a user to English and their interface follows; sales staff see no settings', async ({ page, browser }, info) => {
  reportErrors(page);
  const base = settingsURL(info);
  await signIn(page, info, 'admin', demoPassword, base);
  await page.goto(`${base}/settings/users`);
  await hydrated(page);
  const pavel = page.locator('[data-testid="staff-row"][data-login="sales2"]');
  await pavel.getByTestId('user-language').selectOption('en');
  await expect(pavel.getByTestId('user-language')).toHaveValue('en');

  const { context, page: other } = await signInFresh(browser, base, 'sales2');
  await expect(other.locator('.topnav')).toContainText('Funnel');
  await expect(other.locator('.topnav')).toContainText('Tasks');
  await expect(other.getByTestId('settings-link')).toHaveCount(0);
  await other.goto(`${base}/settings/users`);
  await hydrated(other);
  await expect(other.locator('.error')).toContainText(/not allowed|rights|permission/i);
  await context.close();
});

test('dictionaries and the school: add a branch, rename the school', async ({ page }, info) => {
  reportErrors(page);
  const base = settingsURL(info);
  await signIn(page, info, 'admin', demoPassword, base);
  await page.goto(`${base}/settings/dictionaries`);
  await hydrated(page);
  const branches = page.getByTestId('dict-Branch');
  const branch = `Класс ${info.project.name}`;
  await branches.locator('input[name="new-entry"]').fill(branch);
  await branches.getByRole('button', { name: /Добавить|Add/ }).click();
  await expect(branches.locator(`[data-testid="dict-row"][data-name="${branch}"]`)).toHaveCount(1);
  await page.goto(`${base}/settings/school`);
  await hydrated(page);
  const school = page.getByTestId('school-settings');
  await school.locator('input[name="timezone"]').fill('Mars/Olympus');
  await school.getByTestId('save-school').click();
  await expect(school.locator('.field-error')).toContainText(/часовой пояс|time zone/i);
  await school.locator('input[name="timezone"]').fill('Europe/Samara');
  await school.locator('input[name="school-name"]').fill('Автошкола «Север»');
  await school.getByTestId('save-school').click();
  await expect(page.getByTestId('saved-toast').first()).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('school-settings').locator('input[name="school-name"]')).toHaveValue('Автошкола «Север»');
});
