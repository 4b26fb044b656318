// Drives the built UI, served by the real server jar, in Debian's Chromium: Bob's first story from
// the search box to the replay, replay safety against a hostile recording, and a 10,000-span trace.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { launchChromium } from './support/browser.mjs';
import { hex, postSpans, seedIvan, seedLargeTrace } from './support/seed.mjs';
import { startServer } from './support/server.mjs';

const screenshots = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(screenshots, { recursive: true });

let server;
let browser;
let ivan;

before(async () => {
  server = await startServer();
  ivan = await seedIvan(server.base);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(15_000);
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
}

test('from the email to the replayed click: search, span card, chapter, session', async () => {
  const page = await newPage();
  // What a developer would see in the browser console along the way: nothing, except the replay's
  // sandbox refusing to run a recorded script, which is what it is there for.
  const consoleErrors = [];
  const sandboxRefusal = /^Blocked script execution in .* because the document's frame is sandboxed/;
  page.on('console', (m) => m.type() === 'error' && !sandboxRefusal.test(m.text()) && consoleErrors.push(`${page.url()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  try {
    await page.goto(`${server.base}/spans`);
    await page.getByRole('searchbox', { name: 'Search spans' }).fill('ivan');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/spans\?q=ivan/);
    const firstRow = page.locator('table.spans-table tbody tr').first();
    await firstRow.waitFor();
    const spansRender = await page.evaluate(() => {
      const response = performance.getEntriesByType('resource').findLast((e) => e.name.includes('/api/spans?'));
      return Math.round(performance.now() - response.responseEnd);
    });
    console.log(`spans page: results shown at most ${spansRender} ms after the API response arrived`);
    await shot(page, 'spans');
    assert.equal(await firstRow.locator('td.name').innerText(), 'POST /checkout');
    assert.match(await firstRow.innerText(), /\b400\b/);

    // Step 1: the newest match opens the span card with the whole trace (rows open with Enter too).
    await firstRow.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/spans/${ivan.bad.traceId}/`));
    await page.locator('.wf-row').first().waitFor();
    const services = await page.locator('.wf-legend li:not(.wf-summary)').allInnerTexts();
    assert.deepEqual(services.map((s) => s.trim()).sort(), ['api', 'authenticate', 'inventory']);
    assert.match(await page.locator('.span-details .body pre').first().innerText(), /"email": "ivan@gmail.com"/);
    await shot(page, 'span-card');

    // Clicking the last bar shows what inventory answered.
    await page.locator('.wf-row', { hasText: 'GET /not-available' }).click();
    await page.locator('.span-details h2', { hasText: 'GET /not-available' }).waitFor();

    // Step 2: the chapter tells what the user did before the request.
    await page.getByRole('link', { name: /Open chapter/ }).click();
    await page.waitForURL(new RegExp(`/chapters/${ivan.bad.chapterId}`));
    const lines = page.locator('.event-lines li');
    await lines.first().waitFor();
    const text = await lines.allInnerTexts();
    assert.ok(text.some((l) => l.includes("clicked 'Add cherries'")), `lines: ${text.join(' | ')}`);
    assert.ok(text.some((l) => l.includes('typed in #email')), `lines: ${text.join(' | ')}`);
    assert.ok(text.some((l) => l.includes('console error: cherries: stock unknown')), `lines: ${text.join(' | ')}`);
    await page.locator('.replay .rr-player').waitFor();
    await shot(page, 'chapter');

    // Step 3: the session replays the visit, chapters beside it.
    await page.getByRole('link', { name: /Open session/ }).click();
    await page.waitForURL(new RegExp(`/sessions/${ivan.sessionId}\\?t=`));
    await page.locator('.replay .rr-player iframe').waitFor();
    // The link carried the chapter's start: the player opens there, not at the session's start.
    assert.match(await page.locator('.chapter-list li.current').innerText(), /#1/);
    assert.equal(await page.locator('.chapter-list li').count(), 2);
    assert.equal(await page.locator('.timeline .chapter-mark.failed').count(), 1);
    await page.waitForTimeout(500);
    await shot(page, 'session');

    // Clicking a chapter seeks the player to it, and the panel links each request to its trace.
    await page.locator('.chapter-seek').nth(1).click();
    await page.locator('.chapter-list li.current').waitFor();
    assert.match(await page.locator('.chapter-list li.current').innerText(), /#1/);
    await page.locator('table.network').getByRole('link', { name: 'trace' }).nth(1).click();
    await page.waitForURL(new RegExp(`/traces/${ivan.bad.traceId}`));
    await page.locator('.wf-row').first().waitFor();
    assert.deepEqual(consoleErrors, []);
  } finally {
    await page.close();
  }
});

test('the search lives in the URL: filters, sort and the export of exactly that search', async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.base}/spans?service=inventory`);
    const rows = page.locator('table.spans-table tbody tr');
    await rows.first().waitFor();
    const services = await page.locator('table.spans-table tbody td:nth-child(2)').allInnerTexts();
    assert.deepEqual([...new Set(services.map((s) => s.trim()))], ['inventory']);
    assert.equal(await page.locator('select').first().inputValue(), 'inventory');

    await page.getByRole('button', { name: /Duration/ }).click();
    await page.waitForURL(/sort=longest/);
    await rows.first().waitFor();

    const csv = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    assert.match(csv, /^\/api\/spans\/export\?format=csv&service=inventory&sort=longest$/);
    const exported = await fetch(server.base + csv);
    assert.equal(exported.status, 200);
    assert.match(await exported.text(), /GET \/not-available/);

    await page.goto(`${server.base}/spans?status=5xx`);
    await page.locator('.state.empty', { hasText: 'No span matches' }).waitFor();
  } finally {
    await page.close();
  }
});

test('a shared link with a malformed filter says which it ignored, and shows what an unfiltered search shows', async () => {
  const page = await newPage();
  const spanLinks = () => page.locator('table.spans-table tbody td.name a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  try {
    await page.goto(`${server.base}/spans`);
    await page.locator('table.spans-table tbody tr').first().waitFor();
    const unfiltered = await spanLinks();
    const unfilteredCount = await page.locator('.results-bar [role=status]').innerText();

    await page.goto(`${server.base}/spans?minDuration=abc`);
    const notice = page.getByRole('alert');
    await notice.waitFor();
    await page.locator('table.spans-table tbody tr').first().waitFor();
    await shot(page, 'spans-ignored-filter');
    assert.equal(await notice.innerText(), 'Ignored minDuration=abc: not a duration in whole microseconds (e.g. 250000 for 250 ms)');
    assert.ok(await notice.isVisible());
    assert.deepEqual(await spanLinks(), unfiltered);
    assert.equal(await page.locator('.results-bar [role=status]').innerText(), unfilteredCount);

    // Setting the filter in the form rewrites the URL with a valid value, and the notice goes.
    await page.getByLabel('Min duration').fill('30');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\/spans\?minDuration=30000$/);
    await page.locator('table.spans-table tbody tr').first().waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
  } finally {
    await page.close();
  }
});

test('a recorded <script> and <img onerror> replay without running', async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.base}/sessions/${ivan.sessionId}`);
    const frame = page.locator('.replay .rr-player iframe');
    await frame.waitFor();
    // The player builds the full snapshot on load; give the <img> time to fail loading "x".
    await page.waitForTimeout(2_000);

    const replayed = page.frameLocator('.replay .rr-player iframe');
    assert.equal(await replayed.locator('#xss-img').count(), 1, 'the hostile <img> is in the replayed page');
    assert.equal(await replayed.locator('script').count(), 0, 'no live <script> element in the replayed page');
    assert.equal(await frame.getAttribute('sandbox'), 'allow-same-origin');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.title(), 'Retrospect');
  } finally {
    await page.close();
  }
});

