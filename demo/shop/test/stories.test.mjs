// The three stories of Bob's shop, played by a customer in real Chromium and checked the way Bob
// would check them: through Retrospect's query API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startStack } from './stack.mjs';

const SHOP_WEB = 'shop-web';
const FIVE_SERVICES = ['api', 'authenticate', 'inventory', 'payment', 'shipping'];
// rrweb's event and incremental-source numbers
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const MOUSE_INTERACTION = 2;
const CLICK = 2;
const INPUT = 5;

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

/** A customer visits the shop in a fresh tab, puts `skus` into the cart and pays with a card. */
async function buyAs({ email, name, skus }) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  const pageLoad = await page.goto(`${stack.shop.url}/`);
  await page.waitForSelector('#add-apples');
  for (const sku of skus) await page.click(`#add-${sku}`);
  await page.fill('#email', email);
  await page.fill('#name', name);
  await page.fill('#card-number', '4111 1111 1111 1111');
  await page.fill('#card-expiry', '12/29');
  await page.fill('#card-cvc', '737');
  await page.click('#pay');
  await page.waitForFunction(() => /Thank you|failed/.test(document.getElementById('message').textContent), null, { timeout: 20_000 });
  const message = await page.textContent('#message');
  const sessionId = await page.evaluate(() => JSON.parse(sessionStorage.getItem('retrospect.session')).id);
  // Leaving the page makes the agent send what it still holds (sendBeacon on pagehide).
  await page.goto('about:blank');
  await context.close();
  return { message, sessionId, serverTiming: pageLoad.headers()['server-timing'] };
}

/** The api's checkout span for a search, once Retrospect has it. */
function checkoutSpan(query, httpStatus) {
  return eventually(`a checkout span with status ${httpStatus} for ${query}`, async () => {
    const { spans } = await stack.query(`/api/spans?${query}`);
    return spans.find((s) => s.service === 'api' && s.name === 'POST /api/checkout' && s.httpStatus === httpStatus);
  });
}

/** The trace, once the back-end services in `expected` all have spans in it. */
function traceReaching(traceId, expected) {
  return eventually(`trace ${traceId} reaching ${expected}`, async () => {
    const trace = await stack.query(`/api/traces/${traceId}`);
    return expected.every((s) => backEndServices(trace).includes(s)) && trace;
  });
}

const backEndServices = (trace) => [...new Set(trace.spans.map((s) => s.service))].filter((s) => s !== SHOP_WEB).sort();
const serverSpans = (trace) => trace.spans.filter((s) => s.kind === 'SERVER').sort((a, b) => a.startTime - b.startTime);
const micros = (ms) => ms * 1000;

