import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { demoURL, hydrated, reportErrors, signIn } from './helpers';

// Edits, notes and actions on leads of a user the board tests do not use.
const USER = 'sales2';
const USER_NAME = 'Павел Громов';

test.describe.configure({ mode: 'serial' });
test.beforeEach(async ({ page }) => reportErrors(page));

/** The n-th lead (by name) that the user is responsible for. */
async function ownLead(page: Page, info: TestInfo, n: number): Promise<string> {
  await page.goto(`${demoURL(info)}/leads?sort=name`);
  await hydrated(page);
  await page.getByTestId('filter-toggle').click();
  const option = page.getByTestId('filter-panel').locator('select[name="responsible"] option', { hasText: USER_NAME });
  const userId = await option.getAttribute('value');
  // A fresh page load, so no row of the unfiltered list can be taken while the filtered one loads.
  await page.goto(`${demoURL(info)}/leads?responsible=${userId}&sort=name`);
  await hydrated(page);
  const row = page.locator('tr.lead-row').nth(n);
  await expect(row).toBeVisible();
  return (await row.getAttribute('data-lead-id'))!;
}

async function openLead(page: Page, info: TestInfo, id: string) {
  await page.goto(`${demoURL(info)}/leads/${id}`);
  await hydrated(page);
  await expect(page.getByTestId('lead-card')).toBeVisible();
}

async function editSurname(page: Page, surname: string) {
  await page.getByTestId('edit-lead').click();
  await page.locator('input[name="surname"]').fill(surname);
  await page.getByTestId('save-lead').click();
}

test('edit a lead: saved fields appear in the card and the history; bad input is named', async ({ page }, info) => {
  await signIn(page, info, USER);
  const id = await ownLead(page, info, 3);
  await openLead(page, info, id);
  const surname = `Проверкин${info.project.name === 'phone' ? 'М' : 'Д'}${Date.now() % 10000}`;
  await editSurname(page, surname);
  await expect(page.locator('.lead-head h1')).toContainText(surname);
  await expect(page.getByTestId('timeline').locator('[data-kind="field_changed"]').first()).toContainText(`Фамилия:`);
  await expect(page.getByTestId('timeline').locator('[data-kind="field_changed"]').first()).toContainText(`→ ${surname}`);

  // A choice is shown and logged in words, not as it is stored.
  await page.getByTestId('edit-lead').click();
  const gearbox = page.locator('select[name="gearbox"]');
  await gearbox.selectOption(await gearbox.inputValue() === 'automatic' ? 'manual' : 'automatic');
  const chosen = (await gearbox.locator('option:checked').textContent())!;
  await page.getByTestId('save-lead').click();
  await expect(page.getByTestId('lead-details')).toContainText(`АКПП${chosen}`);
  await expect(page.getByTestId('timeline').locator('[data-kind="field_changed"]').first()).toContainText(`АКПП:`);
  await expect(page.getByTestId('timeline').locator('[data-kind="field_changed"]').first()).toContainText(`→ ${chosen}`);

  await page.getByTestId('edit-lead').click();
  await page.locator('input[name="phone"]').fill('12345');
  await page.getByTestId('save-lead').click();
  await expect(page.locator('label.field.invalid .field-error')).toContainText('номер не похож на российский');
  await page.getByRole('button', { name: 'Отмена' }).click();
  await expect(page.getByTestId('lead-details')).not.toContainText('12345');
  await page.screenshot({ path: info.outputPath('lead-card.png'), fullPage: true });
});

test('notes: add, edit and delete your own; the kind filter shows notes only', async ({ page }, info) => {
  await signIn(page, info, USER);
  const id = await ownLead(page, info, 4);
  await openLead(page, info, id);
  const timeline = page.getByTestId('timeline');
  const text = `Перезвонить в понедельник ${Date.now() % 10000}`;
  await timeline.locator('textarea[name="note"]').fill(text);
  await page.getByTestId('add-note').click();
  const note = timeline.locator('li.entry.note', { hasText: text });
  await expect(note).toBeVisible();

  await note.getByRole('button', { name: 'Изменить' }).click();
  await timeline.locator('textarea[name="edit-note"]').fill(`${text}, в 10:00`);
  await timeline.getByRole('button', { name: 'Сохранить' }).click();
  const edited = timeline.locator('li.entry.note', { hasText: `${text}, в 10:00` });
  await expect(edited).toContainText('изменено');

  await timeline.getByRole('radio', { name: 'Заметки' }).click();
  await expect(timeline.locator('li.entry:not(.note)')).toHaveCount(0);
  await expect(edited).toBeVisible();

  page.once('dialog', d => d.accept());
  await edited.getByRole('button', { name: 'Удалить' }).click();
  await expect(timeline.locator('li.entry.note', { hasText: text })).toHaveCount(0);
});

async function secondSession(browser: Browser, info: TestInfo, id: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await context.newPage();
  reportErrors(other);
  await signIn(other, info, USER);
  await openLead(other, info, id);
  return other;
}

