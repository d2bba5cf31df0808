// In Chromium: the time from dropping a card to the card drawn in its new column, on a board
// showing at least 500 cards, beside the floor — the same page appending a card to a column and
// painting, with no application code in between. Run by scripts/bench.sh:
//   node bench/drop.mjs http://127.0.0.1:PORT LOGIN PASSWORD
import { chromium } from '../end2end/node_modules/playwright-core/index.mjs';

const [base, login, password] = process.argv.slice(2);
const DROPS = 30;
const TARGET_MS = 100;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
page.on('pageerror', e => console.log(`page error: ${e.message}`));
await page.goto(`${base}/login`);
await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
await page.locator('input[name="login"]').fill(login);
await page.locator('input[name="password"]').fill(password);
await page.getByRole('button', { name: /Войти|Sign in/ }).click();
await page.locator('[data-testid="board"]').waitFor();
await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });

// Every column's "show more" until the board shows 500 cards.
const cards = page.locator('section.column article.card');
for (let round = 0; round < 20 && (await cards.count()) < 500; round++) {
  const more = page.locator('button.show-more:not([disabled])');
  if ((await more.count()) === 0) break;
  await more.first().click();
  await page.waitForTimeout(300);
}
const shown = await cards.count();

function percentile(samples, q) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
}

const timings = [];
for (let i = 0; i < DROPS; i++) {
  // Alternate directions so the columns keep their cards.
  const [from, to] = i % 2 === 0 ? [0, 1] : [1, 0];
  const card = page.locator('section.column').nth(from).locator('article.card').first();
  const id = await card.getAttribute('data-lead-id');
  const box = await card.boundingBox();
  const target = await page.locator('section.column').nth(to).boundingBox();
  await page.evaluate(({ id, to }) => {
    window.__drop = { start: 0, drawn: 0 };
    window.addEventListener('pointerup', () => { window.__drop.start = performance.now(); }, { capture: true, once: true });
    const column = document.querySelectorAll('section.column')[to];
    const seen = () => column.querySelector(`article.card[data-lead-id="${id}"]`);
    const observer = new MutationObserver(() => {
      if (window.__drop.start && seen()) {
        // Drawn: the frame after the DOM holds the card.
        requestAnimationFrame(() => { window.__drop.drawn = performance.now(); });
        observer.disconnect();
      }
    });
    observer.observe(column, { childList: true, subtree: true });
  }, { id, to });
  await page.mouse.move(box.x + box.width / 2, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 20, box.y + 30, { steps: 3 });
  await page.mouse.move(target.x + target.width / 2, target.y + 120, { steps: 10 });
  await page.mouse.up();
  await page.waitForFunction(() => window.__drop.drawn > 0, null, { timeout: 5000 });
  timings.push(await page.evaluate(() => window.__drop.drawn - window.__drop.start));
  // Let the server's answer and the live update settle before the next drop.
  await page.waitForTimeout(400);
}

// The floor: appending a copy of a card to a column and the frame that paints it.
const floor = await page.evaluate(async runs => {
  const out = [];
  const column = document.querySelectorAll('section.column')[1];
  const list = column.querySelector('article.card').parentElement;
  for (let i = 0; i < runs; i++) {
    const copy = column.querySelector('article.card').cloneNode(true);
    const start = performance.now();
    list.prepend(copy);
    await new Promise(r => requestAnimationFrame(() => r()));
    out.push(performance.now() - start);
    copy.remove();
    await new Promise(r => setTimeout(r, 50));
  }
  return out;
}, DROPS);

const p = (s, q) => percentile(s, q).toFixed(1);
const ok = percentile(timings, 0.95) <= TARGET_MS;
console.log(
  `Chromium | drop to card drawn in its new column, ${shown} cards on the board | p50 ${p(timings, 0.5)} / p95 ${p(timings, 0.95)} / p99 ${p(timings, 0.99)} ms` +
    ` | floor (append + paint) p50 ${p(floor, 0.5)} / p95 ${p(floor, 0.95)} ms | ratio ${(percentile(timings, 0.95) / Math.max(0.1, percentile(floor, 0.95))).toFixed(1)}×` +
    ` | target p95 ≤ ${TARGET_MS} ms: ${ok ? 'OK' : 'MISSED'}`,
);
await browser.close();
process.exit(ok ? 0 : 1);
