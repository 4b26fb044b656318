// @vitest-environment jsdom
// rrweb needs about:blank iframes (for untainted DOM prototypes), which jsdom has and happy-dom refuses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../src/agent';
import { resolveOptions, type RetrospectOptions } from '../src/options';
import { isSensitiveField } from '../src/privacy';
import type { TransportEnv } from '../src/transport';

const ENDPOINT = 'https://retrospect.example.com:3200';
const CARD = '4242 4242 4242 4242';

interface Batch {
  sessionId: string;
  sequence: number;
  service: string;
  session: Record<string, unknown>;
  events: Array<{ type: number; data: Record<string, unknown>; timestamp: number }>;
  chapters: Array<Record<string, unknown>>;
  errorCount: number;
}

let agents: Agent[] = [];

// happy-dom lists DOMTokenList on window without defining it; rrweb's polyfill check reads it.
if (!window.DOMTokenList) Object.assign(window, { DOMTokenList: document.documentElement.classList.constructor });

/** Starts an agent on this page whose uploads are recorded instead of sent. */
function startAgent(options: Partial<RetrospectOptions> = {}) {
  const uploads: Array<{ url: string; body: string }> = [];
  const env: TransportEnv = {
    fetch: (async (url: string, init: RequestInit) => {
      uploads.push({ url, body: init.body as string });
      return new Response('{}', { status: 200 });
    }) as typeof fetch,
    sendBeacon: null,
    gzip: null,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as number),
    random: Math.random,
  };
  const agent = new Agent(resolveOptions({ endpoint: ENDPOINT, service: 'shop-web', flushIntervalMs: 60_000, ...options }), window, env);
  expect(agent.start()).toBe(true);
  agents.push(agent);
  const batches = () => uploads.filter((u) => u.url.endsWith('/v1/replay')).map((u) => JSON.parse(u.body) as Batch);
  const sentText = () => uploads.map((u) => u.body).join('\n');
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { agent, uploads, batches, sentText, settle };
}

