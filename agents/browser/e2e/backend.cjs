// The shop's back end in the end-to-end test: plain Node http, instrumented with the plain
// OpenTelemetry Node SDK exporting OTLP to the Retrospect server. No Retrospect code here: the
// trace continues from the browser's traceparent header because W3C propagation is the SDK default.
'use strict';
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const sdk = new NodeSDK({
  serviceName: 'e2e-shop-api',
  traceExporter: new OTLPTraceExporter({ url: process.env.OTLP_TRACES_URL }),
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { trace } = require('@opentelemetry/api');

const pageTemplate = fs.readFileSync(path.join(__dirname, 'page.html'), 'utf8');
const bundle = path.join(__dirname, '..', 'dist', 'retrospect.iife.js');
const tracer = trace.getTracer('e2e-shop');
/** Headers of every /api request, for the test to compare with what the server stored. */
const received = [];
let order = 1000;

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (url.pathname === '/') {
      const config = {
        endpoint: process.env.RETROSPECT_ENDPOINT,
        thirdParty: process.env.THIRD_PARTY_ORIGIN,
        maxBufferBytes: Number(url.searchParams.get('buffer')) || undefined,
      };
      // The page learns its own load's trace: how a full-page navigation joins the session.
      const span = trace.getActiveSpan();
      if (span) {
        const { traceId, spanId } = span.spanContext();
        res.setHeader('server-timing', `traceparent;desc="00-${traceId}-${spanId}-01"`);
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(pageTemplate.replace('__CONFIG__', JSON.stringify(config)));
    }
    if (url.pathname === '/retrospect.iife.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      return res.end(fs.readFileSync(bundle));
    }
    if (url.pathname === '/test/received') return json(res, 200, received);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname.startsWith('/api/')) {
      received.push({ method: req.method, path: url.pathname, traceparent: req.headers.traceparent ?? null, baggage: req.headers.baggage ?? null });
      if (url.pathname === '/api/cart') {
        return tracer.startActiveSpan('reserve stock', (span) => {
          span.end();
          json(res, 200, { ok: true });
        });
      }
      if (url.pathname === '/api/checkout') {
        const { email, last4 } = JSON.parse(body || '{}');
        return json(res, 200, { orderId: `ORD-${++order}`, email, last4 });
      }
    }
    json(res, 404, { error: 'not found' });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  sdk.shutdown().finally(() => process.exit(0));
});
