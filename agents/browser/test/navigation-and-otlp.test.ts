import { describe, expect, it } from 'vitest';
import { tracedNavigation } from '../src/navigation';
import { otlpJson, type ClientSpan } from '../src/otlp';

function performanceWith(entry: Record<string, unknown> | null) {
  return { timeOrigin: 1_764_150_000_000, getEntriesByType: () => (entry ? [entry] : []) } as unknown as Performance;
}

describe('full-page navigation', () => {
  it('takes the page load\'s trace id from Server-Timing traceparent', () => {
    const nav = tracedNavigation(performanceWith({
      name: 'https://shop.example.com/checkout', startTime: 0, responseEnd: 84.5, responseStatus: 200,
      serverTiming: [{ name: 'cache', description: 'hit' }, { name: 'traceparent', description: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }],
    }));
    expect(nav).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736', requestTime: 1_764_150_000_000, method: 'GET',
      url: 'https://shop.example.com/checkout', status: 200, duration: 84.5,
    });
  });

  it('is null without a usable traceparent', () => {
    expect(tracedNavigation(performanceWith(null))).toBeNull();
    expect(tracedNavigation(performanceWith({ name: 'x', startTime: 0, responseEnd: 1, serverTiming: [] }))).toBeNull();
    expect(tracedNavigation(performanceWith({ name: 'x', startTime: 0, responseEnd: 1, serverTiming: [{ name: 'traceparent', description: 'junk' }] }))).toBeNull();
  });
});

describe('client spans as OTLP JSON', () => {
  const span: ClientSpan = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', method: 'POST',
    url: 'https://shop.example.com/api/checkout?x=1', start: 1_764_150_000_123.456, end: 1_764_150_000_158.5,
    status: 200, error: null, sessionId: 'a'.repeat(32), chapterId: 'b'.repeat(32),
  };

  it('carries hex ids, kind CLIENT, nanosecond times, service.name and the linking attributes', () => {
    const body = JSON.parse(otlpJson('shop-web', '1.2.3', [span]));
    const rs = body.resourceSpans[0];
    expect(rs.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'shop-web' } });
    expect(rs.scopeSpans[0].scope).toEqual({ name: '@retrospect/browser', version: '1.2.3' });
    const s = rs.scopeSpans[0].spans[0];
    expect(s).toMatchObject({
      traceId: span.traceId, spanId: span.spanId, name: 'POST /api/checkout', kind: 3,
      startTimeUnixNano: '1764150000123456000', endTimeUnixNano: '1764150000158500000', status: { code: 0 },
    });
    expect(s.attributes).toEqual([
      { key: 'http.request.method', value: { stringValue: 'POST' } },
      { key: 'url.full', value: { stringValue: span.url } },
      { key: 'session.id', value: { stringValue: span.sessionId } },
      { key: 'retrospect.chapter.id', value: { stringValue: span.chapterId } },
      { key: 'http.response.status_code', value: { intValue: '200' } },
    ]);
  });

  it('marks network errors, 4xx and 5xx answers as ERROR, as the HTTP conventions ask of client spans', () => {
    const [failed, unavailable, notFound, redirected] = JSON.parse(otlpJson('web', '1', [
      { ...span, status: null, error: 'NetworkError' }, { ...span, status: 503 }, { ...span, status: 404 }, { ...span, status: 304 },
    ])).resourceSpans[0].scopeSpans[0].spans;
    expect(failed.status).toEqual({ code: 2, message: 'NetworkError' });
    expect(failed.attributes).toContainEqual({ key: 'error.type', value: { stringValue: 'NetworkError' } });
    expect(unavailable.status).toEqual({ code: 2, message: 'HTTP 503' });
    expect(unavailable.attributes).toContainEqual({ key: 'error.type', value: { stringValue: '503' } });
    expect(notFound.status).toEqual({ code: 2, message: 'HTTP 404' });
    expect(notFound.attributes).toContainEqual({ key: 'error.type', value: { stringValue: '404' } });
    expect(redirected.status).toEqual({ code: 0 });
    expect(redirected.attributes.map((a: { key: string }) => a.key)).not.toContain('error.type');
  });
});
