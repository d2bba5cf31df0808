import { Browser, expect, Page, test } from '@playwright/test';
import { column, demoURL, hydrated, moveTo, reportErrors, signIn, stageIds, stageOf } from './helpers';

// Cards move on this project's own demo school; tests in this file run one after another.
test.describe.configure({ mode: 'serial' });

// A failed hydration shows up in the output, not only as a missing element later.
test.beforeEach(async ({ page }) => reportErrors(page));

async function firstCard(page: Page, n: number) {
  const card = column(page, n).locator('article.card').first();
  return { card, id: (await card.getAttribute('data-lead-id'))! };
}

test('"Move to…" draws its stages when it is pressed, not with every card', async ({ page }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  // The server sends each card's menu with its label only.
  const labelsOnly = await page.locator('article.card select.move-to').evaluateAll(menus => menus.every(m => m.querySelectorAll('option').length === 1));
  expect(labelsOnly).toBe(true);
  const { card } = await firstCard(page, 0);
  const menu = card.locator('select.move-to');
  if (info.project.name === 'phone') await menu.tap();
  else await menu.click();
  await expect(menu.locator(`option[value="${stages[1]}"]`)).toHaveCount(1);
  await page.keyboard.press('Escape');
  // Only the pressed card's menu was drawn.
  await expect(column(page, 0).locator('article.card').nth(1).locator('select.move-to option')).toHaveCount(1);
});

test('mouse: drag a card to the next column', async ({ page }, info) => {
  test.skip(info.project.name === 'phone', 'a mouse drag is a desktop gesture');
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { card, id } = await firstCard(page, 0);
  const version = Number(await card.getAttribute('data-version'));
  const from = (await card.boundingBox())!;
  const to = (await column(page, 1).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 20);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + 30, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 10 });
  await expect(column(page, 1)).toHaveClass(/drop-target/);
  await page.mouse.up();
  const moved = page.locator(`article.card[data-lead-id="${id}"]`);
  await expect(moved).toHaveAttribute('data-version', String(version + 1));
  expect(await stageOf(page, id)).toBe(stages[1]);
  // The move stays after a reload: it was written, not just drawn.
  await page.reload();
  await hydrated(page);
  expect(await stageOf(page, id)).toBe(stages[1]);
});

test('keyboard: Space picks a card up, arrows choose the column, Enter drops, Escape cancels', async ({ page }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { card, id } = await firstCard(page, 0);
  await card.focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('announcer')).toContainText(/Выбран лид|Picked up/);
  await page.keyboard.press('ArrowRight');
  await expect(column(page, 1)).toHaveClass(/drop-target/);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('announcer')).toContainText(/отменено|cancelled/);
  expect(await stageOf(page, id)).toBe(stages[0]);

  // By id: a live update from another test may have redrawn the board meanwhile.
  await page.locator(`article.card[data-lead-id="${id}"]`).focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('announcer')).toContainText(/Выбран лид|Picked up/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('announcer')).toContainText(/перемещён|moved/);
  await expect.poll(() => stageOf(page, id)).toBe(stages[2]);
  // The moved card keeps the focus, so the next key press goes on from there.
  await expect(page.locator(`article.card[data-lead-id="${id}"]`)).toHaveAttribute('data-version', /[2-9]|\d\d/);
  await expect(page.locator(`article.card[data-lead-id="${id}"]`)).toBeFocused();
});

test('"Move to…" into a stage with reasons asks for one; Cancel keeps the card, a reason moves it', async ({ page }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { card, id } = await firstCard(page, 0);
  const lost = column(page, 0).page().locator('section.column[aria-label="Ушёл из офиса"]');
  const lostStage = (await lost.getAttribute('data-stage-id'))!;
  await moveTo(card, lostStage);
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Переместить' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await expect(dialog).toBeHidden();
  expect(await stageOf(page, id)).toBe(stages[0]);

  const version = Number(await card.getAttribute('data-version'));
  await moveTo(page.locator(`article.card[data-lead-id="${id}"]`), lostStage);
  await dialog.getByLabel('Дорого').check();
  await dialog.getByRole('button', { name: 'Переместить' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => stageOf(page, id)).toBe(lostStage);
  // The server confirmed: the card carries the lead's new version.
  await expect(page.locator(`article.card[data-lead-id="${id}"]`)).toHaveAttribute('data-version', String(version + 1));
  await page.reload();
  await hydrated(page);
  expect(await stageOf(page, id)).toBe(lostStage);
});

async function secondUser(browser: Browser, info: any): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  reportErrors(page);
  await signIn(page, info, 'director');
  return page;
}

