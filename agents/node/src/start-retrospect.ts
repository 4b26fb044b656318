import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { CompositePropagator, getNumberFromEnv, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { SessionBaggageSpanProcessor } from './session-baggage-span-processor';

/** Where spans go when `RETROSPECT_ENDPOINT` is not set: a Retrospect server on this machine. */
export const DEFAULT_ENDPOINT = 'http://localhost:4318';

/** Options of {@link startRetrospect}; each defaults to its environment variable. */
export interface RetrospectOptions {
  /** `service.name` of this process (default `OTEL_SERVICE_NAME`). */
  serviceName?: string;
  /** Base URL of Retrospect's OTLP/HTTP endpoint (default `RETROSPECT_ENDPOINT`, else http://localhost:4318). */
  endpoint?: string;
  /** `http/protobuf` (default) or `http/json` (default `OTEL_EXPORTER_OTLP_PROTOCOL`). */
  protocol?: 'http/protobuf' | 'http/json';
}

let started: { sdk: NodeSDK; stop: () => Promise<void> } | undefined;

/**
 * Starts the OpenTelemetry SDK for Retrospect: auto-instrumentation of HTTP, Express, fetch and the
 * common database clients, W3C trace context and baggage, session baggage copied onto spans, and a
 * batching OTLP exporter. Must run before the application loads the modules it instruments, which
 * is why the `register` entry exists. Calling it twice returns the first SDK.
 */
export function startRetrospect(options: RetrospectOptions = {}): NodeSDK {
  if (started) return started.sdk;
  if (process.env.OTEL_LOG_LEVEL?.toLowerCase() === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);

  const endpoint = (options.endpoint ?? process.env.RETROSPECT_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const protocol = options.protocol ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const url = `${endpoint}/v1/traces`;
  const exporter: SpanExporter = protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtobufExporter({ url });

  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? process.env.OTEL_SERVICE_NAME,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    spanProcessors: [new SessionBaggageSpanProcessor(), batchFromEnv(exporter)],
    // Retrospect stores traces only; without these the SDK would also push metrics and logs to it.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation(),
      // Our own middleware's span would sit in every trace and tell the developer nothing.
      new ExpressInstrumentation({ ignoreLayers: ['middleware - retrospectMiddleware'] }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
      new MySQL2Instrumentation(),
      new MongoDBInstrumentation(),
      new RedisInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  started = { sdk, stop: flushOnExit(sdk) };
  return sdk;
}

/** A batching processor tuned by the standard `OTEL_BSP_*` variables, as the SDK's own default would be. */
function batchFromEnv(exporter: SpanExporter): BatchSpanProcessor {
  return new BatchSpanProcessor({
    exporter,
    maxQueueSize: getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
    maxExportBatchSize: getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  });
}

/** Flushes and stops the SDK started by {@link startRetrospect}; spans still buffered are sent first. */
export async function stopRetrospect(): Promise<void> {
  const current = started;
  started = undefined;
  await current?.stop();
}

/**
 * Sends buffered spans before the process goes away. On a signal the process must still exit as it
 * would have without us: when the application has its own handler it decides, otherwise we exit
 * with the signal once the spans are out.
 */
function flushOnExit(sdk: NodeSDK): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= sdk.shutdown().catch((err) => diag.error('retrospect: flushing spans failed', err)));

  const onSignal = (signal: NodeJS.Signals) => {
    const applicationHandles = process.listenerCount(signal) > 1;
    void stop().then(() => {
      if (applicationHandles) return;
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => void stop();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.once('beforeExit', onBeforeExit);
  return async () => {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    await stop();
  };
}
