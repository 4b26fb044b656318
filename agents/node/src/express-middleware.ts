import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { context, trace, type Span } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { captureBody, DEFAULT_MAX_BODY_LENGTH } from './redact-body';

/** Options of the {@link retrospect} middleware. */
export interface RetrospectMiddlewareOptions {
  /** Longest request body stored on the span, in characters (default 8192). */
  maxBodyLength?: number;
}

type Next = (err?: unknown) => void;
type RequestWithBody = IncomingMessage & { body?: unknown };

/**
 * Express middleware: stores the JSON request body (redacted, size-capped) and the response status
 * on the request's server span, and tells the browser which trace served an HTML page through a
 * `Server-Timing: traceparent` header, which the browser agent reads from the navigation entry to
 * link a full page load to its session.
 *
 * Mount it before the routes; it reads `req.body` when the response finishes, so it works whether
 * `express.json()` comes before or after it.
 */
export function retrospect(options: RetrospectMiddlewareOptions = {}) {
  const maxBodyLength = options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH;
  // start-retrospect.ts leaves this function's layer out of the Express spans by its name.
  return function retrospectMiddleware(req: RequestWithBody, res: ServerResponse, next: Next): void {
    const span = serverSpan();
    if (!span) return next();
    announceTraceOnHtml(res, span);
    res.once('finish', () => {
      const body = captureBody(req.body, maxBodyLength);
      if (body !== undefined) span.setAttribute('http.request.body', body);
      span.setAttribute('http.response.status_code', res.statusCode);
    });
    next();
  };
}

/**
 * The span of the incoming request. Express instrumentation makes the active span a middleware
 * span; the HTTP instrumentation keeps the server span in the RPC metadata of the context.
 */
function serverSpan(): Span | undefined {
  const active = context.active();
  const span = getRPCMetadata(active)?.span ?? trace.getSpan(active);
  return span?.isRecording() ? span : undefined;
}

/** Adds the Server-Timing header just before the headers go out, when the answer turns out to be HTML. */
function announceTraceOnHtml(res: ServerResponse, span: Span): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithTraceparent(this: ServerResponse, ...args: unknown[]) {
    if (isHtml(this, args)) {
      const { traceId, spanId, traceFlags } = span.spanContext();
      const flags = traceFlags.toString(16).padStart(2, '0');
      const entry = `traceparent;desc="00-${traceId}-${spanId}-${flags}"`;
      const existing = this.getHeader('Server-Timing');
      this.setHeader('Server-Timing', existing ? `${existing}, ${entry}` : entry);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

function isHtml(res: ServerResponse, writeHeadArgs: unknown[]): boolean {
  const headers = writeHeadArgs.find((a): a is OutgoingHttpHeaders => typeof a === 'object' && a !== null && !Array.isArray(a));
  const fromArgs = headers && Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const contentType = String(fromArgs ?? res.getHeader('Content-Type') ?? '');
  return contentType.toLowerCase().startsWith('text/html');
}
