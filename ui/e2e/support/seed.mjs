// Seeds a fresh server through its real ingest endpoints: OTLP JSON spans on /v1/traces and a replay
// batch on /v1/replay, shaped like Bob's shop (docs/api.md) with ivan@gmail.com's failed checkout.
import { randomBytes } from 'node:crypto';

export const hex = (bytes) => randomBytes(bytes).toString('hex');

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return text;
}

const attr = (key, value) => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: String(value) },
});

/** OTLP JSON for `spans` ({service, spanId, parentSpanId, name, kind, startMs, durationMs, attributes, status}). */
export function otlpJson(traceId, spans) {
  const byService = new Map();
  for (const span of spans) {
    if (!byService.has(span.service)) byService.set(span.service, []);
    byService.get(span.service).push(span);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [attr('service.name', service), attr('telemetry.sdk.language', 'nodejs')] },
      scopeSpans: [
        {
          scope: { name: 'retrospect-ui-e2e' },
          spans: list.map((s) => ({
            traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.kind ?? 2,
            startTimeUnixNano: String(BigInt(Math.round(s.startMs * 1000)) * 1000n),
            endTimeUnixNano: String(BigInt(Math.round((s.startMs + s.durationMs) * 1000)) * 1000n),
            attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => attr(k, v)),
            status: s.error ? { code: 2, message: s.error } : { code: 0 },
          })),
        },
      ],
    })),
  };
}

export async function postSpans(base, traceId, spans) {
  await post(`${base}/v1/traces`, otlpJson(traceId, spans));
}

function checkoutSpans({ startMs, sessionId, chapterId, services, status }) {
  const link = { 'session.id': sessionId, 'retrospect.chapter.id': chapterId };
  const root = hex(8);
  const body = JSON.stringify({ email: 'ivan@gmail.com', items: [{ sku: 'cherries', qty: 2 }] });
  const spans = [
    {
      service: 'api', spanId: root, name: 'POST /checkout', startMs, durationMs: 40,
      attributes: { ...link, 'http.request.method': 'POST', 'http.route': '/checkout', 'url.full': 'http://shop.test/api/checkout', 'http.response.status_code': status, 'http.request.body': body },
    },
  ];
  const calls = {
    authenticate: ['POST /authenticate', 200],
    inventory: [status === 400 ? 'GET /not-available' : 'GET /stock', 200],
    payment: ['POST /pay', 200],
    shipping: ['POST /ship', 200],
  };
  services.forEach((service, i) => {
    const [name, code] = calls[service];
    const client = hex(8);
    spans.push({ service: 'api', spanId: client, parentSpanId: root, kind: 3, name: name.split(' ')[0], startMs: startMs + 2 + i * 7, durationMs: 6, attributes: link });
    spans.push({
      service, spanId: hex(8), parentSpanId: client, name, startMs: startMs + 3 + i * 7, durationMs: 4,
      attributes: { ...link, 'http.request.method': name.split(' ')[0], 'http.route': name.split(' ')[1], 'http.response.status_code': code },
    });
  });
  return spans;
}

