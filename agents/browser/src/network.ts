import type { RequestTracer, TracedRequest } from './tracing';

/**
 * Wraps `fetch` and `XMLHttpRequest` so that traced requests carry `traceparent` and `baggage` and
 * end a chapter. The page keeps the exact semantics it had: the same response object (streaming
 * bodies untouched), the same rejection, abort and timeout behaviour. If anything of ours fails, the
 * request goes out unchanged. Returns the function that restores the originals.
 */
export function patchNetwork(win: Window & typeof globalThis, tracer: RequestTracer, onError: (e: unknown) => void): () => void {
  const restoreFetch = patchFetch(win, tracer, onError);
  const restoreXhr = patchXhr(win, tracer, onError);
  return () => {
    restoreFetch();
    restoreXhr();
  };
}

function patchFetch(win: Window & typeof globalThis, tracer: RequestTracer, onError: (e: unknown) => void): () => void {
  const original = win.fetch;
  if (typeof original !== 'function') return () => {};
  const patched = function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let traced: TracedRequest | null = null;
    let args: [RequestInfo | URL, RequestInit | undefined] = [input, init];
    try {
      const request = input instanceof Request ? input : null;
      // no-cors requests may only carry safelisted headers: they are opaque third-party calls anyway.
      if ((init?.mode ?? request?.mode) !== 'no-cors') {
        const headers = new Headers(init?.headers ?? request?.headers ?? undefined);
        traced = tracer.start(init?.method ?? request?.method ?? 'GET', request ? request.url : String(input), {
          traceparent: headers.get('traceparent'),
          baggage: headers.get('baggage'),
        });
        if (traced) {
          if (traced.traceparent) headers.set('traceparent', traced.traceparent);
          headers.set('baggage', traced.baggage);
          // Headers in init replace a Request's headers entirely, so the copy carries the page's too.
          args = [input, { ...init, headers }];
        }
      }
    } catch (e) {
      onError(e);
      traced = null;
      args = [input, init];
    }
    const result = original.apply(this, args);
    if (!traced) return result;
    const active = traced;
    return result.then(
      (response) => {
        safely(onError, () => active.end(response.status, null));
        return response;
      },
      (error: unknown) => {
        safely(onError, () => active.end(null, errorName(error)));
        throw error;
      },
    );
  };
  win.fetch = patched as typeof fetch;
  return () => {
    if (win.fetch === patched) win.fetch = original;
  };
}

interface XhrState {
  method: string;
  url: string;
  traceparent: string | null;
  baggage: string | null;
}

function patchXhr(win: Window & typeof globalThis, tracer: RequestTracer, onError: (e: unknown) => void): () => void {
  const Xhr = win.XMLHttpRequest;
  if (typeof Xhr !== 'function') return () => {};
  const proto = Xhr.prototype;
  const { open, send, setRequestHeader } = proto;
  const states = new WeakMap<XMLHttpRequest, XhrState>();

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    safely(onError, () => states.set(this, { method: String(method), url: String(url), traceparent: null, baggage: null }));
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;

  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    safely(onError, () => {
      const state = states.get(this);
      const lower = String(name).toLowerCase();
      if (state && lower === 'traceparent') state.traceparent = String(value);
      if (state && lower === 'baggage') state.baggage = String(value);
    });
    return setRequestHeader.call(this, name, value);
  };

  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    safely(onError, () => {
      const state = states.get(this);
      if (!state) return;
      const traced = tracer.start(state.method, state.url, { traceparent: state.traceparent, baggage: state.baggage });
      if (!traced) return;
      if (traced.traceparent) setRequestHeader.call(this, 'traceparent', traced.traceparent);
      // XHR joins a repeated header with ", ": the page's own members come first, ours are appended.
      setRequestHeader.call(this, 'baggage', state.baggage ? mergedTail(traced.baggage, state.baggage) : traced.baggage);
      let failure: string | null = null;
      const fail = (name: string) => () => { failure = name; };
      this.addEventListener('error', fail('NetworkError'));
      this.addEventListener('abort', fail('AbortError'));
      this.addEventListener('timeout', fail('TimeoutError'));
      this.addEventListener('loadend', () => safely(onError, () => traced.end(failure ? null : this.status, failure)));
    });
    return send.call(this, body);
  };

  return () => {
    proto.open = open;
    proto.send = send;
    proto.setRequestHeader = setRequestHeader;
  };
}

/** Our members of a merged baggage value, without the page's (the browser already holds those). */
function mergedTail(merged: string, pages: string): string {
  const own = new Set(pages.split(',').map((m) => m.trim()));
  return merged.split(',').filter((m) => !own.has(m)).join(',');
}

function errorName(error: unknown): string {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') return error.name;
  return 'NetworkError';
}

function safely(onError: (e: unknown) => void, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    onError(e);
  }
}
