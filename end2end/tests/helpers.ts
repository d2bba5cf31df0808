import { ConsoleMessage, expect, Locator, Page, Response, TestInfo } from '@playwright/test';
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
  // What the browser reported while signing in, for the message if the board never shows.
  const heard: string[] = [];
  const onError = (e: Error) => heard.push(`page error: ${e.message}`);
  const onConsole = (m: ConsoleMessage) => { if (m.type() === 'error') heard.push(`console: ${m.text()}`); };
  const onResponse = (r: Response) => { if (r.status() >= 400) heard.push(`${r.status()} ${r.request().method()} ${r.url()}`); };
  page.on('pageerror', onError);
  page.on('console', onConsole);
  page.on('response', onResponse);
  try {
    await page.goto(`${base}/login`);
    await hydrated(page);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: /Войти|Sign in/ }).click();
    try {
      await expect(page.getByTestId('board')).toBeVisible();
    } catch {
      // A rare failure here must say where the sign-in ended up, in the last lines of the run's
      // output (CI keeps only those): one line, without a code frame that would push it out.
      const body = await page.locator('body').innerText().catch(() => '(no body)');
      const said = body.replace(/\s+/g, ' ').slice(0, 300);
      const failure = new Error(
        `sign-in as ${login} did not reach the board in 10 s: at ${page.url()}; the page says: "${said}"; heard: [${heard.join('; ').slice(0, 600)}]`,
      );
      failure.stack = failure.message;
      throw failure;
    }
    await hydrated(page);
  } finally {
    page.off('pageerror', onError);
    page.off('console', onConsole);
    page.off('response', onResponse);
  }
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

/** "Move to…" on a board card, as a person uses it: the menu draws its stages once it is pressed or
 * focused, so it is focused first. */
export async function moveTo(card: Locator, stageId: string) {
  const menu = card.locator('select.move-to');
  await menu.focus();
  await menu.selectOption(stageId);
}
