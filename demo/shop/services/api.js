// api: the gateway. Serves the shop's pages and calls the other services; checkout calls
// authenticate → inventory → payment → shipping, in that order, and stops at the first refusal.
const path = require('node:path');
const express = require('express');
const { createService, listen, jsonErrors } = require('./service');

const services = {
  authenticate: required('AUTHENTICATE_URL'),
  inventory: required('INVENTORY_URL'),
  payment: required('PAYMENT_URL'),
  shipping: required('SHIPPING_URL'),
};
const browserAgent = required('RETROSPECT_BROWSER_AGENT');
const retrospectUrl = required('RETROSPECT_URL');

// The three planted faults. outOfStock is the front end's: it lets out-of-stock products into the cart.
const faults = {
  outOfStock: process.env.SHOP_FAULT_OUT_OF_STOCK !== 'false',
  shippingDown: process.env.SHOP_FAULT_SHIPPING_DOWN === 'true',
  slowPayment: process.env.SHOP_FAULT_SLOW_PAYMENT === 'true',
};

const app = createService();
app.use(express.static(path.join(__dirname, '..', 'public')));
app.get('/retrospect.js', (req, res) => res.sendFile(browserAgent));
app.get('/config.js', (req, res) => {
  res.type('text/javascript').send(`window.SHOP_CONFIG = ${JSON.stringify({ retrospectUrl })};`);
});

app.get('/api/settings', (req, res) => res.json({ sellOutOfStock: faults.outOfStock }));

app.get('/api/products', async (req, res) => {
  const answer = await call('inventory', '/products');
  res.status(answer.status).json(answer.body);
});

app.post('/api/checkout', async (req, res) => {
  const { email, name, card, items } = req.body ?? {};
  if (!Array.isArray(items) || items.length === 0) return res.status(400).json({ error: 'the cart is empty' });

  const customer = await call('authenticate', '/verify', { email, name });
  if (customer.status !== 200) return res.status(401).json({ error: customer.body.error });

  const stock = await call('inventory', '/reserve', { items });
  if (stock.body.available === false) return res.status(400).json({ error: `not available: ${stock.body.name ?? stock.body.sku}` });
  if (stock.status !== 200) return res.status(400).json({ error: stock.body.error });

  const payment = await call('payment', '/charge', { email: customer.body.email, amountCents: stock.body.totalCents, card });
  if (payment.status !== 200) return res.status(402).json({ error: payment.body.error ?? 'payment refused' });

  const shipment = await call('shipping', '/shipments', { email: customer.body.email, name, items });
  if (shipment.status === 503) return res.status(503).json({ error: 'shipping is unavailable, please try again later' });
  if (shipment.status !== 201) return res.status(502).json({ error: shipment.body.error ?? 'shipping failed' });

  res.json({ ok: true, paymentId: payment.body.paymentId, trackingId: shipment.body.trackingId, totalCents: stock.body.totalCents });
});

app.get('/admin/faults', (req, res) => res.json(faults));

// Switches faults at run time, e.g. {"shippingDown": true}; shipping and payment hold their own switch.
app.post('/admin/faults', async (req, res) => {
  const change = req.body ?? {};
  const unknown = Object.keys(change).filter((k) => !(k in faults));
  if (unknown.length || Object.values(change).some((v) => typeof v !== 'boolean')) {
    return res.status(400).json({ error: `body must map outOfStock, shippingDown or slowPayment to true or false; got ${JSON.stringify(change)}` });
  }
  if ('shippingDown' in change) await call('shipping', '/admin/fault', { down: change.shippingDown }, 'PUT');
  if ('slowPayment' in change) await call('payment', '/admin/fault', { slow: change.slowPayment }, 'PUT');
  Object.assign(faults, change);
  res.json(faults);
});

/** Calls another service with JSON; fetch is instrumented, so each call is a client span of this trace. */
async function call(service, route, body, method = body === undefined ? 'GET' : 'POST') {
  const answer = await fetch(services[service] + route, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : {} };
}

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`api: set ${name}`);
  return value;
}

jsonErrors(app);
listen(app, 'api');
