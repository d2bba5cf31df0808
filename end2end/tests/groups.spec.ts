import { expect, Page, test, TestInfo } from '@playwright/test';
import { demoURL, hydrated, moveTo, settingsURL, signIn } from './helpers';

/** A new lead of category B on the settings school; answers its card's URL. */
async function newLead(page: Page, info: TestInfo, name: string): Promise<string> {
  const base = settingsURL(info);
  await page.goto(`${base}/leads/new`);
  await hydrated(page);
  await page.locator('input[name="first_name"]').fill(name);
  await page.locator('select[name="category_id"]').selectOption({ label: 'B' });
  await page.getByTestId('save-lead').click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await hydrated(page);
  return page.url();
}

test('a group with one seat: the first lead is enrolled, the second finds it full, a cancellation frees it', async ({ page }, info) => {
  const base = settingsURL(info);
  await signIn(page, info, 'admin', undefined, base);
  const group = `E2E-${info.project.name}-${Date.now() % 100000}`;
  await page.goto(`${base}/settings/groups`);
  await hydrated(page);
  await page.getByTestId('add-group').click();
  const form = page.getByTestId('group-form');
  await form.locator('input[name="group-capacity"]').fill('0');
  await page.getByTestId('save-group').click();
  // Nothing sent yet: the name and start are missing, and the form says which first.
  await expect(form.locator('.field-error').first()).toBeVisible();
  await form.locator('input[name="group-name"]').fill(group);
  await form.locator('select[name="group-category"]').selectOption({ label: 'B' });
  await form.locator('input[name="group-start"]').fill('2030-03-01');
  await form.locator('input[name="group-capacity"]').fill('1');
  await page.getByTestId('save-group').click();
  const row = page.getByTestId('group-row').filter({ hasText: group });
  await expect(row).toBeVisible();
  await expect(row.locator('td').nth(6)).toHaveText('1');

  const first = await newLead(page, info, `Зачисляемый ${info.project.name}`);
  await page.getByTestId('enrol').click();
  const dialog = page.getByTestId('enrol-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('group-choice').filter({ hasText: group }).locator('input').check();
  await dialog.locator('input[name="price"]').fill('дорого');
  await dialog.getByTestId('confirm-enrol').click();
  await expect(dialog.locator('.field-error')).toBeVisible();
  await dialog.locator('input[name="price"]').fill('45 000');
  await dialog.getByTestId('confirm-enrol').click();
  await expect(dialog).toBeHidden();
  const contract = page.getByTestId('contract');
  await expect(contract).toContainText(group);
  await expect(contract).toContainText('45');
  await expect(page.getByTestId('lead-details')).toContainText('Договор');
  await page.screenshot({ path: info.outputPath('enrolled.png'), fullPage: true });

  // The second lead sees the group full.
  await newLead(page, info, `Второй ${info.project.name}`);
  await page.getByTestId('enrol').click();
  const full = page.getByTestId('enrol-dialog').getByTestId('group-choice').filter({ hasText: group });
  await expect(full.locator('input')).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('enrol-dialog')).toBeHidden();

  // Cancelling the first enrolment needs a reason and frees the seat.
  await page.goto(first);
  await hydrated(page);
  await page.getByTestId('cancel-enrolment').click();
  await page.getByTestId('confirm-cancel-enrolment').click();
  await expect(page.getByTestId('contract').locator('.field-error')).toBeVisible();
  await page.locator('input[name="cancel-reason"]').fill('Переехал в другой город');
  await page.getByTestId('confirm-cancel-enrolment').click();
  await expect(page.getByTestId('contract')).toContainText('Переехал в другой город');
  await page.goto(`${base}/settings/groups`);
  await hydrated(page);
  await expect(page.getByTestId('group-row').filter({ hasText: group }).locator('td').nth(6)).toHaveText('1');
});