function type(selector: string, text: string) {
  const input = document.querySelector(selector) as HTMLInputElement;
  input.focus();
  for (let i = 1; i <= text.length; i++) {
    input.value = text.slice(0, i);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

beforeEach(() => {
  sessionStorage.clear();
  document.body.innerHTML = `
    <form>
      <input id="email" type="email" name="email">
      <input id="nickname" type="text" name="nickname">
      <input id="cc" type="text" name="cardnumber" autocomplete="cc-number">
      <input id="cvc" type="text" name="cvc">
      <input id="holder" type="text" name="holder" autocomplete="billing cc-name">
      <input id="pw" type="password" name="pw">
      <textarea id="notes" name="notes"></textarea>
    </form>
    <div class="rr-block">blocked-by-class secret</div>
    <div data-retrospect-block>blocked-by-attribute secret</div>
    <p class="rr-mask">masked-text secret</p>
    <button id="buy">Buy</button>`;
});

afterEach(() => {
  for (const a of agents.splice(0)) a.stop();
});

describe('privacy', () => {
  it('recognizes password and card fields by type, autocomplete, name and id', () => {
    const field = (html: string) => {
      const div = document.createElement('div');
      div.innerHTML = html;
      return div.firstElementChild!;
    };
    expect(isSensitiveField(field('<input type="password">'))).toBe(true);
    expect(isSensitiveField(field('<input data-rr-is-password type="text">'))).toBe(true);
    expect(isSensitiveField(field('<input autocomplete="cc-number">'))).toBe(true);
    expect(isSensitiveField(field('<input autocomplete="shipping cc-exp">'))).toBe(true);
    expect(isSensitiveField(field('<input name="card_number">'))).toBe(true);
    expect(isSensitiveField(field('<input id="cc-cvv">'))).toBe(true);
    expect(isSensitiveField(field('<input name="CVC2">'))).toBe(true);
    expect(isSensitiveField(field('<input name="expiry">'))).toBe(true);
    expect(isSensitiveField(field('<input name="exp-month">'))).toBe(true);
    expect(isSensitiveField(field('<input name="email" type="email" autocomplete="email">'))).toBe(false);
    expect(isSensitiveField(field('<input name="search">'))).toBe(false);
  });

  it('masks every input by default: neither the email nor the card number is sent', async () => {
    const t = startAgent();
    type('#email', 'ivan@gmail.com');
    type('#nickname', 'ivan-the-great');
    type('#cc', CARD);
    t.agent.stop();
    await t.settle();
    const sent = t.sentText();
    expect(sent).not.toContain('ivan@gmail.com');
    expect(sent).not.toContain('ivan-the-great');
    expect(sent).not.toContain('4242');
    // The typing itself is recorded, as asterisks.
    expect(sent).toContain('"text":"**************"');
  });

  it('never unmasks card, CVC and password fields, even with maskAllInputs off', async () => {
    const t = startAgent({ maskAllInputs: false });
    type('#nickname', 'ivan-the-great');
    type('#cc', CARD);
    type('#cvc', '123');
    type('#holder', 'Ivan Petrov');
    type('#pw', 'hunter2secret');
    t.agent.stop();
    await t.settle();
    const sent = t.sentText();
    expect(sent).toContain('ivan-the-great'); // masking really is off for ordinary fields
    for (const secret of ['4242', '"123"', 'Ivan Petrov', 'hunter2secret']) expect(sent).not.toContain(secret);
  });

  it('a card number already in the field when the snapshot is taken is masked too', async () => {
    (document.querySelector('#cc') as HTMLInputElement).value = CARD;
    (document.querySelector('#notes') as HTMLTextAreaElement).value = 'leave at door';
    const t = startAgent({ maskAllInputs: false });
    t.agent.stop();
    await t.settle();
    expect(t.sentText()).not.toContain('4242');
    expect(t.sentText()).toContain('leave at door');
  });

  it('does not record rr-block and data-retrospect-block elements, and masks rr-mask text', async () => {
    const t = startAgent();
    t.agent.stop();
    await t.settle();
    const sent = t.sentText();
    expect(t.batches()[0].events.some((e) => e.type === 2)).toBe(true); // the full snapshot went out
    expect(sent).not.toContain('blocked-by-class');
    expect(sent).not.toContain('blocked-by-attribute');
    expect(sent).not.toContain('masked-text');
  });
});

describe('batching', () => {
  it('sends a batch every flushIntervalMs, in the replay wire format', async () => {
    const t = startAgent({ flushIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 80));
    const [first] = t.batches();
    expect(first).toMatchObject({ sequence: 0, service: 'shop-web', errorCount: 0 });
    expect(first.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.session).toMatchObject({ userAgent: navigator.userAgent, entryUrl: location.href, userId: null, userEmail: null });
    expect(first.events.map((e) => e.type)).toEqual(expect.arrayContaining([4, 2]));
    expect(first.chapters[0]).toMatchObject({ sequence: 0, traceId: null, requestTime: null });
    expect(first.chapters[0].chapterId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sends a batch early once it reaches maxBatchBytes, with consecutive sequence numbers', async () => {
    const t = startAgent({ maxBatchBytes: 2_000 });
    const list = document.createElement('ul');
    document.body.appendChild(list);
    for (let i = 0; i < 30; i++) {
      const li = document.createElement('li');
      li.textContent = `row ${i} ${'x'.repeat(100)}`;
      list.appendChild(li);
      await new Promise((r) => setTimeout(r, 1)); // each mutation batch becomes its own event
    }
    await t.settle();
    const batches = t.batches();
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.map((b) => b.sequence)).toEqual(batches.map((_, i) => i));
    for (const b of batches.slice(1)) expect(JSON.stringify(b.events).length).toBeLessThan(2_000 + 1_000);
  });

  it('the next page of the session continues its sequence numbers', async () => {
    const first = startAgent();
    first.agent.stop();
    const second = startAgent();
    second.agent.stop();
    await first.settle();
    const [a, b] = [first.batches()[0], second.batches()[0]];
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.sequence).toBe(a.sequence + 1);
  });

  it('reports console errors and unhandled errors as custom events and counts them', async () => {
    const original = console.error;
    const shown: unknown[][] = [];
    console.error = (...args: unknown[]) => shown.push(args);
    try {
      const t = startAgent();
      console.error('payment widget failed', new Error('boom'));
      window.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught TypeError: x is undefined', filename: 'app.js', lineno: 3, colno: 7 }));
      t.agent.stop();
      await t.settle();
      const [batch] = t.batches();
      expect(batch.errorCount).toBe(2);
      const custom = batch.events.filter((e) => e.type === 5).map((e) => e.data);
      expect(custom).toEqual([
        { tag: 'error', payload: expect.objectContaining({ kind: 'console.error', message: 'payment widget failed Error: boom' }) },
        { tag: 'error', payload: expect.objectContaining({ kind: 'error', message: 'Uncaught TypeError: x is undefined', source: 'app.js', line: 3, column: 7 }) },
      ]);
      expect(shown).toHaveLength(1); // the console still shows the page's message
    } finally {
      console.error = original;
    }
  });

  it('identify puts the user on the session; the details go only in the batches that need them', async () => {
    const t = startAgent({ flushIntervalMs: 40 });
    await new Promise((r) => setTimeout(r, 60));
    document.getElementById('buy')!.click();
    await new Promise((r) => setTimeout(r, 60));
    t.agent.identify({ id: 'u-42', email: 'ivan@gmail.com' });
    document.getElementById('buy')!.click();
    t.agent.stop();
    await t.settle();
    const [first, second, third] = t.batches();
    expect(first.session).toMatchObject({ userAgent: navigator.userAgent, userId: null });
    expect(second.session).toBeUndefined();
    expect(third.session).toMatchObject({ userAgent: navigator.userAgent, entryUrl: location.href, userId: 'u-42', userEmail: 'ivan@gmail.com' });
  });

  it('starts a new session when the user comes back after 30 idle minutes', async () => {
    const t = startAgent();
    const stored = JSON.parse(sessionStorage.getItem('retrospect.session')!);
    sessionStorage.setItem('retrospect.session', JSON.stringify({ ...stored, lastActivity: Date.now() - 31 * 60_000 }));
    (t.agent as unknown as { session: { current: { lastActivity: number } } }).session.current.lastActivity = Date.now() - 31 * 60_000;
    document.getElementById('buy')!.click();
    await t.settle();
    t.agent.stop();
    await t.settle();
    const ids = [...new Set(t.batches().map((b) => b.sessionId))];
    expect(ids).toHaveLength(2);
    const renewed = t.batches().filter((b) => b.sessionId === ids[1]);
    expect(renewed[0].sequence).toBe(0);
    expect(renewed.flatMap((b) => b.events).some((e) => e.type === 2)).toBe(true); // a fresh full snapshot
  });
});
