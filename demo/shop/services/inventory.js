// inventory: products and stock in SQLite. Each query is its own span, made inside the request, so
// it carries the customer's session like any other span of the request.
const initSqlJs = require('sql.js');
const { SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');
const { createService, listen, jsonErrors } = require('./service');

const tracer = trace.getTracer('inventory-db');

/** Products and stock, in an in-memory SQLite database (SQLite compiled to WebAssembly: nothing to build). */
async function openDatabase() {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE products (
    sku TEXT PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL, stock INTEGER NOT NULL)`);
  for (const row of [
    ['apples', 'Apples', 299, 500],
    ['bananas', 'Bananas', 199, 500],
    ['cherries', 'Cherries', 899, 0],
    ['dates', 'Dates', 649, 500],
  ]) db.run('INSERT INTO products VALUES (?, ?, ?, ?)', row);
  return db;
}

/**
 * Runs one statement for each parameter list, in one transaction, as a database client span named
 * as OpenTelemetry's database conventions say; returns the rows of every run.
 */
function query(db, operation, sql, ...paramLists) {
  const attributes = { 'db.system.name': 'sqlite', 'db.namespace': 'inventory', 'db.operation.name': operation, 'db.query.text': sql };
  return tracer.startActiveSpan(`${operation} products`, { kind: SpanKind.CLIENT, attributes }, (span) => {
    const statement = db.prepare(sql);
    try {
      db.run('BEGIN');
      const rows = [];
      for (const params of paramLists.length ? paramLists : [[]]) {
        statement.bind(params);
        while (statement.step()) rows.push(statement.getAsObject());
        statement.reset();
      }
      db.run('COMMIT');
      return rows;
    } catch (err) {
      db.run('ROLLBACK');
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw err;
    } finally {
      statement.free();
      span.end();
    }
  });
}

async function main() {
  const db = await openDatabase();
  const app = createService();

  app.get('/products', (req, res) => {
    const products = query(db, 'SELECT', 'SELECT sku, name, price_cents AS priceCents, stock FROM products ORDER BY name');
    res.json({ products });
  });

  // Reserves every item or none. When one is short, the caller is sent to /not-available for it.
  app.post('/reserve', (req, res) => {
    const items = req.body?.items;
    if (!Array.isArray(items) || items.length === 0 || !items.every(validItem)) {
      return res.status(400).json({ error: 'items must be a non-empty list of {"sku": string, "quantity": positive integer}' });
    }
    const rows = query(db, 'SELECT', `SELECT sku, price_cents AS priceCents, stock FROM products WHERE sku IN (${items.map(() => '?').join(',')})`,
      items.map((i) => i.sku));
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    const short = items.find((i) => (bySku.get(i.sku)?.stock ?? 0) < i.quantity);
    if (short) return res.redirect(303, `/not-available?sku=${encodeURIComponent(short.sku)}`);

    query(db, 'UPDATE', 'UPDATE products SET stock = stock - ? WHERE sku = ?', ...items.map((i) => [i.quantity, i.sku]));
    const totalCents = items.reduce((sum, i) => sum + bySku.get(i.sku).priceCents * i.quantity, 0);
    res.json({ reserved: true, totalCents });
  });

  app.get('/not-available', (req, res) => {
    const sku = String(req.query.sku ?? '');
    const [product] = query(db, 'SELECT', 'SELECT sku, name, stock FROM products WHERE sku = ?', [sku]);
    res.json({ available: false, sku, name: product?.name ?? null, stock: product?.stock ?? 0 });
  });

  jsonErrors(app);
  listen(app, 'inventory');
}

function validItem(item) {
  return typeof item?.sku === 'string' && Number.isInteger(item.quantity) && item.quantity > 0;
}

main().catch((err) => {
  console.error('inventory could not start:', err);
  process.exit(1);
});