test('every report opens with its chart and table, and downloads as XLSX', async ({ page }, info) => {
  const base = demoURL(info);
  await signIn(page, info, info.project.name === 'phone' ? 'deputy' : 'director', undefined, base);
  await page.getByTestId('reports-link').click();
  await expect(page).toHaveURL(/\/reports/);
  await hydrated(page);
  const summary = page.getByTestId('report-summary');
  await expect(summary).toBeVisible();
  expect(Number(await summary.locator('strong').first().textContent())).toBeGreaterThan(0);
  for (const kind of ['funnel', 'channels', 'responsibles', 'branches', 'reasons', 'waiting']) {
    const section = page.getByTestId(`report-${kind}`);
    await expect(section.locator('table tbody tr').first()).toBeVisible();
    if (kind !== 'waiting') await expect(section.locator('svg.bar-chart rect').first()).toBeAttached();
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: info.outputPath(`report-${kind}.png`) });
  }
  // Nothing wider than the screen on a phone but the tables' own scrolling boxes.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // A narrower range changes the figures; the XLSX follows the same filter.
  const total = Number(await summary.locator('strong').first().textContent());
  await page.locator('input[name="from"]').fill(new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10));
  await page.getByTestId('report-filter').locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/from=/);
  await expect.poll(async () => Number(await summary.locator('strong').first().textContent())).toBeLessThan(total);
  const href = await page.getByTestId('report-xlsx-all').getAttribute('href');
  const answer = await page.request.get(`${base}${href}`);
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toContain('spreadsheetml');
  expect((await answer.body()).subarray(0, 2).toString()).toBe('PK');
});

test('dropping a card into the enrolment stage opens the enrolment dialog; cancelling leaves the card', async ({ page }, info) => {
  await signIn(page, info, info.project.name === 'phone' ? 'deputy' : 'director');
  const first = page.locator('section.column').first();
  // Not the first card: the board specs move that one.
  const card = first.locator('article.card').nth(3);
  const id = (await card.getAttribute('data-lead-id'))!;
  const enrolment = (await page.locator('section.column[aria-label="Договор"]').getAttribute('data-stage-id'))!;
  await moveTo(card, enrolment);
  const dialog = page.getByTestId('enrol-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(first.locator(`article.card[data-lead-id="${id}"]`)).toBeVisible();
});

test('an API token made in the settings creates a lead through the API, once per Idempotency-Key; a call lands in its history', async ({ page }, info) => {
  const base = settingsURL(info);
  await signIn(page, info, 'admin', undefined, base);
  await page.goto(`${base}/settings/api`);
  await hydrated(page);
  await page.locator('input[name="token-name"]').fill(`Сайт ${info.project.name}`);
  await page.locator('input[name="token-scope"][value="calls:write"]').check();
  await page.getByTestId('create-token').click();
  const secret = await page.getByTestId('token-secret').inputValue();
  expect(secret).toMatch(/^vrk_[0-9a-f]{64}$/);
  await expect(page.getByTestId('token-row').filter({ hasText: `Сайт ${info.project.name}` })).toBeVisible();
  const name = `Из API ${info.project.name} ${Date.now() % 100000}`;
  const key = `e2e-${info.project.name}-${Date.now()}`;
  const phone = `+7999${String(Date.now() % 10000000).padStart(7, '0')}`;
  const send = () =>
    page.request.post(`${base}/api/v1/leads`, {
      headers: { Authorization: `Bearer ${secret}`, 'Idempotency-Key': key },
      data: { first_name: name, category: 'B', phone },
    });
  const first = await send();
  expect(first.status()).toBe(201);
  const again = await send();
  expect(again.status()).toBe(200);
  expect((await again.json()).id).toBe((await first.json()).id);
  const read = await page.request.get(`${base}/api/v1/leads/${(await first.json()).id}`, { headers: { Authorization: `Bearer ${secret}` } });
  expect(read.status()).toBe(403);
  expect((await read.json()).code).toBe('forbidden');

  const recording = 'https://pbx.example.com/records/42.mp3';
  const call = await page.request.post(`${base}/api/v1/calls`, {
    headers: { Authorization: `Bearer ${secret}` },
    data: { phone, direction: 'incoming', started_at: new Date().toISOString(), duration_secs: 95, recording_url: recording },
  });
  expect(call.status()).toBe(201);
  expect((await call.json()).lead_ids).toEqual([(await first.json()).id]);
  await page.goto(`${base}/leads/${(await first.json()).id}`);
  await hydrated(page);
  const entry = page.getByTestId('timeline').locator('[data-kind="call"]');
  await expect(entry).toContainText('Входящий звонок, 1:35');
  await expect(entry.locator('a.recording')).toHaveAttribute('href', recording);
});
