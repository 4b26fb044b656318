import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Chapters } from '../src/chapters';
import { patchNetwork } from '../src/network';
import type { ClientSpan } from '../src/otlp';
import { PropagationRules } from '../src/propagation';
import { SessionStore } from '../src/session';
import { RequestTracer } from '../src/tracing';

const ORIGIN = 'https://shop.example.com';
const COLLECTOR = 'https://retrospect.example.com:3200';

interface Sent {
  input: RequestInfo | URL;
  init?: RequestInit;
  headers: Headers;
}

/** A window whose fetch and XMLHttpRequest record what the page would have sent. */
function fakeWindow(answer: (url: string) => Promise<Response>) {
  const sent: Sent[] = [];
  const xhrs: FakeXhr[] = [];
  class FakeXhr extends EventTarget {
    status = 0;
    url = '';
    headers: Array<[string, string]> = [];
    constructor() {
      super();
      xhrs.push(this);
    }
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.headers.push([name.toLowerCase(), value]);
    }
    send() {}
    /** Plays the browser's part: the response or failure arrives. */
    finish(status: number, failure?: 'error' | 'abort' | 'timeout') {
      this.status = failure ? 0 : status;
      if (failure) this.dispatchEvent(new Event(failure));
      else this.dispatchEvent(new Event('load'));
      this.dispatchEvent(new Event('loadend'));
    }
    header(name: string) {
      return this.headers.filter(([n]) => n === name).map(([, v]) => v).join(', ') || null;
    }
  }
  const win = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      sent.push({ input, init, headers });
      return answer(input instanceof Request ? input.url : String(input));
    },
    XMLHttpRequest: FakeXhr,
  } as unknown as Window & typeof globalThis;
  return { win, sent, xhrs };
}

