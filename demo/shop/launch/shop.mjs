// Starts Bob's shop: four Node services with @retrospect/node and the Java payment service with the
// OpenTelemetry Java agent, all on loopback, each reporting its spans to Retrospect.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startChild } from './child-process.mjs';

const shopDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = path.join(shopDir, '.cache');

/** The OpenTelemetry Java agent the payment service runs with, from Maven Central. */
export const JAVA_AGENT = 'io.opentelemetry.javaagent:opentelemetry-javaagent:2.33.1';

/** The browser agent's single-file build, served to the shop's pages as /retrospect.js. */
export const BROWSER_AGENT = path.join(shopDir, '..', '..', 'agents', 'browser', 'dist', 'retrospect.iife.js');

const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * Fetches the Java agent into the cache (Maven's own `dependency:copy`, so it comes from Maven
 * Central like the server's libraries) and compiles Payment.java when it changed.
 */
export async function preparePayment() {
  const [group, artifact, version] = JAVA_AGENT.split(':');
  const agentJar = path.join(cacheDir, `${artifact}-${version}.jar`);
  if (!existsSync(agentJar)) {
    await run('mvn', ['-q', '-B', '-ntp', 'dependency:copy', `-Dartifact=${group}:${artifact}:${version}`, `-DoutputDirectory=${cacheDir}`], { cwd: shopDir });
  }
  const source = path.join(shopDir, 'payment', 'Payment.java');
  const classesDir = path.join(cacheDir, 'payment-classes');
  const compiled = path.join(classesDir, 'Payment.class');
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(classesDir, { recursive: true });
    await run('javac', ['-d', classesDir, source]);
  }
  return { agentJar, classesDir };
}

/**
 * Starts every service and resolves with their URLs once all listen. `ports` fixes a service's
 * port (0 or absent: any free port). `faults` sets the planted faults at start; the api's
 * `POST /admin/faults` switches them later.
 *
 * @param {object} options
 * @param {string} options.otlpEndpoint base URL of Retrospect's OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318
 * @param {string} options.retrospectUrl Retrospect's UI port as the browser reaches it, e.g. http://127.0.0.1:3200
 * @param {{api?: number, authenticate?: number, inventory?: number, payment?: number, shipping?: number}} [options.ports]
 * @param {{outOfStock?: boolean, shippingDown?: boolean, slowPayment?: boolean}} [options.faults]
 * @param {number} [options.exportDelayMs] how long spans wait in a batch before they are sent (SDK default 5000)
 * @param {(line: string) => void} [options.output] where the services' output goes
 */
export async function startShop({ otlpEndpoint, retrospectUrl, ports = {}, faults = {}, exportDelayMs, output }) {
  const payment = await preparePayment();
  const faultEnv = {
    SHOP_FAULT_OUT_OF_STOCK: String(faults.outOfStock ?? true),
    SHOP_FAULT_SHIPPING_DOWN: String(faults.shippingDown ?? false),
    SHOP_FAULT_SLOW_PAYMENT: String(faults.slowPayment ?? false),
  };
  const batchEnv = exportDelayMs === undefined ? {} : { OTEL_BSP_SCHEDULE_DELAY: String(exportDelayMs) };
  const started = [];
  const start = async (name, command, args, env) => {
    const child = await startChild({
      name, command, args, cwd: shopDir, ready: LISTENING, output,
      env: { ...faultEnv, ...batchEnv, OTEL_SERVICE_NAME: name, PORT: String(ports[name] ?? 0), ...env },
    });
    started.push(child);
    return child.match[1];
  };
  const node = (name, env = {}) =>
    start(name, process.execPath, ['--require', '@retrospect/node/register', path.join('services', `${name}.js`)], {
      RETROSPECT_ENDPOINT: otlpEndpoint,
      ...env,
    });

  try {
    const backends = await Promise.allSettled([
      node('authenticate'),
      node('inventory'),
      start('payment', 'java', [`-javaagent:${payment.agentJar}`, '-cp', payment.classesDir, 'Payment'], {
        // No Retrospect code in payment: the standard agent settings point it at Retrospect.
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_PROPAGATORS: 'tracecontext,baggage',
        OTEL_JAVA_EXPERIMENTAL_SPAN_ATTRIBUTES_COPY_FROM_BAGGAGE_INCLUDE: 'session.id,retrospect.chapter.id',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      }),
      node('shipping'),
    ]);
    const failed = backends.find((b) => b.status === 'rejected');
    if (failed) throw failed.reason;
    const [authenticate, inventory, paymentUrl, shipping] = backends.map((b) => b.value);
    const api = await node('api', {
      AUTHENTICATE_URL: authenticate,
      INVENTORY_URL: inventory,
      PAYMENT_URL: paymentUrl,
      SHIPPING_URL: shipping,
      RETROSPECT_URL: retrospectUrl,
      RETROSPECT_BROWSER_AGENT: BROWSER_AGENT,
    });
    return {
      url: api,
      services: { api, authenticate, inventory, payment: paymentUrl, shipping },
      stop: () => Promise.all(started.map((c) => c.stop())),
    };
  } catch (err) {
    await Promise.all(started.map((c) => c.stop()));
    throw err;
  }
}
