// shipping: books the delivery. Fault (b): when "down", every shipment is refused with 503.
const { randomUUID } = require('node:crypto');
const { createService, listen, jsonErrors } = require('./service');

const app = createService();
let down = process.env.SHOP_FAULT_SHIPPING_DOWN === 'true';

app.post('/shipments', (req, res) => {
  if (down) return res.status(503).json({ error: 'shipping is down' });
  const { email, items } = req.body ?? {};
  if (!email || !Array.isArray(items) || items.length === 0) {
    return res.status(400).json({ error: 'a shipment needs an email and items' });
  }
  res.status(201).json({ trackingId: randomUUID(), email });
});

app.put('/admin/fault', (req, res) => {
  if (typeof req.body?.down !== 'boolean') return res.status(400).json({ error: 'body must be {"down": true|false}' });
  down = req.body.down;
  res.json({ down });
});

jsonErrors(app);
listen(app, 'shipping');
