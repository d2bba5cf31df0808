import { expect, Page, TestInfo } from '@playwright/test';
import { demoPassword, ports } from '../playwright.config';

export const demoURL = `http://127.0.0.1:${ports.demo}`;

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

export async function signIn(page: Page, login: string, password = demoPassword) {
  await page.goto(`${demoURL}/login`);
  await hydrated(page);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: /Войти|Sign in/ }).click();
  await expect(page.getByTestId('board')).toBeVisible();
  await hydrated(page);
}

/** Waits until the WASM bundle has hydrated the page, so clicks reach Rust handlers. */