describe("Bob's shop traced by Retrospect", () => {
  let good;

  test('a good checkout reaches all five services, Java payment included, in one trace and chapter', async () => {
    const visit = await buyAs({ email: 'ann@gmail.com', name: 'Ann Lee', skus: ['apples', 'dates'] });
    assert.match(visit.message, /Thank you/);

    const span = await checkoutSpan('q=ann', 200);
    const trace = await traceReaching(span.traceId, FIVE_SERVICES);
    assert.deepEqual(backEndServices(trace), FIVE_SERVICES);
    assert.deepEqual(serverSpans(trace).map((s) => s.service), FIVE_SERVICES, 'called in checkout order');

    const payment = trace.spans.find((s) => s.service === 'payment' && s.kind === 'SERVER');
    assert.equal(payment.resource['telemetry.sdk.language'], 'java');
    assert.equal(payment.sessionId, visit.sessionId, 'the Java span belongs to the session');
    assert.equal(payment.chapterId, span.chapterId, 'and to the chapter of the checkout');
    const chapter = await stack.query(`/api/chapters/${span.chapterId}`);
    assert.equal(chapter.chapter.sessionId, visit.sessionId);
    assert.ok(chapter.spans.some((s) => s.spanId === payment.spanId), 'the chapter lists the payment span');
    good = { visit, span, trace };
  });

  test('a database span made inside a request carries the session id', async () => {
    const query = good.trace.spans.find((s) => s.service === 'inventory' && s.name === 'UPDATE products');
    assert.ok(query, `inventory's UPDATE span, spans: ${good.trace.spans.map((s) => `${s.service}:${s.name}`)}`);
    assert.equal(query.kind, 'CLIENT');
    assert.equal(query.attributes['session.id'], good.visit.sessionId);
    assert.equal(query.sessionId, good.visit.sessionId);
  });

  test('the card typed at checkout is stored redacted in the request body', () => {
    const body = JSON.parse(good.span.attributes['http.request.body']);
    assert.equal(body.email, 'ann@gmail.com');
    assert.equal(body.card, '[REDACTED]');
    assert.ok(!good.span.attributes['http.request.body'].includes('4111'));
  });

  test('a full page load is linked to its session as its first chapter', async () => {
    const [, traceId] = /traceparent;desc="00-([0-9a-f]{32})-/.exec(good.visit.serverTiming) ?? [];
    assert.ok(traceId, `Server-Timing: ${good.visit.serverTiming}`);
    const trace = await eventually('the page load linked to a chapter', async () => {
      const t = await stack.query(`/api/traces/${traceId}`);
      return t.chapter && t;
    });
    assert.equal(trace.session?.sessionId, good.visit.sessionId);
    assert.equal(trace.chapter.sessionId, good.visit.sessionId);
    assert.ok(trace.spans.some((s) => s.service === 'api' && s.name === 'GET /'), `spans: ${trace.spans.map((s) => s.name)}`);
    const { chapters } = await stack.query(`/api/sessions/${good.visit.sessionId}`);
    const first = [...chapters].sort((a, b) => a.sequence - b.sequence)[0];
    assert.equal(first.traceId, traceId, 'the page load is the first chapter of the session');
  });

  test('story 1: ivan checks out cherries that were out of stock; his trace stops at inventory', async () => {
    const visit = await buyAs({ email: 'ivan@gmail.com', name: 'Ivan Petrov', skus: ['apples', 'cherries'] });
    assert.match(visit.message, /Checkout failed: not available: Cherries/);

    const span = await checkoutSpan('q=ivan', 400);
    const trace = await traceReaching(span.traceId, ['api', 'authenticate', 'inventory']);
    assert.deepEqual(backEndServices(trace), ['api', 'authenticate', 'inventory'], 'payment and shipping were never called');

    const last = serverSpans(trace).at(-1);
    assert.equal(last.service, 'inventory');
    assert.equal(last.name, 'GET /not-available');
    assert.equal(last.httpStatus, 200);

    // The chapter's browser events show the click that put cherries into the cart.
    const chapter = await stack.query(`/api/chapters/${span.chapterId}`);
    const click = await eventually('the click on "Add to cart" for cherries in the replay', async () => {
      const { events } = await stack.query(`/api/sessions/${visit.sessionId}/events?from=${chapter.events.from}&to=${chapter.events.to}`);
      const button = nodeIdOf(events, 'add-cherries');
      return events.find((e) => e.type === INCREMENTAL && e.data.source === MOUSE_INTERACTION && e.data.type === CLICK && e.data.id === button
        && micros(e.timestamp) >= chapter.events.from && micros(e.timestamp) <= chapter.events.to);
    });
    assert.ok(click);
  });

  test('the card number typed in the page never reaches the replay', async () => {
    const { events } = await stack.query(`/api/sessions/${good.visit.sessionId}/events`);
    const text = JSON.stringify(events);
    for (const typed of ['4111 1111 1111 1111', '4111111111111111', '12/29']) {
      assert.ok(!text.includes(typed), `"${typed}" must not be in the replay`);
    }
    const cardField = nodeIdOf(events, 'card-number');
    const typing = events.filter((e) => e.type === INCREMENTAL && e.data.source === INPUT && e.data.id === cardField);
    assert.ok(typing.length > 0, 'the typing is recorded');
    for (const input of typing) assert.match(input.data.text, /^\*+$/, 'as asterisks only');
  });

  test('story 2: with shipping down, a search by status 5xx in the time of the failure finds shipping\'s 503', async () => {
    await stack.setFaults({ shippingDown: true });
    const from = micros(Date.now());
    try {
      const visit = await buyAs({ email: 'sam@gmail.com', name: 'Sam Roe', skus: ['bananas'] });
      assert.match(visit.message, /Checkout failed: shipping is unavailable/);
    } finally {
      await stack.setFaults({ shippingDown: false });
    }
    const to = micros(Date.now());

    const shipping = await eventually("shipping's 503", async () => {
      const { spans } = await stack.query(`/api/spans?status=5xx&from=${from}&to=${to}`);
      return spans.find((s) => s.service === 'shipping' && s.httpStatus === 503);
    });
    const { spans: before } = await stack.query(`/api/spans?status=5xx&to=${from}`);
    assert.ok(!before.some((s) => s.traceId === shipping.traceId), 'not found outside its time window');
    const trace = await traceReaching(shipping.traceId, FIVE_SERVICES);
    assert.equal(trace.session?.sessionId ?? trace.chapter?.sessionId, shipping.sessionId);
  });

  test('story 3: with slow payment, a search for dale finds a trace whose payment span lasts 5 s', async () => {
    await stack.setFaults({ slowPayment: true });
    try {
      const visit = await buyAs({ email: 'dale@gmail.com', name: 'Dale Cooper', skus: ['apples'] });
      assert.match(visit.message, /Thank you/);
    } finally {
      await stack.setFaults({ slowPayment: false });
    }
    const span = await checkoutSpan('q=dale', 200);
    const trace = await traceReaching(span.traceId, FIVE_SERVICES);
    const payment = trace.spans.find((s) => s.service === 'payment' && s.kind === 'SERVER');
    assert.ok(payment.duration >= 5_000_000, `payment took ${payment.duration} µs`);
    assert.ok(span.duration >= 5_000_000, 'the checkout waited for it');
  });

  test('a password and a card sent in a request body are stored redacted', async () => {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.shop.url}/`);
    // A client that sends more than the shop asks for: the sensitive fields must still not be stored.
    const status = await page.evaluate(async () => (await fetch('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'rita@gmail.com', name: 'Rita', password: 'hunter2-secret',
        card: { number: '5555444433331111', cvc: '999' }, cardNumber: '5555444433331111',
        items: [{ sku: 'apples', quantity: 1 }],
      }),
    })).status);
    await context.close();
    assert.equal(status, 200);

    const span = await checkoutSpan('q=rita', 200);
    const stored = span.attributes['http.request.body'];
    assert.deepEqual(JSON.parse(stored), {
      email: 'rita@gmail.com', name: 'Rita', password: '[REDACTED]',
      card: '[REDACTED]', cardNumber: '[REDACTED]', items: [{ sku: 'apples', quantity: 1 }],
    });
    const { spans } = await stack.query('/api/spans?q=hunter2');
    assert.deepEqual(spans, [], 'the password cannot be found by search');
  });
});

/**
 * The rrweb node id of the element with this id attribute, from the full snapshot or, for elements
 * the page added later (the product list is rendered after it loads), from a mutation event.
 */
function nodeIdOf(events, elementId) {
  const search = (node) => {
    if (node.attributes?.id === elementId) return node.id;
    for (const child of node.childNodes ?? []) {
      const found = search(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  for (const event of events) {
    const mutation = event.type === INCREMENTAL && event.data.source === MUTATION;
    const roots = event.type === FULL_SNAPSHOT ? [event.data.node] : mutation ? event.data.adds.map((a) => a.node) : [];
    for (const root of roots) {
      const found = search(root);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