test('a save over someone else\'s newer save is refused and the fresh lead is shown', async ({ page, browser }, info) => {
  await signIn(page, info, USER);
  const id = await ownLead(page, info, 5);
  await openLead(page, info, id);
  const other = await secondSession(browser, info, id);
  const theirs = `Первый${Date.now() % 10000}`;
  await editSurname(other, theirs);
  await expect(other.locator('.lead-head h1')).toContainText(theirs);

  await editSurname(page, 'Второй');
  await expect(page.getByTestId('toast')).toContainText('изменил кто-то другой');
  await expect(page.locator('.lead-head h1')).toContainText(theirs);
  await expect(page.locator('.lead-head h1')).not.toContainText('Второй');
  await other.context().close();
});

test('archive and restore', async ({ page }, info) => {
  await signIn(page, info, USER);
  const id = await ownLead(page, info, 6);
  await openLead(page, info, id);
  await page.getByTestId('archive').click();
  await expect(page.getByTestId('archived-badge')).toBeVisible();
  await expect(page.getByTestId('timeline').locator('[data-kind="archived"]').first()).toBeVisible();
  await page.getByTestId('restore').click();
  await expect(page.getByTestId('archived-badge')).toHaveCount(0);
  await expect(page.getByTestId('archive')).toBeVisible();
});

test('close as lost from the card: the stage asks for its reason', async ({ page }, info) => {
  await signIn(page, info, USER);
  const id = await ownLead(page, info, 7);
  await openLead(page, info, id);
  await page.locator('select[name="move-to"]').selectOption({ label: 'Мертвый лид' });
  await page.getByTestId('move-lead').click();
  await expect(page.getByTestId('toast')).toContainText('Причина');
  await page.locator('select[name="move-reason"]').selectOption({ label: 'Неверный номер' });
  await page.getByTestId('move-lead').click();
  await expect(page.getByTestId('lead-details')).toContainText('Мертвый лид');
  await expect(page.getByTestId('lead-details')).toContainText('Неверный номер');
  await expect(page.getByTestId('timeline').locator('[data-kind="stage_changed"]').first()).toContainText('→ Мертвый лид (Причина: Неверный номер)');
});

test('postpone, mark as a duplicate and transfer from the card', async ({ page }, info) => {
  await signIn(page, info, USER);
  const original = await ownLead(page, info, 9);
  const id = await ownLead(page, info, 8);
  await openLead(page, info, id);
  const timeline = page.getByTestId('timeline');

  await page.locator('input[name="postpone"]').fill('2031-05-17T09:30');
  await page.getByTestId('postpone').click();
  await expect(page.locator('.lead-badges')).toContainText('Отложен до 17.05.2031 09:30');
  await expect(timeline.locator('[data-kind="postponed"]').first()).toContainText('Лид отложен до 17.05.2031 09:30');
  // The fields show the card as it now is, not what was typed before it was read again.
  await expect(page.locator('input[name="postpone"]')).toHaveValue('2031-05-17T09:30');
  await page.getByRole('button', { name: 'Снять отсрочку' }).click();
  await expect(page.locator('.lead-badges')).not.toContainText('Отложен');
  await expect(timeline.locator('[data-kind="postponed"]').first()).toContainText('Отсрочка снята');
  await expect(page.locator('input[name="postpone"]')).toHaveValue('');

  // The person's other leads are offered; a number that is no lead is named, nothing changes.
  const others = await page.getByTestId('person-leads').locator('li').count();
  await expect(page.locator(`datalist#duplicate-candidates-${id} option`)).toHaveCount(others);
  await page.locator('input[name="duplicate-of"]').fill('#abc');
  await page.getByTestId('mark-duplicate').click();
  await expect(page.getByTestId('toast')).toContainText('Дубль лида №');
  await expect(timeline.locator('[data-kind="marked_duplicate"]')).toHaveCount(0);
  await page.locator('input[name="duplicate-of"]').fill(`#${original}`);
  await page.getByTestId('mark-duplicate').click();
  await expect(timeline.locator('[data-kind="marked_duplicate"]').first().locator(`a[href="/leads/${original}"]`)).toHaveText(`#${original}`);
  await expect(page.getByTestId('lead-details')).toContainText('Дубль');
  await expect(page.locator('input[name="duplicate-of"]')).toHaveValue('');

  // Handed to a colleague, the lead is theirs. Where sales staff see every lead (the desktop
  // project's school) it stays open, read-only; where they see their own (the phone's), the page
  // says where it went instead of the card, and the board no longer has it.
  const colleague = (await page.locator('select[name="transfer"] option').nth(1).textContent())!;
  await page.locator('select[name="transfer"]').selectOption({ index: 1 });
  await page.getByTestId('transfer').click();
  if (info.project.name === 'phone') {
    await expect(page.getByTestId('handed-over')).toContainText(`Лид передан: ${colleague}`);
    await expect(page.getByTestId('lead-card')).toHaveCount(0);
    await page.getByRole('link', { name: '← К воронке' }).click();
    await expect(page.getByTestId('board')).toBeVisible();
    await expect(page.locator(`article.card[data-lead-id="${id}"]`)).toHaveCount(0);
    return;
  }
  await expect(timeline.locator('[data-kind="transferred"]').first()).toContainText(`${USER_NAME} → ${colleague}`);
  await expect(page.getByTestId('lead-details')).toContainText(colleague);
  await expect(page.getByTestId('transfer')).toHaveCount(0);
  await expect(page.getByTestId('edit-lead')).toHaveCount(0);
});

