import { expect, test } from '@playwright/test';
import { demoPassword } from '../playwright.config';
import { hydrated, reportErrors, settingsURL, signIn } from './helpers';

const HEADER = [
  'Фамилия', 'Имя/обращение', 'Отчество', 'Телефон', 'Доп. телефон', 'E-mail', 'Пол', 'Дата рождения', 'Желаемая дата начала',
  'Категория', 'Учебный класс', 'АКПП', 'Канал привлечения', 'Источник обращения', 'Статус обработки', 'Ответственный', 'Теги',
  'Дата создания', 'Примечание', 'Примечание 2',
].join(';');

function csv(rows: string[][]): Buffer {
  const lines = rows.map(r => [...r, ...Array(20 - r.length).fill('')].join(';'));
  return Buffer.from([HEADER, ...lines].join('\n'), 'utf8');
}

test('import: a file with an error is shown and refused, the fixed file imports with progress', async ({ page }, info) => {
  reportErrors(page);
  const base = settingsURL(info);
  const surname = `Импортов${info.project.name}${Date.now() % 100000}`;
  const digits = String(Date.now() % 10000000).padStart(7, '0');
  await signIn(page, info, 'admin', demoPassword, base);
  await page.goto(`${base}/import`);
  await hydrated(page);
  await expect(page.locator('a[href="/import/template.xlsx"]')).toBeVisible();

  const bad = csv([[surname, 'Иван', '', '12345'], [surname, 'Мария', '', `8917${digits}`, '', '', '', '', '', '', '', '', 'Радио']]);
  await page.getByTestId('import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: bad });
  const preview = page.getByTestId('import-preview');
  await expect(page.getByTestId('import-totals')).toContainText(/с ошибками: 1|with errors: 1/);
  await expect(preview.getByTestId('import-issue').filter({ hasText: 'Телефон' })).toContainText('2');
  await expect(preview.getByTestId('import-issue').filter({ hasText: 'Канал привлечения' })).toBeVisible();
  await expect(page.getByTestId('start-import')).toBeDisabled();

  const good = csv([[surname, 'Иван', '', `8916${digits}`], [surname, 'Мария', '', `8917${digits}`, '', '', '', '', '', '', '', '', 'Радио']]);
  await page.getByTestId('import-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: good });
  await expect(page.getByTestId('import-totals')).toContainText(/готовы: 2|ready: 2/);
  await page.getByTestId('start-import').click();
  await expect(page.getByTestId('import-done')).toContainText(/Загружено: 2|Imported: 2/);
  await expect(page.getByTestId('import-progress').locator('progress')).toHaveAttribute('value', '2');
  // The record of it heads the history: the file and what was imported.
  const record = page.getByTestId('import-record').first();
  await expect(record).toContainText('good.csv');
  await expect(record.locator('td').nth(4)).toHaveText('2');

  await page.goto(`${base}/leads?q=${encodeURIComponent(surname)}`);
  await hydrated(page);
  await expect(page.locator('body')).toContainText(`${surname} Иван`);
  await expect(page.locator('body')).toContainText(`${surname} Мария`);

  // The same file again adds nothing.
  await page.goto(`${base}/import`);
  await hydrated(page);
  await page.getByTestId('import-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: good });
  await expect(page.getByTestId('import-totals')).toContainText(/уже загружены: 2|already imported: 2/);
});
