import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startOtlpJsonReceiver } from './otlp-json-receiver.mjs';
import { startApp } from './app-process.mjs';
import { waitFor } from './wait-for.mjs';

const hex = (bytes) => randomBytes(bytes).toString('hex');
const postJson = (url, body, headers) =>
  fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Headers the browser agent sends: a fresh trace, and the session and chapter as baggage. */
function browserHeaders() {
  const traceId = hex(16);
  const sessionId = hex(16);
  const chapterId = hex(16);
  return {
    traceId, sessionId, chapterId,
    headers: {
      traceparent: `00-${traceId}-${hex(8)}-01`,
      baggage: `session.id=${sessionId},retrospect.chapter.id=${chapterId}`,
    },
  };
}

describe('a CommonJS Express app started with --require @retrospect/node/register', () => {
  let receiver;
  let app;
  const spansOf = (traceId) => receiver.spans.filter((s) => s.traceId === traceId);
  const serverSpanOf = (traceId) => spansOf(traceId).find((s) => s.kind === 2 && !s.attributes['url.full']);

  before(async () => {
    receiver = await startOtlpJsonReceiver();
    app = await startApp('app.cjs', { endpoint: receiver.endpoint, serviceName: 'stock', env: { OTEL_BSP_SCHEDULE_DELAY: '100' } });
  });
  after(async () => {
    await app?.stop();
    await receiver?.close();
  });

  test('every span of a request, database-like and outgoing HTTP ones included, carries the session and chapter', async () => {
    const { traceId, sessionId, chapterId, headers } = browserHeaders();
    const answer = await fetch(`${app.url}/stock`, { headers });
    assert.equal(answer.status, 200);

    // the /stock server span, the hand-made query span, the fetch client span and the /data server span
    const spans = await waitFor('4 spans of the trace', () => spansOf(traceId).length >= 4 && spansOf(traceId));
    const names = spans.map((s) => s.name);
    assert.ok(names.includes('SELECT stock'), `spans: ${names}`);
    assert.ok(spans.some((s) => s.kind === 3), `an outgoing HTTP client span, spans: ${names}`);
    for (const span of spans) {
      assert.equal(span.attributes['session.id'], sessionId, `session.id on ${span.name}`);
      assert.equal(span.attributes['retrospect.chapter.id'], chapterId, `chapter on ${span.name}`);
      assert.equal(span.service, 'stock');
    }
  });

  test('a request without session baggage gets no session attributes', async () => {
    const traceId = hex(16);
    await fetch(`${app.url}/data`, { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });
    const span = await waitFor('the server span', () => serverSpanOf(traceId));
    assert.equal(span.attributes['session.id'], undefined);
    assert.equal(span.attributes['retrospect.chapter.id'], undefined);
  });

  test('the JSON request body is stored on the server span with passwords, cards and tokens redacted', async () => {
    const { traceId, headers } = browserHeaders();
    const order = {
      email: 'ivan@gmail.com',
      password: 'hunter2',
      card: '4111111111111111',
      payment: { cardNumber: '4242424242424242', CVV: '123', cvc: '321', expiry: '12/29' },
      items: [{ name: 'cherries', quantity: 2 }],
      session: { accessToken: 'tok-abc', clientSecret: 'sec-xyz', Authorization: 'Bearer xyz' },
    };
    const answer = await postJson(`${app.url}/orders`, order, headers);
    assert.equal(answer.status, 201);

    const span = await waitFor('the server span', () => serverSpanOf(traceId));
    const stored = span.attributes['http.request.body'];
    assert.deepEqual(JSON.parse(stored), {
      email: 'ivan@gmail.com',
      password: '[REDACTED]',
      card: '[REDACTED]',
      payment: { cardNumber: '[REDACTED]', CVV: '[REDACTED]', cvc: '[REDACTED]', expiry: '12/29' },
      items: [{ name: 'cherries', quantity: 2 }],
      session: { accessToken: '[REDACTED]', clientSecret: '[REDACTED]', Authorization: '[REDACTED]' },
    });
    for (const secret of ['hunter2', '4111', '4242', 'tok-abc', 'sec-xyz', 'Bearer']) {
      assert.ok(!stored.includes(secret), `${secret} must not be stored: ${stored}`);
    }
    assert.equal(span.attributes['http.response.status_code'], 201);
  });

  test('a body over 8 KB is cut to 8 KB and marked as cut', async () => {
    const { traceId, headers } = browserHeaders();
    const note = 'x'.repeat(20_000);
    await postJson(`${app.url}/orders`, { email: 'dale@gmail.com', note }, headers);
    const span = await waitFor('the server span', () => serverSpanOf(traceId));
    const stored = span.attributes['http.request.body'];
    assert.ok(stored.startsWith('{"email":"dale@gmail.com","note":"xxx'), stored.slice(0, 60));
    assert.ok(stored.endsWith('…[truncated]'), stored.slice(-30));
    assert.equal(stored.length, 8192 + '…[truncated]'.length);
  });

  test('a body that is not JSON is not stored, since it cannot be redacted', async () => {
    const { traceId, headers } = browserHeaders();
    await fetch(`${app.url}/orders`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'password=hunter2' });
    const span = await waitFor('the server span', () => serverSpanOf(traceId));
    assert.equal(span.attributes['http.request.body'], undefined);
    assert.equal(span.attributes['http.response.status_code'], 201);
  });

  test('an HTML page names its trace in Server-Timing so the browser can link the page load', async () => {
    const answer = await fetch(`${app.url}/page`);
    assert.match(answer.headers.get('content-type'), /text\/html/);
    const serverTiming = answer.headers.get('server-timing');
    const [, traceId, spanId] = /^traceparent;desc="00-([0-9a-f]{32})-([0-9a-f]{16})-01"$/.exec(serverTiming) ?? [];
    assert.ok(traceId, `Server-Timing: ${serverTiming}`);

    const span = await waitFor('the page span', () => serverSpanOf(traceId));
    assert.equal(span.spanId, spanId, 'the header names the server span of the page');
    assert.equal(span.attributes['http.route'], '/page');
  });

  test('JSON answers carry no Server-Timing header', async () => {
    const answer = await fetch(`${app.url}/data`);
    assert.match(answer.headers.get('content-type'), /application\/json/);
    assert.equal(answer.headers.get('server-timing'), null);
  });
});