function setUp(propagateTo: Array<string | RegExp> = [], answer = (_url: string) => Promise.resolve(new Response('{}', { status: 200 }))) {
  sessionStorage.clear();
  const session = new SessionStore(sessionStorage, 1, Date.now());
  const chapters = new Chapters(session);
  const first = chapters.open(Date.now());
  const spans: ClientSpan[] = [];
  const errors: unknown[] = [];
  const tracer = new RequestTracer(new PropagationRules(ORIGIN, COLLECTOR, propagateTo), chapters, {
    sessionId: () => session.current.id,
    span: (s) => spans.push(s),
  });
  const fake = fakeWindow(answer);
  const restore = patchNetwork(fake.win, tracer, (e) => errors.push(e));
  return { ...fake, session, chapters, first, spans, errors, restore };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('chapters', () => {
  it('each traced request closes the open chapter with its trace id and opens the next', async () => {
    const t = setUp();
    await t.win.fetch('/api/cart', { method: 'POST' });
    await t.win.fetch('/api/checkout', { method: 'POST' });
    const [cart, checkout] = t.sent.map((s) => s.headers.get('traceparent')!.match(TRACEPARENT)![1]);
    const reports = t.chapters.takeReports();
    expect(reports.map((c) => c.sequence)).toEqual([0, 1, 2]);
    expect(reports[0]).toMatchObject({ chapterId: t.first.chapterId, traceId: cart, method: 'POST', url: `${ORIGIN}/api/cart`, status: 200, error: null });
    expect(reports[1]).toMatchObject({ traceId: checkout, url: `${ORIGIN}/api/checkout`, status: 200 });
    expect(reports[2]).toMatchObject({ traceId: null, requestTime: null });
    expect(reports[0].duration).toBeGreaterThanOrEqual(0);
    expect(reports[1].firstEventTime).toBe(reports[0].requestTime);
  });

  it('baggage names the session and the chapter the request closes', async () => {
    const t = setUp();
    await t.win.fetch('/api/cart');
    expect(t.sent[0].headers.get('baggage')).toBe(`session.id=${t.session.current.id},retrospect.chapter.id=${t.first.chapterId}`);
  });

  it('continue across page loads: the next page closes the chapter the previous one left open', () => {
    const t = setUp();
    const nextPage = new Chapters(new SessionStore(sessionStorage, 1, Date.now()));
    expect(nextPage.open(Date.now()).chapterId).toBe(t.first.chapterId);
  });

  it('a client span is reported per traced request, with the same ids as the headers', async () => {
    const t = setUp([], () => Promise.resolve(new Response('', { status: 503 })));
    await t.win.fetch('/api/pay', { method: 'put' });
    const [, traceId, spanId] = t.sent[0].headers.get('traceparent')!.match(TRACEPARENT)!;
    expect(t.spans).toEqual([expect.objectContaining({ traceId, spanId, method: 'PUT', url: `${ORIGIN}/api/pay`, status: 503, error: null, sessionId: t.session.current.id, chapterId: t.first.chapterId })]);
  });
});

describe('fetch wrapper', () => {
  it('adds headers given as an object, an array, a Headers or a Request, keeping the page\'s own', async () => {
    const t = setUp();
    await t.win.fetch('/a', { headers: { 'x-page': '1' } });
    await t.win.fetch('/b', { headers: [['x-page', '2']] });
    await t.win.fetch('/c', { headers: new Headers({ 'x-page': '3' }) });
    await t.win.fetch(new Request(`${ORIGIN}/d`, { method: 'POST', headers: { 'x-page': '4' }, body: 'x' }));
    expect(t.sent.map((s) => s.headers.get('x-page'))).toEqual(['1', '2', '3', '4']);
    for (const s of t.sent) expect(s.headers.get('traceparent')).toMatch(TRACEPARENT);
    expect(t.spans.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'POST']);
  });

  it('merges the page\'s baggage instead of replacing it', async () => {
    const t = setUp();
    await t.win.fetch('/a', { headers: { baggage: 'tenant=acme' } });
    expect(t.sent[0].headers.get('baggage')).toMatch(/^tenant=acme,session\.id=[0-9a-f]{32},retrospect\.chapter\.id=[0-9a-f]{32}$/);
  });

  it('keeps a traceparent the page set itself and makes its trace the chapter\'s', async () => {
    const t = setUp();
    const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await t.win.fetch('/a', { headers: { traceparent: own } });
    expect(t.sent[0].headers.get('traceparent')).toBe(own);
    expect(t.chapters.takeReports()[0].traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(t.spans).toEqual([]);
  });

  it('sends nothing to third parties, the collector or no-cors requests, and leaves their arguments alone', async () => {
    const t = setUp();
    const init = { headers: { 'x-page': '1' } };
    await t.win.fetch('https://api.stripe.com/v1/tokens', init);
    await t.win.fetch(`${COLLECTOR}/v1/replay`, { method: 'POST' });
    await t.win.fetch('/img', { mode: 'no-cors' });
    for (const s of t.sent) {
      expect(s.headers.get('traceparent')).toBeNull();
      expect(s.headers.get('baggage')).toBeNull();
    }
    expect(t.sent[0].init).toBe(init);
    expect(t.chapters.takeReports()).toHaveLength(1); // only the first, still open chapter
  });

  it('sends headers to origins that propagateTo allows', async () => {
    const t = setUp(['https://api.example.com']);
    await t.win.fetch('https://api.example.com/orders');
    expect(t.sent[0].headers.get('traceparent')).toMatch(TRACEPARENT);
  });

  it('returns the very response object, and rejects with the very error, the page would have had', async () => {
    const response = new Response('stream me', { status: 201 });
    const t = setUp([], () => Promise.resolve(response));
    expect(await t.win.fetch('/a')).toBe(response);
    expect(await (await t.win.fetch('/a')).text()).toBe('stream me');

    const abort = new DOMException('The user aborted a request.', 'AbortError');
    const failing = setUp([], () => Promise.reject(abort));
    await expect(failing.win.fetch('/a')).rejects.toBe(abort);
    expect(failing.spans[0]).toMatchObject({ status: null, error: 'AbortError' });
    expect(failing.chapters.takeReports()[0]).toMatchObject({ status: null, error: 'AbortError' });
  });

  it('restores the original fetch and XMLHttpRequest methods on stop', () => {
    const t = setUp();
    const patchedSend = t.win.XMLHttpRequest.prototype.send;
    t.restore();
    expect(t.win.XMLHttpRequest.prototype.send).not.toBe(patchedSend);
  });
});

describe('XMLHttpRequest wrapper', () => {
  it('adds traceparent and baggage at send, and ends the chapter when the response arrives', () => {
    const t = setUp();
    const xhr = new t.win.XMLHttpRequest() as unknown as InstanceType<typeof t.win.XMLHttpRequest> & { finish(s: number, f?: string): void; header(n: string): string | null };
    xhr.open('post', '/api/cart');
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.send('{}');
    expect(xhr.header('traceparent')).toMatch(TRACEPARENT);
    expect(xhr.header('baggage')).toMatch(/^session\.id=[0-9a-f]{32},retrospect\.chapter\.id=[0-9a-f]{32}$/);
    expect(t.spans).toHaveLength(0);
    xhr.finish(200);
    expect(t.spans[0]).toMatchObject({ method: 'POST', url: `${ORIGIN}/api/cart`, status: 200, error: null });
  });

  it('appends our baggage to the page\'s (the browser joins repeated headers with a comma)', () => {
    const t = setUp();
    const xhr = new t.win.XMLHttpRequest() as unknown as XMLHttpRequest & { header(n: string): string | null };
    xhr.open('GET', '/api/cart');
    xhr.setRequestHeader('baggage', 'tenant=acme');
    xhr.send();
    expect(xhr.header('baggage')).toMatch(/^tenant=acme, session\.id=[0-9a-f]{32},retrospect\.chapter\.id=[0-9a-f]{32}$/);
  });

  it('records network errors and aborts, and leaves third-party requests untouched', () => {
    const t = setUp();
    const failed = new t.win.XMLHttpRequest() as unknown as XMLHttpRequest & { finish(s: number, f?: string): void };
    failed.open('GET', '/api/slow');
    failed.send();
    failed.finish(0, 'timeout');
    expect(t.spans[0]).toMatchObject({ status: null, error: 'TimeoutError' });

    const third = new t.win.XMLHttpRequest() as unknown as XMLHttpRequest & { header(n: string): string | null };
    third.open('GET', 'https://cdn.other.com/x.json');
    third.send();
    expect(third.header('traceparent')).toBeNull();
    expect(third.header('baggage')).toBeNull();
  });
});

describe('never breaking the page', () => {
  let t: ReturnType<typeof setUp>;
  beforeEach(() => {
    t = setUp();
  });

  it('a failure inside the agent sends the request unchanged and is not thrown', async () => {
    const random = vi.spyOn(crypto, 'getRandomValues').mockImplementation(() => {
      throw new Error('agent bug');
    });
    try {
      const init = { method: 'POST', headers: { 'x-page': '1' } };
      await expect(t.win.fetch('/a', init)).resolves.toBeInstanceOf(Response);
      expect(t.sent[0].init).toBe(init);
      const xhr = new t.win.XMLHttpRequest() as unknown as XMLHttpRequest & { header(n: string): string | null };
      xhr.open('GET', '/b');
      expect(() => xhr.send()).not.toThrow();
      expect(xhr.header('traceparent')).toBeNull();
      expect(t.errors).toHaveLength(2);
    } finally {
      random.mockRestore();
    }
  });
});
