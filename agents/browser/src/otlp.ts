/** A finished client span: one traced fetch or XMLHttpRequest as the browser saw it. */
export interface ClientSpan {
  traceId: string;
  spanId: string;
  method: string;
  url: string;
  /** Epoch ms, with sub-ms fractions. */
  start: number;
  end: number;
  status: number | null;
  error: string | null;
  sessionId: string;
  chapterId: string;
}

const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** OTLP JSON (`ExportTraceServiceRequest`, hex ids) for the server's `POST /v1/traces`. */
export function otlpJson(service: string, version: string, spans: ClientSpan[]): string {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [str('service.name', service), str('telemetry.sdk.language', 'webjs')] },
      scopeSpans: [{ scope: { name: '@retrospect/browser', version }, spans: spans.map(otlpSpan) }],
    }],
  });
}

function otlpSpan(s: ClientSpan) {
  const attributes: Array<{ key: string; value: Record<string, string> }> = [
    str('http.request.method', s.method),
    str('url.full', s.url),
    str('session.id', s.sessionId),
    str('retrospect.chapter.id', s.chapterId),
  ];
  if (s.status !== null && s.status > 0) attributes.push({ key: 'http.response.status_code', value: { intValue: String(s.status) } });
  // HTTP semantic conventions: a client span fails on a network error and on any 4xx or 5xx answer
  // (a server span only on 5xx; that is the back end's to say), and error.type names why.
  const httpFailed = s.status !== null && s.status >= 400;
  if (s.error) attributes.push(str('error.type', s.error));
  else if (httpFailed) attributes.push(str('error.type', String(s.status)));
  const failed = s.error !== null || httpFailed;
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    name: `${s.method} ${pathOf(s.url)}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: nanos(s.start),
    endTimeUnixNano: nanos(Math.max(s.end, s.start)),
    attributes,
    status: failed ? { code: STATUS_ERROR, message: s.error ?? `HTTP ${s.status}` } : { code: STATUS_UNSET },
  };
}

function str(key: string, value: string) {
  return { key, value: { stringValue: value } };
}

/** Epoch ms to a nanosecond string: microsecond precision, which fits a double exactly. */
function nanos(ms: number): string {
  return `${Math.round(ms * 1000)}000`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