// The recorded page, as rrweb serializes it. A hostile recording carries a <script> with code and an
// <img onerror>; replaying it must run neither (they would set window.top.__xss and the title).
const ADD_BUTTON = 10;
const EMAIL = 12;
const XSS = "window.top.__xss = 'ran'; window.top.document.title = 'pwned'";
function fullSnapshot() {
  return {
    type: 0, id: 1,
    childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      {
        type: 2, id: 3, tagName: 'html', attributes: { lang: 'en' },
        childNodes: [
          { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [{ type: 2, id: 5, tagName: 'title', attributes: {}, childNodes: [{ type: 3, id: 6, textContent: 'Cherry shop' }] }] },
          {
            type: 2, id: 7, tagName: 'body', attributes: { style: 'font-family: sans-serif; padding: 24px' },
            childNodes: [
              { type: 2, id: 8, tagName: 'h1', attributes: {}, childNodes: [{ type: 3, id: 9, textContent: 'Cherry shop' }] },
              { type: 2, id: ADD_BUTTON, tagName: 'button', attributes: { class: 'add', style: 'font-size: 20px; padding: 8px 16px' }, childNodes: [{ type: 3, id: 11, textContent: 'Add cherries' }] },
              { type: 2, id: EMAIL, tagName: 'input', attributes: { id: 'email', type: 'email', value: '**************' }, childNodes: [] },
              { type: 2, id: 13, tagName: 'script', attributes: {}, childNodes: [{ type: 3, id: 14, textContent: XSS }] },
              { type: 2, id: 15, tagName: 'img', attributes: { src: 'x', id: 'xss-img', onerror: XSS }, childNodes: [] },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * Ivan's session: a good checkout (5 services), then he adds out-of-stock cherries, types his
 * email, the page logs an error, and the checkout fails with 400 reaching only 3 services.
 */
export async function seedIvan(base) {
  const sessionId = hex(16);
  const t0 = Date.now() - 60_000;
  const good = { chapterId: hex(16), traceId: hex(16), requestMs: t0 + 1_000 };
  const bad = { chapterId: hex(16), traceId: hex(16), requestMs: t0 + 4_000 };

  await postSpans(base, good.traceId, checkoutSpans({ startMs: good.requestMs + 5, sessionId, chapterId: good.chapterId, services: ['authenticate', 'inventory', 'payment', 'shipping'], status: 200 }));
  await postSpans(base, bad.traceId, checkoutSpans({ startMs: bad.requestMs + 5, sessionId, chapterId: bad.chapterId, services: ['authenticate', 'inventory'], status: 400 }));

  const events = [
    { type: 4, timestamp: t0, data: { href: 'http://shop.test/', width: 1024, height: 640 } },
    { type: 2, timestamp: t0 + 1, data: { node: fullSnapshot(), initialOffset: { left: 0, top: 0 } } },
    { type: 3, timestamp: t0 + 2_000, data: { source: 2, type: 2, id: ADD_BUTTON, x: 60, y: 90 } },
    { type: 3, timestamp: t0 + 2_600, data: { source: 5, id: EMAIL, text: '**************', isChecked: false } },
    { type: 5, timestamp: t0 + 3_000, data: { tag: 'error', payload: { kind: 'console.error', message: 'cherries: stock unknown' } } },
    { type: 3, timestamp: t0 + 5_000, data: { source: 3, id: 1, x: 0, y: 10 } },
  ];
  const chapter = (c, sequence, firstEventTime, status) => ({
    chapterId: c.chapterId, sequence, traceId: c.traceId, firstEventTime, requestTime: c.requestMs,
    method: 'POST', url: 'http://shop.test/api/checkout', status, duration: 45, error: null,
  });
  await post(`${base}/v1/replay`, {
    sessionId,
    sequence: 0,
    service: 'shop-web',
    session: { userAgent: 'e2e', entryUrl: 'http://shop.test/', userId: 'u-ivan', userEmail: 'ivan@gmail.com' },
    events,
    chapters: [chapter(good, 0, t0, 200), chapter(bad, 1, good.requestMs, 400)],
    errorCount: 1,
  });
  return { sessionId, good, bad };
}

/** A 10,000-span trace (one root, 99 children, the rest below them), sent in batches. */
export async function seedLargeTrace(base) {
  const traceId = hex(16);
  const start = Date.now() - 30_000;
  const ids = Array.from({ length: 10_000 }, () => hex(8));
  const spans = ids.map((spanId, i) => ({
    service: ['api', 'inventory', 'payment', 'shipping'][i % 4],
    spanId,
    parentSpanId: i === 0 ? undefined : i < 100 ? ids[0] : ids[1 + (i % 99)],
    name: `step ${i}`,
    startMs: start + i * 0.5,
    durationMs: i === 0 ? 6_000 : 2,
  }));
  for (let i = 0; i < spans.length; i += 2_000) await postSpans(base, traceId, spans.slice(i, i + 2_000));
  // Siblings lie in start order and i = 9998 is the last child of the last first-level span (i = 99).
  return { traceId, lastRowName: 'step 9998' };
}
