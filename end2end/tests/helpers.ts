import { expect, Page, TestInfo } from '@playwright/test';
import { demoPassword, ports } from '../playwright.config';

/** The demo school of the running project. */
export function demoURL(info: TestInfo): string {
  return `http://127.0.0.1:${info.project.name === 'phone' ? ports.demoPhone : ports.demoDesktop}`;
}

/** The school whose settings the settings spec changes. */
export function settingsURL(info: TestInfo): string {
  return `http://127.0.0.1:${info.project.name === 'phone' ? ports.settingsPhone : ports.settingsDesktop}`;
}

/** Each project signs in as its own demo user, so projects never share a session or language. */
export function demoUser(info: TestInfo, purpose: 'board' | 'language'): string {
  const phone = info.project.name === 'phone';
  if (purpose === 'board') return phone ? 'sales' : 'admin';
  return phone ? 'deputy' : 'director';
}

/** Waits until the WASM bundle has hydrated the page, so clicks reach the app's handlers. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

export async function signIn(page: Page, info: TestInfo, login: string, password = demoPassword, base = demoURL(info)) {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: /Войти|Sign in/ }).click();
  try {
    await expect(page.getByTestId('board')).toBeVisible();
  } catch (e) {
    // Say where the sign-in ended up: a rare failure here must leave more than a timeout behind.
    const body = await page.locator('body').innerText().catch(() => '(no body)');
    console.log(`sign-in as ${login} did not reach the board: at ${page.url()}, the page says: ${body.slice(0, 600)}`);
    throw e;
  }
  await hydrated(page);
}


/** The n-th column of the board (0-based, in stage order). */
export function column(page: Page, n: number) {
  return page.locator('section.column').nth(n);
}

/** The stage ids of the columns, in order. */
export async function stageIds(page: Page): Promise<string[]> {
  return page.locator('section.column').evaluateAll(cols => cols.map(c => c.getAttribute('data-stage-id')!));
}

/** The stage of the column a card is in now. */
export async function stageOf(page: Page, leadId: string): Promise<string | null> {
  const card = page.locator(`section.column article.card[data-lead-id="${leadId}"]`);
  if ((await card.count()) !== 1) return null;
  return card.evaluate(el => el.closest('section.column')?.getAttribute('data-stage-id') ?? null).catch(() => null);
}

/** Prints page errors and console errors (a Rust panic's message comes through the console). */
export function reportErrors(page: Page) {
  page.on('pageerror', e => console.log(`page error at ${page.url()}: ${e.message}`));
  page.on('console', m => {
    const text = m.text();
    if (m.type() === 'error' && !text.includes('status of 4') && !text.includes('ERR_FAILED')) console.log(`console at ${page.url()}: ${text.slice(0, 400)}`);
  });
}
