import { describe, expect, it } from 'vitest';
import { KEEPALIVE_MAX_BYTES, retryAfterMs, RETRY_BASE_MS, RETRY_MAX_MS, Transport, type TransportEnv } from '../src/transport';

const ENDPOINT = 'https://retrospect.example.com:3200';

interface Call {
  url: string;
  init: RequestInit;
}

/** Fake browser for the transport: scripted answers, a manual clock for timers, recorded beacons. */
function harness(answers: Array<number | 'network-error' | [number, string]>, opts: { maxBufferBytes?: number; gzip?: boolean } = {}) {
  const calls: Call[] = [];
  const beacons: Array<{ url: string; body: Blob }> = [];
  const timers: Array<{ at: number; fn: () => void }> = [];
  const delays: number[] = [];
  let now = 0;
  const env: TransportEnv = {
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const answer = answers.length ? answers.shift()! : 200;
      if (answer === 'network-error') throw new TypeError('Failed to fetch');
      const [status, retryAfter] = Array.isArray(answer) ? answer : [answer, null];
      return new Response('{}', { status, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
    }) as typeof fetch,
    sendBeacon: (url, body) => {
      beacons.push({ url, body });
      return true;
    },
    gzip: opts.gzip ? async (text) => new TextEncoder().encode(`gz:${text.length}`) : null,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (t) => {
      const i = timers.indexOf(t as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    random: () => 1,
  };
  const transport = new Transport(ENDPOINT, opts.maxBufferBytes ?? 1_000_000, env, (e) => { throw e; });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Moves the manual clock forward, firing due timers, letting promises settle in between. */
  async function advance(ms: number) {
    await settle();
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.fn();
      await settle();
      await settle();
    }
    now = until;
  }
  const bodies = () => calls.map((c) => JSON.parse(c.init.body as string).n);
  return { transport, calls, beacons, delays, advance, bodies };
}

describe('transport', () => {
  it('sends payloads in order, replay as text/plain and spans as OTLP JSON', async () => {
    const h = harness([]);
    h.transport.enqueue('/v1/replay', '{"n":0}', 3);
    h.transport.enqueue('/v1/traces', '{"n":1}', 0);
    await h.advance(0);
    expect(h.calls.map((c) => c.url)).toEqual([`${ENDPOINT}/v1/replay`, `${ENDPOINT}/v1/traces`]);
    expect(h.calls[0].init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
    expect(h.calls[1].init.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(h.transport.pending).toBe(0);
  });

  it('sends compressed bodies where the browser can gzip, marking OTLP with Content-Encoding', async () => {
    const h = harness([], { gzip: true });
    h.transport.enqueue('/v1/replay', '{"n":0}', 1);
    h.transport.enqueue('/v1/traces', '{"n":1}', 0);
    await h.advance(0);
    expect(new TextDecoder().decode(h.calls[0].init.body as Uint8Array)).toBe('gz:7');
    expect(h.calls[0].init.headers).toEqual({ 'Content-Type': 'text/plain' });
    expect(h.calls[1].init.headers).toEqual({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
  });

  it('retries network errors, 429 and 503 with exponential backoff, the same payload each time', async () => {
    const h = harness(['network-error', 503, 429, 'network-error', 200]);
    h.transport.enqueue('/v1/replay', '{"n":7}', 1);
    await h.advance(10 * RETRY_MAX_MS);
    expect(h.bodies()).toEqual([7, 7, 7, 7, 7]);
    expect(h.delays).toEqual([RETRY_BASE_MS, 2 * RETRY_BASE_MS, 4 * RETRY_BASE_MS, 8 * RETRY_BASE_MS]);
    expect(h.transport.pending).toBe(0);
  });

  it('adds jitter, and never waits longer than the cap', async () => {
    const h = harness(Array(12).fill('network-error'));
    let r = 0;
    const jitters = [0, 0.5, 0.99];
    (h.transport as unknown as { env: TransportEnv }).env.random = () => jitters[r++ % 3];
    h.transport.enqueue('/v1/replay', '{"n":1}', 1);
    await h.advance(20 * RETRY_MAX_MS);
    expect(h.delays[0]).toBe(RETRY_BASE_MS * 0.5);
    expect(h.delays[1]).toBe(2 * RETRY_BASE_MS * 0.75);
    expect(Math.max(...h.delays)).toBeLessThanOrEqual(RETRY_MAX_MS);
    expect(h.delays.at(-1)).toBeGreaterThanOrEqual(RETRY_MAX_MS / 2);
  });

  it('honours Retry-After', async () => {
    const h = harness([[503, '7'], 200]);
    h.transport.enqueue('/v1/replay', '{"n":1}', 1);
    await h.advance(6_999);
    expect(h.calls).toHaveLength(1);
    await h.advance(1);
    expect(h.calls).toHaveLength(2);
    expect(h.delays).toEqual([7_000]);
    expect(retryAfterMs(new Date(Date.now() + 3_000).toUTCString())).toBeGreaterThan(1_000);
    expect(retryAfterMs('nonsense')).toBeNull();
  });

  it('does not retry a payload the server refuses for good (400, 413)', async () => {
    const h = harness([400, 413, 200]);
    h.transport.enqueue('/v1/replay', '{"n":1}', 1);
    h.transport.enqueue('/v1/replay', '{"n":2}', 1);
    h.transport.enqueue('/v1/replay', '{"n":3}', 1);
    await h.advance(60_000);
    expect(h.bodies()).toEqual([1, 2, 3]);
  });

  it('keeps at most maxBufferBytes while the server is down, dropping the oldest and counting them', async () => {
    const h = harness(Array(3).fill('network-error'), { maxBufferBytes: 100 });
    const payload = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(17) }); // 33 bytes each
    for (let n = 0; n < 10; n++) {
      h.transport.enqueue('/v1/replay', payload(n), 5);
      expect(h.transport.bufferedBytes).toBeLessThanOrEqual(100);
    }
    await h.advance(0);
    expect(h.transport.pending).toBe(3);
    // Reported only once the backlog is out, so that the outage cannot swallow the report too.
    expect(h.transport.takeDropReport()).toBeNull();
    await h.advance(10 * RETRY_MAX_MS);
    expect(h.transport.pending).toBe(0);
    expect(h.transport.takeDropReport()).toEqual({ batches: 7, events: 35, peakBufferedBytes: 99, maxBufferBytes: 100 });
    expect(h.transport.takeDropReport()).toBeNull();
  });

  it('delivers what it kept once the server is back, oldest first', async () => {
    const h = harness(['network-error', 'network-error'], { maxBufferBytes: 100 });
    for (let n = 0; n < 10; n++) h.transport.enqueue('/v1/replay', JSON.stringify({ n, pad: 'x'.repeat(17) }), 1);
    await h.advance(10 * RETRY_MAX_MS);
    // Payload 0 was in flight when the buffer overflowed: that attempt failed, so it was dropped too.
    expect(h.bodies()).toEqual([0, 7, 7, 8, 9]);
    expect(h.transport.takeDropReport()).toMatchObject({ batches: 7 });
  });

  it('counts the compressed size against the bound, and drops a payload bigger than the whole bound', async () => {
    const h = harness(Array(10).fill('network-error'), { maxBufferBytes: 100, gzip: true });
    h.transport.enqueue('/v1/replay', JSON.stringify({ n: 1, pad: 'x'.repeat(500) }), 1); // the fake gzip makes 6 bytes of it
    h.transport.enqueue('/v1/replay', JSON.stringify({ n: 2, pad: 'x'.repeat(500) }), 1);
    await h.advance(0);
    expect(h.transport.pending).toBe(2);
    expect(h.transport.bufferedBytes).toBe(12);

    const plain = harness(Array(10).fill('network-error'), { maxBufferBytes: 100 });
    plain.transport.enqueue('/v1/replay', JSON.stringify({ n: 1, pad: 'x'.repeat(500) }), 4);
    await plain.advance(10 * RETRY_MAX_MS);
    expect(plain.transport.pending).toBe(0);
    expect(plain.transport.takeDropReport()).toMatchObject({ batches: 1, events: 4, peakBufferedBytes: 0 });
  });

  it('hands everything buffered to sendBeacon when the page goes away', async () => {
    const h = harness(Array(10).fill('network-error'));
    h.transport.enqueue('/v1/replay', '{"n":1}', 1);
    await h.advance(0);
    h.transport.enqueue('/v1/replay', '{"n":2}', 1);
    h.transport.enqueue('/v1/traces', '{"n":3}', 0);
    h.transport.sendAllNow();
    expect(h.beacons.map((b) => b.url)).toEqual([`${ENDPOINT}/v1/replay`, `${ENDPOINT}/v1/replay`]);
    expect(h.beacons[0].body.type).toBe('text/plain');
    expect(await h.beacons[1].body.text()).toBe('{"n":2}');
    const spans = h.calls.at(-1)!;
    expect(spans.url).toBe(`${ENDPOINT}/v1/traces`);
    expect(spans.init.keepalive).toBe(true);
    expect(h.transport.pending).toBe(0);
  });

  it('a payload handed to sendBeacon while it was being compressed is not sent a second time', async () => {
    const h = harness([], { gzip: true });
    h.transport.enqueue('/v1/replay', '{"n":1}', 1);
    h.transport.sendAllNow();
    await h.advance(60_000);
    expect(h.beacons).toHaveLength(1);
    expect(await h.beacons[0].body.text()).toBe('{"n":1}'); // no time left to compress
    expect(h.calls).toHaveLength(0);
  });

  it('uses keepalive only for bodies under 60 KB', async () => {
    const h = harness([]);
    h.transport.enqueue('/v1/replay', JSON.stringify({ n: 1, pad: 'x'.repeat(KEEPALIVE_MAX_BYTES) }), 1);
    await h.advance(0);
    expect(h.calls[0].init.keepalive).toBe(false);
  });
});
