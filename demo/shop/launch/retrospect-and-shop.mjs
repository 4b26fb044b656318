// Retrospect and Bob's shop together, as bin/demo and the end-to-end tests run them.
import { createServer } from 'node:net';
import { startRetrospectServer } from './retrospect-server.mjs';
import { startShop } from './shop.mjs';

/**
 * Starts the server and the shop at the same time (the JVMs take a while to start; the shop sends
 * nothing until it gets requests, so it need not wait for the server). Port 0 picks a free port.
 *
 * @param {object} options
 * @param {string} options.dataDir the embedded store's directory
 * @param {{http?: number, otlpHttp?: number, otlpGrpc?: number}} [options.retrospectPorts]
 * @param {object} [options.shopPorts] as {@link startShop}'s `ports`
 * @param {number} [options.exportDelayMs] as {@link startShop}'s
 * @param {(line: string) => void} [options.output] where every process's output goes
 */
export async function startRetrospectAndShop({ dataDir, retrospectPorts = {}, shopPorts, exportDelayMs, output }) {
  const httpPort = retrospectPorts.http || (await freePort());
  const otlpHttpPort = retrospectPorts.otlpHttp || (await freePort());
  const otlpGrpcPort = retrospectPorts.otlpGrpc || (await freePort());
  const [retrospect, shop] = await Promise.allSettled([
    startRetrospectServer({ dataDir, httpPort, otlpHttpPort, otlpGrpcPort, output }),
    startShop({
      otlpEndpoint: `http://127.0.0.1:${otlpHttpPort}`,
      retrospectUrl: `http://127.0.0.1:${httpPort}`,
      ports: shopPorts,
      exportDelayMs,
      output,
    }),
  ]);
  if (retrospect.status === 'rejected' || shop.status === 'rejected') {
    // Stop the shop first, so that it can still send its last spans.
    if (shop.status === 'fulfilled') await shop.value.stop();
    if (retrospect.status === 'fulfilled') await retrospect.value.stop();
    throw retrospect.reason ?? shop.reason;
  }
  return {
    retrospect: retrospect.value,
    shop: shop.value,
    async stop() {
      await shop.value.stop();
      await retrospect.value.stop();
    },
  };
}

/** A port free right now on loopback; the server is given it by number, since the shop must know it first. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