test('the sessions, dashboard and not-found pages render their data and states', async () => {
  const page = await newPage();
  try {
    await page.goto(`${server.base}/sessions?q=ivan`);
    await page.locator('table.sessions-table tbody tr', { hasText: 'ivan@gmail.com' }).waitFor();
    await shot(page, 'sessions');

    await page.goto(`${server.base}/`);
    await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
    await page.locator('section[aria-label="Client errors (4xx)"] tbody tr', { hasText: 'POST /checkout' }).waitFor();
    await shot(page, 'dashboard');

    await page.goto(`${server.base}/chapters/${'0'.repeat(31)}1`);
    await page.locator('.state.error').waitFor();
    await shot(page, 'not-found');
  } finally {
    await page.close();
  }
});

test('a 10,000-span trace keeps only the visible rows in the page and scrolls to its last span', async () => {
  const large = await seedLargeTrace(server.base);
  const fetchStarted = Date.now();
  const answer = await (await fetch(`${server.base}/api/traces/${large.traceId}`)).json();
  console.log(`10,000-span trace: GET /api/traces answered ${answer.spans.length} spans in ${Date.now() - fetchStarted} ms`);
  const page = await newPage();
  try {
    const started = Date.now();
    await page.goto(`${server.base}/traces/${large.traceId}`);
    await page.locator('.wf-summary', { hasText: '10000 spans' }).waitFor({ timeout: 30_000 });
    console.log(`10,000-span trace: waterfall shown ${Date.now() - started} ms after navigation (API fetch included)`);
    const afterResponse = await page.evaluate(() => {
      const response = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/traces/'));
      return Math.round(performance.now() - response.responseEnd);
    });
    console.log(`10,000-span trace: waterfall shown at most ${afterResponse} ms after the API response arrived (parse, layout, render)`);
    assert.ok((await page.locator('.wf-row').count()) < 80);

    const scrolled = Date.now();
    await page.locator('.wf-body').evaluate((body) => (body.scrollTop = body.scrollHeight));
    await page.locator('.wf-row', { hasText: large.lastRowName }).waitFor();
    console.log(`10,000-span trace: bottom rows rendered ${Date.now() - scrolled} ms after the scroll`);
    assert.ok((await page.locator('.wf-row').count()) < 80);
    await shot(page, 'large-trace');
  } finally {
    await page.close();
  }
});

// Last: it adds a thousand services that the tests above would otherwise list.
test('past a thousand services the list says it is cut, and a service from a link beyond it stays chosen', async () => {
  const spans = Array.from({ length: 1001 }, (_, i) => ({
    service: `zz-load-${String(i).padStart(4, '0')}`, spanId: hex(8), name: 'GET /health', startMs: Date.now() - 60_000, durationMs: 1,
  }));
  await postSpans(server.base, hex(16), spans);
  const services = await (await fetch(`${server.base}/api/services`)).json();
  assert.equal(services.services.length, 1000);
  assert.equal(services.truncated, true);

  const page = await newPage();
  try {
    await page.goto(`${server.base}/spans?service=zz-load-1000`);
    await page.locator('table.spans-table tbody tr').first().waitFor();
    assert.equal(await page.locator('select').first().inputValue(), 'zz-load-1000');
    assert.equal(await page.locator('select option[disabled]').innerText(), 'only the first 1000 services are listed');
  } finally {
    await page.close();
  }
});