test('a stale card is put back with a message when someone else moved it first', async ({ page, browser }, info) => {
  // This page does not hear live updates, so its copy of the card goes stale.
  await page.route('**/events', route => route.abort());
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { card, id } = await firstCard(page, 0);

  const other = await secondUser(browser, info);
  await moveTo(other.locator(`article.card[data-lead-id="${id}"]`), stages[1]);
  await expect.poll(() => stageOf(other, id)).toBe(stages[1]);

  await moveTo(card, stages[2]);
  await expect(page.getByTestId('toast')).toContainText(/изменил кто-то другой|Someone else changed/);
  // The board reloads and shows the lead where the other person put it.
  await expect.poll(() => stageOf(page, id)).toBe(stages[1]);
  await other.context().close();
});

test("another person's move appears live, without a reload", async ({ page, browser }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { id } = await firstCard(page, 0);
  const other = await secondUser(browser, info);
  await moveTo(other.locator(`article.card[data-lead-id="${id}"]`), stages[3]);
  await expect.poll(() => stageOf(page, id), { timeout: 5000 }).toBe(stages[3]);
  await other.context().close();
});

test('a board read before a move does not put the moved card back when it arrives after it', async ({ page, browser }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  // The next board the page reads is answered by the server at once and handed to the page only
  // when the test says: a slow network, with a move made and confirmed meanwhile.
  let release = () => {};
  let reads = 0;
  page.on('response', r => { if (r.url().includes('/api/load_board')) reads++; });
  const read = new Promise<void>(heard => {
    page.route('**/api/load_board*', async route => {
      const response = await route.fetch();
      heard();
      await new Promise<void>(go => (release = go));
      await route.fulfill({ response });
    }, { times: 1 });
  });
  // Someone else's change makes the page read the board.
  const { id: theirs } = await firstCard(page, 1);
  const other = await secondUser(browser, info);
  await moveTo(other.locator(`article.card[data-lead-id="${theirs}"]`), stages[2]);
  await read;

  const { card, id } = await firstCard(page, 0);
  const version = Number(await card.getAttribute('data-version'));
  await moveTo(card, stages[1]);
  await expect(page.locator(`article.card[data-lead-id="${id}"]`)).toHaveAttribute('data-version', String(version + 1));
  release();
  // The board from before the move is put aside and read again.
  await expect.poll(() => reads, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  await expect.poll(() => stageOf(page, theirs)).toBe(stages[2]);
  expect(await stageOf(page, id)).toBe(stages[1]);
  await other.context().close();
});

test('a change heard while the drawer is open waits, and closing the drawer leaves the board working', async ({ page, browser }, info) => {
  test.skip(info.project.name === 'phone', 'the drawer is for wide screens');
  // A panic in the browser stops the app until a reload; this path used to cause one.
  const panics: string[] = [];
  page.on('pageerror', e => panics.push(e.message));
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const { card } = await firstCard(page, 0);
  const { id } = await firstCard(page, 1);
  await card.locator('.card-name a').click();
  const drawer = page.getByTestId('lead-drawer');
  await expect(drawer.getByTestId('lead-card')).toBeVisible();

  const other = await secondUser(browser, info);
  await moveTo(other.locator(`article.card[data-lead-id="${id}"]`), stages[2]);
  await expect.poll(() => stageOf(other, id)).toBe(stages[2]);
  // The news arrives while the drawer is open: the board waits for the user to finish.
  await page.waitForTimeout(1000);
  expect(await stageOf(page, id)).toBe(stages[1]);

  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect.poll(() => stageOf(page, id)).toBe(stages[2]);
  // The waiting board's retry timer fires after the board was replaced.
  await page.waitForTimeout(1000);
  expect(panics).toEqual([]);
  await other.context().close();
});

test('"show more" loads the next cards of a column, and they stay when someone else\'s change reloads the board', async ({ page, browser }, info) => {
  await signIn(page, info, 'admin');
  const stages = await stageIds(page);
  const col = column(page, 0);
  const count = Number(await col.getByTestId('count').textContent());
  expect(count).toBeGreaterThan(50);
  await expect(col.locator('article.card')).toHaveCount(50);
  await col.getByRole('button', { name: 'Показать ещё' }).click();
  await expect(col.locator('article.card')).toHaveCount(Math.min(100, count));
  const ids = () => col.locator('article.card').evaluateAll(cards => cards.map(c => c.getAttribute('data-lead-id')));
  const shown = await ids();
  expect(new Set(shown).size).toBe(shown.length);

  // Someone else moves a card in another column: the page reads the board again, and the column
  // scrolled deep keeps its second page.
  const { id: theirs } = await firstCard(page, 1);
  const other = await secondUser(browser, info);
  await moveTo(other.locator(`article.card[data-lead-id="${theirs}"]`), stages[2]);
  await expect.poll(() => stageOf(page, theirs)).toBe(stages[2]);
  // Other tests of this project change the same school meanwhile (a lead added on top, say), so
  // not the very same cards: the second page's, nearly all (folded back, fifty would remain).
  const after = await ids();
  expect(after.length).toBeGreaterThan(50);
  expect(after.filter(id => shown.includes(id)).length).toBeGreaterThanOrEqual(shown.length - 5);
  await other.context().close();
});

test('quick add: "+" creates a lead on top of the column, bad phones are refused', async ({ page }, info) => {
  await signIn(page, info, 'admin');
  const col = column(page, 1);
  const before = Number(await col.getByTestId('count').textContent());
  await col.locator('button.add-button').click();
  const form = col.getByTestId('quick-add');
  await form.locator('input[name="first_name"]').fill('Быстрый Тест');
  await form.locator('input[name="phone"]').fill('12-34');
  await form.getByRole('button', { name: 'Добавить' }).click();
  await expect(form.getByRole('alert')).toContainText('Телефон');
  // A number of its own on every run: the same one again would (rightly) get the duplicate warning.
  const last4 = String(Date.now() % 10000).padStart(4, '0');
  const tail = `000-${last4.slice(0, 2)}-${last4.slice(2)}`;
  await form.locator('input[name="phone"]').fill(`8 (917) ${tail}`);
  await form.locator('select[name="category_id"]').selectOption({ label: 'B' });
  await form.getByRole('button', { name: 'Добавить' }).click();
  await expect(form).toBeHidden();
  const top = col.locator('article.card').first();
  await expect(top.locator('.card-name')).toHaveText('Быстрый Тест');
  await expect(top.locator('.card-phone')).toHaveText(`+7 (917) ${tail}`);
  await expect(col.getByTestId('count')).toHaveText(String(before + 1));
});

test('touch: a long press picks a card up and drops it in another column; a swipe still scrolls', async ({ page }, info) => {
  test.skip(info.project.name !== 'phone', 'touch emulation runs at 360 x 740');
  await signIn(page, info, 'admin');
  const board = page.getByTestId('board');
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: string, x: number, y: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });

  // A quick horizontal swipe scrolls the board and moves nothing.
  const { id: untouched } = await firstCard(page, 0);
  const stages = await stageIds(page);
  await touch('touchStart', 300, 400);
  for (let i = 1; i <= 8; i++) await touch('touchMove', 300 - i * 25, 400);
  await touch('touchEnd', 100, 400);
  await expect.poll(() => board.evaluate(b => b.scrollLeft)).toBeGreaterThan(50);
  expect(await stageOf(page, untouched)).toBe(stages[0]);
  // Let the fling settle, then take the card under the finger's rest position.
  let last = -1;
  await expect.poll(async () => {
    const now = await board.evaluate(b => b.scrollLeft);
    const settled = now === last;
    last = now;
    return settled;
  }, { intervals: [300] }).toBe(true);
  // The first card whose name is fully on screen, below the top bar and the tools.
  const picked = await page.evaluate(() => {
    for (const card of Array.from(document.querySelectorAll('section.column article.card'))) {
      const r = card.querySelector('.card-name')!.getBoundingClientRect();
      if (r.left >= 0 && r.right <= 360 && r.top > 150 && r.bottom < 650) {
        return [card.getAttribute('data-lead-id')!, card.closest('section.column')!.getAttribute('data-stage-id')!, r.left + r.width / 2, r.top + r.height / 2] as const;
      }
    }
    return null;
  });
  expect(picked).not.toBeNull();
  const [id, from, x, y] = picked!;
  const card = page.locator(`article.card[data-lead-id="${id}"]`);

  // A long press lifts the card; dragging it to the right edge drops it in a later column.
  await touch('touchStart', x, y);
  await page.waitForTimeout(500);
  await expect(card).toHaveClass(/dragging/);
  for (let i = 1; i <= 10; i++) await touch('touchMove', x + ((350 - x) * i) / 10, y + 10);
  await touch('touchEnd', 350, y + 10);
  // The card ends in exactly one other column. Session 20 saw one run where it was in no column
  // (or in two) at the two reads right after the drop, while the other worker was changing the
  // same demo school: wait for where it settles, which is what a person sees.
  await expect.poll(async () => {
    const now = await stageOf(page, id);
    return now !== null && now !== from;
  }).toBe(true);
  await page.screenshot({ path: info.outputPath('after-touch-drag.png') });
});