test('SIGTERM sends the spans still waiting in the batch before the process exits', async () => {
  const receiver = await startOtlpJsonReceiver();
  // The batch would wait a minute; only the flush on SIGTERM can deliver the span in time.
  const app = await startApp('app.cjs', { endpoint: receiver.endpoint, env: { OTEL_BSP_SCHEDULE_DELAY: '60000' } });
  try {
    const { traceId, headers } = browserHeaders();
    await fetch(`${app.url}/data`, { headers });
    assert.equal(receiver.spans.length, 0);
    const exit = await app.stop();
    assert.equal(exit.signal, 'SIGTERM', 'the process still ends by the signal');
    assert.ok(receiver.spans.some((s) => s.traceId === traceId), 'the span was flushed');
  } finally {
    await receiver.close();
  }
});

test('an ES module app started with --import @retrospect/node/register is traced through Express', async () => {
  const receiver = await startOtlpJsonReceiver();
  const app = await startApp('app.mjs', { endpoint: receiver.endpoint, serviceName: 'orders-esm' });
  try {
    const { traceId, sessionId, headers } = browserHeaders();
    const answer = await postJson(`${app.url}/orders`, { email: 'ivan@gmail.com', password: 'x' }, headers);
    assert.equal(answer.status, 201);
    await app.stop();

    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const server = spans.find((s) => s.kind === 2);
    assert.equal(server?.name, 'POST /orders', `route from the Express instrumentation; spans: ${spans.map((s) => s.name)}`);
    assert.equal(server.service, 'orders-esm');
    assert.equal(server.attributes['session.id'], sessionId);
    assert.deepEqual(JSON.parse(server.attributes['http.request.body']), { email: 'ivan@gmail.com', password: '[REDACTED]' });
    assert.ok(spans.some((s) => s.name === 'middleware - jsonParser'), `Express middleware spans: ${spans.map((s) => s.name)}`);
    assert.ok(!spans.some((s) => s.name.includes('retrospectMiddleware')), 'but none for our own middleware');
  } finally {
    await receiver.close();
  }
});
