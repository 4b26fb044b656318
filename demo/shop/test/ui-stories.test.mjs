// The three stories of Bob's shop, walked the way Bob walks them: a customer's visit recorded in
// one Chromium page (the real shop, browser agent and back-end agents), then Retrospect's UI in
// another, counting every action from the search box to the cause.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually, startStack } from './stack.mjs';

/** DESIGN.md's promise: the cause is at most this many actions away from the search box. */
const MAX_STEPS = 4;
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const README_IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
/** `UPDATE_README_IMAGES=1 npm test` refreshes the README's pictures from this real recording. */
const updateReadmeImage = (screenshot, name) => process.env.UPDATE_README_IMAGES && copyFileSync(screenshot, README_IMAGES + name);
const SHOP_WEB = 'shop-web';

let stack;
before(async () => {
  stack = await startStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
after(async () => {
  await stack?.stop();
});

/**
 * Waits until the trace of the customer's checkout holds a span `last` matches, so that the walk
 * sees the whole waterfall rather than racing the services' exporters.
 */
function checkoutReached(customer, last) {
  return eventually(`${customer}'s checkout trace`, async () => {
    const { spans } = await stack.query(`/api/spans?q=${customer}&service=api`);
    const trace = spans[0] && (await stack.query(`/api/traces/${spans[0].traceId}`));
    return trace?.spans.some(last);
  });
}

/**
 * Bob in Retrospect's UI. Every action that moves him on goes through `search` or `click`, which
 * count it; `look` saves a screenshot of the page he is on.
 */
async function openUi(story) {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack.retrospect.url}/spans`);
  await page.getByRole('searchbox', { name: 'Search spans' }).waitFor();
  let shots = 0;
  return {
    page,
    steps: 0,
    /** Types into a field and presses Enter: one step. */
    async search(field, text) {
      this.steps++;
      await field.fill(text);
      await field.press('Enter');
    },
    /** One click: one step. */
    async click(target) {
      this.steps++;
      await target.click();
    },
    /** Picks an option of a drop-down: one step. */
    async choose(select, value) {
      this.steps++;
      await select.selectOption(value);
    },
    async look(name) {
      const file = `${SCREENSHOTS}${story}-${++shots}-${name}.png`;
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: () => context.close(),
  };
}

/** The spans page's result rows, once the search has answered with at least one. */
async function resultRows(page) {
  const rows = page.locator('table.spans-table tbody tr');
  await rows.first().waitFor();
  return rows;
}

/** The services the span card's waterfall shows, the browser's own spans left out. */
async function backEndServicesShown(page) {
  const legend = await page.locator('.wf-legend li:not(.wf-summary)').allInnerTexts();
  return legend.map((s) => s.trim()).filter((s) => s !== SHOP_WEB).sort();
}

/** The waterfall row of a span, by service and name. */
const waterfallRow = (page, service, name) =>
  page.locator(`.waterfall button.wf-row[data-service="${service}"]`).filter({ has: page.locator('.wf-name', { hasText: name }) });

describe("Bob's three stories, walked through Retrospect's UI", () => {
  test('story 1: from "ivan@gmail.com" to the click on out-of-stock cherries in 4 steps', async () => {
    const visit = await stack.buyAs({ email: 'ivan@gmail.com', name: 'Ivan Petrov', skus: ['apples', 'cherries'] });
    assert.match(visit.message, /Checkout failed: not available: Cherries/);
    await checkoutReached('ivan', (s) => s.service === 'inventory' && s.name === 'GET /not-available');

    const bob = await openUi('ivan');
    try {
      const { page } = bob;
      await bob.search(page.getByRole('searchbox', { name: 'Search spans' }), 'ivan@gmail.com');
      const rows = await resultRows(page);
      await bob.look('search');

      // The newest match is on top; whichever span of the checkout it is, its card shows the trace.
      await bob.click(rows.first().locator('td.name a'));
      await page.locator('.waterfall').waitFor();
      await waterfallRow(page, 'inventory', 'GET /not-available').waitFor();
      assert.deepEqual(await backEndServicesShown(page), ['api', 'authenticate', 'inventory'],
        'three services: payment and shipping were never called');
      assert.match(await waterfallRow(page, 'inventory', 'GET /not-available').innerText(), /· 200/,
        'inventory sent the api to "not available" with a 200');
      assert.match(await waterfallRow(page, 'api', 'POST /api/checkout').first().innerText(), /· 400/);
      updateReadmeImage(await bob.look('span-card'), 'span-card.png');

      await bob.click(page.getByRole('link', { name: /Open chapter/ }));
      const lines = page.locator('.event-lines li');
      await lines.first().waitFor();
      const said = await lines.allInnerTexts();
      assert.ok(said.some((l) => l.includes("clicked 'Add Cherries to cart'")), `the chapter says: ${said.join(' | ')}`);
      await page.locator('.replay .rr-player iframe').waitFor();
      await bob.look('chapter');

      await bob.click(page.getByRole('link', { name: /Open session of ivan@gmail.com at this chapter/ }));
      assert.ok(bob.steps <= MAX_STEPS, `${bob.steps} steps`);
      // The player starts at the chapter and plays: the replayed cart fills with the cherries.
      const replayed = page.frameLocator('.replay .rr-player iframe');
      await replayed.locator('#cart li', { hasText: 'Cherries' }).waitFor({ timeout: 15_000 });
      assert.equal(await replayed.locator('#add-cherries').getAttribute('aria-label'), 'Add Cherries to cart');
      updateReadmeImage(await bob.look('session'), 'session.png');
      console.log(`story 1: ${bob.steps} steps`);
    } finally {
      await bob.close();
    }
  });

  test("story 2: shipping's 503, found by status and time in 3 steps", async () => {
    const visit = await stack.withFaults({ shippingDown: true }, () => stack.buyAs({ email: 'sam@gmail.com', name: 'Sam Roe', skus: ['bananas'] }));
    assert.match(visit.message, /Checkout failed: shipping is unavailable/);
    await eventually("shipping's 503 stored", async () => (await stack.query('/api/spans?status=503&service=shipping')).spans.length > 0);

    const bob = await openUi('shipping');
    try {
      const { page } = bob;
      await bob.choose(page.getByRole('combobox', { name: 'Time' }), 'now-15m');
      await page.waitForURL(/from=now-15m/);
      await bob.search(page.locator('input[name=status]'), '5xx');
      await page.waitForURL(/status=5xx/);
      const rows = await resultRows(page);
      await bob.look('search');
      const services = await rows.locator('td:nth-child(2)').allInnerTexts();
      assert.ok(services.some((s) => s.trim() === 'shipping'), `5xx spans of the last 15 minutes: ${services}`);
      for (const status of await rows.locator('td:nth-child(4)').allInnerTexts()) assert.match(status, /^5\d\d$/);

      await bob.click(rows.first().locator('td.name a'));
      await page.locator('.waterfall .wf-row[data-service="shipping"]').first().waitFor();
      assert.ok(bob.steps <= MAX_STEPS, `${bob.steps} steps`);
      const shippingRows = await page.locator('.waterfall .wf-row[data-service="shipping"]').allInnerTexts();
      assert.ok(shippingRows.some((r) => /· 503/.test(r)), `shipping's rows: ${shippingRows.join(' | ')}`);
      assert.ok(await page.locator('.waterfall .wf-row.failed[data-service="shipping"]').count() > 0, "shipping's 503 is marked failed");
      await bob.look('span-card');
      console.log(`story 2: ${bob.steps} steps`);
    } finally {
      await bob.close();
    }
  });

  test('story 3: the 5-second payment of "dale" in 2 steps', async () => {
    const visit = await stack.withFaults({ slowPayment: true }, () => stack.buyAs({ email: 'dale@gmail.com', name: 'Dale Cooper', skus: ['apples'] }));
    assert.match(visit.message, /Thank you/);
    await checkoutReached('dale', (s) => s.service === 'payment');

    const bob = await openUi('payment');
    try {
      const { page } = bob;
      await bob.search(page.getByRole('searchbox', { name: 'Search spans' }), 'dale');
      const rows = await resultRows(page);
      await bob.look('search');

      await bob.click(rows.first().locator('td.name a'));
      const payment = page.locator('.waterfall .wf-row[data-service="payment"]');
      await payment.first().waitFor();
      assert.ok(bob.steps <= MAX_STEPS, `${bob.steps} steps`);
      // One long payment bar: the longest of payment's rows spans most of the trace's time axis.
      const widths = await payment.locator('.wf-bar').evaluateAll((bars) =>
        bars.map((bar) => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width));
      assert.ok(Math.max(...widths) > 0.8, `payment bars' share of the axis: ${widths}`);
      const texts = await payment.allInnerTexts();
      assert.ok(texts.some((t) => /\b5(\.\d+)? s\b/.test(t)), `payment rows: ${texts.join(' | ')}`);
      await bob.look('span-card');
      console.log(`story 3: ${bob.steps} steps`);
    } finally {
      await bob.close();
    }
  });
});