test('quick add with a known phone shows that person\'s leads; the same category is created as a duplicate', async ({ page }, info) => {
  await signIn(page, info, USER);
  const column = page.locator('section.column').first();
  const known = column.locator('article.card').filter({ has: page.locator('a.card-phone') }).filter({ has: page.locator('.card-meta') }).first();
  const originalId = (await known.getAttribute('data-lead-id'))!;
  const phone = (await known.locator('a.card-phone').getAttribute('href'))!.replace('tel:', '');
  const category = (await known.locator('.card-meta').first().textContent())!.split(' · ')[0];
  await column.locator('button.add-button').click();
  const form = page.getByTestId('quick-add');
  await form.locator('input[name="first_name"]').fill('Повторный');
  await form.locator('input[name="phone"]').fill(phone);
  await form.locator('select[name="category_id"]').selectOption({ label: category });
  await form.getByRole('button', { name: 'Добавить' }).click();
  const matches = page.getByTestId('phone-matches');
  await expect(matches.locator(`a[href="/leads/${originalId}"]`)).toBeVisible();
  await expect(page.getByTestId('create-anyway')).toHaveText('Создать всё равно (как дубль)');
  await page.getByTestId('create-anyway').click();
  await expect(page.getByTestId('created-duplicate')).toBeVisible();
  await openLead(page, info, originalId);
  await expect(page.getByTestId('timeline').locator('[data-kind="duplicate_found"]')).toBeVisible();
});

test("another person's lead by direct URL: read-only where sales see all, not found where they see their own", async ({ page, browser }, info) => {
  // The owner finds a lead of another sales user.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const owner = await context.newPage();
  reportErrors(owner);
  await signIn(owner, info, 'admin');
  await owner.goto(`${demoURL(info)}/leads`);
  await hydrated(owner);
  await owner.getByTestId('filter-toggle').click();
  const option = owner.getByTestId('filter-panel').locator('select[name="responsible"] option', { hasText: 'Анна Петрова' });
  await owner.goto(`${demoURL(info)}/leads?responsible=${await option.getAttribute('value')}`);
  await hydrated(owner);
  const theirs = (await owner.locator('tr.lead-row').first().getAttribute('data-lead-id'))!;
  await context.close();

  await signIn(page, info, USER);
  await page.goto(`${demoURL(info)}/leads/${theirs}`);
  await hydrated(page);
  if (info.project.name === 'phone') {
    await expect(page.getByRole('alert')).toHaveText('Не найдено.');
    await expect(page.getByTestId('lead-card')).toHaveCount(0);
  } else {
    await expect(page.getByTestId('lead-card')).toBeVisible();
    await expect(page.getByTestId('edit-lead')).toHaveCount(0);
    await expect(page.getByTestId('timeline').locator('textarea[name="note"]')).toHaveCount(0);
  }
  await page.screenshot({ path: info.outputPath('other-lead.png'), fullPage: true });
});

test('a new lead from the full form: a missing name is named, then the lead opens', async ({ page }, info) => {
  await signIn(page, info, USER);
  await page.goto(`${demoURL(info)}/leads`);
  await hydrated(page);
  await page.getByTestId('new-lead').click();
  await expect(page).toHaveURL(/\/leads\/new$/);
  await hydrated(page);
  await page.getByTestId('save-lead').click();
  await expect(page.locator('label.field.invalid input[name="first_name"]')).toBeVisible();
  const surname = `Новикова${Date.now() % 100000}`;
  const digits = String(Date.now() % 10000000).padStart(7, '0');
  await page.locator('input[name="first_name"]').fill('Алёна');
  await page.locator('input[name="surname"]').fill(surname);
  await page.locator('input[name="phone"]').fill(`8 (999) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5, 7)}`);
  await page.locator('input[name="email"]').fill('alena@example.com');
  await page.getByTestId('save-lead').click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.locator('.lead-head h1')).toContainText(surname);
  await expect(page.getByTestId('lead-details')).toContainText(`+7 (999) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5, 7)}`);
});

test('on a wide screen a card opens in a drawer beside the board; on a phone as a page', async ({ page }, info) => {
  await signIn(page, info, USER);
  const card = page.locator('section.column article.card').first();
  const id = (await card.getAttribute('data-lead-id'))!;
  await card.locator('.card-name a').click();
  if (info.project.name === 'phone') {
    await expect(page).toHaveURL(new RegExp(`/leads/${id}$`));
    await expect(page.getByTestId('lead-card')).toBeVisible();
    return;
  }
  const drawer = page.getByTestId('lead-drawer');
  await expect(drawer.getByTestId('lead-card')).toHaveAttribute('data-lead-id', id);
  await expect(page).toHaveURL(`${demoURL(info)}/`);
  await expect(page.getByTestId('board')).toBeVisible();
  await page.screenshot({ path: info.outputPath('drawer.png') });
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
});
