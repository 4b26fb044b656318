// End to end in real Chromium: the IIFE build on a page whose Node back end uses the plain
// OpenTelemetry SDK, the Retrospect server jar with its embedded store, and the query API.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { freePort, scanRawFiles, scanSqlite, startBackend, startRetrospect, startThirdParty, waitFor } from './stack.mjs';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CARD = '4242 4242 4242 4242';
const CARD_FORMS = [CARD, CARD.replace(/ /g, '')];
const MARKER = 'e2e-marker-7c1f'; // a class in the page: proves the scans could read the recording
const BUFFER_BOUND = 20_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'retrospect-e2e-'));
const dataDir = path.join(tmp, 'data');
let ports;
let retrospect;
let backend;
let thirdParty;
let browser;

async function api(pathAndQuery) {
  const res = await fetch(retrospect.url + pathAndQuery);
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Errors the page itself would see: uncaught exceptions and console errors not about the collector being down. */
function watchPage(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every failed request itself; those to the stopped collector are expected.
    if ((m.location().url || '').startsWith(retrospect.url)) return;
    problems.push(`console.error: ${m.text()}`);
  });
  return problems;
}

function traceIdOf(traceparent) {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(traceparent ?? '')?.[1] ?? null;
}

before(async () => {
  fs.mkdirSync(dataDir);
  ports = { httpPort: await freePort(), otlpHttpPort: await freePort(), otlpGrpcPort: await freePort() };
  retrospect = await startRetrospect({ dataDir, ...ports });
  thirdParty = await startThirdParty();
  backend = await startBackend({
    OTLP_TRACES_URL: `http://127.0.0.1:${ports.otlpHttpPort}/v1/traces`,
    RETROSPECT_ENDPOINT: retrospect.url,
    THIRD_PARTY_ORIGIN: thirdParty.origin,
  });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await backend?.stop();
  await thirdParty?.stop();
  await retrospect?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('@retrospect/browser in Chromium against the Retrospect server', { concurrency: false }, () => {
  let sessionId;
  let navigationTraceId;

  it('joins each of the page\'s requests, as a chapter of its session, to the back end\'s trace', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${backend.origin}/`, { waitUntil: 'load' });
    navigationTraceId = traceIdOf(await page.evaluate(() =>
      performance.getEntriesByType('navigation')[0].serverTiming.find((t) => t.name === 'traceparent')?.description));
    assert.ok(navigationTraceId, 'the back end announced the page load\'s trace in Server-Timing');

    await page.click('#add');
    await page.waitForSelector('.cart-row');
    await page.click('#email');
    await page.keyboard.type('ivan@gmail.com', { delay: 20 });
    await page.click('#cc');
    await page.keyboard.type(CARD, { delay: 20 });
    await page.click('#pay');
    await page.waitForFunction(() => /confirmed/.test(document.getElementById('status').textContent));
    await page.click('#rates');
    await page.waitForFunction(() => /Rates/.test(document.getElementById('rates-status').textContent));
    await page.click('#add');
    await page.waitForFunction(() => document.querySelectorAll('.cart-row').length === 2);
    sessionId = await page.evaluate(() => JSON.parse(sessionStorage.getItem('retrospect.session')).id);
    await page.waitForTimeout(2_500); // two flush intervals
    await page.close({ runBeforeUnload: true });
    await context.close();
    assert.deepEqual(problems, []);

    const requests = await backend.received();
    assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), ['POST /api/cart', 'POST /api/checkout', 'POST /api/cart']);
    const traceIds = requests.map((r) => traceIdOf(r.traceparent));
    for (const [i, r] of requests.entries()) {
      assert.ok(traceIds[i], `${r.path} carried a traceparent: ${r.traceparent}`);
      assert.match(r.baggage, new RegExp(`^session\\.id=${sessionId},retrospect\\.chapter\\.id=[0-9a-f]{32}$`));
    }

    const { session, chapters } = await waitFor('the session and its chapters', async () => {
      const s = await api(`/api/sessions/${sessionId}`);
      const have = new Set(s.chapters.map((c) => c.traceId));
      return [navigationTraceId, ...traceIds].every((t) => have.has(t)) && s.chapters.every((c) => c.traceId === null || c.status !== null) ? s : null;
    }, 30_000);
    assert.equal(session.service, 'e2e-shop-web');
    assert.equal(session.entryUrl, `${backend.origin}/`);
    assert.match(session.userAgent, /Chrome/);
    assert.deepEqual(chapters.map((c) => c.sequence), chapters.map((_, i) => i));
    assert.equal(chapters[0].traceId, navigationTraceId, 'the page load is the first chapter');

    for (const [i, traceId] of traceIds.entries()) {
      const chapter = chapters.find((c) => c.traceId === traceId);
      assert.equal(chapter.method, requests[i].method);
      assert.equal(chapter.url, `${backend.origin}${requests[i].path}`);
      assert.equal(chapter.status, 200);
      assert.match(requests[i].baggage, new RegExp(`retrospect\\.chapter\\.id=${chapter.chapterId}$`));

      const trace = await waitFor(`the spans of trace ${traceId}`, async () => {
        const t = await api(`/api/traces/${traceId}`);
        const services = new Set(t.spans.map((s) => s.service));
        return services.has('e2e-shop-api') && services.has('e2e-shop-web') ? t : null;
      }, 30_000);
      assert.ok(trace.spans.every((s) => s.traceId === traceId));
      assert.equal(trace.chapter?.chapterId, chapter.chapterId);
      assert.equal(trace.session?.sessionId, sessionId);
      const client = trace.spans.find((s) => s.service === 'e2e-shop-web');
      const server = trace.spans.find((s) => s.service === 'e2e-shop-api' && s.kind === 'SERVER');
      assert.equal(client.kind, 'CLIENT');
      assert.equal(server.parentSpanId, client.spanId, 'the back end continued the browser\'s span');
      if (requests[i].path === '/api/cart') assert.ok(trace.spans.some((s) => s.name === 'reserve stock'));

      const { events } = await api(`/api/sessions/${sessionId}/events?from=${chapter.firstEventTime}&to=${chapter.requestTime}`);
      const clicks = events.filter((e) => e.type === 3 && e.data.source === 2 && e.data.type === 2
        && e.timestamp * 1000 >= chapter.firstEventTime && e.timestamp * 1000 <= chapter.requestTime);
      assert.ok(clicks.length > 0, `chapter ${chapter.sequence} (${chapter.url}) holds the click that led to its request`);
    }

    const pageLoad = await waitFor('the page load\'s trace', async () => {
      const t = await api(`/api/traces/${navigationTraceId}`);
      return t.spans.length > 0 ? t : null;
    }, 30_000);
    assert.equal(pageLoad.chapter?.sessionId, sessionId);
  });

  it('leaves the page\'s fetch and XMLHttpRequest behaving as without the agent', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${backend.origin}/`, { waitUntil: 'load' });
    const before = (await backend.received()).length;
    const seen = await page.evaluate(async () => {
      const out = {};
      const request = new Request('/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ last4: '1111' }) });
      out.requestObject = (await (await fetch(request)).json()).last4;
      const streamed = await fetch('/api/cart', { method: 'POST', body: '{}' });
      const reader = streamed.body.getReader();
      out.streamedBytes = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) out.streamedBytes += r.value.length;
      const abort = new AbortController();
      const aborted = fetch('/api/cart', { method: 'POST', body: '{}', signal: abort.signal });
      abort.abort();
      out.abort = await aborted.then(() => 'resolved', (e) => e.name);
      out.xhr = await new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', '/api/cart');
        xhr.setRequestHeader('baggage', 'tenant=acme');
        xhr.onload = () => resolve(`${xhr.status} ${xhr.responseText}`);
        xhr.send('{}');
      });
      return out;
    });
    await context.close();
    assert.deepEqual(seen, { requestObject: '1111', streamedBytes: 11, abort: 'AbortError', xhr: '200 {"ok":true}' });
    const received = (await backend.received()).slice(before);
    const checkout = received.find((r) => r.path === '/api/checkout');
    assert.ok(traceIdOf(checkout.traceparent), 'a Request object got its traceparent');
    assert.match(received.at(-1).baggage, /^tenant=acme, session\.id=[0-9a-f]{32},retrospect\.chapter\.id=[0-9a-f]{32}$/);
  });

  it('sends no trace headers to a third-party origin', () => {
    assert.equal(thirdParty.requests.length, 1);
    const { headers } = thirdParty.requests[0];
    assert.equal(headers['x-shop'], 'e2e', 'the page\'s own header went through');
    assert.equal(headers.traceparent, undefined);
    assert.equal(headers.baggage, undefined);
  });

  it('the card number typed into the page is nowhere in the server\'s data, raw or decompressed', async () => {
    const all = JSON.stringify(await api(`/api/sessions/${sessionId}/events?from=0&to=${Date.now() * 1000 + 60e6}`));
    assert.ok(all.includes(MARKER), 'the stored replay could be read');
    assert.ok(all.includes('"source":5'), 'the typing itself was recorded');
    for (const card of CARD_FORMS) assert.ok(!all.includes(card), `card number in the replay read back: ${card}`);

    const raw = scanRawFiles(dataDir, CARD_FORMS);
    assert.deepEqual(raw.found, {}, 'card number in a raw file under the data directory');

    await retrospect.stop(); // SQLite checkpoints its WAL on close: the database file then holds everything
    const db = await scanSqlite(dataDir, [...CARD_FORMS, MARKER]);
    assert.ok(db.databases > 0 && db.blobs > 0, `read ${db.databases} databases, ${db.blobs} gzip blobs`);
    assert.ok(db.found[MARKER], 'the decompressed replay batches could be read');
    for (const card of CARD_FORMS) assert.equal(db.found[card], undefined, `card number in ${db.found[card]}`);
  });

  it('with the collector down the page keeps working, nothing is thrown, and the buffer stays within its bound', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${backend.origin}/?buffer=${BUFFER_BOUND}`, { waitUntil: 'load' });
    const downSession = await page.evaluate(() => JSON.parse(sessionStorage.getItem('retrospect.session')).id);
    for (let i = 0; i < 6; i++) {
      await page.click('#reviews');
      await page.click('#add');
      await page.waitForTimeout(1_200);
    }
    await page.click('#email');
    await page.keyboard.type('dale@gmail.com');
    await page.click('#pay');
    await page.waitForFunction(() => /confirmed/.test(document.getElementById('status').textContent));
    await page.waitForFunction(() => document.querySelectorAll('.cart-row').length === 6);
    assert.deepEqual(problems, []);

    retrospect = await startRetrospect({ dataDir, ...ports });
    const dropped = await waitFor('the drop report', async () => {
      await page.click('#add'); // activity after the backlog went out carries the report
      const { events } = await api(`/api/sessions/${downSession}/events?from=0&to=${Date.now() * 1000 + 60e6}`);
      return events.find((e) => e.type === 5 && e.data.tag === 'retrospect.dropped');
    }, 120_000);
    const report = dropped.data.payload;
    assert.ok(report.batches > 0 && report.events > 0, JSON.stringify(report));
    assert.equal(report.maxBufferBytes, BUFFER_BOUND);
    assert.ok(report.peakBufferedBytes <= BUFFER_BOUND, JSON.stringify(report));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
