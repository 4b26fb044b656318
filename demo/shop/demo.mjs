// `bin/demo` runs this once everything is built: Retrospect with its embedded store, then Bob's
// shop reporting to it. Ctrl-C stops both.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRetrospectAndShop } from './launch/retrospect-and-shop.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const env = process.env;
const port = (name, fallback) => Number(env[name] ?? fallback);
const base = port('SHOP_PORT', 3000);

const { retrospect, shop, stop } = await startRetrospectAndShop({
  dataDir: path.resolve(repoRoot, env.RETROSPECT_DATA_DIR ?? 'data-demo'),
  retrospectPorts: {
    http: port('RETROSPECT_HTTP_PORT', 3200),
    otlpHttp: port('RETROSPECT_OTLP_HTTP_PORT', 4318),
    otlpGrpc: port('RETROSPECT_OTLP_GRPC_PORT', 4317),
  },
  shopPorts: { api: base, authenticate: base + 1, inventory: base + 2, payment: base + 3, shipping: base + 4 },
});

console.log(`
  Bob's shop   ${shop.url}/
  Retrospect   ${retrospect.url}/

  Buy something in the shop, then find it in Retrospect (search for the email you used).
  The out-of-stock fault is on: cherries can be put into the cart. Switch faults with
    curl -X POST ${shop.url}/admin/faults -H 'content-type: application/json' \\
      -d '{"outOfStock": true, "shippingDown": true, "slowPayment": true}'

  Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the shop and Retrospect…');
    await stop();
    process.exit(0);
  });
}
