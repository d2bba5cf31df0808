import { expect, test } from '@playwright/test';
import { ports } from '../playwright.config';

test('first run: the one-time set-up creates the school and lands on its board', async ({ page }, info) => {
  const port = info.project.name === 'phone' ? ports.setupPhone : ports.setupDesktop;
  const base = `http://127.0.0.1:${port}`;
  await page.goto(`${base}/`);
  await expect(page).toHaveURL(`${base}/setup`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('heading', { name: 'Настройка Воронки' })).toBeVisible();

  // The login page is not reachable before set-up.
  await page.goto(`${base}/login`);
  await expect(page).toHaveURL(`${base}/setup`);
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });

  await page.locator('input[name="school_name"]').fill('Автошкола «Старт»');
  await page.locator('input[name="owner_name"]').fill('Ольга Белова');
  await page.locator('input[name="owner_login"]').fill('Olga');
  await page.locator('input[name="owner_password"]').fill('owner-password');
  await page.getByLabel(/Простой/).check();
  await page.getByRole('button', { name: 'Создать и войти' }).click();

  await expect(page).toHaveURL(`${base}/`);
  const board = page.getByTestId('board');
  await expect(board).toBeVisible();
  const columns = board.locator('section.column');
  await expect(columns).toHaveCount(4);
  await expect(columns.first().locator('h2')).toHaveText('Первичный контакт');
  await expect(columns.first().locator('.count')).toHaveText('0');
  await expect(page.locator('.school')).toHaveText('Автошкола «Старт»');

  // Set-up is gone for good.
  await page.goto(`${base}/setup`);
  await expect(page).toHaveURL(`${base}/`);
  await page.screenshot({ path: info.outputPath('setup-board.png'), fullPage: false });
});
