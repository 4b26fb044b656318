// inventory: products and stock in SQLite. Each query is its own span, made inside the request, so
// it carries the customer's session like any other span of the request.
const Database = require('better-sqlite3');
const { SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');
const { createService, listen, jsonErrors } = require('./service');

const db = new Database(':memory:');
db.exec(`CREATE TABLE products (
  sku TEXT PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL, stock INTEGER NOT NULL)`);
const seed = db.prepare('INSERT INTO products VALUES (?, ?, ?, ?)');
for (const row of [
  ['apples', 'Apples', 299, 500],
  ['bananas', 'Bananas', 199, 500],
  ['cherries', 'Cherries', 899, 0],
  ['dates', 'Dates', 649, 500],
]) seed.run(...row);

const tracer = trace.getTracer('inventory-db');

/** Runs one statement as a database client span, named as OpenTelemetry's database conventions say. */
function query(operation, sql, run) {
  const attributes = { 'db.system.name': 'sqlite', 'db.namespace': 'inventory', 'db.operation.name': operation, 'db.query.text': sql };
  return tracer.startActiveSpan(`${operation} products`, { kind: SpanKind.CLIENT, attributes }, (span) => {
    try {
      return run(db.prepare(sql));
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

const app = createService();

app.get('/products', (req, res) => {
  const products = query('SELECT', 'SELECT sku, name, price_cents AS priceCents, stock FROM products ORDER BY name', (s) => s.all());
  res.json({ products });
});

// Reserves every item or none. When one is short, the caller is sent to /not-available for it.
app.post('/reserve', (req, res) => {
  const items = req.body?.items;
  if (!Array.isArray(items) || items.length === 0 || !items.every(validItem)) {
    return res.status(400).json({ error: 'items must be a non-empty list of {"sku": string, "quantity": positive integer}' });
  }
  const rows = query('SELECT', `SELECT sku, price_cents AS priceCents, stock FROM products WHERE sku IN (${items.map(() => '?').join(',')})`,
    (s) => s.all(...items.map((i) => i.sku)));
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const short = items.find((i) => (bySku.get(i.sku)?.stock ?? 0) < i.quantity);
  if (short) return res.redirect(303, `/not-available?sku=${encodeURIComponent(short.sku)}`);

  query('UPDATE', 'UPDATE products SET stock = stock - ? WHERE sku = ?', (s) => {
    db.transaction(() => items.forEach((i) => s.run(i.quantity, i.sku)))();
  });
  const totalCents = items.reduce((sum, i) => sum + bySku.get(i.sku).priceCents * i.quantity, 0);
  res.json({ reserved: true, totalCents });
});

app.get('/not-available', (req, res) => {
  const sku = String(req.query.sku ?? '');
  const product = query('SELECT', 'SELECT sku, name, stock FROM products WHERE sku = ?', (s) => s.get(sku));
  res.json({ available: false, sku, name: product?.name ?? null, stock: product?.stock ?? 0 });
});

function validItem(item) {
  return typeof item?.sku === 'string' && Number.isInteger(item.quantity) && item.quantity > 0;
}

jsonErrors(app);
listen(app, 'inventory');
